"""Problems found in content, kept as values so that every one can be reported at once."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from .characters import encodable, visible

# Stable rule names: authors look them up in the README's author guide, so each one listed
# here is documented there (a test checks), and a Problem with any other name is a bug.
RULES = frozenset(
    """
    front-matter-missing front-matter-unclosed front-matter-empty front-matter-shape
    yaml yaml-colon yaml-unclosed-quote yaml-tab yaml-indent yaml-missing-colon yaml-list
    yaml-escape yaml-reserved yaml-reference yaml-nesting text-character
    yaml-comment yaml-quote yaml-not-text yaml-curly-quotes
    field-missing field-empty field-unknown field-duplicate field-type field-unknown-value
    field-format field-too-long
    date-no-timezone date-no-time date-format date-impossible date-offset date-zone
    date-dst-gap date-dst-ambiguous date-range date-folder update-before-release
    asset-missing asset-path asset-type image-unreadable body-empty body-html-removed
    body-heading body-too-deep text-too-deep
    link-form link-missing link-embargoed image-external
    file-name file-location file-type file-encoding file-too-large url-duplicate
    translation-language translation-date translation-missing
    data-missing data-key data-empty data-errors fact-duplicate
    published-url-changed published-edit-without-update build-failed
    file-symlink file-active file-depth name-reserved tag-address
    published-date-changed published-lang-changed release-backdated entry-changed
    entry-backdated entry-future data-change-undeclared
    """.split()
)


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, worded for the person who wrote the file.

    ``message`` says what is wrong; ``fix`` says how to put it right. ``rule`` is a
    stable identifier documented in the author guide, so a message can be looked up.
    """

    path: str
    line: int
    field: str
    message: str
    fix: str
    rule: str
    severity: Severity = Severity.ERROR

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"undocumented rule name {self.rule!r}")

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def text(self) -> str:
        """The one-line form: ``path:line: field: what is wrong. How to fix it.``

        Always one line: what an author wrote is spelt out (a line break as ``\\n``), so
        no value can start a line of its own, such as a forged CI command.
        """
        where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        prefix = "" if self.is_error else "warning: "
        field = f"{self.field}: " if self.field else ""
        line = f"{where}{prefix}{field}{_sentence(self.message)} {_sentence(self.fix)}"
        return visible(line.rstrip())

    def github(self) -> str:
        """The GitHub Actions workflow command that shows the problem inline on a pull request."""
        props = [f"file={_escape_property(self.path)}"]
        if self.line:
            props.append(f"line={self.line}")
        title = f"{self.field}: {self.rule}" if self.field else self.rule
        props.append(f"title={_escape_property(title)}")
        body = f"{_sentence(self.message)} {_sentence(self.fix)}".rstrip()
        return f"::{self.severity.value} {','.join(props)}::{escape_data(body)}"


class OutputError(Exception):
    """A step that writes part of the output failed (the search index); the message says
    which and why, for the build to report without a traceback."""


class ContentError(Exception):
    """Raised when a build is asked for while content has errors; carries every problem."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        errors = [p for p in self.problems if p.is_error]
        lines = "\n".join(p.text() for p in errors)
        super().__init__(f"{len(errors)} problem(s) in the content:\n{lines}")


def _sentence(text: str) -> str:
    text = text.strip()
    if text and text[-1] not in ".?!":
        text += "."
    return text


def escape_data(text: str) -> str:
    # https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts
    return encodable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def display_path(path: Path, root: Path) -> str:
    """Paths in messages are relative to the repository, as GitHub shows them."""
    try:
        return Path(os.path.relpath(path, root)).as_posix()
    except ValueError:
        return path.as_posix()
