"""How the search index is cut into parts (search.py), and the setting that sizes them.

The parts in a real build, and the search that merges them in Chromium, are in
tests/browser/test_search_parts.py.
"""

from __future__ import annotations

import pytest

from newsroom import search
from newsroom.settings import SettingsError, from_pelican
from support import Site

AS_OF = "2026-01-01T00:00:00Z"


@pytest.mark.parametrize("value", [0, 2001])
def test_part_size_is_checked(value: int) -> None:
    with pytest.raises(SettingsError) as err:
        from_pelican({"NEWSROOM": {"search_part_size": value}, "NEWSROOM_AS_OF": AS_OF})
    assert str(err.value) == "NEWSROOM: 'search_part_size' must be between 1 and 2000."


def test_part_size_defaults_to_500() -> None:
    assert from_pelican({"NEWSROOM_AS_OF": AS_OF}).search_part_size == 500


def test_parts_are_runs_of_one_language_oldest_first(site: Site) -> None:
    releases = site.load().releases
    cut = search.parts(releases, 2)
    oldest_first = sorted(releases, key=lambda r: r.date)
    assert [p.pages for p in cut] == [
        tuple(f"{r.url}index.html" for r in oldest_first[:2]),
        tuple(f"{r.url}index.html" for r in oldest_first[2:]),
    ]
    assert [p.folder for p in cut] == ["pagefind/en/0/", "pagefind/en/1/"]
    assert search.bundles(cut, "en") == ["pagefind/en/1/", "pagefind/en/0/"]
    assert search.bundles(cut, "de") == []


def test_a_part_closes_before_its_glob_is_too_long_for_linux(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    releases = site.load().releases
    longest = max(len(f"{r.url}index.html") for r in releases)
    monkeypatch.setattr(search, "GLOB_LIMIT", (longest * 2 + 1) * 2)
    cut = search.parts(releases, 500)
    assert [len(p.pages) for p in cut] == [2, 2]
    assert all(len(p.glob) <= search.GLOB_LIMIT for p in cut)


def test_glob_characters_in_addresses_are_escaped() -> None:
    part = search.Part("en", 0, ("news/(2026)/a,b/index.html", "news/2026/c/index.html"))
    assert part.glob == r"news/{\(2026\)/a\,b/index.html,2026/c/index.html}"


@pytest.mark.parametrize(
    ("pages", "glob"),
    [
        (
            ("news/2026/a/index.html", "news/2026/b/index.html"),
            "news/2026/{a/index.html,b/index.html}",
        ),
        (
            ("news/2025/a/index.html", "news/2026/b/index.html"),
            "news/{2025/a/index.html,2026/b/index.html}",
        ),
        (
            ("news/2026/ab/index.html", "news/2026/a/index.html"),
            "news/2026/{ab/index.html,a/index.html}",
        ),
        (("news/2026/a/index.html",), "news/2026/a/{index.html}"),
        (("a/index.html", "b/index.html"), "{a/index.html,b/index.html}"),
        (("(a)/index.html", "(a)/b/index.html"), r"\(a\)/{index.html,b/index.html}"),
    ],
)
def test_a_parts_glob_starts_at_the_folder_its_pages_share(
    pages: tuple[str, ...], glob: str
) -> None:
    """Pagefind walks only below a glob's literal start: the rest of the output is skipped."""
    assert search.Part("en", 0, pages).glob == glob
