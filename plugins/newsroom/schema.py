"""Declarative field tables for front matter and data files, and the engine that applies them.

A table maps each field name to a ``Field``: a parser for its YAML node, whether it is
required, and an example that error messages quote. ``parse_mapping`` applies a table to
one mapping node and reports every problem it finds, never only the first.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .dates import DateProblem, parse_day, parse_instant
from .frontmatter import line_of, mapping_items
from .i18n import is_language
from .problems import Problem, Severity
from .yaml_traps import NOTHING, as_field, example_line, quoted, reads_as, unwrap_curly


class Invalid(Exception):
    """A field value that cannot be used; ``line`` overrides the field's own line."""

    def __init__(self, message: str, fix: str, rule: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.rule = rule
        self.line = line


def file_type(value: str, types: tuple[str, ...], what: str) -> None:
    """Refuse a file whose ending is not one of ``types``: one rule and one fix for the logo,
    pictures and attachments, each saying ``what`` the newsroom would do with the file."""
    if not value.lower().endswith(types):
        allowed = ", ".join(t.lstrip(".") for t in types)
        raise Invalid(
            f'"{value}" is not a {what}', f"Use one of these types: {allowed}", "asset-type"
        )


@dataclass
class Context:
    """What parsers may consult: the file being read and the site's shared data."""

    path: str
    zone_example: str = "Europe/Berlin"
    lookups: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: Folder that files named in the front matter (image, attachments) must be in.
    assets: Path | None = None
    assets_display: str = ""
    #: Where the release is from (its dateline), to suggest the time zone meant there.
    place: str = ""
    #: Folders of the release's translations, whose files it may use too.
    shared: tuple[Path, ...] = ()
    problems: list[Problem] = field(default_factory=list)

    def locate(self, name: str) -> Path | None:
        """The file ``name`` in the release's own folder, else in a translation's folder."""
        folders = (self.assets, *self.shared) if self.assets is not None else self.shared
        return next((f / name for f in folders if (f / name).is_file()), None)

    def report(
        self,
        line: int,
        name: str,
        message: str,
        fix: str,
        rule: str,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.problems.append(Problem(self.path, line, name, message, fix, rule, severity))


Parser = Callable[[Node, Context, str], Any]


@dataclass(frozen=True)
class Field:
    """One front-matter field: how to read it, and how to explain it to an author."""

    parse: Parser
    example: str
    help: str
    required: bool = False
    default: Any = None
    #: Other names authors use for this field ("topic" for category), answered with a hint.
    aliases: tuple[str, ...] = ()


Schema = Mapping[str, Field]

MISSING = object()


def parse_mapping(
    node: Node, schema: Schema, ctx: Context, prefix: str = "", start_line: int = 1
) -> dict[str, Any] | None:
    """Apply ``schema`` to a mapping node; None when any field had an error.

    Problems go to ``ctx``. Field names in messages carry ``prefix`` (like
    ``attachments[2].``) so an author can find the entry in a list.
    """
    if not isinstance(node, MappingNode):
        fields = ", ".join(f"{name}:" for name in schema)
        ctx.report(
            line_of(node),
            prefix.rstrip("."),
            "this should be a group of fields (" + fields + "), not " + describe(node),
            "Write each field on its own line, indented under this one",
            "field-type",
        )
        return None
    before = len([p for p in ctx.problems if p.is_error])
    values: dict[str, Any] = {}
    seen: set[str] = set()
    hinted: set[str] = set()
    for name, line, value in mapping_items(node):
        label = prefix + name
        if name not in schema:
            alias = next((key for key, spec in schema.items() if name.lower() in spec.aliases), "")
            close = difflib.get_close_matches(name.lower(), list(schema), n=1, cutoff=0.6)
            hint = f"Did you mean {close[0]}? " if close else ""
            if alias:
                hint = f"Did you mean {alias}? That field is named {alias} in this file. "
                hinted.add(alias)  # one message for one mistake, not also "category is missing"
            known = ", ".join(schema)
            ctx.report(
                line,
                label,
                "this is not a field I know",
                f"{hint}The fields you can use here are: {known}",
                "field-unknown",
            )
            continue
        if name in seen:
            continue  # reported once, as a duplicate, by the front matter reader
        seen.add(name)
        spec = schema[name]
        if _is_blank(value):
            if spec.required:
                ctx.report(
                    line,
                    label,
                    "this is empty",
                    "Write it after the colon, like "
                    + example_line(name, example_for(spec.parse, ctx, spec.example)),
                    "field-empty",
                )
            continue
        try:
            values[name] = spec.parse(value, ctx, label)
        except _AlreadyReported:
            pass
        except Invalid as err:
            ctx.report(err.line or line_of(value), label, err.message, err.fix, err.rule)
    for name, spec in schema.items():
        if name in values or name in seen:
            continue
        if spec.required and name not in hinted:
            ctx.report(
                start_line,
                prefix + name,
                "this required field is missing",
                f"Add a line like {example_line(name, example_for(spec.parse, ctx, spec.example))}",
                "field-missing",
            )
        else:
            values[name] = spec.default
    after = len([p for p in ctx.problems if p.is_error])
    return values if after == before else None


def describe(node: Node) -> str:
    """A node's shape in words, for messages: never a Python type name."""
    if isinstance(node, MappingNode):
        return "a group of fields"
    if isinstance(node, SequenceNode):
        return "a list"
    return f'"{node.value}"'


def _is_blank(node: Node) -> bool:
    return _plain(node) and node.value.strip() == ""


def _scalar(node: Node, name: str, example: str, what: str) -> str:
    if not isinstance(node, ScalarNode):
        short = name.split(".")[-1]
        line = as_field(short, example, what == "text")
        if short.endswith("]"):  # a list item has no name of its own
            line = line.split(": ", 1)[1]
        raise Invalid(
            f"this should be {what}, not {describe(node)}",
            f"Write it on one line, like {line}",
            "field-type",
        )
    return node.value


def _plain(node: Node) -> bool:
    # libyaml marks a plain scalar's style as "", the pure-Python parser as None.
    return isinstance(node, ScalarNode) and not node.style


def _as_text(node: Node, ctx: Context, name: str) -> None:
    """Refuse a plain value that YAML reads as a number, date, yes/no or nothing, and warn
    about curly quotes around a value: both publish something else than the author meant."""
    if not isinstance(node, ScalarNode) or node.style:
        return  # quoted, or a block of text: YAML reads it as text
    short = name.split(".")[-1]
    value = node.value.strip()
    if what := reads_as(value):
        # A list item has no name of its own: the author quotes it where it stands.
        line = quoted(value) if short.endswith("]") else f"{short}: {quoted(value)}"
        empty = f"Delete the line to leave {short} out, or put" if what == NOTHING else "Put"
        raise Invalid(
            f"YAML reads {value} on its own as {what}, not as text",
            f"{empty} it in double quotes: {line}",
            "yaml-not-text",
        )
    if (inner := unwrap_curly(value)) is not None:
        ctx.report(
            line_of(node),
            name,
            f"the curly quotes {value[0]} {value[-1]} around the value are published as part of it",
            f"If they are not part of the text, remove them: {as_field(short, inner)}",
            "yaml-curly-quotes",
            Severity.WARNING,
        )


# --- parsers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """What a parser accepts, for forms that must offer no more (the editor, cms.py)."""

    max_length: int | None = None
    multiline: bool = False
    regex: str | None = None
    what: str = ""
    types: tuple[str, ...] = ()
    item: Parser | None = None


def limits_of(parser: Parser) -> Limits:
    """The limits a parser was made with (none for the parsers that take no options)."""
    limits = getattr(parser, "limits", None)
    return limits if isinstance(limits, Limits) else Limits()


def text(max_length: int, example: str, multiline: bool = False) -> Parser:
    """Plain text, trimmed; one line unless ``multiline``."""

    def parse(node: Node, ctx: Context, name: str) -> str:
        value = _scalar(node, name, example, "text").strip()
        _as_text(node, ctx, name)
        if not multiline:
            value = " ".join(value.split())
        if not value:
            short = name.split(".")[-1]
            raise Invalid(
                "this is empty",
                f"Write it after the colon, like {as_field(short, example)}",
                "field-empty",
            )
        if len(value) > max_length:
            raise Invalid(
                f"this is {len(value)} characters long; the limit is {max_length}",
                "Shorten it; put the detail in the body of the release",
                "field-too-long",
            )
        return value

    parse.limits = Limits(max_length=max_length, multiline=multiline)  # type: ignore[attr-defined]
    return parse


def markdown_text(max_length: int, example: str) -> Parser:
    """Text of several lines that the site shows as Markdown (an update note, a boilerplate):
    refused, like a release's body, when it nests lists or quotes too deep to be read."""
    plain = text(max_length, example, multiline=True)

    def parse(node: Node, ctx: Context, name: str) -> str:
        value = plain(node, ctx, name)
        from . import sanitize  # Markdown is loaded only when such a text is read

        try:
            sanitize.render(value)
        except sanitize.TooDeep:
            raise Invalid(
                "this text puts lists or quotes inside each other too many levels deep to be read",
                "Use a few levels at most: start fewer lines with - or >, or with spaces "
                "before them",
                "text-too-deep",
            ) from None
        return value

    parse.limits = plain.limits  # type: ignore[attr-defined]
    return parse


def instant(node: Node, ctx: Context, name: str) -> Any:
    value = _scalar(node, name, f"2026-11-23 09:00 {ctx.zone_example}", "a date and time")
    try:
        return parse_instant(value, ctx.zone_example, ctx.place)
    except DateProblem as err:
        raise Invalid(err.message, err.fix, err.rule) from None


def day(node: Node, ctx: Context, name: str) -> Any:
    """A calendar day without a time, like an "as of" date of a figure."""
    value = _scalar(node, name, "2026-09-30", "a date")
    try:
        return parse_day(value)
    except DateProblem as err:
        raise Invalid(err.message, err.fix, err.rule) from None


TRUE = {"true", "yes", "on"}
FALSE = {"false", "no", "off"}


def boolean(node: Node, ctx: Context, name: str) -> bool:
    value = _scalar(node, name, "true", "true or false").strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise Invalid(
        f'"{node.value}" is not true or false',
        f"Write {name}: true or {name}: false",
        "field-type",
    )


def one_of(choices: Callable[[Context], Mapping[str, Any]], source: str, example: str) -> Parser:
    """A key that must exist in a lookup table (topics, contacts, boilerplates)."""

    def shown(ctx: Context, default: str = example) -> str:
        # Examples in messages name a key this site has: "products" may not be one.
        options = choices(ctx)
        return default if default in options or not options else sorted(options)[0]

    def parse(node: Node, ctx: Context, name: str) -> str:
        value = _scalar(node, name, shown(ctx), "one name").strip()
        options = choices(ctx)
        if value in options:
            return value
        close = difflib.get_close_matches(value, list(options), n=1, cutoff=0.6)
        hint = f"Did you mean {close[0]}? " if close else ""
        listed = ", ".join(sorted(options)) or "(none yet)"
        raise Invalid(
            f'"{value}" is not one of the {source}',
            f"{hint}Use one of: {listed}",
            "field-unknown-value",
        )

    parse.example = shown  # type: ignore[attr-defined]
    return parse


def example_for(parser: Parser, ctx: Context, default: str) -> str:
    """The example a message shows: one the site's own data accepts, when the parser knows."""
    shown = getattr(parser, "example", None)
    return shown(ctx, default) if shown else default


def list_of(item: Parser, example: str, allow_comma_text: bool = True) -> Parser:
    """A YAML list; a single line of comma-separated values is accepted too."""

    def parse(node: Node, ctx: Context, name: str) -> tuple[Any, ...]:
        if isinstance(node, ScalarNode) and allow_comma_text:
            parts = [p.strip() for p in node.value.split(",") if p.strip()]
            # Parts of one line that YAML read as text already: marked as quoted text, so
            # that a part such as "2026" is not mistaken for a number on its own.
            nodes: list[Node] = [
                ScalarNode("tag:yaml.org,2002:str", p, node.start_mark, node.end_mark, "'")
                for p in parts
            ]
        elif isinstance(node, SequenceNode):
            nodes = list(node.value)
        else:
            raise Invalid(
                f"this should be a list, not {describe(node)}",
                f"Write it like {name}: [{example_for(item, ctx, example)}]",
                "field-type",
            )
        values = []
        failed = False
        for index, child in enumerate(nodes, start=1):
            label = f"{name}[{index}]"
            try:
                values.append(item(child, ctx, label))
            except _AlreadyReported:
                failed = True
            except Invalid as err:
                ctx.report(err.line or line_of(child), label, err.message, err.fix, err.rule)
                failed = True
        if failed:
            raise _AlreadyReported()
        return tuple(dict.fromkeys(values))

    def shown(ctx: Context, default: str) -> str:
        return f"[{example_for(item, ctx, example)}]" if default.startswith("[") else default

    parse.example = shown  # type: ignore[attr-defined]
    parse.limits = Limits(item=item)  # type: ignore[attr-defined]
    return parse


def entries(entry: Parser, fix: str) -> Parser:
    """A list of groups of fields, each entry on its own lines (media kit items, facts).

    Every entry is checked, and the list fails when any entry did. ``entry`` parses one,
    named like ``logos.items[2]``, and may check it against the others.
    """

    def parse(node: Node, ctx: Context, name: str) -> tuple[Any, ...]:
        if not isinstance(node, SequenceNode):
            raise Invalid(f"this should be a list, not {describe(node)}", fix, "field-type")
        values = []
        failed = False
        for index, child in enumerate(node.value, start=1):
            value = run_parser(entry, child, ctx, f"{name}[{index}]")
            failed = failed or value is None
            values.append(value)
        if failed:
            raise _AlreadyReported()
        return tuple(values)

    return parse


def group(schema: Schema, build: Callable[..., Any]) -> Parser:
    """A nested group of fields (like ``image``), built into an object when valid."""

    def parse(node: Node, ctx: Context, name: str) -> Any:
        values = parse_mapping(node, schema, ctx, prefix=f"{name}.", start_line=line_of(node))
        if values is None:
            raise _AlreadyReported()
        return build(**values)

    return parse


def pattern(regex: str, what: str, example: str, fix: str) -> Parser:
    compiled = re.compile(regex)

    def parse(node: Node, ctx: Context, name: str) -> str:
        value = _scalar(node, name, example, what).strip()
        if not compiled.fullmatch(value):
            raise Invalid(f'"{value}" is not {what}', fix, "field-format")
        return value

    parse.limits = Limits(regex=regex, what=what)  # type: ignore[attr-defined]
    return parse


class _AlreadyReported(Invalid):
    """Raised by nested parsers whose problems are already in the context."""

    def __init__(self) -> None:
        super().__init__("", "", "")


def run_parser(parser: Parser, node: Node, ctx: Context, name: str) -> Any:
    """Apply one parser outside a table, reporting instead of raising."""
    try:
        return parser(node, ctx, name)
    except _AlreadyReported:
        return None
    except Invalid as err:
        ctx.report(err.line or line_of(node), name, err.message, err.fix, err.rule)
        return None


def by_language(schema: Schema, example: str) -> Parser:
    """The same fields again for other languages: ``translations: {de: {name: Produkte}}``.

    Returns language code -> the parsed fields; the keys must be language codes.
    """

    def parse(node: Node, ctx: Context, name: str) -> dict[str, dict[str, Any]]:
        if not isinstance(node, MappingNode) or not node.value:
            raise Invalid(
                "this should list languages, each with its own fields",
                f"Write it like {name.split('.')[-1]}: {example}",
                "field-type",
            )
        before = len(ctx.problems)
        result: dict[str, dict[str, Any]] = {}
        for code, line, value in mapping_items(node):
            if not is_language(code):
                ctx.report(
                    line,
                    f"{name}.{code}",
                    f'"{code}" is not a language code',
                    "Use a code like de, fr or pt-BR",
                    "field-format",
                )
                continue
            values = parse_mapping(
                value, schema, ctx, prefix=f"{name}.{code}.", start_line=line_of(value)
            )
            if values is not None:
                result[code] = values
        if any(p.is_error for p in ctx.problems[before:]):
            raise _AlreadyReported()
        return result

    return parse
