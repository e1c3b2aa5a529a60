"""What "the published content" of a release is, and its SHA-256 fingerprint.

``canonical_content`` and ``content_hash`` define it once, so that the disclosure record,
the API, the live-site monitor and the history check compare the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from .atomic import write_file
from .cache import Store, digest
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
    return _canonical(release, file_hashes(release))


def file_hashes(release: Release) -> tuple[tuple[str, str], ...]:
    """The name and SHA-256 (hex) of each file the release shows: its picture, then its
    attachments in order."""
    names = ([] if release.image is None else [release.image.file]) + [
        a.file for a in release.attachments
    ]
    return tuple((name, _file_hash(release, name)) for name in names)


def _canonical(release: Release, files: tuple[tuple[str, str], ...]) -> bytes:
    """``canonical_content`` of a release already cut to its instant, with its ``files``."""
    image = release.image
    hashes = iter(sha for _, sha in files)
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
            "sha256": next(hashes),
            "alt": image.alt,
            "caption": image.caption,
            "credit": image.credit,
        },
        "attachments": [
            {"file": a.file, "sha256": next(hashes), "title": a.title} for a in release.attachments
        ],
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(release: Release, as_of: datetime | None = None) -> str:
    """SHA-256 (hex) of ``canonical_content``: the fingerprint shown in the record."""
    return hashlib.sha256(canonical_content(release, as_of)).hexdigest()


def _file_hash(release: Release, name: str) -> str:
    with release.file_path(name).open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


#: The layout of the file ``Kept`` reads and writes; change it when that changes.
KEPT_FORMAT = 1
_HEX = re.compile(r"[0-9a-f]{64}")


class Kept:
    """Fingerprints worked out by earlier builds, kept beside the cache of checked releases
    (cache.py), so that a rebuild does not hash again ten thousand bodies it did not change.

    A release's fingerprint is taken from here only for the very release object the check
    made from a cache entry or a fresh check (``note``), under the key of that entry's
    bytes and surroundings (which fix every field of the release, as they fix the entry),
    and only when nothing of it is cut at the build instant. The key also holds the name
    and hash of every file it shows, read on every build: the surroundings know an
    attachment by its size alone. Any other release (one made anew by ``Release.at``, a
    draft made for a rehearsal, one read again by the development server) is hashed whole.

    The file is the owner's alone, like the cache's entries, and carries the code's version
    and the SHA-256 of its fingerprints: one cut short, damaged or written by other code is
    not read, and costs hashing again, never a wrong fingerprint. It is read when the first
    fingerprint is asked for: a check asks for none.
    """

    def __init__(self, path: str | None = None, version: str = "") -> None:
        self.path, self.version = path, version
        #: What the file held (None: not read yet); what this run asked for (written back
        #: when they differ).
        self._known: dict[str, str] | None = None
        self._asked: dict[str, str] = {}
        #: Release source -> (the release the check made, the key of the entry it was made
        #: from, the surroundings the entry was checked in).
        self._origins: dict[str, tuple[Release, str, str]] = {}

    @classmethod
    def beside(cls, store: Store, content: Path) -> Kept:
        """The fingerprints kept in ``store`` for ``content`` (none when the store keeps
        nothing, or is not the one beside that folder: see ``Snapshot``)."""
        if store.folder is None or store.content != content:
            return cls(None, store.version)
        name = digest("fingerprints", str(content))[:32]
        return cls(os.path.join(store.folder, "fingerprints", name), store.version)

    def _read(self, path: str | None) -> dict[str, str]:
        if path is None:
            return {}
        try:
            with open(path, "rb") as handle:
                kept = json.loads(handle.read())
            hashes = kept["hashes"]
            if not (
                kept["format"] == KEPT_FORMAT
                and kept["version"] == self.version
                and isinstance(hashes, dict)
                and all(isinstance(v, str) and _HEX.fullmatch(v) for v in hashes.values())
                and kept["sha256"] == _checksum(hashes)
            ):
                return {}
        except (OSError, ValueError, TypeError, KeyError):
            return {}
        return hashes

    def note(self, release: Release, key: str, surroundings: str) -> None:
        """``release`` is exactly what the cache entry under ``key`` holds, in
        ``surroundings`` (content.py)."""
        self._origins[release.source] = (release, key, surroundings)

    def content_hash(self, release: Release, as_of: datetime) -> str:
        """``content_hash(release, as_of)``, from the file when it holds it."""
        noted = self._origins.get(release.source)
        if noted is None or noted[0] is not release or release.at(as_of) is not release:
            return content_hash(release, as_of)
        files = file_hashes(release)
        key = digest("fingerprint", *noted[1:], *(part for pair in files for part in pair))
        if self._known is None:
            self._known = self._read(self.path)
        known = self._known.get(key)
        if known is None:
            known = hashlib.sha256(_canonical(release, files)).hexdigest()
        self._asked[key] = known
        return known

    def save(self) -> None:
        """Keep this run's fingerprints, if they differ from the file's; never raises."""
        if self.path is None or not self._asked or self._asked == self._known:
            return
        kept = {
            "format": KEPT_FORMAT,
            "version": self.version,
            "sha256": _checksum(self._asked),
            "hashes": self._asked,
        }
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            write_file(self.path, json.dumps(kept, separators=(",", ":")).encode(), mode=0o600)
        except OSError:
            return
        self._known = dict(self._asked)


def _checksum(hashes: dict[str, Any]) -> str:
    text = json.dumps(hashes, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
