"""The newsroom's own pages in every site language: where each version is, and which are missing.

A page in ``content/pages/`` is in the site's first language; its version in another
language has the same file name in a folder named after that language
(``content/pages/de/about.md``) and is published under the language's prefix
(``/de/about/``), like the newsroom's generated pages (media kit, record, follow, search).
A page without a version in each language is an error: a German reader who follows
"Über Aldercrest" must not land on English.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .i18n import language_name
from .models import Page
from .problems import Problem


def localized(url: str, lang: str, languages: Sequence[str]) -> str:
    """The address of a page's version in ``lang``: ``media-kit/`` -> ``de/media-kit/``."""
    return url if not languages or lang == languages[0] else f"{lang}/{url}"


def language_of(file: Path, pages: Path, languages: Sequence[str]) -> tuple[str, str] | None:
    """The language of a page file and its address prefix, or None for a folder that is not
    one of the site's other languages."""
    parts = file.relative_to(pages).parts
    if len(parts) == 1:
        return languages[0], ""
    if len(parts) == 2 and parts[0] in languages[1:]:
        return parts[0], f"{parts[0]}/"
    return None


def missing_versions(
    pages: Sequence[Page], languages: Sequence[str], pages_display: str
) -> list[Problem]:
    """A problem for each page without a version in a site language, and for each version
    that translates no page."""
    first = languages[0]
    by_slug: dict[str, dict[str, Page]] = {}
    for page in pages:
        by_slug.setdefault(page.slug, {})[page.lang] = page
    problems = []
    for slug, versions in sorted(by_slug.items()):
        original = versions.get(first)
        if original is None:
            for page in versions.values():
                problems.append(
                    Problem(
                        page.source,
                        0,
                        "",
                        f"there is no {language_name(first, 'en')} page {pages_display}/"
                        f"{slug}.md that this one translates",
                        f"Add {pages_display}/{slug}.md, or give this file the name of the "
                        "page it translates",
                        "translation-missing",
                    )
                )
            continue
        for lang in languages[1:]:
            if lang not in versions:
                name = language_name(lang, "en")
                problems.append(
                    Problem(
                        original.source,
                        0,
                        "",
                        f"there is no {name} version of this page",
                        f"Write it as {pages_display}/{lang}/{slug}.md (the same file name), "
                        f"so that {name} readers get this page in {name}",
                        "translation-missing",
                    )
                )
    return problems
