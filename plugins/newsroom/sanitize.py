"""Markdown to safe HTML: author HTML is untrusted, so an allowlist decides what stays.

nh3 does the cleaning. Alongside it, ``_find_removals`` reads the start tags of the same HTML
(``start_tags``, which the link check reads links with too) against the same allowlist, to
tell the author, in words, what the cleaning took out.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from html import unescape
from html.parser import HTMLParser
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .inline_skip import InlineSkipExtension
from .typography import TypographyExtension

HEADINGS = {"h2", "h3", "h4", "h5", "h6"}
TAGS = HEADINGS | {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div",
    "dl", "dt", "em", "figcaption", "figure", "hr", "i", "img", "ins", "li", "ol", "p",
    "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
# No class and no id: with them an author could dress text up as the site's own chrome (an
# "EMBARGOED UNTIL" banner) or take over its anchors. Footnotes keep their ids (see
# FOOTNOTE_ID), so that their links work.
ATTRIBUTES = {
    "*": {"title", "lang"},
    "sup": {"id"},
    "li": {"id"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
    "abbr": set(),
}
URL_ATTRIBUTES = {"href", "src"}
SCHEMES = {"http", "https", "mailto", "tel"}
# Removed with everything inside them: their content is code, not prose.
DROP_CONTENT = {"script", "style", "noscript", "template", "iframe", "object", "embed"}

#: The ids Python-Markdown gives footnotes (fn:1) and their references (fnref:1, fnref2:1);
#: the prefix keeps them clear of every id the theme uses.
FOOTNOTE_ID = re.compile(r"fn(?:ref\d*)?:.+", re.DOTALL)

# No "smarty": it more than doubles conversion time; authors type the quotes they want.
_MARKDOWN_EXTENSIONS = ["extra", "sane_lists"]
_MARKDOWN_CONFIG = {"extra": {"tables": {"use_align_attribute": True}}}


@dataclass(frozen=True)
class Removal:
    """One kind of markup the sanitizer took out, and where the author wrote it."""

    what: str
    line: int
    #: A class or id: harmless code-wise, but only the site's own chrome may carry them.
    styling: bool = False


def render(markdown_text: str) -> str:
    """Render Markdown to HTML exactly as readers get it, sanitized."""
    return clean(_markdown(markdown_text))


def render_checked(
    markdown_text: str, first_line: int, lang: str | None = None
) -> tuple[str, list[Removal]]:
    """Render and sanitize, and say what was removed (lines are file lines). With ``lang``,
    quotes, dashes and ellipses are set as a typographer would, in that language's marks."""
    raw = _markdown(markdown_text, lang)
    removals = _find_removals(raw, markdown_text, first_line)
    return clean(raw), removals


def clean(html: str, base_url: str | None = None) -> str:
    """Sanitize; with ``base_url``, relative links become full addresses (for feeds, which
    are read away from the page the links were written for)."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        clean_content_tags=DROP_CONTENT,
        link_rel="noopener noreferrer",
        attribute_filter=_keep_attribute,
        strip_comments=True,
        url_relative=("rewrite_with_base", base_url) if base_url else "pass_through",
    )


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    """nh3's last word on an allowed attribute: an id only where it is a footnote's."""
    return None if name == "id" and not FOOTNOTE_ID.fullmatch(value) else value


_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_STYLING = {"class=", "id="}


class _Unstyled(Treeprocessor):
    """Takes the classes and ids Markdown itself writes (footnotes, code blocks, {: .x})
    out before the sanitizer sees them, so that only what an author typed as HTML is
    reported as removed."""

    def run(self, root: Element) -> None:
        for element in root.iter():
            if not element.attrib:  # most elements: nothing to take out
                continue
            element.attrib.pop("class", None)
            if not FOOTNOTE_ID.fullmatch(element.get("id", "")):
                element.attrib.pop("id", None)


class _UnstyledExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Priority 1: after every other tree step (attr_list is 8, footnotes 50).
        md.treeprocessors.register(_Unstyled(md), "newsroom-unstyled", 1)


@cache
def _converter() -> markdown.Markdown:
    # One converter, reset between documents: setting up the extensions for every release
    # costs more than converting a short one.
    return markdown.Markdown(
        extensions=[
            *_MARKDOWN_EXTENSIONS,
            _UnstyledExtension(),
            TypographyExtension(),
            InlineSkipExtension(),
        ],
        extension_configs=_MARKDOWN_CONFIG,
        output_format="html",
    )


#: Python frames Python-Markdown may use for one text, above the frame that asks: enough for
#: lists nested a few hundred deep. Counted from the caller, so that a text is refused or not
#: alike in a check, a build, the dev server and a worker process, however deep each one's
#: own stack is when it asks.
STACK_BUDGET = 800


class TooDeep(RecursionError):
    """A text nested too deeply for Python-Markdown to read within ``STACK_BUDGET``."""


def _markdown(text: str, lang: str | None = None) -> str:
    converter = _converter().reset()
    # Read by typography.py: Markdown has no place for per-document options.
    converter.typography_lang = lang
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(_depth() + STACK_BUDGET)
    try:
        return converter.convert(text)
    except BaseException as err:
        # Cut short, the converter keeps half its state, and reset() does not undo it: the
        # next text would come out as raw Markdown. The next one gets a converter of its own.
        _converter.cache_clear()
        if isinstance(err, RecursionError):
            raise TooDeep(str(err)) from None
        raise
    finally:
        sys.setrecursionlimit(limit)


def _depth() -> int:
    """How many frames the stack holds now."""
    frame, depth = sys._getframe(1), 1
    while frame.f_back is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


def _unsafe(tag: str, attrs: list[tuple[str, str | None]]) -> Iterator[tuple[str, str]]:
    """(description, text to look for) of what the cleaning takes out of one start tag."""
    if tag not in TAGS:
        yield (f"{_a(tag)} <{tag}> element", f"<{tag}")
        return
    allowed = ATTRIBUTES["*"] | ATTRIBUTES.get(tag, set())
    for name, value in attrs:
        if tag == "code" and name == "class" and (value or "").startswith("language-"):
            continue  # a fenced code block's language, written by Markdown
        if name not in allowed or _keep_attribute(tag, name, value or "") is None:
            what = (
                f"an event handler ({name}=) in {_a(tag)} <{tag}> tag"
                if name.startswith("on")
                else f"{_a(name)} {name}= attribute in {_a(tag)} <{tag}> tag"
            )
            yield (what, f"{name}=")
        elif name in URL_ATTRIBUTES and value and not _safe_url(value):
            scheme = _scheme(_squeezed(value))
            yield (f"a {scheme}: link", f"{scheme}:")


StartTag = tuple[str, list[tuple[str, str | None]]]


class _StartTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[StartTag] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def start_tags(html: str) -> list[StartTag]:
    """Each start tag in ``html`` with its attributes, as Python's HTMLParser reads them."""
    found = _plain_start_tags(html)
    if found is None:
        parser = _StartTags()
        parser.feed(html)
        parser.close()
        found = parser.found
    return found


#: Elements HTMLParser reads like any other in every Python version (not script or style,
#: whose text it reads as code, nor textarea or title).
_PLAIN_TAGS = TAGS | {"h1"}
#: A tag written the one way Markdown's and the sanitizer's output write tags: lowercase
#: names, one space before each attribute, values in double quotes without < or >.
_PLAIN_START = r'<([a-z][a-z0-9]*)((?: [a-z][a-z0-9-]*(?:="[^"<>]*")?)*+)(?: ?/)?>'
#: HTML of nothing but text and such tags: each < in it starts a tag.
_PLAIN_HTML = re.compile(rf"(?:[^<]++|</[a-z][a-z0-9]*+>|{_PLAIN_START})*+")
_PLAIN_START_TAG = re.compile(_PLAIN_START)
_PLAIN_ATTRIBUTE = re.compile(r' ([a-z][a-z0-9-]*)(?:="([^"]*)")?')


def _plain_start_tags(html: str) -> list[StartTag] | None:
    """``start_tags`` of HTML written only in the plain form of ``_PLAIN_HTML``, read
    without HTMLParser's Python loop; None for anything else, which HTMLParser reads."""
    if _PLAIN_HTML.fullmatch(html) is None:
        return None
    found: list[StartTag] = []
    for tag, attributes in _PLAIN_START_TAG.findall(html):
        if tag not in _PLAIN_TAGS:
            return None
        pairs = (m.groups() for m in _PLAIN_ATTRIBUTE.finditer(attributes))
        found.append((tag, [(name, _attribute_value(value)) for name, value in pairs]))
    return found


def _attribute_value(written: str | None) -> str | None:
    # HTMLParser's reading of a quoted value: character references turned into characters.
    return written if written is None or "&" not in written else unescape(written)


def _a(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _safe_url(value: str) -> bool:
    scheme = _scheme(_squeezed(value))
    return not scheme or scheme in SCHEMES


def _squeezed(value: str) -> str:
    # Browsers ignore control characters and spaces inside a scheme ("java\tscript:").
    return re.sub(r"[\x00-\x20]", "", value)


def _scheme(value: str) -> str:
    # Not urlsplit: it raises on an address like "http://[bad/", which authors can write.
    found = _SCHEME.match(value)
    return found.group(1).lower() if found else ""


def _find_removals(html: str, source: str, first_line: int) -> list[Removal]:
    lines = source.split("\n")
    removals: dict[str, Removal] = {}
    for what, needle in (found for tag in start_tags(html) for found in _unsafe(*tag)):
        if what in removals:
            continue
        index = next(
            (i for i, line in enumerate(lines) if needle.lower() in line.lower()),
            None,
        )
        if index is None and needle in _STYLING:
            # Not typed by the author: a fenced code block reaches the sanitizer as HTML,
            # past _Unstyled, with Markdown's <pre id=…> (from {#x}) or <code class=…>.
            continue
        removals[what] = Removal(what, first_line + (index or 0), needle in _STYLING)
    return list(removals.values())


class _TextOnly(HTMLParser):
    _BLOCKS = frozenset({"p", "br", "li", "div", "h1", "h2", "h3", "h4", "tr", "td", "th"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.handle_starttag(tag, [])

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """An update note as one line of text, for the JSON record."""
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())
