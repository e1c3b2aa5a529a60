"""The disclosure record: every public release, the instant it went live, and what it said.

EU MAR art. 17 asks an issuer's website to show the date and time of each disclosure and to
keep it, in chronological order, for five years. The record is written from the one gated
list (``state.public``), so an embargoed or draft release is never in it, and it is a pure
function of the commit and the build instant like every other output.

Each entry carries the release's fingerprint (fingerprint.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.generators import Generator
from pelican.writers import Writer

from .bodies import body_field
from .dates import utc_iso, zone_name
from .fingerprint import HASH_OF, content_hash
from .localized import write_each_language
from .models import Release, Topic, Update
from .sanitize import plain_text
from .state import SERVED, state_of
from .urls import DISCLOSURES_JSON, absolute

PAGE_URL = "disclosures/"
PAGE_SAVE_AS = "disclosures/index.html"
JSON_URL = DISCLOSURES_JSON


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
    #: The source path of the release, whose body ``sha256`` hashes (bodies.py).
    source: str = field(default="", repr=False, compare=False)

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


# The fingerprint hashes the body: a page that shows it is rendered again when the body
# changes (bodies.py).
body_field(Disclosure, "sha256", lambda d: d.source or None)


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
        return one_entry_a_line(data)


def one_entry_a_line(data: dict[str, Any]) -> str:
    """Sorted keys, no spaces, and each entry of a list on a line of its own: a diff between
    two builds shows one line per release that changed, at a third less than indented JSON
    (2 MB at 10,000 releases)."""

    def compact(value: Any) -> str:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    fields = []
    for key in sorted(data):
        value = data[key]
        if isinstance(value, list) and value:
            text = "[\n" + ",\n".join(compact(item) for item in value) + "\n]"
        else:
            text = compact(value)
        fields.append(f"{compact(key)}:{text}")
    return "{\n" + ",\n".join(fields) + "\n}\n"


def build_record(
    public: Sequence[Release],
    as_of: datetime,
    publisher: str,
    site_url: str,
    data_changes: Sequence[Update] = (),
    withdrawn: Sequence[Release] = (),
    served: Mapping[str, datetime] | None = None,
    fingerprint: Callable[[Release], str] = content_hash,
) -> Record:
    """The record of the releases public at ``as_of``, in chronological order.

    ``public`` is the build's public list, which never holds a preview's embargoed releases or
    drafts (``BuildState.preview_only``), so the record lists only what was in fact disclosed.
    A ``withdrawn`` release keeps its entry, its fingerprint and the withdrawal. ``served``
    (from ``read_golive_log``) gives, by path, when each release was first served; an
    instant after ``as_of`` is not shown yet, and one before the release's own instant is
    never shown: neither the switcher nor the Pages job logs a release before its instant,
    so such a line is not evidence of anything. ``fingerprint`` gives a release's
    ``content_hash``: a build passes ``BuildState.fingerprint``, which the API shares.
    """
    ordered = sorted([*public, *withdrawn], key=lambda r: (r.date_utc, r.url))
    served = {path: when for path, when in (served or {}).items() if when <= as_of}
    return Record(
        generated_for=Instant.of(as_of.astimezone(UTC)),
        publisher=publisher,
        disclosures=tuple(
            _disclosure(r.at(as_of), site_url, _served(served.get(f"/{r.url}"), r), fingerprint)
            for r in ordered
        ),
        data_changes=_disclosed(c for c in data_changes if c.date <= as_of),
    )


def _served(when: datetime | None, release: Release) -> datetime | None:
    return when if when is not None and when >= release.date else None


def _disclosed(updates: Iterable[Update]) -> tuple[DisclosedUpdate, ...]:
    return tuple(
        DisclosedUpdate(Instant.of(u.date), plain_text(u.note_html))
        for u in sorted(updates, key=lambda u: u.date)
    )


def _disclosure(
    release: Release,
    site_url: str,
    served: datetime | None,
    fingerprint: Callable[[Release], str],
) -> Disclosure:
    return Disclosure(
        title=release.title,
        url=absolute(site_url, release.url),
        topic=release.topic,
        lang=release.lang,
        published=Instant.of(release.date),
        updates=_disclosed(release.updates),
        sha256=fingerprint(release),
        withdrawn=None
        if release.withdrawal is None
        else DisclosedUpdate(
            Instant.of(release.withdrawal.date), plain_text(release.withdrawal.note_html)
        ),
        served=None if served is None else Instant.of(served.astimezone(release.date.tzinfo)),
        delay_seconds=None if served is None else round((served - release.date).total_seconds(), 3),
        source=release.source,
    )


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
            # Read, and its skipped lines reported, once per build by commands.build.
            self.settings.get(SERVED) or {},
            state.fingerprint,
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
