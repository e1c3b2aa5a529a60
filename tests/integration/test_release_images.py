"""Responsive lead images in a real build: narrower copies, srcset, and a cache by content."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image, ImageDraw

from newsroom import imaging
from support import Site

PAGE = "news/2026/with-files/"


def photo(width: int, height: int, shade: int = 0) -> bytes:
    """A picture with detail in it, so that resizing really changes its bytes."""
    image = Image.new("RGB", (width, height), (11, 93 + shade, 90))
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 37):
        draw.line((x, 0, width - x, height), fill=(224, 165, 38), width=3)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def with_photo(site: Site, data: bytes) -> Site:
    """The fixture's release with files, its lead image replaced by a 1,300-pixel photo."""
    site.write("releases/2026/with-files/plant.jpg", data)
    source = site.path / "releases/2026/with-files.md"
    source.write_text(source.read_text("utf-8").replace("plant.png", "plant.jpg"), "utf-8")
    return site


def lead_img(out: Path) -> dict[str, str]:
    page = BeautifulSoup((out / PAGE / "index.html").read_text("utf-8"), "html.parser")
    img = page.select_one("figure.lead-image img")
    assert img is not None
    return {k: str(v) for k, v in img.attrs.items()}


def test_narrower_copies_are_written_and_offered(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with_photo(site, photo(1300, 867)).build(out)
    for width in (480, 800, 1200):
        with Image.open(out / PAGE / f"plant-{width}w.jpg") as copy:
            assert copy.size == (width, round(867 * width / 1300))
            assert copy.format == "JPEG"
    assert not (out / PAGE / "plant-1600w.jpg").exists()  # never enlarged
    assert (out / PAGE / "plant.jpg").read_bytes() == photo(1300, 867)  # the original, as is
    img = lead_img(out)
    assert img["srcset"] == (
        f"/{PAGE}plant-480w.jpg 480w, /{PAGE}plant-800w.jpg 800w, "
        f"/{PAGE}plant-1200w.jpg 1200w, /{PAGE}plant.jpg 1300w"
    )
    assert img["src"] == f"/{PAGE}plant.jpg"
    assert (img["width"], img["height"]) == ("1300", "867")
    assert img["sizes"].endswith("calc(100vw - 2rem)")
    assert img["fetchpriority"] == "high" and "loading" not in img


def test_a_small_image_has_its_size_and_no_srcset(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out)  # the fixture's plant.png is 40 × 20
    img = lead_img(out)
    assert (img["width"], img["height"]) == ("40", "20")
    assert "srcset" not in img and "sizes" not in img
    assert sorted(p.name for p in (out / PAGE).iterdir()) == [
        "factsheet.pdf",
        "index.html",
        "plant.png",
    ]


def test_copies_are_made_once_and_the_same_bytes_every_time(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_photo(site, photo(1300, 867))
    site.build(tmp_path / "one")
    first = {p.name: p.read_bytes() for p in (tmp_path / "one" / PAGE).glob("plant-*")}
    assert len(first) == 3

    def no_resizing(*args: object) -> bytes:
        raise AssertionError("resized again although the picture did not change")

    with monkeypatch.context() as patch:
        patch.setattr(imaging, "to_width", no_resizing)
        site.build(tmp_path / "two")  # from the cache
    shutil.rmtree(site.path.parent / ".cache")
    site.build(tmp_path / "three")  # made anew
    for build in ("two", "three"):
        again = {p.name: p.read_bytes() for p in (tmp_path / build / PAGE).glob("plant-*")}
        assert again == first, build


def test_a_changed_picture_gets_new_copies(site: Site, tmp_path: Path) -> None:
    with_photo(site, photo(1300, 867)).build(tmp_path / "one")
    with_photo(site, photo(1300, 867, shade=40)).build(tmp_path / "two")
    one, two = tmp_path / "one" / PAGE, tmp_path / "two" / PAGE
    assert (one / "plant-800w.jpg").read_bytes() != (two / "plant-800w.jpg").read_bytes()


def test_link_previews_use_the_lead_image_and_its_size(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with_photo(site, photo(1300, 867)).build(out)
    html = (out / PAGE / "index.html").read_text("utf-8")
    assert f'<meta property="og:image" content="/{PAGE}plant.jpg">' in html
    assert '<meta property="og:image:width" content="1300">' in html
    assert '<meta property="og:image:height" content="867">' in html
