"""The garbage collector around forked workers (parallel.ordered): each worker freezes what it
inherited, and the caller's own collector is left exactly as it was, a freeze of its own
included (build_worker.py freezes a finished build so that quick renders never walk it).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

import pytest

from newsroom import parallel

#: Two chunks at least, so that two workers are forked.
ITEMS = list(range(2 * parallel.CHUNK + 1))


def collector(_: int) -> tuple[int, bool, bool]:
    """Who ran an item, whether anything is frozen there, and whether it collects."""
    return os.getpid(), gc.get_freeze_count() > 0, gc.isenabled()


def frozen(thing: object) -> bool:
    """Whether ``thing`` is in the permanent generation: in none of the three it leaves for."""
    return not any(o is thing for generation in range(3) for o in gc.get_objects(generation))


@pytest.fixture
def restored() -> Iterator[None]:
    """Whatever a case does to this process's collector is undone after it."""
    try:
        yield
    finally:
        gc.unfreeze()
        gc.enable()


@pytest.mark.parametrize(
    ("caller_froze", "caller_collects"),
    [(False, True), (True, True), (False, False), (True, False)],
)
@pytest.mark.usefixtures("restored")
def test_workers_freeze_what_they_inherit_and_the_caller_keeps_its_collector(
    caller_froze: bool, caller_collects: bool
) -> None:
    gc.unfreeze()
    held = [object()]  # tracked by the collector, like every object of a held build
    if caller_froze:
        gc.freeze()
    if not caller_collects:
        gc.disable()
    assert frozen(held) is caller_froze

    results = list(parallel.ordered(collector, ITEMS, workers=2))

    assert (frozen(held), gc.isenabled()) == (caller_froze, caller_collects)
    assert (gc.get_freeze_count() > 0) is caller_froze
    workers = {pid for pid, _, _ in results}
    assert len(workers) == 2 and os.getpid() not in workers
    # Every worker froze what it inherited, and collects as its caller does.
    assert {(froze, collects) for _, froze, collects in results} == {(True, caller_collects)}


@pytest.mark.usefixtures("restored")
def test_without_workers_nothing_is_frozen_or_switched() -> None:
    gc.unfreeze()
    results = list(parallel.ordered(collector, ITEMS[:3], workers=None))
    assert results == [(os.getpid(), False, True)] * 3
    assert (gc.get_freeze_count(), gc.isenabled()) == (0, True)
