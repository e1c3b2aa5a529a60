"""The state of one build: its settings, the checked content and what is public.

Every output module reads it through ``state_of``; it lives on that build's Pelican settings
dict, so two builds in one process (as in the tests) never share anything. It imports no
output and no Pelican glue, so any output may import it without reaching up.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import withheld
from .i18n import Catalogs
from .models import Release
from .settings import NewsroomSettings

if TYPE_CHECKING:  # the check's modules load only when something checks (commands.check)
    from .content import Newsroom

STATE = "NEWSROOM_STATE"
CHECKED = "NEWSROOM_CHECKED"
#: When each release was first served, by path: the go-live log as commands.build read it.
SERVED = "NEWSROOM_SERVED"
#: The instant a build was asked for, which ``build.json`` names; NEWSROOM_AS_OF is then
#: the instant the site is built as of, the start of its window (schedule.Window).
BUILT_AT = "NEWSROOM_BUILT_AT"
#: Work a ``finalized`` handler leaves for after Pelican's run, when it needs nothing Pelican
#: holds: a list that ``commands`` puts here and runs once Pelican's objects are freed, so
#: that the memory this work takes never adds to theirs. Without it the work runs at once.
#: Each item is a ``Later``: it runs in order, or hands back work that goes on ``Beside``.
LATER = "NEWSROOM_LATER"
#: What stops each process a build starts while Pelican runs, for late work to wait for (the
#: share cards, drawn from the moment the time gate has run: share_images.py): a list that
#: ``commands`` puts here and runs when the build ends, done or stopped (``Late``), so that
#: none outlives the build. Without it nothing is started ahead: nobody would stop it.
AHEAD = "NEWSROOM_AHEAD"
#: Late work that needs only the written files and plain data, so that another process may
#: run it: a picklable call that takes how many cores it may use and hands back a ``Beside``
#: (the search index: search.py; the share cards: share_images.py). ``invoke build`` forks
#: the build and puts a list here; the build's process hands the list to the one that forked
#: it, which runs the work once the build's memory is gone with the child (commands.py).
#: Without it the work is late work like the rest (``LATER``), the search index on one core
#: beside the share cards.
HANDED = "NEWSROOM_HANDED"
#: The pages' record of the last ``invoke build`` and this build's (pagerecord.Plan): only
#: ``commands.build_in`` puts one here; without it every page is rendered.
PAGES = "NEWSROOM_PAGES"
#: The search index's parts the last ``invoke build`` left in the output, by folder, as it
#: recorded them (search.Indexing.record): only ``commands.build_in`` puts them here, and
#: the emptying of the output then leaves those folders whole, for the search index to keep
#: the ones found as recorded (search.py). Without it every part is restored or indexed.
PARTS = "NEWSROOM_SEARCH_PARTS"
#: How many processes make a build's per-release files (``parallel.workers_for``): the
#: release pages (rendering.py) and the API's records (api.py). None, the default, means
#: one per core once there are enough files; tests set 1 or 2.
WORKERS = "NEWSROOM_RENDER_WORKERS"


@dataclass
class BuildState:
    """What one build knows: its settings, the checked content, and what is public."""

    settings: NewsroomSettings
    newsroom: Newsroom
    root: Path
    catalogs: Catalogs
    #: Every release readers can see at the build instant, in every language, newest first:
    #: the one list the record, the API, sitemaps and a deployed site's feeds are made from.
    public: list[Release] = field(default_factory=list)
    #: Data entries and media that only releases not yet public use (withheld.py).
    withheld: withheld.Withheld = field(default_factory=withheld.Withheld)
    #: Only in a preview (invoke preview, never deployed): the embargoed releases and drafts
    #: it also shows. Kept apart, so that no output can take one of them for a public release.
    preview_only: list[Release] = field(default_factory=list)
    #: Releases that went live and were withdrawn by the build instant, newest first: each
    #: gets a notice page, a feed tombstone and its entry in the record, and nothing else.
    withdrawn: list[Release] = field(default_factory=list)
    #: Fingerprints worked out so far, by source (a release's file: one release each).
    _fingerprints: dict[str, str] = field(default_factory=dict, repr=False)

    def fingerprint(self, release: Release) -> str:
        """``content_hash`` of the release as published at the build instant, worked out once
        a build: the record and the API both show it, and it hashes the body and every file.

        Ask for it in the build process: what a forked worker works out is lost with it
        (api.py and the record make theirs there).
        """
        known = self._fingerprints.get(release.source)
        if known is None:
            known = self.newsroom.fingerprints.content_hash(release, self.settings.as_of)
            self._fingerprints[release.source] = known
        return known

    @property
    def shown(self) -> list[Release]:
        """The releases this build writes pages for (public ones, and a preview's), newest first."""
        return sorted(
            [*self.public, *self.preview_only], key=lambda r: (r.date, r.source), reverse=True
        )


def state_of(settings: dict[str, Any]) -> BuildState:
    """The state of the build these Pelican settings belong to (set by ``plugin.initialized``)."""
    return settings[STATE]


class Beside:
    """Late work that goes on in a thread of its own, beside the rest of the late work.

    The thread waits on a child process (Pagefind) or draws the share cards still missing
    (share_images.py), so they share the cores: Pagefind keeps about one core busy, the
    cards take the other.
    ``stop`` ends the work and its child processes, finished or not, and waits for them.
    """

    def __init__(self, work: Callable[[], None], stop: Callable[[], None]) -> None:
        self._work = work
        self._stop = stop
        self.error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def start(self, finished: queue.SimpleQueue[Beside]) -> None:
        """Run the work in its thread; put this object on ``finished`` when it ends."""

        def run() -> None:
            try:
                self._work()
            except BaseException as err:  # handed to the main thread, which raises it
                self.error = err
            finally:
                finished.put(self)

        self._thread = threading.Thread(target=run, name="newsroom-later", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop()
        if self._thread is not None:
            self._thread.join()


#: What a ``finalized`` handler leaves for later: work that runs when called (returning
#: None), or that gets ready when called (forking its workers) and hands back the rest.
Later = Callable[[], Beside | None]


def run_all(works: Sequence[Later]) -> None:
    """Run late work: each in order, and what each hands back side by side; raise the first
    failure, once everything still going on is stopped.

    Every work is called before any ``Beside`` starts, so a work that forks does so before
    these threads run: a fork copies only the thread that calls it, and a lock another
    thread held at that moment would stay locked in the child for ever.
    """
    besides: list[Beside] = []
    finished: queue.SimpleQueue[Beside] = queue.SimpleQueue()
    try:
        for work in works:
            started = work()
            if started is not None:
                besides.append(started)
        for beside in besides:
            beside.start(finished)
        for _ in besides:
            done = finished.get()
            if done.error is not None:
                raise done.error
    finally:
        for beside in besides:
            beside.stop()


#: Late work another process may run (``HANDED``): called with the cores it may use.
Handed = Callable[[int], Beside]


def hand_later(settings: dict[str, Any], work: Handed) -> None:
    """Leave ``work`` for the process that forked the build (``HANDED``), or for after
    Pelican's run on one core (``run_later``) when the build was not forked."""
    handed = settings.get(HANDED)
    if handed is None:
        run_later(settings, partial(work, 1))
    else:
        handed.append(work)


def run_later(settings: dict[str, Any], work: Later) -> None:
    """Leave ``work`` for after Pelican's run (``LATER``), or do it now when nobody will."""
    pending = settings.get(LATER)
    if pending is None:
        run_all([work])
    else:
        pending.append(work)


@dataclass
class Late:
    """What one Pelican run leaves for after it: the work (``LATER``), what stops the
    processes started ahead for that work (``AHEAD``), and the work handed to the process
    that forked the build (``HANDED``)."""

    works: list[Later] = field(default_factory=list)
    ahead: list[Callable[[], None]] = field(default_factory=list)
    handed: list[Handed] = field(default_factory=list)

    def run(self) -> None:
        """Run the work (``run_all``); then no process started ahead is left, whatever happened."""
        try:
            run_all(self.works)
        finally:
            self.stop()

    def stop(self) -> None:
        """End the processes started ahead (the build stopped, or they are done with)."""
        for stop in self.ahead:
            stop()
