"""Work on every core: one function over many items in forked processes, results in order.

Checking a release (Markdown, typography, the sanitizer) is pure Python, so one process uses
one core however many there are. ``ordered`` runs ``work(item)`` for each item in processes
forked from this one: they inherit ``work`` and what it reads (the site data, the settings)
instead of receiving a copy, are sent only the items and send back only the results, both
of which must be small and picklable. At most a few chunks of results are on their way at
any moment, and each is let go once the caller has taken it, so memory does not grow with
the number of items.

The results, their order and any exception are the ones ``work`` gives in this process: a
chunk that fails in a worker, and everything after a worker that died (killed for memory,
say), is worked out again here, so an error is raised where and as it would be without
workers, and a lost worker costs time, never a result or a hang.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing as mp
import os
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any, TypeVar

from .orphans import end_with

T = TypeVar("T")
A = TypeVar("A")

#: Fewer items than this are worked through here: forking and the round trips would cost
#: more than a second core gives back.
PARALLEL_FROM = 32
#: Items a worker takes at a time: enough to make a round trip cheap, few enough that the
#: results on their way stay small.
CHUNK = 16
#: Chunks given out ahead of the one the caller waits for, per worker.
AHEAD = 2

#: What a worker runs, set in each worker as it starts (inherited through fork, never sent).
_work: Callable[[Any], object] | None = None


def cores() -> int:
    """The cores this process may run on (a container's share, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def workers_for(count: int, workers: int | None = None) -> int:
    """How many processes ``ordered`` would use for ``count`` items: 1 means none are forked.

    ``workers`` None means one per core, and only from ``PARALLEL_FROM`` items on; a number
    is taken as asked (tests force either way), still 1 where fork is unavailable.
    """
    if "fork" not in mp.get_all_start_methods():
        return 1
    if workers is None:
        workers = cores() if count >= PARALLEL_FROM else 1
    return max(1, min(workers, -(-count // CHUNK)))


def ordered(work: Callable[[A], T], items: Sequence[A], workers: int | None = None) -> Iterator[T]:
    """``work(item)`` for each of ``items``, in order; see ``workers_for`` for how many
    processes."""
    processes = workers_for(len(items), workers)
    if processes < 2:
        yield from map(work, items)
        return
    chunks = (items[start : start + CHUNK] for start in range(0, len(items), CHUNK))
    waiting: deque[Future[list[T]]] = deque()
    done = 0  # items yielded so far: the rest is worked out here if the pool fails
    collecting = gc.isenabled()
    pool = ProcessPoolExecutor(
        processes,
        mp.get_context("fork"),
        initializer=_start,
        initargs=(work, os.getpid(), collecting),
    )
    try:
        # The workers are forked at the first submit. Ctrl-C meanwhile would stop this
        # process before it can stop them (and they would wait for work forever), so it
        # waits until they are all started; they inherit the block and ignore it (_start).
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        # No collection from here until each worker has frozen what it inherited (_start).
        # Only the switch is turned, and turned back as it was: a gc.freeze() here would
        # need a gc.unfreeze(), which thaws whatever the caller froze too (build_worker.py).
        gc.disable()
        try:
            for chunk in islice(chunks, processes * AHEAD):
                waiting.append(pool.submit(_run, chunk))
        except Exception:  # no worker could be started (out of processes or memory)
            pass
        finally:
            if collecting:
                gc.enable()
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        while waiting:
            try:
                results = waiting.popleft().result()
            except Exception:  # a chunk that raised, or a dead worker
                break
            with contextlib.suppress(Exception):  # a broken pool: the rest is done here
                if (more := next(chunks, None)) is not None:
                    waiting.append(pool.submit(_run, more))
            if not waiting:  # the last chunk: the workers can go before it is taken
                pool.shutdown()
            for result in results:
                yield result
                done += 1
    finally:
        # Workers finish the chunk they hold (they ignore Ctrl-C) and exit: none is left
        # behind, whether the caller stopped early, raised or was interrupted.
        pool.shutdown(wait=True, cancel_futures=True)
    yield from map(work, items[done:])


def _start(work: Callable[[Any], object], parent: int, collecting: bool) -> None:
    global _work
    # What the worker inherited is never collected here: a collection writes to every object
    # it looks at, which would copy the parent's memory page by page. Freezing moves whole
    # lists of objects, writing to none of them; the collector was off since the fork.
    gc.freeze()
    if collecting:
        gc.enable()
    _work = work
    # Ctrl-C reaches every process in the terminal's group: the parent stops the pool and
    # says so once, instead of each worker printing a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    # A parent killed outright (SIGKILL, or SIGTERM to it alone) cannot stop its workers,
    # which would wait for work forever: they end with it.
    if not end_with(parent):
        os._exit(1)


def _run(items: Sequence[Any]) -> list[Any]:
    assert _work is not None, "set by _start"
    return [_work(item) for item in items]
