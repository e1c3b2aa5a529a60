"""The persistent cache of checked releases, shared by ``invoke check`` and ``invoke build``.

Reading a release is most of a check's time (YAML, Markdown, typography, the sanitizer, the
links in the result), and a release's outcome depends only on what is in its key: the file's
bytes and path, the data files, the settings, the files in its folders and this code. So the
outcome (the Release, its own problems and its links) is kept in ``.cache/newsroom/`` beside
the content folder, one JSON file per key, and read back instead of being worked out again.
A warm check reads them all from one file instead, with what vouches for each release file's
bytes without reading them (``Snapshot``).

What depends on other files or on the build instant is never kept: duplicate addresses,
translations, where each link leads and whether it is live by then are checked on every run
from the entries (``content.load``). The cache is never needed for a correct result: an entry
that is missing, unreadable, written by another version of this code or under another key is
ignored and the release is read again. Entries are plain JSON, written under a temporary name
and renamed, so two runs at once never see half of one; only this module's classes are made
from them, and only when the entry names this code's version and its own key.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import hashlib
import io
import json
import logging
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
import zoneinfo
from collections.abc import Callable, Collection
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from .atomic import replacing, write_file
from .models import (
    Attachment,
    Boilerplate,
    Contact,
    Image,
    ImageVariant,
    Release,
    SiteData,
    Topic,
    Update,
)
from .problems import Problem, Severity

logger = logging.getLogger(__name__)

#: Beside the content folder, like the picture caches (``.cache/`` is git-ignored).
FOLDER = Path(".cache") / "newsroom"
#: The layout of an entry; change it when ``encode`` changes shape.
FORMAT = 2
#: Libraries whose output ends up in a cached release (Markdown, sanitizer, YAML, pictures,
#: and the zone rules that turn a local time into an instant).
LIBRARIES = ("markdown", "nh3", "pyyaml", "pillow", "unidecode", "markupsafe", "babel", "tzdata")
#: The classes an entry may hold; anything else in an entry makes it unreadable.
_CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (Release, Image, ImageVariant, Attachment, Update, Contact, Boilerplate)
}
_FIELDS = {cls: frozenset(f.name for f in dataclasses.fields(cls)) for cls in _CLASSES.values()}
#: Shared data a release names by key: read back from this run's data, not from the entry.
#: Contacts and boilerplates are kept as the release shows them, in its own language.
_SHARED = {Topic: "topics"}


PACKAGE = Path(__file__).resolve().parent


def code_version(package: Path = PACKAGE) -> str:
    """A hash of the plugin's source and the versions of what it runs on: any change to
    either makes every entry a stranger."""
    h = hashlib.sha256(f"{FORMAT} {sys.version}".encode())
    for path in sorted(package.glob("*.py")):
        h.update(f"\0{path.name}\0".encode())
        h.update(path.read_bytes())
    versions = _versions()
    for name in LIBRARIES:
        h.update(f"\0{name} {versions.get(name, '-')}".encode())
    # The system's zone rules come first (zoneinfo.TZPATH); a new release of them can move
    # an instant a release names, so their version is part of every key.
    for folder in zoneinfo.TZPATH:
        try:
            with open(os.path.join(folder, "tzdata.zi"), "rb") as rules:
                h.update(b"\0" + rules.readline())
        except OSError:
            continue
    h.update(b"\0libyaml" if hasattr(yaml, "CBaseLoader") else b"\0pure")
    return h.hexdigest()


def tracked(repo: Path, folder: Path) -> bool:
    """Whether git tracks anything under ``folder`` of ``repo`` (False outside a repository).

    When git cannot say inside a repository (not installed, too slow, or refusing the
    folder as owned by another user, as in some CI containers), the answer is yes: reading
    a cache that a pull request committed would publish what no check has seen, while
    ignoring an honest one only costs time.

    A folder reached through a symbolic link counts as tracked too: git lists nothing
    beyond a committed link (``.cache`` pointing at a committed folder of forged entries).
    """
    inside = repo
    for name in folder.parts:
        inside = inside / name
        if inside.is_symlink():
            return True
    try:
        listed = subprocess.run(
            ["git", "-C", str(repo), "ls-files", "-z", "--", folder.as_posix()],
            capture_output=True,
            check=False,
            timeout=30,
            env={**os.environ, "LC_ALL": "C", "LANGUAGE": ""},  # the message below, in English
        )
    except subprocess.TimeoutExpired:
        return True
    except OSError:  # no git: only a folder that is not in a repository is certainly untracked
        return any((parent / ".git").exists() for parent in (repo, *repo.resolve().parents))
    if listed.returncode == 0:
        return bool(listed.stdout)
    return b"not a git repository (or any of the parent directories)" not in listed.stderr


#: The caches ``refused`` has warned of in this process, by repository and folder.
_TOLD: set[tuple[str, str]] = set()


def refused(repo: Path, folder: Path) -> bool:
    """Whether the cache in ``repo/folder`` must go unused because git tracks it (``tracked``),
    saying so once per process for each folder: a check or a build asks several times (a
    trial build's halving runs many builds), and one warning tells the person what to do."""
    if not tracked(repo, folder):
        return False
    told = (str(repo.resolve()), folder.as_posix())
    if told not in _TOLD:
        _TOLD.add(told)
        logger.warning(
            "%s is committed to the repository (or reached through a symbolic link): nothing "
            "kept there is used, and all of it is made again. Remove it from git (git rm -r "
            "--cached %s); .cache/ is git-ignored.",
            folder.as_posix(),
            folder.parts[0],
        )
    return True


def own_folder(repo: Path, folder: Path) -> Path:
    """``repo/folder``, for a cache of pictures this machine made; when git tracks anything
    there, a new empty folder of this process's own instead, removed when it ends.

    Pictures are kept by a hash of what they are made from, which anyone can work out: one
    committed in a pull request under that name would be published in place of the real
    one. Like the check's entries (``Store.beside``), a committed cache is never read.
    """
    if not refused(repo, folder):
        return repo / folder
    private = Path(tempfile.mkdtemp(prefix=f"newsroom-{folder.name}-"))
    atexit.register(shutil.rmtree, private, ignore_errors=True)
    return private


def digest(*parts: str | bytes) -> str:
    """The SHA-256 of ``parts``, each length-prefixed, so no two lists of parts collide."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(f"{len(data)}:".encode())
        h.update(data)
    return h.hexdigest()


def tree_digest(folder: Path, skip: Collection[str] = ()) -> str:
    """The names and bytes of every file under ``folder``, except in folders named in ``skip``.

    A link is never followed: it counts by its target's text, and anything that is neither a
    file, a folder nor a link (a pipe) by its kind alone, so that working out a digest never
    waits on a pipe that nothing writes to. Hashed as ``digest`` would hash the list of
    names and bytes, one file at a time.
    """
    return tree_digests(folder, skip)[0]


def tree_digests(
    folder: Path,
    skip: Collection[str] = (),
    part_of: Callable[[str, bytes], bytes] | None = None,
) -> tuple[str, str]:
    """``tree_digest``, and beside it the digest of what ``part_of`` keeps of each file's
    bytes (given its path inside ``folder``), read in the same pass; without ``part_of``,
    the same twice."""
    h = hashlib.sha256()
    kept = hashlib.sha256() if part_of is not None else h

    def part(data: bytes, into: hashlib._Hash = h) -> None:
        into.update(f"{len(data)}:".encode())
        into.update(data)

    def both(data: bytes) -> None:
        part(data)
        if kept is not h:
            part(data, kept)

    # The folders still to read, the next one last: a stack, since content may nest folders
    # deeper than Python's recursion limit.
    stack = [(str(folder), "")] if folder.is_dir() else []
    while stack:
        path, prefix = stack.pop()
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError:
            both(f"{prefix}\0unreadable folder".encode("utf-8", "surrogatepass"))
            continue
        folders = []
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in skip:
                    folders.append((entry.path, f"{prefix}{entry.name}/"))
                continue
            both(f"{prefix}{entry.name}".encode("utf-8", "surrogatepass"))
            data = _entry_bytes(entry)
            part(data)
            if part_of is not None:
                part(part_of(f"{prefix}{entry.name}", data), kept)
        stack.extend(reversed(folders))
    return h.hexdigest(), kept.hexdigest()


def _entry_bytes(entry: os.DirEntry[str]) -> bytes:
    try:
        if entry.is_symlink():
            return b"\0link " + os.fsencode(os.readlink(entry.path))
        if not entry.is_file(follow_symlinks=False):
            return b"\0special"
        with open(entry.path, "rb") as handle:
            return handle.read()
    except OSError:
        return b"\0unreadable"


def file_digest(path: str | Path | None) -> str:
    """The bytes of one file: ``-`` for none, ``unreadable`` when it cannot be read."""
    try:
        return digest(Path(path).read_bytes()) if path else "-"
    except OSError:
        return "unreadable"


def installed() -> list[str]:
    """Python's version and every installed package's, by the folders that hold its metadata
    (``name-version.dist-info``) on the module path: what reading each package's metadata
    would say, in a thousandth of its time, which counts in a rebuild that keeps its output.
    """
    return [sys.version, *sorted(_metadata_folders())]


#: The metadata of installed packages, and the files that add folders to the module path.
_METADATA_FOLDERS = (".dist-info", ".egg-info", ".egg-link", ".pth")


def _metadata_folders() -> list[str]:
    """``folder/name`` of each package's metadata, in the order of the module path."""
    found = []
    for entry in dict.fromkeys(sys.path):
        try:
            with os.scandir(entry or os.curdir) as entries:
                names = sorted(e.name for e in entries if e.name.endswith(_METADATA_FOLDERS))
        except OSError:  # a zip file, or gone
            names = ["\0unlisted"]
        found += [f"{entry}/{name}" for name in names]
    return found


def _versions() -> dict[str, str]:
    """Each installed package's version by its normalized name, from the names of the
    ``name-version.dist-info`` folders, the first on the module path winning as in an
    import (without loading importlib.metadata, which takes longer to import than a
    rebuild that keeps its output takes in all)."""
    found: dict[str, str] = {}
    for entry in _metadata_folders():
        folder = entry.rsplit("/", 1)[-1]
        if folder.endswith(".dist-info"):
            name, _, version = folder.removesuffix(".dist-info").rpartition("-")
            found.setdefault(name.lower().replace("_", "-").replace(".", "-"), version)
    return found


def stable_text(value: Any) -> str:
    """``value`` as text that is the same in every run, or TypeError (a function's text
    names its address in memory). Objects, such as Jinja's bytecode cache, by their class
    and attributes."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {stable_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return f"{type(value).__name__}[" + ", ".join(stable_text(v) for v in items) + "]"
    if value is None or isinstance(value, str | int | float | datetime | Path | type):
        return repr(value)
    if callable(value) or not hasattr(value, "__dict__"):
        raise TypeError(f"{type(value).__name__} has no stable text")
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}({stable_text(vars(value))})"


class Store:
    """One folder of entries for one version of the code; ``None`` keeps nothing."""

    def __init__(self, folder: Path | None, version: str | None = None) -> None:
        self.version = version or code_version()
        self.folder = folder / f"{FORMAT}-{self.version[:20]}" if folder else None
        #: What this process found: entries read, entries missing or refused, entries written
        #: (a parallel check's workers write theirs in their own copies).
        self.hits = self.misses = self.writes = 0
        #: The content folder this store lies beside (``beside``): only that folder's
        #: release files are listed in its snapshot (``Snapshot``).
        self.content: Path | None = None
        #: The folders this run made or found: a check writes thousands of entries into
        #: a few hundred folders, and asking for each one again was most of writing them.
        self._folders: set[str] = set()

    @classmethod
    def beside(cls, content: Path) -> Store:
        """The store in ``.cache/newsroom/`` next to ``content``; older versions' are removed.

        None, with a warning (``refused``), when the repository tracks a file there: entries
        are trusted as this machine's own work, and one committed in a pull request could
        carry HTML no check has seen.
        """
        if refused(content.parent, FOLDER):
            return cls(None)
        store = cls(content.parent / FOLDER)
        store.content = content
        if store.folder is not None and store.folder.parent.is_dir():
            for other in store.folder.parent.iterdir():
                if other != store.folder and not other.name.startswith("."):
                    # Only ever read by another version; a run of it still at work just
                    # finds nothing and works everything out again.
                    shutil.rmtree(other, ignore_errors=True)
        return store

    def _path(self, kind: str, key: str) -> str | None:
        # Joined as text: ten thousand Path objects are a measurable part of a warm check.
        if self.folder is None:
            return None
        return os.path.join(self.folder, kind, key[:2], f"{key}.json")

    def get(self, kind: str, key: str) -> Any:
        """The value kept under ``key``, or None when there is none this code can trust."""
        value = self.value_of(self.raw(kind, key), kind, key)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def raw(self, kind: str, key: str) -> bytes | None:
        """The bytes of the entry under ``key``, unread; None when there is none."""
        path = self._path(kind, key)
        if path is None:
            return None
        try:
            with open(path, "rb") as handle:
                return handle.read()
        except OSError:
            return None

    def value_of(self, data: bytes | None, kind: str, key: str) -> Any:
        """The value in an entry's bytes, when the entry is this code's and ``key``'s."""
        if data is None:
            return None
        try:
            entry = json.loads(data)
        except ValueError:
            return None
        if (
            isinstance(entry, dict)
            and entry.get("format") == FORMAT
            and entry.get("version") == self.version
            and entry.get("kind") == kind
            and entry.get("key") == key
        ):
            return entry.get("value")
        return None

    def put(self, kind: str, key: str, value: Any) -> None:
        """Keep ``value`` under ``key``; a folder that cannot be written only costs time."""
        path = self._path(kind, key)
        if path is None:
            return
        entry = {"format": FORMAT, "version": self.version, "kind": kind, "key": key}
        data = json.dumps({**entry, "value": value}, ensure_ascii=False, separators=(",", ":"))
        folder = os.path.dirname(path)
        try:
            if folder not in self._folders:
                os.makedirs(folder, exist_ok=True)
                self._folders.add(folder)
            # The owner's alone (0o600): nothing but this code reads them.
            write_file(path, data.encode("utf-8", "surrogatepass"), mode=0o600)
        except OSError:
            self._folders.discard(folder)  # removed meanwhile, perhaps: made again next time
            return
        self.writes += 1


class Unreadable(ValueError):
    """An entry whose value is not what ``encode`` writes: it is ignored."""


def encode(value: Any, content: Path) -> Any:
    """A release (and what it holds) as plain JSON values; paths inside ``content`` are
    kept relative to it, so a copy of the same content (a git ref's, for ``--against``)
    finds the same entries."""
    kind = type(value)
    # Most values are text: answered before any other question.
    if kind in _PLAIN:
        return value
    if kind in _SHARED:
        return {"$shared": _SHARED[kind], "key": value.key}
    names = _field_names(kind)
    if names is not None:
        fields: dict[str, Any] = {"$": kind.__name__}
        for name in names:
            item = getattr(value, name)
            fields[name] = item if type(item) in _PLAIN else encode(item, content)
        return fields
    if isinstance(value, datetime):
        zone = value.tzinfo
        named = zone.key if isinstance(zone, ZoneInfo) else None
        offset = value.utcoffset()
        assert offset is not None, "every instant in a release carries its zone"
        return {
            "$time": value.replace(tzinfo=None).isoformat(),
            "zone": named,
            "offset": offset.total_seconds(),
            "fold": value.fold,
        }
    if isinstance(value, Path):
        if not value.is_relative_to(content):
            raise TypeError(f"{value} lies outside the content folder")
        return {"$path": value.relative_to(content).as_posix()}
    if isinstance(value, list | tuple):
        return [item if type(item) in _PLAIN else encode(item, content) for item in value]
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"{type(value).__name__} cannot be kept in the cache")


#: ``_field_names`` of each type seen so far.
_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass, in order; None for any other type."""
    if kind not in _NAMES:
        dataclass = dataclasses.is_dataclass(kind)
        _NAMES[kind] = tuple(f.name for f in dataclasses.fields(kind)) if dataclass else None
    return _NAMES[kind]


def decode(value: Any, site: SiteData, content: Path) -> Any:
    """What ``encode`` wrote, made again; shared data comes from ``site``, paths are made
    inside ``content``."""
    try:
        return _decode(value, site, content)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise Unreadable(str(err)) from None


#: What JSON gives that is kept as it is.
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _decode(value: Any, site: SiteData, content: Path) -> Any:
    # Ten thousand releases are hundreds of thousands of values: plain ones (most of them,
    # text) are taken as they are without a call.
    kind = type(value)
    if kind is list:
        return tuple(
            item if type(item) in _PLAIN else _decode(item, site, content) for item in value
        )
    if kind is not dict:
        if kind in _PLAIN:
            return value
        raise TypeError(kind.__name__)
    if "$shared" in value:
        table = value["$shared"]
        if table not in _SHARED.values():
            raise KeyError(table)
        return getattr(site, table)[value["key"]]
    if "$time" in value:
        naive = datetime.fromisoformat(value["$time"])
        zone = (
            ZoneInfo(value["zone"])
            if value["zone"] is not None
            else timezone(timedelta(seconds=value["offset"]))
        )
        return naive.replace(tzinfo=zone, fold=value["fold"])
    if "$path" in value:
        relative = Path(value["$path"])
        if relative.is_absolute() or ".." in relative.parts:
            raise ValueError(f"{relative} leads out of the content folder")
        return content / relative
    cls = _CLASSES[value["$"]]
    names = _FIELDS[cls]
    return cls(
        **{
            k: v if type(v) in _PLAIN else _decode(v, site, content)
            for k, v in value.items()
            if k in names
        }
    )


def pack(value: Any, site: SiteData) -> bytes:
    """``value`` (a release and what it holds, as ``decode`` makes them) as bytes for the
    process that forked this one, the shared data in it named by key as an entry names it
    (``unpack``).

    A worker sends the release it kept in the cache this way: taking in a pickle is done in
    C, where decoding the entry would be most of the parent's share of a cold check.
    Pickles only ever pass between the processes of one run: an entry, which another run
    may have written, is JSON and is read only by ``decode``.
    """
    shared = {id(item): (table, key) for table in _SHARED.values()
              for key, item in getattr(site, table).items()}  # fmt: skip
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.persistent_id = lambda item: shared.get(id(item))  # type: ignore[method-assign]
    pickler.dump(value)
    return buffer.getvalue()


def unpack(data: bytes, site: SiteData) -> Any:
    """What ``pack`` sent, with the shared data from ``site``: the same objects as here."""

    def shared(name: Any) -> Any:
        table, key = name
        if table not in _SHARED.values():
            raise pickle.UnpicklingError(f"{table} is not shared data")
        return getattr(site, table)[key]

    unpickler = pickle.Unpickler(io.BytesIO(data))
    unpickler.persistent_load = shared  # type: ignore[method-assign]
    return unpickler.load()


def encode_problems(problems: list[Problem]) -> list[list[Any]]:
    return [[p.path, p.line, p.field, p.message, p.fix, p.rule, p.severity.value] for p in problems]


def decode_problems(value: Any) -> list[Problem]:
    try:
        return [
            Problem(str(p), int(ln), str(f), str(m), str(x), str(r), Severity(s))
            for p, ln, f, m, x, r, s in value
        ]
    except (TypeError, ValueError) as err:
        raise Unreadable(str(err)) from None


#: How long before a file is read its last change must be for its status to vouch for its
#: bytes on the next run (``Snapshot``): a change made after the read, within the same tick
#: of the file system's clock, would otherwise leave the status as it was. Two seconds
#: cover the coarsest clocks of the file systems a checkout lives on (one second).
SETTLED_NS = 2_000_000_000

#: The end of a snapshot: the length of its header, in ``_TAIL`` bytes of decimal digits.
_TAIL = 12


def settling_from() -> int:
    """The instant before which a file's last change must come for its status, taken now,
    to vouch for its bytes from then on (``SETTLED_NS``)."""
    return time.time_ns() - SETTLED_NS


def changed_since(info: os.stat_result, instant: int) -> bool:
    """Whether the file found with ``info`` changed at or after ``instant``."""
    return max(info.st_mtime_ns, info.st_ctime_ns) >= instant


def status_of(info: os.stat_result) -> tuple[int, int, int, int, int]:
    """What changes whenever a file's bytes do: the change time cannot be set by hand, and
    a new copy of a file (a checkout, a restored cache, an edit saved by renaming) is a new
    inode with a new change time."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _status(path: str) -> tuple[int, ...]:
    return status_of(os.stat(path, follow_symlinks=False))


class Snapshot:
    """The cache entries of every release file of one content folder in a single file, with
    the status of each release file when it was read (``_status``), so that a warm check
    opens two files instead of twenty thousand.

    A file whose status is the one recorded, and which had settled before it was read
    (``SETTLED_NS``), holds the bytes it held then: its key is taken as recorded, and the
    file is not read. Any other file is read and hashed as without a snapshot. An entry is
    kept here as ``Store.put`` writes it, but for the release's HTML: that comes after it,
    as it is, so that reading it is not parsing it as JSON (most of the time of reading
    ten thousand entries). The file ends with a header that lists each release file, its
    key and where its entry lies, and the SHA-256 of all that comes before it: a snapshot
    cut short or damaged anywhere is not read at all, and each entry is checked as the
    store checks its own (``Store.value_of``).

    Only the store beside a content folder (``Store.beside``) keeps one, for that folder:
    the copy of a git ref that ``--against`` checks has nothing to find again. Written only
    when something in it changed, under a temporary name and renamed (atomic.py).
    """

    def __init__(self, store: Store, content: Path, base: str) -> None:
        self.store, self.base = store, base
        self.path = (
            os.path.join(store.folder, "snapshot", digest("snapshot", str(content))[:32])
            if store.folder is not None and store.content == content
            else None
        )
        #: What the last snapshot lists: release file -> status (or None), key, entry's
        #: start, its length without the HTML, the HTML's length.
        self._listed: dict[str, tuple[tuple[int, ...] | None, str, int, int, int]] = {}
        self._data = b""
        #: What this run found: release file -> status (None when it had not settled), key.
        self._found: dict[str, tuple[tuple[int, ...] | None, str]] = {}
        #: Release files whose key was taken from their status, not from their bytes.
        self.vouched_for = 0
        if self.path is not None:
            self._open(self.path)

    def _open(self, path: str) -> None:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
            length = int(data[-_TAIL:])
            if not 0 < length <= len(data) - _TAIL:
                return
            header = json.loads(data[-_TAIL - length : -_TAIL])
            body = memoryview(data)[: len(data) - _TAIL - length]
            if not (
                isinstance(header, dict)
                and header.get("format") == FORMAT
                and header.get("version") == self.store.version
                and header.get("base") == self.base
                and header.get("sha256") == hashlib.sha256(body).hexdigest()
            ):
                return
            listed = {}
            start = 0
            for shown, status, key, size, html in header["files"]:
                listed[str(shown)] = (
                    None if status is None else tuple(int(n) for n in status),
                    str(key),
                    start,
                    int(size),
                    int(html),
                )
                start += int(size) + int(html)
            if start != len(body):
                return
        except (OSError, ValueError, TypeError, KeyError):
            return
        self._listed, self._data = listed, data

    def vouched(self, shown: str, path: str) -> str | None:
        """The key of the release file at ``path`` when its status vouches for its bytes."""
        listed = self._listed.get(shown)
        if listed is None or listed[0] is None:
            return None
        try:
            status = _status(path)
        except OSError:
            return None
        if status != listed[0]:
            return None
        self._found[shown] = (status, listed[1])
        self.vouched_for += 1
        return listed[1]

    def read(self, shown: str, path: str) -> tuple[bytes, str]:
        """The bytes of a release file and their key, its status noted when it had settled."""
        before = settling_from()
        try:
            status: tuple[int, ...] | None = _status(path)
        except OSError:
            status = None
        with open(path, "rb") as handle:
            raw = handle.read()
        if status is not None and max(status[3], status[4]) >= before:
            status = None  # changed too recently: its next change may keep this status
        key = digest(self.base, shown, raw)
        self._found[shown] = (status, key)
        return raw, key

    def entry(self, shown: str, key: str) -> Any:
        """The entry of the release file ``shown`` under ``key``, as ``Store.get`` gives it;
        from the snapshot when it lists one, else from the store."""
        listed = self._listed.get(shown)
        if listed is None or listed[1] != key:
            return self.store.get("release", key)
        _, _, start, size, html = listed
        value = self.store.value_of(self._data[start : start + size], "release", key)
        release = value.get("release") if isinstance(value, dict) else None
        if isinstance(release, dict):
            text = self._data[start + size : start + size + html]
            try:
                release["body_html"] = text.decode("utf-8", "surrogatepass")
            except UnicodeDecodeError:
                value = None
        elif html:  # HTML for no release: not what ``_write`` writes
            value = None
        if value is None:
            return self.store.get("release", key)
        self.store.hits += 1
        return value

    def save(self) -> None:
        """Write the snapshot of the release files this run found, if it differs from the
        last one; an entry the store no longer holds is left out, and its file read again
        next time. Never raises: a snapshot only saves time."""
        listed = {shown: (status, key) for shown, (status, key, *_) in self._listed.items()}
        if self.path is not None and listed != self._found:
            with contextlib.suppress(OSError, ValueError):
                self._write(self.path)
        self._listed, self._data = {}, b""  # the entries are in their releases by now

    def _write(self, path: str) -> None:
        files: list[list[Any]] = []
        parts: list[bytes | memoryview] = []
        view = memoryview(self._data)
        for shown, (status, key) in self._found.items():
            listed = self._listed.get(shown)
            if listed is not None and listed[1] == key:
                _, _, start, size, html = listed
                entry, text = view[start : start + size], view[start + size : start + size + html]
            else:
                split = _split(self.store, key)
                if split is None:
                    continue
                entry, text = memoryview(split[0]), memoryview(split[1])
            files.append(
                [shown, None if status is None else list(status), key, len(entry), len(text)]
            )
            parts += [entry, text]
        checksum = hashlib.sha256()
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with replacing(path) as partial:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
            with os.fdopen(os.open(partial, flags, 0o600), "wb") as handle:
                for part in parts:
                    checksum.update(part)
                    handle.write(part)
                header = {
                    "format": FORMAT,
                    "version": self.store.version,
                    "base": self.base,
                    "sha256": checksum.hexdigest(),
                    "files": files,
                }
                data = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode(
                    "utf-8", "surrogatepass"
                )
                handle.write(data + b"%0*d" % (_TAIL, len(data)))


def _split(store: Store, key: str) -> tuple[bytes, bytes] | None:
    """The store's entry under ``key`` as a snapshot keeps it: the entry without the
    release's HTML, then the HTML."""
    value = store.value_of(store.raw("release", key), "release", key)
    if not isinstance(value, dict):
        return None
    release = value.get("release")
    html = ""
    if isinstance(release, dict):
        html = release.pop("body_html", None)
        if not isinstance(html, str):
            return None
    entry = {"format": FORMAT, "version": store.version, "kind": "release", "key": key}
    data = json.dumps({**entry, "value": value}, ensure_ascii=False, separators=(",", ":"))
    return data.encode("utf-8", "surrogatepass"), html.encode("utf-8", "surrogatepass")
