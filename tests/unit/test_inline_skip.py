"""Passing plain text by Markdown's inline step changes nothing readers get (inline_skip.py)."""

from __future__ import annotations

import markdown
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsroom.inline_skip import NEEDS, InlineSkipExtension
from newsroom.typography import TypographyExtension

#: The Markdown the newsroom converts with (sanitize.py), less its own tree steps, which add
#: no inline patterns.
EXTENSIONS = ["extra", "sane_lists"]
CONFIG = {"extra": {"tables": {"use_align_attribute": True}}}
#: Pieces of Markdown that start an inline pattern, or end one, or look like one.
PIECES = [
    *("*", "**", "_", "__", "`", "``", "\\", "\\*", "[", "]", "(", ")", "](", "!["),
    *("[^1]", "\n\n[^1]: A note.\n", "[r]", "\n\n[r]: /news/\n", "<", ">", "<b>", "</b>"),
    *('<a href="/news/">', "</a>", "<!-- note -->", "&", "&amp;", "&#38;", "&x", ";"),
    *("<https://example.com/>", "<press@example.com>", "https://example.com/", "  \n"),
    *("\x02", "\x03", "\x02klzzwxh:0000\x03", "\x02wzxhzdk:0\x03", "*[HTML]: Hyper Text\n"),
    *("HTML", "{: .banner }", "Term\n:   Definition\n", "'", '"', "--", "...", "!", "@"),
    *("\n", "\n\n", "- ", "1. ", "> ", "## ", "    code\n", "```\nfenced\n```\n", "\t"),
    *("| a | b |\n|---|:-:|\n| c | d |\n", '<div markdown="1">*x*</div>\n'),
]
TEXT = st.lists(
    st.one_of(st.sampled_from(PIECES), st.sampled_from(["word", " ", "Text. ", "Zahl 3 "])),
    max_size=40,
).map("".join)


def convert(text: str, lang: str, skip: bool, more: tuple[str, ...] = ()) -> str:
    own = [TypographyExtension(), *([InlineSkipExtension()] if skip else [])]
    extensions = [*EXTENSIONS, *more, *own]
    md = markdown.Markdown(extensions=extensions, extension_configs=CONFIG, output_format="html")
    md.typography_lang = lang  # type: ignore[attr-defined]
    return md.convert(text)


@settings(max_examples=400, deadline=None)
@given(text=TEXT, lang=st.sampled_from(["en", "de", ""]), more=st.sampled_from([(), ("smarty",)]))
@example(text="*[HTML]: Hyper Text\n\nHTML is plain here.", lang="en", more=())
@example(text="Plain [^1] and \x02klzzwxh:0000\x03 plain.\n\n[^1]: A note.", lang="en", more=())
# Text with the step's own placeholder, after another text that put something in its place.
@example(text="*Bold* start.\n\nThen \x02klzzwxh:0000\x03 here.", lang="en", more=())
@example(text="An _emphasis_ and __strong__ one.", lang="en", more=())
@example(text="A line  \nbreak, *some* `code` and &amp; more.", lang="de", more=())
def test_the_html_is_the_same_as_without_it(text: str, lang: str, more: tuple[str, ...]) -> None:
    """Also with patterns NEEDS does not list (smarty's), which are asked themselves."""
    assert convert(text, lang, True, more) == convert(text, lang, False, more)


def test_every_inline_pattern_of_the_newsroom_is_known() -> None:
    """An expression not in NEEDS is asked itself, which is right but slow: an upgrade of
    Python-Markdown that changes one shows here, so that NEEDS is read again."""
    md = markdown.Markdown(extensions=EXTENSIONS)
    unknown = [p.getCompiledRegExp().pattern for p in md.inlinePatterns]
    assert [pattern for pattern in unknown if pattern not in NEEDS] == []
