"""Search in Chromium: Pagefind's index of the release pages, under the site's own CSP."""

from __future__ import annotations

import pytest

from newsroom.dates import parse_as_of

pytestmark = pytest.mark.browser

AS_OF = parse_as_of("2026-11-23T12:00:00Z")


def no_violations(page) -> None:
    assert page.evaluate("window.__csp") == []


def search(page, query: str) -> list[str]:
    page.goto(page.base + "/search/")
    page.locator(".search-filters:not([hidden])").wait_for()
    page.fill("#search-q", query)
    page.press("#search-q", "Enter")
    page.locator(".search-status:not(:empty)").wait_for()
    return page.locator(".search-results h2 a").all_inner_texts()


def test_search_finds_a_release_by_its_words_under_the_csp(secure_page, public) -> None:
    release = public[0]
    word = max(release.title.split(), key=len).strip(",.:;")
    titles = search(secure_page, word)
    assert release.title in titles
    first = secure_page.locator(".search-results li").first
    assert first.locator("time").inner_text().strip()
    assert first.locator("p").inner_text().strip()
    # The summary shown is the release's own, which Pagefind reads from the page's head.
    found = secure_page.locator(".search-results li").filter(has_text=release.title)
    assert found.locator("p").inner_text() == release.summary
    assert found.locator("time").inner_text() == release.date_text
    # The result links to the release page.
    link = secure_page.get_by_role("link", name=release.title).first
    assert link.get_attribute("href").rstrip("/").endswith(release.url.rstrip("/"))
    assert search(secure_page, "xyzzyplugh") == []
    assert "No releases found" in secure_page.locator(".search-status").inner_text()
    no_violations(secure_page)


def test_search_filters_by_topic(secure_page, public) -> None:
    search(secure_page, "Aldercrest")
    unfiltered = secure_page.locator(".search-results li").count()
    topic = next(r.topic.name for r in public if r.topic.key != public[0].topic.key)
    secure_page.select_option("select[data-filter=topic]", topic)
    expected = [r for r in public if r.topic.name == topic]
    secure_page.wait_for_function(
        "n => document.querySelectorAll('.search-results li').length === n",
        arg=min(len(expected), 20),
    )
    titles = secure_page.locator(".search-results h2 a").all_inner_texts()
    assert titles and set(titles) <= {r.title for r in expected}
    assert len(titles) < unfiltered
    assert "topic=" in secure_page.url
    no_violations(secure_page)


def test_search_offers_the_topics_and_years_of_the_releases(secure_page, public) -> None:
    search(secure_page, "Aldercrest")
    english = [r for r in public if r.lang == "en"]
    topics = secure_page.locator("select[data-filter=topic] option").all_inner_texts()
    years = secure_page.locator("select[data-filter=year] option").all_inner_texts()
    assert topics[1:] == sorted({r.topic.name for r in english})
    assert years[1:] == sorted({str(r.year) for r in english}, reverse=True)
    secure_page.select_option("select[data-filter=year]", years[-1])
    expected = {r.title for r in english if str(r.year) == years[-1]}
    secure_page.wait_for_function(
        "n => document.querySelectorAll('.search-results li').length === n",
        arg=min(len(expected), 20),
    )
    assert set(secure_page.locator(".search-results h2 a").all_inner_texts()) <= expected


def test_results_come_newest_first(secure_page, public) -> None:
    titles = search(secure_page, "Aldercrest")
    order = {r.title: r.date_utc for r in public}
    found = [order[t] for t in titles if t in order]
    assert len(found) >= 5
    assert found == sorted(found, reverse=True)


def test_header_field_leads_to_results(secure_page) -> None:
    secure_page.goto(secure_page.base + "/")
    secure_page.fill("#site-search-q", "results")
    secure_page.press("#site-search-q", "Enter")
    secure_page.wait_for_url("**/search/?q=results*")
    secure_page.locator(".search-results li").first.wait_for()
    no_violations(secure_page)


def test_without_javascript_the_page_points_to_the_archive(browser, base_url) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "/search/")
    assert page.get_by_text("Search needs JavaScript").is_visible()
    page.locator(".search-nojs").get_by_role("link", name="news archive").click()
    assert page.url.rstrip("/").endswith("/news")
    context.close()


def test_every_page_type_runs_under_the_csp(secure_page, public) -> None:
    release = public[0]
    tag = release.tags[0]
    paths = [
        "/",
        f"/{release.url}",
        f"/topics/{release.topic.key}/",
        f"/tags/{tag}/",
        "/news/",
        f"/news/{release.year}/",
        "/about/",
        "/media-contacts/",
        "/follow/",
        "/disclosures/",
        "/search/?q=results",
        "/404.html",
    ]
    for path in paths:
        response = secure_page.goto(secure_page.base + path)
        assert response.status == 200, path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        if path.startswith("/search/"):
            secure_page.locator(".search-results li").first.wait_for()
        assert secure_page.evaluate("window.__csp") == [], path
