"""The pages the last ``invoke build`` wrote, so that a rebuild renders only those whose
inputs changed; and the newsroom's own files it wrote beside them (the API's, api.py).

After ``invoke build`` succeeds it keeps, beside its manifest (manifest.py) and never in the
output, a record of the pages its writer wrote (rendering.py): a key of everything the build
read but release bodies (``Read.skeleton``: the settings key, then every file by name and
bytes, a release's Markdown file by its front matter alone), with the instant the site was
built as of; and for each page's file the digest of its bytes and of each release body the
page read while it rendered (bodies.py). The API's files are recorded the same way, each
with the bodies read while it was made.

The next ``invoke build`` with the same key does not render a page whose recorded bodies are
all the same now: the file the last build wrote for it is taken instead, once its bytes are
found to have the recorded digest (or its recorded status vouches for them, below). Pelican's
writer still asks for the page, with its checks and messages; only the template's render
and the write are left out. The files on record are left where they lie when the earlier
output is emptied (outfolder.py), never copied in from anywhere else; one that is not taken
is removed before its path is written afresh, and one no output asks for is removed once
the build is over (``stale``).

Anything not known for sure renders: a key that differs, a record missing or unreadable, a
page not in it, a file changed, gone or not a plain file, a page that logged a message when
it was rendered (the message would be lost), and every build but ``invoke build`` (which
forgets the record, as it forgets the manifest).

A file's status (device, inode, size, modification and change times) is recorded beside its
digest when it was taken just before its bytes were hashed and the file had settled by then
(its last change at least ``cache.SETTLED_NS`` earlier, as with the check's snapshot: a
write within the same tick of the file system's clock may leave the status as it was). A
file found with that status later holds those bytes, and is taken without being read
(``vouched``): any write, rename, link or change of mode since gives it another change
time, which cannot be set by hand. The writer's digest is of the bytes it meant to write,
not of what the file holds, so a page rendered has no status until its file is hashed: by
the search index's key (search.py), or by the next build that takes it.

A file of the newsroom's own is taken on the same terms, before it is made (``kept``): what
it shows is a function of the key and of the bodies it read, and the build's key is worked
out before the first of them is asked for (``start``, once a build: rendering.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeGuard

from . import cache
from .cache import digest
from .outfolder import Identity, lies, remove

#: The layout of a record; change it when ``Plan.record`` writes another shape.
FORMAT = 2

#: One page's file in a record: [its path in the output, the digest of its bytes, the digest
#: of each body it read by the release's source path, the file's ``Status`` when it vouches
#: for those bytes, else None].
Entry = list[Any]

#: What a record holds for one file, by its path: the rest of its ``Entry``.
Recorded = list[Any]

#: A file's device, inode, size, modification and change times (ns), as ``cache._status``.
Status = list[int]


@dataclass
class Plan:
    """The last build's record, and this build's, while the build runs."""

    #: ``Read.skeleton`` of this build, without its instant.
    skeleton: str
    #: The last build's record, when its skeleton is this build's.
    previous: dict[str, Any] | None = None
    #: Files of the last output left where they lie for this build (``outfolder.empty``),
    #: by output path, as they were found; each leaves it once taken or removed.
    left: dict[str, Identity] = field(default_factory=dict)
    #: The folders Pelican's writer made for pages (absolute): a full build has them, if
    #: empty (``outfolder.Emptying.sweep``).
    folders: set[str] = field(default_factory=set)
    #: This build's pages and other files, by output path; how many pages were rendered,
    #: and how many of the other files were made.
    pages: dict[str, Recorded] = field(default_factory=dict)
    rendered: int = 0
    made: int = 0
    key: str = ""
    _output: str = ""
    _body: Callable[[str], str | None] | None = None
    _digests: dict[str, str | None] = field(default_factory=dict)
    _usable: bool = False

    @classmethod
    def load(cls, path: Path, skeleton: str) -> Plan:
        """The plan of a build whose skeleton key is ``skeleton``, after the record at
        ``path`` (read before the build forgets it)."""
        try:
            recorded = json.loads(path.read_bytes())
        except (OSError, ValueError):
            recorded = None
        if (
            not isinstance(recorded, dict)
            or recorded.get("format") != FORMAT
            or recorded.get("skeleton") != skeleton
            or not isinstance(recorded.get("key"), str)
            or not isinstance(recorded.get("pages"), dict)
        ):
            recorded = None
        return cls(skeleton, recorded)

    def leaving(self) -> list[str]:
        """The files of the last output that this build may take: leave them where they lie
        when it is emptied."""
        return list(self.previous["pages"]) if self.previous is not None else []

    def leaves(self, output: str, left: dict[str, Identity]) -> None:
        """The files of the last output left where they lie in ``output`` for this build."""
        self._output, self.left = output, left

    def lying(self, target: str) -> bool:
        """Whether the file at ``target`` is one the last build left, untouched since: to the
        writer it is not there (it is taken, or removed before the page's file is made)."""
        identity = self.left.get(self._name(target)) if self.left else None
        return identity is not None and lies(target, identity)

    def stale(self) -> dict[str, Identity]:
        """The files left for this build that it neither took nor removed."""
        return self.left

    def start(
        self,
        since: datetime,
        output: str,
        body: Callable[[str], str | None],
        media: Sequence[str] = (),
    ) -> None:
        """Before the first page renders: the build's key, now that the instant the site is
        built as of and the ``media`` it publishes are known (which media files are
        published may depend on release bodies: withheld.py); ``body(source)`` is a
        release's body now (None: no release)."""
        self.key = digest("pages", self.skeleton, since.isoformat(), *media)
        self._output = output
        self._body = body
        self._usable = self.previous is not None and self.previous["key"] == self.key

    @property
    def taking(self) -> bool:
        """Whether this build may take files of the last one (``start`` found its key)."""
        return self._usable

    def body_digest(self, source: str) -> str | None:
        if source not in self._digests:
            body = self._body(source) if self._body is not None else None
            self._digests[source] = None if body is None else digest(body)
        return self._digests[source]

    def kept(self, target: str) -> Entry | None:
        """Take the last build's file for the page that writes ``target``, when the page
        would render to the same bytes: its entry then; else None (render it, the earlier
        file removed first)."""
        name = self._name(target)
        identity = self.left.pop(name, None)
        if identity is None:  # none left there: a file there now is this build's own
            return None
        entry = self.previous["pages"].get(name) if self.previous is not None else None
        if (
            self._usable
            and _entry(entry)
            and all(self.body_digest(source) == was for source, was in entry[1].items())
        ):
            same, status = _same(target, identity, entry[0], entry[2])
            if same:
                return [name, entry[0], entry[1], status]
        # The earlier file, unless this build wrote one there since (that stays, as with
        # ``rendering._write``): removed, never written through.
        remove(target, identity)
        return None

    def take(self, targets: Sequence[str], *, page: bool = True) -> list[bool]:
        """``kept`` for each of ``targets``, each file taken noted in the record (``add``);
        whether each was taken.

        In this thread: checking a file left in place is an ``lstat`` when its recorded
        status vouches for it, else opening, reading and hashing some 17 KB, and two threads
        handing the interpreter to each other several times a file took more of the machine
        than they saved (at 10,000 releases, 1.3 to 2.6 s of CPU and 1.4 to 2.5 s of wall
        time for the hashing, against 0.8 to 1.0 s and 1.0 to 1.1 s here).
        """
        entries = [self.kept(target) for target in targets]
        for entry in entries:
            if entry is not None:
                self.add(entry, rendered=False, page=page)
        return [entry is not None for entry in entries]

    def written(self, target: str, text: str, reads: set[str]) -> Entry:
        """The entry of a page rendered to ``text``, having read the bodies ``reads``."""
        name = self._name(target)
        bodies = {source: self.body_digest(source) for source in sorted(reads)}
        return [name, hashlib.sha256(text.encode("utf-8")).hexdigest(), bodies, None]

    def _name(self, target: str) -> str:
        """``target``'s path in the output, with ``/`` (Pelican joins it to the output's)."""
        inside = os.path.join(self._output, "")
        if target.startswith(inside):
            return target[len(inside) :]
        return os.path.relpath(target, self._output).replace(os.sep, "/")

    def add(self, entry: Entry, rendered: bool, *, page: bool = True) -> None:
        """Note a page's file (or, not ``page``, another file of the build's) in the record;
        whether it was rendered (or made) rather than taken."""
        self.pages[entry[0]] = entry[1:]
        if page:
            self.rendered += rendered
        else:
            self.made += rendered

    def record(self) -> dict[str, Any] | None:
        """What to keep once the build has succeeded; None when no page was rendered with
        the plan (a build that rendered as Pelican does)."""
        if not self.key:
            return None
        return {
            "format": FORMAT,
            "skeleton": self.skeleton,
            "key": self.key,
            "rendered": self.rendered,
            "made": self.made,
            "pages": self.pages,
        }


def vouched(info: os.stat_result, status: Status | None) -> bool:
    """Whether a file found with ``info`` (not followed if a link) holds the bytes it held
    when its settled ``status`` was recorded: a plain file that has not changed since."""
    return status is not None and stat.S_ISREG(info.st_mode) and _status(info) == status


def settled(info: os.stat_result, before: int) -> Status | None:
    """The status of a file found with ``info``, when its last change came before the
    instant ``before`` (``cache.SETTLED_NS`` before the file was looked at); else None."""
    if cache.changed_since(info, before):
        return None  # changed too recently: its next change may keep this status
    return _status(info)


def _status(info: os.stat_result) -> Status:
    return list(cache.status_of(info))


def _same(
    target: str, identity: Identity, recorded: str, status: Status | None
) -> tuple[bool, Status | None]:
    """Whether the file at ``target`` is the one left there (``identity``) and its bytes
    have the ``recorded`` digest; with the status that vouches for them from now on (None
    when none does yet). A file the recorded ``status`` vouches for is not read."""
    if status is not None:
        try:
            found = os.lstat(target)
        except OSError:
            return False, None
        if (found.st_ino, found.st_ctime_ns) == identity and vouched(found, status):
            return True, status
    before = cache.settling_from()
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW)
        with open(fd, "rb") as file:
            found = os.fstat(file.fileno())
            if (found.st_ino, found.st_ctime_ns) != identity:
                return False, None
            if hashlib.file_digest(file, "sha256").hexdigest() != recorded:
                return False, None
    except OSError:
        return False, None
    return True, settled(found, before)


def _entry(entry: Any) -> TypeGuard[Recorded]:
    return (
        isinstance(entry, list)
        and len(entry) == 3
        and isinstance(entry[0], str)
        and isinstance(entry[1], dict)
        and (entry[2] is None or _is_status(entry[2]))
    )


def _is_status(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 5
        and all(type(n) is int for n in value)  # not a bool, a float or a string
    )
