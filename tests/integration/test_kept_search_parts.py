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

from test_unchanged_rebuild import Builds

from newsroom.cache import SETTLED_NS
from newsroom.search import CACHE_FOLDER, KEEP_UNUSED
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
