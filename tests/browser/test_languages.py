"""A journalist moves between the language versions of a release in Chromium."""

from __future__ import annotations

import pytest

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
