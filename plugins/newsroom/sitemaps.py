"""Sitemaps and robots.txt: every public page for search engines, and the latest news for
Google News.

``sitemap.xml`` lists every page the build writes (home, archive and its pages, years,
topics, tags, standalone pages, the disclosure record, the follow page, releases), each with
its language and an ``x-default`` alternate. ``news-sitemap.xml`` lists the releases of the
48 hours before the build instant. A file holds at most 50,000 URLs (1,000 for news); beyond
that the URLs are split over numbered files and a ``-index.xml`` sitemap index lists them,
and ``robots.txt`` names the sitemaps.

Sitemaps need absolute URLs, so they are written only when SITEURL is set (publishconf.py); a
development build writes a robots.txt without them. A preview (invoke preview) writes none of
this: its own robots.txt keeps crawlers out (assets.copy_release_files).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.generators import Generator
from pelican.paginator import Paginator
from pelican.writers import Writer

from . import disclosures, feeds, translations
from .dates import utc_iso
from .models import Release
from .pagelangs import localized
from .schedule import NEWS_WINDOW
from .state import state_of
from .urls import absolute

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"

#: The sitemaps protocol's limit per file, and Google News's.
MAX_URLS = 50_000
MAX_NEWS_URLS = 1_000


@dataclass(frozen=True)
class Entry:
    """One page in the sitemap. ``path`` is its address inside the site (``news/2026/x/``).

    ``translations`` holds ``(language, path)`` for the same page in other languages; every
    version lists all of them, so translations only need to fill it in.
    """

    path: str
    lang: str
    lastmod: datetime | None = None
    translations: tuple[tuple[str, str], ...] = ()
    #: The version for readers whose language has none; the same in every version.
    x_default: str | None = None

    def alternates(self) -> list[tuple[str, str]]:
        """hreflang -> path: each language version, and x-default."""
        versions = dict([(self.lang, self.path), *self.translations])
        return [*sorted(versions.items()), ("x-default", self.x_default or self.path)]


def page_path(save_as: str) -> str:
    """The address of a written file, as base.html's canonical link gives it."""
    return save_as[: -len("index.html")] if save_as.endswith("index.html") else save_as


def newest(releases: Iterable[Release]) -> datetime | None:
    """A list page changes when any of its releases does: its newest modification."""
    return max((r.modified for r in releases), default=None)


def paginated(
    save_as: str, url: str, items: Sequence[Any], template: str, settings: dict[str, Any]
) -> list[str]:
    """The files Pelican's writer makes of one list, paginated exactly as it does."""
    if template not in settings["PAGINATED_TEMPLATES"]:
        return [save_as]
    per_page = settings["PAGINATED_TEMPLATES"][template] or settings["DEFAULT_PAGINATION"]
    paginator = Paginator(save_as, url, items, settings, per_page)
    return [paginator.page(n).save_as for n in paginator.page_range]


def site_entries(context: dict[str, Any], settings: dict[str, Any], lang: str) -> list[Entry]:
    """Every page the build writes, from the gated lists in Pelican's context."""
    articles = context["articles"]
    everything = newest(a.release for a in articles)
    entries: list[Entry] = []

    list_versions = _list_versions(context, lang)

    def add(save_as: str, lastmod: datetime | None, page_lang: str = lang) -> None:
        path = page_path(save_as)
        versions = list_versions.get(path, {})
        others = tuple((code, p) for code, p in versions.items() if p != path)
        entries.append(Entry(path, page_lang, lastmod, others, versions.get(lang)))

    def add_versions(versions: dict[str, str], lastmod: datetime | None) -> None:
        """A page in each language, each linked to the others; the first language's is the
        default."""
        others = tuple((code, page_path(path)) for code, path in versions.items())
        first = page_path(next(iter(versions.values())))
        for code, save_as in versions.items():
            entries.append(Entry(page_path(save_as), code, lastmod, others, first))

    for template in settings["DIRECT_TEMPLATES"]:
        save_as = settings.get(f"{template.upper()}_SAVE_AS", f"{template}.html")
        if not save_as or template == "404":
            continue
        url = settings.get(f"{template.upper()}_URL", f"{template}.html")
        for name in paginated(save_as, url, articles, template, settings):
            add(name, everything)
    for archive in context.get("period_archives", {}).get("year", []):
        for name in paginated(
            archive["save_as"], archive["url"], archive["articles"], "period_archives", settings
        ):
            add(name, newest(a.release for a in archive["articles"]))
    for template, taxonomy in (("category", "categories"), ("tag", "tags")):
        for wrapper, items in context[taxonomy]:
            lastmod = newest(a.release for a in items)
            for name in paginated(wrapper.save_as, wrapper.url, items, template, settings):
                add(name, lastmod)
    # The topic, tag and year pages of the other languages (taxonomies.py).
    for page in context.get("language_list_pages", []):
        if page.template != "404":
            lastmod = newest(a.release for a in page.articles)
            for name in paginated(page.save_as, page.url, page.articles, page.template, settings):
                add(name, lastmod, page.lang)
    languages = state_of(settings).settings.languages
    order = {code: i for i, code in enumerate(languages)}
    by_slug: dict[str, dict[str, str]] = {}
    for page in sorted(context.get("pages", []), key=lambda p: order.get(p.lang, len(order))):
        by_slug.setdefault(page.slug, {})[page.lang] = page.save_as
    for versions in by_slug.values():
        add_versions(versions, None)
    # The pages other generators of this plugin write, in each language (localized.py): the
    # record changes with every release.
    for save_as, lastmod in ((disclosures.PAGE_SAVE_AS, everything), (feeds.FOLLOW_SAVE_AS, None)):
        add_versions({code: localized(save_as, code, languages) for code in languages}, lastmod)
    for lang, items in context.get("language_articles", []):
        url = translations.list_url(lang)
        save_as = translations.LIST_SAVE_AS.format(lang=lang)
        for name in paginated(save_as, url, items, translations.LIST_TEMPLATE, settings):
            add(name, newest(a.release for a in items), lang)
    for article in [*articles, *context.get("release_translations", [])]:
        release = article.release
        others = tuple(
            (link.lang, link.url) for link in article.alternates if link.url != release.url
        )
        entries.append(
            Entry(
                page_path(article.save_as),
                release.lang,
                release.modified,
                others,
                article.x_default,
            )
        )
    return sorted(entries, key=lambda e: e.path)


def _list_versions(context: dict[str, Any], first: str) -> dict[str, dict[str, str]]:
    """Each topic, tag and year page's path -> its version in each language, the first
    language's where it has one (taxonomies.py)."""
    first_urls = context.get("list_page_urls", {}).get(first, set())
    groups: dict[str, dict[str, str]] = {}
    for page in context.get("language_list_pages", []):
        if page.template == "404":
            continue
        group = groups.setdefault(page.base, {})
        if page.base in first_urls:
            group[first] = page.base
        group[page.lang] = page.url
    return {path: group for group in groups.values() for path in group.values()}


def news_releases(public: Sequence[Release], as_of: datetime) -> list[Release]:
    """The releases of the two days before the build instant, newest first.

    A release is in from its instant until exactly two days later, when it leaves: like every
    change of the output, leaving happens at an instant (schedule.Window counts it).
    """
    since = as_of - NEWS_WINDOW
    found = [r for r in public if since < r.date <= as_of and r.is_public(as_of)]
    return sorted(found, key=lambda r: (r.date, r.url), reverse=True)


def _document(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def urlset(entries: Sequence[Entry], site_url: str) -> bytes:
    # Prefixed names are written as they are: no global ElementTree namespace registry.
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS, "xmlns:xhtml": XHTML_NS})
    for entry in entries:
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = absolute(site_url, entry.path)
        if entry.lastmod is not None:
            ET.SubElement(url, "lastmod").text = utc_iso(entry.lastmod)
        for hreflang, path in entry.alternates():
            ET.SubElement(
                url,
                "xhtml:link",
                {"rel": "alternate", "hreflang": hreflang, "href": absolute(site_url, path)},
            )
    return _document(root)


def news_urlset(releases: Sequence[Release], site_url: str, publication: str) -> bytes:
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS, "xmlns:news": NEWS_NS})
    for release in releases:
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = absolute(site_url, release.url)
        news = ET.SubElement(url, "news:news")
        source = ET.SubElement(news, "news:publication")
        ET.SubElement(source, "news:name").text = publication
        ET.SubElement(source, "news:language").text = release.lang
        published = release.date.isoformat(timespec="seconds")
        ET.SubElement(news, "news:publication_date").text = published
        ET.SubElement(news, "news:title").text = release.title
    return _document(root)


def sitemap_index(parts: Sequence[tuple[str, datetime | None]], site_url: str) -> bytes:
    root = ET.Element("sitemapindex", {"xmlns": SITEMAP_NS})
    for path, lastmod in parts:
        sitemap = ET.SubElement(root, "sitemap")
        ET.SubElement(sitemap, "loc").text = absolute(site_url, path)
        if lastmod is not None:
            ET.SubElement(sitemap, "lastmod").text = utc_iso(lastmod)
    return _document(root)


@dataclass(frozen=True)
class SitemapFile:
    path: str
    data: bytes


def split(
    name: str,
    items: Sequence[Any],
    limit: int,
    write: Any,
    lastmod: Any,
    site_url: str,
) -> tuple[str, list[SitemapFile]]:
    """``<name>.xml``, or numbered parts and ``<name>-index.xml`` when one file cannot hold
    them all. Returns the file to announce in robots.txt, and the files."""
    if len(items) <= limit:
        return f"{name}.xml", [SitemapFile(f"{name}.xml", write(items))]
    chunks = [items[i : i + limit] for i in range(0, len(items), limit)]
    files = [SitemapFile(f"{name}-{n}.xml", write(c)) for n, c in enumerate(chunks, start=1)]
    parts = [(f.path, newest_of(lastmod(i) for i in c)) for f, c in zip(files, chunks, strict=True)]
    index = SitemapFile(f"{name}-index.xml", sitemap_index(parts, site_url))
    return index.path, [*files, index]


def newest_of(values: Iterable[datetime | None]) -> datetime | None:
    return max((v for v in values if v is not None), default=None)


def robots_txt(site_url: str, sitemaps: Sequence[str]) -> str:
    """Everything may be crawled; the sitemaps are named with absolute URLs, as required."""
    lines = ["User-agent: *", "Disallow:"]
    if sitemaps:
        lines += ["", *(f"Sitemap: {absolute(site_url, path)}" for path in sitemaps)]
    return "\n".join(lines) + "\n"


def build_files(
    entries: Sequence[Entry],
    news: Sequence[Release],
    site_url: str,
    publication: str,
) -> list[SitemapFile]:
    """robots.txt and, with a SITEURL, the sitemaps."""
    if not site_url:
        return [SitemapFile("robots.txt", robots_txt(site_url, []).encode())]
    main, files = split(
        "sitemap",
        entries,
        MAX_URLS,
        lambda chunk: urlset(chunk, site_url),
        lambda entry: entry.lastmod,
        site_url,
    )
    news_main, news_files = split(
        "news-sitemap",
        news,
        MAX_NEWS_URLS,
        lambda chunk: news_urlset(chunk, site_url, publication),
        lambda release: release.modified,
        site_url,
    )
    robots = SitemapFile("robots.txt", robots_txt(site_url, [main, news_main]).encode())
    return [*files, *news_files, robots]


class SitemapGenerator(Generator):
    """Writes robots.txt and the sitemaps from the gated lists (none in a preview)."""

    files: list[SitemapFile]

    def generate_context(self) -> None:
        # Plugin generators run after the articles and pages generators: the lists in the
        # context are the gated ones, and the taxonomies are built from them.
        self.files = []
        state = state_of(self.settings)
        if state.settings.preview:
            return
        site_url = self.settings.get("SITEURL", "")
        if not site_url:
            # Without absolute URLs there are no sitemaps, only robots.txt: the entry of every
            # page (0.2 s at 10,000 releases) would be made for nothing.
            self.files = build_files([], [], site_url, self.settings["SITENAME"])
            return
        entries = site_entries(self.context, self.settings, state.settings.lang)
        news = news_releases(state.public, state.settings.as_of)
        self.files = build_files(entries, news, site_url, self.settings["SITENAME"])

    def generate_output(self, writer: Writer) -> None:
        for file in self.files:
            (Path(self.output_path) / file.path).write_bytes(file.data)


def get_generators(pelican: Pelican) -> type[Generator]:
    return SitemapGenerator
