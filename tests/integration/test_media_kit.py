"""The media kit in a real build: every asset listed with its facts, thumbnails, stable zips."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

from PIL import Image

from support import ROOT, Site

KIT = ROOT / "content" / "media" / "kit"
DATA = (ROOT / "content" / "data" / "media-kit.yml").read_text("utf-8")


def with_kit(site: Site) -> Site:
    shutil.copytree(KIT, site.path / "media" / "kit")
    site.write("data/media-kit.yml", DATA)
    return site


def test_the_page_lists_every_asset_with_its_facts(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with_kit(site).build(out)
    html = (out / "media-kit/index.html").read_text("utf-8")
    assert 'href="/media-kit/"' in (out / "index.html").read_text("utf-8")  # footer link
    for name in ("aldercrest-logo.svg", "ceo-portrait.jpg", "grid-controller.jpg"):
        album = {"aldercrest": "logos", "ceo": "executives", "grid": "products"}[name.split("-")[0]]
        data = (KIT / name).read_bytes()
        assert (out / "media-kit" / album / name).read_bytes() == data
        if name.endswith(".jpg"):
            with Image.open(KIT / name) as image:
                assert f"{image.width} × {image.height} px" in html
    assert "300 × 60 px" in html  # the SVG's own size
    assert html.count("<dt>Format</dt>") == 3
    assert "<dd>SVG</dd>" in html and html.count("<dd>JPEG</dd>") == 2
    assert html.count("<dt>File size</dt>") == 3
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
    for album, names in {
        "logos": ["aldercrest-logo.svg"],
        "executives": ["ceo-portrait.jpg"],
        "products": ["grid-controller.jpg"],
    }.items():
        first = (tmp_path / "one/media-kit" / f"{album}.zip").read_bytes()
        assert first == (tmp_path / "two/media-kit" / f"{album}.zip").read_bytes()
        with zipfile.ZipFile(io.BytesIO(first)) as archive:
            assert archive.namelist() == names
            assert archive.read(names[0]) == (KIT / names[0]).read_bytes()
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
