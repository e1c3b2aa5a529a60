"""Search parts kept between builds (search.Bundles): a part whose pages are unchanged is not
indexed again, and what readers search is what Pagefind would make of the pages now.

A bundle is reused only for the same pages with the same bytes, so a rebuild after one edit
runs Pagefind on the edited part alone; the bundles are hard links to the kept ones when
they are on one file system, which is how these tests tell a reused part from a new run.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from test_build import stable_digest
from test_unchanged_rebuild import Builds

from newsroom.cache import SETTLED_NS
from newsroom.search import CACHE_FOLDER, KEEP_UNUSED, UNSETTLED
from support import Site, git

PART_SIZE = 1  # the fixture's few releases make several parts
RELEASE = """---
title: Kept part {n}
date: 2026-0{n}-02 09:00 Europe/Berlin
category: products
summary: Part {n} of the index.
---
The keptword number {n} is here.
"""


def build(site: Site, output: Path, **extra: object) -> None:
    site.build(output, NEWSROOM={"search_part_size": PART_SIZE}, **extra)


def files(output: Path) -> dict[str, int]:
    """Each file of the search index, by its inode."""
    index = output / "pagefind"
    return {p.relative_to(index).as_posix(): p.stat().st_ino for p in index.rglob("*.pf_*")}


def texts(output: Path) -> dict[str, str]:
    """Each indexed page's address and text, read from its fragment."""
    found = {}
    for fragment in (output / "pagefind").glob("*/*/fragment/*.pf_fragment"):
        data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        found[data["url"]] = data["content"]
    return found


def parts_of(output: Path) -> set[str]:
    return {p.parent.relative_to(output).as_posix() for p in output.glob("pagefind/*/*/fragment")}


def kept(site: Site) -> Path:
    return site.path.parent / CACHE_FOLDER


def with_releases(site: Site) -> Site:
    for n in range(1, 5):
        site.write(f"releases/2026/kept-{n}.md", RELEASE.format(n=n))
    return site


def test_an_unchanged_part_is_not_indexed_again(site: Site, tmp_path: Path) -> None:
    with_releases(site)
    build(site, tmp_path / "one")
    first = files(tmp_path / "one")
    assert len(parts_of(tmp_path / "one")) >= 5
    assert len(list(kept(site).iterdir())) == len(parts_of(tmp_path / "one"))

    build(site, tmp_path / "two")
    assert files(tmp_path / "two") == first  # every part reused, none indexed
    assert texts(tmp_path / "two") == texts(tmp_path / "one")


def test_after_an_edit_only_its_part_is_indexed_and_readers_find_the_edit(
    site: Site, tmp_path: Path
) -> None:
    with_releases(site)
    build(site, tmp_path / "one")
    before = files(tmp_path / "one")
    site.write("releases/2026/kept-2.md", RELEASE.format(n=2).replace("is here", "moved on"))
    build(site, tmp_path / "two")
    after = files(tmp_path / "two")
    # A part Pagefind indexed again holds files of its own; a reused one, the kept files.
    indexed = {
        "/".join(name.split("/")[:2])
        for name, ino in after.items()
        if ino not in set(before.values())
    }
    assert len(indexed) == 1
    found = texts(tmp_path / "two")
    assert any("keptword number 2 moved on" in text for text in found.values())
    assert not any("keptword number 2 is here" in text for text in found.values())

    # The same as an index made from nothing.
    shutil.rmtree(kept(site))
    build(site, tmp_path / "fresh")
    assert texts(tmp_path / "fresh") == found


def test_a_rebuild_keys_the_parts_by_the_pages_record_as_by_their_bytes(
    site: Site, tmp_path: Path
) -> None:
    """``invoke build`` keys a part by the digests in its pages' record where the files'
    statuses vouch for them, and by their bytes elsewhere: the same keys, so after an edit
    only the edited part is indexed, and the index is the one a build from nothing makes."""
    with_releases(site)
    builds = Builds(site, tmp_path / "out", tmp_path)
    builds.extra["NEWSROOM"] = {"languages": ["en", "de"], "search_part_size": PART_SIZE}
    builds.run()
    for n in (2, 3):  # the first rebuild records the statuses, the second goes by them
        time.sleep(SETTLED_NS / 1e9 + 0.2)
        before = files(builds.out)
        edit = RELEASE.format(n=n).replace("is here", "moved on")
        site.write(f"releases/2026/kept-{n}.md", edit)
        assert builds.run()[0] is True
        after = files(builds.out)
        indexed = {
            "/".join(name.split("/")[:2])
            for name, ino in after.items()
            if ino not in set(before.values())
        }
        assert len(indexed) == 1
    found = texts(builds.out)
    assert any("keptword number 3 moved on" in text for text in found.values())
    shutil.rmtree(kept(site))
    build(site, tmp_path / "fresh")
    assert texts(tmp_path / "fresh") == found


def test_an_embargoed_release_is_never_in_a_reused_part(site: Site, tmp_path: Path) -> None:
    """The fixture's embargoed release: indexed once public, then a build before its
    instant (a rollback, a rehearsal) must not find its bundle."""
    with_releases(site)
    build(site, tmp_path / "after", as_of="2026-12-31T00:00:00Z")
    assert any("Embargoed body text" in t for t in texts(tmp_path / "after").values())
    build(site, tmp_path / "before")
    assert not any("Embargoed body text" in t for t in texts(tmp_path / "before").values())
    assert "Embargoed body text" not in "".join(
        gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
        for p in (tmp_path / "before" / "pagefind").rglob("*.pf_*")
    )


def test_a_committed_cache_of_parts_is_never_read(site: Site, tmp_path: Path) -> None:
    with_releases(site)
    build(site, tmp_path / "one")
    honest = texts(tmp_path / "one")
    for fragment in kept(site).glob("*/fragment/*.pf_fragment"):
        data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        data["content"] = "Forged words."
        fragment.unlink()  # a link to the output's file: the forgery is the cache's alone
        fragment.write_bytes(gzip.compress(b"pagefind_dcd" + json.dumps(data).encode()))
    root = site.path.parent
    git(root, "init", "-q")
    git(root, "add", "-f", ".cache")
    git(root, "commit", "-qm", "Search parts, committed")
    build(site, tmp_path / "two")
    assert texts(tmp_path / "two") == honest


def test_parts_no_build_used_for_an_hour_are_removed(site: Site, tmp_path: Path) -> None:
    with_releases(site)
    build(site, tmp_path / "one")
    folder = kept(site)
    stale, recent = folder / ("0" * 64), folder / ("1" * 64)
    for entry in (stale, recent):
        shutil.copytree(next(p for p in folder.iterdir() if p not in (stale, recent)), entry)
    past = time.time() - KEEP_UNUSED - 60
    os.utime(stale, (past, past))
    build(site, tmp_path / "two")
    assert not stale.exists()
    assert recent.exists()


@pytest.fixture
def rebuilds(site: Site, tmp_path: Path) -> Builds:
    """``invoke build``'s rebuilds (``commands.build_in``) of the site with several parts."""
    b = Builds(with_releases(site), tmp_path / "out", tmp_path)
    b.extra["NEWSROOM"] = {"languages": ["en", "de"], "search_part_size": PART_SIZE}
    return b


def statuses(output: Path) -> dict[str, tuple[int, int]]:
    """Every entry in the parts' folders, and each part's folder, by its inode and change
    time: an entry left where it lies keeps both (a link, a write or a rename changes the
    change time)."""
    index = output / "pagefind"
    found = {}
    for path in sorted(index.rglob("*")):
        name = path.relative_to(index).as_posix()
        if name.count("/") >= 1:  # pagefind/<lang>/<n> and what it holds
            found[name] = (path.lstat().st_ino, path.lstat().st_ctime_ns)
    return found


def part_of(name: str) -> str:
    return "/".join(name.split("/")[:2])


def edit(b: Builds) -> None:
    b.site.write("releases/2026/kept-2.md", RELEASE.format(n=2).replace("is here", "moved on"))


def fresh(b: Builds) -> Builds:
    """A full build of the same content at the same instant, into a folder of its own."""
    other = Builds(b.site, b.tmp / "fresh", b.tmp)
    other.extra = dict(b.extra)
    assert other.run()[0] is True
    return other


def bundle_files(part: Path) -> dict[str, int]:
    return {p.relative_to(part).as_posix(): p.stat().st_ino for p in part.rglob("*.*")}


def same_as_fresh(b: Builds) -> None:
    """The output is what a full build makes of the same content: the same files (but the
    bytes Pagefind does not write stably: test_build.stable_digest), the same texts, and
    each part the bundle kept for it."""
    full = fresh(b)
    assert stable_digest(b.out) == stable_digest(full.out)
    assert texts(b.out) == texts(full.out)
    for part in sorted(parts_of(b.out)):
        # One kept bundle's files, hard linked into both.
        assert bundle_files(b.out / part) == bundle_files(full.out / part), part


def test_a_rebuild_leaves_the_unchanged_parts_where_they_lie(rebuilds: Builds) -> None:
    """After an edit only the edited release's part is made again: every other part's
    folder and files keep their inodes and change times (nothing moved aside or linked)."""
    assert rebuilds.run()[0] is True
    before = statuses(rebuilds.out)
    edit(rebuilds)
    assert rebuilds.run()[0] is True
    after = statuses(rebuilds.out)
    changed = {part_of(name) for name in {*before, *after} if before.get(name) != after.get(name)}
    assert len(changed) == 1
    assert len({part_of(name) for name in after}) >= 5
    assert any("keptword number 2 moved on" in text for text in texts(rebuilds.out).values())
    # And once more, the edit undone: the other parts stay where they are.
    rebuilds.site.write("releases/2026/kept-2.md", RELEASE.format(n=2))
    assert rebuilds.run()[0] is True
    again = statuses(rebuilds.out)
    assert {part_of(n) for n in {*after, *again} if after.get(n) != again.get(n)} == changed
    same_as_fresh(rebuilds)


def test_a_part_linked_into_another_output_since_is_put_back(rebuilds: Builds) -> None:
    """A build into another folder links the kept bundles there, which changes their
    files' change times: the parts are then put back from the bundles, not kept."""
    assert rebuilds.run()[0] is True
    time.sleep(SETTLED_NS / 1e9 + 0.2)  # the parts settle, and the next record vouches
    edit(rebuilds)
    assert rebuilds.run()[0] is True
    before = statuses(rebuilds.out)
    fresh(rebuilds)
    rebuilds.site.write("releases/2026/kept-2.md", RELEASE.format(n=2))
    assert rebuilds.run()[0] is True
    after = statuses(rebuilds.out)
    assert all(before.get(name) != status for name, status in after.items())
    same_as_fresh(rebuilds)


def planted(b: Builds, part: Path) -> None:
    (part / "fragment" / "planted.pf_fragment").write_bytes(gzip.compress(b"pagefind_dcd{}"))
    (part / "planted.js").write_text("alert(1)")


def edited_in_place(b: Builds, part: Path) -> None:
    """A fragment's text forged in the file itself: the same inode, which is the kept
    bundle's file too (a hard link)."""
    fragment = next(part.glob("fragment/*.pf_fragment"))
    data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
    data["content"] = "Forged words."
    with fragment.open("r+b") as file:
        file.truncate(0)
        file.write(gzip.compress(b"pagefind_dcd" + json.dumps(data).encode()))


def linked_folder(b: Builds, part: Path) -> None:
    """The part's folder replaced by a link to a copy elsewhere, its files the same."""
    elsewhere = b.tmp / "elsewhere" / part.name
    shutil.copytree(part, elsewhere, copy_function=os.link)
    shutil.rmtree(part)
    part.symlink_to(elsewhere)


def linked_index(b: Builds, part: Path) -> None:
    """The whole index's folder replaced by a link to a copy elsewhere."""
    index = b.out / "pagefind"
    elsewhere = b.tmp / "elsewhere" / "pagefind"
    shutil.copytree(index, elsewhere, copy_function=os.link)
    shutil.rmtree(index)
    index.symlink_to(elsewhere)


def renamed(b: Builds, part: Path) -> None:
    """Two parts' folders swapped: each holds the other's bundle."""
    other = next(p for p in sorted(part.parent.iterdir()) if p != part)
    part.rename(part.with_name("swap"))
    other.rename(part)
    part.with_name("swap").rename(other)


TAMPERING = {
    "a file planted in a part": planted,
    "a part's file edited in place": edited_in_place,
    "a part's folder replaced by a link": linked_folder,
    "the index's folder replaced by a link": linked_index,
    "two parts' folders swapped": renamed,
}


@pytest.mark.parametrize("tamper", TAMPERING, ids=list(TAMPERING))
def test_a_part_changed_between_builds_is_never_kept(rebuilds: Builds, tamper: str) -> None:
    """A part of the output is kept only when it is exactly what the last build left: one
    changed in any way is made again (from the kept bundle, or by Pagefind when that was
    changed too), and nothing outside the output is touched."""
    assert rebuilds.run()[0] is True
    honest = texts(rebuilds.out)
    part = rebuilds.out / "pagefind" / "en" / "0"
    TAMPERING[tamper](rebuilds, part)
    outside = {
        p: (p.read_bytes(), p.stat().st_ino)
        for p in (rebuilds.tmp / "elsewhere").rglob("*")
        if p.is_file()
    }
    edit(rebuilds)
    assert rebuilds.run()[0] is True
    found = texts(rebuilds.out)
    assert "Forged words." not in found.values()
    assert {url: text for url, text in found.items() if "kept-2" not in url} == {
        url: text for url, text in honest.items() if "kept-2" not in url
    }
    assert not any(p.is_symlink() for p in (rebuilds.out / "pagefind").rglob("*"))
    assert not (rebuilds.out / "pagefind").is_symlink()
    assert not list((rebuilds.out / "pagefind").rglob("planted*"))
    assert outside == {
        p: (p.read_bytes(), p.stat().st_ino)
        for p in (rebuilds.tmp / "elsewhere").rglob("*")
        if p.is_file()
    }
    same_as_fresh(rebuilds)


def test_a_kept_bundle_changed_in_place_is_indexed_again(rebuilds: Builds) -> None:
    """A kept bundle's file forged in the cache (not a link to the output's) is never put
    in an output: its digest differs, and the part is indexed again."""
    assert rebuilds.run()[0] is True
    honest = texts(rebuilds.out)
    for fragment in kept(rebuilds.site).glob("*/bundle/fragment/*.pf_fragment"):
        data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        data["content"] = "Forged words."
        fragment.unlink()
        fragment.write_bytes(gzip.compress(b"pagefind_dcd" + json.dumps(data).encode()))
    other = Builds(rebuilds.site, rebuilds.tmp / "other", rebuilds.tmp)
    other.extra = dict(rebuilds.extra)
    assert other.run()[0] is True
    assert texts(other.out) == honest


def test_a_part_is_recorded_by_its_status_only_once_it_has_settled(rebuilds: Builds) -> None:
    """A part written moments before the record is taken is recorded without a status (a
    write within the same tick of the clock may leave one as it was): the next build keeps
    it only once its files are found byte for byte to be its bundle's, and then records the
    status it took before reading them, which vouches for it from the build after."""
    assert rebuilds.run()[0] is True
    record = rebuilds.manifest.with_suffix(".parts.json")
    recorded = json.loads(record.read_bytes())["parts"]
    assert recorded and all(status == UNSETTLED for _, status in recorded.values())
    before = statuses(rebuilds.out)
    time.sleep(SETTLED_NS / 1e9 + 0.2)
    edit(rebuilds)
    assert rebuilds.run()[0] is True
    after = statuses(rebuilds.out)
    changed = {part_of(name) for name in {*before, *after} if before.get(name) != after.get(name)}
    assert len(changed) == 1  # the others were found to be their bundles', and left
    recorded = json.loads(record.read_bytes())["parts"]
    settled = {folder for folder, (_, status) in recorded.items() if status != UNSETTLED}
    assert settled == {f"pagefind/{p}" for p in {part_of(n) for n in after} - changed}
    # A file written in place since, its size and times as they were, is never kept.
    part = rebuilds.out / sorted(settled)[0]
    edited_in_place(rebuilds, part)
    edit(rebuilds)
    assert rebuilds.run()[0] is True
    same_as_fresh(rebuilds)


@pytest.mark.parametrize("where", ["a file", "a folder"])
def test_a_part_opened_to_others_is_never_kept_for_its_bytes(rebuilds: Builds, where: str) -> None:
    """A part recorded before it settled is kept for its bytes only when it and all it holds
    have the modes a build gives them: one made writable by all since is put back."""
    assert rebuilds.run()[0] is True
    part = rebuilds.out / "pagefind" / "en" / "0"
    opened = next(part.glob("fragment/*.pf_fragment")) if where == "a file" else part / "fragment"
    opened.chmod(0o777)
    edit(rebuilds)
    assert rebuilds.run()[0] is True
    assert all(p.lstat().st_mode & 0o002 == 0 for p in [part, *part.rglob("*")])
    same_as_fresh(rebuilds)
