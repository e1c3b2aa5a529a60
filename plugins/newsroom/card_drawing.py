"""Drawing a share card: a release's headline, date and topic, and the company's wordmark or
logo, as a 1200×630 palette PNG (share_images.py says which releases get one, and keeps them).

This module imports Pillow and, of the package, only two modules that need nothing but the
standard library (atomic.py, orphans.py), so that a fresh interpreter can draw a build's
cards while Pelican still runs (``main``), in about 30 MB, and give each to the cache as its
file. The build draws the few a rebuild needs itself.

A card is flat colour and text, so it is saved as a palette PNG: 11 to 20 KB (15 on average)
instead of 55 to 70 KB for the full-colour PNG. JPEG (68 KB at quality 75) and lossy WebP
(36 KB) are larger for text on flat colour and blur its edges, and WebP is not shown by every
link-preview crawler; PNG and JPEG are shown by all of them. The card is drawn straight into
palette indices: the theme's colours, and for each text a few shades between its colour and
its background for the anti-aliased edges (32 colours in all). Pillow draws each text as a
greyscale mask and a table maps each level to its shade, so no quantizer has to find the
colours again (which took half of each card's time, and the PNG encoder most of the rest):
the flat areas keep the theme's exact colours, the same inputs give the same bytes, and a
card takes a quarter of the CPU time it took when drawn in RGB and quantized. A raster logo
brings its own colours; they join the palette once per build (up to 256 in all). A 4-bit PNG
(16 colours at most) would be larger, not smaller: two pixels a byte break the runs zlib finds.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import logging
import math
import os
import signal
import sys
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import PIL
from PIL import Image, ImageDraw, ImageFont

from .atomic import write_file
from .orphans import end_with

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
#: Part of every cache key: change it whenever the drawing below changes.
TEMPLATE_VERSION = "masthead-share-card-5"
#: Debian's fonts-dejavu-core (tools/system-packages.txt); Pillow's own font otherwise.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

# The theme's colours (theme/static/css/newsroom.css): accent, its darker hover, the gold
# mark, the accent of the dark scheme, text and muted grey on white.
ACCENT = (0x0B, 0x5D, 0x5A)
DEEP = (0x06, 0x40, 0x3E)
MARK = (0xE0, 0xA5, 0x26)
PALE = (0xA5, 0xE6, 0xDF)
WHITE = (0xFF, 0xFF, 0xFF)
MUTED = (0x55, 0x62, 0x6A)
LINE = (0xD9, 0xDF, 0xE1)

MARGIN = 72
BAND = 112  # the white band with the company's name
STRIPE = 8  # the gold stripe under it
FOOTER = 96  # the dark strip with the date and topic
HEADLINE_SIZES = (66, 60, 54, 48, 42)
HEADLINE_LINES = 4
LINE_HEIGHT = 1.2


@dataclass(frozen=True)
class Fonts:
    """The font files' bytes (``None``: Pillow's built-in font), read once per build."""

    bold: bytes | None
    regular: bytes | None

    @classmethod
    def load(cls, folder: Path = FONT_DIR) -> Fonts:
        def read(name: str) -> bytes | None:
            path = folder / name
            return path.read_bytes() if path.is_file() else None

        fonts = cls(read("DejaVuSans-Bold.ttf"), read("DejaVuSans.ttf"))
        if fonts.bold is None or fonts.regular is None:
            logger.warning(
                "DejaVu Sans not found in %s: share images use Pillow's font. "
                "Install fonts-dejavu-core for the intended look.",
                folder,
            )
        return fonts

    @cached_property
    def digest(self) -> dict[str, str | None]:
        """Hashed once: a build asks for every release's cache key."""
        return {
            "bold": _sha256(self.bold) if self.bold is not None else None,
            "regular": _sha256(self.regular) if self.regular is not None else None,
        }


@dataclass(frozen=True)
class Card:
    """Everything a drawn share image depends on: its cache key is a hash of all of it."""

    title: str
    date_text: str
    topic: str
    company: str
    logo: bytes | None
    fonts: Fonts

    def key(self) -> str:
        """The hash of everything drawn; worked out once per card (a build asks for every
        release's, several times)."""
        return self._key

    @cached_property
    def _key(self) -> str:
        inputs = {
            "template": TEMPLATE_VERSION,
            "pillow": PIL.__version__,
            "size": [WIDTH, HEIGHT],
            "title": self.title,
            "date": self.date_text,
            "topic": self.topic,
            "company": self.company,
            "logo": _sha256(self.logo) if self.logo is not None else None,
            "fonts": self.fonts.digest,
        }
        canonical = json.dumps(inputs, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return _sha256(canonical.encode())


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Typeface:
    """One font file at any size; Pillow's built-in font when the file is missing."""

    def __init__(self, data: bytes | None) -> None:
        self.data = data
        self.sizes: dict[int, ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}

    def at(self, size: int) -> Any:
        if size not in self.sizes:
            self.sizes[size] = (
                ImageFont.truetype(io.BytesIO(self.data), size)
                if self.data is not None
                else ImageFont.load_default(size)
            )
        return self.sizes[size]


@lru_cache(maxsize=4)
def _typeface(data: bytes | None) -> _Typeface:
    """A font file is parsed once per process at each size, not once per card: FreeType's
    loading of DejaVu took a fifteenth of the time a card took."""
    return _Typeface(data)


RGB = tuple[int, int, int]
Box = tuple[int, int, int, int]
#: The card's rows, first and last (ImageDraw's rectangles include both ends).
BAND_ROWS = (0, BAND - 1)
STRIPE_ROWS = (BAND, BAND + STRIPE)
FOOTER_ROWS = (HEIGHT - FOOTER, HEIGHT - 1)
#: Where each text may be drawn (left, top, right, bottom, the last two excluded): a
#: headline never spills over the stripe or the footer.
BAND_AREA: Box = (0, 0, WIDTH, BAND)
HEADLINE_AREA: Box = (0, STRIPE_ROWS[1] + 1, WIDTH, FOOTER_ROWS[0])
FOOTER_AREA: Box = (0, FOOTER_ROWS[0], WIDTH, HEIGHT)
#: Each text's colour and the flat colour it is drawn on.
WORDMARK, NAMEPLATE = (ACCENT, WHITE), (MUTED, WHITE)
HEADLINE, TOPIC, DATE = (WHITE, ACCENT), (WHITE, DEEP), (PALE, DEEP)
#: How far (of 255, in any channel) an anti-aliased edge pixel may be from the colour Pillow
#: blends in RGB. Each text gets as many shades between its background and its colour as
#: that takes (white on the accent: 8); the quantizer used before kept edges within 15.
TOLERANCE = 16
#: zlib level 7: as small as the quantized cards were at level 8, in 5 ms instead of 12
#: (level 8 searches far longer in long runs of one index for 6% fewer bytes).
COMPRESS_LEVEL = 7


@dataclass(frozen=True)
class _Shades:
    """How one text colour on one background is drawn: for each coverage (0 to 255) of
    Pillow's greyscale mask of the text, the palette index of the nearest shade, and
    whether the pixel changes at all (255) or keeps what is under it (0)."""

    index: list[int]
    covered: list[int]


class _Palette:
    """The card's colours, each once, numbered in the order they are first asked for."""

    def __init__(self) -> None:
        self.colours: dict[RGB, int] = {}

    def __getitem__(self, colour: RGB) -> int:
        return self.colours.setdefault(colour, len(self.colours))

    def __len__(self) -> int:
        return len(self.colours)

    def shades(self, pair: tuple[RGB, RGB]) -> _Shades:
        ink, ground = pair
        contrast = max(abs(i - g) for i, g in zip(ink, ground, strict=True))
        count = max(1, math.ceil(contrast / (2 * TOLERANCE)))
        steps = [self[_blend(ground, ink, round(s * 255 / count))] for s in range(count + 1)]
        nearest = [round(cover * count / 255) for cover in range(256)]
        return _Shades([steps[n] for n in nearest], [255 if n else 0 for n in nearest])

    def data(self) -> bytes:
        return bytes(channel for colour in self.colours for channel in colour)


def _blend(ground: RGB, ink: RGB, cover: int) -> RGB:
    """Ink over ground at ``cover``/255, rounded as Pillow blends text into an RGB image."""

    def mix(g: int, i: int) -> int:
        total = g * (255 - cover) + i * cover + 128
        return (total + (total >> 8)) >> 8

    return (mix(ground[0], ink[0]), mix(ground[1], ink[1]), mix(ground[2], ink[2]))


@dataclass(frozen=True)
class _Base:
    """What every card of a build shares, drawn once: the band with the company's logo or
    wordmark and "Newsroom" (as in the site's header), the stripe, the background and the
    footer's colour, as palette indices (mode "L"); the palette; each card text's shades."""

    indices: Image.Image
    palette: bytes
    headline: _Shades
    topic: _Shades
    date: _Shades


@lru_cache(maxsize=2)
def _base(company: str, logo: bytes | None, fonts: Fonts) -> _Base:
    bold, regular = _typeface(fonts.bold), _typeface(fonts.regular)
    palette = _Palette()
    # The flat colours are numbered first (a logo's colours take what is left), the accent
    # first of all: each row of a PNG starts with a 0 byte, which then continues the run of
    # the largest area instead of breaking it (3% fewer bytes).
    for colour in (ACCENT, WHITE, DEEP, MARK, LINE):
        palette[colour]
    headline, topic, date = palette.shades(HEADLINE), palette.shades(TOPIC), palette.shades(DATE)
    nameplate = palette.shades(NAMEPLATE)
    image = Image.new("L", (WIDTH, HEIGHT), palette[ACCENT])
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, BAND_ROWS[0], WIDTH, BAND_ROWS[1]), fill=palette[WHITE])
    draw.rectangle((0, STRIPE_ROWS[0], WIDTH, STRIPE_ROWS[1]), fill=palette[MARK])
    draw.rectangle((0, FOOTER_ROWS[0], WIDTH, FOOTER_ROWS[1]), fill=palette[DEEP])
    middle = BAND // 2
    if logo is not None:
        right = _paste_logo(image, palette, logo, middle)
    else:
        name = bold.at(44)
        wordmark = _fit(company, name, 640)
        _ink(image, BAND_AREA, [((MARGIN, middle), wordmark, name, "lm")], palette.shades(WORDMARK))
        right = MARGIN + round(name.getlength(wordmark))
    draw.line((right + 28, middle - 24, right + 28, middle + 24), fill=palette[LINE], width=2)
    _ink(image, BAND_AREA, [((right + 56, middle), "Newsroom", regular.at(34), "lm")], nameplate)
    return _Base(image, palette.data(), headline, topic, date)


#: A text to draw: its anchor point, the text, its font, and how it hangs from the point.
Text = tuple[tuple[int, int], str, Any, str]


def _ink(image: Image.Image, area: Box, texts: list[Text], shades: _Shades) -> None:
    """Draw ``texts`` in one colour on a card's palette indices, inside ``area`` only.

    Pillow draws the texts as a greyscale mask of their coverage (the mask it would blend
    into an RGB image), and the shades turn each coverage into the index of its shade: no
    quantizer has to find the colours again, and flat areas keep their exact index.
    """
    draw = ImageDraw.Draw(image)
    boxes = [draw.textbbox(xy, text, font=font, anchor=anchor) for xy, text, font, anchor in texts]
    left = max(area[0], math.floor(min(b[0] for b in boxes)))
    top = max(area[1], math.floor(min(b[1] for b in boxes)))
    right = min(area[2], math.ceil(max(b[2] for b in boxes)))
    bottom = min(area[3], math.ceil(max(b[3] for b in boxes)))
    if right <= left or bottom <= top:
        return
    mask = Image.new("L", (right - left, bottom - top), 0)
    pen = ImageDraw.Draw(mask)
    for (x, y), text, font, anchor in texts:
        pen.text((x - left, y - top), text, font=font, fill=255, anchor=anchor)
    image.paste(mask.point(shades.index), (left, top), mask.point(shades.covered, "1"))


def render(card: Card) -> bytes:
    """The card as palette PNG bytes: the same inputs always give the same bytes."""
    bold, regular = _typeface(card.fonts.bold), _typeface(card.fonts.regular)
    base = _base(card.company, card.logo, card.fonts)
    image = base.indices.copy()

    # The headline, as large as fits in four lines, with balanced line lengths, centred
    # between the band and the footer.
    size, lines = _fit_headline(card.title, bold)
    step = round(size * LINE_HEIGHT)
    area = HEIGHT - FOOTER - (BAND + STRIPE)
    top = BAND + STRIPE + (area - len(lines) * step) // 2
    font = bold.at(size)
    texts = [((MARGIN, top + n * step), line, font, "la") for n, line in enumerate(lines)]
    _ink(image, HEADLINE_AREA, texts, base.headline)

    # Footer: the date on the left, the topic on the right.
    middle = HEIGHT - FOOTER + FOOTER // 2
    topic = _fit(card.topic.upper(), bold.at(24), WIDTH - 2 * MARGIN - 420)
    if topic:
        _ink(image, FOOTER_AREA, [((WIDTH - MARGIN, middle), topic, bold.at(24), "rm")], base.topic)
    # A topic's card has a long company name here and no topic beside it.
    beside = round(bold.at(24).getlength(topic)) + 40 if topic else 0
    left = _fit(card.date_text, regular.at(30), WIDTH - 2 * MARGIN - beside)
    _ink(image, FOOTER_AREA, [((MARGIN, middle), left, regular.at(30), "lm")], base.date)

    # Indices into the build's palette, so the card is saved as they are: no quantizer.
    # No text chunks: no time stamps.
    image.putpalette(base.palette)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=COMPRESS_LEVEL)
    return out.getvalue()


def _paste_logo(image: Image.Image, palette: _Palette, data: bytes, middle: int) -> int:
    """Scale the logo to the band's height (at most 360 px wide) and draw it on white with
    its own colours, added to the palette (as many as fit); returns its right edge."""
    with Image.open(io.BytesIO(data)) as raw:
        logo = raw.convert("RGBA")
    scale = min(56 / logo.height, 360 / logo.width)
    size = (max(1, round(logo.width * scale)), max(1, round(logo.height * scale)))
    logo = logo.resize(size, Image.Resampling.LANCZOS)
    patch = Image.new("RGB", size, WHITE)
    patch.paste(logo, (0, 0), logo)
    room = 256 - len(palette)
    if patch.getcolors(room) is None:  # more colours than fit: the nearest ones that do
        few = patch.quantize(room, Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE)
        patch = few.convert("RGB")
    colours: Iterable[RGB] = patch.get_flattened_data()  # type: ignore[assignment]
    indices = bytes(palette[colour] for colour in colours)
    image.paste(Image.frombytes("L", size, indices), (MARGIN, middle - size[1] // 2))
    return MARGIN + size[0]


def _fit_headline(title: str, font: _Typeface) -> tuple[int, list[str]]:
    width = WIDTH - 2 * MARGIN
    for size in HEADLINE_SIZES:
        lines = wrap(title, font.at(size).getlength, width)
        if len(lines) <= HEADLINE_LINES:
            return size, lines
    # Longer than fits even small: one more line, cut with an ellipsis rather than overflow.
    last = HEADLINE_LINES
    return size, [*lines[:last], _fit(" ".join(lines[last:]), font.at(size), width)]


def _fit(text: str, font: Any, width: int) -> str:
    """``text``, cut with an ellipsis where it would be wider than ``width``."""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text.rstrip() + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap(text: str, measure: Any, width: float) -> list[str]:
    """Lines no wider than ``width``, as few as possible, and as even as possible.

    Greedy wrapping fixes the number of lines; then the narrowest width that still gives that
    many lines is found, so a headline never ends in one lonely word (CSS text-wrap: balance).
    A line's width is the sum of its words' and spaces' widths: each word is measured once.
    """
    words: list[str] = []
    widths: list[float] = []
    for word in text.split():
        size = measure(word)
        pieces = [word] if size <= width else _split_long(word, measure, width)
        words.extend(pieces)
        widths.extend([size] if size <= width else [measure(p) for p in pieces])
    if not words:
        return [""]
    space = measure(" ")
    count = len(_greedy(widths, space, width))
    low, high = max(widths), width
    while high - low > 1:
        mid = (low + high) / 2
        if len(_greedy(widths, space, mid)) <= count:
            high = mid
        else:
            low = mid
    starts = _greedy(widths, space, high)
    ends = [*starts[1:], len(words)]
    return [" ".join(words[a:b]) for a, b in zip(starts, ends, strict=True)]


def _greedy(widths: list[float], space: float, width: float) -> list[int]:
    """The index of the first word of each line."""
    starts: list[int] = []
    line = 0.0
    for index, word in enumerate(widths):
        if starts and line + space + word <= width:
            line += space + word
        else:
            starts.append(index)
            line = word
    return starts


def _split_long(word: str, measure: Any, width: float) -> list[str]:
    """A word wider than a line (a long URL) is cut into pieces that fit."""
    pieces = []
    while measure(word) > width:
        cut = len(word) - 1
        while cut > 1 and measure(word[:cut]) > width:
            cut -= 1
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word]


# --- drawing in a fresh interpreter --------------------------------------------------------


def keep(cache: Path, key: str, data: bytes) -> None:
    """Put a card's bytes in the cache under its key, whole (atomic.py): nobody ever finds
    half a file under the final name, nor a temporary one left by a failed write."""
    write_file(cache / f"{key}.png", data)


def job(cards: Sequence[Card], cache: Path) -> bytes:
    """What ``main`` reads: the cards and the folder to keep them in, as JSON. The files the
    cards draw with (fonts, logo) are the build's own bytes, each sent once, so the drawn
    cards are exactly the ones asked for (their keys are hashes of those bytes)."""
    files: dict[bytes, int] = {}

    def ref(data: bytes | None) -> int | None:
        return None if data is None else files.setdefault(data, len(files))

    entries = [
        {
            "title": card.title,
            "date": card.date_text,
            "topic": card.topic,
            "company": card.company,
            "logo": ref(card.logo),
            "bold": ref(card.fonts.bold),
            "regular": ref(card.fonts.regular),
        }
        for card in cards
    ]
    encoded = [base64.b64encode(data).decode("ascii") for data in files]
    return json.dumps({"cache": str(cache), "files": encoded, "cards": entries}).encode()


def read_job(data: bytes) -> tuple[Path, list[Card]]:
    """The folder and the cards of a ``job``; cards drawn with the same fonts share one
    ``Fonts``, so that the part every card shares is drawn once (``_base``)."""
    parsed = json.loads(data)
    files = [base64.b64decode(text) for text in parsed["files"]]

    def file(index: int | None) -> bytes | None:
        return None if index is None else files[index]

    fonts: dict[tuple[int | None, int | None], Fonts] = {}
    cards = []
    for entry in parsed["cards"]:
        pair = (entry["bold"], entry["regular"])
        if pair not in fonts:
            fonts[pair] = Fonts(file(pair[0]), file(pair[1]))
        logo = file(entry["logo"])
        cards.append(
            Card(entry["title"], entry["date"], entry["topic"], entry["company"], logo, fonts[pair])
        )
    return Path(parsed["cache"]), cards


#: How much this process yields to the build (``os.nice``): it draws on a core the build
#: leaves idle, and takes little from the build's own processes (the pages' workers, the
#: check's) when they want both cores; a card it has not drawn when the build is done is
#: drawn at the build's end, beside Pagefind (share_images.py).
NICENESS = 10


def main(parent: int) -> int:
    """Draw the cards of the ``job`` on standard input into its folder, one after another;
    1 when any could not be drawn (its error on standard error), 0 when all were or when
    asked to stop (SIGTERM: after the card it draws, so no file is left half-renamed).

    Started by the build (share_images.py), which stops it when the build stops and draws
    itself whatever this process did not deliver.
    """
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda number, frame: stopping.append(number))
    # Ctrl-C reaches every process in the terminal's group: the build stops this one.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A build killed outright (SIGKILL) cannot stop it: it ends with the build.
    if not end_with(parent):
        return 1
    with contextlib.suppress(OSError):  # not allowed: it draws at the build's priority
        os.nice(NICENESS)
    cache, cards = read_job(sys.stdin.buffer.read())
    failed = 0
    for card in cards:
        if stopping:
            return 0
        try:
            keep(cache, card.key(), render(card))
        except Exception:  # the others are still drawn; the build draws this one again
            traceback.print_exc()
            failed += 1
    return 1 if failed else 0
