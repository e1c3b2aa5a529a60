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

Sampling disturbs what it samples. Reading ``smaps_rollup`` walks a process's page tables
under its memory-map lock, which the process's own forks and allocations then wait for,
and the sampler's thread takes CPU the command could have used. So a run is either sampled
or timed (``sample=False``: nothing runs beside the command but the wait for it), and a
benchmark takes each figure from the run that does not disturb it. The sampler keeps its
own cost down without changing what it counts: it reads the stat of the tree's processes
and of new ones only (a process outside the tree never joins it), the root's RSS from
``statm`` (the kernel's counters: no walk of its page tables), and names processes when it
first sees them and when a sample is a new peak.
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
    peak_kib: int  # ru_maxrss alone when the run was not sampled
    largest_kib: int  # ru_maxrss: the largest single process
    processes: int  # how many processes the tree had, in all; 0 when not sampled
    at_peak: tuple[Holder, ...] = field(default=())
    returncode: int = 0


#: ``PF_EXITING`` in /proc/PID/stat's flags: the process is tearing down its memory.
EXITING = 0x4
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def _stat(pid: int) -> tuple[int, bool] | None:
    """A process's parent id and whether it is exiting; None once it has gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            text = stat.read()
    except OSError:
        return None
    # The command name is in parentheses and may contain spaces: split after it.
    fields = text[text.rindex(b")") + 2 :].split(b" ", 7)
    return int(fields[1]), bool(int(fields[6]) & EXITING)


class Tree:
    """The processes below one process, looked up in /proc again and again.

    A process outside the tree never joins it: a process's parent changes only when the
    parent exits, and then to one of the parent's ancestors. So a process found outside is
    not read again while its id is listed, and each look reads the stat of the tree's
    processes and of new ones only, not of every process on the machine. (Linux hands out
    ids in turn, so an id that has gone comes back only after all the others.)
    """

    def __init__(self, root: int) -> None:
        self.root = root
        self.outside: set[int] = set()

    def look(self) -> tuple[list[int], set[int]]:
        """The processes below the root at this moment, and which of them are exiting."""
        listed = {int(name) for name in os.listdir("/proc") if name.isdigit()}
        self.outside &= listed
        children: dict[int, list[int]] = {}
        exiting = set()
        for pid in listed - self.outside:
            stat = _stat(pid)
            if stat is None:  # gone since the listing
                continue
            parent, leaving = stat
            children.setdefault(parent, []).append(pid)
            if leaving:
                exiting.add(pid)
        found, todo = [], list(children.get(self.root, ()))
        while todo:
            child = todo.pop()
            found.append(child)
            todo.extend(children.get(child, ()))
        self.outside.update(pid for pids in children.values() for pid in pids)
        self.outside.difference_update(found)
        self.outside.discard(self.root)
        return found, exiting


def _resident(pid: int) -> int:
    """RSS of a process in KiB from ``statm``; 0 once it has gone."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE_KIB
    except (OSError, ValueError, IndexError):
        return 0


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
        self.tree = Tree(pid)
        self.seen: set[int] = set()
        self.last: dict[int, tuple[int, int]] = {}  # RSS and what counted, when last read
        self.names: dict[int, str] = {}

    def sample(self) -> None:
        children, exiting = self.tree.look()
        own = _resident(self.pid)
        if not own or self.pid in exiting:
            return
        if self.pid not in self.names:
            self.names[self.pid] = _name(self.pid)
        counted = [(self.pid, own, own)]
        for child in children:
            if child not in self.seen:
                self.seen.add(child)
                self.names[child] = _role(_name(child), self.names[self.pid])
            if child in exiting:
                # While a process frees its memory, Linux may report pages it shares as
                # its own; what it held a moment ago is the honest figure until it is gone.
                if child in self.last:
                    counted.append((child, *self.last[child]))
                continue
            rss, private = _rollup(child)
            if rss:
                self.last[child] = (rss, private)
                counted.append((child, rss, private))
        total = sum(kib for _, _, kib in counted)
        if total > self.peak_kib:
            self.peak_kib = total
            self.at_peak = self._holders(counted, exiting)

    def _holders(
        self, counted: list[tuple[int, int, int]], exiting: set[int]
    ) -> tuple[Holder, ...]:
        """The processes of a new peak, named again: a forked process may have started
        another program under its id since it was first seen."""
        root = self.names[self.pid] = _name(self.pid)
        for pid, _, _ in counted[1:]:
            if pid not in exiting:
                self.names[pid] = _role(_name(pid), root)
        return tuple(Holder(pid, self.names[pid], rss, kib) for pid, rss, kib in counted)

    def run(self) -> None:
        while not self.stopped.is_set():
            self.sample()
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        self.stopped.set()
        self.join()


def measure(
    args: Sequence[str],
    cwd: Path,
    out: Path,
    err: Path,
    env: dict[str, str] | None = None,
    *,
    sample: bool = True,
) -> Run:
    """Run ``args`` to the end with its output in ``out`` and ``err``; what it cost.

    With ``sample``, the tree's memory is sampled while it runs, which slows it down; without,
    nothing but the wait for it runs beside it, so its wall and CPU time are its own, and its
    memory is ``ru_maxrss`` alone, with no processes counted.
    """
    with out.open("wb") as stdout, err.open("wb") as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(args), cwd=cwd, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL, env=env
        )
        sampler = TreeSampler(process.pid) if sample else None
        if sampler is not None:
            sampler.start()
        # wait4 before stopping the sampler: the process stays a zombie until it is reaped.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        if sampler is not None:
            sampler.stop()
    process.returncode = os.waitstatus_to_exitcode(status)
    largest = usage.ru_maxrss
    return Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_kib=max(sampler.peak_kib, largest) if sampler else largest,
        largest_kib=largest,
        processes=1 + len(sampler.seen) if sampler else 0,
        at_peak=sampler.at_peak if sampler else (),
        returncode=process.returncode,
    )
