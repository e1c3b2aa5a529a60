"""Which characters the newsroom publishes, and how invisible ones are shown in messages.

Feeds, sitemaps and the search index are XML, which cannot hold control characters, lone
surrogates or the non-characters U+FFFE and U+FFFF: a release holding one passes a build
until its instant and then stops every build after it. Bidirectional overrides can make a
title read differently from what it says. So all of them are refused when the file is
checked, except the word processor's soft line break, which becomes a line break.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# C0 and C1 controls (tab and line feed are text), DEL, surrogates, non-characters and the
# bidirectional embeddings, overrides and isolates.
_FORBIDDEN_BMP = (
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff\u202a-\u202e\u2066-\u2069]"
)
_FORBIDDEN_ASTRAL = (
    "[\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U000efffe\U000effff"
    "\U000ffffe\U000fffff\U0010fffe\U0010ffff]"
)
FORBIDDEN = re.compile(f"{_FORBIDDEN_BMP}|{_FORBIDDEN_ASTRAL}")
# The parts apart, for a first look at a whole text: each is one search at C speed, where
# the two together are a few times slower.
_ANY_FORBIDDEN_BMP = re.compile(_FORBIDDEN_BMP).search
_ANY_ASTRAL = re.compile("[\U00010000-\U0010ffff]").search
#: Word and other word processors write a soft line break (Shift+Enter) as a vertical tab.
SOFT_BREAK = "\x0b"
_NAMES = {
    "\x00": "a NUL character",
    "\x0b": "a vertical tab, a word processor's soft line break",
    "\x0c": "a page break (form feed)",
    "\x1b": "an escape character",
    "\x7f": "a delete character",
    "\x85": "a next-line character",
}
#: How to remove a character the author cannot see.
FIX = "Delete it: retype the text around it, or paste the text again as plain text"
#: The most lines of one file reported.
MAX_REPORTED = 10
_SHOWN = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# What a message may not print as it is: line breaks of any kind and every forbidden
# character, so that a quoted value stays on its one line and reads as what it is.
_UNPRINTABLE = re.compile(f"[\n\r\t\u2028\u2029]|{FORBIDDEN.pattern}")


def problem(text: str) -> str | None:
    """What makes ``text`` unpublishable, in words: a forbidden character, or an HTML
    character reference (``&#1;``) that Markdown and the sanitizer would turn into one."""
    found = FORBIDDEN.search(text)
    if found is not None:
        return f"this line contains {name(found.group())}, which cannot be published"
    for reference in _REFERENCE.finditer(text):
        char = _referenced(reference)
        if FORBIDDEN.match(char):
            return (
                f'this line contains "{reference.group()}", the code for {name(char)}, '
                "which cannot be published"
            )
    return None


def lines_with(text: str, first_line: int, allowed: str = "") -> Iterator[tuple[int, str]]:
    """(file line, what is wrong) for each line ``problem`` finds fault with, at most ten."""
    kept = dict.fromkeys(map(ord, allowed))
    if not _any_problem(text, allowed):
        return
    reported = 0
    for offset, line in enumerate(text.split("\n")):
        found = problem(line.translate(kept))
        if found is not None:
            yield first_line + offset, found
            reported += 1
            if reported == MAX_REPORTED:
                return


def _any_problem(text: str, allowed: str) -> bool:
    """Whether ``problem`` could find fault with any line of ``text``: most texts hold
    nothing to report, and a few searches of the whole text say so."""
    for char in allowed:
        text = text.replace(char, "")
    return (
        "&#" in text
        or _ANY_FORBIDDEN_BMP(text) is not None
        or (_ANY_ASTRAL(text) is not None and FORBIDDEN.search(text) is not None)
    )


# Decimal or hexadecimal; HTML also reads one without its closing semicolon.
_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")


def _referenced(reference: re.Match[str]) -> str:
    """The character an HTML parser makes of a numeric reference (HTML's own rules)."""
    number = int(reference[1], 16) if reference[1] else int(reference[2])
    if number == 0 or 0xD800 <= number <= 0xDFFF or number > 0x10FFFF:
        return "\ufffd"
    if 0x80 <= number <= 0x9F:
        # Read as Windows-1252 (&#128; is the euro sign), except five codes it leaves.
        try:
            return bytes([number]).decode("cp1252")
        except UnicodeDecodeError:
            return chr(number)
    return chr(number)


def name(char: str) -> str:
    """The character in words, with its code so an editor's search can find it."""
    code = f"U+{ord(char):04X}"
    if char in _NAMES:
        return f"{_NAMES[char]} ({code})"
    if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        return f"a text-direction control character ({code})"
    if "\ud800" <= char <= "\udfff":
        return f"a broken character, half of a pair ({code})"
    if unicodedata.category(char) == "Cn":
        return f"a code that is not a character ({code})"
    return f"an invisible control character ({code})"


def soft_breaks(body: str) -> str:
    """The body with each soft line break as an HTML line break, on the same source line.

    ``<br>`` rather than a new line keeps every later line number true, and keeps a break
    inside a table cell or a heading where the author put it.
    """
    return body.replace(SOFT_BREAK, "<br>")


def visible(text: str) -> str:
    """``text`` on one line, with every line break and invisible character spelt out.

    Messages quote what authors wrote; printed as it is, a value holding a line break
    could start a line of the check's output with anything, such as a CI command.
    """
    return _UNPRINTABLE.sub(_spell, text)


def encodable(text: str) -> str:
    """``text`` with lone surrogates spelt out: a file name that is not UTF-8 holds them,
    and printing one to a UTF-8 terminal or log would fail."""
    return _SURROGATE.sub(_spell, text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _spell(match: re.Match[str]) -> str:
    char = match.group()
    return _SHOWN.get(char) or f"\\u{ord(char):04x}"
