"""Share images in a real build: drawn for releases without an image, cached, and gated."""

from __future__ import annotations

import io
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican import signals
from PIL import Image

from newsroom import card_drawing, share_images
from support import Site, settings_file_newsroom, with_releases

CACHE = Path(".cache/share-images")
DRAWN = ("news/2025/q4-results", "news/2026/first-product")


def card_of(out: Path, folder: str) -> Path:
    (card,) = sorted((out / folder).glob("share-*.png"))
    return card


def og(out: Path, folder: str, key: str) -> str:
    soup = BeautifulSoup((out / folder / "index.html").read_text("utf-8"), "html.parser")
    (tag,) = soup.find_all("meta", attrs={"property": key})
    return str(tag["content"])


def cache_of(site: Site) -> Path:
    """Beside the content folder: in a real newsroom, the repository's root."""
    return site.path.parent / CACHE


def cached(site: Site) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in sorted(cache_of(site).glob("*.png"))}


def test_releases_without_an_image_get_a_drawn_card(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out)
    for folder in DRAWN:
        card = card_of(out, folder)
        with Image.open(card) as image:
            assert (image.format, image.mode, image.size) == ("PNG", "P", (1200, 630))
        # A palette PNG: a few dozen colours, a fraction of a full-colour card's bytes.
        assert card.stat().st_size < 30_000
        assert og(out, folder, "og:image") == f"/{card.relative_to(out)}"
        assert og(out, folder, "og:image:type") == "image/png"
        assert (og(out, folder, "og:image:width"), og(out, folder, "og:image:height")) == (
            "1200",
            "630",
        )
        # The cache holds the same bytes, under the hash of what was drawn.
        assert card.read_bytes() in [p.read_bytes() for p in cache_of(site).glob("*.png")]
    # A release with a lead image is shared with it: no card is drawn.
    assert not list((out / "news/2026/with-files").glob("share-*.png"))
    assert og(out, "news/2026/with-files", "og:image") == "/news/2026/with-files/plant.png"
    assert og(out, "news/2026/with-files", "og:image:type") == "image/png"
    assert og(out, "news/2026/with-files", "og:image:width") == "40"
    assert og(out, "news/2026/with-files", "og:image:height") == "20"


def test_a_rebuild_takes_every_card_from_the_cache(
    site: Site, tmp_path: Path, renders: list[str]
) -> None:
    site.build(tmp_path / "a")
    assert sorted(renders) == [
        "Example launches its first product",
        "Example reports Q4 2025 results",
    ]
    before = cached(site)
    assert len(before) == 2
    renders.clear()
    site.build(tmp_path / "b")
    assert renders == []  # nothing drawn again
    assert cached(site) == before  # not even rewritten
    for folder in DRAWN:
        a, b = card_of(tmp_path / "a", folder), card_of(tmp_path / "b", folder)
        assert a.relative_to(tmp_path / "a") == b.relative_to(tmp_path / "b")
        assert a.read_bytes() == b.read_bytes()


def test_a_new_title_draws_a_new_card_at_a_new_address(
    site: Site, tmp_path: Path, renders: list[str]
) -> None:
    out = tmp_path / "out"
    site.build(out)
    old = card_of(out, "news/2026/first-product")
    path = site.path / "releases/2026/first-product.md"
    path.write_text(path.read_text().replace("its first product", "its first widget"))
    renders.clear()
    site.build(out)
    assert renders == ["Example launches its first widget"]  # the other card is cached
    new = card_of(out, "news/2026/first-product")
    assert new.name != old.name  # link previews fetch the new picture
    assert og(out, "news/2026/first-product", "og:image") == f"/{new.relative_to(out)}"
    assert len(cached(site)) == 3


def test_an_embargoed_release_gets_no_card_before_its_instant(
    site: Site, tmp_path: Path, renders: list[str]
) -> None:
    out = tmp_path / "out"
    site.build(out, as_of="2026-12-03T05:59:59Z")
    assert "Secret embargoed widget" not in renders
    assert not (out / "news/2026/embargoed-launch").exists()
    assert len(cached(site)) == 2  # nothing of it is kept outside the output either
    assert len(list(out.rglob("share-*.png"))) == 2

    site.build(out, as_of="2026-12-03T06:00:00Z")
    assert renders[-1] == "Secret embargoed widget"
    card = card_of(out, "news/2026/embargoed-launch")
    assert og(out, "news/2026/embargoed-launch", "og:image") == f"/{card.relative_to(out)}"


def test_a_png_logo_is_drawn_instead_of_the_wordmark(site: Site, tmp_path: Path) -> None:
    logo = io.BytesIO()
    Image.new("RGB", (300, 60), (200, 0, 0)).save(logo, format="PNG")
    site.write("media/logo.png", logo.getvalue())
    company = site.path / "data/company.yml"
    company.write_text(company.read_text() + "logo: media/logo.png\n")
    out = tmp_path / "out"
    site.build(out)
    with Image.open(card_of(out, "news/2026/first-product")) as image:
        assert image.convert("RGB").getpixel((80, 56)) == (200, 0, 0)


def test_a_logo_of_many_colours_keeps_the_themes_colours_exact(site: Site, tmp_path: Path) -> None:
    """A photo-like JPEG logo brings thousands of colours; the card keeps as many as fit in
    its palette, the theme's own colours stay exact, and a cold build draws the same bytes."""
    logo = Image.new("RGB", (480, 120))
    logo.putdata(
        [(x * 255 // 480, y * 2, 255 - x * 255 // 480) for y in range(120) for x in range(480)]
    )
    jpeg = io.BytesIO()
    logo.save(jpeg, format="JPEG", quality=90)
    site.write("media/logo.jpg", jpeg.getvalue())
    company = site.path / "data/company.yml"
    company.write_text(company.read_text() + "logo: media/logo.jpg\n")
    out = tmp_path / "out"
    site.build(out)
    card = card_of(out, "news/2026/first-product")
    with Image.open(card) as image:
        assert (image.mode, len(image.getpalette() or []) // 3) == ("P", 256)
        pixels = image.convert("RGB")
    # Scaled to the band's height (224 × 56), at the left margin, in its own colours.
    with Image.open(io.BytesIO(jpeg.getvalue())) as decoded:
        expected = decoded.resize((224, 56), Image.Resampling.LANCZOS).getpixel((8, 28))
    drawn_pixel = pixels.getpixel((72 + 8, 28 + 28))
    assert sum(abs(a - b) for a, b in zip(drawn_pixel, expected, strict=True)) <= 24
    for box, colour in {
        (0, 0, 72, 112): (0xFF, 0xFF, 0xFF),
        (0, 112, 1200, 121): (0xE0, 0xA5, 0x26),
        (0, 121, 72, 534): (0x0B, 0x5D, 0x5A),
        (0, 534, 72, 630): (0x06, 0x40, 0x3E),
    }.items():
        area = pixels.crop(box)
        assert area.getcolors() == [(area.width * area.height, colour)]
    drawn = card.read_bytes()
    shutil.rmtree(cache_of(site))
    site.build(tmp_path / "again")
    assert card_of(tmp_path / "again", "news/2026/first-product").read_bytes() == drawn


def cards(count: int) -> dict[str, object]:
    """The settings file's NEWSROOM, with ``count`` releases keeping a card of their own."""
    return {**settings_file_newsroom(), "share_cards": count}


def topic_cards(out: Path) -> dict[str, list[str]]:
    """The cards in each topic's folder."""
    return {
        folder.name: sorted(p.name for p in folder.glob("share-*.png"))
        for folder in sorted((out / "topics").iterdir())
        if list(folder.glob("share-*.png"))
    }


def test_older_releases_share_their_topics_card(
    site: Site, tmp_path: Path, renders: list[str]
) -> None:
    out = tmp_path / "out"
    site.build(out, NEWSROOM=cards(1))
    # The newest release without a picture keeps a card of its own.
    own = card_of(out, "news/2026/first-product")
    assert og(out, "news/2026/first-product", "og:image") == f"/{own.relative_to(out)}"
    # The older one is shared with its topic's card, in its topic's folder, drawn once.
    assert not list((out / "news/2025/q4-results").glob("share-*.png"))
    assert topic_cards(out).keys() == {"financial-results"}
    (shared,) = (out / "topics/financial-results").glob("share-*.png")
    assert og(out, "news/2025/q4-results", "og:image") == f"/{shared.relative_to(out)}"
    assert og(out, "news/2025/q4-results", "og:image:alt") == "Example Newsroom: Financial results"
    with Image.open(shared) as image:
        assert (image.format, image.mode, image.size) == ("PNG", "P", (1200, 630))
    assert sorted(renders) == ["Example launches its first product", "Financial results"]
    # Lists show the same picture as the link preview.
    archive = BeautifulSoup((out / "news/index.html").read_text("utf-8"), "html.parser")
    pictures = {img["src"] for img in archive.select(".card > img")}
    assert f"/{shared.relative_to(out)}" in pictures
    assert f"/{own.relative_to(out)}" in pictures


def test_a_topics_card_exists_only_while_a_public_release_shares_it(
    site: Site, tmp_path: Path, renders: list[str]
) -> None:
    out = tmp_path / "out"
    # Before the embargo the newest product release has its own card: no products card.
    site.build(out, as_of="2026-12-03T05:59:59Z", NEWSROOM=cards(1))
    assert topic_cards(out).keys() == {"financial-results"}
    assert "Products" not in renders
    # At the instant the embargoed release is the newest: the one before it moves to the
    # products card, which now exists.
    site.build(out, as_of="2026-12-03T06:00:00Z", NEWSROOM=cards(1))
    assert topic_cards(out).keys() == {"financial-results", "products"}
    assert card_of(out, "news/2026/embargoed-launch")
    assert not list((out / "news/2026/first-product").glob("share-*.png"))
    (products,) = (out / "topics/products").glob("share-*.png")
    assert og(out, "news/2026/first-product", "og:image") == f"/{products.relative_to(out)}"


def test_with_no_cards_of_their_own_a_topics_releases_share_one_file(
    site: Site, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    site.build(out, as_of="2026-12-03T06:00:00Z", NEWSROOM=cards(0))
    assert not list((out / "news").rglob("share-*.png"))
    (products,) = (out / "topics/products").glob("share-*.png")
    for folder in ("news/2026/first-product", "news/2026/embargoed-launch"):
        assert og(out, folder, "og:image") == f"/{products.relative_to(out)}"
    # A lead image is still the release's own.
    assert og(out, "news/2026/with-files", "og:image") == "/news/2026/with-files/plant.png"


def cards_in(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.png"))}


@dataclass
class Cold:
    """The basic site with enough releases that a cold build draws its cards ahead, and what
    the tests of the process that draws them look at."""

    site: Site
    #: Every picture of its output as the build draws them itself, one after another.
    many: dict[str, bytes]
    #: The titles of the cards the build draws itself (the ``renders`` fixture).
    renders: list[str]
    #: What the build logs.
    caplog: pytest.LogCaptureFixture

    def build(self, out: Path) -> dict[str, bytes]:
        """Build into ``out`` with a cold cache or what an earlier build left in it: every
        picture of the output."""
        self.site.build(out)
        return cards_in(out)

    @property
    def cache(self) -> Path:
        return cache_of(self.site)


@pytest.fixture
def cold(
    site: Site,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    renders: list[str],
    caplog: pytest.LogCaptureFixture,
) -> Cold:
    with_releases(site, share_images.PARALLEL_FROM + 8)
    with monkeypatch.context() as alone:
        alone.setattr(share_images, "PARALLEL_FROM", 10**9)
        site.build(tmp_path / "alone")
    shutil.rmtree(cache_of(site))
    renders.clear()
    return Cold(site, cards_in(tmp_path / "alone"), renders, caplog)


@pytest.mark.parametrize("large", [False, True], ids=["waited for", "ended before writing"])
def test_a_cold_cache_is_drawn_ahead_with_the_same_bytes(
    cold: Cold, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, large: bool
) -> None:
    """Drawn by the process ahead, waited for once the pages are written; or, in a large
    build, partly by the build at its end when the process is stopped before Pelican
    writes (this small site's lists take a fraction of a second)."""
    if large:
        monkeypatch.setattr(share_images, "ENDS_BEFORE_WRITING_FROM", 1)
    own = {data for name, data in cold.many.items() if "/share-" in name}
    assert len(own) > share_images.PARALLEL_FROM
    assert cold.build(tmp_path / "out") == cold.many
    if not large:
        assert cold.renders == []  # every card came from the process that drew them ahead
    assert len(cached(cold.site)) == len(own)
    assert not list(cold.cache.glob("*.tmp"))


def test_a_drawing_process_that_dies_costs_no_card(cold: Cold, tmp_path: Path) -> None:
    """Killed once it has delivered its first card: the build draws the others itself."""
    delivered: list[str] = []

    def kill(generator: object) -> None:
        ahead = share_images.of_build(generator.settings).ahead  # type: ignore[attr-defined]
        assert ahead is not None
        while not (found := list(cold.cache.glob("*.png"))):
            assert ahead.process.poll() is None, "it ended before drawing a card"
            time.sleep(0.001)
        # It yields to the build's own processes (card_drawing.NICENESS).
        assert os.getpriority(os.PRIO_PROCESS, ahead.process.pid) == min(
            19, os.getpriority(os.PRIO_PROCESS, 0) + card_drawing.NICENESS
        )
        ahead.process.kill()
        ahead.process.wait()
        delivered.extend(p.name for p in cold.cache.glob("*.png"))
        assert found

    # Right after the gate, when the process has just started.
    signals.article_generator_finalized.connect(kill)
    try:
        assert cold.build(tmp_path / "out") == cold.many
    finally:
        signals.article_generator_finalized.disconnect(kill)
    cards = len(cached(cold.site))
    assert 0 < len(delivered) < cards
    assert len(cold.renders) == cards - len(delivered)
    assert (
        "Share images: the process drawing them ahead stopped (exit status -9: no message); "
        "the build draws the cards it left."
    ) in cold.caplog.messages


def test_cards_left_damaged_in_the_cache_are_drawn_again_ahead(cold: Cold, tmp_path: Path) -> None:
    """After a power cut or a full disk (nothing is synced): cards left empty or cut short
    count as missing, so the process ahead draws them again and replaces them; the build
    says nothing more than its count of cards drawn."""
    cold.build(tmp_path / "first")
    kept = {path: path.read_bytes() for path in sorted(cold.cache.glob("*.png"))}
    for number, (path, data) in enumerate(kept.items()):
        path.write_bytes(data[: len(data) // 2] if number % 2 else b"")
    cold.caplog.clear()
    cold.caplog.set_level(logging.INFO, logger=share_images.__name__)
    assert cold.build(tmp_path / "out") == cold.many
    assert cold.renders == []  # all drawn again by the process ahead, none by the build
    assert {path: path.read_bytes() for path in kept} == kept
    assert f"Share images: {len(kept)} drawn, 0 from the cache." in cold.caplog.messages
    assert not [r for r in cold.caplog.records if r.levelname == "WARNING" and "hare" in r.message]
