"""``Members`` answers ``in`` as a list does, whatever has been done to it since."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from newsroom.membership import Members, index_taxonomies


class Release:
    """Compares by identity, as Pelican's contents do."""


class Named:
    """Compares by value: looked up as a list would."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Named) and other.name == self.name

    __hash__ = None  # type: ignore[assignment]


A, B, C, D = Release(), Release(), Release(), Release()

CHANGES: list[tuple[str, Callable[[list[Any]], Any]]] = [
    ("nothing", lambda items: None),
    ("append", lambda items: items.append(D)),
    ("extend", lambda items: items.extend([D])),
    ("insert", lambda items: items.insert(0, D)),
    ("remove", lambda items: items.remove(A)),
    ("pop", lambda items: items.pop()),
    ("clear", lambda items: items.clear()),
    ("set an item", lambda items: items.__setitem__(0, D)),
    ("set a slice", lambda items: items.__setitem__(slice(0, 2), [D])),
    ("delete an item", lambda items: items.__delitem__(0)),
    ("add in place", lambda items: items.__iadd__([D])),
    ("multiply in place", lambda items: items.__imul__(0)),
    ("sort", lambda items: items.sort(key=id)),
]


@pytest.mark.parametrize(("change", "apply"), CHANGES, ids=[c for c, _ in CHANGES])
def test_in_answers_as_a_list_after_each_change(
    change: str, apply: Callable[[list[Any]], Any]
) -> None:
    members, plain = Members([A, B, C]), [A, B, C]
    assert all(item in members for item in (A, B, C))  # the set is made before the change
    apply(members)
    apply(plain)
    assert members == plain
    for item in (A, B, C, D, Release(), None, 1):
        assert (item in members) == (item in plain), (change, item)


def test_items_that_compare_by_value_are_looked_up_as_in_a_list() -> None:
    members = Members([Named("energy"), A])
    assert Named("energy") in members
    assert Named("water") not in members
    assert A in members


class Generator:
    """What ``index_taxonomies`` reads of Pelican's articles generator, after its context."""

    def __init__(self) -> None:
        topic, tag, author = "Energy", "grid", "Press office"
        self.tags: dict[str, list[Any]] = {tag: [A, B]}
        self.categories: list[tuple[str, list[Any]]] = [(topic, [A, C])]
        self.authors: list[tuple[str, list[Any]]] = [(author, [B])]
        # As Pelican's _update_context leaves them: tags as new pairs, the others shared.
        self.context: dict[str, Any] = {
            "tags": list(self.tags.items()),
            "categories": self.categories,
            "authors": self.authors,
        }


def test_every_list_a_listing_page_is_written_from_becomes_members() -> None:
    generator = Generator()
    index_taxonomies(generator)
    assert all(type(items) is Members for items in generator.tags.values())
    for name in ("tags", "categories", "authors"):
        for _, items in generator.context[name]:
            assert type(items) is Members
    # The tag pages' lists and the context's are one list each, with the same items.
    assert generator.context["tags"][0][1] is generator.tags["grid"]
    assert generator.tags["grid"] == [A, B]
    assert generator.categories == [("Energy", [A, C])]
    assert generator.context["categories"] is generator.categories
