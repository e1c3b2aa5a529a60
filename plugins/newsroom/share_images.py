"""Share images: the 1200×630 picture link previews show for a release without a lead image.

A release with an image is shared with that image. The newest releases without one (NEWSROOM
``share_cards``, 200 by default) get a card drawn with Pillow from the headline, the date, the
topic and the company's wordmark (or raster logo), in the theme's colours. Older ones share their
topic's card, drawn the same way with the topic's name as the headline, in the topic's folder.
Link previews print the title and summary beside the picture anyway, releases are shared
mostly in their first weeks, and a card for every release of a long history would be most of
the site's bytes: 15 KB each, 150 MB at 10,000 releases, against 40 KB for five topics.

Drawing is the slow part of a build, so each card is kept in a cache outside the output
(``.cache/share-images/`` beside the content folder, so in the repository's root), named
after a hash of everything that is drawn, and drawn again only when one of those inputs
changes. Deleting the cache is always safe. The cache is only ever read from and written to
for the releases the time gate made public, and a topic's card is written only while a public
release shows it.

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

import hashlib
import io
import itertools
import json
import logging
import math
import mimetypes
import multiprocessing as mp
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import Any

import PIL
from pelican import Pelican
from PIL import Image, ImageDraw, ImageFont

from .cache import own_folder
from .models import Company, Release
from .state import Beside, run_later, state_of

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
#: Part of every cache key: change it whenever the drawing below changes.
TEMPLATE_VERSION = "masthead-share-card-5"
#: Debian's fonts-dejavu-core (tools/system-packages.txt); Pillow's own font otherwise.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
CACHE_FOLDER = Path(".cache") / "share-images"
#: A company logo in one of these formats is drawn; any other (SVG) becomes a wordmark.
RASTER_LOGOS = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif"})
_STATE = "NEWSROOM_SHARE_IMAGES"

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
class ShareImage:
    """What a link preview shows for one release; ``url`` is a path inside the site."""

    url: str
    width: int
    height: int
    alt: str
    card: Card | None = None  # set when the site draws the image

    @property
    def media_type(self) -> str:
        """For og:image:type: a drawn card is always PNG; a lead image's is its ending's."""
        return mimetypes.guess_type(self.url)[0] or "application/octet-stream"


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


def card_for(release: Release, company: Company, logo: bytes | None, fonts: Fonts) -> Card:
    return Card(release.title, release.day_text, release.topic_name, company.name, logo, fonts)


def topic_card_for(release: Release, company: Company, logo: bytes | None, fonts: Fonts) -> Card:
    """The card a topic's older releases share: the topic's name (in the release's language)
    where a headline would be, the company's legal name in the footer."""
    return Card(release.topic_name, company.legal_name, "", company.name, logo, fonts)


def image_path(folder: str, card: Card) -> str:
    """In ``folder`` (the release's page, or its topic's); the hash in the name makes link
    previews fetch it anew when the card changes (networks cache images by address)."""
    return f"{folder}share-{card.key()[:16]}.png"


class ShareImages:
    """One build's share images: which picture each release shows, and the cache of cards.

    ``shown`` gives the build's releases newest first (called once, on the first question,
    when the time gate has made the list final); ``topic_url`` gives a topic's folder.
    """

    def __init__(
        self,
        company: Company,
        content: Path,
        cache: Path,
        fonts: Fonts,
        shown: Callable[[], Sequence[Release]],
        topic_url: Callable[[str], str],
        own_cards: int,
    ) -> None:
        self.company = company
        self.cache = cache
        self.fonts = fonts
        self.logo = _logo_bytes(company, content)
        self._shown = shown
        self._topic_url = topic_url
        self._own_cards = own_cards
        self._newest: frozenset[str] | None = None
        # The pages, the API and the writer all ask, 5 times a release: each is worked out
        # once. By source, its file (one release each in a build): a Release hashes every
        # field, its body too, and a copy cut to the build instant (Release.at) shows the
        # same picture.
        self._known: dict[str, ShareImage] = {}

    def for_release(self, release: Release) -> ShareImage:
        known = self._known.get(release.source)
        if known is None:
            known = self._known[release.source] = self._image(release)
        return known

    def has_own_card(self, release: Release) -> bool:
        """Whether the release is among the newest ``share_cards`` without a lead image."""
        if self._newest is None:
            pictureless = (r.source for r in self._shown() if r.image is None)
            self._newest = frozenset(itertools.islice(pictureless, self._own_cards))
        return release.source in self._newest

    def _image(self, release: Release) -> ShareImage:
        if release.image is not None:
            lead = release.image  # its size was read when the release was checked
            return ShareImage(lead.url, lead.width, lead.height, lead.alt)
        if self.has_own_card(release):
            card = card_for(release, self.company, self.logo, self.fonts)
            alt = f"{self.company.name} Newsroom: {release.title}"
            return ShareImage(image_path(release.url, card), WIDTH, HEIGHT, alt, card)
        card = topic_card_for(release, self.company, self.logo, self.fonts)
        alt = f"{self.company.name} Newsroom: {release.topic_name}"
        folder = self._topic_url(release.topic.key)
        return ShareImage(image_path(folder, card), WIDTH, HEIGHT, alt, card)

    def cards(self, releases: Sequence[Release]) -> Cards:
        """The cards these releases show, by address; a topic's card once."""
        images = map(self.for_release, releases)
        return Cards({i.url: i.card for i in images if i.card is not None}, self.cache)


@dataclass(frozen=True)
class Cards:
    """The cards one build writes, by their address in the site. It holds no release, so
    they can be drawn once the build has let go of its objects (``write_share_images``)."""

    by_url: dict[str, Card]
    cache: Path

    def write(self, output: Path) -> Beside:
        """Copy each card into the output, drawing only those not in the cache.

        The workers are forked now; the drawing goes on beside Pagefind (``state.Beside``).
        """
        cards = {card.key(): card for card in self.by_url.values()}
        missing = [c for k, c in cards.items() if not (self.cache / f"{k}.png").is_file()]
        if missing:
            self.cache.mkdir(parents=True, exist_ok=True)
        drawing = _Drawing(missing)

        def finish() -> None:
            for key, data in drawing:
                cached = self.cache / f"{key}.png"
                partial = cached.with_suffix(f".{os.getpid()}.tmp")
                partial.write_bytes(data)
                os.replace(partial, cached)  # never a half-written file under the final name
            if drawing.stopped:  # the build stopped meanwhile
                return
            for url, card in self.by_url.items():
                target = output / url
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.cache / f"{card.key()}.png", target)
            logger.info(
                "Share images: %d drawn, %d from the cache.",
                len(missing),
                len(cards) - len(missing),
            )

        return Beside(finish, drawing.stop)


# Cards waiting to be drawn by forked workers, which inherit this list instead of receiving
# each card (with its font files) through a pipe. Set and cleared by _Drawing only.
_PENDING: list[Card] = []
PARALLEL_FROM = 32


def _render_at(index: int) -> tuple[str, bytes]:
    card = _PENDING[index]
    return card.key(), render(card)


class _Drawing:
    """Cards being drawn: on every core when there are many (a cold cache in CI draws them
    all), one after the other when there are few. Iterate for each card's key and bytes."""

    def __init__(self, cards: list[Card]) -> None:
        self.cards = cards
        self.pool: Any = None
        self.stopped = False
        cores = os.cpu_count() or 1
        if len(cards) < PARALLEL_FROM or cores < 2 or "fork" not in mp.get_all_start_methods():
            return
        _PENDING[:] = cards
        self.pool = mp.get_context("fork").Pool(cores)

    def __iter__(self) -> Iterator[tuple[str, bytes]]:
        if self.pool is None:
            for card in self.cards:
                if self.stopped:
                    return
                yield card.key(), render(card)
            return
        # One card at a time (chunks would hide the iterator that can wait with a timeout),
        # asked again and again: a stopped pool never answers, and this thread would wait
        # for ever.
        results = self.pool.imap(_render_at, range(len(self.cards)))
        while not self.stopped:
            try:
                found = results.next(timeout=0.1)
            except mp.TimeoutError:
                continue
            except StopIteration:
                break
            yield found
        if not self.stopped:  # else ``stop`` ends the workers
            self.pool.close()
            self.pool.join()

    def stop(self) -> None:
        """End the workers, done or not (a build that stops leaves none running)."""
        self.stopped = True
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
        _PENDING.clear()


def _logo_bytes(company: Company, content: Path) -> bytes | None:
    """A raster logo is drawn as it is; Pillow cannot draw SVG, so those become a wordmark."""
    if company.logo is None or Path(company.logo).suffix.lower() not in RASTER_LOGOS:
        return None
    return (content / company.logo).read_bytes()


def of_build(settings: dict[str, Any]) -> ShareImages:
    """The build's ShareImages, made on first use (fonts and logo are read once per build).

    Kept beside the build's state, and made anew whenever that state is: a settings dict
    reused for a second build never sees the first build's company or logo.
    """
    state = state_of(settings)
    made = settings.get(_STATE)
    if made is None or made[0] is not state:
        assert state.newsroom.site is not None
        content = Path(settings["PATH"]).resolve()
        images = ShareImages(
            state.newsroom.site.company,
            content,
            own_folder(content.parent, CACHE_FOLDER),
            Fonts.load(),
            lambda: state.shown,
            # The topic page's folder, as Pelican names it (the reader sets slug = key).
            lambda key: str(settings["CATEGORY_URL"]).format(slug=key),
            state.settings.share_cards,
        )
        made = settings[_STATE] = (state, images)
    return made[1]


def write_share_images(pelican: Pelican) -> None:
    """After all pages are written: the cards of the releases they show.

    Drawn once Pelican's objects are freed (``state.run_later``): the workers that draw them
    are forked from the build process, and each makes its own copy of what it touches.
    """
    cards = of_build(pelican.settings).cards(state_of(pelican.settings).shown)
    output = Path(pelican.settings["OUTPUT_PATH"])
    run_later(pelican.settings, partial(cards.write, output))


# --- drawing ---------------------------------------------------------------------------------


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
