"""Translations: which language version of a piece of news the lists show, and the links.

Releases that share a ``translation_key`` are one piece of news in several languages. The
lists (home, archive, topics, tags, the main feeds) show it once, in the first of the site's
languages it exists in; every version is still its own page, linked to the others by
``hreflang`` alternates and a language switcher. Only public versions are linked: a
translation under embargo is not named anywhere before its instant.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from .i18n import language_name
from .models import Release

#: The list page of each language (languages.py), and its key in PAGINATED_TEMPLATES.
LIST_URL = "{lang}/"
LIST_SAVE_AS = "{lang}/index.html"
LIST_TEMPLATE = "language"

T = TypeVar("T")


@dataclass(frozen=True)
class LanguageLink:
    """One entry of a language switcher: a language, in its own name, and where it is."""

    lang: str
    name: str
    url: str


def groups(items: Iterable[T], release: Any, languages: Sequence[str]) -> list[list[T]]:
    """``items`` grouped by translation key, each group in the order of ``languages``.

    ``release`` maps an item to its Release (items are Releases or Pelican articles). The
    first of each group is the version the lists show; groups come in the order of their
    first item in ``items``.
    """
    order = {code: i for i, code in enumerate(languages)}
    found: dict[object, list[T]] = {}
    for item in items:
        r: Release = release(item)
        found.setdefault(r.translation_key or ("", r.source), []).append(item)
    return [
        sorted(group, key=lambda i: (order.get(release(i).lang, len(order)), release(i).source))
        for group in found.values()
    ]


def listed(releases: Sequence[Release], languages: Sequence[str]) -> list[Release]:
    """The releases the lists and main feeds show: one version of each piece of news."""
    first = {id(group[0]) for group in groups(releases, lambda r: r, languages)}
    return [r for r in releases if id(r) in first]


def switcher(group: Sequence[Release]) -> list[LanguageLink]:
    """The links between the versions of one release; none when it has no public translation."""
    if len(group) < 2:
        return []
    return [LanguageLink(r.lang, language_name(r.lang), r.url) for r in group]


def list_url(lang: str) -> str:
    return LIST_URL.format(lang=lang)
