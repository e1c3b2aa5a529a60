"""A file's recorded status stands for its bytes only once it had settled (pagerecord.py).

A rebuild takes a file left in place without reading it when its status (device, inode,
size, modification and change times) is the one recorded with its digest, and the search
index keys a part by its pages' recorded digests on the same terms (search.Bundles.key).
These drive ``Plan.take`` on files left by ``outfolder.empty``, and ``Bundles.key`` with a
build's record of its pages, on real files.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from newsroom import outfolder
from newsroom.cache import SETTLED_NS
from newsroom.pagerecord import Plan
from newsroom.search import Bundles, Part, _binary
from support import SAME_SIZE_AND_TIME
from support import file_status as status

SINCE = datetime(2030, 1, 1, tzinfo=UTC)
PAGE = "news/2025/one/index.html"
TEXT = "<html><body><main>A release page.</main></body></html>\n"


def settle() -> None:
    """Long enough for a file written before it to count as settled (cache.SETTLED_NS)."""
    time.sleep(SETTLED_NS / 1e9 + 0.2)


def recorded(out: Path, pages: dict[str, str], tmp_path: Path) -> Path:
    """The record a build that wrote ``pages`` (path: text) into ``out`` keeps."""
    plan = Plan("skeleton")
    plan.start(SINCE, str(out), lambda source: None)
    for name, text in pages.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, "utf-8")
        plan.add(plan.written(str(out / name), text, set()), rendered=True)
    path = tmp_path / "pages.json"
    path.write_text(json.dumps(plan.record()))
    return path


def rebuild(out: Path, record: Path) -> tuple[Plan, dict[str, Any]]:
    """A rebuild's plan after ``record``, the files on record left in ``out`` for it and
    taken where they may be; and its record."""
    plan = Plan.load(record, "skeleton")
    emptying = outfolder.empty(out, leave=plan.leaving())
    assert emptying is not None
    plan.leaves(emptying.output, emptying.left)
    plan.start(SINCE, str(out), lambda source: None)
    plan.take([str(out / name) for name in plan.leaving()])
    emptying.done()
    return plan, plan.record() or {}


def forge(record: Path, name: str, **changes: Any) -> None:
    """Change what ``record`` says of the file at ``name``: its digest or status."""
    data = json.loads(record.read_bytes())
    entry = data["pages"][name]
    if "digest" in changes:
        entry[0] = changes["digest"]
    if "status" in changes:
        entry[2] = changes["status"]
    record.write_text(json.dumps(data))


def test_a_file_written_just_before_it_was_hashed_gets_no_status(tmp_path: Path) -> None:
    """A write within the same tick of the file system's clock may leave a status as it
    was: one taken within ``SETTLED_NS`` of the file's last change vouches for nothing."""
    out = tmp_path / "out"
    record = recorded(out, {PAGE: TEXT}, tmp_path)
    plan, kept = rebuild(out, record)
    assert plan.pages[PAGE][0] == hashlib.sha256(TEXT.encode()).hexdigest()  # taken
    assert kept["pages"][PAGE][2] is None  # hashed, but no status vouches for it yet


def test_a_settled_file_is_recorded_with_its_status_and_then_taken_unread(tmp_path: Path) -> None:
    out = tmp_path / "out"
    record = recorded(out, {PAGE: TEXT}, tmp_path)
    settle()
    _, kept = rebuild(out, record)
    assert kept["pages"][PAGE][2] == status(out / PAGE)
    record.write_text(json.dumps(kept))
    # A record whose digest is not the file's, with the file's status: a file that status
    # vouches for is not read again, so the recorded digest is what is taken.
    forge(record, PAGE, digest="0" * 64)
    plan, _ = rebuild(out, record)
    assert plan.pages[PAGE][0] == "0" * 64
    # With no status, the same record has the file read: its bytes differ, it is not taken.
    forge(record, PAGE, status=None)
    plan, _ = rebuild(out, record)
    assert PAGE not in plan.pages
    assert not (out / PAGE).exists()  # removed before its page is written again


@pytest.mark.parametrize("change", SAME_SIZE_AND_TIME, ids=list(SAME_SIZE_AND_TIME))
def test_a_file_changed_since_its_status_was_recorded_is_not_taken(
    tmp_path: Path, change: str
) -> None:
    out = tmp_path / "out"
    record = recorded(out, {PAGE: TEXT}, tmp_path)
    settle()
    _, kept = rebuild(out, record)
    assert kept["pages"][PAGE][2] is not None
    record.write_text(json.dumps(kept))
    before = status(out / PAGE)
    SAME_SIZE_AND_TIME[change](out / PAGE)
    assert status(out / PAGE)[2:4] == before[2:4]  # the same size and modification time
    plan, _ = rebuild(out, record)
    assert PAGE not in plan.pages


#: A part of three release pages, keyed with and without the build's record of its pages.
PAGES = {f"news/2025/r{n}/index.html": TEXT.replace("A release", f"Release {n}") for n in range(3)}


def key(out: Path, pages: dict[str, list[Any]] | None) -> str:
    part = Part("en", 0, tuple(PAGES))
    return Bundles(out / "kept").key(out, part, True, _binary(part), pages)


def entries(out: Path, tmp_path: Path) -> dict[str, list[Any]]:
    """The build's record of the part's pages, as its writer left it (no status)."""
    return json.loads(recorded(out, PAGES, tmp_path).read_bytes())["pages"]


def test_a_part_is_keyed_by_its_pages_bytes_with_or_without_a_record(tmp_path: Path) -> None:
    out = tmp_path / "out"
    pages = entries(out, tmp_path)
    assert key(out, pages) == key(out, None)
    assert all(entry[2] is None for entry in pages.values())  # written just now
    settle()
    first = key(out, pages)
    assert {name: entry[2] for name, entry in pages.items()} == {
        name: status(out / name) for name in PAGES
    }
    assert key(out, pages) == first == key(out, None)


@pytest.mark.parametrize("change", SAME_SIZE_AND_TIME, ids=list(SAME_SIZE_AND_TIME))
def test_a_page_changed_since_its_status_was_recorded_changes_its_parts_key(
    tmp_path: Path, change: str
) -> None:
    out = tmp_path / "out"
    pages = entries(out, tmp_path)
    settle()
    first = key(out, pages)
    name = next(iter(PAGES))
    SAME_SIZE_AND_TIME[change](out / name)
    changed = key(out, pages)
    assert changed != first
    assert changed == key(out, None)
    assert pages[name][2] is None  # its bytes are not the record's: no status vouches


def test_a_page_whose_bytes_are_not_the_writers_gets_no_status(tmp_path: Path) -> None:
    """The writer's digest is of what it meant to write: a file that holds other bytes by
    the time the key reads it is keyed by those, and no status vouches for the digest."""
    out = tmp_path / "out"
    pages = entries(out, tmp_path)
    name = next(iter(PAGES))
    (out / name).write_text("<p>slipped in</p>", "utf-8")
    settle()
    assert key(out, pages) == key(out, None)
    assert pages[name][2] is None
    assert all(pages[other][2] is not None for other in PAGES if other != name)
