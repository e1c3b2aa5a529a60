"""Files and folders put in place whole: written under a temporary name beside the final one,
then renamed over it, so that a reader finds the old version or the new one, never half.

Two writers may make the same entry at once (two builds, or a build and the development
server's worker), so each temporary name is unique, not merely this process's: two threads
of one process, or a process id reused after a crash, never share one. On any failure (a
full disk, a write the file size limit stops, Ctrl-C) the temporary file or folder is
removed and the exception goes on to the caller, and whatever was under the final name is
left as it was.

Nothing here calls ``fsync``, as none of the writers it replaced did: what is written this
way is a cache entry or a build's output, made again by the next build, and a cold check
writes thousands of entries. The price: a power cut just after a write can leave the file
empty or cut short under its final name (renamed before its data reached the disk). The
check's cache and the build manifest read such an entry as missing, and a build takes a
picture or share card from its cache only when it is whole (imaging.whole). The deploy's
record of go-live instants, which nothing can make again, is synced where it is written
(deploy/switcher.py).

This module imports little of the standard library and nothing else: the process that draws
share cards (card_drawing.py) imports it beside Pillow alone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

#: Characters of the final name kept in the temporary one: enough to tell what it is for,
#: few enough that it stays within the file system's limit (255 bytes) in any script.
_NAME_KEPT = 50


def write_file(target: str | os.PathLike[str], data: bytes, mode: int = 0o666) -> None:
    """Replace ``target`` with a file holding ``data``, whole.

    ``mode`` is given to ``open(2)`` and so lessened by the umask, as for any new file:
    0o666 gives what ``Path.write_bytes`` gives (0o644 under the usual umask), 0o600 what
    ``tempfile.mkstemp`` gives (the owner's alone).
    """
    with replacing(target) as partial:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        handle = os.open(partial, flags, mode)
        try:
            view = memoryview(data)
            while view:  # a write may take less than it is given (interrupted by a signal)
                view = view[os.write(handle, view) :]
        finally:
            os.close(handle)


@contextlib.contextmanager
def replacing(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A unique unused name beside ``target`` (hidden: a leading dot) for the block to make
    a file or a folder at; renamed over ``target`` when the block ends, and removed,
    whatever it became, when anything fails, the rename included. A folder cannot replace
    one that is not empty: the rename fails (``OSError``) and the folder there is kept."""
    target = os.fspath(target)
    folder, name = os.path.split(target)
    partial = os.path.join(folder, f".{name[:_NAME_KEPT]}.{os.urandom(8).hex()}.tmp")
    try:
        yield Path(partial)
        os.replace(partial, target)
    except BaseException:
        _remove(Path(partial))
        raise


def _remove(path: Path) -> None:
    """Remove a file or a folder at ``path``, if there is one; never raises."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass
