"""What a reader sees in Chromium: the home page and a release page of the sample newsroom."""

from __future__ import annotations

import re

import pytest

from newsroom.dates import parse_as_of

pytestmark = pytest.mark.browser

AS_OF = parse_as_of("2026-11-23T12:00:00Z")


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"


def test_home_shows_the_newest_release_first(page, public) -> None:
    page.goto(page.base + "/")
    newest = public[0]
    assert page.title()
    main = page.locator("main")
    # The first release linked in the main content is the newest, and it is on screen.
    release_links = main.locator("a[href*='/news/20']")
    assert release_links.first.get_attribute("href").endswith(f"/{newest.url}")
    assert main.get_by_role("link", name=newest.title).first.is_visible()
    assert release_links.first.bounding_box()["y"] < 900
    # The archive and the topics are one click away.
    assert page.get_by_role("navigation", name="Main").get_by_role("link").count() >= 3
    page.get_by_role("link", name=re.compile("all news|archive", re.I)).first.click()
    assert page.url.rstrip("/").endswith("/news")


def test_release_page_tells_a_journalist_everything(page, public) -> None:
    release = next(r for r in public if r.safe_harbor_html and r.contacts and r.lang == "en")
    page.goto(f"{page.base}/{release.url}")
    assert page.locator("h1").inner_text().strip() == release.title
    stamp = page.locator("article time").first
    assert stamp.get_attribute("datetime") == release.date.isoformat()
    text = page.locator("main").inner_text()
    assert release.date_text in text
    for contact in release.contacts:
        assert contact.name in text
        assert page.locator(f'a[href="mailto:{contact.email}"]').count() >= 1
    assert release.boilerplate.title in text
    assert "Forward-looking statements" in text
    assert page.locator("link[rel=canonical]").count() == 1


def test_update_history_and_downloads_are_shown(page, public) -> None:
    updated = next(r for r in public if r.updates)
    page.goto(f"{page.base}/{updated.url}")
    text = page.locator("main").inner_text()
    for update in updated.updates:
        assert update.date_text in text
    with_files = next(r for r in public if r.attachments and r.image)
    page.goto(f"{page.base}/{with_files.url}")
    image = page.locator(f'img[alt="{with_files.image.alt}"]')
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    for attachment in with_files.attachments:
        link = page.get_by_role("link", name=re.compile(re.escape(attachment.title)))
        response = page.request.get(page.base + "/" + attachment.url)
        assert link.count() >= 1 and response.status == 200


@pytest.mark.parametrize("path", ["/", "/news/", "/topics/", "/media-contacts/"])
def test_phone_width_has_no_sideways_scrolling(phone, path) -> None:
    phone.goto(phone.base + path)
    no_sideways_scroll(phone)


def test_release_reads_well_on_a_phone(phone, public) -> None:
    release = next(r for r in public if r.attachments)
    phone.goto(f"{phone.base}/{release.url}")
    assert phone.locator("h1").is_visible()
    no_sideways_scroll(phone)


def test_everything_works_without_javascript(browser, base_url, public) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "/")
    page.get_by_role("link", name=public[0].title).first.click()
    assert page.locator("h1").inner_text().strip() == public[0].title
    # JSON-LD is data, never run: the only <script> a page may carry.
    assert page.locator("script:not([type='application/ld+json'])").count() == 0
    assert page.locator("script[type='application/ld+json']").count() == 1
    context.close()


def test_phone_header_is_compact_and_its_menu_needs_no_javascript(browser, base_url: str) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(base_url + "/")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 110, f"the header takes {header['height']}px of 844"
    main_nav = page.get_by_role("navigation", name="Main")
    assert main_nav.count() == 0  # folded into the menu until it is opened
    page.get_by_text("Menu", exact=True).click()
    links = page.get_by_role("navigation", name="Main").get_by_role("link")
    names = [links.nth(i).inner_text() for i in range(links.count())]
    assert names[:3] == ["News", "Topics", "Media kit"]
    assert page.get_by_role("searchbox", name="Search releases").is_visible()
    links.filter(has_text="Media kit").click()
    assert page.url.endswith("/media-kit/")
    assert page.locator("h1").is_visible()
    context.close()


def test_desktop_header_shows_the_media_kit_and_one_search_box_per_page(page) -> None:
    page.goto(page.base + "/")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Media kit").is_visible()
    # The links are written once: the phone menu's content, shown as one row without its button.
    assert page.locator(".site-header a", has_text="Media kit").count() == 1
    assert not page.locator(".menu summary").is_visible()
    links = nav.get_by_role("link")
    rows = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
    assert len(rows) == 1, rows
    # The keyboard goes from the brand straight to the first link.
    page.locator("a.brand").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "News"
    assert page.get_by_role("searchbox").count() == 1
    page.goto(page.base + "/search/")
    assert page.get_by_role("searchbox").count() == 1
    assert page.get_by_role("searchbox").get_attribute("id") == "search-q"


BREAKS = """el => {
  // Where the address wraps: the index of each character that starts a new line.
  const text = el.textContent, range = document.createRange(), starts = [];
  let top = null, node = el.firstChild, offset = 0;
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let index = 0;
  while ((node = walker.nextNode())) {
    for (offset = 0; offset < node.length; offset++, index++) {
      range.setStart(node, offset); range.setEnd(node, offset + 1);
      const rect = range.getBoundingClientRect();
      if (top !== null && rect.top > top + 2) starts.push(index);
      top = rect.top;
    }
  }
  return [text, starts];
}"""


def test_long_email_addresses_break_before_the_at_or_a_dot(browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto(base_url + "/media-contacts/")
    # A reader's browser set to large text: the addresses no longer fit on one line.
    page.add_style_tag(content="html { font-size: 200% }")
    wrapped = 0
    for link in page.locator("a.email").all():
        text, starts = link.evaluate(BREAKS)
        assert all(text[i] in "@." for i in starts), (text, starts)
        wrapped += bool(starts)
        assert link.bounding_box()["x"] + link.bounding_box()["width"] <= 320
    assert wrapped, "no address wrapped at 320 px: the test proves nothing"
    context.close()


@pytest.mark.parametrize("path", ["/", "/news/", "/topics/financial-results/", "/de/"])
def test_every_release_card_shows_a_picture(page, path: str) -> None:
    page.goto(page.base + path)
    cards = page.locator("main article.card")
    assert cards.count() >= 1
    for index in range(cards.count()):
        picture = cards.nth(index).locator("> img")
        picture.scroll_into_view_if_needed()
        picture.evaluate("img => img.decode()")
        assert picture.evaluate("img => img.complete && img.naturalWidth > 0"), index
        assert picture.get_attribute("width") and picture.get_attribute("height")
        # Decorative beside the linked title; below the first card, loaded on scroll.
        assert picture.get_attribute("alt") == ""
        featured = "card-featured" in (cards.nth(index).get_attribute("class") or "")
        assert picture.get_attribute("loading") == (None if featured else "lazy")
