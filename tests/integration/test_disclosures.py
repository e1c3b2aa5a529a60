"""The disclosure record in a real build: exactly the public releases, in order, on time."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from newsroom.dates import parse_as_of
from newsroom.fingerprint import HASH_OF, content_hash
from support import AS_OF, Site

EMBARGOED = ("Secret embargoed widget", "embargoed-launch")


def record(out: Path) -> dict[str, Any]:
    text = (out / "disclosures.json").read_text("utf-8")
    data = json.loads(text)
    # Sorted keys and a trailing newline, each disclosure on a line of its own: diffs between
    # two builds stay readable, a line per release.
    lines = text.splitlines()
    assert text.endswith("}\n") and lines[0] == "{"
    for entry in data["disclosures"]:
        compact = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert compact in lines or compact + "," in lines
    assert not [line for line in lines if line[:1].isspace()]  # no indentation
    return data


def page(out: Path) -> str:
    return (out / "disclosures/index.html").read_text("utf-8")


def listed(html: str) -> list[str]:
    """The release links of the record's list, in page order."""
    items = html.split('<ol class="disclosures"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<h2[^>]*><a href="([^"]+)">', items)


def test_the_record_lists_the_public_releases_oldest_first(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out)  # 2026-11-23T12:00:00Z: the embargoed launch is still three days away
    data = record(out)
    # As of the last change before the build instant: with-files left the news sitemap.
    assert data["generated_for"] == "2026-06-03T14:00:00Z"
    assert data["publisher"] == "Example Industries AG"
    assert data["hash_of"] == HASH_OF
    assert [(d["url"], d["published"]) for d in data["disclosures"]] == [
        (
            "/news/2025/q4-results/",
            {
                "utc": "2025-12-15T06:30:00Z",
                "local": "2025-12-15T07:30:00+01:00",
                "zone": "UTC+01:00",
            },
        ),
        (
            "/news/2026/first-product/",
            {
                "utc": "2026-03-02T08:00:00Z",
                "local": "2026-03-02T09:00:00+01:00",
                "zone": "Europe/Berlin",
            },
        ),
        (
            "/news/2026/with-files/",
            {
                "utc": "2026-06-01T14:00:00Z",
                "local": "2026-06-01T10:00:00-04:00",
                "zone": "America/New_York",
            },
        ),
    ]
    q4 = data["disclosures"][0]
    assert q4["title"] == "Example reports Q4 2025 results"
    assert q4["topic"] == {"key": "financial-results", "name": "Financial results"}
    assert q4["updates"] == [
        {
            "utc": "2025-12-16T09:00:00Z",
            "local": "2025-12-16T10:00:00+01:00",
            "zone": "Europe/Berlin",
            "note": "Corrected the revenue figure.",
        }
    ]
    releases = {f"/{r.url}": r for r in site.load().releases}
    for item in data["disclosures"]:
        assert item["sha256"] == content_hash(releases[item["url"]], parse_as_of(AS_OF))


def test_the_embargoed_release_joins_the_record_at_its_instant(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out, as_of="2026-12-03T05:59:59Z")  # one second before 07:00 Berlin
    for text in ((out / "disclosures.json").read_text("utf-8"), page(out)):
        for secret in EMBARGOED:
            assert secret not in text
    assert len(record(out)["disclosures"]) == 3

    site.build(out, as_of="2026-12-03T06:00:00Z")
    latest = record(out)["disclosures"][-1]
    assert (latest["title"], latest["url"], latest["published"]) == (
        "Secret embargoed widget",
        "/news/2026/embargoed-launch/",
        {
            "utc": "2026-12-03T06:00:00Z",
            "local": "2026-12-03T07:00:00+01:00",
            "zone": "Europe/Berlin",
        },
    )
    assert listed(page(out))[0] == "/news/2026/embargoed-launch/"


def test_the_page_lists_the_same_releases_newest_first(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out, as_of="2026-12-03T06:00:00Z")
    data, html = record(out), page(out)
    assert listed(html) == [d["url"] for d in reversed(data["disclosures"])]
    assert "newest first" in html
    for item in data["disclosures"]:
        assert f'<time datetime="{item["published"]["utc"]}">' in html
        assert f"<code>{item['sha256']}</code>" in html
    assert "2025-12-15 07:30:00 UTC+01:00" in html
    assert "2026-06-01 10:00:00 EDT (America/New_York)" in html
    assert "Corrected the revenue figure." in html
    assert '<a href="/disclosures/">Disclosure record</a>' in (out / "index.html").read_text()


def test_addresses_are_absolute_with_a_site_url(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out, SITEURL="https://news.example.com")
    urls = [d["url"] for d in record(out)["disclosures"]]
    assert urls[0] == "https://news.example.com/news/2025/q4-results/"
    assert all(u.startswith("https://news.example.com/news/") for u in urls)
    assert 'href="https://news.example.com/disclosures.json"' in page(out)


def test_a_later_update_is_not_recorded_before_its_instant(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out, as_of="2025-12-16T08:59:00Z")  # the update is dated 10:00 Berlin
    before = record(out)["disclosures"][0]
    site.build(out, as_of="2025-12-16T09:00:00Z")
    after = record(out)["disclosures"][0]
    assert before["updates"] == [] and len(after["updates"]) == 1
    assert before["sha256"] != after["sha256"]


def test_a_preview_build_records_only_what_is_public(site: Site, tmp_path: Path) -> None:
    # invoke preview shows embargoed releases on their pages; the record is never a preview.
    out = tmp_path / "out"
    site.build(out, NEWSROOM_PREVIEW=True)
    assert [d["url"] for d in record(out)["disclosures"]][-1] == "/news/2026/with-files/"
    assert "embargoed-launch" not in page(out)


def test_the_data_change_log_is_on_the_record_once_it_is_due(site: Site, tmp_path: Path) -> None:
    site.write(
        "data/changes.yml",
        "changes:\n"
        "  - date: 2026-11-20 10:00 Europe/Berlin\n"
        "    note: The investor relations address is now **investors@example.com**.\n"
        "  - date: 2026-11-24 10:00 Europe/Berlin\n"
        "    note: Not yet.\n",
    )
    out = tmp_path / "out"
    site.build(out)
    assert record(out)["data_changes"] == [
        {
            "utc": "2026-11-20T09:00:00Z",
            "local": "2026-11-20T10:00:00+01:00",
            "zone": "Europe/Berlin",
            "note": "The investor relations address is now investors@example.com.",
        }
    ]
    html = page(out)
    assert "Changes to text shown on published releases" in html
    assert "The investor relations address is now investors@example.com." in html
    assert "Not yet." not in html


def test_without_a_data_change_log_the_record_says_nothing_of_it(
    site: Site, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    site.build(out)
    assert record(out)["data_changes"] == []
    assert "Changes to text shown on published releases" not in page(out)
