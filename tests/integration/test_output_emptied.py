"""A build into a folder that holds an earlier output leaves only what it wrote (outfolder).

The earlier output is moved aside inside the folder and deleted by another process while the
build runs; whatever it held (a page of a release since deleted, hidden files, a folder a
stopped build was deleting, a link to a file elsewhere), the folder ends as a build into an
empty one would leave it, and nothing outside it is touched.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from newsroom import commands, outfolder
from newsroom.outfolder import PREFIX
from support import Site


def files(output: Path) -> dict[str, bytes]:
    """Every file of an output, by its path; the search index by name only (Pagefind's
    bytes differ from run to run)."""
    found = {}
    for path in sorted(output.rglob("*")):
        name = path.relative_to(output).as_posix()
        if path.is_file() or path.is_symlink():
            found[name] = b"" if name.startswith("pagefind/") else path.read_bytes()
    return found


def leave_earlier_output(output: Path, outside: Path) -> None:
    """What an earlier build, a stopped one and someone's hand may have left in ``output``."""
    (output / "news/2020/a-deleted-release").mkdir(parents=True)
    (output / "news/2020/a-deleted-release/index.html").write_text("Withdrawn text")
    (output / ".hidden").write_text("stale")
    (output / f"{PREFIX}left-by-a-stopped-build/news/x").mkdir(parents=True)
    (output / f"{PREFIX}left-by-a-stopped-build/news/x/index.html").write_text("old")
    (output / "deep" / ("d" * 50)).mkdir(parents=True)
    (output / "link-to-elsewhere").symlink_to(outside)
    (output / "index.html").write_text("the old home page")


def test_a_build_into_an_earlier_output_leaves_only_what_it_wrote(
    site: Site, tmp_path: Path
) -> None:
    fresh, reused = tmp_path / "fresh", tmp_path / "reused"
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("not the build's")
    site.build(fresh)
    site.build(reused)
    leave_earlier_output(reused, outside)

    site.build(reused)

    assert files(reused) == files(fresh)
    assert outside.read_text() == "not the build's"
    assert not [p for p in os.listdir(reused) if p.startswith(PREFIX)]


def test_the_names_pelican_is_told_to_keep_are_kept(site: Site, tmp_path: Path) -> None:
    output = tmp_path / "out"
    site.build(output)
    (output / ".git").mkdir()
    (output / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (output / "CNAME").write_text("news.example.com\n")
    (output / "stale.html").write_text("stale")

    site.build(output, OUTPUT_RETENTION=[".git", "CNAME"])

    assert (output / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (output / "CNAME").read_text() == "news.example.com\n"
    assert not (output / "stale.html").exists()
    assert (output / "index.html").is_file()


def test_an_output_folder_that_is_a_link_is_emptied_in_place(site: Site, tmp_path: Path) -> None:
    """The folder the link names is emptied and built into; the link stays a link."""
    real = tmp_path / "real"
    real.mkdir()
    (real / "stale.html").write_text("stale")
    output = tmp_path / "out"
    output.symlink_to(real)

    site.build(output)

    assert output.is_symlink()
    assert not (real / "stale.html").exists()
    assert (real / "index.html").is_file()


def test_an_earlier_output_that_cannot_be_deleted_stops_the_build(
    site: Site, tmp_path: Path
) -> None:
    """A file nobody may delete (immutable) in the earlier output: the build stops with a
    plain message, rather than leave the old file in what would be uploaded."""
    output = tmp_path / "out"
    site.build(output)
    stuck = output / "news" / "stuck.html"
    stuck.write_text("an old page")
    if subprocess.run(["chattr", "+i", str(stuck)], capture_output=True).returncode != 0:
        pytest.skip("files cannot be made immutable here (chattr +i)")
    try:
        with pytest.raises(commands.BuildFailed) as stopped:
            site.build(output)
        (aside,) = [p for p in output.iterdir() if p.name.startswith(PREFIX)]
        assert str(stopped.value) == (
            f"The build stopped: the output of the build before could not be deleted from "
            f"{aside}: Operation not permitted."
        )
    finally:
        for path in output.rglob("stuck.html"):
            subprocess.run(["chattr", "-i", str(path)], check=True)


def test_without_a_process_to_delete_it_the_earlier_output_is_deleted_by_the_build(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No second interpreter can be started (here: its path leads nowhere): the build deletes
    the earlier output itself, as Pelican does, and goes on."""
    fresh, reused = tmp_path / "fresh", tmp_path / "reused"
    site.build(fresh)
    site.build(reused)
    leave_earlier_output(reused, tmp_path / "elsewhere.txt")
    monkeypatch.setattr(outfolder, "sys", SimpleNamespace(executable=str(tmp_path / "none")))

    site.build(reused)

    assert files(reused) == files(fresh)
