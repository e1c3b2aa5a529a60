"""What "the published content" of a release is, and its SHA-256 fingerprint.

``canonical_content`` and ``content_hash`` define it once, so that the disclosure record,
the API, the live-site monitor and the history check compare the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from .dates import utc_iso
from .models import Release

#: Written into the JSON record, so anyone can recompute a hash without reading this code.
HASH_OF = (
    "masthead-content-v1: the SHA-256 (hex) of the UTF-8 bytes of one JSON object in "
    "canonical form (RFC 8785: keys sorted, no whitespace; for these strings, lists and "
    "nulls that is Python's json.dumps(obj, sort_keys=True, separators=(',', ':'), "
    "ensure_ascii=False)). Its keys: title, subtitle, dateline, summary and lang (text as "
    "published, null when absent); date (the go-live instant in UTC, like "
    "2026-12-03T06:00:00Z); body_html (the published HTML of the body); topic (the topic "
    "key); tags (in the author's order); updates (those public at generated_for, oldest "
    "first, each {date, note_html}); image (null, or {file, sha256, alt, caption, credit}); "
    "attachments (each {file, sha256, title}). In image and attachments, sha256 is the "
    "SHA-256 (hex) of the file's bytes."
)


def canonical_content(release: Release, as_of: datetime | None = None) -> bytes:
    """The published fields of a release as canonical JSON bytes: what ``content_hash`` hashes.

    Only what the release file and its own files say is included; shared data (boilerplate,
    contacts, safe harbor) is left out, so editing the company's boilerplate changes no hash.
    Updates count as given: pass ``as_of`` to keep only those public then (releases from
    ``state.public`` are already cut to the build instant).
    """
    if as_of is not None:
        release = release.at(as_of)
    image = release.image
    fields: dict[str, Any] = {
        "title": release.title,
        "subtitle": release.subtitle,
        "date": utc_iso(release.date),
        "dateline": release.dateline,
        "summary": release.summary,
        "body_html": release.body_html,
        "topic": release.topic.key,
        "tags": list(release.tags),
        "lang": release.lang,
        "updates": [
            {"date": utc_iso(u.date), "note_html": u.note_html}
            for u in sorted(release.updates, key=lambda u: u.date)
        ],
        "image": None
        if image is None
        else {
            "file": image.file,
            "sha256": _file_hash(release, image.file),
            "alt": image.alt,
            "caption": image.caption,
            "credit": image.credit,
        },
        "attachments": [
            {"file": a.file, "sha256": _file_hash(release, a.file), "title": a.title}
            for a in release.attachments
        ],
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(release: Release, as_of: datetime | None = None) -> str:
    """SHA-256 (hex) of ``canonical_content``: the fingerprint shown in the record."""
    return hashlib.sha256(canonical_content(release, as_of)).hexdigest()


def _file_hash(release: Release, name: str) -> str:
    with release.file_path(name).open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()
