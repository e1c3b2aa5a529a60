"""Pagefind's runs over the parts of the search index (search.Indexing): each part's bundle
holds its own pages and no other, whatever characters their addresses hold.

Each run is given the whole output and a glob of the part's pages rooted at the folder they
share, so the pages beside them that the part does not list (a release of another part, a
list page, a page whose address starts like a listed one) must stay out. The glob's cut and
escaping are in tests/unit/test_index_parts.py; a full build's index in test_build.py.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newsroom.search import Indexing, Part, SearchIndexError

LISTED = {
    Part("en", 0, ("news/2026/a/index.html", "news/2026/(b),{c} [d]/index.html")),
    Part("en", 1, ("news/2026/z/index.html", "news/2027/e/index.html")),
    Part("en", 2, ("news/2027/f/index.html",)),
    Part("de", 0, ("g/index.html", "h/index.html")),
}
UNLISTED = (
    "news/2026/ab/index.html",
    "news/2026/a/more/index.html",
    "news/2026/index.html",
    "news/index.html",
    "index.html",
    "gh/index.html",
)


def page(path: str, lang: str) -> str:
    """A page as the theme writes it: the site's chrome around the indexed element."""
    words = path.replace("/", " ")
    return (
        f'<!doctype html><html lang="{lang}"><head><title>{words}</title></head><body>'
        f"<header><nav>Site navigation words</nav></header>"
        f"<article data-pagefind-body><h1>{words}</h1><p>Body of {words}.</p></article>"
        "</body></html>"
    )


def indexed(bundle: Path) -> set[str]:
    """The addresses of the pages in one bundle, read from its page fragments."""
    found = set()
    for fragment in (bundle / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        found.add(json.loads(data)["url"])
    return found


@pytest.fixture
def output(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    for part in LISTED:
        for path in part.pages:
            (out / path).parent.mkdir(parents=True, exist_ok=True)
            (out / path).write_text(page(path, part.lang), "utf-8")
    for path in UNLISTED:
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_text(page(path, "de" if path.startswith("g") else "en"), "utf-8")
    return out


def test_each_bundle_holds_its_parts_pages_and_no_other(output: Path) -> None:
    cut = sorted(LISTED, key=lambda p: (p.lang, p.number))
    Indexing(output, cut).run()
    for part in cut:
        bundle = output / part.folder
        assert indexed(bundle) == {"/" + p.removesuffix("index.html") for p in part.pages}
        entry = json.loads((bundle / "pagefind-entry.json").read_text("utf-8"))
        assert list(entry["languages"]) == [part.lang]
    assert sorted(p.relative_to(output).as_posix() for p in output.glob("pagefind/*/*")) == [
        "pagefind/de/0",
        "pagefind/en/0",
        "pagefind/en/1",
        "pagefind/en/2",
    ]


def test_a_pagefind_that_cannot_start_stops_the_build_with_its_reason(
    output: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind's own setting for where its binary is, pointing at nothing."""
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(output / "no-such-program"))
    with pytest.raises(SearchIndexError) as err:
        Indexing(output, sorted(LISTED, key=lambda p: (p.lang, p.number))).run()
    assert str(err.value).startswith("Pagefind could not index pagefind/de/0/: [Errno 2] ")
