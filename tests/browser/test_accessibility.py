"""Accessibility in Chromium: axe-core on every page type, and the keyboard path from the top.

axe-core comes bundled with axe-playwright-python (no download). Every page type of the sample
newsroom is checked at phone and desktop widths, in the light and the dark colour scheme.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

WIDTHS = {"phone": (390, 844), "desktop": (1366, 900)}
SCHEMES = ["light", "dark"]
# The rules axe runs: WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus its best practices.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
}


def _release(site: Path, *markers: str) -> str:
    """The address of the first release page whose HTML contains every marker."""
    for html in sorted((site / "news").glob("*/*/index.html")):
        text = html.read_text(encoding="utf-8")
        if all(marker in text for marker in markers):
            return "/" + html.parent.relative_to(site).as_posix() + "/"
    raise AssertionError(f"no release page in the sample site has all of {markers}")


def _first(site: Path, folder: str) -> str:
    found = sorted(p.parent for p in (site / folder).glob("*/index.html"))
    assert found, f"the sample site has no page under {folder}/"
    return "/" + found[0].relative_to(site).as_posix() + "/"


@pytest.fixture(scope="module")
def pages(built_site: Path) -> dict[str, str]:
    """Every page type of the sample newsroom, by name."""
    years = sorted(p.parent.name for p in (built_site / "news").glob("[0-9]*/index.html"))
    return {
        "home": "/",
        "release with image, table and downloads": _release(
            built_site, 'class="lead-image"', "<table", 'id="downloads-title"'
        ),
        "release with updates": _release(built_site, 'id="updates"'),
        "topic": _first(built_site, "topics"),
        "tag": _first(built_site, "tags"),
        "topics index": "/topics/",
        "tags index": "/tags/",
        "archive": "/news/",
        "year": f"/news/{years[-1]}/",
        "about": "/about/",
        "media contacts": "/media-contacts/",
        "follow": "/follow/",
        "disclosures": "/disclosures/",
        "media kit": "/media-kit/",
        "release in another language": _release(built_site, '<html lang="de"'),
        "language list": "/de/",
        "404": "/404.html",
        **{
            f"{name} in German": f"/de/{path}/"
            for name, path in (
                ("about", "about"),
                ("media contacts", "media-contacts"),
                ("media kit", "media-kit"),
                ("disclosures", "disclosures"),
                ("follow", "follow"),
                ("search", "search"),
                ("topics index", "topics"),
                ("topic", "topics/investor-relations"),
                ("tag", "tags/prognose"),
                ("year", "news/2026"),
            )
        },
        "404 in German": "/de/404.html",
    }


@pytest.fixture(scope="module")
def axe() -> object:
    module = pytest.importorskip("axe_playwright_python.sync_playwright")
    return module.Axe()


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['failureSummary']}")
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", list(WIDTHS))
def test_axe_finds_no_violations(browser, base_url, pages, axe, width, scheme) -> None:
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, color_scheme=scheme)
    failures: dict[str, str] = {}
    try:
        page = context.new_page()
        for name, path in pages.items():
            response = page.goto(base_url + path)
            assert response is not None and response.status == 200, f"{name}: {path} is missing"
            violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
            if violations:
                failures[f"{name} ({path})"] = _describe(violations)
    finally:
        context.close()
    assert not failures, "\n".join(f"{page}:\n{text}" for page, text in failures.items())
    assert len(pages) == 28


@pytest.fixture
def keyboard_page(browser, base_url) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.base = base_url
    yield page
    context.close()


FOCUS_STYLE = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== "none";
  return {tag: el.tagName, id: el.id, text: (el.textContent || "").trim().slice(0, 40),
          visible: outline || shadow};
}"""


def test_skip_link_comes_first_and_moves_focus_to_main(keyboard_page, pages) -> None:
    page = keyboard_page
    page.goto(page.base + pages["release with image, table and downloads"])
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUS_STYLE)
    assert first["tag"] == "A" and first["text"] == "Skip to content"
    assert first["visible"], "the skip link has no visible focus indicator"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab lands inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


@pytest.mark.parametrize("path", ["/", "release"])
def test_every_focused_link_and_button_shows_its_focus(keyboard_page, pages, path) -> None:
    page = keyboard_page
    page.goto(
        page.base + (pages["release with image, table and downloads"] if path != "/" else "/")
    )
    seen = 0
    invisible = []
    for _ in range(200):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STYLE)
        if focus["tag"] == "BODY":
            break
        if focus["tag"] in {"A", "BUTTON"}:
            seen += 1
            if not focus["visible"]:
                invisible.append(focus["text"])
    assert seen >= 10, f"only {seen} links and buttons were reachable by keyboard"
    assert invisible == [], f"no visible focus on: {invisible}"
