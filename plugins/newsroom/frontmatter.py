"""Split a content file into YAML front matter and a Markdown body, keeping line numbers.

The YAML is composed into nodes rather than loaded into Python values: every node keeps
the line it came from, so a later problem can point at that line, and every scalar stays
a string (no YAML 1.1 surprises such as ``no`` becoming ``False``); the schema decides
what each field means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import yamlguard
from .problems import Problem, Severity
from .yaml_traps import explain_error, hidden_text, quoted, quotes_named

# libyaml's parser when PyYAML has it: the same nodes and lines, several times faster.
_FAST_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
FENCE = re.compile(r"^---\s*$")
FENCE_END = re.compile(r"^(---|\.\.\.)\s*$")


@dataclass
class Document:
    """A content file, split: ``meta`` is None when the front matter could not be read."""

    path: str
    meta: MappingNode | None
    body: str
    body_line: int
    problems: list[Problem] = field(default_factory=list)


def read_bytes(path: str, raw: bytes, max_bytes: int) -> Document:
    """Decode, size-check and split one content file; never raises for what an author wrote."""
    text = decode(path, raw, max_bytes)
    if isinstance(text, Problem):
        return Document(path, None, "", 1, [text])
    return split(path, text)


def read_data(path: str, raw: bytes, max_bytes: int) -> Document:
    """Decode and compose a plain YAML data file (no fences, no body)."""
    text = decode(path, raw, max_bytes)
    if isinstance(text, Problem):
        return Document(path, None, "", 1, [text])
    return _compose(path, text, Document(path, None, "", 1), first_line=1)


def decode(path: str, raw: bytes, max_bytes: int) -> str | Problem:
    """The file's text with Unix line ends, or the problem that stops it being read."""
    if len(raw) > max_bytes:
        return _problem(
            path,
            1,
            "",
            f"this file is {_size(len(raw))}; a content file may be at most {_size(max_bytes)}",
            "Keep the text of the release in the file and attach large material "
            "(reports, images) as separate files",
            "file-too-large",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return _problem(
            path,
            line,
            "",
            f"this file is not saved as UTF-8 (byte 0x{raw[err.start]:02X} on line {line} "
            "cannot be read)",
            "Save the file with the UTF-8 encoding (most editors offer it under "
            "'Save with encoding'); the GitHub web editor always saves UTF-8",
            "file-encoding",
        )
    if "\x00" in text:
        return _problem(
            path,
            text[: text.index("\x00")].count("\n") + 1,
            "",
            "this file contains a NUL character, so it is not a text file",
            "Save it as plain text",
            "file-encoding",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split(path: str, text: str) -> Document:
    """Find the ``---`` fences, compose the YAML between them and return the parts."""
    lines = text.split("\n")
    if not lines or not FENCE.match(lines[0]):
        return _failed_doc(
            path,
            1,
            "",
            "the file does not start with front matter (a line with three dashes, ---)",
            "Start the file with ---, then the fields such as title: and date:, "
            "then another --- line, then the text of the release",
            "front-matter-missing",
        )
    end = _closing_fence(lines)
    if end is None:
        return _failed_doc(
            path,
            1,
            "",
            "the front matter is never closed: no second line with three dashes (---)",
            "Add a line with just --- after the last field, before the text of the release",
            "front-matter-unclosed",
        )
    yaml_text = "\n".join(lines[1:end])
    body = "\n".join(lines[end + 1 :])
    doc = _compose(path, yaml_text, Document(path, None, body, end + 2), first_line=2)
    if doc.meta is not None:
        doc.problems.extend(_hidden_problems(path, "\n" + yaml_text))
    return doc


def _closing_fence(lines: list[str]) -> int | None:
    """The index of the line that closes the front matter, if one does."""
    return next((i for i in range(1, len(lines)) if FENCE_END.match(lines[i])), None)


def head(raw: bytes) -> str | None:
    """A content file's front matter with its fences, as ``read_bytes`` and ``split`` find
    them: all of the file that is not its body. None when they would find no body (a file
    they refuse, or one without front matter): then the whole file counts."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # The lines ``split`` reads, found one at a time: the body is most of the file.
    end = text.find("\n")
    if end < 0 or not FENCE.match(text[:end]):
        return None
    while end >= 0:
        start, end = end + 1, text.find("\n", end + 1)
        if FENCE_END.match(text[start:] if end < 0 else text[start:end]):
            return text if end < 0 else text[:end]
    return None


def _hidden_problems(path: str, padded: str) -> list[Problem]:
    """Notes and markers YAML would drop from the values: the author never sees them go."""
    return [
        _problem(
            path,
            found.line,
            "",
            found.message,
            found.fix,
            found.rule,
            Severity.ERROR if found.error else Severity.WARNING,
        )
        for found in hidden_text(padded)
    ]


def _compose(path: str, yaml_text: str, doc: Document, first_line: int) -> Document:
    """Compose YAML that starts on ``first_line`` of the file into ``doc.meta``."""
    # Pad with blank lines so that YAML's own line numbers are file line numbers.
    padded = "\n" * (first_line - 1) + yaml_text
    screening = yamlguard.screen(path, padded, front_matter=first_line > 1)
    doc.problems.extend(screening.problems)
    if screening.refused:
        return doc
    try:
        node = yaml.compose(padded, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        # Ask the pure-Python parser again: its messages are the ones translated below.
        try:
            node = yaml.compose(padded, Loader=yaml.BaseLoader)
        except yaml.MarkedYAMLError as err:
            doc.problems.append(_yaml_problem(path, err, padded.split("\n")))
            return doc
        except yaml.YAMLError:
            doc.problems.append(
                _problem(path, first_line, "", "this could not be read", GENERIC_FIX, "yaml")
            )
            return doc
    if node is None:
        doc.problems.append(
            _problem(
                path,
                1,
                "",
                "the front matter is empty" if first_line > 1 else "the file is empty",
                "Add the fields, one per line, in the form 'name: value'",
                "front-matter-empty",
            )
        )
        return doc
    if not isinstance(node, MappingNode):
        doc.problems.append(
            _problem(
                path,
                line_of(node),
                "",
                "this is not a list of fields",
                "Write one field per line in the form 'name: value', like 'title: Acme opens "
                "a new plant'",
                "front-matter-shape",
            )
        )
        return doc
    doc.problems.extend(duplicate_keys(path, node))
    doc.meta = node
    return doc


def _failed_doc(path: str, line: int, name: str, message: str, fix: str, rule: str) -> Document:
    return Document(path, None, "", 1, [_problem(path, line, name, message, fix, rule)])


def line_of(node: Node) -> int:
    """The file line a node starts on."""
    return node.start_mark.line + 1


def mapping_items(node: MappingNode) -> list[tuple[str, int, Node]]:
    """Key text, key line and value node of a mapping, in file order."""
    items = []
    for key, value in node.value:
        name = key.value if isinstance(key, ScalarNode) else ""
        items.append((name, line_of(key), value))
    return items


def duplicate_keys(path: str, node: Node) -> list[Problem]:
    """YAML keeps the last of two equal keys silently; an author almost never means that."""
    problems: list[Problem] = []
    if isinstance(node, MappingNode):
        seen: dict[str, int] = {}
        for name, line, value in mapping_items(node):
            if name in seen:
                problems.append(
                    _problem(
                        path,
                        line,
                        name,
                        f"this field appears twice (first on line {seen[name]})",
                        "Keep only one of the two lines",
                        "field-duplicate",
                    )
                )
            else:
                seen[name] = line
            problems.extend(duplicate_keys(path, value))
    elif isinstance(node, SequenceNode):
        for item in node.value:
            problems.extend(duplicate_keys(path, item))
    return problems


GENERIC_FIX = (
    "Check the quotes, colons and indentation on this line and the line above; "
    "when a value contains a colon or starts with a quote, put the whole value in double quotes"
)

# PyYAML's wording, matched on its start, translated into words an author can act on.
_YAML_MESSAGES: list[tuple[str, str, str, str]] = [
    (
        "mapping values are not allowed",
        "yaml-colon",
        "a value on this line contains a colon followed by a space, which YAML reads as a "
        "new field",
        'Put the whole value in double quotes, like title: "Acme: a new chapter"',
    ),
    (
        "found character '\\t'",
        "yaml-tab",
        "this line is indented with a tab character",
        "Indent with spaces instead of tabs",
    ),
    (
        "found character",
        "yaml-reserved",
        "a value on this line starts with a character that YAML reserves (such as @, ` or %)",
        "Put the whole value in double quotes",
    ),
    (
        "could not find expected ':'",
        "yaml-missing-colon",
        "this line is not in the form 'name: value'",
        "Check that the field name ends with a colon and a space; when a long value goes on "
        "to the next line, indent that line with spaces",
    ),
    (
        "found unexpected end of stream",
        "yaml-unclosed-quote",
        "a quote opened on this line is never closed",
        "Add the closing quote at the end of the value",
    ),
    (
        "found unknown escape character",
        "yaml-escape",
        "a backslash inside double quotes on this line is not something YAML understands",
        "Use single quotes around the value instead, or write two backslashes",
    ),
    (
        "expected ',' or ']'",
        "yaml-list",
        "a list in square brackets on this line is not closed properly",
        "Separate the items with commas and end the list with ]",
    ),
    (
        "expected ',' or '}'",
        "yaml-list",
        "a group in curly brackets on this line is not closed properly",
        "Separate the entries with commas and end the group with }",
    ),
    (
        "found undefined alias",
        "yaml-reserved",
        "a value on this line starts with *, which YAML reads as a reference",
        "Put the whole value in double quotes",
    ),
    (
        "did not find expected key",
        "yaml-indent",
        "the indentation on this line does not line up with the lines above",
        "Indent the line with the same number of spaces as the other entries at its level",
    ),
    (
        "did not find expected '-' indicator",
        "yaml-indent",
        "the indentation on this line does not line up with the list above",
        "Start each list item with '- ' and line the items up with the same spaces",
    ),
    (
        "expected <block end>",
        "yaml-indent",
        "the indentation on this line does not line up with the lines above",
        "Indent the line with the same number of spaces as the other entries at its level",
    ),
]


def _yaml_problem(path: str, err: yaml.MarkedYAMLError, lines: list[str]) -> Problem:
    problem = err.problem or ""
    mark = err.problem_mark
    if mark is not None:
        context = err.context_mark.line + 1 if err.context_mark else mark.line + 1
        cause = explain_error(problem, mark.line + 1, context, lines)
        if cause is not None:
            return _problem(path, cause.line, "", cause.message, cause.fix, cause.rule)
    rule, message, fix = next(
        ((r, m, f) for start, r, m, f in _YAML_MESSAGES if problem.startswith(start)),
        ("yaml", "the front matter cannot be read near this line", GENERIC_FIX),
    )
    if rule == "yaml-unclosed-quote" and err.context_mark is not None:
        mark = err.context_mark
    line = mark.line + 1 if mark is not None else 1
    if rule == "yaml-colon" and 0 < line <= len(lines):
        # Show the author their own line, quoted the way YAML needs it.
        name, _, value = lines[line - 1].partition(": ")
        value = value.strip()
        if name.strip() and value:
            fix = f"Put the whole value in {quotes_named(value)}: {name.strip()}: {quoted(value)}"
    return _problem(path, line, "", message, fix, rule)


def _problem(
    path: str,
    line: int,
    field_name: str,
    message: str,
    fix: str,
    rule: str,
    severity: Severity = Severity.ERROR,
) -> Problem:
    return Problem(path, line, field_name, message, fix, rule, severity)


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{n / 1024:.0f} KB"
