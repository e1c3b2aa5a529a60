"""Search: the ``/search/`` page, and a Pagefind index of the release pages once all is written.

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
Pagefind's version and binary, and Pagefind's configuration (``Bundles``). A new or edited
release changes one part's pages, so a rebuild runs Pagefind on that part alone. A page's
digest is the one in the pages' record (pagerecord.py) when the file's recorded status
vouches for it, as for a file a rebuild takes, and the file is not read (reading the pages
of every part again took 0.5 to 1 s of CPU at 10,000 releases: benchmarks/README.md); any
other page is hashed, and its status recorded when it had settled. The files are hard
links where the file system allows (nothing in a build writes into a file it did not just
create), and entries no build has used for an hour are removed.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from pagefind.service import get_executable
from pelican import Pelican
from pelican.generators import Generator
from pelican.writers import Writer

from . import cache
from .atomic import replacing
from .cache import installed, own_folder
from .localized import write_each_language
from .models import Release
from .pagerecord import Plan, Recorded, settled, vouched
from .problems import OutputError
from .state import PAGES, Beside, hand_later, state_of

PAGE_URL = "search/"
PAGE_SAVE_AS = "search/index.html"
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


class SearchPageGenerator(Generator):
    """Writes ``search/index.html``; the results come from Pagefind in the browser."""

    def generate_context(self) -> None:
        state_of(self.settings)  # only in a newsroom build
        self.context.update(search_url=PAGE_URL)

    def generate_output(self, writer: Writer) -> None:
        # One page a language, each merging the parts of its own language's index.
        state = state_of(self.settings)
        languages = state.settings.languages
        cut = parts(state.shown, state.settings.search_part_size)
        found = {lang: bundles(cut, lang) for lang in languages}
        write_each_language(self, writer, PAGE_SAVE_AS, "search", languages, search_bundles=found)


def get_generators(pelican: Pelican) -> type[Generator]:
    return SearchPageGenerator


def build_index(pelican: Pelican) -> None:
    """Pelican ``finalized``: index the written release pages into ``output/pagefind/``.

    Pagefind reads only the written files, so it runs once Pelican's objects are gone:
    ``invoke build`` runs it in the process that forked the build (``state.HANDED``), two
    parts at a time (``MOST_AT_ONCE``), once the child that ran Pelican has ended. Other
    builds run it in their own process once Pelican's objects are freed, one part at a time
    beside the drawing of share cards (``state.Beside``): the build's process still holds
    the memory Python kept, and a second Pagefind would come on top of it.
    """
    state = state_of(pelican.settings)
    content = Path(pelican.settings["PATH"]).resolve()
    plan = pelican.settings.get(PAGES)
    indexing = Indexing(
        Path(pelican.settings["OUTPUT_PATH"]),
        parts(state.shown, state.settings.search_part_size),
        Bundles(own_folder(content.parent, CACHE_FOLDER)),
        # The very entries the build's record of its pages holds: handed on with the
        # record in one message (forked.run), the statuses the key finds are recorded.
        plan.pages if isinstance(plan, Plan) else None,
    )
    hand_later(pelican.settings, indexing.beside)


#: Beside the content folder, like the other caches (``.cache/`` is git-ignored).
CACHE_FOLDER = Path(".cache") / "search-parts"
#: Part of every key: change it whenever what a bundle holds changes.
BUNDLE_FORMAT = "masthead-search-part-2"
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
        """Put the kept bundle of ``key`` at ``bundle``; False when there is none."""
        entry = self.folder / key
        if not (entry / "pagefind-entry.json").is_file():
            return False
        try:
            shutil.rmtree(bundle, ignore_errors=True)
            _copy_tree(entry, bundle)
            os.utime(entry)
        except OSError:
            shutil.rmtree(bundle, ignore_errors=True)
            return False
        self._used.add(key)
        return True

    def keep(self, key: str, bundle: Path) -> None:
        """Keep the bundle Pagefind just wrote, under ``key``."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with replacing(self.folder / key) as partial:
                _copy_tree(bundle, partial)
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
    before = time.time_ns() - cache.SETTLED_NS
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
        stat = binary.stat()
        found = f"{stat.st_size}\0{stat.st_mtime_ns}"
    except OSError:  # it will not start either, and the build stops there
        found = "missing"
    parts = [*installed(), str(binary), found]
    parts += sorted(f"{k}={v}" for k, v in os.environ.items() if k.startswith("PAGEFIND"))
    for name in ("pagefind.yml", "pagefind.yaml", "pagefind.json", "pagefind.toml"):
        config = Path(name)
        if config.is_file():
            parts.append(name + "\0" + config.read_text("utf-8", "replace"))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


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
    ) -> None:
        self.output = output
        self.cut = cut
        self.kept = kept
        #: The build's record of its pages (pagerecord.Plan.pages), when it keeps one.
        self.pages = pages
        self.processes = 1
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[str]] = set()
        self._stopped = False

    def __getstate__(self) -> dict[str, object]:
        return {"output": self.output, "cut": self.cut, "kept": self.kept, "pages": self.pages}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    def beside(self, cores: int) -> Beside:
        """The whole indexing as late work (``state.Handed``), on at most ``cores`` cores."""
        self.processes = max(1, min(cores, MOST_AT_ONCE))
        return Beside(self.run, self.stop)

    def run(self) -> None:
        """Index each part's pages into its own bundle; raise the first failure, once the
        other runs are stopped."""
        index = self.output / INDEX_FOLDER
        # The folder is the index's alone: a part left from an earlier build could hold a
        # release that is no longer public.
        shutil.rmtree(index, ignore_errors=True)
        newest = {p.lang: p.number for p in self.cut}
        jobs = [(part, part.number == newest[part.lang]) for part in self.cut]
        if self.processes < 2 or len(jobs) < 2:
            done = all(self._part(part, code) for part, code in jobs)
        else:
            done = self._side_by_side(jobs)
        if done and self.kept is not None:
            self.kept.tidy()

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
        if key is not None and self.kept is not None and self.kept.restore(key, bundle):
            return True
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
