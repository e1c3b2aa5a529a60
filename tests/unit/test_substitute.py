"""The dev server's holder puts a re-read release in place of the old one wherever the
build's lists hold it (tools/build_worker.py): by identity, however deep, each list once."""

from __future__ import annotations

from typing import Any

from tools.build_worker import _substitute


class Thing:
    """Compares equal to every other Thing: replacing must go by identity, not equality."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Thing)

    __hash__ = object.__hash__


def test_every_place_that_holds_the_old_object_gets_the_new_one() -> None:
    old, new, other = Thing(), Thing(), Thing()
    shared = [other, old]
    context: dict[str, Any] = {
        "articles": shared,
        "again": shared,  # the same list twice: gone through once
        "categories": [("products", [other, old]), ("results", [other])],
        "by_path": {"a.md": old, "b.md": other},
        "pair": (old, other),
        "text": "old",
    }
    context["itself"] = context  # a cycle
    _substitute(context, {id(old): new}, depth=6, seen=set())

    assert context["articles"][1] is new and context["articles"][0] is other
    assert context["again"] is shared
    assert context["categories"][0][1][1] is new
    assert context["categories"][1][1] == [other]
    assert context["by_path"]["a.md"] is new and context["by_path"]["b.md"] is other
    assert context["pair"][0] is new and context["pair"][1] is other
    assert context["text"] == "old"


def test_equal_objects_and_deeper_levels_are_left_alone() -> None:
    old, twin, new = Thing(), Thing(), Thing()
    deep: list[Any] = [[[[old]]]]
    holder = {"twin": [twin], "deep": deep}
    _substitute(holder, {id(old): new}, depth=3, seen=set())
    assert holder["twin"][0] is twin
    assert deep[0][0][0][0] is old  # four levels below the holder, past depth 3
