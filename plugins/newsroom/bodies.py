"""Which release bodies a page reads while it renders.

A rebuild after one release's body is edited renders again only the pages that read that
body (pagerecord.py): every other input of a page is in the key that the pages' record is
kept under, but a release's body is not. So each way a body reaches a template notes what
it read, while a page renders (``reading``): the release's ``body_html`` and every field
worked out from a body (``body_field``), and Pelican's content of a release (plugin.py).
A test builds two sites that differ in one body and finds every other value the same.

A read is noted as the release's source path; outside ``reading`` nothing is noted, and a
read costs a lookup.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

#: The source paths of the bodies the page rendering now read; None when no page renders.
_READS: ContextVar[set[str] | None] = ContextVar("newsroom_body_reads", default=None)


def read(source: str) -> None:
    """Note that the page rendering now read the body of the release at ``source``."""
    reads = _READS.get()
    if reads is not None:
        reads.add(source)


@contextlib.contextmanager
def reading() -> Iterator[set[str]]:
    """The source paths of the bodies read until the block ends."""
    reads: set[str] = set()
    token = _READS.set(reads)
    try:
        yield reads
    finally:
        _READS.reset(token)


def body_field(cls: type, name: str, whose: Callable[[Any], str | None]) -> None:
    """Make the dataclass field ``name`` of ``cls`` note, whenever it is read, the body it
    was made from: ``whose(item)`` gives that release's source path (None for none).

    The value stays in the instance's ``__dict__``, where the dataclass's ``__init__`` puts
    it through the property; comparing, copying and pickling work as before.
    """

    def get(item: Any) -> Any:
        if _READS.get() is not None:
            source = whose(item)
            if source is not None:
                read(source)
        return item.__dict__[name]

    def put(item: Any, value: Any) -> None:
        item.__dict__[name] = value

    setattr(cls, name, property(get, put, doc=f"{name}: reading it reads a release's body"))
