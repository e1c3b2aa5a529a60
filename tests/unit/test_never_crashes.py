"""Whatever an author types, the check answers in words: no traceback, no Python repr."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support import FIXTURES, Site

FIELDS = [
    "title",
    "date",
    "category",
    "summary",
    "tags",
    "image",
    "updates",
    "attachments",
    "contacts",
    "forward_looking",
    "status",
    "lang",
    "titel",
    "- x",
    "? y",
    "&a",
    "*b",
]
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            '"',
            "'",
            "[",
            "{",
            "- ",
            ": ",
            "!!python/object:os.system ls",
            "|",
            ">",
            "\t",
            "2026-02-30 09:00 Europe/Berlin",
            "[a, [b]]",
            "{file: x}",
            "\n  - date: x\n    note: y",
            "\n  file: a.jpg",
            "null",
            "~",
            "yes",
        ]
    ),
)
FRONT = st.lists(st.tuples(st.sampled_from(FIELDS), VALUES), max_size=8)
PYTHON_LEAKS = ("Traceback", "<class", "NoneType", "object at 0x", "Error(")


def _site(tmp: Path) -> Site:
    target = tmp / "site"
    if not target.exists():
        shutil.copytree(FIXTURES / "basic", target)
    return Site(target)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(front=FRONT, body=st.text(max_size=200))
def test_any_front_matter_gets_a_plain_answer(tmp_path: Path, front, body: str) -> None:
    site = _site(tmp_path)
    text = "---\n" + "\n".join(f"{k}: {v}" for k, v in front) + "\n---\n" + body
    site.write("releases/2026/fuzz.md", text)
    for problem in site.load().problems:
        line = problem.text()
        assert problem.line >= 0
        assert not any(leak in line for leak in PYTHON_LEAKS), line


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=300))
def test_any_bytes_get_a_plain_answer(tmp_path: Path, raw: bytes) -> None:
    site = _site(tmp_path)
    site.write("releases/2026/fuzz.md", raw)
    problems = [p for p in site.load().problems if p.path == "releases/2026/fuzz.md"]
    assert problems, "random bytes are never a valid release"
    assert all(not any(leak in p.text() for leak in PYTHON_LEAKS) for p in problems)
