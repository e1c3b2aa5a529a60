"""What is installed is pinned with hashes, agrees with what the requirement files name,
and Dependabot watches every place a dependency is declared."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from support import ROOT

PAIRS = [
    ("requirements.txt", "requirements.lock"),
    ("requirements-dev.txt", "requirements-dev.lock"),
]


def pins(path: Path) -> dict[str, str]:
    """name -> version of every ``name==version`` line (names normalized as pip does)."""
    found = {}
    for line in path.read_text("utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", line)
        if match:
            found[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return found


@pytest.mark.parametrize(("named", "locked"), PAIRS)
def test_every_requirement_is_locked_at_its_version_with_hashes(named: str, locked: str) -> None:
    wanted = pins(ROOT / named)
    lock = pins(ROOT / locked)
    for other in re.findall(r"^-r (\S+)", (ROOT / named).read_text(), re.M):
        wanted.update(pins(ROOT / other))
    assert {n: lock.get(n) for n in wanted} == wanted, f"write {locked} again (docs/operations.md)"
    entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / locked).read_text("utf-8").split("\n\n")[-1])
    unhashed = [e.split()[0] for e in entries if "==" in e and "--hash=sha256:" not in e]
    assert not unhashed


def test_dependabot_watches_every_manifest() -> None:
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())
    watched = {(u["package-ecosystem"], u["directory"]) for u in config["updates"]}
    npm = {
        ("npm", "/" + p.parent.relative_to(ROOT).as_posix())
        for p in ROOT.glob("tools/*/package.json")
    }
    assert {("pip", "/"), ("github-actions", "/"), *npm} == watched
