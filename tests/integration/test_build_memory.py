"""A build gives back what Pelican held before the search index is made, and keeps nothing.

Pagefind holds about a quarter of a megabyte for each page it indexes; at 10,000 releases
the build's own objects beside it would take the build past its memory budget (benchmarks/
README.md, "Where the memory goes"). So the index is written once Pelican's pages are gone.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from pelican.contents import Content

from newsroom import search
from newsroom.search import Part
from support import Site


def pages_alive(output: Path) -> int:
    """Pelican's pages (articles and pages) of the build into ``output`` still in memory."""
    gc.collect()
    return sum(
        1
        for o in gc.get_objects()
        if isinstance(o, Content) and o.settings.get("OUTPUT_PATH") == str(output)
    )


def test_pagefind_runs_once_the_build_has_let_go_of_its_pages(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    alive: list[int] = []
    index_part = search.Indexing._index_part

    def counting(indexing: search.Indexing, part: Part) -> bool:
        alive.append(pages_alive(out))
        return index_part(indexing, part)  # the real Pagefind

    monkeypatch.setattr(search.Indexing, "_index_part", counting)
    site.build(out)
    assert alive == [0]
    assert (out / "pagefind" / "en" / "0" / "pagefind-entry.json").is_file()


def test_a_finished_build_keeps_none_of_its_pages(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out)
    assert (out / "index.html").is_file()
    assert pages_alive(out) == 0
