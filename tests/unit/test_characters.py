"""The lines of a text that hold an unpublishable character: each one, whatever the text."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsroom.characters import MAX_REPORTED, SOFT_BREAK, lines_with, problem

#: Characters that are fine, characters that are not, and the references that name them.
PIECES = st.sampled_from(
    [
        *("word ", "Zahl ", "\n", "\t", "é", "—", "🚀", "\u00a0", "&", "#", "&#", ";"),
        *("\x00", "\x07", SOFT_BREAK, "\x1b", "\x7f", "\x85", "\ud800", "\ufdd0", "\uffff"),
        *("\u202e", "\u2066", "\U0001fffe", "\U0010ffff", "\U0001f600", "&#1;", "&#x202E;"),
        *("&#128;", "&#0", "&#xD800;", "&#65535;", "&" + SOFT_BREAK + "#1;"),
    ]
)


@settings(max_examples=500, deadline=None)
@given(text=st.lists(PIECES, max_size=60).map("".join), allowed=st.sampled_from(["", SOFT_BREAK]))
@example(text="Fine.\nStill fine 🚀.\n", allowed="")
@example(text="One\n" * 20 + "\x07\n" * 20, allowed="")
def test_every_line_problem_finds_is_reported(text: str, allowed: str) -> None:
    """The first ten lines ``problem`` finds fault with, with their line numbers."""
    kept = dict.fromkeys(map(ord, allowed))
    each = [
        (4 + offset, found)
        for offset, line in enumerate(text.split("\n"))
        if (found := problem(line.translate(kept))) is not None
    ]
    assert list(lines_with(text, 4, allowed)) == each[:MAX_REPORTED]
