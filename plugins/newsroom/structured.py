"""Structured data for each release page: schema.org JSON-LD, Open Graph and a Twitter card.

Everything is computed here, after the time gate, and attached to the article: templates only
print ``article.meta_tags`` and ``article.structured`` (DESIGN invariant 5).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from markupsafe import Markup
from pelican.generators import ArticlesGenerator

from . import share_images
from .lazy import OnFirstUse
from .models import Company, Release
from .share_images import ShareImage
from .state import state_of
from .urls import absolute

# Inside <script>, "</script>" or "<!--" in a headline must not end the element: JSON allows
# \u escapes for every character, so these are written escaped and browsers never see markup.
_SCRIPT_SAFE = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


@dataclass(frozen=True)
class MetaTag:
    """One ``<meta>``: Open Graph uses ``property``, Twitter cards use ``name``."""

    attribute: str
    key: str
    content: str


def script_json(data: Any) -> Markup:
    """JSON for an inline ``<script type="application/ld+json">``, safe to print unescaped."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.translate(_SCRIPT_SAFE))


def iso(value: Any) -> str:
    """``2026-11-23T09:00:00+01:00``: the instant with the offset the author gave."""
    return str(value.isoformat(timespec="seconds"))


def news_article(
    release: Release,
    company: Company,
    image: ShareImage,
    site_url: str,
    versions: Sequence[str] = (),
) -> dict[str, Any]:
    """The schema.org NewsArticle of a release (Google's Article rich results read it).

    ``versions`` are the addresses of all public language versions, the original first:
    the original names its translations, and each translation its original.
    """
    # The company publishes and writes: described once, and named again by its @id (a node
    # reference, as JSON-LD defines it), instead of a second copy on every release page.
    organization: dict[str, Any] = {
        "@type": "Organization",
        "@id": absolute(site_url, "#organization"),
        "name": company.legal_name,
        "url": company.website,
    }
    if company.logo:
        organization["logo"] = {"@type": "ImageObject", "url": absolute(site_url, company.logo)}
    page = absolute(site_url, release.url)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": release.title,
        "datePublished": iso(release.date),
        "dateModified": iso(release.modified),
        "publisher": organization,
        "author": {"@id": organization["@id"]},
        "image": {
            "@type": "ImageObject",
            "url": absolute(site_url, image.url),
            "width": image.width,
            "height": image.height,
        },
        # The summary is the page's description and og:description, and its address its
        # canonical link and og:url: repeated here as description and mainEntityOfPage, they
        # were 2.6 MB of 10,000 release pages (Google's Article results read neither).
        "url": page,
        "inLanguage": release.lang,
        "articleSection": release.topic_name,
        "keywords": list(release.tags),
    }
    if release.subtitle:
        data["alternativeHeadline"] = release.subtitle
    others = [absolute(site_url, url) for url in versions if url != release.url]
    if others and versions[0] == release.url:
        data["workTranslation"] = [{"@id": url} for url in others]
    elif others:
        data["translationOfWork"] = {"@id": absolute(site_url, versions[0])}
    return data


def meta_tags(release: Release, image: ShareImage, site_url: str, site_name: str) -> list[MetaTag]:
    """Open Graph article tags and a large-image card for X, in the order networks list them."""
    image_url = absolute(site_url, image.url)

    def og(key: str, content: str | int) -> MetaTag:
        return MetaTag("property", key, str(content))

    def twitter(key: str, content: str) -> MetaTag:
        return MetaTag("name", key, content)

    return [
        og("og:site_name", site_name),
        og("og:type", "article"),
        og("og:title", release.title),
        og("og:description", release.summary),
        og("og:url", absolute(site_url, release.url)),
        og("og:image", image_url),
        og("og:image:type", image.media_type),
        og("og:image:width", image.width),
        og("og:image:height", image.height),
        og("og:image:alt", image.alt),
        og("article:published_time", iso(release.date)),
        # Only when an update changed it: otherwise it repeats the published time.
        *(
            [og("article:modified_time", iso(release.modified))]
            if release.modified != release.date
            else []
        ),
        og("article:section", release.topic_name),
        *(og("article:tag", tag) for tag in release.tags),
        # X reads og:title, og:description and og:image where its own tags are missing
        # (developer.x.com/cards/markup): repeating them cost 500 bytes on every page.
        twitter("twitter:card", "summary_large_image"),
        twitter("twitter:image:alt", image.alt),
    ]


def attach(generator: ArticlesGenerator) -> None:
    """``article.structured`` and ``article.meta_tags`` for every release the gate let through.

    Connected to article_generator_finalized: it runs after the pretaxonomy time gate, so
    ``generator.articles`` holds exactly the releases of ``state.public``.
    """
    images = share_images.of_build(generator.settings)
    # Every list's release cards show the same picture as the link preview: the lead image,
    # or the drawn card. The context is shared, so the later generators' pages have it too.
    generator.context["card_picture"] = images.for_release
    # Only a release's own page shows them: each is made by the worker that renders it
    # (lazy.py), as ``describe`` would make it now.
    for article in [*generator.articles, *generator.translations]:
        article.structured = OnFirstUse(partial(_structured, article, generator.settings))
        article.meta_tags = OnFirstUse(partial(_meta_tags, article, generator.settings))


def describe(article: Any, settings: dict[str, Any]) -> None:
    """``article.structured`` and ``article.meta_tags`` of one gated release page, made at
    once: what the development server runs for a release it re-renders alone
    (tools/build_worker.py)."""
    article.structured = _structured(article, settings)
    article.meta_tags = _meta_tags(article, settings)


def _structured(article: Any, settings: dict[str, Any]) -> Markup:
    state = state_of(settings)
    assert state.newsroom.site is not None
    release = article.release
    image = share_images.of_build(settings).for_release(release)
    versions = [link.url for link in article.alternates]
    company = state.newsroom.site.company
    site_url = settings.get("SITEURL", "")
    return script_json(news_article(release, company, image, site_url, versions))


def _meta_tags(article: Any, settings: dict[str, Any]) -> list[MetaTag]:
    image = share_images.of_build(settings).for_release(article.release)
    return meta_tags(article.release, image, settings.get("SITEURL", ""), settings["SITENAME"])
