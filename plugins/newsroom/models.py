"""Typed, immutable objects that templates and outputs read: everything resolved up front.

Templates only present (DESIGN invariant 5): display dates, contacts, boilerplate text and
the safe-harbor statement are all resolved here, before any template runs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from .bodies import body_field
from .i18n import SOURCE_LANG, format_day, format_instant


@dataclass(frozen=True)
class Topic:
    key: str
    name: str
    description: str
    #: The name and description in other languages, as (language, name, description).
    translations: tuple[tuple[str, str, str], ...] = ()

    def name_in(self, lang: str) -> str:
        return _in_language(self.translations, lang, (self.name, self.description))[0]

    @property
    def texts(self) -> Texts:
        """The translations in the shape every data entry has (see text_in)."""
        return tuple(
            (lang, (("name", name), ("description", description)))
            for lang, name, description in self.translations
        )


#: A data entry's words in the site's other languages: (language, ((field, text), ...)), ...
Texts = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]


def texts_of(translations: dict[str, dict[str, object]] | None) -> Texts:
    """The ``translations:`` an author wrote, as an immutable table (empty fields left out)."""
    return tuple(
        (lang, tuple((k, v) for k, v in fields.items() if isinstance(v, str)))
        for lang, fields in (translations or {}).items()
    )


def text_in(item: object, field: str, lang: str) -> object:
    """``item.field`` in ``lang`` (or its base language: de for de-CH), else as written.

    The check requires a version in every site language (datalangs.py), so the fallback is
    only reached on a site's first language.
    """
    texts = dict(getattr(item, "texts", ()))
    for code in (lang, lang.partition("-")[0]):
        found = dict(texts.get(code, ()))
        if found.get(field):
            return found[field]
    return getattr(item, field)


T = TypeVar("T")


def in_language(item: T, lang: str, fields: tuple[str, ...]) -> T:
    """A copy of a data entry with ``fields`` in ``lang``: what one release shows, so that
    adding a language's version changes only that language's releases (history.py)."""
    words = {f: text_in(item, f, lang) for f in fields}
    return dataclasses.replace(item, **words, texts=())  # type: ignore[type-var]


@dataclass(frozen=True)
class Contact:
    key: str
    name: str
    role: str
    email: str
    phone: str | None = None
    region: str | None = None
    #: The role and region in the site's other languages.
    texts: Texts = ()

    def in_language(self, lang: str) -> Contact:
        return in_language(self, lang, ("role", "region"))


@dataclass(frozen=True)
class Boilerplate:
    key: str
    title: str
    html: str
    #: The title and text (as HTML) in the site's other languages.
    texts: Texts = ()

    def in_language(self, lang: str) -> Boilerplate:
        return in_language(self, lang, ("title", "html"))


@dataclass(frozen=True)
class Company:
    name: str
    legal_name: str
    website: str
    description: str
    boilerplate: str
    contacts: tuple[str, ...]
    safe_harbor_html: str
    ticker: str | None = None
    exchange: str | None = None
    isin: str | None = None
    headquarters: str | None = None
    logo: str | None = None
    #: The safe-harbor statement in other languages, as (language, HTML).
    safe_harbor_translations: tuple[tuple[str, str], ...] = ()
    #: The description, headquarters and exchange in the site's other languages.
    texts: Texts = ()

    def safe_harbor_for(self, lang: str) -> str:
        return _in_language(self.safe_harbor_translations, lang, (self.safe_harbor_html,))[0]


def _in_language(
    translations: tuple[tuple[str, ...], ...], lang: str, default: tuple[str, ...]
) -> tuple[str, ...]:
    """The version for ``lang`` (or its base language: de for de-CH), else ``default``."""
    found = {entry[0]: entry[1:] for entry in translations}
    return found.get(lang) or found.get(lang.partition("-")[0]) or default


@dataclass(frozen=True)
class SiteData:
    """The shared data files, validated: the lookups that release fields refer to."""

    company: Company
    topics: dict[str, Topic]
    contacts: dict[str, Contact]
    boilerplates: dict[str, Boilerplate]
    #: The data change log (changes.yml): dated notes on edits that altered published releases.
    changes: tuple[Update, ...] = ()


@dataclass(frozen=True)
class Page:
    """A standalone page (about, media contacts): no date, never embargoed."""

    source: str
    slug: str
    url: str
    title: str
    summary: str | None
    template: str
    body_html: str
    #: The language it is written in: the site's first, or the folder's (pages/de/about.md).
    lang: str = SOURCE_LANG


@dataclass(frozen=True)
class ImageVariant:
    """A narrower copy of a lead image, for browsers that show it small (srcset)."""

    url: str
    width: int


@dataclass(frozen=True)
class Image:
    file: str
    alt: str
    caption: str | None = None
    credit: str | None = None
    url: str = ""
    #: The size readers see (after any EXIF rotation), read when the release is checked.
    width: int = 0
    height: int = 0
    variants: tuple[ImageVariant, ...] = ()

    def srcset(self, site_url: str) -> str:
        """Every copy with its width, the original last, for an <img srcset>."""
        choices = [*self.variants, ImageVariant(self.url, self.width)]
        return ", ".join(f"{site_url}/{c.url} {c.width}w" for c in choices)


@dataclass(frozen=True)
class Attachment:
    file: str
    title: str
    url: str = ""
    size_bytes: int = 0

    @property
    def kind(self) -> str:
        """The file type in capitals (PDF, XLSX), as readers expect to see it."""
        return Path(self.file).suffix.lstrip(".").upper()

    @property
    def size_text(self) -> str:
        return format_size(self.size_bytes)


def format_size(n: int) -> str:
    """A download's size as readers expect it: 148 KB, 2.3 MB (never 0 KB)."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{max(1, round(n / 1024))} KB"


@dataclass(frozen=True)
class Update:
    date: datetime
    note_html: str
    #: The language of the release it belongs to, in which its date is written.
    lang: str = SOURCE_LANG

    @property
    def date_text(self) -> str:
        return format_instant(self.date, self.lang)


@dataclass(frozen=True)
class Release:
    """One press release, validated and resolved; the only thing downstream code reads."""

    source: str
    slug: str
    url: str
    title: str
    date: datetime
    summary: str
    topic: Topic
    lang: str
    body_html: str
    boilerplate: Boilerplate
    contacts: tuple[Contact, ...]
    subtitle: str | None = None
    dateline: str | None = None
    tags: tuple[str, ...] = ()
    safe_harbor_html: str | None = None
    image: Image | None = None
    attachments: tuple[Attachment, ...] = ()
    updates: tuple[Update, ...] = ()
    draft: bool = False
    asset_dir: Path | None = None
    #: Shared by a release and its translations (one per language); None for no translations.
    translation_key: str | None = None
    #: Files it uses from a translation's folder (name, path): one copy in the repository.
    shared_files: tuple[tuple[str, Path], ...] = ()

    def file_path(self, name: str) -> Path:
        """Where the file ``name`` of this release is: its own folder or a translation's."""
        shared = dict(self.shared_files)
        if name in shared:
            return shared[name]
        assert self.asset_dir is not None, f"{self.source} was not loaded from a folder"
        return self.asset_dir / name

    #: With status: withdrawn, when and why it was taken down (the reason in ``note_html``).
    withdrawal: Update | None = None

    def is_public(self, as_of: datetime) -> bool:
        """The one time gate: published, its instant passed, and not withdrawn by ``as_of``."""
        return self.went_live(as_of) and not self.is_withdrawn(as_of)

    def went_live(self, as_of: datetime) -> bool:
        """Disclosed by ``as_of``, even if withdrawn since: what the record and history keep."""
        return not self.draft and self.date <= as_of

    def is_withdrawn(self, as_of: datetime) -> bool:
        return self.withdrawal is not None and self.withdrawal.date <= as_of

    def at(self, as_of: datetime) -> Release:
        """This release as readers see it at ``as_of``: updates and a withdrawal dated later
        are not shown (nor known to any output)."""
        visible = tuple(u for u in self.updates if u.date <= as_of)
        withdrawal = self.withdrawal if self.is_withdrawn(as_of) else None
        if visible == self.updates and withdrawal is self.withdrawal:
            return self
        return dataclasses.replace(self, updates=visible, withdrawal=withdrawal)

    @property
    def modified(self) -> datetime:
        return max((u.date for u in self.updates), default=self.date)

    @property
    def date_utc(self) -> datetime:
        return self.date.astimezone(UTC)

    @property
    def date_text(self) -> str:
        return format_instant(self.date, self.lang)

    @property
    def topic_name(self) -> str:
        """The topic's name in the release's language, where topics.yml gives one."""
        return self.topic.name_in(self.lang)

    @property
    def day_text(self) -> str:
        return format_day(self.date, self.lang)

    @property
    def day_iso(self) -> str:
        """The day it went live where it happened (``2026-12-03``), for the ``datetime`` of
        the ``<time>`` that shows ``day_text``: one lookup for each card and row of a list,
        where ``date.date().isoformat()`` was two calls through Jinja's runtime."""
        return self.date.date().isoformat()

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def folder(self) -> str:
        """The year folder its file is in (``2026`` for ``releases/2026/x.md``): with its
        slug, what the API's address and the feeds' stable ids are made of."""
        return folder_name(self.source)


def folder_name(path: str) -> str:
    """``PurePosixPath(path).parent.name`` by string work, in a quarter of its time: the API
    asks it about three times a record."""
    parts = [part for part in path.split("/") if part not in ("", ".")]
    return parts[-2] if len(parts) > 1 else ""


# The body reaches pages through this field: a page that reads it is rendered again when the
# body changes (bodies.py, pagerecord.py).
body_field(Release, "body_html", lambda r: r.source)
