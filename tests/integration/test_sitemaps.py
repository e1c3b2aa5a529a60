"""Sitemaps and robots.txt in a real build: every public page, nothing embargoed, exact dates."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from newsroom import sitemaps
from support import Site

SITE = "https://news.example.com"
NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def urls(out: Path, name: str = "sitemap.xml") -> dict[str, ET.Element]:
    root = ET.parse(out / name).getroot()
    found = {u.findtext("s:loc", namespaces=NS): u for u in root.findall("s:url", NS)}
    assert len(found) == len(root.findall("s:url", NS)), "a URL is listed twice"
    return found  # type: ignore[return-value]


def lastmod(url: ET.Element) -> str | None:
    return url.findtext("s:lastmod", namespaces=NS)


def pages_written(out: Path) -> set[str]:
    """The address of every HTML page in the output, as its canonical link gives it."""
    found = set()
    for path in out.rglob("*.html"):
        name = path.relative_to(out).as_posix()
        # The search page is an interface, not content: it is left out of the sitemap.
        # So is the editor for PR staff (admin/, cms.py).
        # Nor are the 404 pages, one a language.
        if name not in (
            "404.html",
            "de/404.html",
            "search/index.html",
            "de/search/index.html",
            "admin/index.html",
        ):
            found.add(f"{SITE}/{name.removesuffix('index.html')}")
    return found


def test_the_sitemap_lists_exactly_the_pages_written(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    # Small pages, so that topic, tag and archive pages are paginated too.
    paginated = {"tag": None, "category": None, "archives": 2}
    site.build(out, SITEURL=SITE, DEFAULT_PAGINATION=1, PAGINATED_TEMPLATES=paginated)
    listed = urls(out)
    assert f"{SITE}/topics/products/page/2/" in listed
    assert f"{SITE}/news/page/2/" in listed
    assert set(listed) == pages_written(out)
    # Each page in both languages names both versions; the English one is the default. The
    # topic and tag pages are in German too (taxonomies.py).
    german = {f"{SITE}/de/{path}/" for path in ("about", "disclosures", "follow")}
    german |= {f"{SITE}/de/{path}/" for path in ("topics", "topics/products", "tags")}
    assert german <= set(listed)
    for loc, url in listed.items():
        links = [
            (x.get("rel"), x.get("hreflang"), x.get("href")) for x in url.findall("xhtml:link", NS)
        ]
        english = loc.replace(f"{SITE}/de/", f"{SITE}/")
        in_german = english.replace(f"{SITE}/", f"{SITE}/de/")
        if english in listed and in_german in listed:
            assert links == [
                ("alternate", "de", in_german),
                ("alternate", "en", english),
                ("alternate", "x-default", english),
            ]
        else:
            lang = "de" if loc.startswith(f"{SITE}/de/") else "en"
            assert links == [("alternate", lang, loc), ("alternate", "x-default", loc)]


def test_lastmod_is_the_newest_change_of_what_a_page_shows(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out, SITEURL=SITE)
    listed = {loc.removeprefix(SITE): lastmod(url) for loc, url in urls(out).items()}
    assert listed == {
        "/": "2026-06-01T14:00:00Z",
        "/about/": None,
        "/de/about/": None,
        "/de/disclosures/": "2026-06-01T14:00:00Z",
        "/de/follow/": None,
        # The German topic and tag pages: no German release yet.
        "/de/tags/": None,
        "/de/topics/": None,
        "/de/topics/financial-results/": None,
        "/de/topics/products/": None,
        "/disclosures/": "2026-06-01T14:00:00Z",
        "/follow/": None,
        "/news/": "2026-06-01T14:00:00Z",
        "/news/2025/": "2025-12-16T09:00:00Z",
        "/news/2025/q4-results/": "2025-12-16T09:00:00Z",  # its update, not its date
        "/news/2026/": "2026-06-01T14:00:00Z",
        "/news/2026/first-product/": "2026-03-02T08:00:00Z",
        "/news/2026/with-files/": "2026-06-01T14:00:00Z",
        "/tags/": "2026-06-01T14:00:00Z",
        "/tags/launch/": "2026-03-02T08:00:00Z",
        "/tags/results/": "2025-12-16T09:00:00Z",
        "/tags/widgets/": "2026-03-02T08:00:00Z",
        "/topics/": "2026-06-01T14:00:00Z",
        "/topics/financial-results/": "2025-12-16T09:00:00Z",
        "/topics/products/": "2026-06-01T14:00:00Z",
    }
    assert (out / "robots.txt").read_text() == (
        "User-agent: *\nDisallow:\n\n"
        f"Sitemap: {SITE}/sitemap.xml\n"
        f"Sitemap: {SITE}/news-sitemap.xml\n"
    )


def test_an_embargoed_release_is_listed_from_its_instant(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out, SITEURL=SITE, as_of="2026-12-03T05:59:59Z")
    for name in ("sitemap.xml", "news-sitemap.xml", "robots.txt"):
        text = (out / name).read_text()
        assert "embargoed" not in text and "secret" not in text, name
    site.build(out, SITEURL=SITE, as_of="2026-12-03T06:00:00Z")
    assert f"{SITE}/news/2026/embargoed-launch/" in urls(out)
    assert f"{SITE}/tags/secret-tag/" in urls(out)
    assert list(urls(out, "news-sitemap.xml")) == [f"{SITE}/news/2026/embargoed-launch/"]


def test_the_news_sitemap_holds_the_last_48_hours(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out, SITEURL=SITE, as_of="2026-03-04T07:59:59Z")  # first-product + 48 h - 1 s
    (url,) = urls(out, "news-sitemap.xml").values()
    assert url.findtext("s:loc", namespaces=NS) == f"{SITE}/news/2026/first-product/"
    news = url.find("news:news", NS)
    assert news is not None
    assert [
        (e.tag.split("}")[1], e.text) for e in news.iter() if e is not news and e.text.strip()
    ] == [
        ("name", "Aldercrest Newsroom"),
        ("language", "en"),
        ("publication_date", "2026-03-02T09:00:00+01:00"),
        ("title", "Example launches its first product"),
    ]
    site.build(out, SITEURL=SITE, as_of="2026-03-04T08:00:00Z")  # it leaves at 48 h
    assert urls(out, "news-sitemap.xml") == {}


def test_more_news_than_one_file_holds_gets_an_index(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sitemaps, "MAX_NEWS_URLS", 2)
    for hour in ("08", "09", "10"):
        site.write(
            f"releases/2026/news-{hour}.md",
            f"---\ntitle: News at {hour}\ndate: 2026-11-22 {hour}:00 Europe/Berlin\n"
            "category: products\nsummary: S.\n---\nText.\n",
        )
    out = tmp_path / "out"
    site.build(out, SITEURL=SITE)
    assert not (out / "news-sitemap.xml").exists()
    assert list(urls(out, "news-sitemap-1.xml")) == [
        f"{SITE}/news/2026/news-10/",
        f"{SITE}/news/2026/news-09/",
    ]
    assert list(urls(out, "news-sitemap-2.xml")) == [f"{SITE}/news/2026/news-08/"]
    index = ET.parse(out / "news-sitemap-index.xml").getroot()
    assert [s.findtext("s:loc", namespaces=NS) for s in index.findall("s:sitemap", NS)] == [
        f"{SITE}/news-sitemap-1.xml",
        f"{SITE}/news-sitemap-2.xml",
    ]
    assert f"Sitemap: {SITE}/news-sitemap-index.xml\n" in (out / "robots.txt").read_text()


def test_sitemaps_are_byte_identical_across_builds(site: Site, tmp_path: Path) -> None:
    site.build(tmp_path / "a", SITEURL=SITE)
    site.build(tmp_path / "b", SITEURL=SITE)
    for name in ("sitemap.xml", "news-sitemap.xml", "robots.txt"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_a_development_build_has_no_sitemaps(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out)  # SITEURL is empty: there is no absolute address to list
    assert (out / "robots.txt").read_text() == "User-agent: *\nDisallow:\n"
    assert not list(out.glob("*sitemap*"))


def test_a_preview_keeps_crawlers_out_and_lists_nothing(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "preview"
    site.build(out, SITEURL=SITE, NEWSROOM_PREVIEW=True)
    assert (out / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"
    assert not list(out.glob("*sitemap*"))
