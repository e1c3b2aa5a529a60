"""Python-Markdown's inline step, without asking every pattern about text none can match.

The inline step tries each of its fifteen patterns (links, emphasis, code, HTML, entities…)
on every paragraph, list item, heading and table cell, one Python call per pattern and text,
and most of a press release's text holds none of the characters those patterns start with:
that was a fifth of converting a release. Text that no pattern can match comes out of the
step as it went in, so it is marked as Markdown's own ``AtomicString`` (text the step leaves
alone) just before the step, and made plain text again just after it: every other step sees
the tree exactly as without this.

Whether a pattern can match is decided by what its regular expression needs (``NEEDS``),
written down for the exact expressions of the Python-Markdown this newsroom runs; a pattern
whose expression is not listed (another version, another extension) is asked itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import STX, AtomicString

#: For each inline pattern's regular expression, text one of which a match must contain:
#: every way through the expression passes one of them.
NEEDS: dict[str, tuple[str, ...]] = {
    # Code spans: `code`, or backslashes before a backtick.
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)": ("`",),
    # Backslash escapes.
    r"\\(.)": ("\\",),
    # Footnote references, links, references, images.
    r"\[\^([^\]]*)\]": ("[",),
    r"(?<!\!)\[": ("[",),
    r"\!\[": ("[",),
    # <https://…> and <name@example.com>.
    r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>": ("<",),
    r"<([^<> !]+@[^@<> ]+)>": ("<",),
    # Two spaces before a line break.
    r"  \n": ("  \n",),
    # Inline HTML: a tag, a comment, a processing instruction or CDATA, each opened by <.
    r"""(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|"""
    r"""[^\s"'=<>]++))?+)*+\s*+/?|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]|"""
    r"""!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)""": ("<",),
    # Entities: &amp;, &#38;, &#x26;.
    r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)": ("&",),
    # Emphasis and strong emphasis.
    r"\*|_": ("*", "_"),
}


class _Untouched(AtomicString):
    """Text marked by ``_Mark`` for the inline step to pass over; plain again after it."""


def _can_match(md: Markdown) -> Callable[[str], bool]:
    """Whether any of ``md``'s inline patterns could match in a text."""
    expressions = [pattern.getCompiledRegExp() for pattern in md.inlinePatterns]
    # Markdown takes STX out of what authors write, but its placeholders for stashed HTML
    # and elements start with one: text holding one always goes through the step.
    needles = {STX}
    others = []
    for expression in expressions:
        known = NEEDS.get(expression.pattern)
        if known is None:
            others.append(expression.search)
        else:
            needles.update(known)
    found = _any_of(frozenset(needles))
    if not others:
        return lambda text: found(text) is not None
    return lambda text: found(text) is not None or any(search(text) for search in others)


@cache
def _any_of(needles: Iterable[str]) -> Callable[[str], re.Match[str] | None]:
    return re.compile("|".join(map(re.escape, sorted(needles)))).search


class _Mark(Treeprocessor):
    def run(self, root: Element) -> None:
        can_match = _can_match(self.md)
        for element in root.iter():
            text = element.text
            # Only plain text: an AtomicString is the step's to skip already.
            if text and type(text) is str and not can_match(text):
                element.text = _Untouched(text)


class _Unmark(Treeprocessor):
    def run(self, root: Element) -> None:
        for element in root.iter():
            if type(element.text) is _Untouched:
                element.text = str(element.text)


class InlineSkipExtension(Extension):
    """Register with ``Markdown(extensions=[InlineSkipExtension()])``."""

    def extendMarkdown(self, md: Markdown) -> None:
        # Right around "inline" (20): after the footnotes' tree step (50) adds their text,
        # and before any step that reads text after it (typography, 15).
        md.treeprocessors.register(_Mark(md), "newsroom-inline-skip", 20.5)
        md.treeprocessors.register(_Unmark(md), "newsroom-inline-unskip", 19.5)
