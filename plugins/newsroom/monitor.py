"""The monitor (``invoke verify-live``): is the live site serving what the record says?

It reads the live disclosure record, and for every release the repository says is due by now
it checks that the record lists it with the fingerprint of the release as published here,
that its page answers and carries that text, that its image and attachments are the same
bytes, and that it went live no later than a set threshold. Each finding names the release.
"""

from __future__ import annotations

import hashlib
import html
import json
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from .fingerprint import content_hash
from .models import Release
from .urls import DISCLOSURES_JSON

TIMEOUT = 20


@dataclass(frozen=True)
class Finding:
    """One thing wrong with one release on the live site, in plain words."""

    path: str
    kind: str  # "missing", "late" or "other content"
    detail: str

    def text(self) -> str:
        return f"{self.path}: {self.kind}: {self.detail}"


class LiveSiteError(RuntimeError):
    """The live record cannot be read at all; the message says what was tried."""


def _get(url: str) -> tuple[int, bytes]:
    """(HTTP status, body); a refused connection is status 0."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, b""
    except (urllib.error.URLError, OSError):
        return 0, b""


def read_record(site: str) -> dict[str, dict[str, object]]:
    """The live disclosures.json, its entries by path (``/news/2026/x/``)."""
    url = f"{site.rstrip('/')}/{DISCLOSURES_JSON}"
    status, body = _get(url)
    if status != 200:
        raise LiveSiteError(f"The live record {url} cannot be read (HTTP {status or 'no answer'}).")
    try:
        entries = json.loads(body)["disclosures"]
        return {urlsplit(str(e["url"])).path: e for e in entries}
    except (ValueError, KeyError, TypeError) as err:
        raise LiveSiteError(f"The live record {url} is not a disclosure record ({err}).") from None


def verify(
    site: str, releases: Iterable[Release], as_of: datetime, late_after: float
) -> list[Finding]:
    """Every way the live site differs from the releases due by ``as_of``, release by release."""
    record = read_record(site)
    findings: list[Finding] = []
    for release in sorted(releases, key=lambda r: (r.date_utc, r.url)):
        if release.is_public(as_of):
            findings += _check(site.rstrip("/"), release.at(as_of), record, late_after)
        elif release.went_live(as_of):
            findings += _check_withdrawn(site.rstrip("/"), release, record)
    return findings


def _check_withdrawn(
    site: str, release: Release, record: dict[str, dict[str, object]]
) -> list[Finding]:
    """A withdrawn release: still in the record, marked withdrawn; its page only a notice."""
    path = f"/{release.url}"
    entry = record.get(path)
    if entry is None:
        return [Finding(path, "missing", "the live record does not list it")]
    found = []
    if not entry.get("withdrawn"):
        found.append(Finding(path, "other content", "the live record does not show its withdrawal"))
    status, page = _get(f"{site}{path}")
    if status != 200:
        found.append(
            Finding(path, "missing", f"its withdrawal notice answers HTTP {status or 'nothing'}")
        )
    elif release.body_html in page.decode("utf-8", "replace"):
        found.append(Finding(path, "other content", "the page still shows the withdrawn text"))
    return found


def _check(
    site: str, release: Release, record: dict[str, dict[str, object]], late_after: float
) -> list[Finding]:
    path = f"/{release.url}"
    entry = record.get(path)
    if entry is None:
        return [Finding(path, "missing", "the live record does not list it")]
    found: list[Finding] = []
    expected = content_hash(release)
    if entry.get("sha256") != expected:
        found.append(
            Finding(
                path,
                "other content",
                f"the live record has the fingerprint {entry.get('sha256')}, the release as "
                f"published has {expected}",
            )
        )
    status, page = _get(f"{site}{path}")
    if status != 200:
        found.append(Finding(path, "missing", f"the page answers HTTP {status or 'nothing'}"))
    else:
        text = page.decode("utf-8", "replace")
        if release.body_html not in text or html.escape(release.title, quote=False) not in text:
            found.append(
                Finding(path, "other content", "the page does not show the published text")
            )
    for name in _files(release):
        status, data = _get(f"{site}{path}{name}")
        assert release.asset_dir is not None
        if status != 200:
            found.append(Finding(path, "missing", f"{name} answers HTTP {status or 'nothing'}"))
        elif hashlib.sha256(data).digest() != _digest(release, name):
            found.append(Finding(path, "other content", f"{name} is not the published file"))
    delay = entry.get("delay_seconds")
    if isinstance(delay, int | float) and delay > late_after:
        found.append(
            Finding(
                path,
                "late",
                f"served {delay:.0f} s after its scheduled time, more than the {late_after:.0f} s "
                "allowed",
            )
        )
    return found


def _files(release: Release) -> list[str]:
    names = [a.file for a in release.attachments]
    return [release.image.file, *names] if release.image is not None else names


def _digest(release: Release, name: str) -> bytes:
    assert release.asset_dir is not None
    return hashlib.sha256((release.asset_dir / name).read_bytes()).digest()
