"""The media kit in a real build: every asset listed with its facts, thumbnails, stable zips."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

from bs4 import BeautifulSoup
from PIL import Image

from support import ROOT, Site

KIT = ROOT / "content" / "media" / "kit"
DATA = (ROOT / "content" / "data" / "media-kit.yml").read_text("utf-8")
ALBUM_FILES = {
    "logos": [
        "aldercrest-logo-dark.png",
        "aldercrest-logo-dark.svg",
        "aldercrest-logo.png",
        "aldercrest-logo.svg",
    ],
    "executives": ["ceo-portrait.jpg"],
    "products": ["grid-controller.jpg"],
}


def with_kit(site: Site) -> Site:
    shutil.copytree(KIT, site.path / "media" / "kit")
    site.write("data/media-kit.yml", DATA)
    return site


def test_the_page_lists_every_asset_with_its_facts(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with_kit(site).build(out)
    html = (out / "media-kit/index.html").read_text("utf-8")
    assert 'href="/media-kit/"' in (out / "index.html").read_text("utf-8")  # footer link
    for name in ALBUM_FILES["logos"] + ["ceo-portrait.jpg", "grid-controller.jpg"]:
        album = {"aldercrest": "logos", "ceo": "executives", "grid": "products"}[name.split("-")[0]]
        data = (KIT / name).read_bytes()
        assert (out / "media-kit" / album / name).read_bytes() == data
        if name.endswith((".jpg", ".png")):
            with Image.open(KIT / name) as image:
                assert f"{image.width} × {image.height} px" in html
    assert "300 × 60 px" in html  # the SVG's own size
    assert html.count("<dt>Format</dt>") == 4
    assert html.count("<dd>SVG</dd>") == 2 and html.count("<dd>JPEG</dd>") == 2
    assert html.count("<dt>File size</dt>") == 4
    assert html.count("Free for editorial use; credit Aldercrest Systems SE.") == 2
    assert "do not alter the colours or proportions" in html
    assert "style=" not in html and "<script" not in html.split("</header>", 1)[1]


def test_thumbnails_and_web_versions_are_small_enough(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with_kit(site).build(out)
    for thumb in (out / "media-kit").glob("*/*-thumb.jpg"):
        with Image.open(thumb) as image:
            assert max(image.size) <= 400
    with Image.open(out / "media-kit/products/grid-controller-web.jpg") as image:
        assert max(image.size) <= 1600


def test_album_zips_hold_the_files_and_are_the_same_in_every_build(
    site: Site, tmp_path: Path
) -> None:
    with_kit(site)
    site.build(tmp_path / "one")
    shutil.rmtree(site.path.parent / ".cache", ignore_errors=True)  # drawn anew, same bytes
    site.build(tmp_path / "two")
    for album, names in ALBUM_FILES.items():
        first = (tmp_path / "one/media-kit" / f"{album}.zip").read_bytes()
        assert first == (tmp_path / "two/media-kit" / f"{album}.zip").read_bytes()
        with zipfile.ZipFile(io.BytesIO(first)) as archive:
            assert archive.namelist() == names
            for name in names:
                assert archive.read(name) == (KIT / name).read_bytes()
        for name in ("-web.jpg", "-thumb.jpg"):
            for one in (tmp_path / "one/media-kit" / album).glob(f"*{name}"):
                assert (
                    one.read_bytes() == (tmp_path / "two/media-kit" / album / one.name).read_bytes()
                )


def test_no_data_file_means_no_page(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out)
    assert not (out / "media-kit").exists()
    assert "Media kit" not in (out / "index.html").read_text("utf-8")


def test_a_missing_alt_is_a_plain_problem_with_its_line(site: Site) -> None:
    with_kit(site)
    site.write(
        "data/media-kit.yml",
        "products:\n"
        "  title: Products\n"
        "  items:\n"
        "    - file: grid-controller.jpg\n"
        "      title: Grid controller\n"
        "      usage: Free for editorial use.\n"
        "    - file: nowhere.jpg\n"
        "      title: Missing\n"
        "      alt: A missing file\n"
        "      usage: Free for editorial use.\n",
    )
    newsroom = site.load()
    texts = [p.text() for p in newsroom.problems if p.path == "data/media-kit.yml"]
    assert newsroom.media_kit is None
    assert any("data/media-kit.yml:4" in t and "products.items[1].alt" in t for t in texts), texts
    assert any("data/media-kit.yml:7" in t and "nowhere.jpg" in t for t in texts), texts
    assert all("Traceback" not in t for t in texts)


def test_each_logo_is_shown_on_its_background_with_a_png_copy(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with_kit(site).build(out)
    page = BeautifulSoup((out / "media-kit/index.html").read_text("utf-8"), "html.parser")
    logos = page.select("#album-logos ~ ul > li")
    assert [card.select_one(".asset-preview")["class"] for card in logos] == [
        ["asset-preview", "on-light"],
        ["asset-preview", "on-dark"],
    ]
    for card, background in zip(logos, ("Light", "Dark"), strict=True):
        facts = dict(zip(card.select("dt"), card.select("dd"), strict=True))
        assert {dt.text: dd.text for dt, dd in facts.items()}["Made for"] == (
            f"{background} backgrounds"
        )
        png = card.select("ul.downloads a")[1]
        assert png.text.endswith("(PNG)")
        assert (out / png["href"].lstrip("/")).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "PNG, 1200 × 240 px" in png.find_next("span").text
    # A photo has no background of its own: no tile, no "Made for" line.
    photo = page.select_one("#album-products ~ ul > li")
    assert photo.select_one(".asset-preview")["class"] == ["asset-preview"]
    assert "Made for" not in photo.text


def test_the_fact_sheet_lists_company_basics_then_the_authors_facts(
    site: Site, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    with_kit(site).build(out)
    page = BeautifulSoup((out / "media-kit/index.html").read_text("utf-8"), "html.parser")
    section = page.select_one("section.fact-sheet")
    assert section["aria-labelledby"] == "facts-title"
    assert section.select_one("h2#facts-title").text == "Fact sheet"
    assert section.select_one("time")["datetime"] == "2026-09-30"
    assert "Figures as of September 30, 2026" in section.select_one(".fact-date").text
    rows = [
        (div.select_one("dt").text, [dd.text for dd in div.select("dd")])
        for div in section.select("dl.facts > div")
    ]
    # The fixture's company.yml has a legal name, website, exchange and ticker, typed once.
    assert rows[:4] == [
        ("Legal name", ["Example Industries AG"]),
        ("Website", ["https://www.example.com"]),
        ("Stock exchange", ["Frankfurt Stock Exchange"]),
        ("Ticker symbol", ["EXMP"]),
    ]
    assert section.select_one("dd a")["href"] == "https://www.example.com"
    employees = "At the end of the third quarter of 2026 · Source: Quarterly statement Q3 2026"
    assert ("Employees", ["4,810", employees]) in rows
    revenue = "As of December 31, 2025 · Source: Annual report 2025"
    assert ("Revenue 2025", ["EUR 1,148 million", revenue]) in rows
    # The fact sheet comes before the albums.
    assert str(page).index("facts-title") < str(page).index("album-logos")
