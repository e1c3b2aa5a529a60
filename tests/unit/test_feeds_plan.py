"""Which feeds exist and what they list: a pure function of the public releases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsroom.content import Newsroom
from newsroom.feeds import (
    IMAGE_MEDIA_TYPES,
    FeedIndex,
    Publisher,
    plan,
    updated,
)
from newsroom.releases import IMAGE_TYPES
from newsroom.settings import NewsroomSettings, SettingsError, from_pelican
from support import Site

AS_OF = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
TOPIC_URLS = {"products": "topics/products/", "financial-results": "topics/financial-results/"}


def publisher(newsroom: Newsroom, as_of: datetime = AS_OF) -> Publisher:
    assert newsroom.site is not None
    return Publisher("https://news.example.com", "News", newsroom.site.company, "", as_of)


def build_plan(
    newsroom: Newsroom, settings: NewsroomSettings, as_of: datetime = AS_OF
) -> FeedIndex:
    assert newsroom.site is not None
    public = sorted(
        (r for r in newsroom.releases if r.is_public(as_of)),
        key=lambda r: (r.date, r.source),
        reverse=True,
    )
    return plan(public, newsroom.site, settings, publisher(newsroom, as_of), TOPIC_URLS)


def slugs(index: FeedIndex) -> dict[str, list[str]]:
    return {feed.key: [i.url.split("/")[-2] for i in feed.items] for feed in index}


def test_all_topic_and_language_feeds_list_their_releases_newest_first(site: Site) -> None:
    site.write(
        "releases/2026/auf-deutsch.md",
        "---\ntitle: Auf Deutsch\ndate: 2026-07-01 09:00 Europe/Berlin\ncategory: products\n"
        "lang: de\nsummary: S.\n---\nText.\n",
    )
    settings = NewsroomSettings(languages=("en", "de"))
    index = build_plan(site.load(languages=("en", "de")), settings)
    assert slugs(index) == {
        "all": ["embargoed-launch", "auf-deutsch", "with-files", "first-product", "q4-results"],
        "topics/financial-results": ["q4-results"],
        "topics/products": ["embargoed-launch", "auf-deutsch", "with-files", "first-product"],
        "lang/en": ["embargoed-launch", "with-files", "first-product", "q4-results"],
        "lang/de": ["auf-deutsch"],
        "lang/de/topics/financial-results": [],
        "lang/de/topics/products": ["auf-deutsch"],
    }
    assert index.paths[:3] == ["feeds/all.atom.xml", "feeds/all.rss.xml", "feeds/all.json"]
    assert len(index.paths) == 21
    # Each language's pages offer its own topic feeds, named in it; the first's, the main ones.
    assert index.topics_in("en") is index.topics
    german = index.topics_in("de")
    assert [(f.name, f.title, f.lang, f.home) for f in german.values()] == [
        ("Finanzergebnisse", "News: Finanzergebnisse", "de", "de/topics/financial-results/"),
        ("Produkte", "News: Produkte", "de", "de/topics/products/"),
    ]
    assert [f.description for f in german.values()] == [
        "Quartals- und Jahresergebnisse.",
        "Neue Produkte und Dienstleistungen.",
    ]
    assert [f.home for f in index.languages] == ["en/", "de/"]


GERMAN_ONLY = (
    "---\ntitle: Nur auf Deutsch\ndate: 2026-07-01 09:00 Europe/Berlin\n"
    "category: financial-results\nlang: de\nsummary: S.\n---\nText.\n"
)
GERMAN_VERSION = (
    "---\ntitle: Erstes Produkt\ndate: 2026-03-02 09:00 Europe/Berlin\ncategory: products\n"
    "lang: de\ntranslation_key: first\nsummary: S.\n---\nText.\n"
)


def with_german(site: Site) -> Site:
    """The fixture with a German release of its own and a German version of an English one."""
    english = site.path / "releases/2026/first-product.md"
    english.write_text(
        english.read_text("utf-8").replace("tags:", "translation_key: first\ntags:"), "utf-8"
    )
    site.write("releases/2026/nur-deutsch.md", GERMAN_ONLY)
    site.write("releases/2026/erstes-produkt.md", GERMAN_VERSION)
    return site


@pytest.mark.parametrize(
    ("german_releases", "page_lang", "own", "linked"),
    [
        # The first language's pages: the all-releases feed first, as always.
        (True, "en", [], ["all"]),
        (True, "en", ["lang/en"], ["all", "lang/en"]),
        (True, "en", ["topics/products"], ["all", "topics/products"]),
        # A German page leads with the German feed, then the others, each once.
        (True, "de", [], ["lang/de", "all"]),
        (True, "de", ["lang/de"], ["lang/de", "all"]),
        (
            True,
            "de",
            ["lang/de/topics/products"],
            ["lang/de", "all", "lang/de/topics/products"],
        ),
        # Nothing public in German yet: no German feed to lead with.
        (False, "de", [], ["all"]),
        (False, "de", ["lang/de/topics/products"], ["all", "lang/de/topics/products"]),
    ],
)
def test_a_page_leads_with_its_languages_feed_after_the_first_language(
    site: Site, german_releases: bool, page_lang: str, own: list[str], linked: list[str]
) -> None:
    if german_releases:
        with_german(site)
    index = build_plan(site.load(languages=("en", "de")), NewsroomSettings(languages=("en", "de")))
    feeds = {feed.key: feed for feed in index}
    chosen = index.for_page(page_lang, [feeds[key] for key in own])
    assert [feed.key for feed in chosen] == linked


def test_a_one_language_site_links_the_all_releases_feed_alone(site: Site) -> None:
    index = build_plan(site.load(languages=("en",)), NewsroomSettings(languages=("en",)))
    assert [f.key for f in index.for_page("en")] == ["all"]
    assert index.language("en") is None


def test_an_item_names_its_topic_in_its_own_language_in_every_feed(site: Site) -> None:
    """A category is read with the item: a German item's topic is named in German, in the
    German feeds and in the all-releases and topic feeds alike; its key stays the same."""
    with_german(site)
    index = build_plan(site.load(languages=("en", "de")), NewsroomSettings(languages=("en", "de")))
    named = {
        (feed.key, item.id.rpartition(":")[2]): (item.lang, item.topic_key, item.topic)
        for feed in index
        for item in feed.items
    }
    english = {
        "embargoed-launch": ("en", "products", "Products"),
        "with-files": ("en", "products", "Products"),
        "first-product": ("en", "products", "Products"),
        "q4-results": ("en", "financial-results", "Financial results"),
    }
    german = {
        "nur-deutsch": ("de", "financial-results", "Finanzergebnisse"),
        "erstes-produkt": ("de", "products", "Produkte"),
    }
    topic = {slug: key for slug, (_, key, _) in {**english, **german}.items()}
    expected = {
        # Each piece of news once: the German release of its own, in German.
        **{("all", slug): english[slug] for slug in english},
        ("all", "nur-deutsch"): german["nur-deutsch"],
        **{(f"topics/{topic[slug]}", slug): english[slug] for slug in english},
        ("topics/financial-results", "nur-deutsch"): german["nur-deutsch"],
        **{("lang/en", slug): english[slug] for slug in english},
        **{("lang/de", slug): german[slug] for slug in german},
        **{(f"lang/de/topics/{topic[slug]}", slug): german[slug] for slug in german},
    }
    assert named == expected


def test_a_one_language_site_has_no_language_feeds(site: Site) -> None:
    """A language feed would repeat the main feed item for item."""
    index = build_plan(site.load(languages=("en",)), NewsroomSettings(languages=("en",)))
    assert list(slugs(index)) == ["all", "topics/financial-results", "topics/products"]
    assert index.languages == () and index.language_topics == {}
    assert index.topics_in("en") is index.topics
    assert len(index.paths) == 9


def test_an_empty_language_topic_feed_is_dated_by_its_topics_first_release(site: Site) -> None:
    settings = NewsroomSettings(languages=("en", "de"))
    newsroom = site.load(languages=("en", "de"))
    for as_of in (AS_OF, datetime(2030, 1, 1, tzinfo=UTC)):
        index = build_plan(newsroom, settings, as_of)
        german = index.topics_in("de")
        assert {k: f.items for k, f in german.items()} == {"financial-results": (), "products": ()}
        dates = {k: updated(f, publisher(newsroom, as_of)) for k, f in german.items()}
        assert dates == {
            "financial-results": datetime(2025, 12, 15, 6, 30, tzinfo=UTC),
            "products": datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
        }


def test_a_topic_or_language_without_public_releases_has_no_feed(site: Site) -> None:
    site.write(
        "releases/2026/auf-deutsch.md",
        "---\ntitle: Auf Deutsch\ndate: 2026-12-24 09:00 Europe/Berlin\ncategory: products\n"
        "lang: de\nsummary: S.\n---\nText.\n",
    )
    settings = NewsroomSettings(languages=("en", "de"))
    newsroom = site.load(languages=("en", "de"))
    before = build_plan(newsroom, settings, datetime(2025, 12, 20, tzinfo=UTC))
    assert [f.key for f in before] == [
        "all",
        "topics/financial-results",
        "lang/en",
        "lang/de/topics/financial-results",
    ]
    after = build_plan(newsroom, settings, datetime(2026, 12, 24, 8, tzinfo=UTC))
    assert [f.key for f in after.languages] == ["lang/en", "lang/de"]
    assert after.languages[1].name == "Deutsch" and after.languages[1].lang == "de"


def test_no_releases_still_gives_the_all_feeds_dated_by_the_build(site: Site) -> None:
    early = datetime(2020, 1, 1, tzinfo=UTC)
    newsroom = site.load()
    index = build_plan(newsroom, NewsroomSettings(), early)
    assert [f.key for f in index] == ["all"] and index.all.items == ()
    assert updated(index.all, publisher(newsroom, early)) == early


def test_a_feed_is_dated_by_its_latest_change_not_the_build(site: Site) -> None:
    newsroom = site.load()
    index = build_plan(newsroom, NewsroomSettings(), datetime(2025, 12, 20, tzinfo=UTC))
    (q4,) = index.all.items
    assert q4.published == datetime(2025, 12, 15, 6, 30, tzinfo=UTC)
    assert q4.modified == datetime(2025, 12, 16, 9, 0, tzinfo=UTC)  # from its update
    assert updated(index.all, publisher(newsroom)) == q4.modified


def test_feed_items_caps_every_feed(site: Site) -> None:
    index = build_plan(site.load(), NewsroomSettings(feed_items=2))
    assert [len(f.items) for f in index] == [2, 1, 2]


def test_every_lead_image_type_has_a_media_type() -> None:
    assert set(IMAGE_MEDIA_TYPES) == set(IMAGE_TYPES)


@pytest.mark.parametrize(
    ("newsroom", "message"),
    [
        ({"feed_items": 0}, "NEWSROOM: 'feed_items' must be greater than 0."),
        ({"feed_items": "50"}, "NEWSROOM: 'feed_items' must be a whole number, not '50'."),
        ({"feed_item": 5}, "NEWSROOM: 'feed_item' is not a setting of the newsroom plugin. "
         "Did you mean 'feed_items'?"),
    ],
)  # fmt: skip
def test_feed_items_is_checked(newsroom: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError) as err:
        from_pelican({"NEWSROOM": newsroom})
    assert str(err.value) == message


def test_feed_items_defaults_to_fifty() -> None:
    assert from_pelican({}).feed_items == 50


def test_pages_cannot_take_the_feed_or_follow_addresses(site: Site) -> None:
    for name in ("feeds", "follow"):
        site.write(f"pages/{name}.md", "---\ntitle: T\n---\nText.\n")
    problems = [p.text() for p in site.load().problems if p.path.startswith("pages/f")]
    assert problems == [
        f"pages/{name}.md: the address /{name}/ belongs to the newsroom's own pages. Rename the "
        f"file, for example to {name}-page.md."
        for name in ("feeds", "follow")
    ]


def test_a_withdrawal_is_announced_in_each_feed_that_listed_the_release(site: Site) -> None:
    site.write(
        "releases/2026/zurueckgezogen.md",
        "---\ntitle: Zurückgezogen\ndate: 2026-07-01 09:00 Europe/Berlin\ncategory: products\n"
        "lang: de\nsummary: S.\nstatus: withdrawn\nwithdrawal:\n"
        "  date: 2026-08-01 09:00 Europe/Berlin\n  reason: Auf Anordnung des Gerichts.\n---\n"
        "Text.\n",
    )
    newsroom = site.load(languages=("en", "de"))
    assert newsroom.site is not None and not newsroom.errors
    gone = [r for r in newsroom.releases if r.went_live(AS_OF) and r.is_withdrawn(AS_OF)]
    public = [r for r in newsroom.releases if r.is_public(AS_OF) and r not in gone]
    public.sort(key=lambda r: (r.date, r.source), reverse=True)
    settings = NewsroomSettings(languages=("en", "de"))
    index = plan(public, newsroom.site, settings, publisher(newsroom), TOPIC_URLS, gone)
    ref = "tag:news.example.com,2026:zurueckgezogen"
    assert {f.key: [t.ref for t in f.tombstones] for f in index} == {
        "all": [ref],
        "topics/financial-results": [],
        "topics/products": [ref],
        "lang/en": [],
        "lang/de/topics/financial-results": [],
        "lang/de/topics/products": [ref],
    }
    # The German feed of the topic is dated by the withdrawal, its latest change.
    assert updated(index.topics_in("de")["products"], publisher(newsroom)) == datetime(
        2026, 8, 1, 7, 0, tzinfo=UTC
    )


def test_a_follow_page_lists_its_own_language_first_then_the_sites_order(site: Site) -> None:
    """Under "By language", and as the feed it leads with (FeedIndex.lead)."""
    for code, title in (("de", "Auf Deutsch"), ("fr", "En français")):
        site.write(
            f"releases/2026/{code}.md",
            f"---\ntitle: {title}\ndate: 2026-07-01 09:00 Europe/Berlin\ncategory: products\n"
            f"lang: {code}\nsummary: S.\n---\nText.\n",
        )
    languages = ("en", "de", "fr")
    index = build_plan(site.load(languages=languages), NewsroomSettings(languages=languages))
    listed = {code: [f.lang for f in index.languages_for(code)] for code in languages}
    assert listed == {"en": ["en", "de", "fr"], "de": ["de", "en", "fr"], "fr": ["fr", "en", "de"]}
    leads = {code: getattr(index.lead(code), "key", None) for code in languages}
    assert leads == {"en": None, "de": "lang/de", "fr": "lang/fr"}
    # One language: no language feed to list or lead with.
    one = build_plan(site.load(languages=("en",)), NewsroomSettings(languages=("en",)))
    assert (one.languages_for("en"), one.lead("en")) == ((), None)
