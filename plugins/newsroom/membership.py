"""Topic, tag and author lists that answer ``in`` at once, for Pelican's listing pages.

Pelican puts each topic's (category's), tag's and author's releases in date order by asking,
for every release of the site, whether it is in that list (``article in articles`` in
``ArticlesGenerator.generate_tags`` and its siblings): a scan of the list each time, so the
site's size times the list's length for every topic and tag. At 10,000 releases and sixty
tags that was three seconds of one core, and it grows with the square of the site.

``Members`` is a list that answers ``in`` from a set of its items' identities. For objects
that compare by identity, as Pelican's contents do (they define no ``__eq__``), that is the
answer a list gives; anything else is looked up as a list would. Every change to the list
forgets the set, so a handler that edits a list later still gets the right answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Members(list[Any]):
    """A list whose ``in`` takes constant time for items that compare by identity."""

    _ids: frozenset[int] | None = None

    def __contains__(self, item: object) -> bool:
        if type(item).__eq__ is not object.__eq__:
            return list.__contains__(self, item)
        if self._ids is None:
            self._ids = frozenset(map(id, self))
        return id(item) in self._ids


def _forgetting(name: str) -> Callable[..., Any]:
    method = getattr(list, name)

    def changed(self: Members, *args: Any, **kwargs: Any) -> Any:
        self._ids = None
        return method(self, *args, **kwargs)

    changed.__name__ = name
    return changed


for _name in (
    "__setitem__",
    "__delitem__",
    "__iadd__",
    "__imul__",
    "append",
    "extend",
    "insert",
    "remove",
    "pop",
    "clear",
):
    setattr(Members, _name, _forgetting(_name))


def _members(pairs: list[tuple[Any, list[Any]]], lists: dict[Any, Members]) -> None:
    """Make the list of each (name, releases) pair a ``Members``, in place: whoever holds
    ``pairs`` already sees them. A name found in ``lists`` gets that list."""
    for index, (name, items) in enumerate(pairs):
        found = lists.get(name)
        if found is None:
            found = items if isinstance(items, Members) else Members(items)
        pairs[index] = (name, found)


def index_taxonomies(generator: Any) -> None:
    """Pelican ``article_generator_finalized``: make the topic, tag and author lists that
    the listing pages are written from ``Members``, in the generator and in the context.

    Pelican keeps tags as a dictionary on the generator and as a list of pairs in the
    context, topics and authors as one list of pairs in both.
    """
    tags = getattr(generator, "tags", None)
    lists: dict[Any, Members] = {}
    if isinstance(tags, dict):
        for tag in list(tags):
            tags[tag] = lists[tag] = Members(tags[tag])
    for name in ("tags", "categories", "authors"):
        for pairs in (getattr(generator, name, None), generator.context.get(name)):
            if isinstance(pairs, list):
                _members(pairs, lists if name == "tags" else {})
