"""Search: a Pagefind index of the release pages once all is written (the ``/search/`` page
and the build's hook are in search_page.py: this module loads without Pelican, in the
process that runs Pagefind once the build's child has ended).

Pagefind reads the finished HTML in the output folder, so it indexes exactly what the time
gate let through: an embargoed release is in a public build's index only from its instant
on (a preview, never deployed, indexes what it shows). Only release pages are given to it,
and only their ``data-pagefind-body`` element is indexed (article.html).

Pagefind holds the words of every page it indexes until it writes, about a quarter of a
megabyte a page: 2.3 GB for 10,000 releases. So each language's releases, oldest first, are
indexed in parts of at most ``search_part_size`` pages (500 unless the settings say
otherwise), each into its own bundle (``pagefind/<lang>/<n>/``), at most two Pagefind runs
at a time (``MOST_AT_ONCE``, in a forked build: ``build_index``); the search page of a
language merges its parts in the browser (search.js). A part holds one language, so
Pagefind stems it with that language's rules (Prognosen finds Prognose on German pages).
Parts are cut oldest first so that a new release changes only the newest part: the others
keep their files, and hosts and caches keep theirs.

Each part is one run of Pagefind's binary, started directly (its Python launcher,
``python -m pagefind``, cost 0.06 s of CPU a run), given the whole output and a glob of the
part's pages. Pagefind walks only the folder its glob names outright, so the glob starts
with the folder all the part's pages share (``news/2021/{a/index.html,...}``): at 10,000
releases a glob of bare alternatives walked all 30,000 files of the output in each run
(0.15 s of CPU), one rooted at ``news/2021/`` walks 1,700 (0.02 s). The rest of a run, most
of it, is what Pagefind does for each page (parse it, index its words, compress what it
writes at its best level), which none of its options changes (benchmarks/README.md).

A part whose pages are byte for byte those of a part indexed before is not indexed again:
each bundle is kept in ``.cache/search-parts/`` beside the content folder, under a hash of
its pages' addresses and the digests of their bytes, whether it carries Pagefind's code,
Pagefind's version and binary, and Pagefind's configuration (``Bundles``), with the digest
of its files' names and bytes, checked before it is put in an output (a file of an output
edited in place is the kept file too when it is a hard link). A new or edited release
changes one part's pages, so a rebuild runs Pagefind on that part alone. A page's digest is
the one in the pages' record (pagerecord.py) when the file's recorded status vouches for it,
as for a file a rebuild takes, and the file is not read (reading the pages of every part
again took 0.5 to 1 s of CPU at 10,000 releases: benchmarks/README.md); any other page is
hashed, and its status recorded when it had settled. The files are hard links where the
file system allows (nothing in a build writes into a file it did not just create), and
entries no build has used for an hour are removed.

An ``invoke build`` leaves the parts of the output where they lie (about 10,700 files at
10,000 releases, which were moved aside, deleted and linked back from the cache): it
records each part's key and the status of every entry in its folder once the index is
done (``Indexing.record``: mode, inode, size, modification and change times), and the
next one keeps a part whose key is the same and whose folder is found just so. A file
written, added, removed, linked or renamed there has another change time, or changes the
listing. A part that changed too recently for its status to vouch for it (``_status``) is
recorded without one, and kept only once its files are found byte for byte to be its
bundle's. Anything else in ``pagefind/``, and a part found otherwise, is removed before the
part is put back from the cache or indexed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import posixpath
import re
import shutil
import stat
import subprocess
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pagefind.service import get_executable

from . import cache
from .atomic import replacing
from .cache import installed
from .outfolder import new_modes
from .pagerecord import Recorded, settled, vouched
from .problems import OutputError
from .state import Beside

if TYPE_CHECKING:
    from .models import Release

INDEX_FOLDER = "pagefind"
#: The most characters of one part's ``--glob``: Linux refuses a longer argument than
#: 128 KiB, and a part closes early rather than reach it (only with very long addresses).
GLOB_LIMIT = 100_000
#: What search.js loads from the newest part of a language: Pagefind's script, its worker
#: and its WebAssembly. Every part keeps its index (entry, metadata, index, filters and
#: fragments); Pagefind's ready-made interfaces, which the site does not use, are left out.
CODE = re.compile(r"pagefind\.js|pagefind-worker\.js|wasm\.[\w-]+\.pagefind")
INDEX = re.compile(r"pagefind-entry\.json|pagefind\.[\w-]+\.pf_meta|index|filter|fragment")
#: Characters with a meaning in Pagefind's globs (the wax crate), escaped in addresses;
#: wax refuses an escaped !, # or ~, which mean nothing inside a path.
GLOB_SPECIAL = re.compile(r"([*?\[\](){}<>,:$])")


class SearchIndexError(OutputError):
    """Pagefind could not index the site: the build stops rather than ship a stale index."""


@dataclass(frozen=True)
class Part:
    """Consecutive release pages of one language, indexed into one Pagefind bundle."""

    lang: str
    number: int
    pages: tuple[str, ...]  # the pages' files in the output, oldest first

    @property
    def folder(self) -> str:
        return f"{INDEX_FOLDER}/{self.lang}/{self.number}/"

    @property
    def glob(self) -> str:
        """The part's pages as one glob, rooted at the folder they share: Pagefind walks
        only that folder (the wax crate's walk starts below a glob's literal prefix)."""
        shared = posixpath.commonpath([posixpath.dirname(page) for page in self.pages])
        start = len(shared) + 1 if shared else 0
        pages = ",".join(_escaped(page[start:]) for page in self.pages)
        return f"{_escaped(shared)}/{{{pages}}}" if shared else f"{{{pages}}}"


def _escaped(path: str) -> str:
    return GLOB_SPECIAL.sub(r"\\\1", path)


def parts(releases: Iterable[Release], size: int) -> list[Part]:
    """Each language's releases, oldest first, cut into parts of at most ``size`` pages."""
    by_lang: dict[str, list[str]] = {}
    for release in sorted(releases, key=lambda r: (r.date, r.source)):
        by_lang.setdefault(release.lang, []).append(f"{release.url}index.html")
    return [part for lang in sorted(by_lang) for part in _cut(lang, by_lang[lang], size)]


def _cut(lang: str, pages: list[str], size: int) -> list[Part]:
    """One language's pages in runs of ``size``, each with a glob Linux accepts."""
    runs: list[list[str]] = [[]]
    length = 0
    for page in pages:
        worst = len(page) * 2 + 1  # every character escaped, and a comma
        if runs[-1] and (len(runs[-1]) == size or length + worst > GLOB_LIMIT):
            runs.append([])
            length = 0
        runs[-1].append(page)
        length += worst
    return [Part(lang, number, tuple(run)) for number, run in enumerate(runs) if run]


def bundles(cut: Sequence[Part], lang: str) -> list[str]:
    """The bundle folders a language's search page merges, newest part first."""
    return [p.folder for p in sorted(cut, key=lambda p: -p.number) if p.lang == lang]


#: Beside the content folder, like the other caches (``.cache/`` is git-ignored).
CACHE_FOLDER = Path(".cache") / "search-parts"
#: Part of every key: change it whenever what a bundle holds changes.
BUNDLE_FORMAT = "masthead-search-part-3"
#: The layout of the parts' record (``Indexing.record``).
RECORD_FORMAT = 2
#: A part's status in the record when none vouches for it yet (it changed too recently):
#: the next build keeps it where it lies only once its files are found to be its bundle's.
UNSETTLED = ""
#: Entries no build used for this long are removed (seconds).
KEEP_UNUSED = 3600


class Bundles:
    """Parts' bundles kept from earlier builds, by a hash of everything Pagefind reads.

    Never needed for a correct result: a missing or damaged entry costs a Pagefind run, and
    an entry is written whole under a temporary name, then renamed.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._used: set[str] = set()
        self._pagefind: str | None = None

    def key(
        self,
        output: Path,
        part: Part,
        code: bool,
        binary: Path,
        pages: Mapping[str, Recorded] | None = None,
    ) -> str:
        """Everything a part's bundle is made from: its pages, by address and the digest of
        their bytes (``pages``: the build's record of its pages, whose statuses it keeps)."""
        if self._pagefind is None:
            self._pagefind = _pagefind_identity(binary)
        h = hashlib.sha256()
        for text in (BUNDLE_FORMAT, self._pagefind, part.lang, part.folder, str(code)):
            h.update(text.encode() + b"\0")
        for page in part.pages:
            entry = pages.get(page) if pages is not None else None
            h.update(f"{page}\0{_digest(os.path.join(output, page), entry)}\0".encode())
        return h.hexdigest()

    def restore(self, key: str, bundle: Path) -> bool:
        """Put the kept bundle of ``key`` at ``bundle``, once its files are found to have
        the digest it was kept with and the modes a build gives them; False when there is
        none (a damaged one is removed)."""
        entry = self.folder / key
        try:
            recorded = (entry / DIGEST).read_text("ascii")
        except (OSError, ValueError):
            return False
        if _bundle_digest(entry / BUNDLE) != recorded or not _own(entry / BUNDLE):
            # A file of an output is the kept one too when it is a hard link: its bytes or
            # its mode changed there changed it here. Made again by this build's run.
            shutil.rmtree(entry, ignore_errors=True)
            return False
        try:
            _clear(bundle)
            _copy_tree(entry / BUNDLE, bundle)
        except OSError:
            _clear(bundle)
            return False
        self.used(key)
        return True

    def holds(self, key: str, bundle: Path) -> bool:
        """Whether the files at ``bundle`` are, name for name and byte for byte, those the
        bundle of ``key`` was kept with (its digest); never through a link to a folder."""
        if bundle.is_symlink() or not bundle.is_dir() or not _own(bundle):
            return False
        try:
            recorded = (self.folder / key / DIGEST).read_text("ascii")
        except (OSError, ValueError):
            return False
        return _bundle_digest(bundle) == recorded

    def used(self, key: str) -> None:
        """Note that this build uses the kept bundle of ``key``: it is not removed."""
        with contextlib.suppress(OSError):
            os.utime(self.folder / key)
        self._used.add(key)

    def keep(self, key: str, bundle: Path) -> None:
        """Keep the bundle Pagefind just wrote, under ``key``, with its digest."""
        found = _bundle_digest(bundle)
        if found is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with replacing(self.folder / key) as partial:
                partial.mkdir()
                _copy_tree(bundle, partial / BUNDLE)
                (partial / DIGEST).write_text(found, "ascii")
        except OSError:  # another build kept it meanwhile, or no room: only time is lost
            return
        self._used.add(key)

    def tidy(self) -> None:
        """Remove entries this build did not use and no build used for ``KEEP_UNUSED``."""
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return
        old = time.time() - KEEP_UNUSED
        for entry in entries:
            try:
                unused = entry.name not in self._used and entry.stat().st_mtime < old
            except OSError:
                continue
            if unused:
                shutil.rmtree(entry, ignore_errors=True)


def _digest(path: str, entry: Recorded | None) -> str:
    """The digest of the bytes of the page at ``path``: the one its ``entry`` in the pages'
    record holds when the file's recorded status vouches for it, else hashed; the entry then
    takes the status that vouches for its digest from now on, if any (pagerecord.py)."""
    if entry is not None:
        try:
            if vouched(os.lstat(path), entry[2]):
                return str(entry[0])
        except OSError:
            pass  # read below, which says what is wrong
    before = cache.settling_from()
    with open(path, "rb") as file:
        info = os.fstat(file.fileno())
        found = hashlib.file_digest(file, "sha256").hexdigest()
    if entry is not None:
        entry[2] = settled(info, before) if found == entry[0] else None
    return found


def _pagefind_identity(binary: Path) -> str:
    """Pagefind as it will run: the installed packages' versions, the binary, and the
    configuration Pagefind reads from the working folder and the environment."""
    try:
        info = binary.stat()
        found = f"{info.st_size}\0{info.st_mtime_ns}"
    except OSError:  # it will not start either, and the build stops there
        found = "missing"
    parts = [*installed(), str(binary), found]
    parts += sorted(f"{k}={v}" for k, v in os.environ.items() if k.startswith("PAGEFIND"))
    for name in ("pagefind.yml", "pagefind.yaml", "pagefind.json", "pagefind.toml"):
        config = Path(name)
        if config.is_file():
            parts.append(name + "\0" + config.read_text("utf-8", "replace"))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


#: A kept entry's folder holds the bundle and the digest of its files (``_bundle_digest``).
BUNDLE = "bundle"
DIGEST = "digest"


def _bundle_digest(folder: Path) -> str | None:
    """The names and bytes of every file under ``folder``, and the names of its folders;
    None when anything there is neither (a link), or cannot be read."""
    h = hashlib.sha256()
    try:
        for path, kind in _tree(folder):
            if kind == "folder":
                h.update(f"{path}/\0".encode("utf-8", "surrogatepass"))
                continue
            with open(os.path.join(folder, path), "rb", opener=_no_follow) as file:
                data = file.read()
            h.update(f"{path}\0{len(data)}\0".encode("utf-8", "surrogatepass") + data)
    except (OSError, _Odd):
        return None
    return h.hexdigest()


def _own(folder: Path) -> bool:
    """Whether ``folder`` and all it holds are this user's, each with the mode a new file or
    folder gets here, as a part Pagefind wrote or the cache linked in has (outfolder.py
    leaves a page on the same terms)."""
    file_mode, folder_mode = new_modes()
    me = os.geteuid()
    try:
        found = [os.lstat(folder)] + [e.stat(follow_symlinks=False) for _, e in _walk(folder)]
    except OSError:
        return False
    return all(
        info.st_uid == me
        and stat.S_IMODE(info.st_mode) == (folder_mode if stat.S_ISDIR(info.st_mode) else file_mode)
        for info in found
    )


def _no_follow(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NOFOLLOW)


class _Odd(Exception):
    """An entry in a bundle that is neither a plain file nor a folder."""


def _tree(folder: Path) -> list[tuple[str, str]]:
    """Every entry under ``folder`` by its relative path (``/``) and kind, in name order,
    links never followed; raises ``_Odd`` at anything but a plain file or a folder."""
    found: list[tuple[str, str]] = []
    for name, entry in _walk(folder):
        if entry.is_dir(follow_symlinks=False):
            found.append((name, "folder"))
        elif entry.is_file(follow_symlinks=False):
            found.append((name, "file"))
        else:
            raise _Odd(name)
    return found


def _walk(folder: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every entry under ``folder`` with its relative path (``/``), each folder's in name
    order; links are not followed. A stack, not recursion: no depth is too deep."""
    stack = [""]
    while stack:
        prefix = stack.pop()
        with os.scandir(os.path.join(folder, prefix)) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        for entry in entries:
            name = prefix + entry.name
            yield name, entry
            if entry.is_dir(follow_symlinks=False):
                stack.append(f"{name}/")


def _status(folder: Path, settled_before: int | None = None) -> str | None:
    """Every entry of ``folder`` and the folder itself by name, mode, inode, size and
    modification and change times (links not followed); None when it cannot be listed,
    or, with ``settled_before``, when anything in it changed at or after that instant.
    A write, a new link, a rename or a change of mode changes a change time, which cannot
    be set back; an entry added or removed changes the listing. A write within the same
    tick of the file system's clock as the last change may leave a change time as it was:
    a status vouches for a folder on the next build only when taken ``cache.SETTLED_NS``
    after its last change, as for a release file (cache.Snapshot) or a page
    (pagerecord.py)."""
    h = hashlib.sha256()
    try:
        found = [("", os.lstat(folder))]
        found += [(name, entry.stat(follow_symlinks=False)) for name, entry in _walk(folder)]
    except OSError:
        return None
    if settled_before is not None and any(
        cache.changed_since(info, settled_before) for _, info in found
    ):
        return None
    for name, info in found:
        line = f"{name}\0{info.st_mode}\0{info.st_ino}\0{info.st_dev}\0{info.st_size}\0"
        line += f"{info.st_mtime_ns}\0{info.st_ctime_ns}\n"
        h.update(line.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _clear(path: Path) -> None:
    """Remove whatever is at ``path``: a folder with all it holds, a file or a link (never
    followed)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            path.unlink()


def recorded_parts(path: Path) -> dict[str, list[str]]:
    """The parts the last ``invoke build`` left in its output, from its record at ``path``
    (``Indexing.record``): [key, status] by folder; none when the record is unreadable."""
    try:
        record = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(record, dict) or record.get("format") != RECORD_FORMAT:
        return {}
    found = record.get("parts")
    if not isinstance(found, dict):
        return {}
    return {
        folder: entry
        for folder, entry in found.items()
        if isinstance(folder, str)
        and isinstance(entry, list)
        and len(entry) == 2
        and all(isinstance(text, str) for text in entry)
    }


def _copy_tree(source: Path, target: Path) -> None:
    """``source`` at ``target``, by hard links when on one file system, else copied."""
    try:
        shutil.copytree(source, target, copy_function=os.link)
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target)


#: The most Pagefind runs at once, whatever the cores: one run of a 500-page part holds
#: about 134 MB until it writes, and the process that runs them about 47 MB once the build
#: is gone (commands.py forks it), so two come to about 315 MB, under the 400 MiB a build
#: of 10,000 releases may take; a third would pass it. Each run keeps about one core busy.
MOST_AT_ONCE = 2


class Indexing:
    """Pagefind's runs over the parts, ``processes`` at a time, until done or stopped.

    Picklable (its fields are paths and plain data), so that the process that forked the
    build can run it (``state.HANDED``) once the build's memory is gone with the child.
    """

    def __init__(
        self,
        output: Path,
        cut: Sequence[Part],
        kept: Bundles | None = None,
        pages: dict[str, Recorded] | None = None,
        lying: dict[str, list[str]] | None = None,
    ) -> None:
        self.output = output
        self.cut = cut
        self.kept = kept
        #: The build's record of its pages (pagerecord.Plan.pages), when it keeps one.
        self.pages = pages
        #: The parts the last build left where they lie, as it recorded them: [key, status]
        #: by folder (``record``).
        self.lying = lying or {}
        self.processes = 1
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[str]] = set()
        self._stopped = False
        self._keys: dict[str, str] = {}
        #: The status each part left where it lies was found with (``_status``).
        self._kept_in_place: dict[str, str] = {}
        self._done = False

    def __getstate__(self) -> dict[str, object]:
        return {
            "output": self.output,
            "cut": self.cut,
            "kept": self.kept,
            "pages": self.pages,
            "lying": self.lying,
        }

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    def __call__(self, cores: int) -> Beside:
        """``beside``: the indexing is the late work itself (``state.Handed``), so that the
        process that ran it finds its ``record``."""
        return self.beside(cores)

    def beside(self, cores: int) -> Beside:
        """The whole indexing as late work (``state.Handed``), on at most ``cores`` cores."""
        self.processes = max(1, min(cores, MOST_AT_ONCE))
        return Beside(self.run, self.stop)

    def run(self) -> None:
        """Index each part's pages into its own bundle; raise the first failure, once the
        other runs are stopped."""
        # The folder is the index's alone: a part left from an earlier build could hold a
        # release that is no longer public. Only the parts left on record stay, until each
        # is found as recorded (``_part``).
        self._clear_but(
            {p.folder.rstrip("/") for p in self.cut if p.folder.rstrip("/") in self.lying}
        )
        newest = {p.lang: p.number for p in self.cut}
        jobs = [(part, part.number == newest[part.lang]) for part in self.cut]
        if self.processes < 2 or len(jobs) < 2:
            done = all(self._part(part, code) for part, code in jobs)
        else:
            done = self._side_by_side(jobs)
        if done and self.kept is not None:
            self.kept.tidy()
        self._done = done

    def _clear_but(self, parts: set[str]) -> None:
        """Remove everything in the index's folder but the part folders at ``parts``, each
        reached through plain folders (a link to a folder is removed, never followed)."""
        index = self.output / INDEX_FOLDER
        if not index.is_dir() and not index.is_symlink():
            return  # nothing there, or a file Pagefind refuses to write through, as before
        if not parts or index.is_symlink():
            _clear(index)
            return
        langs = {name.split("/")[1] for name in parts}
        for lang in os.listdir(index):
            folder = index / lang
            if lang not in langs or not folder.is_dir() or folder.is_symlink():
                _clear(folder)
                continue
            for number in os.listdir(folder):
                if f"{INDEX_FOLDER}/{lang}/{number}" not in parts:
                    _clear(folder / number)

    def record(self) -> dict[str, object] | None:
        """What the next build needs to keep the parts where they lie: each part's key and
        the status of its folder (``_status``), taken once the whole index is done, or, for
        a part left where it lies, as it was found (a change since then is a change the next
        build sees); None when it was not done, or no bundles are kept."""
        if not self._done or self.kept is None:
            return None
        found: dict[str, list[str]] = {}
        settled_before = cache.settling_from()
        for part in self.cut:
            key = self._keys.get(part.folder)
            if key is None:
                continue
            if part.folder in self._kept_in_place:
                status = self._kept_in_place[part.folder]
            else:
                status = _status(self.output / part.folder, settled_before) or UNSETTLED
            found[part.folder.rstrip("/")] = [key, status]
        return {"format": RECORD_FORMAT, "parts": found}

    def _side_by_side(self, jobs: list[tuple[Part, bool]]) -> bool:
        """The parts, ``processes`` threads each waiting on one Pagefind at a time."""
        with ThreadPoolExecutor(self.processes, thread_name_prefix="newsroom-index") as pool:
            running = [pool.submit(self._part, part, code) for part, code in jobs]
            try:
                for future in as_completed(running):
                    if future.exception() is not None or not future.result():
                        break
            finally:
                self.stop()  # starts no other run, and ends those of a failure or Ctrl-C
                for future in running:
                    future.cancel()
        for future in running:  # in the parts' order: the first failure is the one told
            if not future.cancelled() and future.exception() is not None:
                raise future.exception()  # type: ignore[misc]
        return all(not f.cancelled() and f.result() for f in running)

    def _part(self, part: Part, code: bool) -> bool:
        """One part's bundle, kept from an earlier build or made by Pagefind; False when
        the indexing was stopped."""
        if self._stopped:
            return False
        bundle = self.output / part.folder
        key = self._key(part, code)
        if key is not None and self.kept is not None:
            self._keys[part.folder] = key
            recorded = self.lying.get(part.folder.rstrip("/"))
            if recorded == [key, UNSETTLED]:
                # Its status is taken before its files are read: a change after that is
                # a change the next build sees.
                status = _status(bundle, cache.settling_from())
                if self.kept.holds(key, bundle):
                    self.kept.used(key)  # left where it lies: its bundle's very files
                    self._kept_in_place[part.folder] = status or UNSETTLED
                    return True
            elif recorded is not None and recorded[0] == key and recorded[1] == _status(bundle):
                self.kept.used(key)  # left where it lies: the bundle of the same pages
                self._kept_in_place[part.folder] = recorded[1]
                return True
            if self.kept.restore(key, bundle):
                return True
        _clear(bundle)  # whatever is there, even a folder Pagefind would write through
        if not self._index_part(part):
            return False
        _keep_what_is_loaded(bundle, code=code)
        if self.kept is not None and key is not None:
            self.kept.keep(key, bundle)
        return True

    def _key(self, part: Part, code: bool) -> str | None:
        """The part's key among the kept bundles; None when none are kept or a page cannot
        be read (Pagefind then says what is wrong)."""
        if self.kept is None:
            return None
        binary = _binary(part)
        try:
            return self.kept.key(self.output, part, code, binary, self.pages)
        except OSError:
            return None

    def _index_part(self, part: Part) -> bool:
        """Runs Pagefind on one part's pages; False when the indexing was stopped."""
        bundle = str(self.output / part.folder)
        command = [str(_binary(part)), "--site", str(self.output), "--silent"]
        command += ["--glob", part.glob, "--output-path", bundle]
        with self._lock:
            if self._stopped:
                return False
            try:
                process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            except OSError as err:  # not found, or not a program
                raise SearchIndexError(f"Pagefind could not index {part.folder}: {err}") from err
            self._running.add(process)
        try:
            stdout, stderr = process.communicate()
        finally:
            with self._lock:
                self._running.discard(process)
        if process.returncode != 0 and not self._stopped:
            problem = stderr.strip() or stdout.strip()
            raise SearchIndexError(f"Pagefind could not index {part.folder}: {problem}")
        return not self._stopped

    def stop(self) -> None:
        """Ends the running Pagefinds, if any, and starts no other."""
        with self._lock:
            self._stopped = True
            for process in self._running:
                if process.poll() is None:
                    process.kill()


def _binary(part: Part) -> Path:
    """The binary ``python -m pagefind`` runs (PAGEFIND_BINARY_PATH, else the installed one)."""
    binary = get_executable()
    if binary is None:
        raise SearchIndexError(
            f"Pagefind could not index {part.folder}: its program is not installed "
            "(pip install pagefind[extended])."
        )
    return Path(binary)


def _keep_what_is_loaded(bundle: Path, code: bool) -> None:
    """Removes what search.js never fetches from one part's bundle."""
    for path in bundle.iterdir():
        if not (INDEX.fullmatch(path.name) or (code and CODE.fullmatch(path.name))):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
