"""A rebuild renders again only the pages that read a changed release body, and leaves the
output byte for byte as a full build of the same content at the same instant would.

In-process builds through ``commands.build_in``, the call ``invoke build`` makes, of the
basic fixture site with numbered releases (translations among them). A page that was not
rendered keeps the file the build before wrote (the same inode); the pages' record says how
many pages the build rendered. The API's files are taken the same way: the record says how
many were made.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from file_samples import PNG
from test_build import stable_digest
from test_unchanged_rebuild import (
    AFTER_LIFT,
    BEFORE_LIFT,
    Builds,
    change_setting,
    edit_theme,
    set_up_theme_and_plugins,
)

from newsroom import cache, commands
from newsroom.cache import SETTLED_NS
from newsroom.manifest import LastBuild
from support import SAME_SIZE_AND_TIME, Site, with_releases
from support import file_status as status

#: Among with_releases' releases: one in English, and one in German (a translation).
ENGLISH = "releases/2025/numbered-2.md"
GERMAN = "releases/2025/numbered-1.md"
#: The pages that show a release's fingerprint, which hashes its body (disclosures.py).
RECORD_PAGES = {"disclosures/index.html", "de/disclosures/index.html"}


@pytest.fixture
def builds(site: Site, tmp_path: Path) -> Builds:
    return Builds(with_releases(site, 12), tmp_path / "out", tmp_path)


def pages(out: Path) -> dict[str, tuple[int, int]]:
    """Every HTML file of the output by its inode and the time it was written: a file kept
    from the build before keeps both, a page rendered again is a new file (which may get
    the inode of a file deleted before it, never its time)."""
    return {
        p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(out.rglob("*.html"))
        if not p.relative_to(out).as_posix().startswith(("admin/", "pagefind/"))
    }


def api_files(out: Path) -> dict[str, tuple[int, int]]:
    """Every file of the output's API by its inode and the time it was written (``pages``)."""
    return {
        p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted((out / "api").rglob("*.json"))
    }


def rendered(b: Builds) -> int:
    """How many pages the last build rendered, as its pages' record says."""
    record = json.loads(LastBuild.of(b.settings()).pages.read_bytes())
    return int(record["rendered"])


def made(b: Builds) -> int:
    """How many of the API's files the last build made, as its pages' record says."""
    record = json.loads(LastBuild.of(b.settings()).pages.read_bytes())
    return int(record["made"])


def again(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> set[str]:
    """The files written again: not the earlier file (its inode and time) at that path."""
    return {name for name, stamp in after.items() if before.get(name) != stamp}


def append(b: Builds, relative: str, text: str) -> None:
    with (b.site.path / relative).open("a", encoding="utf-8") as file:
        file.write(text)


def fresh_build(b: Builds, tmp_path: Path, as_of: str | None = None) -> dict[str, str]:
    fresh = Builds(b.site, tmp_path / "fresh", tmp_path)
    fresh.extra = dict(b.extra)
    assert (fresh.run() if as_of is None else fresh.run(as_of))[0] is True
    return stable_digest(fresh.out)


def page_of(relative: str) -> str:
    return f"news/2025/{Path(relative).stem}/index.html"


def record_of(relative: str) -> str:
    """A release's record in the API, which shows its body and fingerprint (api.py)."""
    return f"api/releases/2025/{Path(relative).stem}.json"


def summary_edit(b: Builds) -> None:
    path = b.site.path / ENGLISH
    path.write_text(path.read_text("utf-8").replace("summary: Release 2", "summary: Item 2"))


#: A body edited (and what else), the pages that read it and the API's files that read it
#: (None: all of them).
BODY_EDITS: dict[str, tuple[Callable[[Builds], None], set[str] | None, set[str] | None]] = {
    "a release's body": (
        lambda b: append(b, ENGLISH, "\nA paragraph added.\n"),
        {page_of(ENGLISH), *RECORD_PAGES},
        {record_of(ENGLISH)},
    ),
    "a translation's body": (
        lambda b: append(b, GERMAN, "\nEin neuer Absatz.\n"),
        {page_of(GERMAN), *RECORD_PAGES},
        {record_of(GERMAN)},
    ),
    # The front matter is in the key: every page is rendered, every file made.
    "a body and the front matter": (
        lambda b: (append(b, ENGLISH, "\nA paragraph added.\n"), summary_edit(b)),
        None,
        None,
    ),
}


@pytest.mark.parametrize("edit", BODY_EDITS, ids=list(BODY_EDITS))
def test_after_a_body_edit_only_the_pages_and_api_files_that_read_it_are_made(
    builds: Builds, tmp_path: Path, edit: str
) -> None:
    change, page_readers, api_readers = BODY_EDITS[edit]
    assert builds.run()[0] is True
    before, before_api = pages(builds.out), api_files(builds.out)
    assert (rendered(builds), made(builds)) == (len(before), len(before_api))
    change(builds)
    assert builds.run()[0] is True
    after, after_api = pages(builds.out), api_files(builds.out)
    assert again(before, after) == (set(after) if page_readers is None else page_readers)
    assert rendered(builds) == len(again(before, after))
    assert set(after_api) == set(before_api)
    assert again(before_api, after_api) == (set(after_api) if api_readers is None else api_readers)
    assert made(builds) == len(again(before_api, after_api))
    assert stable_digest(builds.out) == fresh_build(builds, tmp_path)


#: The release whose page, or record in the API, is changed in the output between builds.
THIRD = "releases/2025/numbered-3.md"


def altered(name: str, old: bytes, new: bytes) -> Callable[[Builds], None]:
    """A change to the output: ``old`` replaced by ``new`` in the file at ``name``."""

    def change(b: Builds) -> None:
        target = b.out / name
        target.write_bytes(target.read_bytes().replace(old, new))

    return change


def deleted(name: str) -> Callable[[Builds], None]:
    return lambda b: (b.out / name).unlink()


def linked(name: str) -> Callable[[Builds], None]:
    """A change to the output: the file at ``name`` replaced by a link to a copy elsewhere."""

    def change(b: Builds) -> None:
        target = b.out / name
        elsewhere = b.tmp / f"elsewhere{Path(name).suffix}"
        elsewhere.write_bytes(target.read_bytes())
        target.unlink()
        target.symlink_to(elsewhere)

    return change


def output_changes(name: str, old: bytes, new: bytes) -> dict[str, Callable[[Builds], None]]:
    return {"altered": altered(name, old, new), "deleted": deleted(name), "a link": linked(name)}


#: A file of the output changed between builds: the change, the files of its kind
#: (``pages``, ``api_files``), the one made again, and how many pages the rebuild renders and
#: how many of the API's files it makes.
OUTPUT_CHANGES: dict[str, tuple[Callable[[Builds], None], Callable[[Path], Any], str, tuple]] = {
    **{
        f"a page {how}": (change, pages, page_of(THIRD), (1, 0))
        for how, change in output_changes(
            page_of(THIRD), b"</main>", b"<p>slipped in</p></main>"
        ).items()
    },
    **{
        f"a record {how}": (change, api_files, record_of(THIRD), (0, 1))
        for how, change in output_changes(
            record_of(THIRD), b'"title":', b'"title":"slipped in","x":'
        ).items()
    },
}


@pytest.mark.parametrize("case", OUTPUT_CHANGES, ids=list(OUTPUT_CHANGES))
def test_an_output_file_changed_between_builds_is_made_again(
    builds: Builds, tmp_path: Path, case: str
) -> None:
    change, files, changed, counts = OUTPUT_CHANGES[case]
    builds.run()
    before = files(builds.out)
    change(builds)
    assert builds.run()[0] is True  # the output changed: the manifest keeps nothing
    assert again(before, files(builds.out)) == {changed}
    assert (rendered(builds), made(builds)) == counts
    assert stable_digest(builds.out) == fresh_build(builds, tmp_path)


def test_no_file_is_taken_through_a_folder_replaced_by_a_link(
    builds: Builds, tmp_path: Path
) -> None:
    """The earlier output's files are taken through its own folders only: a folder of it
    replaced by a link to a copy elsewhere (the same bytes) gives no file, its pages are
    rendered again, and nothing outside the output is linked or touched."""
    builds.run()
    folder = builds.out / "news" / "2025"
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(folder, elsewhere)
    shutil.rmtree(folder)
    folder.symlink_to(elsewhere)
    outside = {p: (p.read_bytes(), p.stat().st_ino) for p in elsewhere.rglob("*") if p.is_file()}
    assert builds.run()[0] is True
    assert not folder.is_symlink()
    under = list(folder.rglob("*.html"))
    assert under and all(p.stat().st_nlink == 1 for p in under)
    assert rendered(builds) == len(under)
    assert outside == {
        p: (p.read_bytes(), p.stat().st_ino) for p in elsewhere.rglob("*") if p.is_file()
    }
    assert all(p.stat().st_nlink == 1 for p in outside)
    assert stable_digest(builds.out) == fresh_build(builds, tmp_path)


def test_a_release_going_live_renders_every_page(builds: Builds, tmp_path: Path) -> None:
    builds.run(BEFORE_LIFT)
    before = pages(builds.out)
    before_api = api_files(builds.out)
    assert builds.run(AFTER_LIFT)[0] is True
    after = pages(builds.out)
    assert all(before.get(name) != inode for name, inode in after.items())
    assert rendered(builds) == len(after)
    # The API too: nothing made before the release went live is taken.
    assert again(before_api, api_files(builds.out)) == set(api_files(builds.out))
    assert made(builds) == len(api_files(builds.out))
    assert stable_digest(builds.out) == fresh_build(builds, tmp_path, AFTER_LIFT)


@pytest.mark.parametrize(
    ("change", "set_up"),
    [(edit_theme, set_up_theme_and_plugins), (change_setting, None)],
    ids=["the theme", "a setting"],
)
def test_a_changed_theme_or_setting_renders_every_page(
    builds: Builds,
    tmp_path: Path,
    change: Callable[[Builds], None],
    set_up: Callable[[Builds], None] | None,
) -> None:
    if set_up is not None:
        set_up(builds)
    builds.run()
    before = pages(builds.out)
    change(builds)
    append(builds, ENGLISH, "\nA paragraph added.\n")
    assert builds.run()[0] is True
    after = pages(builds.out)
    assert all(before.get(name) != inode for name, inode in after.items())
    assert rendered(builds) == len(after)
    assert stable_digest(builds.out) == fresh_build(builds, tmp_path)


def test_another_build_into_the_output_forgets_the_pages_record(builds: Builds, site: Site) -> None:
    builds.run()
    record = LastBuild.of(builds.settings()).pages
    assert record.is_file()
    assert not any(".pages" in p.name for p in builds.out.rglob("*"))
    site.build(builds.out)  # commands.build: previews, rehearsals, the dev server
    assert not record.exists()
    before = pages(builds.out)
    assert builds.run()[0] is True
    assert all(before.get(name) != inode for name, inode in pages(builds.out).items())
    assert rendered(builds) == len(before)


def test_nothing_is_left_of_the_files_held_from_the_build_before(builds: Builds) -> None:
    builds.run()
    append(builds, ENGLISH, "\nA paragraph added.\n")
    builds.run()
    assert sorted(p.name for p in builds.out.iterdir() if p.name.startswith(".")) == []
    assert os.listdir(builds.out)  # the output itself is there


def test_a_body_that_publishes_a_withheld_file_renders_every_page(
    builds: Builds, tmp_path: Path
) -> None:
    # A picture only the embargoed release shows is withheld (withheld.py) until a public
    # release's body links it too: the media the site publishes are in the key.
    builds.site.write("media/lab-logo.png", PNG)
    append(builds, "releases/2026/embargoed-launch.md", "\n![Logo](/media/lab-logo.png)\n")
    builds.run()
    assert not (builds.out / "media/lab-logo.png").exists()
    before = pages(builds.out)
    append(builds, ENGLISH, "\n![Logo](/media/lab-logo.png)\n")
    assert builds.run()[0] is True
    assert (builds.out / "media/lab-logo.png").is_file()
    after = pages(builds.out)
    assert all(before.get(name) != stamp for name, stamp in after.items())
    assert rendered(builds) == len(after)
    assert stable_digest(builds.out) == fresh_build(builds, tmp_path)


def lying(out: Path) -> dict[str, tuple[int, int]]:
    """Every entry of the output but the search index, by its inode and change time: a file
    or folder left where it lies keeps both (a rename or a link changes the change time)."""
    return {
        p.relative_to(out).as_posix(): (p.lstat().st_ino, p.lstat().st_ctime_ns)
        for p in sorted(out.rglob("*"))
        if not p.relative_to(out).as_posix().startswith(("pagefind", "build.json"))
    }


def test_the_files_taken_and_their_folders_are_left_where_they_lie(builds: Builds) -> None:
    """Nothing the rebuild takes is moved or linked: each file taken keeps its inode and
    change time, and every folder it is in its inode; the files made again are new ones."""
    builds.run()
    before = lying(builds.out)
    append(builds, ENGLISH, "\nA paragraph added.\n")
    assert builds.run()[0] is True
    after = lying(builds.out)
    made_again = {page_of(ENGLISH), *RECORD_PAGES, record_of(ENGLISH)}
    taken = [name for name in before if name.endswith((".html", ".json"))]
    taken = [n for n in taken if n.startswith(("news/", "api/", "de/", "tags/", "disclosures/"))]
    assert {name for name in taken if after.get(name) != before[name]} == made_again
    # Each folder by its inode (a share card beside a page is copied again: its change time).
    folders = {str(Path(name).parent) for name in taken} - {"."}
    assert folders and all(after[folder][0] == before[folder][0] for folder in folders)


def entries(out: Path) -> dict[str, tuple[str, int]]:
    """Every entry of an output but the search index, by kind and mode (links not followed)."""
    found = {}
    for path in sorted(out.rglob("*")):
        name = path.relative_to(out).as_posix()
        if name.startswith("pagefind"):
            continue
        info = path.lstat()
        kind = "link" if path.is_symlink() else "folder" if path.is_dir() else "file"
        found[name] = (kind, stat.S_IMODE(info.st_mode) if kind != "link" else 0)
    return found


def plant(b: Builds, outside: Path) -> Callable[[], dict[Path, tuple[bytes, int]]]:
    """What a hostile hand may leave in an earlier output beside the files on record, all
    in the folders a rebuild leaves where they are: a page that is a hard link to a file
    outside, a page and a folder anyone may write to, files and an empty folder not on
    record, a link to a folder outside. What to check outside afterwards."""
    out = b.out
    secret = outside / "secret.html"
    (outside / "folder").mkdir(parents=True)
    (outside / "folder" / "index.html").write_text("outside")
    page = out / page_of("releases/2025/numbered-3.md")
    secret.write_bytes(page.read_bytes())
    page.unlink()
    os.link(secret, page)
    (out / page_of("releases/2025/numbered-4.md")).chmod(0o666)
    (out / page_of("releases/2025/numbered-5.md")).parent.chmod(0o777)
    (out / "news/2025/numbered-6/extra.html").write_text("not on record")
    (out / "api/releases/2025/extra.json").write_text("{}")
    (out / "news/2025/ghost").mkdir()
    (out / "news/2025/numbered-7/more").symlink_to(outside / "folder")
    return lambda: {p: (p.read_bytes(), p.stat().st_nlink) for p in outside.rglob("*.html")}


def test_nothing_an_earlier_output_holds_besides_its_files_on_record_is_kept(
    builds: Builds, tmp_path: Path
) -> None:
    builds.run()
    outside = tmp_path / "outside"
    found_outside = plant(builds, outside)
    before = found_outside()
    append(builds, ENGLISH, "\nA paragraph added.\n")
    assert builds.run()[0] is True
    # The hard link is gone from the output: the file outside has one link, its bytes.
    assert found_outside() == {p: (data, 1) for p, (data, _) in before.items()}
    fresh = Builds(builds.site, tmp_path / "fresh", tmp_path)
    assert fresh.run()[0] is True
    assert entries(builds.out) == entries(fresh.out)
    assert stable_digest(builds.out) == stable_digest(fresh.out)
    # The edited page, the record's, and the three pages planted above or in a folder planted.
    assert rendered(builds) == 1 + len(RECORD_PAGES) + 3


def withdrawn(b: Builds, relative: str) -> None:
    """The release at ``relative`` withdrawn from 2026-11-20 09:00 UTC on."""
    file = b.site.path / relative
    head, _, body = file.read_text("utf-8")[4:].partition("---\n")
    withdrawal = "withdrawal:\n  date: 2026-11-20 09:00 UTC\n  reason: Withdrawn.\n"
    file.write_text(f"---\n{head}status: withdrawn\n{withdrawal}---\n{body}", "utf-8")


def test_the_records_of_releases_withdrawn_between_two_builds_are_removed(
    builds: Builds, tmp_path: Path
) -> None:
    """Both releases of 2026 withdrawn at an instant between two builds of the same content:
    the files left for the second build that it does not write (their records in the API)
    are removed once it is over, with the folder that emptied; a folder the earlier output
    held that no file on record is in goes with the rest."""
    withdrawn(builds, "releases/2026/with-files.md")
    withdrawn(builds, "releases/2026/first-product.md")
    builds.run("2026-11-20T08:59:59Z")
    year = builds.out / "api/releases/2026"
    assert sorted(p.name for p in year.iterdir()) == ["first-product.json", "with-files.json"]
    (builds.out / "api/releases/2024").mkdir()
    assert builds.run("2026-11-20T09:00:00Z")[0] is True
    assert not year.exists()
    fresh = Builds(builds.site, tmp_path / "fresh", tmp_path)
    assert fresh.run("2026-11-20T09:00:00Z")[0] is True
    assert entries(builds.out) == entries(fresh.out)
    assert stable_digest(builds.out) == stable_digest(fresh.out)


def test_a_rebuild_that_cannot_remove_a_file_left_for_it_stops_and_vouches_for_nothing(
    builds: Builds, tmp_path: Path
) -> None:
    """The edited release's page, left where it lies, cannot be removed (immutable) before
    its page is written afresh: the build stops with a plain message and leaves no manifest
    nor pages' record, so the next one takes nothing and renders every page."""
    builds.run()
    append(builds, ENGLISH, "\nA paragraph added.\n")
    stuck = builds.out / page_of(ENGLISH)
    if subprocess.run(["chattr", "+i", str(stuck)], capture_output=True).returncode != 0:
        pytest.skip("files cannot be made immutable here (chattr +i)")
    try:
        with pytest.raises(commands.BuildFailed) as stopped:
            builds.run()
    finally:
        subprocess.run(["chattr", "-i", str(stuck)], check=True)
    assert str(stopped.value) == (
        f"The build stopped: a file of the build before could not be deleted from {stuck}: "
        "Operation not permitted."
    )
    last = LastBuild.of(builds.settings())
    assert not last.path.exists() and not last.pages.exists()
    before = pages(builds.out)
    assert builds.run()[0] is True
    assert rendered(builds) == len(before)
    assert stable_digest(builds.out) == fresh_build(builds, tmp_path)


def test_the_names_pelican_is_told_to_keep_are_kept_by_a_rebuild(builds: Builds) -> None:
    """``OUTPUT_RETENTION`` in a rebuild that takes files: the names kept are left alone,
    whatever they hold, and the rest of the earlier output goes as in a full build."""
    builds.extra["OUTPUT_RETENTION"] = [".git", "CNAME"]
    builds.run()
    (builds.out / ".git").mkdir()
    (builds.out / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (builds.out / "CNAME").write_text("news.example.com\n")
    (builds.out / "news" / "stale.html").write_text("stale")
    append(builds, ENGLISH, "\nA paragraph added.\n")
    assert builds.run()[0] is True
    assert rendered(builds) == 1 + len(RECORD_PAGES)
    assert (builds.out / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (builds.out / "CNAME").read_text() == "news.example.com\n"
    assert not (builds.out / "news" / "stale.html").exists()


def test_no_file_left_for_a_rebuild_is_written_through(builds: Builds, tmp_path: Path) -> None:
    """A release going live: nothing of the earlier output can be taken, and each file left
    where it lies is removed before its path is written afresh, never written into (a file
    opened before the build still reads as it was)."""
    builds.run(BEFORE_LIFT)
    names = [*pages(builds.out), *api_files(builds.out)]
    opened = {name: (builds.out / name).open("rb") for name in names}
    try:
        earlier = {name: file.read() for name, file in opened.items()}
        assert builds.run(AFTER_LIFT)[0] is True
        for file in opened.values():
            file.seek(0)
        assert {name: file.read() for name, file in opened.items()} == earlier
    finally:
        for file in opened.values():
            file.close()
    assert stable_digest(builds.out) == fresh_build(builds, tmp_path, AFTER_LIFT)


def record(b: Builds) -> dict[str, Any]:
    """The pages' record of the last build."""
    return json.loads(LastBuild.of(b.settings()).pages.read_bytes())


@pytest.mark.parametrize("change", SAME_SIZE_AND_TIME, ids=list(SAME_SIZE_AND_TIME))
def test_a_page_changed_after_its_status_was_recorded_is_made_again(
    builds: Builds, tmp_path: Path, change: str
) -> None:
    """A rebuild takes a file whose status is the recorded one without reading it: a file
    of the same size and modification time is not enough, its inode and change time tell."""
    builds.run()
    time.sleep(SETTLED_NS / 1e9 + 0.2)  # the pages written have settled
    append(builds, ENGLISH, "\nA paragraph added.\n")
    assert builds.run()[0] is True  # hashes the pages it takes, and records their status
    page = builds.out / page_of(THIRD)
    assert record(builds)["pages"][page_of(THIRD)][2] == status(page)
    before, was = pages(builds.out), status(page)
    SAME_SIZE_AND_TIME[change](page)
    assert status(page)[2:4] == was[2:4]
    assert builds.run()[0] is True
    assert again(before, pages(builds.out)) == {page_of(THIRD)}
    assert rendered(builds) == 1
    assert stable_digest(builds.out) == fresh_build(builds, tmp_path)


def test_the_search_index_records_the_status_of_the_pages_it_read(
    builds: Builds, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pages a build rendered have no status in its record until their files are read:
    the search index's key reads each release page, in the process that forked the build,
    and what it finds is in the record that process writes. (Every file counts as settled
    as soon as it is written here, so that the build's own pages are.)"""
    monkeypatch.setattr(cache, "SETTLED_NS", 0)
    builds.run()
    recorded = record(builds)["pages"]
    release_pages = {name for name in recorded if re.fullmatch(r"news/\d+/[^/]+/index\.html", name)}
    assert release_pages >= {page_of(ENGLISH), page_of(THIRD)}
    assert {name: recorded[name][2] for name in release_pages} == {
        name: status(builds.out / name) for name in release_pages
    }
    assert recorded["index.html"][2] is None  # no search part reads it
    # A rebuild takes them by their status, and keeps it.
    append(builds, ENGLISH, "\nA paragraph added.\n")
    assert builds.run()[0] is True
    assert record(builds)["pages"][page_of(THIRD)][2] == recorded[page_of(THIRD)][2]
