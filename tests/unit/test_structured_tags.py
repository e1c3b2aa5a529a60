"""JSON-LD that cannot break out of its script element, and the tags computed for a release."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from newsroom.models import Release
from newsroom.share_images import ShareImage
from newsroom.structured import meta_tags, news_article, script_json
from support import Site

SITE = "https://news.example.com"


@pytest.mark.parametrize(
    "text",
    [
        "</script><script>alert(1)</script>",
        "<!-- <script>",
        "Q&A: 1 < 2 > 0",
        "line\u2028separator\u2029paragraph",
        "Zürich — “quotes” \\ backslash",
    ],
)
def test_script_json_round_trips_without_markup(text: str) -> None:
    out = script_json({"headline": text})
    assert json.loads(out) == {"headline": text}
    for forbidden in ("<", ">", "&", "\u2028", "\u2029"):
        assert forbidden not in out


def test_script_json_is_compact_with_sorted_keys() -> None:
    assert script_json({"b": 1, "@context": "x", "a": [1, 2]}) == '{"@context":"x","a":[1,2],"b":1}'


def release(site: Site, slug: str) -> Release:
    return next(r for r in site.load().releases if r.slug == slug)


def test_news_article_fields(site: Site) -> None:
    q4 = release(site, "q4-results")
    company = site.load().site.company  # type: ignore[union-attr]
    company = replace(company, logo="media/logo.png")
    image = ShareImage("news/2025/q4-results/share-1.png", 1200, 630, "Alt")
    data = news_article(q4, company, image, SITE)
    organization = {
        "@type": "Organization",
        "@id": f"{SITE}/#organization",
        "name": "Example Industries AG",
        "url": "https://www.example.com",
        "logo": {"@type": "ImageObject", "url": f"{SITE}/media/logo.png"},
    }
    assert data == {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Example reports Q4 2025 results",
        "datePublished": "2025-12-15T07:30:00+01:00",
        "dateModified": "2025-12-16T10:00:00+01:00",
        "publisher": organization,
        "author": {"@id": organization["@id"]},
        "image": {
            "@type": "ImageObject",
            "url": f"{SITE}/news/2025/q4-results/share-1.png",
            "width": 1200,
            "height": 630,
        },
        "url": f"{SITE}/news/2025/q4-results/",
        "inLanguage": "en",
        "articleSection": "Financial results",
        "keywords": ["results"],
    }


def test_a_company_without_a_logo_names_none(site: Site) -> None:
    company = site.load().site.company  # type: ignore[union-attr]
    image = ShareImage("x.png", 1, 1, "")
    data = news_article(release(site, "first-product"), company, image, SITE)
    assert "logo" not in data["publisher"]


def test_meta_tags_in_order(site: Site) -> None:
    first = release(site, "first-product")
    image = ShareImage("news/2026/first-product/share-1.png", 1200, 630, "Example Newsroom: X")
    tags = [(t.attribute, t.key, t.content) for t in meta_tags(first, image, SITE, "Example News")]
    png = f"{SITE}/news/2026/first-product/share-1.png"
    assert tags == [
        ("property", "og:site_name", "Example News"),
        ("property", "og:type", "article"),
        ("property", "og:title", "Example launches its first product"),
        ("property", "og:description", "The first product is here."),
        ("property", "og:url", f"{SITE}/news/2026/first-product/"),
        ("property", "og:image", png),
        ("property", "og:image:type", "image/png"),
        ("property", "og:image:width", "1200"),
        ("property", "og:image:height", "630"),
        ("property", "og:image:alt", "Example Newsroom: X"),
        ("property", "article:published_time", "2026-03-02T09:00:00+01:00"),
        ("property", "article:section", "Products"),
        ("property", "article:tag", "launch"),
        ("property", "article:tag", "widgets"),
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:image:alt", "Example Newsroom: X"),
    ]
