"""Values a release page shows, worked out when a template first reads them.

A release's structured data and share links are read by its page alone, and the pages are
rendered by forked workers on every core (rendering.py): made there, on first use, they cost
the build process nothing, where making them for 10,000 releases one after the other, before
any page is rendered, took it more than a second. A value is made once and kept; a page reads
it exactly as it would read the value itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from markupsafe import Markup, escape

T = TypeVar("T")


class OnFirstUse(Generic[T]):
    """Stands in for the value ``make()`` returns: printed, iterated or tested as it is."""

    __slots__ = ("_make", "_value")

    def __init__(self, make: Callable[[], T]) -> None:
        self._make: Callable[[], T] | None = make
        self._value: T | None = None

    @property
    def value(self) -> T:
        if self._make is not None:
            self._value, self._make = self._make(), None
        return self._value  # type: ignore[return-value]

    def __html__(self) -> Markup:
        # What Jinja's autoescaping makes of the value itself: Markup stays as it is.
        return escape(self.value)

    def __str__(self) -> str:
        return str(self.value)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.value)  # type: ignore[call-overload]

    def __len__(self) -> int:
        return len(self.value)  # type: ignore[arg-type]

    def __bool__(self) -> bool:
        return bool(self.value)

    # A theme of the site's own may index it, test membership or read an attribute of it, as
    # it would of the value: each goes to the value.
    def __getitem__(self, key: Any) -> Any:
        return self.value[key]  # type: ignore[index]

    def __contains__(self, item: object) -> bool:
        return item in self.value  # type: ignore[operator]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # not the value's: copy, pickle and the like ask for these
            raise AttributeError(name)
        return getattr(self.value, name)
