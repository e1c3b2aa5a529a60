"""The static JSON API: the public releases, for the company's other sites and channels.

``api/releases.json`` lists them newest first, ``api_page_size`` per page
(``api/releases/page/2.json`` …), and ``api/releases/<year>/<slug>.json`` holds one release
with its sanitized HTML. The contacts and boilerplates the releases show are the company's,
shared by thousands of releases: a record names them by key, and ``api/shared.json`` holds
each once per language. Like every output it is written from the one gated list
(``state.public``), so a release is in the API at its instant and not a second earlier.
The year in the address is the release's folder: a file name is unique only within it.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from pelican import Pelican
from pelican.generators import Generator
from pelican.writers import Writer

from . import bodies, parallel, share_images
from .dates import utc_iso
from .filewriter import Files
from .models import Release
from .pagerecord import Entry, Plan
from .share_images import ShareImage
from .state import WORKERS, state_of
from .urls import absolute

LIST_PATH = "api/releases.json"
PAGE_PATH = "api/releases/page/{number}.json"
RELEASE_PATH = "api/releases/{year}/{slug}.json"
SHARED_PATH = "api/shared.json"
#: Attachment types, fixed here rather than read from the system's mime.types, which differs
#: from machine to machine (and the output must not).
MEDIA_TYPES = {
    ".csv": "text/csv",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".gif": "image/gif",
    ".jpeg": "image/jpeg",
    ".jpg": "image/jpeg",
    ".mp3": "audio/mpeg",
    ".mp4": "video/mp4",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".txt": "text/plain",
    ".webp": "image/webp",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
}


def release_path(release: Release) -> str:
    """``api/releases/2026/hamburg-lab.json``: unique, because the folder and file name are."""
    return RELEASE_PATH.format(year=release.folder, slug=release.slug)


def media_type(name: str) -> str:
    """An attachment's type from its ending."""
    return MEDIA_TYPES.get(PurePosixPath(name).suffix.lower(), "application/octet-stream")


def page_path(number: int) -> str:
    return LIST_PATH if number == 1 else PAGE_PATH.format(number=number)


def to_json(data: Any) -> str:
    """Sorted keys, no spaces and a trailing newline: the same data always gives the same
    bytes. Without indentation: it was a fifth of a list page, and programs read these."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def summary_record(release: Release, image: ShareImage, site_url: str) -> dict[str, Any]:
    """What a list shows of a release: enough for a card with a link and a picture."""
    lead = release.image
    return {
        "title": release.title,
        "subtitle": release.subtitle,
        "summary": release.summary,
        "url": absolute(site_url, release.url),
        "api_url": absolute(site_url, release_path(release)),
        "date": release.date.isoformat(timespec="seconds"),
        "date_utc": utc_iso(release.date),
        "modified": release.modified.isoformat(timespec="seconds"),
        "topic": {"key": release.topic.key, "name": release.topic.name},
        "tags": list(release.tags),
        "lang": release.lang,
        "translation_key": release.translation_key,
        "image": None
        if lead is None
        else {
            "url": absolute(site_url, lead.url),
            "alt": lead.alt,
            "caption": lead.caption,
            "credit": lead.credit,
        },
        "share_image": {
            "url": absolute(site_url, image.url),
            "width": image.width,
            "height": image.height,
            "alt": image.alt,
        },
    }


def release_record(
    release: Release,
    image: ShareImage,
    sha256: str,
    site_url: str,
    translations: Sequence[Release] = (),
) -> dict[str, Any]:
    """Every public field of a release, with its sanitized HTML and content fingerprint.

    ``sha256`` is its ``content_hash`` (``BuildState.fingerprint``, which the record shares);
    ``translations`` are its other public language versions.
    """
    return {
        **summary_record(release, image, site_url),
        "translations": [
            {
                "lang": other.lang,
                "url": absolute(site_url, other.url),
                "api_url": absolute(site_url, release_path(other)),
            }
            for other in sorted(translations, key=lambda r: r.lang)
        ],
        "dateline": release.dateline,
        "body_html": release.body_html,
        "attachments": [
            {
                "title": a.title,
                "url": absolute(site_url, a.url),
                "type": media_type(a.file),
                "size_bytes": a.size_bytes,
            }
            for a in release.attachments
        ],
        "updates": [
            {"date": u.date.isoformat(timespec="seconds"), "note_html": u.note_html}
            for u in sorted(release.updates, key=lambda u: u.date)
        ],
        # Keys into api/shared.json, in the release's language: 1.3 KB less a record.
        "contacts": [c.key for c in release.contacts],
        "boilerplate": release.boilerplate.key,
        "safe_harbor_html": release.safe_harbor_html,
        "sha256": sha256,
    }


def shared_record(public: Sequence[Release]) -> dict[str, Any]:
    """The contacts and boilerplates the public releases show, by language and key, as each
    release shows them (its role, region and boilerplate in its own language)."""
    contacts: dict[str, dict[str, Any]] = defaultdict(dict)
    boilerplates: dict[str, dict[str, Any]] = defaultdict(dict)
    for release in public:
        for c in release.contacts:
            contacts[release.lang][c.key] = {
                "name": c.name,
                "role": c.role,
                "email": c.email,
                "phone": c.phone,
                "region": c.region,
            }
        shown = release.boilerplate
        boilerplates[release.lang][shown.key] = {"title": shown.title, "html": shown.html}
    return {"contacts": dict(contacts), "boilerplates": dict(boilerplates)}


@dataclass(frozen=True)
class ApiFile:
    path: str
    text: str


@dataclass(frozen=True)
class ListFiles:
    """The list pages of these releases (newest first), then ``api/shared.json``: each one's
    path known before it is made (api.ApiGenerator may take the earlier build's file)."""

    public: Sequence[Release]
    images: Sequence[ShareImage]
    site_url: str
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.public) // self.page_size))

    def __len__(self) -> int:
        return self.pages + 1

    def path(self, index: int) -> str:
        return SHARED_PATH if index == self.pages else page_path(index + 1)

    def file(self, index: int) -> ApiFile:
        if index == self.pages:
            return ApiFile(SHARED_PATH, to_json(shared_record(self.public)))
        number, total, size = index + 1, len(self.public), self.page_size
        chunk = range(index * size, min(number * size, total))
        data = {
            "items": [summary_record(self.public[i], self.images[i], self.site_url) for i in chunk],
            "page": number,
            "pages": self.pages,
            "total": total,
            "next": absolute(self.site_url, page_path(number + 1)) if number < self.pages else None,
            "prev": absolute(self.site_url, page_path(number - 1)) if number > 1 else None,
        }
        return ApiFile(page_path(number), to_json(data))


def list_files(
    public: Sequence[Release], images: Sequence[ShareImage], site_url: str, page_size: int
) -> Iterator[ApiFile]:
    """The list pages of these releases (newest first), then ``api/shared.json``."""
    lists = ListFiles(public, images, site_url, page_size)
    for index in range(len(lists)):
        yield lists.file(index)


class ReleaseFiles:
    """The file of each release, made on demand from its position in the list: each is
    made, held and written one at a time (api.ApiGenerator)."""

    def __init__(
        self,
        public: Sequence[Release],
        images: Sequence[ShareImage],
        fingerprints: Sequence[str],
        site_url: str,
    ) -> None:
        self.public = public
        self.images = images
        self.fingerprints = fingerprints
        self.site_url = site_url
        self.versions: dict[str, list[Release]] = defaultdict(list)
        for release in public:
            if release.translation_key:
                self.versions[release.translation_key].append(release)

    def __len__(self) -> int:
        return len(self.public)

    def path(self, index: int) -> str:
        return release_path(self.public[index])

    def file(self, index: int) -> ApiFile:
        release = self.public[index]
        key = release.translation_key or ""
        others = [r for r in self.versions.get(key, ()) if r is not release]
        # Its fingerprint hashes its body (fingerprint.py): a read of it, as ``body_html`` is.
        bodies.read(release.source)
        record = release_record(
            release, self.images[index], self.fingerprints[index], self.site_url, others
        )
        return ApiFile(release_path(release), to_json(record))


def build_api(
    public: Sequence[Release],
    images: Sequence[ShareImage],
    fingerprints: Sequence[str],
    site_url: str,
    page_size: int,
) -> Iterator[ApiFile]:
    """Every file of the API for these releases (newest first), with their paths in the site.

    One at a time, so that each file can be written as it is made: held all at once, the
    records (each with its release's HTML) grew with the number of releases.
    """
    yield from list_files(public, images, site_url, page_size)
    records = ReleaseFiles(public, images, fingerprints, site_url)
    for index in range(len(records)):
        yield records.file(index)


class ApiGenerator(Generator):
    """Writes ``api/`` from the gated list of releases.

    In an ``invoke build`` that may take the last build's files (pagerecord.py), a file whose
    recorded bodies are all the same now is not made: the earlier file is taken, as a page
    is (``_take``). Each file made is recorded with the bodies read while it was made.
    """

    lists: ListFiles
    records: ReleaseFiles

    def generate_context(self) -> None:
        # Plugin generators run after the articles generator and its time gate.
        state = state_of(self.settings)
        shares = share_images.of_build(self.settings)
        images = [shares.for_release(r) for r in state.public]
        # The record's generator asks for the same ones: whichever asks second finds them made.
        fingerprints = [state.fingerprint(r) for r in state.public]
        site_url = self.settings.get("SITEURL", "")
        # Made lazily: each file is made as generate_output writes it (see build_api).
        self.lists = ListFiles(state.public, images, site_url, state.settings.api_page_size)
        self.records = ReleaseFiles(state.public, images, fingerprints, site_url)

    def generate_output(self, writer: Writer) -> None:
        self._folders: set[str] = set()  # made already by this process
        # The newsroom's writer (rendering.py, a layer above) keeps the pages' record and
        # starts it for the first output that may be taken; Pelican's own writer has none.
        plan_of = getattr(writer, "plan", None)
        self._plan: Plan | None = plan_of(self.context) if plan_of is not None else None
        for index in self._take(self.lists):
            self._write(self.lists, index)
        left = self._take(self.records)
        start = 0
        # One file a release: made here, written by a process of its own on another core
        # (filewriter.py) unless the build runs in one process. What it did not write (a
        # file it could not) is written here, so an error is raised as without it.
        if parallel.workers_for(len(left), self.settings.get(WORKERS)) > 1:
            start = self._write_beside(left)
        for index in left[start:]:
            self._write(self.records, index)

    def _take(self, files: ListFiles | ReleaseFiles) -> list[int]:
        """Take the last build's file for each of ``files`` that would be made the same
        (pagerecord.py), as the writer takes pages (rendering.py); the indices of those left
        to make. Asked even when nothing can be taken: an earlier file left where it lies is
        then removed, not written through."""
        plan = self._plan
        if plan is None or not (plan.taking or plan.left):
            return list(range(len(files)))
        targets = [os.path.join(self.output_path, files.path(i)) for i in range(len(files))]
        for folder in dict.fromkeys(os.path.dirname(t) for t in targets):
            self._folder(folder)
        return [i for i, took in enumerate(plan.take(targets, page=False)) if not took]

    def _made(self, files: ListFiles | ReleaseFiles, index: int) -> tuple[ApiFile, Entry | None]:
        """One file made, and its entry in the pages' record: the bodies it read (None: no
        record is kept)."""
        with bodies.reading() as reads:
            file = files.file(index)
        if self._plan is None:
            return file, None
        target = os.path.join(self.output_path, file.path)
        return file, self._plan.written(target, file.text, reads)

    def _note(self, entry: Entry | None) -> None:
        """A file made is written: note it in the pages' record."""
        if self._plan is not None and entry is not None:
            self._plan.add(entry, rendered=True, page=False)

    def _write_beside(self, left: list[int]) -> int:
        """Have the records at ``left`` written by another process; how many it wrote, in
        order."""
        files = Files(self.output_path)
        entries = []
        try:
            for index in left:
                if not files.open:
                    break
                record, entry = self._made(self.records, index)
                entries.append(entry)
                files.write(record.path, record.text.encode())
        except BaseException:
            files.stop()
            raise
        written = files.close()
        for entry in entries[:written]:
            self._note(entry)
        return written

    def _write(self, files: ListFiles | ReleaseFiles, index: int) -> None:
        file, entry = self._made(files, index)
        target = os.path.join(self.output_path, file.path)
        self._folder(os.path.dirname(target))
        with open(target, "wb") as output:
            output.write(file.text.encode())
        self._note(entry)

    def _folder(self, folder: str) -> None:
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)


def get_generators(pelican: Pelican) -> type[Generator]:
    return ApiGenerator
