"""Hypothesis: any random edit to a published release is refused, or comes with a declared update.

Each example edits the fixture site in a real git repository and runs the real
``check --against main``; the oracle says, from the kind of edit alone, which rules must fire.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsroom.dates import parse_instant
from support import AS_OF, COMMITTED, Site, check_against, published

FRONT = {
    "content/releases/2025/q4-results.md": "date: 2025-12-15T07:30:00+01:00",
    "content/releases/2026/first-product.md": "date: 2026-03-02 09:00 Europe/Berlin",
    "content/releases/2026/with-files.md": "date: 2026-06-01 10:00 America/New_York",
}
WORDS = st.text(st.sampled_from("abcdefghij "), min_size=1, max_size=12).map(
    lambda s: "Word " + s.strip()
)


@dataclass(frozen=True)
class Edit:
    """One change to one release file, and whether readers must be told about it."""

    kind: str
    needs_update: bool
    moves_date: bool = False


@st.composite
def edits(draw: st.DrawFn, path: str) -> tuple[Edit, str, str | None, bytes | None]:
    """(the edit, a front-matter line to add, text for the body, bytes to append to a file)."""
    kind = draw(
        st.sampled_from(
            ["title", "subtitle", "summary", "dateline", "body", "forward_looking", "contacts",
             "tags", "topic", "date", "asset"]
        )
    )  # fmt: skip
    word = draw(WORDS)
    if kind == "body":
        return Edit(kind, True), "", f"\n{word}.\n", None
    if kind == "tags":
        return Edit(kind, False), f"tags: [{word.lower()}]", None, None
    if kind == "topic":
        return Edit(kind, False), "category: financial-results", None, None
    if kind == "forward_looking":
        value = "false" if "q4" in path else "true"
        return Edit(kind, True), f"forward_looking: {value}", None, None
    if kind == "contacts":
        return Edit(kind, True), "contacts: [press, ir]", None, None
    if kind == "date":
        minutes = draw(st.integers(-600_000, 600_000).filter(lambda m: m != 0))
        return Edit(kind, False, moves_date=True), f"shift: {minutes}", None, None
    if kind == "asset":
        if "with-files" not in path:
            return Edit("title", True), f"title: {word}", None, None
        return Edit(kind, True), "", None, draw(st.binary(min_size=1, max_size=8))
    return Edit(kind, True), f"{kind}: {word}", None, None


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return published(tmp_path_factory.mktemp("published"))


def rules(repo: Path) -> set[tuple[str, str]]:
    return {(p.path, p.rule) for p in check_against(repo).errors}


def apply(repo: Path, path: str, line: str, body: str | None, blob: bytes | None) -> None:
    file = repo / path
    text = file.read_text()
    if line.startswith("shift: "):
        old = FRONT[path]
        moved = parse_instant(old[6:]) + timedelta(minutes=int(line[7:]))
        # The year folder stays, so the release keeps its address; a date in another year is
        # also a warning (date-folder), which the oracle ignores.
        text = text.replace(old, f"date: {moved.astimezone(UTC):%Y-%m-%dT%H:%M:%S}+00:00")
    elif line:
        name = line.split(":")[0]
        lines = [x for x in text.split("\n") if not x.startswith(f"{name}:")]
        lines.insert(1, line)
        text = "\n".join(lines)
    if body:
        text += body
    file.write_text(text)
    if blob is not None:
        asset = repo / "content/releases/2026/with-files/factsheet.pdf"
        asset.write_bytes(asset.read_bytes() + blob)


def declare(repo: Path, path: str, minutes_from_now: int) -> None:
    when = datetime.fromisoformat(AS_OF) + timedelta(minutes=minutes_from_now)
    file = repo / path
    head, _, body = file.read_text()[4:].partition("\n---\n")
    entry = f"  - date: {when:%Y-%m-%d %H:%M} UTC\n    note: Corrected.\n"
    if "\nupdates:\n" in f"\n{head}\n":
        head = head.replace("updates:\n", "updates:\n" + entry, 1)
    else:
        head = f"{head}\nupdates:\n{entry}".replace("\n\n", "\n")
    file.write_text(f"---\n{head.rstrip()}\n---\n{body}")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(sorted(FRONT)),
    data=st.data(),
    declared=st.sampled_from([None, None]) | st.integers(-24 * 60, 24 * 60),
)
def test_every_edit_is_refused_or_declared(
    base: Path, path: str, data: st.DataObject, declared: int | None
) -> None:
    subprocess.run(["git", "-C", str(base), "checkout", "-q", "--", "."], check=True)
    subprocess.run(["git", "-C", str(base), "clean", "-qfd"], check=True)
    edit, line, body, blob = data.draw(edits(path))
    apply(base, path, line, body, blob)
    if declared is not None:
        declare(base, path, declared)
    found = rules(base)

    since = (datetime.fromisoformat(AS_OF) - datetime.fromisoformat(COMMITTED)).seconds // 60
    honest = declared is not None and -since - 5 <= declared <= 5
    expected: set[tuple[str, str]] = set()
    if edit.moves_date:
        expected.add((path, "published-date-changed"))
    if edit.needs_update and declared is None:
        expected.add((path, "published-edit-without-update"))
    if declared is not None and not honest:
        expected.add((path, "entry-backdated" if declared < 0 else "entry-future"))
    if found and all(rule.startswith(("update-before", "date-")) for _, rule in found):
        # The date moved before an update's own date: the file itself is refused.
        assert edit.moves_date
        return
    assert found == expected


def record_of(content: Path, out: Path) -> dict[str, dict[str, object]]:
    """The disclosure record of a real build of ``content`` as of AS_OF, by release address."""
    Site(content).build(out)
    data = json.loads((out / "disclosures.json").read_text("utf-8"))
    return {d["url"]: d for d in data["disclosures"]}


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.sampled_from(sorted(FRONT)), data=st.data(), withdrawn=st.booleans())
def test_no_build_drops_or_rewrites_an_entry_of_the_record(
    base: Path,
    tmp_path_factory: pytest.TempPathFactory,
    path: str,
    data: st.DataObject,
    withdrawn: bool,
) -> None:
    """What check --against lets through keeps every entry of the published record: same
    address and instant, its updates kept in order, a new fingerprint only with a new update."""
    subprocess.run(["git", "-C", str(base), "checkout", "-q", "--", "."], check=True)
    subprocess.run(["git", "-C", str(base), "clean", "-qfd"], check=True)
    _, line, body, blob = data.draw(edits(path))
    apply(base, path, line, body, blob)
    declare(base, path, 0)
    if withdrawn:
        file = base / path
        file.write_text(
            file.read_text().replace(
                "\n---\n",
                "\nstatus: withdrawn\nwithdrawal:\n  date: 2026-11-23 11:59 UTC\n"
                "  reason: Court order.\n---\n",
                1,
            )
        )
    if check_against(base).errors:
        return  # refused: never built, never deployed
    work = tmp_path_factory.mktemp("records")
    archive = subprocess.run(
        ["git", "-C", str(base), "archive", "main", "content"], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(work)], input=archive.stdout, check=True)
    before = record_of(work / "content", work / "before")
    after = record_of(base / "content", work / "after")
    for url, old in before.items():
        new = after[url]
        assert new["published"] == old["published"]
        assert new["updates"][: len(old["updates"])] == old["updates"]
        if new["sha256"] != old["sha256"] or new["title"] != old["title"]:
            assert len(new["updates"]) > len(old["updates"])
        assert old["withdrawn"] is None or new["withdrawn"] == old["withdrawn"]
