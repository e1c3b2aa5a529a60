"""The output folder emptied before a build, in an instant instead of seconds.

Pelican empties the output folder first (``DELETE_OUTPUT_DIRECTORY``), one file after the
other, in the build's own process: 2.6 to 4.2 s at 10,000 releases on an idle machine,
before anything else can start. ``empty`` moves what is there into one hidden folder
inside it, which another process deletes while the build goes on; the build waits for that
before it ends (``Emptying.done``), so the folder it leaves holds only what it wrote, as
with Pelican.

The hidden folder stays inside the output folder, never beside it: a build stopped before
the deleting is done leaves it there, and the next build deletes it with the rest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .problems import OutputError

#: The deleting process: the output of the build before, moved aside. Ctrl-C in the
#: terminal does not stop it half way; what it cannot delete, the build deletes (``done``).
_DELETE = (
    "import shutil, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "shutil.rmtree(sys.argv[1], ignore_errors=True)"
)
PREFIX = ".deleting-"


@dataclass
class Emptying:
    """The earlier output, being deleted by another process."""

    folder: Path
    process: subprocess.Popen[bytes] | None

    def done(self) -> None:
        """Wait for the deleting to end; delete here what is left (raise if it cannot)."""
        if self.process is not None:
            self.process.wait()
        if not os.path.lexists(self.folder):
            return
        try:
            shutil.rmtree(self.folder)
        except OSError as err:
            raise OutputError(
                f"the output of the build before could not be deleted from {self.folder}: "
                f"{err.strerror or err}."
            ) from None


def empty(output: str | Path, keep: Iterable[str] = ()) -> Emptying | None:
    """Empty ``output`` but for the names in ``keep`` (Pelican's ``OUTPUT_RETENTION``).

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
        for name in names:
            path = os.path.join(output, name)
            try:
                os.rename(path, aside / name)
            except OSError:  # a mount point, say: deleted here, as Pelican would
                _delete(path)
    except OSError as err:
        raise OutputError(
            f"the output folder {output} could not be emptied: {err.strerror or err}."
        ) from None
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", _DELETE, str(aside)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError:  # no process to spare: deleted here, as Pelican would
        Emptying(aside, None).done()
        return None
    return Emptying(aside, process)


def _delete(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    else:
        os.remove(path)
