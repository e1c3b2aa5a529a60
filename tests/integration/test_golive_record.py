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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json\n", ":1: not a go-live entry"),
        ('\n{"path": "/x/"}\n', ":2: not a go-live entry ('served')"),
        ('{"path": "/x/", "served": "2026-11-23T12:00:00"}\n', ":1: the served instant has no"),
    ],
)
def test_an_unreadable_go_live_log_stops_the_build(
    site: Site, tmp_path: Path, text: str, expected: str
) -> None:
    log = tmp_path / "golive.jsonl"
    log.write_text(text)
    with pytest.raises(commands.BuildFailed) as err:
        site.build(tmp_path / "out", NEWSROOM_GOLIVE_LOG=str(log))
    assert str(err.value).startswith(f"The go-live log cannot be read: {log}{expected}")
