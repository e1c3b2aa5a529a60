"""invoke rehearse and invoke preview --against: a pull request's instants, built before merge.

Both run as CI runs them (the real invoke tasks, in a subprocess) on a git repository whose
main branch holds the fixture site and whose working tree adds an embargoed release.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from support import AS_OF, ROOT, add_kiel_lab, published

INVOKE = Path(sys.executable).with_name("invoke")


def invoke(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(INVOKE), *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """main holds the fixture site; the working tree adds an embargoed release with a picture."""
    add_kiel_lab(published(tmp_path))
    return tmp_path


def rehearse(repo: Path) -> subprocess.CompletedProcess[str]:
    content = str(repo / "content")
    return invoke("rehearse", "--against", "main", "--content", content, "--as-of", AS_OF)


def test_rehearsal_builds_now_and_each_new_instant(repo: Path) -> None:
    result = rehearse(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("As of ")]
    # Now: the new release and the fixture's own embargoed one are not public yet. At the
    # new release's instant (09:30 Berlin is 08:30 UTC) the fixture's embargo has passed.
    assert [line.split(": built")[0] for line in lines] == [
        "As of 2026-11-23 12:00:00 UTC",
        "As of 2026-12-10 08:30:00 UTC",
    ]
    assert lines[0].endswith("; nothing of the 2 releases not public then.")
    assert lines[1].endswith("; nothing of the 0 releases not public then.")


def test_one_release_not_public_is_said_in_the_singular(repo: Path) -> None:
    # Only the new release is still ahead, a day after the fixture's own embargo passed.
    result = invoke(
        "rehearse",
        "--against",
        "main",
        "--content",
        str(repo / "content"),
        "--as-of",
        "2026-12-04T12:00:00Z",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    first = next(line for line in result.stdout.splitlines() if line.startswith("As of "))
    assert first.endswith("; nothing of the 1 release not public then.")


def test_a_public_release_that_names_an_embargoed_one_fails_the_rehearsal(repo: Path) -> None:
    public = repo / "content" / "releases" / "2026" / "first-product.md"
    public.write_text(
        public.read_text() + "\nCompare: Example opens a grid lab in Kiel.\n", encoding="utf-8"
    )
    result = rehearse(repo)
    assert result.returncode == 1
    # The page first, then how many other files (feeds, API, search index) say it too.
    expected = re.compile(
        r"content/releases/2026/kiel-lab\.md: not public as of 2026-11-23 12:00:00 UTC, but "
        r"the build as of then shows its title in news/2026/first-product/index\.html and "
        r"\d+ other files\. Take it out of what is public then, or give both the same instant\."
    )
    assert any(expected.fullmatch(line) for line in result.stdout.splitlines()), result.stdout
    assert "file(s) show releases before their instant." in result.stderr


def test_preview_has_one_portable_site_per_instant(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "pr-preview"
    content = str(repo / "content")
    result = invoke(
        "preview",
        "--against",
        "main",
        "--content",
        content,
        "--as-of",
        AS_OF,
        "--output",
        str(out),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        ".masthead-preview",
        "2026-11-23T120000Z",
        "2026-12-10T083000Z",
        "index.html",
    ]
    front = (out / "index.html").read_text()
    assert '<a href="2026-12-10T083000Z/index.html">As of 2026-12-10 08:30:00 UTC</a>' in front
    assert "Example opens a grid lab in Kiel" in front
    # Already in the preview as of now (bannered), with its picture, linked for disk.
    page = (out / "2026-11-23T120000Z" / "news/2026/kiel-lab/index.html").read_text()
    assert 'href="../../../index.html"' in page
    assert 'src="lab.png"' in page or 'src="../../../news/2026/kiel-lab/lab.png"' in page
    assert 'href="/' not in page and 'src="/' not in page
    assert (out / "2026-11-23T120000Z" / "news/2026/kiel-lab/lab.png").is_file()


def test_preview_refuses_to_empty_a_folder_it_did_not_make(repo: Path, tmp_path: Path) -> None:
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "precious.txt").write_text("mine")
    result = invoke(
        "preview",
        "--against",
        "main",
        "--content",
        str(repo / "content"),
        "--as-of",
        AS_OF,
        "--output",
        str(keep),
    )
    assert result.returncode == 2
    assert f"{keep}/ exists and is not a preview folder; name another." in result.stderr
    assert (keep / "precious.txt").read_text() == "mine"
