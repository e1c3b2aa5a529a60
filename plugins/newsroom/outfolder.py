"""The output folder emptied before a build, in an instant instead of seconds.

Pelican empties the output folder first (``DELETE_OUTPUT_DIRECTORY``), one file after the
other, in the build's own process: 2.6 to 4.2 s at 10,000 releases on an idle machine,
before anything else can start. ``empty`` moves what is there into one hidden folder
inside it, which another process deletes while the build goes on; the build waits for that
before it ends (``Emptying.done``), so the folder it leaves holds only what it wrote, as
with Pelican.

A rebuild that may take the earlier build's files (pagerecord.py) has ``empty`` leave those
where they lie instead (``leave``): moving some 20,000 files out and linking them back, and
deleting and making again the folders they are in, was most of the system's time in a
rebuild after one edit. Only a plain file of the build's own is left (one link, the mode a
new file gets, this user's), reached through plain folders of the build's own; everything
else (a link in place of a file or folder, any other file) is moved aside. Each file left
is known by its inode and change time (``Emptying.left``): the build either takes it,
checked against its digest, or removes it before it writes that path afresh; a file still
as it was left once the build is over is removed then, with any folder that emptied which
the build did not ask for (``Emptying.sweep``). A file the build wrote there meanwhile has
another change time, and stays.

The search index's parts of the last build are left whole (``whole``): a folder of the
build's own is left with all it holds, unlooked at, for the search index to keep only once
all of it is found as the last build recorded it (search.py), and to clear otherwise.

The hidden folder stays inside the output folder, never beside it: a build stopped before
the deleting is done leaves it there, and the next build deletes it with the rest.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .problems import OutputError

#: The deleting process: the output of the build before, moved aside. Ctrl-C in the
#: terminal does not stop it half way; what it cannot delete, the build deletes (``done``).
_DELETE = (
    "import shutil, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "shutil.rmtree(sys.argv[1], ignore_errors=True)"
)
PREFIX = ".deleting-"

#: A file left where it lies, as it was found: its inode and change time (ns). Any write,
#: link or change of mode since gives it another change time, which cannot be set back.
Identity = tuple[int, int]


@dataclass
class Emptying:
    """The earlier output, being deleted by another process; the files left where they lie."""

    output: str
    folder: Path | None
    process: subprocess.Popen[bytes] | None
    #: The files left in place for the build to take (``empty``'s ``leave``), by their
    #: relative path, as they were found.
    left: dict[str, Identity] = field(default_factory=dict)
    #: The folders left whole (``empty``'s ``whole``), by their relative path.
    whole: set[str] = field(default_factory=set)

    def done(self) -> None:
        """Wait for the deleting to end; delete here what is left (raise if it cannot)."""
        if self.process is not None:
            self.process.wait()
        if self.folder is None or not os.path.lexists(self.folder):
            return
        try:
            shutil.rmtree(self.folder)
        except OSError as err:
            raise OutputError(
                f"the output of the build before could not be deleted from {self.folder}: "
                f"{err.strerror or err}."
            ) from None

    def sweep(self, stale: Mapping[str, Identity], asked: Collection[str]) -> None:
        """Remove each file at ``stale`` (relative paths) that is still as it was left: the
        build neither took nor wrote it. Then each folder that emptied, and the folders
        above it, unless the build asked for it (``asked``: absolute paths), as a full
        build leaves a folder it made for a page it did not write."""
        emptied: set[str] = set()
        for name, identity in stale.items():
            path = os.path.join(self.output, name)
            if remove(path, identity):
                emptied.add(os.path.dirname(path))
        top = os.path.join(self.output, "")
        for folder in sorted(emptied, key=len, reverse=True):
            while folder.startswith(top) and folder not in asked:
                try:
                    os.rmdir(folder)  # only when empty
                except OSError:
                    break
                folder = os.path.dirname(folder)


def remove(path: str, identity: Identity) -> bool:
    """Remove the file at ``path`` if it is the one left there, untouched since; whether it
    was (raise if it cannot be removed)."""
    if not lies(path, identity):
        return False
    try:
        os.unlink(path)
    except OSError as err:
        raise OutputError(
            f"a file of the build before could not be deleted from {path}: {err.strerror or err}."
        ) from None
    return True


def lies(path: str, identity: Identity) -> bool:
    """Whether the file at ``path`` is the one left there, untouched since (``Identity``)."""
    try:
        found = os.lstat(path)
    except OSError:
        return False
    return (found.st_ino, found.st_ctime_ns) == identity


def empty(
    output: str | Path,
    keep: Iterable[str] = (),
    leave: Iterable[str] = (),
    whole: Iterable[str] = (),
) -> Emptying | None:
    """Empty ``output`` but for the names in ``keep`` (Pelican's ``OUTPUT_RETENTION``), the
    files at the paths ``leave`` names (relative, with ``/``), which stay where they lie
    when they are plain files of the build's own (see the module's note), and the folders
    ``whole`` names, which stay with all they hold when they are folders of this user's
    reached through plain folders of the build's own.

    None when there is nothing to move, or ``output`` is not a folder of its own (a link,
    a file): Pelican's own emptying then does what it does. (The build names the output
    folder by its resolved path: a link given as the output is followed before this.)
    """
    output = str(output)
    if os.path.islink(output) or not os.path.isdir(output):
        return None
    kept = set(keep)
    names = [name for name in os.listdir(output) if name not in kept]
    if not names:
        return None
    try:
        aside = Path(tempfile.mkdtemp(prefix=PREFIX, dir=output))
        left, whole_left = _set_aside(output, names, set(leave), set(whole), aside)
    except OSError as err:
        raise OutputError(
            f"the output folder {output} could not be emptied: {err.strerror or err}."
        ) from None
    process = _deleting(aside)
    emptying = Emptying(output, aside, process, left, whole_left)
    if process is None:  # no process to spare: deleted here, as Pelican would
        emptying.done()
        emptying.folder = None
    return emptying


def _set_aside(
    output: str, names: list[str], leave: set[str], whole: set[str], aside: Path
) -> tuple[dict[str, Identity], set[str]]:
    """Move every entry at ``names`` in ``output`` into ``aside``, but the files at ``leave``
    and the folders at ``whole`` that may stay (the module's note), and the folders that
    lead to them; those files, and those whole folders."""
    folders = {name[:end] for name in (*leave, *whole) for end in _slashes(name)}
    file_mode, folder_mode = new_modes()
    me = os.geteuid()
    left: dict[str, Identity] = {}
    whole_left: set[str] = set()
    moved = 0

    def move(path: str) -> None:
        nonlocal moved
        try:
            os.rename(path, aside / str(moved))
        except OSError:  # a mount point, say: deleted here, as Pelican would
            _delete(path)
        moved += 1

    top = set(names)
    stack = [""]
    while stack:  # a stack, not recursion: no depth of folders is too deep
        prefix = stack.pop()
        with os.scandir(os.path.join(output, prefix)) as found:
            entries = [e for e in found if prefix or e.name in top]
        for entry in entries:
            name = prefix + entry.name
            if name in whole and entry.is_dir(follow_symlinks=False):
                if entry.stat(follow_symlinks=False).st_uid == me:
                    whole_left.add(name)
                    continue
            elif entry.is_dir(follow_symlinks=False) and name in folders:
                info = entry.stat(follow_symlinks=False)
                if stat.S_IMODE(info.st_mode) == folder_mode and info.st_uid == me:
                    stack.append(f"{name}/")
                    continue
            elif name in leave and entry.is_file(follow_symlinks=False):
                info = entry.stat(follow_symlinks=False)
                if (
                    info.st_nlink == 1
                    and stat.S_IMODE(info.st_mode) == file_mode
                    and info.st_uid == me
                ):
                    left[name] = (info.st_ino, info.st_ctime_ns)
                    continue
            move(entry.path)
    return left, whole_left


def _slashes(name: str) -> Iterable[int]:
    """Where each folder on the way to ``name`` ends (its ``/``)."""
    at = name.find("/")
    while at > 0:
        yield at
        at = name.find("/", at + 1)


def new_modes() -> tuple[int, int]:
    """The modes a file and a folder this process makes get (this user's umask applied)."""
    mask = _umask()
    return 0o666 & ~mask, 0o777 & ~mask


def _umask() -> int:
    """This process's umask, read without setting it (another thread may be making files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _deleting(folder: Path) -> subprocess.Popen[bytes] | None:
    """A process that deletes ``folder``; None when none can be started."""
    try:
        return subprocess.Popen(
            [sys.executable, "-c", _DELETE, str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return None


def _delete(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    else:
        os.remove(path)
