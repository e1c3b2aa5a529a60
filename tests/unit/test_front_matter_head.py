"""``frontmatter.head``, the part of a release file the pages' record keys on (its body is
tracked by use, bodies.py), is all that ``read_bytes`` does not take for the body: a change
outside the body always changes the key."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from newsroom.frontmatter import head, read_bytes

#: Lines made of what fences, line ends and encodings are made of.
PIECES = st.sampled_from(
    ["---", "...", "--- ", "---\u00a0", "\n", "\r", "\r\n", "title: A", " ", "é", "\x00", "\ufeff"]
)


def body_of(raw: bytes) -> str | None:
    """The body ``read_bytes`` finds, None when it finds no front matter."""
    doc = read_bytes("releases/2026/a.md", raw, 1 << 20)
    found = any(p.rule in {"front-matter-missing", "front-matter-unclosed"} for p in doc.problems)
    unread = any(p.rule == "file-encoding" for p in doc.problems)
    return None if found or unread else doc.body


@given(st.lists(PIECES, max_size=14).map("".join), st.booleans())
@example("---\ntitle: A\n---\nThe body.\n", False)
@example("\ufeff---\r\ntitle: A\r\n...\r\nThe body.", False)
def test_the_head_and_the_body_make_up_the_whole_file(text: str, cut: bool) -> None:
    raw = text.encode("utf-8")[: -1 if cut else None]
    found, body = head(raw), body_of(raw)
    if body is None:
        assert found is None
        return
    assert found is not None
    whole = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    assert whole in (found, f"{found}\n{body}")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"---\ntitle: A\n---\nThe body.\n", "---\ntitle: A\n---"),
        (b"---\r\ntitle: A\r\n...\r\nThe body.", "---\ntitle: A\n..."),
        (b"\xef\xbb\xbf---\ntitle: A\n---", "---\ntitle: A\n---"),
        (b"title: A\n---\nThe body.\n", None),
        (b"---\ntitle: A\nThe body.\n", None),
        (b"---\ntitle: \xff\n---\n", None),
        (b"---\ntitle: A\n---\n\x00", None),
    ],
)
def test_the_head_of_a_file(raw: bytes, expected: str | None) -> None:
    assert head(raw) == expected
