"""A journalist moves between the language versions of a release in Chromium."""

from __future__ import annotations

import pytest

from support import ROOT

pytestmark = pytest.mark.browser


def test_switching_to_the_translation_and_back(page, public) -> None:
    german = next(r for r in public if r.lang == "de" and r.translation_key)
    english = next(
        r for r in public if r.lang == "en" and r.translation_key == german.translation_key
    )
    page.goto(f"{page.base}/{english.url}")
    switcher = page.get_by_role("navigation", name="This release in other languages")
    switcher.get_by_role("link", name="Deutsch").click()
    page.wait_for_url(f"**/{german.url}")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").inner_text().strip() == german.title
    text = page.locator("main").inner_text()
    assert german.date_text in text  # "15. Oktober 2026, 18:45 MESZ"
    assert "medienkontakte" in text.lower()  # shown in capitals by the stylesheet
    current = page.locator(".release-languages a[aria-current=page]")
    assert current.inner_text() == "Deutsch"
    page.locator(".release-languages").get_by_role("link", name="English").click()
    page.wait_for_url(f"**/{english.url}")
    assert page.locator("html").get_attribute("lang") == "en"


def test_each_language_has_its_own_list(page, public) -> None:
    page.goto(f"{page.base}/")
    page.locator(".language-nav").get_by_role("link", name="Deutsch").click()
    page.wait_for_url("**/de/")
    assert page.locator("html").get_attribute("lang") == "de"
    titles = page.locator("main .card-title").all_inner_texts()
    assert titles == [r.title for r in public if r.lang == "de"]
    assert page.locator(".language-nav a[aria-current=page]").text_content() == "Deutsch"


#: The newsroom's own pages: each is written in every site language.
OWN_PAGES = ["about", "media-contacts", "media-kit", "disclosures", "follow", "search"]
#: Where the browser tests leave their screenshots, to be looked at (not committed).
SCREENSHOTS = ROOT / ".cache" / "screenshots"


@pytest.mark.parametrize("path", OWN_PAGES)
def test_every_page_switches_to_its_counterpart(page, path) -> None:
    page.goto(f"{page.base}/{path}/")
    assert page.locator("html").get_attribute("lang") == "en"
    english_title = page.locator("h1").inner_text()
    page.locator(".language-nav").get_by_role("link", name="Deutsch").click()
    page.wait_for_url(f"**/de/{path}/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").inner_text() != english_title
    current = page.locator(".language-nav a[aria-current=page]")
    assert current.text_content() == "Deutsch"  # shown in capitals by the stylesheet
    # The menu leads to the German pages, and back again to the English one.
    nav = page.locator(".site-nav")
    assert (
        nav.get_by_role("link", name="Pressematerial")
        .get_attribute("href")
        .endswith("/de/media-kit/")
    )
    assert (
        nav.get_by_role("link", name="Über Aldercrest").get_attribute("href").endswith("/de/about/")
    )
    page.locator(".language-nav").get_by_role("link", name="English").click()
    page.wait_for_url(f"**/{path}/")
    assert page.locator("h1").inner_text() == english_title


def test_a_topic_page_switches_to_the_topic_in_german(page) -> None:
    """Its German version lists the German releases, and its links stay in German."""
    page.goto(f"{page.base}/topics/investor-relations/")
    page.locator(".language-nav").get_by_role("link", name="Deutsch").click()
    page.wait_for_url("**/de/topics/investor-relations/")
    assert page.locator("h1").inner_text() == "Pflichtmitteilungen"
    cards = page.locator("main .card")
    assert cards.count() >= 1
    assert all(
        lang == "de" for lang in cards.evaluate_all("cs => cs.map(c => c.closest('[lang]').lang)")
    )
    topics = page.locator(".site-nav").get_by_role("link", name="Themen")
    assert topics.get_attribute("href").endswith("/de/topics/")
    page.locator(".breadcrumb").get_by_role("link", name="Themen").click()
    page.wait_for_url("**/de/topics/")


def test_following_a_topic_from_its_german_page(page, public) -> None:
    """ "Diesem Thema folgen" leads to the topic's German feeds, which list its German releases."""
    page.goto(f"{page.base}/de/topics/investor-relations/")
    page.get_by_role("link", name="Diesem Thema folgen").click()
    page.wait_for_url("**/de/follow/#lang-de-topics-investor-relations")
    assert page.locator("html").get_attribute("lang") == "de"
    topic = page.locator("li:target")
    assert topic.locator("h3").inner_text() == "Pflichtmitteilungen"
    assert topic.get_by_role("link").all_inner_texts() == ["Atom", "RSS", "JSON Feed"]
    feeds = [a.get_attribute("href") for a in topic.get_by_role("link").all()]
    assert feeds == [
        f"/feeds/lang/de/topics/investor-relations{suffix}"
        for suffix in (".atom.xml", ".rss.xml", ".json")
    ]
    # What a feed reader given the JSON Feed's address gets: the German releases of the topic.
    response = page.request.get(page.base + feeds[2])
    assert response.ok
    feed = response.json()
    assert feed["title"] == "Aldercrest Newsroom: Pflichtmitteilungen"
    assert feed["language"] == "de"
    assert [item["title"] for item in feed["items"]] == [
        r.title for r in public if r.lang == "de" and r.topic.key == "investor-relations"
    ]
    assert feed["items"]


#: What a feed reader or a browser's feed finder takes from a page: the first feed it links
#: in each format, in the order the browser parsed the head.
FIRST_FEEDS = """() => ["application/atom+xml", "application/rss+xml", "application/feed+json"]
    .map((type) => document.querySelector(`head link[rel~="alternate"][type="${type}"]`))
    .map((link) => [link.getAttribute("href"), link.title])"""


def test_subscribing_from_the_german_home_page_gives_the_german_releases(page, public) -> None:
    """Named in German, with each release's topic under its German name."""
    page.goto(f"{page.base}/de/")
    assert page.locator("html").get_attribute("lang") == "de"
    first = page.evaluate(FIRST_FEEDS)
    assert first == [
        [f"/feeds/lang/de{suffix}", f"Aldercrest Newsroom: Deutsch ({label})"]
        for suffix, label in ((".atom.xml", "Atom"), (".rss.xml", "RSS"), (".json", "JSON Feed"))
    ]
    feed = page.request.get(page.base + first[2][0]).json()
    german = [r for r in public if r.lang == "de"]
    assert german and feed["language"] == "de"
    assert [item["title"] for item in feed["items"]] == [r.title for r in german]
    names = [dict((lang, name) for lang, name, _ in r.topic.translations)["de"] for r in german]
    assert [item["tags"][0] for item in feed["items"]] == names
    # The English home page still leads with the feed of all releases.
    page.goto(f"{page.base}/")
    assert page.evaluate(FIRST_FEEDS)[0] == ["/feeds/all.atom.xml", "Aldercrest Newsroom (Atom)"]


def test_german_search_has_its_own_index_and_word_rules(secure_page, public) -> None:
    german = next(r for r in public if r.lang == "de" and "Prognose" in r.title)
    secure_page.goto(secure_page.base + "/de/search/")
    secure_page.locator(".search-filters:not([hidden])").wait_for()
    # "Prognosen" is not in the release, "Prognose" is: German stemming finds one by the other.
    secure_page.fill("#search-q", "Prognosen")
    secure_page.press("#search-q", "Enter")
    secure_page.locator(".search-status:not(:empty)").wait_for()
    titles = secure_page.locator(".search-results h2 a").all_inner_texts()
    assert german.title in titles
    assert set(titles) <= {r.title for r in public if r.lang == "de"}
    status = secure_page.locator(".search-status").inner_text()
    count = len(titles)
    assert status == ("1 Meldung gefunden." if count == 1 else f"{count} Meldungen gefunden.")
    # The English search page searches the English releases only.
    secure_page.goto(secure_page.base + "/search/?q=Prognose")
    secure_page.locator(".search-status:not(:empty)").wait_for()
    assert secure_page.locator(".search-status").inner_text() == "No releases found."
    assert secure_page.evaluate("window.__csp") == []


@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots_of_the_german_pages(browser, base_url, public, width) -> None:
    german = next(r for r in public if r.lang == "de")
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in (
        ("german-release", german.url),
        ("german-list", "de/"),
        ("german-media-kit", "de/media-kit/"),
        ("german-topic", "de/topics/investor-relations/"),
    ):
        response = page.goto(f"{base_url}/{path}")
        assert response is not None and response.status == 200
        assert page.locator("html").get_attribute("lang") == "de"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    context.close()


@pytest.mark.parametrize(
    ("path", "first", "languages"),
    [
        ("de/follow/", "/feeds/lang/de.atom.xml", ["Deutsch", "English"]),
        ("follow/", "/feeds/all.atom.xml", ["English", "Deutsch"]),
    ],
)
def test_a_follow_page_offers_its_readers_language_first(page, path, first, languages) -> None:
    """The first feed a reader sees, and the one a browser subscribes to from the head."""
    page.goto(f"{page.base}/{path}")
    feeds = page.locator("main a[href*='/feeds/']")
    assert feeds.first.get_attribute("href").endswith(first)
    head = page.locator("head link[rel=alternate][type]")
    assert head.first.get_attribute("href").endswith(first)
    by_language = page.locator("section[aria-labelledby=languages-title] h3")
    assert by_language.all_inner_texts() == languages
