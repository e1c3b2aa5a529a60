"""Share images: the 1200×630 picture link previews show for a release without a lead image.

A release with an image is shared with that image. The newest releases without one (NEWSROOM
``share_cards``, 200 by default) get a card drawn with Pillow from the headline, the date, the
topic and the company's wordmark (or raster logo), in the theme's colours (card_drawing.py).
Older ones share their topic's card, drawn the same way with the topic's name as the
headline, in the topic's folder. Link previews print the title and summary beside the
picture anyway, releases are shared mostly in their first weeks, and a card for every release
of a long history would be most of the site's bytes: 15 KB each, 150 MB at 10,000 releases,
against 40 KB for five topics.

Drawing is the slow part of a build, so each card is kept in a cache outside the output
(``.cache/share-images/`` beside the content folder, so in the repository's root), named
after a hash of everything that is drawn, and drawn again only when one of those inputs
changes. Deleting the cache is always safe. The cache is only ever read from and written to
for the releases the time gate made public, and a topic's card is written only while a public
release shows it.

Which cards a build shows is known as soon as the time gate has run, long before Pelican is
done. When many are not in the cache (a cold cache: about 200 cards, 2 s of CPU), a fresh
interpreter that loads only Pillow and card_drawing.py (``_Ahead``) draws them from then on
into the cache, at a lower priority than the build (card_drawing.NICENESS): it takes the
core Pelican leaves idle while it builds its lists (``draw_ahead``), and what the build's
own processes leave of the cores after that; the pages never wait for it. In a large build
it ends before Pelican writes anything, done or stopped (``stop_ahead``): the build's peak of
memory is then, and that process's 21 MiB never add to it. At the end of the build
(``Cards.write``) any card that process did not deliver is drawn beside Pagefind, and the
cards are copied into the output: by the process that forked the build when it was forked
(``state.HANDED``: the build's own process, which ends first, stops the drawing process at
its end), else by the build, which waits for that process first. Not
forked: a forked process keeps a private copy of every page of memory the build writes
after the fork (the peak at 10,000 releases went from 382 to 492 MB when it was). A few
cards (a rebuild after an edit) are drawn at the end of the build: starting an
interpreter costs more than they do. A build that stops stops that process too
(``state.AHEAD``).
"""

from __future__ import annotations

import itertools
import logging
import mimetypes
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.generators import ArticlesGenerator

from . import card_drawing
from .cache import own_folder
from .card_drawing import HEIGHT, WIDTH, Card, Fonts
from .models import Company, Release
from .share_cards import Cards
from .state import AHEAD, HANDED, hand_later, run_later, state_of

logger = logging.getLogger(__name__)

CACHE_FOLDER = Path(".cache") / "share-images"
#: A company logo in one of these formats is drawn; any other (SVG) becomes a wordmark.
RASTER_LOGOS = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif"})
_STATE = "NEWSROOM_SHARE_IMAGES"
#: From this many releases shown, the process drawing cards ahead ends before Pelican writes
#: (``stop_ahead``): such a build's peak of memory, while it writes, comes near the 400 MiB
#: the project holds itself to at 10,000 releases (about 25 KB a release). A smaller build
#: lets it draw beside the writing, which starts soon after the gate.
ENDS_BEFORE_WRITING_FROM = 5000
#: From this many cards to draw, a process draws them ahead (``_Ahead``); fewer are drawn
#: by the build at its end: an interpreter takes 0.1 to 0.2 s to start, 15 cards' worth.
PARALLEL_FROM = 32


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
        #: The process drawing this build's cards ahead, if one was started (draw_ahead), and
        #: whether it ends before Pelican writes (stop_ahead) or draws on beside the writing.
        self.ahead: _Ahead | None = None
        self.ahead_ends = False
        # The pages, the API and the writer all ask, 5 times a release: each is worked out
        # once. By source, its file (one release each in a build): a Release hashes every
        # field, its body too, and a copy cut to the build instant (Release.at) shows the
        # same picture.
        self._known: dict[str, ShareImage] = {}
        #: A topic's card, by the topic and its name in a release's language: the older
        #: releases of a topic (most of a large newsroom's) share one card and one key.
        self._topic_images: dict[tuple[str, str], ShareImage] = {}

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
        topic = (release.topic.key, release.topic_name)
        known = self._topic_images.get(topic)
        if known is None:
            card = topic_card_for(release, self.company, self.logo, self.fonts)
            alt = f"{self.company.name} Newsroom: {release.topic_name}"
            folder = self._topic_url(release.topic.key)
            known = ShareImage(image_path(folder, card), WIDTH, HEIGHT, alt, card)
            self._topic_images[topic] = known
        return known

    def cards(self, releases: Sequence[Release]) -> Cards:
        """The cards these releases show, by address; a topic's card once."""
        images = map(self.for_release, releases)
        return Cards({i.url: i.card for i in images if i.card is not None}, self.cache)


#: Seconds the drawing process has to end once asked (SIGTERM) before it is killed.
STOP_WITHIN = 5
#: Run by the drawing process: the package's folder on the path, then card_drawing.main.
_MAIN = (
    "import importlib, sys; sys.path.insert(0, sys.argv[1]); "
    "sys.exit(importlib.import_module(sys.argv[2]).main(int(sys.argv[3])))"
)


class _Ahead:
    """Cards being drawn into the cache by a fresh interpreter (``card_drawing.main``), which
    loads Pillow and nothing of the build: it starts in about 0.1 s, holds about 30 MB, and
    shares no memory with the build that the build could make it copy."""

    def __init__(self, cards: Sequence[Card], cache: Path) -> None:
        self.keys = frozenset(card.key() for card in cards)
        self.stopped = False
        self._lock = threading.Lock()
        # The folder the package was imported from, so the process runs the same code; -P:
        # the working folder (the repository) is not put on the module path.
        root = Path(card_drawing.__file__).parents[card_drawing.__name__.count(".")]
        command = [sys.executable, "-P", "-c", _MAIN, str(root), card_drawing.__name__]
        # Unnamed temporary files, gone with the last process that holds them: the job is
        # read at the process's own pace (a pipe would hold the build until it starts).
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by _close)
        try:
            with tempfile.TemporaryFile() as job:
                job.write(card_drawing.job(cards, cache))
                job.seek(0)
                self.process = subprocess.Popen(
                    [*command, str(os.getpid())],
                    stdin=job,
                    stdout=subprocess.DEVNULL,
                    stderr=self._errors,
                )
        except BaseException:
            self._errors.close()
            raise

    @classmethod
    def start(cls, cards: Sequence[Card], cache: Path) -> _Ahead | None:
        """The process drawing ``cards``; None when none can be started (the build draws)."""
        try:
            return cls(cards, cache)
        except OSError as err:
            logger.info("Share images: no process could draw them ahead (%s).", err)
            return None

    def wait(self) -> None:
        """Until the process ends. What it did not deliver is drawn by the build, so a
        failure here costs time, never a card; it is told once, with its last words."""
        self._report(self.process.wait())

    def stop(self) -> None:
        """End the process, done or not, and wait for it: a build that stops leaves none.
        Asked first, so that it ends after the card it draws (a few milliseconds)."""
        if self.process.poll() is None:
            self.stopped = True
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_WITHIN)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._report(self.process.wait())

    def _report(self, status: int) -> None:
        """Tell of a process that failed by itself (not one stopped here), once."""
        errors = self._close()
        if errors is None or status == 0 or self.stopped:
            return
        last = errors.strip().splitlines()[-1:] or ["no message"]
        logger.warning(
            "Share images: the process drawing them ahead stopped (exit status %d: %s); "
            "the build draws the cards it left.",
            status,
            last[0],
        )

    def _close(self) -> str | None:
        """What the process wrote on its standard error; None once the file is closed."""
        with self._lock:
            if self._errors.closed:
                return None
            self._errors.seek(0)
            text = self._errors.read().decode("utf-8", "replace")
            self._errors.close()
            return text


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


def draw_ahead(generator: ArticlesGenerator) -> None:
    """Right after the time gate (which makes ``state.shown`` final): start drawing the
    cards the build will show, when many are missing from the cache (see the module's note).

    Only in a build that stops what it starts ahead (``state.AHEAD``: ``commands``).
    """
    stops = generator.settings.get(AHEAD)
    if stops is None:
        return
    images = of_build(generator.settings)
    missing = images.cards(state_of(generator.settings).shown).missing()
    if len(missing) < PARALLEL_FROM:
        return
    images.cache.mkdir(parents=True, exist_ok=True)
    images.ahead = _Ahead.start(list(missing.values()), images.cache)
    if images.ahead is not None:
        stops.append(images.ahead.stop)
        images.ahead_ends = len(state_of(generator.settings).shown) >= ENDS_BEFORE_WRITING_FROM


def stop_ahead(generators: Sequence[Any]) -> None:
    """Before Pelican writes anything, in a large build: the process drawing cards ahead
    ends, done or asked to stop after the card it draws; the cards it left are drawn at the
    build's end, beside Pagefind (``write_share_images``).

    Pelican writes with forked workers, and a large build's process reaches its own peak of
    memory then: that process's 21 MiB must not add to it, however busy the machine
    (drawing beside the writing, it did once: 399.6 MiB against 381.8 at 10,000 releases).
    It is usually done about then (2.3 s after the time gate at 10,000 releases).
    """
    if not generators:
        return
    images = of_build(generators[0].settings)  # every generator shares the settings
    if images.ahead is not None and images.ahead_ends:
        images.ahead.stop()


def write_share_images(pelican: Pelican) -> None:
    """After all pages are written: the cards of the releases they show.

    Copied once Pelican's objects are freed (``state.run_later``), when the process that
    draws them ahead is done (or drawn then, when there are few). A forked build hands the
    copying to the process that forked it (``state.hand_later``), which draws what the
    process ahead left beside Pagefind: the build's process stops that one as it ends
    (``state.AHEAD``), instead of waiting for it while the other core idles.
    """
    images = of_build(pelican.settings)
    cards = images.cards(state_of(pelican.settings).shown)
    output = Path(pelican.settings["OUTPUT_PATH"])
    if pelican.settings.get(HANDED) is None:
        run_later(pelican.settings, partial(cards.write, output, images.ahead))
        return
    drawn_ahead = images.ahead.keys if images.ahead is not None else frozenset()
    hand_later(pelican.settings, partial(cards.handed, output, drawn_ahead))
