"""Sitemap files as search engines read them: namespaces, alternates, windows and limits."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from newsroom.models import Release
from newsroom.sitemaps import (
    Entry,
    build_files,
    news_releases,
    news_urlset,
    page_path,
    robots_txt,
    split,
    urlset,
)
from support import Site

NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
SITE = "https://news.example.com"


def parse(data: bytes) -> ET.Element:
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n")
    assert data.endswith(b">\n")
    return ET.fromstring(data)


def releases(site: Site) -> list[Release]:
    return site.load().releases


def test_page_paths_match_the_canonical_links() -> None:
    assert page_path("index.html") == ""
    assert page_path("news/page/2/index.html") == "news/page/2/"
    assert page_path("sitemap-page.html") == "sitemap-page.html"


def test_every_url_names_its_language_and_an_x_default() -> None:
    modified = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    root = parse(urlset([Entry("", "en"), Entry("news/2026/a/", "de", modified)], SITE))
    assert root.tag == f"{{{NS['s']}}}urlset"
    home, release = root.findall("s:url", NS)
    assert home.findtext("s:loc", namespaces=NS) == "https://news.example.com/"
    assert home.find("s:lastmod", NS) is None  # unknown is left out, never guessed
    assert release.findtext("s:lastmod", namespaces=NS) == "2026-03-02T09:00:00Z"
    links = [
        (x.get("rel"), x.get("hreflang"), x.get("href")) for x in release.findall("xhtml:link", NS)
    ]
    assert links == [
        ("alternate", "de", "https://news.example.com/news/2026/a/"),
        ("alternate", "x-default", "https://news.example.com/news/2026/a/"),
    ]


def test_translations_join_the_alternates_in_language_order() -> None:
    entry = Entry("news/2026/a/", "en", translations=(("fr", "fr/news/2026/a/"), ("de", "de/a/")))
    assert entry.alternates() == [
        ("de", "de/a/"),
        ("en", "news/2026/a/"),
        ("fr", "fr/news/2026/a/"),
        ("x-default", "news/2026/a/"),
    ]


def test_news_entries_carry_publication_language_date_and_title(site: Site) -> None:
    release = next(r for r in releases(site) if r.slug == "first-product")
    release = replace(release, title="Widgets & <gadgets>")
    root = parse(news_urlset([release], SITE, "Example Newsroom"))
    (url,) = root.findall("s:url", NS)
    assert url.findtext("s:loc", namespaces=NS) == f"{SITE}/news/2026/first-product/"
    news = url.find("news:news", NS)
    assert news is not None
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Example Newsroom"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:publication_date", namespaces=NS) == "2026-03-02T09:00:00+01:00"
    assert news.findtext("news:title", namespaces=NS) == "Widgets & <gadgets>"


def test_the_news_window_is_the_48_hours_up_to_the_build_instant(site: Site) -> None:
    public = [r for r in releases(site) if not r.draft]
    first = next(r for r in public if r.slug == "first-product")  # 2026-03-02T08:00:00Z
    at = first.date_utc
    assert news_releases(public, at) == [first]  # at its very instant
    assert news_releases(public, at + timedelta(hours=47, minutes=59, seconds=59)) == [first]
    assert news_releases(public, at + timedelta(hours=48)) == []  # two days on, it leaves
    assert news_releases(public, at - timedelta(seconds=1)) == []  # not yet public


def test_news_is_newest_first(site: Site) -> None:
    public = [r for r in releases(site) if not r.draft]
    as_of = datetime(2026, 12, 4, tzinfo=UTC)
    recent = [replace(r, date=as_of - timedelta(hours=n)) for n, r in enumerate(public, start=1)]
    assert news_releases(list(reversed(recent)), as_of) == recent


def test_too_many_urls_are_split_and_listed_in_an_index() -> None:
    entries = [Entry(f"p{n}/", "en", datetime(2026, 1, n, tzinfo=UTC)) for n in range(1, 6)]
    announced, files = split(
        "sitemap", entries, 2, lambda c: urlset(c, SITE), lambda e: e.lastmod, SITE
    )
    assert announced == "sitemap-index.xml"
    assert [f.path for f in files] == [
        "sitemap-1.xml",
        "sitemap-2.xml",
        "sitemap-3.xml",
        "sitemap-index.xml",
    ]
    assert [len(parse(f.data).findall("s:url", NS)) for f in files[:3]] == [2, 2, 1]
    index = parse(files[3].data)
    assert index.tag == f"{{{NS['s']}}}sitemapindex"
    assert [
        (s.findtext("s:loc", namespaces=NS), s.findtext("s:lastmod", namespaces=NS))
        for s in index.findall("s:sitemap", NS)
    ] == [
        (f"{SITE}/sitemap-1.xml", "2026-01-02T00:00:00Z"),
        (f"{SITE}/sitemap-2.xml", "2026-01-04T00:00:00Z"),
        (f"{SITE}/sitemap-3.xml", "2026-01-05T00:00:00Z"),
    ]


def test_a_list_that_fits_stays_one_file() -> None:
    announced, files = split(
        "news-sitemap", [], 1000, lambda c: news_urlset(c, SITE, "N"), None, SITE
    )
    assert announced == "news-sitemap.xml"
    assert [f.path for f in files] == ["news-sitemap.xml"]
    assert parse(files[0].data).findall("s:url", NS) == []


def test_robots_txt_allows_everything_and_names_the_sitemaps() -> None:
    assert robots_txt(SITE, ["sitemap.xml", "news-sitemap.xml"]) == (
        "User-agent: *\nDisallow:\n\n"
        "Sitemap: https://news.example.com/sitemap.xml\n"
        "Sitemap: https://news.example.com/news-sitemap.xml\n"
    )


def test_without_a_site_url_there_is_only_robots_txt() -> None:
    # Sitemaps must hold absolute URLs; a development build has no address to give.
    files = build_files([Entry("", "en")], [], "", "Example Newsroom")
    assert [(f.path, f.data) for f in files] == [("robots.txt", b"User-agent: *\nDisallow:\n")]


def test_with_a_site_url_robots_txt_names_both_sitemaps() -> None:
    files = {f.path: f.data for f in build_files([Entry("", "en")], [], SITE, "N")}
    assert sorted(files) == ["news-sitemap.xml", "robots.txt", "sitemap.xml"]
    assert b"Sitemap: https://news.example.com/news-sitemap.xml\n" in files["robots.txt"]
