"""Property: whatever the check passes builds, also at the far end of the dates it accepts.

A release that passes the check but stops a build from its own instant would block every
deploy after it. Hypothesis writes releases with any characters (control characters, lone
surrogates through YAML escapes, text-direction marks), any year the check might accept
and the extreme offsets; each one the check passes is built as of the last instant the
newsroom accepts, when everything is live. PROPERTY_EXAMPLES=500 tries more of them.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from support import FIXTURES, Site

FAR_FUTURE = "2200-12-31T23:59:59Z"
# Every character, surrogates included: front matter values are written as YAML escapes.
ANY_CHARACTER = st.characters(codec=None, categories=None)
# Mostly text that may pass (so that builds run), sometimes anything at all.
PRINTABLE = st.text(st.characters(exclude_categories=["Cc", "Cs", "Cn"]), min_size=1, max_size=30)
ANY_TEXT = st.one_of(
    PRINTABLE, PRINTABLE, PRINTABLE, st.text(ANY_CHARACTER, min_size=1, max_size=30)
)
# The body is the file's own text, so it holds what UTF-8 can hold.
BODY_TEXT = st.one_of(
    st.text(
        st.characters(exclude_categories=["Cc", "Cs", "Cn"], include_characters="\v\n"),
        min_size=1,
        max_size=200,
    ),
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=200),
)
OFFSETS = st.sampled_from([-12 * 60, -9 * 60 - 30, 0, 5 * 60 + 45, 13 * 60, 14 * 60])


def _written(kind: int, minutes: int, offset: int) -> str:
    """A date as an author might write it: at the limits of years and offsets, or any."""
    base = datetime(1960, 1, 1) + timedelta(minutes=minutes)
    if kind == 0:
        base = base.replace(year=1970, month=1, day=1)
    elif kind == 1:
        base = base.replace(year=2200, month=12, day=31)
    zone = timezone(timedelta(minutes=offset))
    return base.replace(tzinfo=zone).isoformat(timespec="minutes")


instants = st.builds(_written, st.integers(0, 4), st.integers(0, 250 * 366 * 24 * 60), OFFSETS)


def _release(title: str, tags: list[str], summary: str, body: str, date: str) -> str:
    # JSON strings are YAML double-quoted strings: every character can be written.
    return (
        f"---\ntitle: {json.dumps(title)}\ndate: {date}\ncategory: products\n"
        f"tags: {json.dumps(tags)}\nsummary: {json.dumps(summary)}\n"
        f"updates:\n  - date: {FAR_FUTURE}\n    note: {json.dumps(summary)}\n---\n{body}\n"
    )


@settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    title=ANY_TEXT,
    tags=st.lists(ANY_TEXT, max_size=3),
    summary=ANY_TEXT,
    body=BODY_TEXT,
    date=instants,
)
@example(title="A\vB", tags=["x"], summary="S.", body="Soft\vbreak.", date="2200-12-31T23:59+14:00")
@example(title="T", tags=["\u202e"], summary="S.", body="B.", date="1970-01-01T00:00-12:00")
@example(
    title="T",
    tags=[],
    summary="S.",
    body="Soft\vbreak in | a | table |",
    date="2026-12-03T07:00+01:00",
)
@example(title="T", tags=[], summary="S.", body="&#1; &#x0B; &#128;", date="2026-12-03T07:00Z")
def test_what_the_check_passes_builds_when_everything_is_live(
    title: str, tags: list[str], summary: str, body: str, date: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        site = Site(Path(folder) / "site")
        shutil.copytree(FIXTURES / "basic", site.path)
        site.write("releases/2026/hostile.md", _release(title, tags, summary, body, date))
        errors = site.load().errors
        if errors:
            event("refused: " + " ".join(sorted({p.rule for p in errors})))
            return  # refused in words: nothing to build
        event("built")
        site.build(Path(folder) / "out", as_of=FAR_FUTURE)
        assert (Path(folder) / "out" / "news/2026/hostile/index.html").is_file()


def test_the_far_future_is_inside_the_range_the_check_accepts() -> None:
    """The property builds at the last accepted instant, so it must itself be accepted."""
    from newsroom.dates import parse_as_of

    assert parse_as_of(FAR_FUTURE) == datetime(2200, 12, 31, 23, 59, 59, tzinfo=UTC)
