"""Typographer's quotes, dashes and ellipses in release text, in one pass per text node.

Authors type straight quotes and double hyphens; readers of a listed company's news expect
“quotes”, en and em dashes and ellipses, in the quotation marks of the release's language
(„so“ in German). Python-Markdown's smarty extension does this with one inline pattern per
rule, re-scanning the text for each, which made it the slowest step of a build; this is one
regular expression over each text node of the finished tree, before sanitizing, so nothing
rewrites the HTML afterwards. Code (``code``, ``pre``, ``kbd``, ``samp``) is left as typed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

#: Opening and closing double, then single quotation marks, by language. A language that
#: is not here keeps straight quotes: guessing another language's marks would be wrong.
QUOTES: dict[str, tuple[str, str, str, str]] = {
    "en": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "de": ("\u201e", "\u201c", "\u201a", "\u2018"),
    "fr": ("\u00ab\u202f", "\u202f\u00bb", "\u2039\u202f", "\u202f\u203a"),
    "es": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "it": ("\u00ab", "\u00bb", "\u201c", "\u201d"),
    "nl": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "pl": ("\u201e", "\u201d", "\u201a", "\u2019"),
    "pt": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "sv": ("\u201d", "\u201d", "\u2019", "\u2019"),
    "zh": ("\u201c", "\u201d", "\u2018", "\u2019"),
}
APOSTROPHE = "\u2019"
#: Where a quotation mark opens: at the start, or after a space or an opening bracket/dash.
_OPENS_AFTER = frozenset(" \t\n\u00a0([{<\u2014\u2013-/")
_CODE = frozenset({"code", "pre", "kbd", "samp", "script", "style"})
_TOKENS = re.compile(r"---|--|\.\.\.|[\"']")


def marks(lang: str) -> tuple[str, str, str, str] | None:
    """The quotation marks for ``lang`` (``de-CH`` falls back to ``de``), or None."""
    return QUOTES.get(lang) or QUOTES.get(lang.replace("_", "-").split("-")[0].lower())


class _Smartener:
    """Rewrites text nodes in document order, remembering the character before each."""

    def __init__(self, quotes: tuple[str, str, str, str] | None) -> None:
        self.quotes = quotes
        self.previous = ""
        self.single = False  # a single quotation mark is open, so the next one may close

    def text(self, text: str) -> str:
        if _TOKENS.search(text) is None:  # most list items, cells and headings
            if text:
                self.previous = text[-1]
            return text
        out: list[str] = []
        last = 0
        for match in _TOKENS.finditer(text):
            start = match.start()
            out.append(text[last:start])
            before = text[start - 1] if start else self.previous
            after = text[match.end()] if match.end() < len(text) else ""
            out.append(self._token(match.group(), before, after))
            last = match.end()
        out.append(text[last:])
        if text:
            self.previous = text[-1]
        return "".join(out)

    def _token(self, token: str, before: str, after: str) -> str:
        if token == "---":
            return "\u2014"
        if token == "--":
            return "\u2013"
        if token == "...":
            return "\u2026"
        if self.quotes is None:
            return token
        double_open, double_close, single_open, single_close = self.quotes
        opens = before == "" or before in _OPENS_AFTER
        # At the end of a text node an element follows (**bold**, a link): it opens onto it.
        onto_text = after == "" or not after.isspace()
        if token == "'":
            if opens and onto_text and not after.isdigit():
                self.single = True
                return single_open
            if opens and not onto_text:
                return token  # a lone mark between spaces opens nothing
            if not after.isalnum() and self.single:
                self.single = False
                return single_close  # 'the' lab
            return APOSTROPHE  # don't, the company's, '90s, the companies' plans
        if opens:
            return double_open if onto_text else token
        return double_close

    def tree(self, element: ET.Element) -> None:
        if element.tag in _CODE:
            self.previous = "x"  # a quote right after code closes, like after a word
            return
        if element.text:
            element.text = self.text(element.text)
        for child in element:
            self.tree(child)
            if child.tail:
                child.tail = self.text(child.tail)


class TypographyProcessor(Treeprocessor):
    """Runs after the inline patterns, so emphasis and links are elements by then."""

    def run(self, root: ET.Element) -> None:
        lang = getattr(self.md, "typography_lang", None)
        if lang:  # without a language (update notes, data texts) the text stays as typed
            _Smartener(marks(lang)).tree(root)


class TypographyExtension(Extension):
    """Register with ``Markdown(extensions=[TypographyExtension()])``; set
    ``md.typography_lang`` to the release's language before each conversion."""

    def extendMarkdown(self, md: Markdown) -> None:
        # Priority below "inline" (20): the inline elements exist by the time it runs.
        md.treeprocessors.register(TypographyProcessor(md), "typography", 15)
