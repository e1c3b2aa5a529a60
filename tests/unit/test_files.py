"""Whole-file problems: encodings, sizes, names, places, hostile HTML and clashing URLs."""

from __future__ import annotations

import pytest

from support import Site

P = "releases/2026/case.md"
GOOD = (
    "---\ntitle: Example opens a lab\ndate: 2026-11-02 09:00 Europe/Berlin\n"
    "category: products\nsummary: A new lab.\n---\n"
)


def texts(site: Site, path: str | None = None) -> list[str]:
    return [p.text() for p in site.load().problems if path is None or p.path == path]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            (GOOD + "Caf\xe9 au lait.\n").encode("latin-1"),
            f"{P}:7: this file is not saved as UTF-8 (byte 0xE9 on line 7 cannot be read). Save "
            "the file with the UTF-8 encoding (most editors offer it under 'Save with "
            "encoding'); the GitHub web editor always saves UTF-8.",
            id="latin-1",
        ),
        pytest.param(
            (GOOD + "x" * 600_000).encode(),
            f"{P}:1: this file is 586 KB; a content file may be at most 512 KB. Keep the text of "
            "the release in the file and attach large material (reports, images) as separate "
            "files.",
            id="too-large",
        ),
        pytest.param(
            (GOOD + "a\x00b").encode(),
            f"{P}:7: this file contains a NUL character, so it is not a text file. Save it as "
            "plain text.",
            id="binary",
        ),
    ],
)
def test_unreadable_files(site: Site, raw: bytes, expected: str) -> None:
    site.write(P, raw)
    assert texts(site, P) == [expected]


def test_byte_order_mark_and_windows_line_ends_are_fine(site: Site) -> None:
    site.write(P, ("\ufeff" + GOOD + "Text.\n").replace("\n", "\r\n").encode())
    assert texts(site, P) == []


def test_file_name_that_cannot_be_a_web_address(site: Site) -> None:
    name = "releases/2026/Q3 Results!.md"
    site.write(name, GOOD + "Text.\n")
    assert texts(site, name) == [
        f'{name}: the file name "Q3 Results!.md" cannot be used in a web address. Rename it to '
        "q3-results.md (lowercase letters, digits and hyphens)."
    ]


def test_release_outside_a_year_folder(site: Site) -> None:
    site.write("releases/case.md", GOOD + "Text.\n")
    assert texts(site, "releases/case.md") == [
        "releases/case.md: release files go directly in a year folder. Move the file to "
        "releases/<year>/case.md."
    ]


def test_markdown_file_with_another_ending_is_not_skipped_silently(site: Site) -> None:
    site.write("releases/2026/case.markdown", GOOD + "Text.\n")
    assert texts(site, "releases/2026/case.markdown") == [
        "releases/2026/case.markdown: only files ending in .md are published from this folder. "
        "Rename it to case.md, or move attachments into the folder 2026/<release name>/."
    ]


def test_hostile_html_is_removed_and_the_author_is_warned(site: Site) -> None:
    site.write(
        P,
        GOOD
        + "Intro.\n\n<script>steal()</script>\n\n"
        + '<a href="javascript:alert(1)" onmouseover="x()">Click</a>\n\n'
        + '<iframe src="https://example.com"></iframe>\n',
    )
    newsroom = site.load()
    assert texts(site, P) == [
        f"{P}:9: warning: body: a <script> element was removed. Scripts, frames, forms and event "
        "handlers are never published; delete it, or link to the material instead.",
        f"{P}:11: warning: body: a javascript: link was removed. Scripts, frames, forms and event "
        "handlers are never published; delete it, or link to the material instead.",
        f"{P}:11: warning: body: an event handler (onmouseover=) in an <a> tag was removed. "
        "Scripts, frames, forms and event handlers are never published; delete it, or link to "
        "the material instead.",
        f"{P}:13: warning: body: an <iframe> element was removed. Scripts, frames, forms and event "
        "handlers are never published; delete it, or link to the material instead.",
    ]
    html = next(r for r in newsroom.releases if r.source == P).body_html
    assert "steal" not in html and "javascript" not in html.lower()
    assert "onmouseover" not in html and "iframe" not in html
    assert "Click" in html and "Intro." in html  # the words are kept, only markup goes


def test_two_files_with_one_address(site: Site) -> None:
    site.write("releases/2025/first-product.md", GOOD.replace("2026-11-02", "2025-11-02") + "T\n")
    newsroom = site.load(release_url="news/{slug}/")
    dupes = [p.text() for p in newsroom.problems if p.rule == "url-duplicate"]
    assert dupes == [
        "releases/2025/first-product.md: this file would be published at /news/first-product/, "
        "like releases/2026/first-product.md. Rename one of the files so each has its own web "
        "address.",
        "releases/2026/first-product.md: this file would be published at /news/first-product/, "
        "like releases/2025/first-product.md. Rename one of the files so each has its own web "
        "address.",
    ]


def test_all_problems_in_all_files_are_reported_at_once(site: Site) -> None:
    site.write("releases/2026/a.md", GOOD.replace("category: products", "category: nope") + "T\n")
    site.write("releases/2026/b.md", GOOD.replace("2026-11-02 09:00 Europe/Berlin", "soon") + "T")
    site.write("releases/2026/c.md", "no front matter")
    paths = [p.path for p in site.load().errors]
    assert paths == ["releases/2026/a.md", "releases/2026/b.md", "releases/2026/c.md"]


def test_page_cannot_take_an_address_the_newsroom_uses(site: Site) -> None:
    site.write("pages/news.md", "---\ntitle: News\n---\nText\n")
    assert texts(site, "pages/news.md") == [
        "pages/news.md: the address /news/ belongs to the newsroom's own pages. Rename the file, "
        "for example to news-page.md."
    ]
