"""Structured data on built release pages, read as crawlers read it: JSON-LD, Open Graph, Twitter."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from PIL import Image

from support import Site

SITE = "https://news.example.com"
ORGANIZATION = {
    "@type": "Organization",
    "@id": f"{SITE}/#organization",
    "name": "Example Industries AG",
    "url": "https://www.example.com",
    "logo": {"@type": "ImageObject", "url": f"{SITE}/media/logo.svg"},
}


def soup(out: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((out / page).read_text("utf-8"), "html.parser")


def json_ld(page: BeautifulSoup) -> dict[str, Any]:
    (script,) = page.find_all("script", attrs={"type": "application/ld+json"})
    return json.loads(script.string)


def meta(page: BeautifulSoup) -> list[tuple[str, str]]:
    """Every Open Graph and Twitter tag, as (key, content), in page order."""
    found = []
    for tag in page.head.find_all("meta"):
        key = tag.get("property") or tag.get("name")
        if key and key.split(":")[0] in {"og", "article", "twitter"}:
            found.append((str(key), str(tag["content"])))
    return found


def build(site: Site, out: Path, **extra: object) -> None:
    company = site.path / "data/company.yml"
    company.write_text(company.read_text() + "logo: media/logo.svg\n")
    site.write("media/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    site.build(out, SITEURL=SITE, **extra)


def test_a_release_page_has_every_property_once(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(site, out)
    page = soup(out, "news/2025/q4-results/index.html")
    (card,) = sorted((out / "news/2025/q4-results").glob("share-*.png"))
    image = f"{SITE}/news/2025/q4-results/{card.name}"
    assert json_ld(page) == {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Example reports Q4 2025 results",
        "datePublished": "2025-12-15T07:30:00+01:00",
        "dateModified": "2025-12-16T10:00:00+01:00",  # the update
        "publisher": ORGANIZATION,
        "author": {"@id": f"{SITE}/#organization"},  # the publisher, by reference
        "image": {"@type": "ImageObject", "url": image, "width": 1200, "height": 630},
        "url": f"{SITE}/news/2025/q4-results/",
        "inLanguage": "en",
        "articleSection": "Financial results",
        "keywords": ["results"],
    }
    alt = "Example Newsroom: Example reports Q4 2025 results"
    assert meta(page) == [
        ("og:site_name", "Aldercrest Newsroom"),
        ("og:type", "article"),
        ("og:title", "Example reports Q4 2025 results"),
        ("og:description", "Revenue rose 10 percent."),
        ("og:url", f"{SITE}/news/2025/q4-results/"),
        ("og:image", image),
        ("og:image:type", "image/png"),
        ("og:image:width", "1200"),
        ("og:image:height", "630"),
        ("og:image:alt", alt),
        ("article:published_time", "2025-12-15T07:30:00+01:00"),
        ("article:modified_time", "2025-12-16T10:00:00+01:00"),
        ("article:section", "Financial results"),
        ("article:tag", "results"),
        # X takes the title, description and picture from Open Graph.
        ("twitter:card", "summary_large_image"),
        ("twitter:image:alt", alt),
    ]
    # Open Graph is read from property=, Twitter cards from name=.
    assert page.head.find("meta", attrs={"property": "og:image"})["content"] == image
    assert page.head.find("meta", attrs={"name": "twitter:card"})["content"] == (
        "summary_large_image"
    )
    canonical = page.head.find("link", rel="canonical")["href"]
    assert canonical == json_ld(page)["url"]


def test_the_lead_image_is_the_shared_image(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(site, out)
    page = soup(out, "news/2026/with-files/index.html")
    url = f"{SITE}/news/2026/with-files/plant.png"
    with Image.open(out / "news/2026/with-files/plant.png") as plant:
        width, height = plant.size
    data = json_ld(page)
    assert data["image"] == {"@type": "ImageObject", "url": url, "width": width, "height": height}
    assert data["keywords"] == []
    tags = dict(meta(page))
    assert (tags["og:image"], tags["og:image:width"], tags["og:image:height"]) == (
        url,
        str(width),
        str(height),
    )
    assert tags["og:image:alt"] == tags["twitter:image:alt"] == "The new plant"
    assert data["datePublished"] == data["dateModified"] == "2026-06-01T10:00:00-04:00"


def test_no_property_is_written_twice_on_any_page(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(site, out)
    # The editor for PR staff (admin/, cms.py) is an interface, not a page of the newsroom.
    pages = [p for p in out.rglob("*.html") if p.parent.name != "admin"]
    assert len(pages) > 15
    for path in pages:
        page = soup(out, str(path.relative_to(out)))
        counts = Counter(key for key, _ in meta(page) if key != "article:tag")
        assert counts and max(counts.values()) == 1, path
        is_release = "og:image" in counts
        assert counts["og:type"] == 1
        # The search page's own module is the one script outside release pages.
        scripts = [
            s for s in page.find_all("script") if not s.get("src", "").endswith("/search.js")
        ]
        assert len(scripts) == (1 if is_release else 0), path
        if not is_release:
            assert dict(meta(page))["og:type"] == "website"


def test_a_headline_cannot_break_out_of_the_json(site: Site, tmp_path: Path) -> None:
    title = "</script><script>alert(1)</script> & <!-- Co"
    site.write(
        "releases/2026/hostile-title.md",
        f'---\ntitle: "{title}"\ndate: 2026-01-05 09:00 Europe/Berlin\ncategory: products\n'
        # A tag needs a letter or digit for its address (tag-address), so it keeps one.
        "tags: ['</script>x']\nsummary: S.\n---\nText.\n",
    )
    out = tmp_path / "out"
    build(site, out)
    html = (out / "news/2026/hostile-title/index.html").read_text("utf-8")
    assert "<script>alert" not in html
    page = BeautifulSoup(html, "html.parser")
    assert len(page.find_all("script")) == 1
    data = json_ld(page)
    assert (data["headline"], data["keywords"]) == (title, ["</script>x"])
    assert dict(meta(page))["og:title"] == title


def test_without_a_site_url_addresses_are_root_relative(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out)  # development: SITEURL is empty
    data = json_ld(soup(out, "news/2026/first-product/index.html"))
    assert data["url"] == "/news/2026/first-product/"
    assert data["image"]["url"].startswith("/news/2026/first-product/share-")
