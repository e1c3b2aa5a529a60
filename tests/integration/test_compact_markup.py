"""Pages are written without the theme's indentation, and render exactly as before."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from newsroom import markup
from support import Site, theme_with

CODE = "def hello():\n    return 'indented by four'\n\n        and by eight\n"
RELEASE = f"""---
title: Example publishes its grid data format
date: 2026-03-05 09:00 Europe/Berlin
dateline: HAMBURG
category: products
summary: The format, with an example.
---
The format in one example:

    {CODE.replace(chr(10), chr(10) + "    ").rstrip()}

More in the *specification*.
"""


def test_pages_lose_the_theme_indentation_but_not_the_authors(site: Site, tmp_path: Path) -> None:
    site.write("releases/2026/data-format.md", RELEASE)
    out = tmp_path / "out"
    site.build(out)
    page = (out / "news/2026/data-format/index.html").read_text("utf-8")
    soup = BeautifulSoup(page, "html.parser")
    # The author's code block keeps every space and blank line.
    assert soup.select_one(".release-body pre code").get_text() == CODE
    # Outside it, no line of any page starts with a space or tab.
    for html in out.rglob("*.html"):
        text = re.sub(r"<pre>.*?</pre>", "", html.read_text("utf-8"), flags=re.DOTALL)
        assert not re.search(r"^[ \t]", text, re.MULTILINE), html
    # Spaces the theme puts between inline elements are kept.
    meta = soup.select_one(".release-meta")
    assert " ".join(meta.get_text().split()) == "HAMBURG — March 5, 2026, 09:00 CET"
    assert '<span class="dateline">HAMBURG</span> &mdash; <time' in page


#: Preformatted text a theme writes, indented in the template, and as the page must show it.
WRITTEN = '  <PRE class="terms">\n  Indented\n\n    after a blank line\n</pre >\n'
WRITTEN += "    <textarea>\n  typed\n\n</textarea>\n"
SHOWN = '<PRE class="terms">\n  Indented\n\n    after a blank line\n</pre >\n'
SHOWN += "<textarea>\n  typed\n\n</textarea>\n"


def test_a_pre_or_textarea_the_theme_writes_keeps_its_spaces_and_blank_lines(
    site: Site, tmp_path: Path
) -> None:
    """A company's own theme may write preformatted text: it is printed as written."""
    theme = theme_with(
        tmp_path, lambda text: text.replace("<article class", WRITTEN + "<article class")
    )
    out = tmp_path / "out"
    site.build(out, THEME=str(theme))
    page = (out / "news/2026/first-product/index.html").read_text("utf-8")
    assert SHOWN + "<article class" in page


def test_pages_render_as_they_do_from_the_theme_as_written(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only whitespace differs, and only where it cannot show: a run of it is one space in
    HTML, and the only runs that go are between two tags."""
    site.build(tmp_path / "compact")
    monkeypatch.setattr(markup, "unindent", lambda source: source)
    site.build(tmp_path / "as-written")

    def shown(page: Path) -> str:
        return re.sub(r"> <", "><", re.sub(r"\s+", " ", page.read_text("utf-8")))

    compact, as_written = tmp_path / "compact", tmp_path / "as-written"
    pages = sorted(page.relative_to(compact) for page in compact.rglob("*.html"))
    assert len(pages) > 20
    assert pages == sorted(page.relative_to(as_written) for page in as_written.rglob("*.html"))
    for page in pages:
        assert shown(compact / page) == shown(as_written / page), page
    assert sum((compact / p).stat().st_size for p in pages) < 0.97 * sum(
        (as_written / p).stat().st_size for p in pages
    )
