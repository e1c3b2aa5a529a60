"""Check the SHA-256 fingerprints of a newsroom's disclosure record yourself.

Every release in the record at /disclosures/ carries a SHA-256 fingerprint of what was
published: its text, its updates and the bytes of its picture and downloads. This script
needs only Python 3 (no packages). It reads the newsroom's JSON API, downloads each
release's files, computes the fingerprint as the record's "hash_of" describes it, and
compares it with the record:

    python3 check-fingerprint.py https://newsroom.example.com/

It prints one line per release and exits with 1 if any fingerprint differs.
"""

from __future__ import annotations

import hashlib
import json
import sys
import urllib.request
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.read()


def utc(text: str) -> str:
    return datetime.fromisoformat(text).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def file_entry(site: str, url: str) -> tuple[str, str]:
    """The file's name and the SHA-256 of the bytes the site serves."""
    return url.rstrip("/").rsplit("/", 1)[-1], hashlib.sha256(fetch(urljoin(site, url))).hexdigest()


def fingerprint(site: str, record: dict[str, Any]) -> str:
    """The fingerprint of one API record, computed as ``hash_of`` in disclosures.json says."""
    image = record["image"]
    if image is not None:
        name, digest = file_entry(site, image["url"])
        image = {
            "file": name,
            "sha256": digest,
            "alt": image["alt"],
            "caption": image["caption"],
            "credit": image["credit"],
        }
    attachments = []
    for attachment in record["attachments"]:
        name, digest = file_entry(site, attachment["url"])
        attachments.append({"file": name, "sha256": digest, "title": attachment["title"]})
    fields = {
        "title": record["title"],
        "subtitle": record["subtitle"],
        "date": utc(record["date"]),
        "dateline": record["dateline"],
        "summary": record["summary"],
        "body_html": record["body_html"],
        "topic": record["topic"]["key"],
        "tags": record["tags"],
        "lang": record["lang"],
        "updates": [
            {"date": utc(u["date"]), "note_html": u["note_html"]} for u in record["updates"]
        ],
        "image": image,
        "attachments": attachments,
    }
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def main(site: str) -> int:
    site = site.rstrip("/") + "/"
    recorded = {
        entry["url"]: entry["sha256"]
        for entry in json.loads(fetch(urljoin(site, "disclosures.json")))["disclosures"]
    }
    failed = 0
    page: str | None = urljoin(site, "api/releases.json")
    while page:
        listing = json.loads(fetch(page))
        for item in listing["items"]:
            record = json.loads(fetch(urljoin(site, item["api_url"])))
            computed = fingerprint(site, record)
            path = urljoin(site, record["url"])[len(site) - 1 :]
            expected = recorded.get(path) or recorded.get(record["url"])
            if expected is None:
                print(f"NOT IN THE RECORD  {record['url']}")
                failed += 1
            elif computed != expected:
                print(f"DIFFERS  {record['url']}: computed {computed}, recorded {expected}")
                failed += 1
            else:
                print(f"ok  {computed}  {record['url']}")
        page = urljoin(site, listing["next"]) if listing.get("next") else None
    print(
        f"{failed} release(s) differ from the record." if failed else "Every fingerprint matches."
    )
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
