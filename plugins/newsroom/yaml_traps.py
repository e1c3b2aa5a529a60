"""Where YAML reads something other than what the author sees, and how to write it instead.

An author reads ``title: Aldercrest opens #1 grid lab`` as one headline; YAML reads a
headline "Aldercrest opens" and a private note. Each trap here is found where it happens
and explained with the author's own line, rewritten so that YAML reads exactly the text
she meant. Every rewrite is checked to read back as that text, so a message never
suggests a line that fails again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, ScalarNode
from yaml.tokens import (
    AliasToken,
    AnchorToken,
    BlockEntryToken,
    ScalarToken,
    TagToken,
    Token,
    ValueToken,
)

STR = "tag:yaml.org,2002:str"
# The scanner the front matter was composed with (libyaml when PyYAML has it): the two
# differ on a few edge cases, and the notes must be looked for in what was composed.
_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

# A plain value that YAML's standard rules (1.1, which PyYAML and GitHub follow, and 1.2,
# which the /admin/ editor's js-yaml follows) read as something other than text.
NOTHING = "no value at all"
_NOT_TEXT: list[tuple[str, re.Pattern[str]]] = [
    (NOTHING, re.compile(r"~|null|Null|NULL")),
    (
        "true or false",
        re.compile(
            r"(?:y|Y)es|YES|(?:n|N)o|NO|(?:t|T)rue|TRUE|(?:f|F)alse|FALSE|(?:o|O)(?:n|ff)|ON|OFF"
        ),
    ),
    (
        "a date",
        re.compile(
            r"\d{4}-\d\d?-\d\d?"
            r"(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?"
        ),
    ),
    (
        "a number",
        re.compile(
            r"[-+]?(?:0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)"
            r"|[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
        ),
    ),
]
# Numbers that every reader turns back into the same digits: nothing is changed.
_SAME_DIGITS = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?")

# Fields whose value is a date, a name or a choice, not prose: a note after one of them is
# taken for a note, not for the rest of the value.
NAMED_VALUES = frozenset(
    "date category lang status translation_key boilerplate forward_looking file contacts".split()
)

# Quotes a word processor puts around a value, which YAML keeps as part of the text.
CURLY_PAIRS = {"“": "”", "„": "“", "‘": "’", "‚": "‘"}


def reads_as(value: str) -> str | None:
    """What YAML makes of this plain value when it is not text ("a number"), else None."""
    if _SAME_DIGITS.fullmatch(value):
        return None
    return next((what for what, rule in _NOT_TEXT if rule.fullmatch(value)), None)


def quoted(value: str) -> str:
    """The value in the quotes that YAML reads back as exactly this text."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def quotes_named(value: str) -> str:
    """How a message names the quotes that ``quoted`` chose."""
    return "double quotes" if quoted(value).startswith('"') else "single quotes"


def as_field(name: str, value: str, text: bool = True) -> str:
    """``name: value`` written so that YAML reads the value back as these characters, and
    as text unless ``text`` is False (``forward_looking: true`` means yes)."""
    return f"{name}: {as_value(value, text)}"


def as_value(value: str, text: bool = True) -> str:
    """The value as front matter writes it: plain when YAML reads it back, else quoted."""
    return value if reads_as_written(value, text) else quoted(value)


def example_line(name: str, example: str) -> str:
    """``name: example`` for a message: the example as written when it is YAML already
    (``[a, b]``, ``true``), quoted when it is text that YAML would misread."""
    try:
        node = yaml.compose(f"{name}: {example}\n", Loader=yaml.BaseLoader)
    except yaml.YAMLError:
        node = None
    if isinstance(node, MappingNode) and len(node.value) == 1:
        return f"{name}: {example}"
    return as_field(name, example, text=False)


def reads_as_written(value: str, text: bool = True) -> bool:
    """True when ``value`` may stand without quotes: YAML reads back these characters."""
    if not value or value != value.strip() or "\n" in value or (text and reads_as(value)):
        return False
    try:
        node = yaml.compose(f"k: {value}\n", Loader=yaml.BaseLoader)
    except yaml.YAMLError:
        return False
    if not isinstance(node, MappingNode) or len(node.value) != 1:
        return False
    read = node.value[0][1]
    return isinstance(read, ScalarNode) and read.tag == STR and read.value == value


def unwrap_curly(value: str) -> str | None:
    """The text inside curly quotes that enclose the whole value, or None."""
    value = value.strip()
    if len(value) > 2 and CURLY_PAIRS.get(value[0]) == value[-1]:
        return value[1:-1].strip()
    return None


@dataclass(frozen=True)
class Hidden:
    """Something on a line that YAML reads but does not publish, and what to write instead."""

    line: int
    message: str
    fix: str
    error: bool
    rule: str


def hidden_text(text: str) -> list[Hidden]:
    """Notes after ``#``, and ``!tag``, ``&anchor`` and ``*alias`` markers, in YAML that
    composed without an error: YAML drops all of them from the values without a word."""
    lines = text.split("\n")
    if not _MARKS.search(text) and not any(map(_NO_SPACE.match, lines)):
        # Nothing below can be found without one of these (most front matter has none):
        # the tokens are not worth scanning for (about half of reading the front matter).
        return []
    return scanned(text, lines)


def scanned(text: str, lines: list[str]) -> list[Hidden]:
    """``hidden_text`` from YAML's tokens, without its shortcut (``lines``: the text's)."""
    try:
        tokens = [t for t in yaml.scan(text, Loader=_LOADER) if _width(t)]
    except yaml.YAMLError:  # composed already, so not expected; never worse than before
        return []
    found: list[Hidden] = []
    for index, token in enumerate(tokens):
        if isinstance(token, TagToken | AnchorToken | AliasToken):
            found.append(_marker(token, tokens[index + 1 : index + 2], lines))
    for token in tokens:
        if isinstance(token, ScalarToken) and not token.style:
            # "   subtitle:The lab" under "title: …" joins the title without an error.
            for number in range(token.start_mark.line + 1, token.end_mark.line + 1):
                if _NO_SPACE.match(lines[number]) and (cause := _over_indented(number + 1, lines)):
                    found.append(Hidden(cause.line, cause.message, cause.fix, True, cause.rule))
    covered = [(t.start_mark.index, t.end_mark.index) for t in tokens]
    offset = 0
    for number, line in enumerate(lines):
        column = _comment_column(line, offset, covered)
        if column is not None:
            before = [t for t in tokens if t.end_mark.index <= offset + column]
            found.append(_comment(number, column, lines, before, tokens))
        offset += len(line) + 1
    return found


def _width(token: Token) -> bool:
    return bool(token.end_mark.index > token.start_mark.index)


def _comment_column(line: str, offset: int, covered: list[tuple[int, int]]) -> int | None:
    for match in re.finditer("#", line):
        column = match.start()
        if column and line[column - 1] not in " \t":
            continue
        at = offset + column
        if not any(start <= at < end for start, end in covered):
            return column
    return None


def _comment(
    number: int, column: int, lines: list[str], before: list[Token], tokens: list[Token]
) -> Hidden:
    line = lines[number]
    note = line[column:].rstrip()
    last = before[-1] if before else None
    same_line = last is not None and last.end_mark.line == number
    key = _KEY_LINE.match(line)
    if same_line and isinstance(last, ScalarToken) and key and key["key"] in NAMED_VALUES:
        # date: 2026-12-03 07:00 Europe/Berlin # CET: a name or a date is whole without it.
        return Hidden(
            number + 1,
            f'"{note}" after the {key["key"]} is a note: YAML reads " #" and everything after it '
            "as a note, which is never published",
            "Delete it, from the # to the end of the line",
            False,
            "yaml-comment",
        )
    if same_line and isinstance(last, ScalarToken) and last.start_mark.line == number:
        # title: Aldercrest opens #1 grid lab
        start = last.start_mark.column
        meant = line[start:].rstrip()
        return Hidden(
            number + 1,
            f'YAML reads " #" and everything after it as a note, so this value would be '
            f'published as "{last.value}"',
            f"Put the whole value in {quotes_named(meant)}: {line[:start].strip()} {quoted(meant)}",
            True,
            "yaml-comment",
        )
    if same_line and isinstance(last, ScalarToken):
        # A value over several lines whose last line holds " #".
        meant = f"{last.value} {note}"
        return _lost_tail(number, meant, lines, last)
    if (
        same_line
        and isinstance(last, ValueToken | BlockEntryToken)
        and not _block_follows(last, tokens, line)
    ):
        # summary: #1 in grid software
        prefix = line[:column].strip()
        return Hidden(
            number + 1,
            'YAML reads " #" and everything after it as a note, so this value is empty',
            f"Put the whole value in {quotes_named(note)}: {prefix} {quoted(note)}",
            True,
            "yaml-comment",
        )
    if (
        not same_line
        and isinstance(last, ScalarToken)
        and not last.style
        and _continues(last, line, lines)
    ):
        # A value over several lines, one of which starts with #.
        return _lost_tail(number, f"{last.value} {note}", lines, last)
    where = "line" if line[:column].strip() == "" else "note"
    return Hidden(
        number + 1,
        f'"{note}" is a note: YAML reads a # after a space as the start of a note, which is '
        "never published",
        "Delete the line" if where == "line" else "Delete it, from the # to the end of the line",
        False,
        "yaml-comment",
    )


def _lost_tail(number: int, meant: str, lines: list[str], value: Token) -> Hidden:
    start = value.start_mark
    prefix = lines[start.line][: start.column].strip()
    return Hidden(
        number + 1,
        'this line belongs to the value above, but YAML reads " #" and everything after it '
        "as a note and drops it",
        f"Write the whole value on one line, in {quotes_named(meant)}: {prefix} {quoted(meant)}",
        True,
        "yaml-comment",
    )


def _block_follows(value: Token, tokens: list[Token], line: str) -> bool:
    """True when the value after this ``:`` or ``-`` starts on a later line (a group, a list)."""
    after = [t for t in tokens if t.start_mark.index >= value.end_mark.index]
    if not after or after[0].start_mark.line == value.end_mark.line:
        return False
    indent = len(line) - len(line.lstrip(" "))
    return after[0].start_mark.column > indent or isinstance(after[0], BlockEntryToken)


def _continues(value: Token, line: str, lines: list[str]) -> bool:
    """True when ``line`` is indented under the line on which this plain value started."""
    first = lines[value.start_mark.line]
    indent = len(first) - len(first.lstrip(" -"))
    return len(line) - len(line.lstrip(" ")) > indent


_MARKERS = {
    TagToken: "YAML reads {text} as a type marker, not as text, and drops it",
    AnchorToken: "YAML reads {text} as a name for the value, not as text, and drops it",
    AliasToken: "YAML reads {text} as a copy of another value marked {anchor}, not as text",
}


def _marker(token: Token, following: list[Token], lines: list[str]) -> Hidden:
    line = lines[token.start_mark.line]
    start = token.start_mark.column
    one_line = token.end_mark.line == token.start_mark.line
    text = line[start : token.end_mark.column] if one_line else line[start:].strip()
    message = _MARKERS[type(token)].format(text=text, anchor="&" + text[1:])
    nxt = following[0] if following else None
    if isinstance(token, AliasToken) or (
        isinstance(nxt, ScalarToken) and nxt.start_mark.line == token.start_mark.line
    ):
        meant = line[start:].rstrip()
        prefix = line[:start].strip()
        fix = f"Put the whole value in {quotes_named(meant)}: {prefix} {quoted(meant)}"
    else:
        fix = f"Delete {text}"
    return Hidden(token.start_mark.line + 1, message, fix, True, "yaml-reserved")


# --- errors YAML stops at, explained by what the author most likely did ----------------

_KEY = r"[A-Za-z_][A-Za-z0-9_-]*"
#: A note starts with #; a tag, an anchor and an alias with !, & and *.
_MARKS = re.compile(r"[#!&*]")
_NO_SPACE = re.compile(rf"^(?P<indent>\s*(?:- )?)(?P<key>{_KEY}):(?P<value>[^\s/].*)$")
_KEY_LINE = re.compile(rf"^(?P<indent>\s*(?:- )?)(?P<key>{_KEY}):(?:\s+(?P<value>.*))?$")
_QUOTE_FIRST = re.compile(rf"^(?P<prefix>\s*(?:- )?(?:{_KEY}:\s+)?)(?P<value>[\"'\[{{].*?)\s*$")
_BRACKETS = {"[": "]", "{": "}"}


@dataclass(frozen=True)
class Explained:
    """A YAML error put in the author's terms: line, rule, what is wrong, how to fix it."""

    line: int
    rule: str
    message: str
    fix: str


def explain_error(problem: str, line: int, context: int, lines: list[str]) -> Explained | None:
    """The likely cause of a YAML error, when the author's lines show one; else None.

    ``line`` is where YAML stopped and ``context`` where the construct it was reading
    began (1-based); the cause is often a line or two above where YAML stopped.
    """
    for number in range(max(1, min(context, line - 1)), line + 1):
        if number <= len(lines) and (found := _no_space(number, lines[number - 1])):
            return found
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    for number in (line, line - 1):
        if 0 < number <= len(lines) and (found := _in_brackets(number, lines[number - 1])):
            return found
    if line > 1 and (found := _note_before_more(line - 1, lines)):
        return found
    if problem.startswith("mapping values are not allowed"):
        return _over_indented(line, lines) or _curly_colon(line, text)
    if problem.startswith(("expected <block end>", "did not find expected key")):
        return _quote_then_text(line, text) or (
            _quote_then_text(line - 1, lines[line - 2]) if line > 1 else None
        )
    if problem.startswith(("sequence entries are not allowed", "mapping keys are not allowed")):
        return _starts_with(line, text, text.lstrip().partition(": ")[2][:1] or "-")
    if problem.startswith("found character '") and not problem.startswith("found character '\\t'"):
        return _starts_with(line, text, problem.split("'")[1])
    return None


_FLOW_LINE = re.compile(rf"^(?P<prefix>\s*(?:- )?{_KEY}:\s+)\[(?P<items>.*?)\]?\s*$")
_NOTE = re.compile(r"\s#")


def _in_brackets(number: int, text: str) -> Explained | None:
    """``tags: [grid #1, @home]``: an item YAML cannot read as written, quoted in place."""
    match = _FLOW_LINE.match(text)
    if match is None or "[" in match["items"] or "{" in match["items"]:
        return None
    items = [item.strip() for item in match["items"].split(",")]
    fixed = [as_value(item) if item else item for item in items]
    if fixed == items:
        return None
    odd = next(item for item, new in zip(items, fixed, strict=True) if item != new)
    line = f"{match['prefix'].strip()} [{', '.join(fixed)}]"
    note = odd.startswith("#") or _NOTE.search(odd) is not None
    if note:
        why = 'YAML reads " #" and everything after it as a note, which cuts the list short'
    elif what := reads_as(odd):
        why = f"YAML reads it as {what}, not as text"
    elif odd[0] in "@`%!&*|>'\"-?:":
        why = f"YAML reserves its first character, {odd[0]}"
    else:
        why = "YAML cannot read it as written"
    return Explained(
        number,
        "yaml-comment" if note else "yaml-reserved",
        f'the list item "{odd}" needs quotes: {why}',
        f"Put that item in {quotes_named(odd)}: {line}",
    )


def _note_before_more(number: int, lines: list[str]) -> Explained | None:
    """``subtitle: a #b`` and an indented line under it: the note ended the value early."""
    match = _KEY_LINE.match(lines[number - 1])
    value = (match["value"] or "").strip() if match else ""
    if match is None or not _NOTE.search(f" {value}") or value[:1] in "\"'[{":
        return None
    indent = len(match["indent"])
    more = []
    for line in lines[number:]:
        if not line.strip() or len(line) - len(line.lstrip(" ")) <= indent:
            break
        more.append(line.strip())
    if not more:
        return None
    meant = " ".join([value, *more])
    return Explained(
        number,
        "yaml-comment",
        'YAML reads " #" and everything after it as a note, so the value ends there and '
        "the lines under it cannot continue it",
        f"Write the whole value on one line, in {quotes_named(meant)}: "
        f"{match['indent'].lstrip()}{match['key']}: {quoted(meant)}",
    )


def _no_space(number: int, text: str) -> Explained | None:
    match = _NO_SPACE.match(text)
    if match is None:
        return None
    key, value = match["key"], match["value"].strip()
    return Explained(
        number,
        "yaml-missing-colon",
        f'there is no space after the colon in "{key}:{value.split()[0]}", so YAML does not '
        "read this line as a field",
        f"Put a space after the colon: {as_field(key, value)}",
    )


def _over_indented(line: int, lines: list[str]) -> Explained | None:
    """``   caption:`` under ``  alt: …``: YAML reads the line as more of the alt text."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    here = _KEY_LINE.match(text) or _NO_SPACE.match(text)
    above = next((lines[n] for n in range(line - 2, -1, -1) if lines[n].strip()), "")
    parent = _KEY_LINE.match(above)
    if here is None or parent is None or not (parent["value"] or "").strip():
        return None
    column = len(parent["indent"])
    if len(here["indent"]) <= column:
        return None
    fix = (
        f"Start {here['key']}: with {column} space{'s' * (column != 1)}, the same as "
        f"{parent['key']}:"
        if column
        else f"Start {here['key']}: at the beginning of the line, like {parent['key']}:"
    )
    if not text.startswith(f"{here['indent']}{here['key']}: "):
        fix += f", with a space after the colon: {as_field(here['key'], here['value'].strip())}"
    return Explained(
        line,
        "yaml-indent",
        f"this line is indented further than {parent['key']}: on the line above, so YAML reads "
        f"it as more of the {parent['key']} text",
        fix,
    )


def _curly_colon(line: int, text: str) -> Explained | None:
    name, _, value = text.partition(": ")
    inner = unwrap_curly(value)
    if inner is None:
        return None
    return Explained(
        line,
        "yaml-colon",
        f"this value contains a colon followed by a space, and its curly quotes "
        f"{value.strip()[0]} {value.strip()[-1]} are read as part of the text, not as quotes",
        f"Use straight quotes: {name.strip()}: {quoted(inner)}",
    )


def _quote_then_text(line: int, text: str) -> Explained | None:
    """``title: "GridLab" opens``: the quotes end the value, and the rest has no place."""
    match = _QUOTE_FIRST.match(text)
    if match is None:
        return None
    value = match["value"]
    end = _closing_bracket(value) if value[0] in _BRACKETS else _closing_quote(value)
    if end is None or not value[end + 1 :].strip() or value[end + 1 :].lstrip().startswith("#"):
        return None
    what = "a list" if value[0] == "[" else "a group" if value[0] == "{" else "a quote"
    return Explained(
        line,
        "yaml-quote",
        f"the value starts with {what}, so YAML reads only {value[: end + 1]} as the value "
        f'and cannot place the rest, "{value[end + 1 :].strip()}"',
        f"Put the whole value in {quotes_named(value)}: {match['prefix'].strip()} {quoted(value)}",
    )


def _closing_bracket(value: str) -> int | None:
    """Where the bracket that opens ``value`` closes (brackets inside it counted)."""
    depth = 0
    for index, char in enumerate(value):
        if char in _BRACKETS:
            depth += 1
        elif char in _BRACKETS.values():
            depth -= 1
            if depth == 0:
                return index
    return None


def _closing_quote(value: str) -> int | None:
    """Where the quote that opens ``value`` closes, following YAML's escapes."""
    mark = value[0]
    index = 1
    while index < len(value):
        char = value[index]
        if mark == '"' and char == "\\":
            index += 2
            continue
        if char == mark:
            if mark == "'" and value[index + 1 : index + 2] == "'":
                index += 2
                continue
            return index
        index += 1
    return None


def _starts_with(line: int, text: str, char: str) -> Explained | None:
    name, sep, value = text.partition(": ")
    value = value.strip()
    if not sep or not value:
        value = text.strip()
        prefix = ""
    else:
        prefix = f"{name.strip()}: "
    what = {
        "-": '"- ", which YAML reads as the start of a list',
        "?": '"? ", which YAML reads as a field name',
    }.get(char, f"{char}, a character YAML reserves")
    return Explained(
        line,
        "yaml-reserved",
        f"a value on this line starts with {what}",
        f"Put the whole value in {quotes_named(value)}: {prefix}{quoted(value)}",
    )
