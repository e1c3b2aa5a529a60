"""The ``/search/`` page, and the hook that leaves the search index for once all is written.

The index itself (search.py) loads without Pelican: the process that forked an ``invoke
build`` runs it once the build's child has ended, and unpickling the work handed to it
would otherwise load Pelican there too (about 0.1 s of CPU in every build).
"""

from __future__ import annotations

from pathlib import Path

from pelican import Pelican
from pelican.generators import Generator
from pelican.writers import Writer

from .cache import own_folder
from .localized import write_each_language
from .pagerecord import Plan
from .search import CACHE_FOLDER, Bundles, Indexing, bundles, parts
from .state import PAGES, PARTS, hand_later, state_of

PAGE_URL = "search/"
PAGE_SAVE_AS = "search/index.html"


class SearchPageGenerator(Generator):
    """Writes ``search/index.html``; the results come from Pagefind in the browser."""

    def generate_context(self) -> None:
        state_of(self.settings)  # only in a newsroom build
        self.context.update(search_url=PAGE_URL)

    def generate_output(self, writer: Writer) -> None:
        # One page a language, each merging the parts of its own language's index.
        state = state_of(self.settings)
        languages = state.settings.languages
        cut = parts(state.shown, state.settings.search_part_size)
        found = {lang: bundles(cut, lang) for lang in languages}
        write_each_language(self, writer, PAGE_SAVE_AS, "search", languages, search_bundles=found)


def get_generators(pelican: Pelican) -> type[Generator]:
    return SearchPageGenerator


def build_index(pelican: Pelican) -> None:
    """Pelican ``finalized``: index the written release pages into ``output/pagefind/``.

    Pagefind reads only the written files, so it runs once Pelican's objects are gone:
    ``invoke build`` runs it in the process that forked the build (``state.HANDED``), two
    parts at a time (``MOST_AT_ONCE``), once the child that ran Pelican has ended. Other
    builds run it in their own process once Pelican's objects are freed, one part at a time
    beside the drawing of share cards (``state.Beside``): the build's process still holds
    the memory Python kept, and a second Pagefind would come on top of it.
    """
    state = state_of(pelican.settings)
    content = Path(pelican.settings["PATH"]).resolve()
    plan = pelican.settings.get(PAGES)
    indexing = Indexing(
        Path(pelican.settings["OUTPUT_PATH"]),
        parts(state.shown, state.settings.search_part_size),
        Bundles(own_folder(content.parent, CACHE_FOLDER)),
        # The very entries the build's record of its pages holds: handed on with the
        # record in one message (forked.run), the statuses the key finds are recorded.
        plan.pages if isinstance(plan, Plan) else None,
        pelican.settings.get(PARTS) or {},
    )
    hand_later(pelican.settings, indexing)
