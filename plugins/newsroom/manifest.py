"""The last build of an output folder, kept so that a rebuild with nothing changed writes nothing.

After ``invoke build`` succeeds it keeps a manifest in ``.cache/newsroom-build/`` beside the
content folder, never inside the output that is published: a digest of everything the build
read, the window in time the site holds for, the messages it printed and the state of every
file it left in the output folder. The next ``invoke build`` into that folder works the
digest out again and, when all of it matches and its instant is in the window, prints the
same messages and leaves the output as it is, but for ``build.json`` (buildinfo.py).

What the digest covers: the settings (``settings_key``: the names the settings file
defines, run without Pelican, by value; the plugin's code and the Python files of the
site's own that the process loaded, the settings files and what they import; Python's and
every installed package's version and the zone rules; the working folder and the
environment variables that reach the output: locale, Python, Pagefind, git, CI), then what
those settings make the build read (``Read``: every file in the content folder by name and
bytes, the theme and the plugin folders, the fonts share images are drawn with, the go-live
log's bytes). Pelican's settings are a function of the first part, so the folders they name
are recorded with the manifest and a rebuild digests them again without loading Pelican.
The commit is not among them: only ``build.json`` names it, written again each time.

The window (schedule.Window) runs from the last instant at which the content changed the
site, which the site is built as of, to the next one: a release or an update going live, a
withdrawal, a release leaving the news sitemap. A build at any instant in it writes the
same files, so a rebuild a minute or a week later keeps them, and one after a release's
instant builds again.

The output folder counts by each entry's path, kind, size, inode and change times (ns): any
write, deletion, addition or ``touch`` changes them, and a change time cannot be set back.

Whatever is not known for sure means a full build: no manifest, one written by another
format, a setting with no stable text (a function), a manifest folder git tracks (a
manifest committed in a pull request is not this machine's own record). Every build removes
its output folder's manifest before it writes anything, so a build that fails, and a preview
or rehearsal written into the same folder, leave none behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from . import buildinfo
from .atomic import write_file
from .cache import (
    PACKAGE,
    code_version,
    digest,
    file_digest,
    installed,
    refused,
    stable_text,
    tree_digests,
)
from .schedule import Window
from .settings import SettingsError, from_pelican
from .state import CHECKED, SERVED, STATE

#: Beside the content folder, like the check's cache (``.cache/`` is git-ignored).
FOLDER = Path(".cache") / "newsroom-build"
#: The layout of a manifest; change it when ``LastBuild.keep`` writes another shape.
FORMAT = 2
#: Environment variables whose values can reach the output or the printed messages: the
#: locale (Pelican sets it from the environment, Babel reads it), Python's own (file
#: encodings, the module path), Pagefind's configuration, git's (the commit build.json
#: names), CI's (annotations, the commit), the settings files' own, the zone and PATH (which
#: git runs).
ENVIRONMENT = ("LANG", "LANGUAGE", "LC_", "PYTHON", "PAGEFIND_", "GIT_", "GITHUB_", "NEWSROOM_")
ENVIRONMENT_NAMES = frozenset({"TZ", "PATH", "SOURCE_DATE_EPOCH"})
#: Settings that are not inputs: the instant is compared on its own, the others are this
#: run's objects (commands.build adds them).
_PER_RUN = frozenset({"NEWSROOM_AS_OF", CHECKED, SERVED, STATE})


@dataclass(frozen=True)
class LastBuild:
    """Where the manifest of one output folder lives, and what it says."""

    output: Path
    #: The folder whose ``.cache/`` holds the manifest: the content folder's parent.
    base: Path

    @classmethod
    def of(cls, settings: dict[str, Any]) -> LastBuild:
        """The manifest of the output folder these settings build into."""
        return cls(Path(settings["OUTPUT_PATH"]).resolve(), Path(settings["PATH"]).resolve().parent)

    @property
    def path(self) -> Path:
        return self.base / FOLDER / f"{digest(str(self.output))[:32]}.json"

    def trusted(self) -> bool:
        """Whether manifests are this machine's own record: not when git tracks their folder,
        where one committed in a pull request would stand in for a build."""
        return not refused(self.base, FOLDER)

    def kept(
        self, key: str, as_of: datetime, releases: str | None = None
    ) -> tuple[tuple[str, Window] | None, Digested | None]:
        """The messages and window of the last build when it read the same inputs (its
        settings ``key``, then the folders it read, digested again), its window holds
        ``as_of`` and its output is untouched since; None when the site must be built.
        Beside it, those folders as digested here, with the skeleton key of the pages'
        record (``Read.digests``, ``releases`` the content folder's releases folder), for
        the build to take instead of reading every file again; None when none was read."""
        recorded = self._read()
        if (
            recorded is None
            or recorded.get("format") != FORMAT
            or recorded.get("output") != str(self.output)
            or recorded.get("key") != key
            or not isinstance(recorded.get("messages"), str)
            or not isinstance(read := recorded.get("read"), dict)
        ):
            return None, None
        digested = Digested.of(Read.of_record(read), key, releases)
        if recorded.get("inputs") != digested.inputs:
            return None, digested
        try:
            since = datetime.fromisoformat(recorded["since"])
            until = None if recorded["until"] is None else datetime.fromisoformat(recorded["until"])
        except (KeyError, TypeError, ValueError):
            return None, digested
        window = Window(since, until)
        if (
            since.tzinfo is None
            or (until is not None and until.tzinfo is None)
            or not window.holds(as_of)
            or not self.trusted()
            or recorded.get("files") != output_state(self.output)
        ):
            return None, digested
        return (str(recorded["messages"]), window), digested

    @property
    def pages(self) -> Path:
        """The record of the pages the last ``invoke build`` wrote (pagerecord.py)."""
        return self.path.with_suffix(".pages.json")

    @property
    def parts(self) -> Path:
        """The record of the search index's parts the last ``invoke build`` left in the
        output (search.py)."""
        return self.path.with_suffix(".parts.json")

    def forget(self) -> None:
        """Remove the manifest and the records beside it: the output is about to change. Git
        is asked only when there is one, and a manifest git tracks is left alone (it is
        never read)."""
        for path in (self.path, self.pages, self.parts):
            if os.path.lexists(path) and self.trusted():
                # One that cannot be removed no longer matches the output this build leaves.
                with contextlib.suppress(OSError):
                    path.unlink()

    def keep(
        self,
        key: str,
        read: Read,
        inputs: str,
        window: Window,
        messages: str,
        pages: dict[str, Any] | None = None,
        parts: dict[str, Any] | None = None,
        state: str | None = None,
    ) -> None:
        """Record a build that succeeded, with the record of the pages it wrote
        (pagerecord.py) and of the search index's parts it left (search.py) when it kept
        them; a folder that cannot be written only costs time. ``state``: the output's
        (``measured``), when the build has just worked it out.
        ``inputs`` (``read.digest``) was worked out before the build read anything: a file
        changed while it ran is then a change the next build sees."""
        if not self.trusted():
            return
        record = {
            "format": FORMAT,
            "output": str(self.output),
            "since": window.since.isoformat(),
            "until": None if window.until is None else window.until.isoformat(),
            "key": key,
            "read": read.record(),
            "inputs": inputs,
            "files": output_state(self.output) if state is None else state,
            "messages": messages,
        }
        _write(self.path, record)
        if pages is not None:
            _write(self.pages, pages)
        if parts is not None:
            _write(self.parts, parts)

    def _read(self) -> dict[str, Any] | None:
        try:
            recorded = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return None
        return recorded if isinstance(recorded, dict) else None


def settings_key(settings: dict[str, Any], settings_file: Path) -> str | None:
    """The digest of what decides a build's settings and code, worked out before Pelican is
    loaded (which takes longer than the rest of a rebuild that keeps its output): the names
    the settings file defines once run with this run's values (``commands.file_settings``),
    the file itself, where its THEME is found, the working folder, the environment, Python's and
    every package's version (Pelican's among them: its defaults), the plugin's code and the
    site's own Python this process loaded. Pelican's settings are a function of these.
    None when some part has no stable text (a function): then the build is never kept."""
    try:
        text = stable_text({k: v for k, v in settings.items() if k not in _PER_RUN})
    except TypeError:
        return None
    # Pelican takes THEME as a path beside the settings file if one is there, else as a
    # folder from the working one, else as the name of one of its own themes.
    theme = settings.get("THEME")
    exists = (
        [str(os.path.exists(settings_file.resolve().parent / theme)), str(os.path.isdir(theme))]
        if isinstance(theme, str)
        else []
    )
    environment = sorted(
        (name, value)
        for name, value in os.environ.items()
        if name in ENVIRONMENT_NAMES or name.startswith(ENVIRONMENT)
    )
    return digest(
        "settings",
        text,
        str(settings_file.resolve()),
        *exists,
        os.getcwd(),
        json.dumps(environment),
        code_version(),
        *installed(),
        *_own_code(),
    )


def _write(path: Path, record: dict[str, Any]) -> None:
    """Write one of a build's records; a folder that cannot be written only costs time. The
    owner's alone (0o600): nothing but this code reads it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file(path, json.dumps(record).encode("utf-8"), mode=0o600)
    except OSError:
        return


@dataclass(frozen=True)
class Read:
    """The folders and files a build reads, as Pelican's settings resolve them: recorded in
    the manifest, so that a rebuild digests them again without loading Pelican."""

    #: (folder, whether Python's compiled code in it is skipped): content, theme, plugins,
    #: the share cards' fonts.
    folders: tuple[tuple[str, bool], ...]
    golive_log: str | None

    @classmethod
    def of(cls, settings: dict[str, Any]) -> Read | None:
        """What a build with Pelican's ``settings`` reads; None for settings it refuses."""
        # Imported here, during a build: the check does not draw cards.
        from .card_drawing import FONT_DIR

        try:
            log = from_pelican(settings).golive_log
        except SettingsError:
            return None
        folders = [(str(settings["PATH"]), False), (str(settings["THEME"]), False)]
        folders += [(str(p), True) for p in settings.get("PLUGIN_PATHS", [])]
        folders.append((str(FONT_DIR), False))
        return cls(tuple(folders), None if log is None else str(log))

    @classmethod
    def of_record(cls, record: dict[str, Any]) -> Read:
        folders = record.get("folders")
        log = record.get("golive_log")
        if not isinstance(folders, list) or not all(
            isinstance(f, list) and len(f) == 2 and isinstance(f[0], str) for f in folders
        ):
            folders = []
        return cls(
            tuple((f[0], bool(f[1])) for f in folders), log if isinstance(log, str) else None
        )

    def record(self) -> dict[str, Any]:
        return {"folders": [list(f) for f in self.folders], "golive_log": self.golive_log}

    def digests(self, key: str, releases: str | None) -> tuple[str, str]:
        """Every file under the folders by name and bytes, and the go-live log's bytes; and
        beside it, read in the same pass, the skeleton key of the pages' record
        (pagerecord.py): the same, but each Markdown file in the content folder's
        ``releases`` folder counts by its front matter alone, not its body."""
        from .frontmatter import head  # only a build, or a rebuild that may keep, needs it

        prefix = f"{(releases or '').strip('/')}/"

        def front(name: str, data: bytes) -> bytes:
            found = head(data) if name.startswith(prefix) and name.endswith(".md") else None
            return data if found is None else b"\0front matter\0" + found.encode("utf-8")

        whole: list[str] = ["build", key]
        skeleton: list[str] = ["skeleton", key]
        # The content folder is the first (``of``).
        for index, (folder, code) in enumerate(self.folders):
            part_of = front if index == 0 and releases is not None else None
            both = tree_digests(Path(folder), {"__pycache__"} if code else (), part_of)
            whole += [folder, both[0]]
            skeleton += [folder, both[1]]
        log = file_digest(self.golive_log)
        return digest(*whole, log), digest(*skeleton, log)


@dataclass(frozen=True)
class Digested:
    """What ``Read.digests`` gave for these folders, key and releases folder: worked out
    once, by the process that decides whether to keep the output, and taken by the build
    it forks (whose settings name the same folders, the settings key being the same)
    instead of reading every file of them again (0.3 s of CPU at 10,000 releases)."""

    read: Read
    key: str
    releases: str | None
    inputs: str
    skeleton: str

    @classmethod
    def of(cls, read: Read, key: str, releases: str | None) -> Digested:
        return cls(read, key, releases, *read.digests(key, releases))

    def digests(self, read: Read, key: str, releases: str | None) -> tuple[str, str]:
        """``read.digests(key, releases)``: from here when that is what was digested."""
        if (read, key, releases) == (self.read, self.key, self.releases):
            return self.inputs, self.skeleton
        return read.digests(key, releases)


def _own_code() -> list[str | bytes]:
    """The Python files of the site's own that this process loaded, but the plugin's (in
    ``code_version``): the settings files, and whatever they import. A settings file can
    change the output by more than its values (it may import a helper that patches
    Markdown), and tasks.py passes the settings on."""
    installed_under = tuple(
        os.path.join(prefix, "")
        for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    )
    plugin = os.path.join(PACKAGE, "")
    files = {
        os.path.abspath(name)
        for module in list(sys.modules.values())
        if isinstance(name := getattr(module, "__file__", None), str)
        and not name.startswith((*installed_under, plugin))
    }
    return [part for name in sorted(files) for part in (name, file_digest(name))]


def output_state(folder: Path) -> str:
    """Every entry under ``folder`` (and the folder itself) by path, kind, size, inode and
    change times (``measured``)."""
    return measured(folder)[0]


def measured(folder: Path) -> tuple[str, int, int]:
    """The state of ``folder``, and the files and bytes under it as a host counts them (links
    not followed, nor counted when they name a folder), in one walk: a build records the
    one and measures the other on the same finished output (10,000 releases: some 31,000
    entries, each stat'ed once).

    The state: every entry under ``folder`` (and the folder itself) by path, kind, size,
    inode and change times; links are not followed. ``build.json`` only by its path: every
    build writes it again (buildinfo.py), kept or not, which changes the times of the folder
    it is in, so that folder counts without them (its entries are listed all the same)."""
    h = hashlib.sha256()
    files = size = 0

    def add(path: str, shown: str) -> os.stat_result | None:
        if shown == buildinfo.NAME:
            h.update(f"{shown}\0rewritten\n".encode())
        try:
            info = os.lstat(path)
        except OSError:
            if shown != buildinfo.NAME:
                h.update(f"{shown}\0gone\n".encode("utf-8", "surrogatepass"))
            return None
        if shown == buildinfo.NAME:
            return info
        line = f"{shown}\0{info.st_mode}\0{info.st_ino}\0{info.st_dev}"
        if shown != ".":
            line += f"\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}"
        h.update(f"{line}\n".encode("utf-8", "surrogatepass"))
        return info

    add(str(folder), ".")
    stack = [(str(folder), "")] if folder.is_dir() else []
    while stack:  # a stack, not recursion: no depth of folders is too deep
        path, prefix = stack.pop()
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError:
            h.update(f"{prefix}\0unreadable\n".encode("utf-8", "surrogatepass"))
            continue
        for entry in entries:
            info = add(entry.path, prefix + entry.name)
            if entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, f"{prefix}{entry.name}/"))
            elif info is not None and not (stat.S_ISLNK(info.st_mode) and entry.is_dir()):
                files += 1
                size += info.st_size
    return h.hexdigest(), files, size
