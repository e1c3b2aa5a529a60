"""The start tags the removal warnings and the link check read: HTMLParser's, however read."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsroom.sanitize import render, start_tags


class Reference(HTMLParser):
    """Every start tag as Python's own parser reads it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def read(html: str) -> object:
    parser = Reference()
    try:
        parser.feed(html)
        parser.close()
    except Exception as err:  # HTMLParser gives up on some declarations (<![x)
        return type(err)
    return parser.found


def ours(html: str) -> object:
    try:
        return start_tags(html)
    except Exception as err:
        return type(err)


PIECES = st.sampled_from(
    [
        *("text ", "<p>", "</p>", "<br>", "<br/>", "<br />", "<h1>", "<h2>", "</h2>", "<hr>"),
        *('<a href="/news/">', '<a href="x" title="t">', "</a>", '<img src="a.png" alt="">'),
        *('<a href="?a=1&amp;b=2">', '<a href="&quot;x&#39;">', '<td align="left">', "<td nowrap>"),
        *('<p class="banner">', '<div id="main">', '<a href="javascript:x()">', "<A HREF=x>"),
        *("<script>", "</script>", "<style>", "<textarea>", "<title>", "<!-- note -->", "<!x>"),
        *("<![CDATA[x]]>", "<?php ?>", "<", ">", "&", "&amp;", '"', "'", "\n", "\t", "/"),
        *('<a  href="x">', '<a href="x"title="y">', "<a href='x'>", '<a href="a>b">', "</p x>"),
        *('<img src="x"/>', "<p\n>", '<span title="a\nb">', "<b>", "<sup>", '<li id="fn:1">'),
    ]
)
MARKDOWN = st.sampled_from(
    [
        *("Text ", "**bold** ", "[link](/news/) ", "![pic](a.png) ", "<b>raw</b> ", "\n\n"),
        *("<https://example.com/> ", "Note[^1].\n\n[^1]: A note.\n\n", "- item\n", "# Top\n"),
        *('<p class="x" onclick="y">Hi</p>\n\n', "<script>alert(1)</script>\n\n", "`<b>` "),
        *("| a | b |\n|:-|-:|\n| 1 | 2 |\n\n", "&copy; & < > ", '<a href="javascript:x">j</a> '),
    ]
)


@settings(max_examples=600, deadline=None)
@given(html=st.lists(PIECES, max_size=30).map("".join))
@example(html='<p>Plain <a href="/news/?a=1&amp;b=2" title="T">link</a><br>text</p>')
@example(html="<p>Then <![x and more")
def test_any_html_reads_as_htmlparser_reads_it(html: str) -> None:
    assert ours(html) == read(html)


@settings(max_examples=300, deadline=None)
@given(text=st.lists(MARKDOWN, max_size=20).map("".join))
def test_what_the_sanitizer_writes_reads_as_htmlparser_reads_it(text: str) -> None:
    html = render(text)
    assert ours(html) == read(html)
