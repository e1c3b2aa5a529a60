"""The check's last line (commands.summary): what it counts, and what it tells the author to
do, table-driven on the exact text."""

from __future__ import annotations

import pytest

from newsroom.commands import summary
from newsroom.content import Newsroom
from newsroom.problems import Problem, Severity


def link(path: str) -> Problem:
    return Problem(path, 1, "", "this is a symbolic link", "commit the file itself", "file-symlink")


def date(path: str, severity: Severity = Severity.ERROR) -> Problem:
    return Problem(path, 4, "date", "has month 13", "write 2026-02-13", "date-impossible", severity)


@pytest.mark.parametrize(
    ("problems", "stopped", "expected"),
    [
        (
            [link("content/a.md"), link("content/media/b.txt")],
            True,
            "2 errors in 2 files. Replace each link above with the file itself, then run the "
            "check again: no other file is read while a symbolic link is in the content folder.",
        ),
        # A link among other problems from files that were read: the usual words, since
        # the list is all there is.
        (
            [link("content/a.md"), date("content/b.md")],
            False,
            "2 errors in 2 files. Fix the errors above, then run the check again.",
        ),
        (
            [date("content/b.md"), date("content/b.md", Severity.WARNING)],
            False,
            "1 error and 1 warning in 1 file. Fix the errors above, then run the check again.",
        ),
        ([date("content/b.md", Severity.WARNING)], False, "1 warning in 1 file. No errors."),
    ],
)
def test_the_last_line_says_what_to_do(
    problems: list[Problem], stopped: bool, expected: str
) -> None:
    newsroom = Newsroom(None, problems=problems, stopped_at_links=stopped)
    assert summary(newsroom) == expected
