"""invoke new and a check that stops at an error load neither Pelican, Pillow nor lxml.

They run in a fresh interpreter, through the tasks themselves, and report what they
imported: a module that reaches for the outputs or the Pelican glue shows up here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from support import ROOT, Site

#: Loaded only by a build: the check and a new file need none of them.
BUILD_ONLY = ("pelican", "PIL", "lxml", "feedgen")

RUN = """
import json, sys
sys.path.insert(0, {root!r})
import tasks
from invoke import Context, Exit
{setup}
try:
    {call}
    code = 0
except Exit as err:
    code = err.code
print(json.dumps({{"code": code, "loaded": sorted(m for m in {heavy!r} if m in sys.modules)}}))
"""


def run(call: str, setup: str = "") -> dict:
    code = RUN.format(root=str(ROOT), setup=setup, call=call, heavy=BUILD_ONLY)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.splitlines()[-1])


def without_pictures(site: Site) -> Site:
    shutil.rmtree(site.path / "releases" / "2026" / "with-files")
    (site.path / "releases" / "2026" / "with-files.md").unlink()
    return site


def test_a_check_that_finds_an_error_loads_no_build_modules(site: Site) -> None:
    without_pictures(site).write("releases/2026/broken.md", "---\ntitle: [\n---\nText.\n")
    assert run(f"tasks.check(Context(), content={str(site.path)!r})") == {
        "code": 1,
        "loaded": [],
    }


def test_invoke_new_loads_no_build_modules(site: Site, tmp_path: Path) -> None:
    # The task as it runs, with the repository moved to a copy: the file is written there.
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(ROOT / "pelicanconf.py", repo / "pelicanconf.py")
    shutil.copytree(without_pictures(site).path, repo / "content")
    setup = f"from pathlib import Path; tasks.ROOT = Path({str(repo)!r})"
    result = run(
        'tasks.new(Context(), "Aldercrest opens a plant", date="2026-12-03 07:00 UTC")', setup
    )
    assert result == {"code": 0, "loaded": []}
    assert (repo / "content/releases/2026/aldercrest-opens-a-plant.md").is_file()


def test_the_process_that_forks_invoke_build_loads_no_pelican(site: Site, tmp_path: Path) -> None:
    """``invoke build`` runs the check and Pelican in a child (forked.py); the process that
    forked it runs the search index and copies the share cards, handed to it as plain data,
    and loads no Pelican for them (search.py and share_cards.py do without it)."""
    out = tmp_path / "out"
    call = f"tasks.build(Context(), content={str(site.path)!r}, output={str(out)!r})"
    result = run(call)
    assert result["code"] == 0
    assert "pelican" not in result["loaded"]
    assert (out / "pagefind").is_dir()
