"""A release and its translations in a real build: linked, listed once, gated one by one."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from support import AS_OF, FIXTURES, Site

SITE = "https://news.example.com"
LANGUAGES = {"languages": ["en", "de"]}
EN_URL = "news/2026/first-product/"
DE_URL = "news/2026/first-product-de/"
SECRET_DE = "news/2026/embargoed-launch-de/"

FIRST_DE = """---
title: Example bringt sein erstes Produkt auf den Markt
date: 2026-03-02 09:00 Europe/Berlin
dateline: HAMBURG
category: products
lang: de
translation_key: first-product
summary: Das erste Produkt ist da.
forward_looking: true
updates:
  - date: 2026-03-03 10:00 Europe/Berlin
    note: Tippfehler korrigiert.
---
Example hat heute sein **erstes** Produkt vorgestellt.
"""

SECRET_GERMAN = """---
title: Geheimes Widget unter Sperrfrist
date: 2026-12-03 07:00 Europe/Berlin
category: products
lang: de
translation_key: embargoed-launch
tags: [Sperrfristprodukt]
summary: Vor der Zeit darf das niemand sehen.
---
Sperrfristtext.
"""


def add_key(site: Site, name: str, key: str) -> None:
    path = site.path / name
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ntitle:", f"\ntranslation_key: {key}\ntitle:", 1), "utf-8")


def translated_site(root: Path) -> Site:
    shutil.copytree(FIXTURES / "basic", root)
    site = Site(root)
    add_key(site, "releases/2026/first-product.md", "first-product")
    add_key(site, "releases/2026/embargoed-launch.md", "embargoed-launch")
    # The fixture has the German topic names and safe-harbor statement already.
    company = (root / "data/company.yml").read_text("utf-8")
    site.write(
        "data/company.yml",
        company.replace(
            "Diese Mitteilung enthält zukunftsgerichtete Aussagen. Tatsächliche Ergebnisse "
            "können abweichen.",
            "Vorbehalt.",
        ),
    )
    site.write("releases/2026/first-product-de.md", FIRST_DE)
    site.write("releases/2026/embargoed-launch-de.md", SECRET_GERMAN)
    return site


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The translated site before and after the embargo of its secret release."""
    root = tmp_path_factory.mktemp("translations")
    site = translated_site(root / "site")
    outputs = {"before": root / "before", "after": root / "after"}
    site.build(outputs["before"], SITEURL=SITE, NEWSROOM=LANGUAGES)
    site.build(outputs["after"], as_of="2026-12-03T06:00:00Z", SITEURL=SITE, NEWSROOM=LANGUAGES)
    return outputs


def soup(out: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((out / url / "index.html").read_text("utf-8"), "html.parser")


def hreflangs(page: BeautifulSoup) -> dict[str, str]:
    return {
        link["hreflang"]: link["href"]
        for link in page.select('head link[rel="alternate"][hreflang]')
    }


def listed(out: Path, url: str) -> list[str]:
    return [a["href"] for a in soup(out, url).select("main .card-title a, main .release-rows a")]


def test_each_version_names_every_version_and_a_default(builds: dict[str, Path]) -> None:
    expected = {"en": f"{SITE}/{EN_URL}", "de": f"{SITE}/{DE_URL}", "x-default": f"{SITE}/{EN_URL}"}
    for url in (EN_URL, DE_URL):
        page = soup(builds["before"], url)
        assert hreflangs(page) == expected
        switcher = page.select(".release-languages a")
        assert [(a["hreflang"], a.get_text()) for a in switcher] == [
            ("en", "English"),
            ("de", "Deutsch"),
        ]
        assert [a["href"] for a in switcher if a.get("aria-current")] == [f"{SITE}/{url}"]


def test_a_translation_is_written_in_its_language(builds: dict[str, Path]) -> None:
    page = soup(builds["before"], DE_URL)
    assert page.html["lang"] == "de"
    assert page.select_one(".release-meta time").get_text() == "2. März 2026, 09:00 MEZ"
    assert page.select_one(".updates time").get_text() == "3. März 2026, 10:00 MEZ"
    assert page.select_one(".breadcrumb li:nth-of-type(2)").get_text() == "Produkte"
    assert page.select_one(".safe-harbor .prose").get_text().strip() == "Vorbehalt."
    assert page.select_one(".share a[href^='mailto:']").get_text() == "E-Mail"
    english = soup(builds["before"], EN_URL)
    assert english.select_one(".breadcrumb li:nth-of-type(2)").get_text() == "Products"
    assert english.html["lang"] == "en"
    assert english.select_one(".release-meta time").get_text() == "March 2, 2026, 09:00 CET"


def test_lists_show_each_piece_of_news_once(builds: dict[str, Path]) -> None:
    out = builds["before"]
    for url in ("", "news/", "topics/products/", "news/2026/"):
        links = listed(out, url)
        assert f"{SITE}/{EN_URL}" in links and f"{SITE}/{DE_URL}" not in links, url
    assert listed(out, "de/") == [f"{SITE}/{DE_URL}"]
    assert f"{SITE}/{EN_URL}" in listed(out, "en/")
    german = soup(out, "de/")
    assert german.html["lang"] == "de"
    nav = german.select(".language-nav a")
    assert [(a["href"], a.get("aria-current")) for a in nav] == [
        (f"{SITE}/en/", None),
        (f"{SITE}/de/", "page"),
    ]


def test_main_feed_has_one_version_and_each_language_feed_its_own(
    builds: dict[str, Path],
) -> None:
    out = builds["before"]
    everything = json.loads((out / "feeds/all.json").read_text("utf-8"))
    urls = [item["url"] for item in everything["items"]]
    assert f"{SITE}/{EN_URL}" in urls and f"{SITE}/{DE_URL}" not in urls
    german = json.loads((out / "feeds/lang/de.json").read_text("utf-8"))
    assert [item["url"] for item in german["items"]] == [f"{SITE}/{DE_URL}"]
    assert german["language"] == "de" and german["home_page_url"] == f"{SITE}/de/"


def test_sitemap_links_the_versions(builds: dict[str, Path]) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(builds["before"] / "sitemap.xml").getroot()
    entries = {u.findtext("s:loc", namespaces=ns): u for u in root.findall("s:url", ns)}
    for url in (EN_URL, DE_URL):
        links = entries[f"{SITE}/{url}"].findall("x:link", ns)
        assert {(x.get("hreflang"), x.get("href")) for x in links} == {
            ("en", f"{SITE}/{EN_URL}"),
            ("de", f"{SITE}/{DE_URL}"),
            ("x-default", f"{SITE}/{EN_URL}"),
        }
    assert f"{SITE}/de/" in entries and f"{SITE}/en/" in entries


def test_structured_data_and_api_name_the_translations(builds: dict[str, Path]) -> None:
    out = builds["before"]

    def ld(url: str) -> dict:
        return json.loads(soup(out, url).select_one('script[type="application/ld+json"]').string)

    assert ld(EN_URL)["workTranslation"] == [{"@id": f"{SITE}/{DE_URL}"}]
    assert ld(DE_URL)["translationOfWork"] == {"@id": f"{SITE}/{EN_URL}"}
    assert ld(DE_URL)["inLanguage"] == "de"
    record = json.loads((out / "api/releases/2026/first-product.json").read_text("utf-8"))
    assert record["translation_key"] == "first-product"
    assert record["translations"] == [
        {
            "lang": "de",
            "url": f"{SITE}/{DE_URL}",
            "api_url": f"{SITE}/api/releases/2026/first-product-de.json",
        }
    ]


def test_an_embargoed_translation_is_named_nowhere_before_its_instant(
    builds: dict[str, Path],
) -> None:
    before = builds["before"]
    for path in before.rglob("*"):
        if path.is_file():
            text = path.read_text("utf-8", errors="replace")
            assert "embargoed-launch-de" not in text, path
            assert "sperrfrist" not in text.casefold(), path
        assert "sperrfrist" not in path.as_posix(), path
    # The German topic and year pages count only the public German release.
    assert "1 Pressemitteilung" in soup(before, "de/topics/products/").get_text()
    after = builds["after"]
    assert hreflangs(soup(after, SECRET_DE))["en"] == f"{SITE}/news/2026/embargoed-launch/"
    for url in ("de/", "de/topics/products/", "de/tags/sperrfristprodukt/", "de/news/2026/"):
        assert f"{SITE}/{SECRET_DE}" in listed(after, url), url
    assert "2 Pressemitteilungen" in soup(after, "de/topics/products/").get_text()


def test_a_translation_public_before_its_original_is_listed_alone(
    tmp_path: Path,
) -> None:
    site = translated_site(tmp_path / "site")
    site.write(
        "releases/2026/embargoed-launch-de.md",
        SECRET_GERMAN.replace("2026-12-03 07:00", "2026-11-20 07:00"),
    )
    out = tmp_path / "out"
    site.build(out, as_of=AS_OF, SITEURL=SITE, NEWSROOM=LANGUAGES)
    assert f"{SITE}/{SECRET_DE}" in listed(out, "")
    page = soup(out, SECRET_DE)
    assert hreflangs(page) == {}
    assert page.select(".release-languages") == []
    assert "news/2026/embargoed-launch/" not in (out / SECRET_DE / "index.html").read_text()


def speaking(site: Site, lang: str) -> Site:
    """The fixture with its German texts and pages given as ``lang``'s: the words stay
    German, but the check finds a version in each language the settings name."""
    for name in ("company.yml", "topics.yml", "contacts.yml"):
        file = site.path / "data" / name
        text = re.sub(r"(?m)^( +)de:$", rf"\g<1>{lang}:", file.read_text("utf-8"))
        file.write_text(text, "utf-8")
    (site.path / "pages" / "de").rename(site.path / "pages" / lang)
    return site


def test_a_language_without_translated_labels_stops_the_build(site: Site, tmp_path: Path) -> None:
    from newsroom.settings import SettingsError

    speaking(site, "fr")
    with pytest.raises(SettingsError) as err:
        site.build(tmp_path / "out", NEWSROOM={"languages": ["en", "fr"]})
    assert str(err.value).startswith(
        "NEWSROOM: 'languages' lists fr, but the theme's labels are not translated into it: "
        "run invoke translations --add fr, then translate "
    )
    assert str(err.value).endswith("theme/translations/fr/LC_MESSAGES/messages.po.")
    assert not (tmp_path / "out").exists()


def test_the_site_language_must_match_pelicans(site: Site, tmp_path: Path) -> None:
    from newsroom.settings import SettingsError

    speaking(site, "en")
    with pytest.raises(SettingsError) as err:
        site.build(tmp_path / "out", NEWSROOM={"languages": ["de", "en"]})
    assert str(err.value) == "DEFAULT_LANG must be 'de', the first of NEWSROOM's 'languages'."


def test_a_preview_warns_in_the_language_of_the_release(tmp_path: Path) -> None:
    site = translated_site(tmp_path / "site")
    out = tmp_path / "preview"
    site.build(out, SITEURL=SITE, NEWSROOM=LANGUAGES, NEWSROOM_PREVIEW=True)
    banner = soup(out, SECRET_DE).select_one(".embargo-banner").get_text()
    assert banner == "SPERRFRIST BIS 3. DEZEMBER 2026, 07:00 MEZ (06:00 UTC)"
    # In a preview the embargoed versions are linked, as they will be at their instant.
    assert hreflangs(soup(out, SECRET_DE))["en"] == f"{SITE}/news/2026/embargoed-launch/"
