"""What a release's front matter or a data file may hold, decided before YAML builds anything.

YAML can repeat a value by reference (an anchor ``&a`` and aliases ``*a``): eight levels of
nine references in 577 bytes stand for 43 million values, and any walk over them takes
minutes. Deep nesting exhausts Python's recursion. Authors need neither, so both are
refused here from the parser's event stream, which is read in one pass and never expanded,
and so are merge keys (``<<``), front matter beyond a size, and characters that cannot be
published (``characters.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from . import characters
from .problems import Problem
from .yaml_traps import quoted

#: Levels of lists and groups a file may nest; a release needs three (updates, an entry,
#: its fields), the data files four.
MAX_DEPTH = 20
#: Largest front matter read, in bytes: the fields of a release, not its text.
MAX_FRONT_MATTER_BYTES = 64 * 1024
_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_REFERENCE_FIX = (
    "Write the value out in full wherever it is needed; if a value itself starts with & or *, "
    "put the whole value in double quotes"
)


@dataclass
class Screening:
    """What was found; ``refused`` means the YAML must not be composed at all."""

    problems: list[Problem] = field(default_factory=list)
    refused: bool = False


def screen(path: str, padded: str, front_matter: bool) -> Screening:
    """Check YAML text whose line numbers are already file line numbers (``padded``)."""
    result = Screening()
    size = len(padded.lstrip("\n").encode("utf-8"))
    if front_matter and size > MAX_FRONT_MATTER_BYTES:
        result.problems.append(
            Problem(
                path,
                2,
                "",
                f"the front matter (between the --- lines) is {size // 1024} KB; it may be at "
                f"most {MAX_FRONT_MATTER_BYTES // 1024} KB",
                "Keep only the fields there, and put the text of the release below the "
                "closing --- line",
                "file-too-large",
            )
        )
        result.refused = True
        return result
    for line, what in characters.lines_with(padded, 1):
        result.problems.append(_character(path, line, "", what))
    if result.problems:
        # YAML cannot read these characters either: one clear message, not two.
        result.refused = True
        return result
    walked = _walk(path, padded, _LOADER)
    if walked is None and _LOADER is not yaml.BaseLoader:
        # libyaml stops at some mistakes that the pure-Python parser, which composing falls
        # back to, reads past (such as the escape "\\ud800"): walk what that one will read.
        walked = _walk(path, padded, yaml.BaseLoader)
    if walked is not None:
        result.problems.extend(walked.problems)
        result.refused = walked.refused
    return result


@dataclass
class _Level:
    """One open list or group: where the next value goes, for the field name in messages."""

    label: str
    is_mapping: bool
    count: int = 0
    key: str | None = None

    def child(self) -> tuple[str, bool]:
        """The label of the next node and whether it is a key."""
        if not self.is_mapping:
            self.count += 1
            return f"{self.label}[{self.count}]", False
        if self.key is None:
            return self.label, True
        return (f"{self.label}.{self.key}" if self.label else self.key), False


def _walk(path: str, padded: str, loader: type) -> Screening | None:
    """The events up to the first refusal; None when the parser stopped at a mistake."""
    result = Screening()
    stack: list[_Level] = []
    try:
        for event in yaml.parse(padded, Loader=loader):
            if isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
                _value_done(stack)
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            line = event.start_mark.line + 1
            label, is_key = stack[-1].child() if stack else ("", False)
            refusal = _refusal(path, line, label, event, is_key, padded)
            if refusal is None and isinstance(event, yaml.CollectionStartEvent):
                if len(stack) >= MAX_DEPTH:
                    refusal = _too_deep(path, line, label.split(".")[0].split("[")[0])
                else:
                    stack.append(_Level(label, isinstance(event, yaml.MappingStartEvent)))
                    continue
            if refusal is not None:
                result.problems.append(refusal)
                result.refused = True
                return result
            assert isinstance(event, yaml.ScalarEvent)
            if (found := characters.problem(event.value)) is not None:
                # Written as an escape ("\\v", "\\ud800"): refused like a raw one, since
                # nothing after this point may have to handle it.
                result.problems.append(_character(path, line, label, found))
                result.refused = True
                if len(result.problems) == characters.MAX_REPORTED:
                    return result
            if is_key:
                stack[-1].key = event.value
            else:
                _value_done(stack)
    except yaml.YAMLError:
        return None  # composing reports the mistake, in words (frontmatter.py)
    return result


def _value_done(stack: list[_Level]) -> None:
    """A value ended: in a group, the next node is a key again."""
    if stack and stack[-1].is_mapping:
        if stack[-1].key is None:
            stack[-1].key = "?"  # a key that is itself a list or group; its value comes next
        else:
            stack[-1].key = None


def _quoted_fix(padded: str, event: yaml.NodeEvent) -> str:
    """For ``key: &name text`` on one line, the line with the value in quotes: the author
    meant text that starts with & or *. Otherwise the general advice."""
    text = padded[event.start_mark.index :].split("\n", 1)[0].rstrip()
    before = padded[: event.start_mark.index].rsplit("\n", 1)[-1]
    key = before.strip().removeprefix("- ").rstrip()
    scalar = isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent))
    if scalar and key.endswith(":") and text and " #" not in text:
        return f"Put the whole value in double quotes: {key} {quoted(text)}"
    return _REFERENCE_FIX


def _refusal(
    path: str, line: int, label: str, event: yaml.NodeEvent, is_key: bool, padded: str
) -> Problem | None:
    if isinstance(event, yaml.AliasEvent):
        return Problem(
            path,
            line,
            label,
            f"a value on this line starts with *, which YAML reads as a reference to another "
            f"value (*{event.anchor}); references are not used in the newsroom's files",
            _quoted_fix(padded, event),
            "yaml-reference",
        )
    if event.anchor is not None:
        return Problem(
            path,
            line,
            label,
            f"a value on this line starts with &, which YAML reads as a name for the value "
            f"(&{event.anchor}) so that it can be repeated elsewhere; the newsroom's files do "
            "not use such references",
            _quoted_fix(padded, event),
            "yaml-reference",
        )
    # A merge key is a plain <<; a quoted "<<" is just text.
    if is_key and isinstance(event, yaml.ScalarEvent) and event.value == "<<" and event.implicit[0]:
        return Problem(
            path,
            line,
            label,
            "<< on this line asks YAML to copy fields from elsewhere (a merge key); the "
            "newsroom's files do not use it",
            "Write the fields out in full",
            "yaml-reference",
        )
    return None


def _too_deep(path: str, line: int, label: str) -> Problem:
    return Problem(
        path,
        line,
        label,
        f"lists and groups are nested more than {MAX_DEPTH} levels deep here",
        "A release needs at most three levels (like updates:, then - date:); remove the extra "
        "brackets or indentation",
        "yaml-nesting",
    )


def _character(path: str, line: int, label: str, what: str) -> Problem:
    return Problem(path, line, label, what, characters.FIX, "text-character")
