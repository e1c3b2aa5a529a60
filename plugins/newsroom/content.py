"""Read the whole content folder at once: every release, page and data file, every problem.

``load`` is what ``invoke check`` runs and what the Pelican plugin builds from, so a build
and a check can never disagree about what is valid. What one release file gives by itself
is kept in the cache (cache.py) and read back while its key holds; the checks across files
(addresses, links, translations) run on every load.
"""

from __future__ import annotations

import contextlib
import gc
import os
import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from . import cache, files, links, mediakit, pagelangs, parallel
from .cache import FORMAT, Snapshot, Store, digest, pack, tree_digest, unpack
from .fingerprint import Kept
from .frontmatter import Document, mapping_items, read_bytes
from .i18n import format_instant, language_name
from .models import Page, Release, SiteData
from .problems import Problem, Severity, display_path
from .releases import IMAGE_TYPES, SLUG, field_line, load_release, render_body
from .schema import Context, Field, one_of, parse_mapping, text
from .settings import NewsroomSettings, settings_key
from .sitedata import load as load_site

PAGE_TEMPLATES = {"page": None, "contacts": None}
#: How many release files ``load`` checks with the collector held off (``_collector_paused``):
#: the garbage of a few checks waits for the next collection, that of thousands would not.
FEW_UNCOLLECTED = 31
#: Copied to the site as it is (pelicanconf.py's STATIC_PATHS).
MEDIA = "media"
# First parts of addresses the newsroom writes itself (settings in pelicanconf.py).
RESERVED = {
    "news", "topics", "tags", "theme", "media", "page", "index", "404", "disclosures",
    "feeds", "follow",
    "api",
    "search", "pagefind",
    "media-kit",
    "admin",
}  # fmt: skip


@dataclass
class Newsroom:
    """Everything the content folder holds, checked; ``problems`` lists what is wrong."""

    site: SiteData | None
    releases: list[Release] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    media_kit: mediakit.MediaKit | None = None
    #: True when reading stopped at a symbolic link in the content folder (``load``): the
    #: problems then list the links alone, and the summary says no other file was read.
    stopped_at_links: bool = False
    #: What each release was made from, and the fingerprints earlier builds worked out
    #: from the same (fingerprint.py).
    fingerprints: Kept = field(default_factory=Kept, repr=False)
    _by_source: dict[str, Release | Page] = field(default_factory=dict, repr=False)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def release_for(self, path: str) -> Release | None:
        item = self._sources().get(path)
        return item if isinstance(item, Release) else None

    def page_for(self, path: str) -> Page | None:
        item = self._sources().get(path)
        return item if isinstance(item, Page) else None

    def replace_release(self, old: Release, new: Release) -> None:
        """Put ``new`` where ``old`` was, for a file re-read alone (``Recheck``)."""
        # By identity: comparing releases field by field is slow, and one may equal another.
        self.releases[next(i for i, r in enumerate(self.releases) if r is old)] = new
        self._by_source.pop(old.source, None)
        self._by_source[new.source] = new

    def _sources(self) -> dict[str, Release | Page]:
        # Built once: Pelican asks for every file, and a scan per file is quadratic.
        if len(self._by_source) != len(self.releases) + len(self.pages):
            items: list[Release | Page] = [*self.releases, *self.pages]
            self._by_source = {item.source: item for item in items}
        return self._by_source


def load(
    content: Path,
    settings: NewsroomSettings,
    root: Path | None = None,
    cache: Store | None = None,
    workers: int | None = None,
) -> Newsroom:
    """Check and load every file under ``content``; never raises for what authors wrote.

    Each release file is read from ``cache`` (by default ``.cache/newsroom/`` beside
    ``content``) when its entry's key and surroundings match (cache.py); everything that
    involves other files or the build instant is checked on every run. The files not in
    the cache are checked on every core (``workers``: see ``parallel.workers_for``).
    """
    root = root or Path.cwd()
    content = content.resolve()
    releases_root, media = content / settings.releases_path, content / MEDIA
    file_problems = files.problems(
        content, root, lambda path: _published(path, media, releases_root)
    )
    if any(p.rule == "file-symlink" for p in file_problems):
        # Reading on would read through the link, and messages quote lines back: a link to
        # a secret would print it in the pull request's log.
        return Newsroom(None, problems=sorted(file_problems), stopped_at_links=True)
    data_dir = content / settings.data_path
    site, problems = load_site(
        data_dir,
        display_path(data_dir, root),
        settings.max_file_bytes,
        content,
        display_path(content, root),
        settings.languages,
    )
    newsroom = Newsroom(site, problems=[*file_problems, *problems])

    release_files = _markdown_files(content / settings.releases_path, root, newsroom.problems)
    page_files = _markdown_files(content / settings.pages_path, root, newsroom.problems)
    if site is None:
        if release_files:
            newsroom.problems.append(
                Problem(
                    display_path(content / settings.releases_path, root),
                    0,
                    "",
                    "releases were not checked, because the data files have errors",
                    "Fix the data files first",
                    "data-errors",
                )
            )
        return newsroom

    key_lines: dict[str, tuple[int, int]] = {}
    linking = _data_links(site, data_dir, display_path(data_dir, root), settings.as_of)
    years = [year for year in _listing(str(releases_root)) if year.is_dir()]
    in_year_folders = [entry for year in years for entry in _listing(year.path)]
    # The release folders there are, so that ten thousand releases without one need not
    # each ask the file system for theirs (``_surroundings``).
    present = {entry.path for entry in in_year_folders if entry.is_dir(follow_symlinks=False)}
    for stray in _strays(in_year_folders):
        newsroom.problems.append(
            Problem(
                display_path(stray, root),
                0,
                "",
                "only files ending in .md are published from this folder",
                f"Rename it to {stray.stem}.md, or move attachments into the folder "
                f"{stray.parent.name}/<release name>/",
                "file-type",
            )
        )
    store = cache if cache is not None else Store.beside(content)
    base = digest("release", settings_key(settings), tree_digest(data_dir), str(FORMAT))
    shown_of = _display_paths(content, root)
    docs: dict[Path, Document] = {}
    keys: dict[Path, str] = {}
    entries: dict[Path, dict[str, Any]] = {}
    # The files the cache lacks are checked by workers when there are many (parallel.py),
    # and read by them, so that this process never holds them all, raw or parsed; until
    # their number is known, only their bytes are kept.
    missing: dict[Path, bytes] = {}
    in_years = _in_year_folders(release_files, releases_root)
    snapshot = Snapshot(store, content, base)
    kept = newsroom.fingerprints = Kept.beside(store, content)
    # The translation key of each file the cache holds, and its release, made at once when
    # it has none: then no other file's folder is its business (``_translation_folders``).
    written_keys: dict[Path, str | None] = {}
    cached: dict[Path, _Checked | None] = {}
    # The key and surroundings each release was made from (``Kept``), by file.
    origins: dict[Path, tuple[str, str]] = {}
    # Nothing done from here to the end of the releases makes garbage in cycles, but
    # checking files: the collector, which would walk every release made so far again
    # and again, waits until then unless many files are to be checked (or by workers,
    # which inherit the switch).
    with contextlib.ExitStack() as paused:
        paused.enter_context(_collector_paused())
        for file in release_files:
            shown, entry = shown_of(file), None
            if file not in in_years:  # reported below, never kept
                raw = file.read_bytes()
                keys[file] = digest(base, shown, raw)
            else:
                # Unread when its status vouches for it; read and hashed otherwise.
                vouched = snapshot.vouched(shown, str(file))
                if vouched is not None:
                    entry = snapshot.entry(shown, vouched)
                if vouched is not None and isinstance(entry, dict):
                    keys[file] = vouched
                else:
                    raw, keys[file] = snapshot.read(shown, str(file))
                    entry = snapshot.entry(shown, keys[file]) if keys[file] != vouched else None
            if not isinstance(entry, dict):
                missing[file] = raw
                continue
            written_keys[file] = entry.get("translation_key")
            if written_keys[file] is None:
                surroundings = _surroundings(file, (), shown_of, present)
                cached[file] = _cached_release(entry, surroundings, site, content)
                origins[file] = (keys[file], surroundings)
            else:
                entries[file] = entry
        if len(missing) > FEW_UNCOLLECTED or parallel.workers_for(len(missing), workers) > 1:
            paused.close()
        reading = None
        if parallel.workers_for(len(missing), workers) < 2:
            for file, raw in missing.items():
                docs[file] = read_bytes(shown_of(file), raw, settings.max_file_bytes)
            missing.clear()
            translation = {file: _translation_key(doc) for file, doc in docs.items()}
        else:
            reading = _Reading(base, shown_of, settings.max_file_bytes, keys, store)
            # First the translation keys, which decide what each release may use of the other
            # versions' folders: from the bytes already read, since most files name none. The
            # YAML of those that may name one is read on every core too: in a newsroom whose
            # releases mostly have translations, reading it here was most of a cold check's
            # time before the first worker started.
            named = [file for file, raw in missing.items() if _may_name_translation_key(raw)]
            written = dict(
                zip(
                    named,
                    parallel.ordered(
                        lambda file: _translation_key(
                            read_bytes(shown_of(file), missing[file], settings.max_file_bytes)
                        ),
                        named,
                        workers,
                    ),
                    strict=True,
                )
            )
            translation = {file: written.get(file) for file in missing}
            missing.clear()
        folders = _translation_folders(translation | written_keys)
        # Then every release, in this order, each entry taken by the loop below in turn.
        checking = {file for file in translation if file in in_years}
        fresh = (
            None
            if reading is None
            else parallel.ordered(
                lambda file: reading.check(file, folders.get(file, ()), site, settings, content),
                [file for file in translation if file in checking],
                workers,
            )
        )
        # Then the other cached releases, while the collector waits. Each file's entry is let go
        # once its release is made: at ten thousand releases, all of them held beside the
        # releases were most of the memory of a check (and of the build, which holds the
        # check's releases while it writes).
        with _collector_paused():
            for file in list(entries):
                surroundings = _surroundings(file, folders.get(file, ()), shown_of, present)
                cached[file] = _cached_release(entries.pop(file), surroundings, site, content)
                origins[file] = (keys[file], surroundings)
        for file in release_files:
            if file not in in_years:
                newsroom.problems.append(
                    Problem(
                        display_path(file, root),
                        0,
                        "",
                        "release files go directly in a year folder",
                        f"Move the file to {display_path(releases_root, root)}/<year>/{file.name}",
                        "file-location",
                    )
                )
                continue
            shared = folders.get(file, ())
            checked = cached.pop(file, None)
            surroundings = "" if checked is not None else _surroundings(file, shared, shown_of)
            if fresh is not None and file in checking:
                # Worked out and kept in the cache by a worker: unless the file or one in its
                # folders changed meanwhile, then it is checked again here.
                sent = next(fresh)
                if sent is not None:
                    seen, checked = unpack(sent, site)
                    if seen != surroundings:
                        checked = None
                    else:
                        origins[file] = (keys[file], surroundings)
            if checked is None:
                key, doc = keys[file], docs.pop(file, None)
                if doc is None:
                    # Read again, and kept under the key of what was read: the file may have
                    # changed since it was hashed above.
                    raw = file.read_bytes()
                    key, doc = (
                        digest(base, shown_of(file), raw),
                        read_bytes(shown_of(file), raw, settings.max_file_bytes),
                    )
                checked, entry = _entry(doc, file, site, settings, shared, surroundings, content)
                store.put("release", key, entry)
                origins[file] = (key, surroundings)
            newsroom.problems.extend(checked.problems)
            if checked.release is not None:
                newsroom.releases.append(checked.release)
                if file in origins:
                    kept.note(checked.release, *origins[file])
                linking.extend(_release_links(checked.release, checked.links))
                if checked.key_lines is not None:
                    key_lines[checked.release.source] = checked.key_lines
        # Once every entry is in the store: those the last snapshot lacks are taken from there.
        snapshot.save()

    for file in page_files:
        page_doc = read_bytes(display_path(file, root), file.read_bytes(), settings.max_file_bytes)
        page, page_problems = _load_page(
            page_doc,
            file,
            # Each language has a list page at /<language>/ (languages.py).
            RESERVED | {code.lower() for code in settings.languages},
            pagelangs.language_of(file, content / settings.pages_path, settings.languages),
        )
        newsroom.problems.extend(page_problems)
        if page is not None:
            newsroom.pages.append(page)
            # A page is public from the build instant on, and never embargoed.
            linking.append(
                links.Source(
                    page.source, "body", page.url,
                    links.found_in(page.body_html, page_doc.body, page_doc.body_line),
                    page_doc.body_line, settings.as_of,
                )
            )  # fmt: skip

    newsroom.problems.extend(
        pagelangs.missing_versions(
            newsroom.pages, settings.languages, display_path(content / settings.pages_path, root)
        )
    )
    newsroom.problems.extend(_duplicate_urls(newsroom))
    targets = links.Site.of(
        newsroom.releases,
        newsroom.pages,
        content,
        RESERVED | {code.lower() for code in settings.languages},
        settings.release_url,
    )
    newsroom.problems.extend(links.check(linking, targets))
    newsroom.problems.extend(_translation_problems(newsroom.releases, key_lines))
    newsroom.media_kit, kit_problems = mediakit.load(
        data_dir,
        display_path(data_dir, root),
        content,
        display_path(content / mediakit.KIT_FOLDER, root),
        settings.max_file_bytes,
        site.company,
        settings.languages,
        store,
    )
    newsroom.problems.extend(kit_problems)
    newsroom.problems.sort()
    # By the instant in UTC: one zone, so that ten thousand comparisons need no offsets.
    newsroom.releases.sort(key=lambda r: (r.date_utc, r.source), reverse=True)
    return newsroom


def _strays(in_year_folders: list[os.DirEntry[str]]) -> Iterator[Path]:
    """The files in the year folders (``in_year_folders``: everything in them, as
    Path.glob("*/*") finds it) that are not .md files: a release saved as .markdown or .txt
    would otherwise be skipped without a word. Names are looked at before the file system
    is asked what each one is: ten thousand releases are ten thousand .md files."""
    for entry in in_year_folders:
        # Path.suffix: ".md" alone is a name without an ending.
        name = entry.name
        if not (name.endswith(".md") and len(name) > 3) and entry.is_file():
            yield Path(entry.path)


def _listing(folder: str) -> list[os.DirEntry[str]]:
    """The entries of ``folder``; none if it cannot be read."""
    try:
        with os.scandir(folder) as listing:
            return list(listing)
    except OSError:
        return []


def _in_year_folders(files: list[Path], releases: Path) -> set[Path]:
    """The files directly in a year folder of ``releases``: compared as text, since ten
    thousand new Path objects to compare are a measurable part of a warm check."""
    top = str(releases)
    return {f for f in files if os.path.dirname(os.path.dirname(str(f))) == top}


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while the block runs: for work that makes no
    garbage in cycles, whose objects the collector would otherwise walk again each time
    their number grows by a quarter."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _display_paths(content: Path, root: Path) -> Callable[[Path], str]:
    """``display_path`` for files inside ``content``, without a relpath for each one."""
    top = display_path(content, root)
    prefix = "" if top == "." else f"{top}/"
    start = len(str(content)) + 1
    return lambda path: prefix + str(path)[start:].replace(os.sep, "/")


def _published(path: str, media: Path, releases: Path) -> bool:
    """Whether a file can reach the site: anything in media/, or in a release's own folder."""
    # Compared as text: this runs for every file in the content folder.
    media_prefix, releases_prefix = f"{media}{os.sep}", f"{releases}{os.sep}"
    if path.startswith(media_prefix):
        return True
    return (
        path.startswith(releases_prefix)
        and path.count(os.sep, len(releases_prefix)) >= 2
        and os.path.splitext(path)[1]
        != ".md"  # a release file in the wrong place has its own message
    )


def _markdown_files(folder: Path, root: Path, problems: list[Problem]) -> list[Path]:
    """The .md files under ``folder``; a folder named like one is reported, not read."""
    found: list[str] = []
    for entry, _ in files.walk(str(folder)):  # never deeper than files.problems looks
        if not entry.name.endswith(".md") or entry.is_symlink():
            continue
        if entry.is_dir(follow_symlinks=False):
            path = Path(entry.path)
            problems.append(
                Problem(
                    display_path(path, root),
                    0,
                    "",
                    "this is a folder, but its name ends in .md like a release or page file",
                    f"Rename the folder: a release's pictures and downloads go in a folder "
                    f"named like the release without .md, such as {path.stem}/",
                    "file-type",
                )
            )
        else:
            found.append(entry.path)
    # In the order of their folders and names, as paths sort.
    return [Path(name) for name in sorted(found, key=lambda name: name.split(os.sep))]


def _translation_key(doc: Document) -> str | None:
    """The translation key as written, read before the fields are checked."""
    if doc.meta is None:
        return None
    key = next((v.value for k, _, v in mapping_items(doc.meta) if k == "translation_key"), None)
    return key.strip() if isinstance(key, str) and key.strip() else None


def _may_name_translation_key(raw: bytes) -> bool:
    """Whether a file's bytes may hold a translation key: when not, its YAML need not be
    read for ``_translation_key``, which would find none."""
    # A key reads as translation_key only if the file spells it out, or writes it in double
    # quotes with an escape (a backslash); everything else YAML does to a key (folding
    # lines, quoting) cannot make those letters out of others.
    return b"translation_key" in raw or b"\\" in raw


def _translation_folders(keys: dict[Path, str | None]) -> dict[Path, tuple[Path, ...]]:
    """For each release, the file folders of the other versions with its translation key.

    A translation may use the picture and attachments of the release it translates
    without a second copy in the repository; each public version publishes the file
    under its own address, so nothing appears before a release that uses it.
    """
    groups: dict[str, list[Path]] = defaultdict(list)
    # Only the files with a key are sorted: ten thousand paths compared are not nothing.
    for file, key in sorted((f, k) for f, k in keys.items() if isinstance(k, str) and k):
        groups[key].append(file)
    return {
        file: tuple(other.parent / other.stem for other in group if other != file)
        for group in groups.values()
        for file in group
    }


@dataclass(frozen=True)
class _Checked:
    """What one release file gives, worked out from it alone: kept in the cache."""

    release: Release | None
    problems: list[Problem]
    #: The links of each text of the release (body, update notes), by field, and the line
    #: each text starts on.
    links: dict[str, tuple[int, tuple[links.Link, ...]]]
    #: The lines of translation_key and date, for the translation checks.
    key_lines: tuple[int, int] | None

    def encode(self, content: Path) -> dict[str, Any]:
        return {
            "release": None if self.release is None else cache.encode(self.release, content),
            "problems": cache.encode_problems(self.problems),
            "links": {
                f: [first, [list(link) for link in found]]
                for f, (first, found) in self.links.items()
            },
            "key_lines": None if self.key_lines is None else list(self.key_lines),
        }


def _cached_release(
    entry: dict[str, Any] | None, surroundings: str, site: SiteData, content: Path
) -> _Checked | None:
    """The release as the cache keeps it, unless its folders changed or the entry is not one
    this code wrote."""
    if entry is None or entry.get("surroundings") != surroundings:
        return None
    try:
        release = entry["release"] and cache.decode(entry["release"], site, content)
        if release is not None and not isinstance(release, Release):
            raise cache.Unreadable("not a release")
        found = {
            str(name): (int(first), tuple((str(t), str(v), int(ln)) for t, v, ln in items))
            for name, (first, items) in entry["links"].items()
        }
        lines = entry["key_lines"]
        return _Checked(
            release,
            cache.decode_problems(entry["problems"]),
            found,
            None if lines is None else (int(lines[0]), int(lines[1])),
        )
    except (cache.Unreadable, KeyError, TypeError, ValueError, AttributeError):
        return None


def _surroundings(
    file: Path,
    shared: tuple[Path, ...],
    shown: Callable[[Path], str],
    present: set[str] | None = None,
) -> str:
    """What a release reads besides its own file: the files in its folder and in its
    translations' folders (names and sizes; pictures by their bytes, which are decoded).
    ``present``: the release folders that exist, if known (a folder missing from it is
    taken as missing, without asking)."""
    own = str(file)[: -len(file.suffix)]  # the release's folder: its file name without .md
    if not shared and present is not None and own not in present:
        return _NO_FOLDERS  # as below, worked out once
    parts: list[str | bytes] = []
    for folder in (own, *map(str, shared)):
        parts.append(shown(Path(folder)) if folder != own else "")
        if present is not None and folder not in present:
            continue
        try:
            listing = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:  # no folder: nothing but the file itself
            continue
        for entry in listing:
            kind = "file" if entry.is_file(follow_symlinks=False) else "other"
            parts += [entry.name, kind]
            if kind == "file":
                parts.append(str(entry.stat(follow_symlinks=False).st_size))
                if entry.name.lower().endswith(IMAGE_TYPES):
                    with open(entry.path, "rb") as picture:
                        parts.append(picture.read())
    return digest(*parts)


#: The surroundings of a release without a folder, and without translations to share theirs.
_NO_FOLDERS = digest("")


@dataclass(frozen=True)
class _Reading:
    """What a worker does with a release file the cache lacks (``load``, parallel.py)."""

    base: str
    shown: Callable[[Path], str]
    max_bytes: int
    #: The key of each file's bytes as ``load`` read them.
    keys: dict[Path, str]
    store: Store

    def check(
        self,
        file: Path,
        shared: tuple[Path, ...],
        site: SiteData,
        settings: NewsroomSettings,
        content: Path,
    ) -> bytes | None:
        """The file checked and kept in the cache, and the surroundings it was checked in,
        as ``cache.pack`` sends them; None if it is not the file ``load`` read any more.

        The entry is written here, and the release sent as it is rather than as its entry,
        so that ``load`` neither writes nor decodes: both were most of its share of a cold
        check, which it spends while the workers wait for it to take their results.
        """
        shown, raw = self.shown(file), file.read_bytes()
        key = digest(self.base, shown, raw)
        if key != self.keys[file]:
            return None
        doc = read_bytes(shown, raw, self.max_bytes)
        surroundings = _surroundings(file, shared, self.shown)
        checked, entry = _entry(doc, file, site, settings, shared, surroundings, content)
        self.store.put("release", key, entry)
        return pack((surroundings, checked), site)


def _entry(
    doc: Document,
    file: Path,
    site: SiteData,
    settings: NewsroomSettings,
    shared: tuple[Path, ...],
    surroundings: str,
    content: Path,
) -> tuple[_Checked, dict[str, Any]]:
    """Check one release file, and what the cache keeps of it (small, and picklable for
    the workers that check files in parallel). ``surroundings`` are read before the check:
    a picture replaced meanwhile leaves an entry that no longer matches, not one that hides
    the change."""
    checked = _check_release(doc, file, site, settings, shared)
    entry = {
        "translation_key": _translation_key(doc),
        "surroundings": surroundings,
        **checked.encode(content),
    }
    return checked, entry


def _check_release(
    doc: Document,
    file: Path,
    site: SiteData,
    settings: NewsroomSettings,
    shared: tuple[Path, ...],
) -> _Checked:
    """Check one release file by itself, as the cache keeps it."""
    release, ctx = load_release(doc, file, site, settings, shared)
    if release is None:
        return _Checked(None, ctx.problems, {}, None)
    found = {"body": (doc.body_line, links.found_in(release.body_html, doc.body, doc.body_line))}
    updates_line = field_line(doc, "updates")
    for index, update in enumerate(release.updates, start=1):
        found[f"updates[{index}].note"] = (
            updates_line,
            links.found_in(update.note_html, "", updates_line),
        )
    lines = (
        (field_line(doc, "translation_key"), field_line(doc, "date"))
        if release.translation_key
        else None
    )
    return _Checked(release, ctx.problems, found, lines)


def _release_links(
    release: Release, found: dict[str, tuple[int, tuple[links.Link, ...]]]
) -> Iterator[links.Source]:
    """The release's text and its update notes, each live from when readers see it."""
    # A source is a display path, with / between folders; joined as text, since this runs
    # for every release and the message is rarely shown.
    folder = posixpath.join(posixpath.dirname(release.source), release.slug)
    fix = f"Upload the picture into {folder}/ and write just its file name"
    live = None if release.draft else release.date
    first, body = found["body"]
    yield links.Source(release.source, "body", release.url, body, first, live, fix)
    for index, update in enumerate(release.updates, start=1):
        name = f"updates[{index}].note"
        first, notes = found[name]
        yield links.Source(
            release.source, name, release.url, notes, first, live and max(live, update.date), fix
        )


def _data_links(site: SiteData, data_dir: Path, shown: str, as_of: datetime) -> list[links.Source]:
    """Boilerplates and safe-harbor statements: public text, shown under many releases.

    They are public from the build instant on; a relative link in them would lead somewhere
    else under each release, so it is read from the site's root (and found missing).
    """

    def source(file: str, field: str, html: str) -> links.Source:
        text = (data_dir / file).read_text("utf-8", errors="replace")
        return links.Source(f"{shown}/{file}", field, "", links.found_in(html, text, 1), 1, as_of)

    company = site.company
    return [
        *(source("boilerplates.yml", f"{b.key}.text", b.html) for b in site.boilerplates.values()),
        *(
            source("boilerplates.yml", f"{b.key}.translations.{lang}.text", dict(words)["html"])
            for b in site.boilerplates.values()
            for lang, words in b.texts
        ),
        source("company.yml", "safe_harbor", company.safe_harbor_html),
        *(
            source("company.yml", f"translations.{lang}.safe_harbor", html)
            for lang, html in company.safe_harbor_translations
        ),
    ]


def _duplicate_urls(newsroom: Newsroom) -> list[Problem]:
    """Two files that would publish at one address: neither may silently replace the other."""
    owners: dict[str, list[str]] = defaultdict(list)
    items: list[Release | Page] = [*newsroom.releases, *newsroom.pages]
    for item in items:
        owners[item.url.lower()].append(item.source)
    problems = []
    for url, sources in owners.items():
        if len(sources) < 2:
            continue
        for source in sources:
            others = ", ".join(s for s in sources if s != source)
            problems.append(
                Problem(
                    source,
                    0,
                    "",
                    f"this file would be published at /{url}, like {others}",
                    "Rename one of the files so each has its own web address",
                    "url-duplicate",
                )
            )
    return problems


def _translation_problems(
    releases: list[Release], lines: dict[str, tuple[int, int]]
) -> list[Problem]:
    """A translation key links one release per language, all going live at one instant.

    Two versions in one language would leave readers (and the language switcher) unsure
    which one is the release. Versions that go live at different instants are allowed (a
    translation may follow), but material news must reach every language at once, so the
    author is warned.
    """
    groups: dict[str, list[Release]] = defaultdict(list)
    for release in releases:
        if release.translation_key:
            groups[release.translation_key].append(release)
    problems = []
    for key, group in sorted(groups.items()):
        for release in group:
            key_line, date_line = lines[release.source]
            same = [r.source for r in group if r is not release and r.lang == release.lang]
            if same:
                problems.append(
                    Problem(
                        release.source,
                        key_line,
                        "translation_key",
                        f'"{key}" also links {", ".join(same)}, which is in the same '
                        f"language ({language_name(release.lang)})",
                        "Give each translation its own lang, or use a different "
                        "translation_key for a release that is not a translation",
                        "translation-language",
                    )
                )
            first = min(group, key=lambda r: (r.date, r.source))
            if release.date != first.date:
                problems.append(
                    Problem(
                        release.source,
                        date_line,
                        "date",
                        f"this translation goes live at {format_instant(release.date)}, but "
                        f"{first.source} goes live at {format_instant(first.date)}",
                        "Give every language version the same date, so that all readers "
                        "get material news at the same moment",
                        "translation-date",
                        Severity.WARNING,
                    )
                )
    return problems


PAGE: dict[str, Field] = {
    "title": Field(text(200, "About Example"), "About Example", "Page title", True),
    "summary": Field(text(400, "Who we are."), "Who we are.", "Shown in link previews"),
    "template": Field(
        one_of(lambda ctx: PAGE_TEMPLATES, "page templates", "page"),
        "page",
        "Layout",
        default="page",
    ),
}


def _load_page(
    doc: Document, file: Path, reserved: set[str], where: tuple[str, str] | None
) -> tuple[Page | None, list[Problem]]:
    """One page; ``where`` is its language and address prefix, None in a folder that is not
    a language's."""
    ctx = Context(doc.path)
    ctx.problems.extend(doc.problems)
    if where is None:
        ctx.report(
            0,
            "",
            f'the folder "{file.parent.name}" is not one of the site\'s languages',
            "Put a page in the pages folder itself, or its translation in a folder named "
            "after one of the site's other languages, like pages/de/about.md",
            "file-location",
        )
    if not SLUG.fullmatch(file.stem):
        ctx.report(
            0,
            "",
            f'the file name "{file.name}" cannot be used in a web address',
            "Use lowercase letters, digits and hyphens only",
            "file-name",
        )
    if file.stem in reserved:
        ctx.report(
            0,
            "",
            f"the address /{file.stem}/ belongs to the newsroom's own pages",
            f"Rename the file, for example to {file.stem}-page.md",
            "url-duplicate",
        )
    if doc.meta is None:
        return None, ctx.problems
    values = parse_mapping(doc.meta, PAGE, ctx)
    body_html = render_body(doc, ctx)
    if values is None or any(p.is_error for p in ctx.problems):
        return None, ctx.problems
    assert where is not None  # reported above
    lang, prefix = where
    page = Page(
        doc.path,
        file.stem,
        f"{prefix}{file.stem}/",
        values["title"],
        values["summary"],
        values["template"],
        body_html,
        lang,
    )
    return page, ctx.problems


class Recheck:
    """``load``'s checks of one release file whose text changed, against the rest of a
    newsroom ``load`` made: what the development server runs for a saved edit, instead of
    reading every file again (tools/build_worker.py).

    The file's own checks are the ones ``load`` runs (``_check_release``), with the same
    translation folders; of the checks across files, its links are checked against the same
    site and its translation warnings worked out again with its new lines. The other checks
    across files (addresses, translation groups, data) read only what the caller makes sure
    is unchanged: which files there are and each release's slug, date, language and keys.
    """

    def __init__(
        self, newsroom: Newsroom, content: Path, settings: NewsroomSettings, root: Path
    ) -> None:
        self.newsroom, self.settings = newsroom, settings
        content = content.resolve()
        shown = _display_paths(content, root)
        self.files = {
            shown(file): file
            for file in _markdown_files(content / settings.releases_path, root, [])
        }
        self.targets = links.Site.of(
            newsroom.releases,
            newsroom.pages,
            content,
            RESERVED | {code.lower() for code in settings.languages},
            settings.release_url,
        )

    def release(self, source: str) -> tuple[Release | None, list[Problem]]:
        """The release in the file ``source`` (a path as messages show it), and its problems."""
        site = self.newsroom.site
        assert site is not None
        file = self.files[source]
        doc = read_bytes(source, file.read_bytes(), self.settings.max_file_bytes)
        key = _translation_key(doc)
        # The folders of its translations, as load finds them: the files with the same key.
        group = {
            self.files[r.source]: r.translation_key
            for r in self.newsroom.releases
            if key is not None and r.translation_key == key and r.source != source
        }
        shared = _translation_folders({**group, file: key}).get(file, ())
        checked = _check_release(doc, file, site, self.settings, shared)
        problems = list(checked.problems)
        release = checked.release
        if release is None:
            return None, sorted(problems)
        problems += links.check(_release_links(release, checked.links), self.targets)
        if checked.key_lines is not None:
            versions = [
                r
                for r in self.newsroom.releases
                if r.translation_key == release.translation_key and r.source != source
            ]
            # Only this file's warnings are kept: the others' lines are not at hand.
            lines = {r.source: (0, 0) for r in versions} | {source: checked.key_lines}
            found = _translation_problems([*versions, release], lines)
            problems += [p for p in found if p.path == source]
        return release, sorted(problems)
