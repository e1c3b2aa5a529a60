"""Time and memory of a command and of every process it starts, read from Linux's /proc.

A build is not one process: the newsroom forks workers to render pages, starts a process
to draw share cards and runs Pagefind's binary once for each part of the search index. The
memory the build needs is what all of them hold at the same moment, so a sampler thread
walks the process tree every ``INTERVAL`` seconds and adds up:

- the resident memory (RSS) of the command's own process, and
- the private memory (USS: ``Private_Clean + Private_Dirty`` in ``smaps_rollup``) of each
  process below it. A forked worker shares its parent's pages until it writes to them;
  those pages are already in the parent's RSS, so only what the worker made its own counts.
  A started program's libraries shared with the parent count once for the same reason.

``ru_maxrss`` (what ``os.wait4`` reports) is the peak of the largest single process, not of
the tree; the sampled peak is never below it, so the larger of the two is reported. A peak
shorter than the interval can be missed; the figures are what the tree held at some moment.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

INTERVAL = 0.025


@dataclass(frozen=True)
class Holder:
    """One process at the moment of the peak: what it is and what it held (KiB)."""

    pid: int
    name: str  # the program and its first arguments, short
    rss_kib: int
    counted_kib: int  # RSS for the command's own process, USS for the ones below it


@dataclass(frozen=True)
class Run:
    """What one command cost: wall and CPU seconds, and the tree's peak memory (KiB)."""

    wall: float
    cpu: float
    peak_kib: int
    largest_kib: int  # ru_maxrss: the largest single process
    processes: int  # how many processes the tree had, in all
    at_peak: tuple[Holder, ...] = field(default=())
    returncode: int = 0


#: ``PF_EXITING`` in /proc/PID/stat's flags: the process is tearing down its memory.
EXITING = 0x4


def _children() -> tuple[dict[int, list[int]], set[int]]:
    """Every process's children (from the parent id in /proc/PID/stat), and those exiting."""
    tree: dict[int, list[int]] = {}
    exiting = set()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                text = stat.read()
        except OSError:  # gone since the listing
            continue
        # The command name is in parentheses and may contain spaces: split after it.
        fields = text[text.rindex(b")") + 2 :].split(b" ", 7)
        pid = int(entry.name)
        tree.setdefault(int(fields[1]), []).append(pid)
        if int(fields[6]) & EXITING:
            exiting.add(pid)
    return tree, exiting


def descendants(pid: int) -> tuple[list[int], set[int]]:
    """The processes below ``pid`` at this moment, and which of them are exiting."""
    tree, exiting = _children()
    found, todo = [], list(tree.get(pid, ()))
    while todo:
        child = todo.pop()
        found.append(child)
        todo.extend(tree.get(child, ()))
    return found, exiting


def _rollup(pid: int) -> tuple[int, int]:
    """RSS and USS of a process in KiB; (0, 0) once it has gone."""
    rss = private = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith((b"Private_Clean:", b"Private_Dirty:")):
                    private += int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return 0, 0
    return rss, private


def _name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            parts = cmdline.read().split(b"\0")
    except OSError:
        return "?"
    words = [os.path.basename(parts[0].decode(errors="replace"))]
    words += [p.decode(errors="replace") for p in parts[1:4] if p]
    return " ".join(words)[:60]


def _role(name: str, root: str) -> str:
    """A child process's name, marked as a forked copy when it runs the root's command."""
    return f"{name} (forked)" if name == root else name


class TreeSampler(threading.Thread):
    """Samples the memory of a process and its descendants until stopped."""

    def __init__(self, pid: int, interval: float = INTERVAL) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.stopped = threading.Event()
        self.peak_kib = 0
        self.at_peak: tuple[Holder, ...] = ()
        self.seen: set[int] = set()
        self.last: dict[int, Holder] = {}

    def sample(self) -> None:
        children, exiting = descendants(self.pid)
        own, _ = _rollup(self.pid)
        if not own or self.pid in exiting:
            return
        root = _name(self.pid)
        holders = [Holder(self.pid, root, own, own)]
        for child in children:
            self.seen.add(child)
            if child in exiting:
                # While a process frees its memory, Linux may report pages it shares as
                # its own; what it held a moment ago is the honest figure until it is gone.
                if child in self.last:
                    holders.append(self.last[child])
                continue
            # Named at each sample: a forked process may run another program under its id.
            name = _role(_name(child), root)
            rss, private = _rollup(child)
            if rss:
                self.last[child] = Holder(child, name, rss, private)
                holders.append(self.last[child])
        total = sum(h.counted_kib for h in holders)
        if total > self.peak_kib:
            self.peak_kib = total
            self.at_peak = tuple(holders)

    def run(self) -> None:
        while not self.stopped.is_set():
            self.sample()
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        self.stopped.set()
        self.join()


def measure(
    args: Sequence[str], cwd: Path, out: Path, err: Path, env: dict[str, str] | None = None
) -> Run:
    """Run ``args`` to the end with its output in ``out`` and ``err``; what it cost."""
    with out.open("wb") as stdout, err.open("wb") as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(args), cwd=cwd, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL, env=env
        )
        sampler = TreeSampler(process.pid)
        sampler.start()
        # wait4 before stopping the sampler: the process stays a zombie until it is reaped.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        sampler.stop()
    process.returncode = os.waitstatus_to_exitcode(status)
    largest = usage.ru_maxrss
    return Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_kib=max(sampler.peak_kib, largest),
        largest_kib=largest,
        processes=1 + len(sampler.seen),
        at_peak=sampler.at_peak,
        returncode=process.returncode,
    )
