"""The one time gate: given the build instant, each release is public or embargoed.

``apply_time_gate`` runs on Pelican's article_generator_pretaxonomy signal, before topics,
tags, archives or pagination exist, and leaves one gated list on the build state that every
output reads (DESIGN invariant 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from pelican.generators import ArticlesGenerator

from . import mediakit, translations, withheld
from .lazy import OnFirstUse
from .models import Release
from .sharing import share_links
from .state import BuildState, state_of


def apply_time_gate(generator: ArticlesGenerator) -> None:
    """The one time gate, before Pelican builds topics, tags, archives or pagination.

    An embargoed or draft release is removed from every list here, so nothing downstream
    can see it; Pelican's own drafts/ pages are never written (see DESIGN invariant 1).
    """
    state = state_of(generator.settings)
    as_of = state.settings.as_of
    site_url = generator.settings.get("SITEURL", "")
    preview = state.settings.preview

    def visible(article: Any) -> bool:
        # A withdrawn release leaves every list, in a preview too (withdrawals.py).
        withdrawn = article.release.is_withdrawn(as_of)
        return not withdrawn and (preview or article.release.is_public(as_of))

    def gate(articles: list[Any]) -> list[Any]:
        kept = [a for a in articles if visible(a)]
        for article in kept:
            present(article, state, site_url)
        return kept

    if preview:
        # An embargo-safe preview shows what is not public yet, marked as such on every page
        # (see invoke preview); drafts join the list.
        generator.articles = [*generator.articles, *generator.drafts]
    # Newest first; releases with the same instant in file order, so that the lists are the
    # same in every build (Pelican reads files in set order).
    public = sorted(
        gate([*generator.articles, *generator.translations]),
        key=lambda a: (a.date, a.release.source),
        reverse=True,
    )
    # One version of each piece of news in the lists; its translations are written as
    # pages of their own and linked from it (translations.py).
    listed, others = [], []
    for group in translations.groups(public, lambda a: a.release, state.settings.languages):
        links = translations.switcher([a.release for a in group])
        for article in group:
            article.alternates = links
            article.x_default = group[0].url
        listed.append(group[0])
        others.extend(group[1:])
    order = {id(a): i for i, a in enumerate(public)}
    generator.articles = sorted(listed, key=lambda a: order[id(a)])
    generator.translations = sorted(others, key=lambda a: order[id(a)])
    generator.drafts = []
    generator.drafts_translations = []
    generator.hidden_articles = []
    generator.hidden_translations = []
    state.public = [a.release.at(as_of) for a in public if a.release.is_public(as_of)]
    state.preview_only = [a.release for a in public if not a.release.is_public(as_of)]
    state.withdrawn = sorted(
        (
            r.at(as_of)
            for r in state.newsroom.releases
            if r.went_live(as_of) and r.is_withdrawn(as_of)
        ),
        key=lambda r: (r.date, r.source),
        reverse=True,
    )
    _withhold(state, generator.context)
    generator.context["releases"] = [a.release for a in generator.articles]
    generator.context["release_translations"] = generator.translations
    # Computed once: the year navigation is on every archive page.
    year_url = generator.settings["YEAR_ARCHIVE_URL"]
    firsts = {r.year: r.date for r in reversed(generator.context["releases"])}
    generator.context["release_years"] = [
        YearLink(year, year_url.format(date=date))
        for year, date in sorted(firsts.items(), reverse=True)
    ]


def present(article: Any, state: BuildState, site_url: str) -> None:
    """What a release page shows of the gate: its banner, the release as readers see it at
    the build instant, and its share links. One article at a time, so that the development
    server can present a re-read release exactly as the whole gate does (tools/build_worker.py).
    """
    as_of = state.settings.as_of
    article.banner = banner(article.release, as_of)
    article.release = article.release.at(as_of) if not state.settings.preview else article.release
    # Only the release's own page shows them: made by the worker that renders it (lazy.py).
    networks = state.settings.share_networks
    article.share_links = OnFirstUse(partial(share_links, article.release, site_url, networks))


def _withhold(state: BuildState, context: dict[str, Any]) -> None:
    """Keep what only hidden releases use out of every page (and the editor, see cms.py)."""
    site = state.newsroom.site
    assert site is not None
    kit = state.newsroom.media_kit
    kit_files = [
        (mediakit.KIT_FOLDER / name).as_posix()
        for album in (kit.albums if kit else ())
        for item in album.items
        for name in (item.file, item.png)
        if name
    ]
    state.withheld = withheld.find(
        site,
        state.newsroom.releases,
        state.shown,  # a preview shows what its embargoed releases use too
        state.newsroom.pages,
        [*kit_files, site.company.logo or ""],
    )
    shown = state.withheld.site(site)
    # Every generator shares this context, and none has written a page yet.
    context.update(topics=shown.topics, media_contacts=shown.contacts)


@dataclass(frozen=True)
class YearLink:
    year: int
    url: str


def banner(release: Release, as_of: datetime) -> str | None:
    """Which warning a preview shows on a release readers cannot see yet: "draft" or
    "embargoed" (article.html words it, in the release's language)."""
    if release.draft:
        return "draft"
    if not release.is_public(as_of):
        return "embargoed"
    return None
