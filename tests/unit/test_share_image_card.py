"""The drawn share card: its size and bytes, its cache key, and how headlines are wrapped."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFont

from newsroom import card_drawing
from newsroom.card_drawing import (
    ACCENT,
    DEEP,
    FONT_DIR,
    HEIGHT,
    LINE,
    MARK,
    MUTED,
    PALE,
    TOLERANCE,
    WHITE,
    WIDTH,
    Card,
    Fonts,
    render,
    wrap,
)
from newsroom.settings import SettingsError, from_pelican

FONTS = Fonts.load()
CARD = Card(
    "Example opens a grid software lab in Hamburg with 120 engineers",
    "November 23, 2026",
    "Products",
    "Example",
    None,
    FONTS,
)


def png_file(image: Image.Image, format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format)
    return buffer.getvalue()


def gradient(width: int, height: int) -> Image.Image:
    """A logo of thousands of colours, fading in from the left: more than a palette holds."""
    image = Image.new("RGBA", (width, height))
    image.putdata(
        [
            (x * 255 // width, y * 255 // height, 255 - x * 255 // width, min(255, x * 8))
            for y in range(height)
            for x in range(width)
        ]
    )
    return image


LOGOS = {
    "none": None,
    "flat PNG": png_file(Image.new("RGB", (200, 50), (200, 30, 40))),
    "gradient PNG": png_file(gradient(480, 120)),
    "JPEG": png_file(gradient(480, 120).convert("RGB"), "JPEG"),
}


def png_chunks(data: bytes) -> list[bytes]:
    chunks, at = [], 8
    while at < len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        chunks.append(data[at + 4 : at + 8])
        at += 12 + length
    return chunks


def test_the_fonts_are_debians_dejavu_sans() -> None:
    # tools/system-packages.txt installs fonts-dejavu-core; without it the card still renders.
    assert (FONT_DIR / "DejaVuSans-Bold.ttf").is_file()
    assert FONTS.bold is not None and FONTS.regular is not None


def drawn(card: Card) -> Image.Image:
    """The card's pixels in RGB, whatever palette it was saved with."""
    with Image.open(io.BytesIO(render(card))) as image:
        return image.convert("RGB")


def test_a_card_is_a_1200_by_630_palette_png_without_metadata() -> None:
    data = render(CARD)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (WIDTH, HEIGHT) == (1200, 630)
        # A palette of a few dozen colours: a third of the full-colour PNG's bytes.
        assert image.mode == "P"
        assert len(image.getcolors()) <= 32
    # No time stamps or text chunks: the bytes depend on the inputs only.
    chunks = png_chunks(data)
    assert chunks == [b"IHDR", b"PLTE", *[b"IDAT"] * chunks.count(b"IDAT"), b"IEND"]


def test_the_palette_keeps_the_headline_legible() -> None:
    """The anti-aliased edges survive: more than the two flat colours in the headline."""
    headline = drawn(CARD).crop((72, 200, 1128, 440))
    colours = {rgb for _, rgb in headline.getcolors()}
    assert {(0xFF, 0xFF, 0xFF), (0x0B, 0x5D, 0x5A)} < colours
    assert len(colours) >= 6


def test_the_same_card_gives_the_same_bytes() -> None:
    assert render(CARD) == render(replace(CARD))


@pytest.mark.parametrize("logo", LOGOS.values(), ids=LOGOS.keys())
def test_a_cards_bytes_do_not_depend_on_what_was_drawn_before(logo: bytes | None) -> None:
    card = replace(CARD, logo=logo)
    first = render(card)
    render(replace(card, title="Another headline", company="Other"))
    card_drawing._base.cache_clear()  # the part every card shares, drawn anew
    assert render(card) == first


def test_a_card_has_the_same_bytes_in_another_process() -> None:
    """Nothing in the drawing depends on the process: not its hash seed, not its order."""
    script = (
        "import sys; from dataclasses import replace; "
        "from test_share_image_card import CARD, LOGOS, render; "
        "sys.stdout.buffer.write(render(replace(CARD, logo=LOGOS['gradient PNG'])))"
    )
    here = Path(__file__).parent
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    env["PYTHONPATH"] = os.pathsep.join([str(here), *sys.path])
    bytes_there = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, check=True, env=env
    ).stdout
    assert bytes_there == render(replace(CARD, logo=LOGOS["gradient PNG"]))


def test_the_theme_colours_are_used_exactly() -> None:
    image = drawn(CARD)
    assert image.getpixel((5, 5)) == (0xFF, 0xFF, 0xFF)  # the white band
    assert image.getpixel((5, 115)) == (0xE0, 0xA5, 0x26)  # the gold stripe
    assert image.getpixel((5, 300)) == (0x0B, 0x5D, 0x5A)  # the accent
    assert image.getpixel((5, 620)) == (0x06, 0x40, 0x3E)  # the footer


@pytest.mark.parametrize("logo", LOGOS.values(), ids=LOGOS.keys())
def test_every_flat_area_is_one_exact_theme_colour(logo: bytes | None) -> None:
    """Whatever colours a logo brings, each flat area is the theme's colour, every pixel."""
    image = drawn(replace(CARD, logo=logo))
    areas = {
        (0, 0, 72, 112): WHITE,  # the band, left of the logo or wordmark
        (0, 0, WIDTH, 8): WHITE,  # above it
        (0, 112, WIDTH, 121): MARK,  # the stripe
        (0, 121, 72, HEIGHT - 96): ACCENT,  # left of the headline
        (0, 121, WIDTH, 150): ACCENT,  # above it
        (0, HEIGHT - 96, 72, HEIGHT): DEEP,  # the footer, left of the date
        (0, HEIGHT - 20, WIDTH, HEIGHT): DEEP,  # below it
    }
    for box, colour in areas.items():
        crop = image.crop(box)
        assert crop.getcolors() == [(crop.width * crop.height, colour)], box


def on_an_edge(colour: tuple[int, int, int]) -> bool:
    """Whether ``colour`` is a text's colour blended with its background (within 1 of 255)."""
    pairs = [(ACCENT, WHITE), (MUTED, WHITE), (WHITE, ACCENT), (WHITE, DEEP), (PALE, DEEP)]
    for ink, ground in pairs:
        channel = max(range(3), key=lambda c: abs(ink[c] - ground[c]))
        cover = (colour[channel] - ground[channel]) / (ink[channel] - ground[channel])
        blend = [g + cover * (i - g) for i, g in zip(ink, ground, strict=True)]
        if 0 <= cover <= 1 and all(abs(b - c) <= 1 for b, c in zip(blend, colour, strict=True)):
            return True
    return False


def test_every_colour_is_the_themes_or_a_text_edge_between_two_of_them() -> None:
    """Nothing drifts: no colour a quantizer made up, only the theme's and the shades of a
    text's anti-aliased edge, a few for each text (as many as keep it within TOLERANCE)."""
    image = drawn(CARD)
    colours = {rgb for _, rgb in image.getcolors()}
    theme = {WHITE, ACCENT, DEEP, MARK, LINE, PALE, MUTED}
    assert theme <= colours
    assert [c for c in colours - theme if not on_an_edge(c)] == []
    # White on the accent: a shade every 2 × TOLERANCE at most across a contrast of 244.
    headline = {rgb for _, rgb in image.crop((72, 200, 1128, 440)).getcolors()}
    assert len(headline) - 2 >= (0xFF - 0x0B) // (2 * TOLERANCE)


def test_a_logo_of_many_colours_keeps_them_closely() -> None:
    """A logo's colours join the palette once per build: a gradient of thousands is drawn
    with as many as fit beside the theme's, close to the logo composed on white."""
    card = replace(CARD, logo=LOGOS["gradient PNG"])
    with Image.open(io.BytesIO(render(card))) as image:
        assert image.mode == "P"
        assert len(image.getpalette() or []) // 3 == 256
        drawn_logo = image.convert("RGB").crop((72, 56 - 28, 72 + 224, 56 + 28))
    logo = gradient(480, 120).resize((224, 56), Image.Resampling.LANCZOS)
    expected = Image.new("RGB", logo.size, WHITE)
    expected.paste(logo, (0, 0), logo)
    difference = ImageChops.difference(drawn_logo, expected)
    # 12,442 colours in about 220: within 5 of 255 on average (as the quantizer of the whole
    # card did before), and no pixel far off.
    brightness = difference.convert("L").histogram()
    assert sum(level * count for level, count in enumerate(brightness)) / sum(brightness) < 6
    assert max(high for _, high in difference.getextrema()) <= 24


def test_a_jpeg_logo_is_drawn_in_the_band() -> None:
    logo = png_file(Image.new("RGB", (200, 50), (30, 90, 200)), "JPEG")
    red, green, blue = drawn(replace(CARD, logo=logo)).getpixel((72 + 10, 56))
    assert abs(red - 30) + abs(green - 90) + abs(blue - 200) <= 6


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Another headline"},
        {"date_text": "November 24, 2026"},
        {"topic": "Corporate"},
        {"company": "Other"},
        {"logo": b"\x89PNG..."},
        {"fonts": Fonts(None, None)},
    ],
)
def test_everything_drawn_is_in_the_cache_key(change: dict[str, object]) -> None:
    assert replace(CARD, **change).key() != CARD.key()  # type: ignore[arg-type]
    assert replace(CARD).key() == CARD.key()


def test_without_dejavu_pillows_own_font_is_used() -> None:
    with Image.open(io.BytesIO(render(replace(CARD, fonts=Fonts(None, None))))) as image:
        assert image.size == (1200, 630)


def test_a_png_logo_is_drawn_in_the_band() -> None:
    logo = Image.new("RGB", (200, 50), (255, 0, 0))
    buffer = io.BytesIO()
    logo.save(buffer, format="PNG")
    assert drawn(replace(CARD, logo=buffer.getvalue())).getpixel((72 + 10, 56)) == (255, 0, 0)


def test_a_very_long_headline_ends_in_an_ellipsis_inside_the_card() -> None:
    card = replace(CARD, title=" ".join(["Supervisory"] * 40))
    # Nothing is drawn past the right margin of the headline area.
    strip = drawn(card).crop((WIDTH - 60, 130, WIDTH, 520))
    assert strip.getcolors() == [(60 * 390, (0x0B, 0x5D, 0x5A))]


FONT = ImageFont.truetype(str(FONT_DIR / "DejaVuSans-Bold.ttf"), 60)


def test_wrapped_lines_fit_and_are_balanced() -> None:
    title = "Aldercrest opens grid software lab in Hamburg"
    lines = wrap(title, FONT.getlength, 1056)
    assert lines == ["Aldercrest opens grid", "software lab in Hamburg"]
    assert all(FONT.getlength(line) <= 1056 for line in lines)


def test_wrapping_never_leaves_one_word_alone() -> None:
    title = "Example raises its outlook for the year after strong order intake in Asia"
    lines = wrap(title, FONT.getlength, 1056)
    assert len(lines) == 3
    assert min(len(line.split()) for line in lines) >= 3
    assert " ".join(lines) == title


def test_a_word_longer_than_a_line_is_cut() -> None:
    word = "x" * 80
    lines = wrap(word, FONT.getlength, 600)
    assert "".join(lines) == word
    assert all(FONT.getlength(line) <= 600 for line in lines)


def test_an_empty_headline_is_one_empty_line() -> None:
    assert wrap("   ", FONT.getlength, 600) == [""]


def test_cards_drawn_by_the_process_ahead_have_the_same_bytes(tmp_path: Path) -> None:
    """A cold cache draws in a fresh interpreter; each card must come out as if drawn here,
    the logo's colours and the fonts sent to it as they were read."""
    from newsroom import share_images

    cards = [
        replace(CARD, title=f"Headline number {n} of a busy year", logo=logo)
        for n, logo in enumerate(LOGOS.values())
    ]
    ahead = share_images._Ahead(cards, tmp_path)
    ahead.wait()
    assert ahead.process.returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{c.key()}.png" for c in cards)
    for card in cards:
        assert (tmp_path / f"{card.key()}.png").read_bytes() == render(card)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, "NEWSROOM: 'share_cards' must be 0 or more."),
        ("200", "NEWSROOM: 'share_cards' must be a whole number, not '200'."),
    ],
)
def test_share_cards_is_checked(value: object, message: str) -> None:
    with pytest.raises(SettingsError) as err:
        from_pelican({"NEWSROOM": {"share_cards": value}})
    assert str(err.value) == message


def test_the_newest_200_releases_keep_a_card_of_their_own_by_default() -> None:
    assert from_pelican({}).share_cards == 200
    assert from_pelican({"NEWSROOM": {"share_cards": 0}}).share_cards == 0


def test_a_topics_card_fits_a_long_company_name_in_its_footer() -> None:
    card = replace(CARD, title="Products", date_text="Example " * 30, topic="")
    strip = drawn(card).crop((WIDTH - 60, HEIGHT - 96, WIDTH, HEIGHT))
    assert strip.getcolors() == [(60 * 96, (0x06, 0x40, 0x3E))]
