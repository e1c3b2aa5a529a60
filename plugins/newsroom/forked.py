"""One call run in a forked child process, its result or its error taken back through a pipe:
the memory the call leaves behind ends with the child.

A cold build of 10,000 releases leaves its process holding about 170 MB, though only about
31 MB is still in use: Python keeps its freed memory in arenas that a few surviving objects
pin. The search index that follows runs best two Pagefinds at a time, and 170 MB plus two
runs would pass the memory a build may take. Run in a child, the build's memory is given
back to the system when the child ends; the parent, about 47 MB when it forks, runs what is
left (commands.py).

Both processes print to the same terminal: each stream is flushed before the fork and
before the child ends, so the lines come in the order one process would print them. Ctrl-C
reaches both (the terminal signals its whole process group); the parent waits for the child
to stop its own workers, and the child ends when the parent does (``orphans.end_with``).

An error the child raises is raised again in the parent, its traceback from the program's
start as the cause; a program's ``excepthook`` shows that one alone, as one process would.
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import pickle
import signal
import sys
import time
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import TextIO, TypeVar

from .orphans import end_with

T = TypeVar("T")

#: How long an interrupted parent waits for the child to stop on its own (seconds): Ctrl-C
#: reached it too, and it stops its workers and Pagefind before it ends. Past this, the
#: parent alone was signalled: it sends the child a Ctrl-C of its own.
GRACE = 5.0
#: How long the child is given to stop after that, before it is killed (its workers end
#: with it: orphans.end_with).
LAST_GRACE = 30.0

#: The process id of the child of ``run`` while its work runs, in that child alone (a
#: process it forks has another id): see ``freeze``.
_child_pid: int | None = None
#: The collector's thresholds while full collections are held (``freeze(hold=True)``).
_held: tuple[int, int, int] | None = None


def freeze(*, hold: bool = False) -> None:
    """In the child of ``run``: leave every object that exists now out of the collector's
    later passes (``gc.freeze``); anywhere else, nothing. With ``hold``, no full collection
    runs until the next ``freeze``, which thaws nothing but ends the hold.

    A build's check and Pelican's context make millions of objects that live until the
    build ends, and each full collection walks them all again (at 10,000 releases, about
    1.8 s of one core in a cold build, none of it finding garbage among them). The child
    ends with its work, so what it freezes never needs thawing; a process that goes on (the
    dev server's build worker, a test building in its own process) keeps its collector as
    it was: its garbage must come back to it, and ``gc.unfreeze`` would thaw its own freeze
    too. The youngest objects are collected first: short-lived garbage is not kept. What
    the child lets go of once frozen (Pelican's objects, after the pages are written) stays
    until it ends, which is before the search index is made (commands.py, state.HANDED).

    The hold is for a phase that makes objects which all live on (Pelican's context): a
    full collection then walks them only to find none is garbage. The young generations
    are collected as ever.
    """
    global _held
    if _child_pid is None or _child_pid != os.getpid():
        return
    if _held is not None:
        gc.set_threshold(*_held)
        _held = None
    gc.collect(1)
    gc.freeze()
    if hold:
        _held = gc.get_threshold()
        # A full collection waits for this many collections of the middle generation.
        gc.set_threshold(_held[0], _held[1], 2**30)


class ChildLost(Exception):
    """The child ended without a result: killed (out of memory, say) or crashed."""


class Printed(io.StringIO):
    """Writes go on to ``out`` and are kept: what a build printed, for a rebuild that
    changes nothing to show again, and for the parent of a forked build to take back."""

    def __init__(self, out: TextIO) -> None:
        super().__init__()
        self.out = out

    def write(self, text: str) -> int:
        self.out.write(text)
        return super().write(text)

    def flush(self) -> None:
        self.out.flush()

    def from_child(self, text: str) -> None:
        """Add what the child printed. ``out`` has it already when it writes to a file
        descriptor the child shared; a stream in memory (a test's) has it only from here."""
        super().write(text)
        if isinstance(self.out, Printed):
            self.out.from_child(text)
        elif not _on_descriptor(self.out):
            self.out.write(text)


def _on_descriptor(stream: TextIO) -> bool:
    try:
        stream.fileno()
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation among them
        return False
    return True


class ChildTraceback(Exception):
    """The traceback of an error raised in the child, shown as the cause of the same error
    raised again in the parent (as concurrent.futures shows a worker's); ``report`` is the
    whole of it, as Python prints an error nothing caught."""

    @property
    def report(self) -> str:
        return str(self.args[0])

    def __str__(self) -> str:
        return f"the build's process raised it:\n\n{self.report}"


def excepthook(
    kind: type[BaseException], error: BaseException, trace: TracebackType | None
) -> None:
    """``sys.excepthook`` for a program that runs a call in a child (tasks.py): an error the
    child raised that nothing caught is shown as the child's traceback alone, which is the
    traceback of the same call in one process. Python's own would show this process's
    after it, with the same message again, and add nothing: its frames are those above
    ``run``, which the child's traceback shows too (a fork copies the stack)."""
    if isinstance(error.__cause__, ChildTraceback):
        sys.stderr.write(error.__cause__.report)
        sys.stderr.flush()
    else:
        sys.__excepthook__(kind, error, trace)


def run(work: Callable[[], T], printed: Printed) -> T:
    """``work()`` in a forked child: what it returns, or the error it raised, raised here
    again (same type and message; the child's traceback as its cause). What the child
    printed to ``printed`` is added to it here (``Printed.from_child``)."""
    _flush(printed)
    reading, writing = os.pipe()
    parent = os.getpid()
    # Ctrl-C between the fork and the child's first line would stop the child outside the
    # code that reports it: the child unblocks it once it can.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    # What exists now is never collected by the child (it stays frozen there): a collection
    # writes to every object it visits, and would copy into the child each page of this
    # process's memory that holds one, counted twice at the build's peak.
    gc.freeze()
    try:
        pid = os.fork()
    except BaseException:
        gc.unfreeze()
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        os.close(reading)
        os.close(writing)
        raise
    if pid == 0:  # pragma: no cover - the child (measured through the parent's tests)
        _child(work, printed, parent, reading, writing, mask)
    gc.unfreeze()
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    os.close(writing)
    try:
        with open(reading, "rb") as pipe:
            data = pipe.read()
    except BaseException:  # Ctrl-C: the child is ended before this process goes on
        _end(pid)
        raise
    status = _wait(pid)
    if not data:
        raise ChildLost(_ended(status))
    kind, text, value, trace = pickle.loads(data)
    printed.from_child(text)
    if kind == "returned":
        return value
    try:
        error = pickle.loads(value)
    except Exception:  # an error that pickles but cannot be made again from its arguments
        error = RuntimeError(trace.strip().splitlines()[-1])
    if isinstance(error, KeyboardInterrupt):
        raise error
    raise error from ChildTraceback(trace)


def _child(
    work: Callable[[], T],
    printed: Printed,
    parent: int,
    reading: int,
    writing: int,
    mask: set[int | signal.Signals],
) -> None:
    """The child's whole life: run, report, end. It never returns into the caller's code."""
    global _child_pid
    _child_pid = os.getpid()
    code = 1
    try:
        os.close(reading)
        if end_with(parent):  # else the parent is gone: nobody would read the result
            start = printed.tell()
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            outcome = _outcome(work, printed)
            text = printed.getvalue()[start:]
            with open(writing, "wb") as pipe:
                pipe.write(pickle.dumps((outcome[0], text, *outcome[1:])))
            code = 0
    except BaseException:  # Ctrl-C again, or the parent gone: nothing left to tell
        pass
    finally:
        with contextlib.suppress(BaseException):
            _flush(printed)
        os._exit(code)


def _outcome(work: Callable[[], T], printed: Printed) -> tuple[str, object, str]:
    """What ``work`` returned, or what it raised (pickled, with its traceback's text)."""
    try:
        value = work()
        pickle.dumps(value)  # what cannot go through the pipe is an error of the child's
        return "returned", value, ""
    except BaseException as err:
        # Its traceback from the program's start: the frames above this one are the
        # parent's, copied by the fork, so it reads as the same call's in one process.
        shown = traceback.TracebackException.from_exception(err)
        shown.stack = traceback.StackSummary.from_list(
            [*traceback.extract_stack()[:-1], *shown.stack]
        )
        trace = "".join(shown.format())
        try:
            error = pickle.dumps(err)
        except Exception:  # an error holding something that cannot be pickled
            error = pickle.dumps(RuntimeError(f"{type(err).__name__}: {err}"))
        return "raised", error, trace
    finally:
        _flush(printed)


def _flush(printed: Printed) -> None:
    """Every stream either process prints to: the other must not print before it."""
    printed.flush()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def _wait(pid: int) -> int:
    while True:
        try:
            return os.waitpid(pid, 0)[1]
        except InterruptedError:  # pragma: no cover - retried by Python (PEP 475)
            continue


def _end(pid: int) -> None:
    """Wait for an interrupted child to end, Ctrl-C held back meanwhile: it stops its own
    workers first. A Ctrl-C to this process alone is passed on; one that does not stop it,
    killed."""
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        for grace, then in ((GRACE, signal.SIGINT), (LAST_GRACE, signal.SIGKILL), (None, None)):
            if _ended_within(pid, grace):
                return
            assert then is not None
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, then)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _ended_within(pid: int, seconds: float | None) -> bool:
    """Whether the child ended (and was reaped) within ``seconds``; None: wait for it."""
    if seconds is None:
        _wait(pid)
        return True
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return True
        time.sleep(0.02)
    return False


def _ended(status: int) -> str:
    """How a child that sent nothing ended, in words."""
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        return f"The build's process was ended by {name} before it finished."
    code = os.waitstatus_to_exitcode(status)
    return f"The build's process ended (exit status {code}) before it finished."
