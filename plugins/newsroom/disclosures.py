"""The disclosure record: every public release, the instant it went live, and what it said.

EU MAR art. 17 asks an issuer's website to show the date and time of each disclosure and to
keep it, in chronological order, for five years. The record is written from the one gated
list (``state.public``), so an embargoed or draft release is never in it, and it is a pure
function of the commit and the build instant like every other output.

``canonical_content`` and ``content_hash`` define what "the published content" of a release
is, so that other checks (no silent edits, go-live notifications) can compare the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.generators import Generator
from pelican.writers import Writer

from .localized import write_each_language
from .models import Release, Topic, Update
from .plugin import state_of

PAGE_URL = "disclosures/"
PAGE_SAVE_AS = "disclosures/index.html"
JSON_URL = "disclosures.json"

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


def utc_iso(value: datetime) -> str:
    """``2026-12-03T06:00:00Z``: the form machines compare most easily."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def zone_name(value: datetime) -> str:
    """The IANA name the author wrote (Europe/Berlin), or UTC+01:00 for a bare offset."""
    return getattr(value.tzinfo, "key", None) or value.tzname() or value.strftime("UTC%z")


@dataclass(frozen=True)
class Instant:
    """One moment, resolved for both readers and machines (templates only present)."""

    utc: str
    local: str
    zone: str
    utc_text: str
    local_text: str

    @classmethod
    def of(cls, value: datetime) -> Instant:
        zone = zone_name(value)
        short = value.strftime("%Z") or zone
        named = f" ({zone})" if zone != short else ""
        return cls(
            utc=utc_iso(value),
            local=value.isoformat(timespec="seconds"),
            zone=zone,
            utc_text=f"{value.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC",
            local_text=f"{value:%Y-%m-%d %H:%M:%S} {short}{named}",
        )

    def as_json(self) -> dict[str, str]:
        return {"utc": self.utc, "local": self.local, "zone": self.zone}


@dataclass(frozen=True)
class DisclosedUpdate:
    instant: Instant
    note: str


@dataclass(frozen=True)
class Disclosure:
    """One public release as the record shows it."""

    title: str
    url: str
    topic: Topic
    published: Instant
    updates: tuple[DisclosedUpdate, ...]
    sha256: str
    #: When and why the release was taken down; its entry stays, as it was published.
    withdrawn: DisclosedUpdate | None = None
    #: When readers could first fetch it (the go-live log), and how long after ``published``.
    served: Instant | None = None
    delay_seconds: float | None = None
    #: The release's language: its title is marked with it on every language's record page.
    lang: str = "en"

    def as_json(self) -> dict[str, Any]:
        withdrawn = self.withdrawn
        return {
            "title": self.title,
            "url": self.url,
            "topic": {"key": self.topic.key, "name": self.topic.name},
            "published": self.published.as_json(),
            "updates": [{**u.instant.as_json(), "note": u.note} for u in self.updates],
            "sha256": self.sha256,
            "withdrawn": withdrawn and {**withdrawn.instant.as_json(), "reason": withdrawn.note},
            "served": self.served and self.served.as_json(),
            "delay_seconds": self.delay_seconds,
        }


@dataclass(frozen=True)
class Record:
    """The whole record at one build instant, oldest disclosure first."""

    generated_for: Instant
    publisher: str
    disclosures: tuple[Disclosure, ...]
    #: The data change log (changes.yml): edits to shared text that published releases show.
    data_changes: tuple[DisclosedUpdate, ...] = ()

    @property
    def newest_first(self) -> list[Disclosure]:
        return list(reversed(self.disclosures))

    def to_json(self) -> str:
        data = {
            "generated_for": self.generated_for.utc,
            "publisher": self.publisher,
            "hash_of": HASH_OF,
            "disclosures": [d.as_json() for d in self.disclosures],
            "data_changes": [{**c.instant.as_json(), "note": c.note} for c in self.data_changes],
        }
        return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def build_record(
    public: Sequence[Release],
    as_of: datetime,
    publisher: str,
    site_url: str,
    data_changes: Sequence[Update] = (),
    withdrawn: Sequence[Release] = (),
    served: Mapping[str, datetime] | None = None,
) -> Record:
    """The record of the releases public at ``as_of``, in chronological order.

    ``public`` is the build's public list, which never holds a preview's embargoed releases or
    drafts (``BuildState.preview_only``), so the record lists only what was in fact disclosed.
    A ``withdrawn`` release keeps its entry, its fingerprint and the withdrawal. ``served``
    (from ``read_golive_log``) gives, by path, when each release was first served.
    """
    ordered = sorted([*public, *withdrawn], key=lambda r: (r.date_utc, r.url))
    served = {path: when for path, when in (served or {}).items() if when <= as_of}
    return Record(
        generated_for=Instant.of(as_of.astimezone(UTC)),
        publisher=publisher,
        disclosures=tuple(
            _disclosure(r.at(as_of), site_url, served.get(f"/{r.url}")) for r in ordered
        ),
        data_changes=_disclosed(c for c in data_changes if c.date <= as_of),
    )


def _disclosed(updates: Iterable[Update]) -> tuple[DisclosedUpdate, ...]:
    return tuple(
        DisclosedUpdate(Instant.of(u.date), plain_text(u.note_html))
        for u in sorted(updates, key=lambda u: u.date)
    )


def _disclosure(release: Release, site_url: str, served: datetime | None) -> Disclosure:
    return Disclosure(
        title=release.title,
        url=absolute(site_url, release.url),
        topic=release.topic,
        lang=release.lang,
        published=Instant.of(release.date),
        updates=_disclosed(release.updates),
        sha256=content_hash(release),
        withdrawn=release.withdrawal
        and DisclosedUpdate(
            Instant.of(release.withdrawal.date), plain_text(release.withdrawal.note_html)
        ),
        served=served and Instant.of(served.astimezone(release.date.tzinfo)),
        delay_seconds=served and round((served - release.date).total_seconds(), 3),
    )


class GoLiveLogError(ValueError):
    """The go-live log cannot be read; the message names the line."""


def read_golive_log(path: Path) -> dict[str, datetime]:
    """The go-live log (JSON Lines ``{"path", "instant", "served"}``): first serve per path.

    The switcher appends a line for each release at each switch (deploy/switcher.py); on
    GitHub Pages the deploy job does, when the deployment is done (docs/operations.md).
    """
    served: dict[str, datetime] = {}
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise GoLiveLogError(f"{path}: {err}") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            when = datetime.fromisoformat(str(entry["served"]).replace("Z", "+00:00"))
            where = str(entry["path"])
        except (ValueError, KeyError, TypeError) as err:
            raise GoLiveLogError(f"{path}:{number}: not a go-live entry ({err})") from None
        if when.tzinfo is None:
            raise GoLiveLogError(f"{path}:{number}: the served instant has no timezone")
        served[where] = min(when.astimezone(UTC), served.get(where, when.astimezone(UTC)))
    return served


def absolute(site_url: str, path: str) -> str:
    """With SITEURL: a full address; without (development): a root-relative one."""
    return f"{site_url.rstrip('/')}/{path.lstrip('/')}"


class _TextOnly(HTMLParser):
    _BLOCKS = frozenset({"p", "br", "li", "div", "h1", "h2", "h3", "h4", "tr", "td", "th"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.handle_starttag(tag, [])

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """An update note as one line of text, for the JSON record."""
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


class DisclosureGenerator(Generator):
    """Writes ``disclosures/`` and ``disclosures.json`` from the gated list of releases."""

    record: Record

    def generate_context(self) -> None:
        # Pelican runs plugin generators after the articles generator, whose pretaxonomy
        # signal applied the time gate: state.public is final here.
        state = state_of(self.settings)
        site = state.newsroom.site
        assert site is not None
        self.record = build_record(
            state.public,
            state.settings.as_of,
            site.company.legal_name,
            self.settings.get("SITEURL", ""),
            site.changes,
            state.withdrawn,
            read_golive_log(Path(log)) if (log := self.settings.get("NEWSROOM_GOLIVE_LOG")) else {},
        )
        self.context.update(disclosures_url=PAGE_URL, disclosures_json_url=JSON_URL)

    def generate_output(self, writer: Writer) -> None:
        # One page a language, from the one record.
        languages = state_of(self.settings).settings.languages
        write_each_language(
            self, writer, PAGE_SAVE_AS, "disclosures", languages, record=self.record
        )
        target = Path(self.output_path) / JSON_URL
        target.write_bytes(self.record.to_json().encode())


def get_generators(pelican: Pelican) -> type[Generator]:
    return DisclosureGenerator
