"""Many small files written by another process, while this one makes the next.

Making a JSON record takes this process about half the time that creating and writing
its file does; forked workers that made and wrote them spent most of their time
copying the build's memory page by page (each is a copy of a process of a gigabyte or
more). ``Files`` hands each file's bytes, in order, to one small interpreter started for
the purpose (it loads only ``os``), which creates the folders and writes the files on
another core while this process makes the next record.

Whatever happens there, the outcome is the one of writing here: ``close`` says how many
files the process wrote, in order, before it stopped (a file it could not write, or the
process killed), and the caller writes the rest itself, so that an error is raised where
and as it would be without the process. A build killed outright closes the pipe, and the
process ends once it has written what it was sent.

It also makes folders ahead (``folders``): those of the release pages, which Pelican's
writer makes one after the other as it asks for each page, find themselves there
(rendering.py). Nothing waits for them: whatever it could not make is made, or fails, as
before.
"""

from __future__ import annotations

import contextlib
import struct
import subprocess
import sys
import threading
from typing import IO

#: The writing process: a path and a file's bytes, each preceded by its length (or a path
#: and ``_FOLDER``: a folder to make), until the pipe closes; then the number of files
#: written. It stops at the first it cannot write. Ctrl-C is the build's to handle (it
#: closes the pipe).
_WRITE = """\
import os, signal, struct, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
root, read, made, written = sys.argv[1], sys.stdin.buffer.read, set(), 0
try:
    while len(head := read(8)) == 8:
        size, length = struct.unpack("<II", head)
        path = read(size).decode()
        if length == 0xFFFFFFFF:  # a folder to make (_FOLDER)
            os.makedirs(os.path.join(root, path), exist_ok=True)
            continue
        data = read(length)
        if len(data) != length:
            break
        target = os.path.join(root, path)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        with open(target, "wb") as file:
            file.write(data)
        written += 1
except BaseException:
    pass
try:
    os.write(1, str(written).encode())
except OSError:
    pass
"""

_HEAD = struct.Struct("<II")
#: The length that asks for a folder (and its parents) instead of a file.
_FOLDER = 0xFFFFFFFF


class Files:
    """Files under ``root`` written by a process of their own, in the order given."""

    def __init__(self, root: str) -> None:
        self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _WRITE, root],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.pid = self._process.pid
        self._sent = 0
        self._written = 0
        self._sending: threading.Thread | None = None  # handing over folders (``folders``)

    @property
    def open(self) -> bool:
        """Whether the process still takes files (it stops at the first it cannot write)."""
        return self._process is not None

    def write(self, path: str, data: bytes) -> None:
        """Send one file (``path`` relative to the root); nothing if the process has stopped."""
        process = self._process
        if process is None:
            return
        stdin: IO[bytes] | None = process.stdin
        assert stdin is not None
        encoded = path.encode()
        try:
            stdin.write(_HEAD.pack(len(encoded), len(data)))
            stdin.write(encoded)
            stdin.write(data)
            stdin.flush()  # at once: it writes this file while the next is made
        except OSError:  # it stopped: close() tells how far it got
            self._stop_sending()
            return
        self._sent += 1

    def folders(self, paths: list[str]) -> None:
        """Send folders to make (relative to the root), and then nothing more.

        A thread hands them over: the pipe holds a few thousand, and this process would
        otherwise wait while the other makes them. It waits in the pipe, not for the GIL.
        """
        process = self._process
        if process is None or process.stdin is None:
            return
        stdin = process.stdin
        encoded = [path.encode() for path in paths]
        asked = b"".join(_HEAD.pack(len(path), _FOLDER) + path for path in encoded)

        def send() -> None:
            with contextlib.suppress(OSError, ValueError):  # it stopped, or was stopped
                stdin.write(asked)
                stdin.close()

        self._sending = threading.Thread(target=send, name="newsroom-folders", daemon=True)
        self._sending.start()

    def close(self) -> int:
        """Wait for the process; the number of files it wrote, in order (all that were sent
        unless it stopped at one)."""
        if self._process is not None:
            self._stop_sending()
        return self._written

    def stop(self) -> None:
        """End the process at once (the build stopped); files it was sent may be missing."""
        process = self._process
        if process is not None:
            process.kill()
            self._stop_sending()

    def _stop_sending(self) -> None:
        process = self._process
        assert process is not None
        self._process = None
        if self._sending is not None:  # done once the process took all, or stopped
            self._sending.join()
        with contextlib.suppress(OSError, ValueError):
            assert process.stdin is not None
            process.stdin.close()
        assert process.stdout is not None
        answer = process.stdout.read()
        process.stdout.close()
        process.wait()
        try:
            self._written = min(int(answer), self._sent)
        except ValueError:  # killed before it could answer: count nothing as written
            self._written = 0
