"""The record tells when each release really went live: the switcher's go-live log, read by
the next build, gives the served instant and the delay beside the scheduled one."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from newsroom import commands
from newsroom.dates import parse_as_of
from support import ROOT, Site

SWITCHER = ROOT / "deploy" / "switcher.py"
FIRST = "/news/2026/first-product/"


def host_with_a_due_switch(root: Path, instant: float) -> None:
    """A host whose schedule makes first-product public at ``instant`` (already passed)."""
    (root / "bin").mkdir(parents=True)
    shutil.copyfile(SWITCHER, root / "bin" / "masthead-switcher")
    entries = []
    for number, when in enumerate((instant - 60, instant)):
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(when))
        folder = f"{stamp}-{number:012x}"
        (root / "snapshots" / folder).mkdir(parents=True)
        change = {
            "kind": "release",
            "title": "Example launches its first product",
            "path": FIRST,
            "instant": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when)),
        }
        entries.append(
            {
                "id": stamp,
                "instant": change["instant"],
                "dir": folder,
                "changes": [change] if number else [],
            }
        )
    schedule = {"generated_at": "", "snapshots": entries, "notify": {}}
    (root / "schedule.json").write_text(json.dumps(schedule))
    (root / "current").symlink_to(f"snapshots/{entries[0]['dir']}")


def test_the_switchers_log_puts_the_served_instant_on_the_record(
    site: Site, tmp_path: Path
) -> None:
    host = tmp_path / "srv"
    instant = math.floor(time.time()) - 5
    host_with_a_due_switch(host, instant)
    subprocess.run(
        [sys.executable, str(host / "bin" / "masthead-switcher"), "--once", str(host)],
        check=True,
        capture_output=True,
    )
    [line] = (host / "golive.jsonl").read_text().splitlines()
    logged = json.loads(line)
    assert logged["path"] == FIRST
    served = datetime.fromisoformat(logged["served"].replace("Z", "+00:00"))
    assert instant <= served.timestamp() < instant + 60

    out = tmp_path / "out"
    as_of = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(instant + 120))
    site.build(out, as_of=as_of, NEWSROOM_GOLIVE_LOG=str(host / "golive.jsonl"))
    record = json.loads((out / "disclosures.json").read_text())
    entries = {d["url"]: d for d in record["disclosures"]}
    first = entries[FIRST]
    assert first["served"]["utc"] == served.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert first["served"]["zone"] == "Europe/Berlin"
    scheduled = parse_as_of(first["published"]["utc"])
    assert first["delay_seconds"] == round((served - scheduled).total_seconds(), 3)
    # A release the log does not name has no served instant: the record does not guess.
    assert entries["/news/2025/q4-results/"]["served"] is None
    assert entries["/news/2025/q4-results/"]["delay_seconds"] is None
    page = (out / "disclosures/index.html").read_text()
    assert f"{first['delay_seconds']:.3f} s after the scheduled time" in page


def test_a_served_instant_after_the_build_instant_is_not_shown(site: Site, tmp_path: Path) -> None:
    log = tmp_path / "golive.jsonl"
    log.write_text(
        json.dumps({"path": FIRST, "instant": "x", "served": "2026-11-23T12:00:01.000Z"}) + "\n"
    )
    out = tmp_path / "out"
    site.build(out, NEWSROOM_GOLIVE_LOG=str(log))  # as of 2026-11-23T12:00:00Z
    record = json.loads((out / "disclosures.json").read_text())
    assert all(d["served"] is None for d in record["disclosures"])


Q4 = "/news/2025/q4-results/"
GOOD = json.dumps({"path": Q4, "instant": "", "served": "2025-12-15T06:30:02.500Z"}).encode()
ENTRY = "not a go-live entry (one JSON object with path and served)."
PATH = 'path: not the address of a release, like "/news/2026/example/".'
SERVED = 'served: not an instant with its offset, like "2026-12-03T06:00:00.250Z".'


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b"{not json", ENTRY),
        (b'["/news/2026/first-product/", "2026-03-02T08:00:00Z"]', ENTRY),
        (b"\xff\xfe{}", ENTRY),
        (b'{"path": "/news/2026/first-product/"}', SERVED),
        (b'{"path": "/news/2026/first-product/", "served": "2026-03-02T08:00:00"}', SERVED),
        (b'{"path": "/news/2026/first-product/", "served": 1772438400}', SERVED),
        (b'{"path": "/news/2026/first-product/", "served": "soon"}', SERVED),
        (b'{"path": "<script>alert(1)</script>", "served": "2026-03-02T08:00:00Z"}', PATH),
        (b'{"path": "/../../etc/", "served": "2026-03-02T08:00:00Z"}', PATH),
        (b'{"path": ["/news/"], "served": "2026-03-02T08:00:00Z"}', PATH),
        (
            b'{"path": "/news/", "served": "2026-03-02T08:00:00Z", "x": "' + b"a" * 5000 + b'"}',
            "longer than 4096 bytes, so not a go-live entry.",
        ),
    ],
)
def test_a_line_that_is_not_an_entry_is_left_out_and_named_and_the_build_goes_on(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str], line: bytes, expected: str
) -> None:
    """The log on the Pages branch can be pushed to by anyone with write access: a bad line
    must not hold back a disclosure, nor put anything on a page, nor hide the good lines."""
    log = tmp_path / "golive.jsonl"
    log.write_bytes(b"\n" + line + b"\n" + GOOD + b"\n")
    out = tmp_path / "out"
    site.build(out, NEWSROOM_GOLIVE_LOG=str(log))
    said = capsys.readouterr().out
    assert f"Warning: {log}:2: {expected} This line is left out of the record.\n" in said
    assert "alert" not in said and "aaaa" not in said  # the line itself is never repeated
    entries = {
        d["url"]: d for d in json.loads((out / "disclosures.json").read_text())["disclosures"]
    }
    assert entries[Q4]["served"]["utc"] == "2025-12-15T06:30:02Z"
    assert entries[Q4]["delay_seconds"] == 2.5
    assert entries[FIRST]["served"] is None
    assert "alert" not in (out / "disclosures/index.html").read_text()


def test_earliest_serve_wins_and_one_before_the_instant_is_never_shown(
    site: Site, tmp_path: Path
) -> None:
    log = tmp_path / "golive.jsonl"
    lines = [
        {"path": Q4, "instant": "", "served": "2025-12-15T06:40:00.000Z"},
        {"path": Q4, "instant": "", "served": "2025-12-15T06:30:01.000Z"},
        {"path": Q4, "instant": "", "served": "2025-12-15T06:50:00.000Z"},
        # Before its own instant: neither the switcher nor the Pages job writes that.
        {"path": FIRST, "instant": "", "served": "2026-03-02T07:59:59.000Z"},
    ]
    log.write_text("".join(json.dumps(line) + "\n" for line in lines))
    out = tmp_path / "out"
    site.build(out, NEWSROOM_GOLIVE_LOG=str(log))
    entries = {
        d["url"]: d for d in json.loads((out / "disclosures.json").read_text())["disclosures"]
    }
    assert entries[Q4]["served"]["utc"] == "2025-12-15T06:30:01Z"
    assert entries[Q4]["delay_seconds"] == 1.0
    assert entries[FIRST]["served"] is None and entries[FIRST]["delay_seconds"] is None


def test_a_log_that_cannot_be_opened_stops_the_build(site: Site, tmp_path: Path) -> None:
    """A log named by hand that is missing, or is a symbolic link, is a mistake to fix."""
    missing = tmp_path / "golive.jsonl"
    with pytest.raises(commands.BuildFailed) as err:
        site.build(tmp_path / "out", NEWSROOM_GOLIVE_LOG=str(missing))
    assert str(err.value) == (
        f"The go-live log cannot be read: {missing}: No such file or directory"
    )
    real = tmp_path / "real.jsonl"
    real.write_text(GOOD.decode() + "\n")
    missing.symlink_to(real)
    with pytest.raises(commands.BuildFailed) as err:
        site.build(tmp_path / "out", NEWSROOM_GOLIVE_LOG=str(missing))
    assert str(err.value) == f"The go-live log cannot be read: {missing}: not a regular file"
