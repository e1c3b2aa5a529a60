"""Feeds of the public releases: Atom, RSS 2.0 and JSON Feed 1.1, for all, each topic, each
language, each topic in each language after the first, and the "Follow our news" page that
lists them.

The feeds are a generator of their own, like the disclosure record: Pelican runs it after the
articles generator, whose pretaxonomy signal applied the time gate, so ``state.public`` is
final and an embargoed release cannot reach a feed (a preview, which is never deployed, asks
for ``state.shown``: its feeds show what its pages show). Topic and language feeds exist
only while they have public releases, like topic pages: a feed named after an unannounced
topic would give the news away. Every feed is a pure function of the commit and the build
instant: dates come from the releases (the build instant only dates the all-releases feed
while nothing is public), and JSON keys are sorted.

A German reader who follows a topic from its German page (``/de/topics/products/``, which
lists the German releases, taxonomies.py) expects the German releases of that topic, so each
language after the first has a feed per topic (``feeds/lang/de/topics/products.atom.xml``)
beside its language feed, named and described in that language. It exists while the topic
has a page, so the page's "Follow" link always leads somewhere, empty until a release of
the topic is written in that language. The first language's pages link the topic feeds that
list each piece of news once, as they always did. Browsers and feed readers subscribe to
the first feed a page links, so a page in a language after the first leads with its
language's feed (``FeedIndex.for_page``). An item names its topic in its own language in
every feed that lists it: the reader reads the category with the item. A site with one
language has no language feeds: each would repeat the main feed item for item, one more
address to choose for nothing.

Item IDs are fixed at first publication. A feed reader decides by the ID whether an item is
new, so an ID that changed would show a corrected release as a second release. The ID is
therefore not the page address (``release_url`` can be corrected) nor built from the date
(dates get corrected too), but from what ``invoke check --against`` freezes once a release is
published: its year folder and file name. ``tag:news.example.com,2026:q3-results`` is a tag
URI (RFC 4151): a name that never pretends to be an address. Only moving the newsroom to
another host changes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from gettext import NullTranslations
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree
from pelican import Pelican
from pelican.generators import Generator
from pelican.urlwrappers import Category
from pelican.writers import Writer

from .bodies import body_field
from .dates import utc_iso
from .i18n import N_, language_name
from .localized import write_each_language
from .models import Company, Release, SiteData, text_in
from .pagelangs import localized
from .sanitize import clean, plain_text
from .settings import NewsroomSettings
from .state import state_of
from .translations import list_url, listed
from .urls import absolute

FOLLOW_URL = "follow/"
FOLLOW_SAVE_AS = "follow/index.html"
#: Every feed file of the build with the SHA-256 of its bytes: the one list of feed addresses
#: that the deploy and ``invoke announce`` read, to tell a WebSub hub which feeds changed.
INDEX = "feeds/index.json"
#: The releases as JSON, written by the API generator; the follow page links it.
API_URL = "api/releases.json"
#: A language feed's description, from the theme's catalogue like every label readers see.
LANGUAGE_FEED = N_("Press releases from %(company)s in %(language)s.")
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
ATOM_NS = "http://www.w3.org/2005/Atom"
#: RFC 6721: an Atom feed says that an entry it carried was deleted (a withdrawn release).
TOMBSTONES_NS = "http://purl.org/atompub/tombstones/1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: The lead image's media type by file ending: a fixed table, not the system's mime.types,
#: so that every machine writes the same feed. Covers releases.IMAGE_TYPES.
IMAGE_MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
}


#: Language names as their speakers write them, for feed titles and the follow page.
@dataclass(frozen=True)
class Format:
    key: str
    label: str
    suffix: str
    mime: str


ATOM = Format("atom", "Atom", ".atom.xml", "application/atom+xml")
RSS = Format("rss", "RSS", ".rss.xml", "application/rss+xml")
JSON_FEED = Format("json", "JSON Feed", ".json", "application/feed+json")
FORMATS = (ATOM, RSS, JSON_FEED)


@dataclass(frozen=True)
class FeedFile:
    """One feed in one format: what a ``<link rel="alternate">`` and the follow page show."""

    format: Format
    url: str
    title: str


@dataclass(frozen=True)
class Enclosure:
    url: str
    mime: str
    length: int

    def link(self) -> dict[str, str]:
        return {"href": self.url, "rel": "enclosure", "type": self.mime, "length": str(self.length)}


@dataclass(frozen=True)
class Item:
    """One release as every feed shows it, resolved once however many feeds list it."""

    id: str
    url: str
    title: str
    summary: str
    content_html: str
    published: datetime
    modified: datetime
    lang: str
    #: The topic's key, the same in every language: what an Atom category's term says.
    topic_key: str
    #: The topic's name in the item's own language, as its page in that language names it:
    #: a feed item is read in its language, whichever feed carries it.
    topic: str
    tags: tuple[str, ...]
    image: Enclosure | None
    #: The release's source path: ``content_html`` is its body (bodies.py).
    source: str = field(default="", repr=False, compare=False)


# A page that reads an item's text is rendered again when the body changes (bodies.py).
body_field(Item, "content_html", lambda i: i.source or None)


@dataclass(frozen=True)
class Tombstone:
    """A withdrawn release, as RFC 6721 announces it: the entry's id, when, and why."""

    ref: str
    when: datetime
    comment: str
    lang: str


@dataclass(frozen=True)
class Feed:
    """All releases, one topic or one language, newest first, in every format."""

    key: str
    name: str
    title: str
    description: str
    home: str
    lang: str
    items: tuple[Item, ...]
    files: tuple[FeedFile, ...]
    #: Withdrawn releases this feed would list; only Atom can say so (RSS and JSON Feed
    #: have no way to), the others simply drop the item.
    tombstones: tuple[Tombstone, ...] = ()
    #: The key of the topic it follows; "" for the all-releases and language feeds.
    topic: str = ""
    #: The date of a feed with nothing in it yet: when its topic's first release went live
    #: (the feed began then), so that it keeps its bytes, and WebSub stays quiet, from one
    #: build to the next. None dates it by the build instant.
    since: datetime | None = None

    @property
    def anchor(self) -> str:
        """Its place on the follow page (``#topics-products``), for links from topic pages."""
        return self.key.replace("/", "-")

    def file(self, fmt: Format) -> FeedFile:
        return next(f for f in self.files if f.format == fmt)


@dataclass(frozen=True)
class FeedIndex:
    """Every feed of one build: what templates link and what the generator writes."""

    all: Feed
    topics: dict[str, Feed]
    #: Empty on a site with one language.
    languages: tuple[Feed, ...]
    #: The topic feeds of each language after the first, by language, then topic key.
    language_topics: dict[str, dict[str, Feed]] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Feed]:
        yield self.all
        yield from self.topics.values()
        yield from self.languages
        for topics in self.language_topics.values():
            yield from topics.values()

    def language(self, lang: str) -> Feed | None:
        """The feed of every release in ``lang``; None on a site with one language, or
        while nothing in ``lang`` is public."""
        return next((feed for feed in self.languages if feed.lang == lang), None)

    def for_page(self, lang: str, own: Sequence[Feed] = ()) -> tuple[Feed, ...]:
        """The feeds a page in ``lang`` links in its head, in order, each once: the page's
        language's feed, where it is not the first language and has one, then the
        all-releases feed, then the page's ``own`` (a topic's, a language's).

        Browsers and feed readers subscribe to a page's first feed: a German reader who
        subscribes from a German page gets the German releases, not the all-releases feed,
        which lists each piece of news in the first language it exists in. On the first
        language's pages that feed is the right first one.
        """
        chosen: dict[str, Feed] = {}
        for feed in (self.lead(lang), self.all, *own):
            if feed is not None:
                chosen.setdefault(feed.key, feed)
        return tuple(chosen.values())

    def lead(self, lang: str) -> Feed | None:
        """The feed a page in ``lang`` offers before the all-releases feed, in its head and
        on the follow page: its language's, where that is not the first language and has a
        feed; None otherwise (a one-language site, or nothing in ``lang`` public yet)."""
        return self.language(lang) if lang != self.all.lang else None

    def languages_for(self, lang: str) -> tuple[Feed, ...]:
        """The language feeds as a page in ``lang`` lists them: its own first (what its
        reader reads), then the others in the site's order."""
        return tuple(sorted(self.languages, key=lambda feed: feed.lang != lang))

    def topics_in(self, lang: str) -> dict[str, Feed]:
        """The topic feeds a page in ``lang`` offers: its language's, or on the first
        language's pages the ones that list each piece of news once."""
        return self.language_topics.get(lang, self.topics)

    @property
    def paths(self) -> list[str]:
        """Every feed file's path in the site, the JSON Feeds included."""
        return [file.url for feed in self for file in feed.files]


@dataclass(frozen=True)
class Publisher:
    """Who publishes the feeds and where: what every feed and item says about its source."""

    site_url: str
    site_name: str
    company: Company
    websub_hub: str
    as_of: datetime
    #: Where topics and tags are listed: the schemes of the feeds' categories.
    topics_url: str = "topics/"
    tags_url: str = "tags/"

    @property
    def host(self) -> str:
        """The tag URI authority: the site's host, or ``localhost`` in a development build."""
        return urlsplit(self.site_url).hostname or "localhost"

    def url(self, path: str) -> str:
        return absolute(self.site_url, path)

    def id_url(self, path: str) -> str:
        """An absolute address even in development builds, where links are root-relative."""
        return absolute(self.site_url or f"http://{self.host}", path)

    @property
    def author(self) -> dict[str, str]:
        return {"name": self.company.legal_name, "uri": self.company.website}


def stable_id(release: Release, host: str) -> str:
    """``tag:<host>,<folder year>:<file name>``: fixed at first publication (module docstring)."""
    return f"tag:{host},{release.folder}:{release.slug}"


def item_for(release: Release, publisher: Publisher) -> Item:
    url = publisher.url(release.url)
    image = None
    if release.image is not None:
        path = release.file_path(release.image.file)
        image = Enclosure(
            publisher.url(release.image.url),
            IMAGE_MEDIA_TYPES[path.suffix.lower()],
            path.stat().st_size,
        )
    return Item(
        id=stable_id(release, publisher.host),
        url=url,
        title=release.title,
        summary=release.summary,
        # Relative links in the text would point nowhere in a feed reader.
        content_html=clean(release.body_html, url if publisher.site_url else None),
        published=release.date.astimezone(UTC),
        modified=release.modified.astimezone(UTC),
        lang=release.lang,
        topic_key=release.topic.key,
        topic=release.topic_name,
        tags=release.tags,
        image=image,
        source=release.source,
    )


def tombstone(release: Release, host: str) -> Tombstone:
    assert release.withdrawal is not None
    return Tombstone(
        stable_id(release, host),
        release.withdrawal.date.astimezone(UTC),
        plain_text(release.withdrawal.note_html),
        release.lang,
    )


def belongs(topic: str = "", lang: str = "") -> Callable[[Release], bool]:
    """Whether a release (or a withdrawn one's tombstone) is in the feed of ``topic`` and
    ``lang`` ("": any)."""
    return lambda r: (not topic or r.topic.key == topic) and (not lang or r.lang == lang)


def plan(
    public: Sequence[Release],
    site: SiteData,
    settings: NewsroomSettings,
    publisher: Publisher,
    topic_url: dict[str, str],
    withdrawn: Sequence[Release] = (),
    labels: Callable[[str], NullTranslations] = lambda lang: NullTranslations(),
) -> FeedIndex:
    """The feeds of the releases in ``public`` (newest first): all, per topic, per language,
    and per topic in each language after the first (module docstring).

    ``topic_url`` gives each topic's page, where its feed's readers are sent. Each feed that
    exists also carries a tombstone for each ``withdrawn`` release it would list. ``labels``
    gives the theme's catalogue of a language (i18n.Catalogs.table): a language feed is
    described in its own language.
    """
    items: dict[str, Item] = {}
    gone = [(r, tombstone(r, publisher.host)) for r in withdrawn]
    languages = settings.languages
    # Each piece of news once in the main and topic feeds, like the lists; the language
    # feeds, and their topic feeds, have every version in their language.
    once = listed(public, languages)

    def feed(
        key: str,
        name: str,
        title: str,
        description: str,
        home: str,
        lang: str,
        source: Sequence[Release],
        keep: Callable[[Release], bool],
        topic: str = "",
        since: datetime | None = None,
    ) -> Feed:
        chosen: list[Item] = []
        for release in islice(filter(keep, source), settings.feed_items):
            if release.source not in items:  # resolved once, however many feeds list it
                items[release.source] = item_for(release, publisher)
            chosen.append(items[release.source])
        files = tuple(
            FeedFile(fmt, f"feeds/{key}{fmt.suffix}", f"{title} ({fmt.label})") for fmt in FORMATS
        )
        kept = tuple(stone for r, stone in gone if keep(r))
        return Feed(
            key, name, title, description, home, lang, tuple(chosen), files, kept, topic, since
        )

    company, site_name = publisher.company, publisher.site_name
    everything = feed(
        "all",
        "All releases",
        site_name,
        f"Press releases from {company.legal_name}.",
        "",
        settings.lang,
        once,
        belongs(),
    )
    with_releases = [t for t in site.topics.values() if any(r.topic.key == t.key for r in once)]
    with_releases.sort(key=lambda t: (t.name.casefold(), t.key))
    topics = {
        t.key: feed(
            f"topics/{t.key}",
            t.name,
            f"{site_name}: {t.name}",
            t.description,
            topic_url[t.key],
            settings.lang,
            once,
            belongs(t.key),
            t.key,
        )
        for t in with_releases
    }
    if len(languages) < 2:
        return FeedIndex(everything, topics, ())
    # A language's list page, its feed's home, exists while two languages have releases.
    written = [code for code in languages if any(r.lang == code for r in public)]
    language_feeds = tuple(
        feed(
            f"lang/{code}",
            language_name(code),
            f"{site_name}: {language_name(code)}",
            labels(code).gettext(LANGUAGE_FEED)
            % {"company": company.legal_name, "language": language_name(code)},
            list_url(code) if len(written) > 1 else "",
            code,
            public,
            belongs(lang=code),
        )
        for code in written
    )
    began: dict[str, datetime] = {}
    for release in public:
        began[release.topic.key] = min(began.get(release.topic.key, release.date), release.date)
    language_topics = {}
    for code in languages[1:]:
        # In the order of their names in the language, as its follow page lists them.
        named = [(str(text_in(t, "name", code)), t) for t in with_releases]
        named.sort(key=lambda pair: (pair[0].casefold(), pair[1].key))
        language_topics[code] = {
            t.key: feed(
                f"lang/{code}/topics/{t.key}",
                name,
                f"{site_name}: {name}",
                str(text_in(t, "description", code)),
                localized(topic_url[t.key], code, languages),
                code,
                public,
                belongs(t.key, code),
                t.key,
                began[t.key].astimezone(UTC),
            )
            for name, t in named
        }
    return FeedIndex(everything, topics, language_feeds, language_topics)


def updated(feed: Feed, publisher: Publisher) -> datetime:
    """The latest change to any item or withdrawal; for an empty feed, when it began, or the
    build instant for the all-releases feed of a newsroom with nothing public yet."""
    changes = [*(i.modified for i in feed.items), *(t.when for t in feed.tombstones)]
    return max(changes, default=(feed.since or publisher.as_of).astimezone(UTC))


class _WebSubHub(BaseExtension):
    """RSS has no hub link of its own; WebSub (section 4) uses Atom's, inside the channel."""

    hub = ""

    def extend_rss(self, feed: Any) -> Any:
        etree.SubElement(feed[0], f"{{{ATOM_NS}}}link", href=self.hub, rel="hub")
        return feed


class _Tombstones(BaseExtension):
    """RFC 6721 ``at:deleted-entry`` elements in an Atom feed, one per withdrawn release."""

    tombstones: tuple[Tombstone, ...] = ()

    def extend_ns(self) -> dict[str, str]:
        return {"at": TOMBSTONES_NS}

    def extend_atom(self, feed: Any) -> Any:
        for gone in self.tombstones:
            element = etree.SubElement(
                feed, f"{{{TOMBSTONES_NS}}}deleted-entry", ref=gone.ref, when=utc_iso(gone.when)
            )
            comment = etree.SubElement(element, f"{{{TOMBSTONES_NS}}}comment")
            comment.set(XML_LANG, gone.lang)
            comment.text = gone.comment
        return feed


class _AtomEntry(BaseEntryExtension):
    """An Atom entry's language (one feed may mix languages) and its links: feedgen 1.0.0
    drops a link's rel, type and length in entries (lkiesow/python-feedgen#135), which would
    turn the lead image into a second "alternate" page."""

    lang = ""
    links: tuple[dict[str, str], ...] = ()

    def extend_atom(self, entry: Any) -> Any:
        entry.set(XML_LANG, self.lang)
        for link in self.links:
            etree.SubElement(entry, "link", link)
        return entry


def _feedgen(feed: Feed, fmt: Format, publisher: Publisher) -> FeedGenerator:
    """One feedgen document; Atom and RSS differ only in their self link."""
    fg = FeedGenerator()
    # Not "atom_entry": feedgen sets an extension as an attribute of each entry.
    fg.register_extension("atom_extra", BaseExtension, _AtomEntry, atom=True, rss=False)
    fg.load_extension("dc", atom=False, rss=True)
    fg.id(publisher.id_url(feed.file(ATOM).url))
    fg.title(feed.title)
    fg.description(feed.description)
    fg.language(feed.lang)
    fg.author(publisher.author)
    fg.link(href=publisher.url(feed.file(fmt).url), rel="self", type=fmt.mime)
    if publisher.websub_hub:
        fg.link(href=publisher.websub_hub, rel="hub")
        fg.register_extension("websub", _WebSubHub, None, atom=False, rss=True)
        fg.websub.hub = publisher.websub_hub
    # Last: feedgen makes the last link RSS's channel <link>, the page this feed follows.
    fg.link(href=publisher.url(feed.home), rel="alternate", type="text/html")
    if fmt == ATOM and feed.tombstones:
        fg.register_extension("tombstones", _Tombstones, None, atom=True, rss=False)
        fg.tombstones.tombstones = feed.tombstones
    when = updated(feed, publisher)
    fg.updated(when)
    fg.lastBuildDate(when)
    topics, tags = publisher.url(publisher.topics_url), publisher.url(publisher.tags_url)
    for item in feed.items:
        entry = fg.add_entry(order="append")
        entry.id(item.id)  # also the RSS guid, with isPermaLink="false"
        entry.title(item.title)
        entry.author(publisher.author)
        entry.dc.dc_creator(publisher.company.legal_name)
        links = [{"href": item.url, "rel": "alternate", "type": "text/html"}]
        if item.image is not None:
            links.append(item.image.link())
        if fmt == ATOM:
            entry.atom_extra.links = tuple(links)
        else:
            entry.link(links)  # RSS: the page as <link>, the image as <enclosure>
        entry.content(item.content_html, type="html")
        entry.summary(item.summary)
        entry.published(item.published)
        entry.updated(item.modified)
        # Atom names a topic by its key, the same in every language, and labels it in the
        # item's language; RSS's category has room for the name alone.
        topic = (
            {"term": item.topic_key, "label": item.topic} if fmt == ATOM else {"term": item.topic}
        )
        entry.category(
            [{**topic, "scheme": topics}] + [{"term": tag, "scheme": tags} for tag in item.tags]
        )
        entry.atom_extra.lang = item.lang
    return fg


def atom(feed: Feed, publisher: Publisher) -> bytes:
    return bytes(_feedgen(feed, ATOM, publisher).atom_str(pretty=True))


def rss(feed: Feed, publisher: Publisher) -> bytes:
    return bytes(_feedgen(feed, RSS, publisher).rss_str(pretty=True))


def json_feed(feed: Feed, publisher: Publisher) -> bytes:
    """JSON Feed 1.1 (feedgen writes none): the same items, keys sorted."""
    authors = [{"name": publisher.company.legal_name, "url": publisher.company.website}]
    data: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "description": feed.description,
        "home_page_url": publisher.url(feed.home),
        "feed_url": publisher.url(feed.file(JSON_FEED).url),
        "language": feed.lang,
        "authors": authors,
        "items": [
            {
                "id": item.id,
                "url": item.url,
                "title": item.title,
                "summary": item.summary,
                "content_html": item.content_html,
                "date_published": utc_iso(item.published),
                "date_modified": utc_iso(item.modified),
                "authors": authors,
                "tags": [item.topic, *item.tags],
                "language": item.lang,
                **({"image": item.image.url} if item.image else {}),
            }
            for item in feed.items
        ],
    }
    if publisher.websub_hub:
        data["hubs"] = [{"type": "WebSub", "url": publisher.websub_hub}]
    return (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()


RENDERERS = {ATOM: atom, RSS: rss, JSON_FEED: json_feed}


def index_json(digests: dict[str, str]) -> bytes:
    """The feed index as one line of JSON (keys sorted), so that CI can pass it between jobs
    as a single output value: ``{"feeds": {"feeds/all.atom.xml": "<sha256 hex>", ...}}``."""
    return (json.dumps({"feeds": digests}, sort_keys=True, separators=(",", ":")) + "\n").encode()


class FeedsGenerator(Generator):
    """Writes every feed and the follow page from the gated list of releases."""

    index: FeedIndex
    publisher: Publisher

    def generate_context(self) -> None:
        # Pelican runs plugin generators after the articles generator, whose pretaxonomy
        # signal applied the time gate: state.public is final here.
        state = state_of(self.settings)
        site = state.newsroom.site
        assert site is not None
        self.publisher = Publisher(
            self.settings.get("SITEURL", ""),
            self.settings["SITENAME"],
            site.company,
            state.settings.websub_hub,
            state.settings.as_of,
            self.settings["CATEGORIES_URL"],
            self.settings["TAGS_URL"],
        )
        releases = state.shown if state.settings.preview else state.public
        self.index = plan(
            releases,
            site,
            state.settings,
            self.publisher,
            self._topic_urls(site),
            state.withdrawn,
            state.catalogs.table,
        )
        # Computed once, for every page's <link rel="alternate"> (templates only present).
        self.context.update(feeds=self.index, follow_url=FOLLOW_URL, api_url=API_URL)

    def _topic_urls(self, site: SiteData) -> dict[str, str]:
        # The same address Pelican gives the topic's page (the reader sets slug = key).
        urls = {}
        for topic in site.topics.values():
            category = Category(topic.name, self.settings)
            category.slug = topic.key
            urls[topic.key] = category.url
        return urls

    def generate_output(self, writer: Writer) -> None:
        output = Path(self.output_path)
        digests = {}
        for feed in self.index:
            for file in feed.files:
                target = output / file.url
                target.parent.mkdir(parents=True, exist_ok=True)
                data = RENDERERS[file.format](feed, self.publisher)
                target.write_bytes(data)
                digests[file.url] = hashlib.sha256(data).hexdigest()
        (output / INDEX).write_bytes(index_json(digests))
        languages = state_of(self.settings).settings.languages
        write_each_language(self, writer, FOLLOW_SAVE_AS, "follow", languages)


def get_generators(pelican: Pelican) -> type[Generator]:
    return FeedsGenerator
