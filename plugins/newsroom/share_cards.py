"""The share cards one build shows, copied into the output once the build is over
(share_images.py says which releases get one, and draws them ahead).

Apart from share_images.py, which loads Pelican: a forked build hands its ``Cards`` to the
process that forked it (``state.HANDED``), and unpickling them there would otherwise load
Pelican for a copy of a few hundred files (about 0.1 s of CPU in every build).
"""

from __future__ import annotations

import logging
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .card_drawing import Card, keep, render
from .imaging import whole
from .state import Beside

#: The share images' messages, from wherever their cards are copied.
logger = logging.getLogger(__name__.rpartition(".")[0] + ".share_images")


class Drawing(Protocol):
    """A process drawing cards ahead into the cache (share_images._Ahead)."""

    keys: frozenset[str]

    def wait(self) -> None: ...

    def stop(self) -> None: ...


@dataclass(frozen=True)
class Cards:
    """The cards one build writes, by their address in the site. It holds no release, so
    they can be copied once the build has let go of its objects (``write_share_images``)."""

    by_url: dict[str, Card]
    cache: Path

    def missing(self) -> dict[str, Card]:
        """The cards not in the cache, by key: a card left there empty or cut short (by a
        power cut or a full disk: nothing is synced, atomic.py) is drawn again and replaced,
        silently, like any damaged cache entry; the build's count of cards drawn has it."""
        cards = {card.key(): card for card in self.by_url.values()}
        return {k: c for k, c in cards.items() if not whole(self.cache / f"{k}.png")}

    def write(
        self, output: Path, ahead: Drawing | None = None, drawn_ahead: frozenset[str] = frozenset()
    ) -> Beside:
        """Copy each card into the output once the cache holds it: drawn by ``ahead`` if
        given (waited for), or here. Runs beside Pagefind (``state.Beside``).
        ``drawn_ahead``: the keys given to a process that drew ahead and was stopped before
        this call (``handed``), counted as drawn like those of ``ahead``."""
        missing = self.missing()
        drawn = {*missing, *(ahead.keys if ahead is not None else drawn_ahead)}
        if missing:
            self.cache.mkdir(parents=True, exist_ok=True)
        stopped = threading.Event()

        def finish() -> None:
            if ahead is not None:
                ahead.wait()
            for key, card in missing.items():
                if whole(self.cache / f"{key}.png"):  # delivered ahead
                    continue
                data = render(card)
                if stopped.is_set():  # the build stopped meanwhile: nothing more is kept
                    return
                keep(self.cache, key, data)
            if stopped.is_set():
                return
            for url, card in self.by_url.items():
                target = output / url
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.cache / f"{card.key()}.png", target)
            keys = {card.key() for card in self.by_url.values()}
            logger.info(
                "Share images: %d drawn, %d from the cache.", len(keys & drawn), len(keys - drawn)
            )

        def stop() -> None:
            stopped.set()
            if ahead is not None:
                ahead.stop()

        return Beside(finish, stop)

    def handed(self, output: Path, drawn_ahead: frozenset[str], cores: int) -> Beside:
        """``write`` in the process that forked the build (``state.Handed``), once the build's
        process has ended and stopped the process drawing ahead: what it left is drawn here,
        beside Pagefind, on a core the build's process would have left idle while it waited."""
        return self.write(output, drawn_ahead=drawn_ahead)
