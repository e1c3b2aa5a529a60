"""What the disclosure record hashes: a release's published content, defined once, stable."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from newsroom.dates import parse_as_of
from newsroom.disclosures import Instant
from newsroom.fingerprint import canonical_content, content_hash
from newsroom.models import Release
from newsroom.sanitize import plain_text
from support import ROOT, Site


def release(site: Site, source: str, **settings: object) -> Release:
    return next(r for r in site.load(**settings).releases if r.source == source)


def test_canonical_content_is_this_exact_compact_sorted_json(site: Site) -> None:
    # The contract consumers recompute: changing it changes every published hash.
    raw = canonical_content(release(site, "releases/2026/first-product.md"))
    assert raw == (
        b'{"attachments":[],"body_html":"<p>Example today launched its <strong>first</strong>'
        b' product.</p>","date":"2026-03-02T08:00:00Z","dateline":"HAMBURG","image":null,'
        b'"lang":"en","subtitle":null,"summary":"The first product is here.",'
        b'"tags":["launch","widgets"],"title":"Example launches its first product",'
        b'"topic":"products","updates":[]}'
    )
    assert content_hash(release(site, "releases/2026/first-product.md")) == (
        hashlib.sha256(raw).hexdigest()
    )


def test_files_are_hashed_by_their_bytes(site: Site) -> None:
    data = json.loads(canonical_content(release(site, "releases/2026/with-files.md")))
    folder = site.path / "releases/2026/with-files"

    def sha(name: str) -> str:
        return hashlib.sha256((folder / name).read_bytes()).hexdigest()

    assert data["image"] == {
        "file": "plant.png",
        "sha256": sha("plant.png"),
        "alt": "The new plant",
        "caption": None,
        "credit": None,
    }
    assert data["attachments"] == [
        {"file": "factsheet.pdf", "sha256": sha("factsheet.pdf"), "title": "Plant fact sheet"}
    ]
    before = content_hash(release(site, "releases/2026/with-files.md"))
    with (folder / "factsheet.pdf").open("ab") as pdf:
        pdf.write(b"\n% one more byte\n")
    assert content_hash(release(site, "releases/2026/with-files.md")) != before


def test_the_hash_changes_when_the_body_changes(site: Site) -> None:
    source = "releases/2026/first-product.md"
    before = content_hash(release(site, source))
    path = site.path / source
    path.write_text(path.read_text("utf-8").replace("**first**", "**second**"), "utf-8")
    assert content_hash(release(site, source)) != before


def test_the_hash_ignores_the_wall_clock_and_file_times(site: Site) -> None:
    source = "releases/2026/with-files.md"
    before = content_hash(release(site, source))  # loaded with as_of = now
    for path in site.path.rglob("*"):
        os.utime(path, (978307200, 978307200))  # 2001-01-01
    later = datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert content_hash(release(site, source, as_of=later)) == before


def test_the_hash_is_the_same_in_another_process(site: Site) -> None:
    # Another interpreter with another hash seed: no set or dict order can leak in.
    source = "releases/2025/q4-results.md"
    code = (
        "import sys; from pathlib import Path; from support import Site; "
        "from newsroom.fingerprint import content_hash; "
        f"r = [r for r in Site(Path({str(site.path)!r})).load().releases "
        f"if r.source == {source!r}][0]; print(content_hash(r))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT / "tests")}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == content_hash(release(site, source))


def test_only_updates_public_at_the_instant_are_hashed(site: Site) -> None:
    q4 = release(site, "releases/2025/q4-results.md")
    before = parse_as_of("2025-12-16T08:59:59Z")  # the update is dated 10:00 Berlin
    at = parse_as_of("2025-12-16T09:00:00Z")
    assert json.loads(canonical_content(q4, before))["updates"] == []
    assert json.loads(canonical_content(q4, at))["updates"] == [
        {"date": "2025-12-16T09:00:00Z", "note_html": "<p>Corrected the revenue figure.</p>"}
    ]
    assert content_hash(q4, before) != content_hash(q4, at) == content_hash(q4)


def test_instants_for_people_and_machines() -> None:
    berlin = Instant.of(datetime(2026, 12, 3, 7, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    assert berlin == Instant(
        utc="2026-12-03T06:00:00Z",
        local="2026-12-03T07:00:00+01:00",
        zone="Europe/Berlin",
        utc_text="2026-12-03 06:00:00 UTC",
        local_text="2026-12-03 07:00:00 CET (Europe/Berlin)",
    )
    # An author who wrote an offset, not a zone name, sees the offset named as the zone.
    offset = Instant.of(datetime(2025, 12, 15, 7, 30, tzinfo=timezone(timedelta(hours=1))))
    assert (offset.utc, offset.local, offset.zone, offset.local_text) == (
        "2025-12-15T06:30:00Z",
        "2025-12-15T07:30:00+01:00",
        "UTC+01:00",
        "2025-12-15 07:30:00 UTC+01:00",
    )


def test_update_notes_become_one_line_of_text() -> None:
    html = "<p>Corrected the <strong>revenue</strong>\nfigure.</p><p>R&amp;D &gt; 5%.</p>"
    assert plain_text(html) == "Corrected the revenue figure. R&D > 5%."
