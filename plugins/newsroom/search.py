"""Search: the ``/search/`` page, and a Pagefind index of the release pages once all is written.

Pagefind reads the finished HTML in the output folder, so it indexes exactly what the time
gate let through: an embargoed release is in a public build's index only from its instant
on (a preview, never deployed, indexes what it shows). Only elements marked
``data-pagefind-body`` are indexed, and only release pages carry that mark (article.html).
Pagefind writes one index per language, from the ``lang`` of each page's ``<html>``, and
stems each with its own language's rules (Prognosen finds Prognose on German pages). Each
language has its own search page (``/de/search/``); Pagefind's script loads the index of
the page's language, so a German reader searches the German releases.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pelican import Pelican
from pelican.generators import Generator
from pelican.writers import Writer

from .localized import write_each_language
from .state import state_of

PAGE_URL = "search/"
PAGE_SAVE_AS = "search/index.html"
INDEX_FOLDER = "pagefind"


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site: the build stops rather than ship a stale index."""


class SearchPageGenerator(Generator):
    """Writes ``search/index.html``; the results come from Pagefind in the browser."""

    def generate_context(self) -> None:
        state_of(self.settings)  # only in a newsroom build
        self.context.update(search_url=PAGE_URL)

    def generate_output(self, writer: Writer) -> None:
        # One page a language, each searching its own index.
        languages = state_of(self.settings).settings.languages
        write_each_language(self, writer, PAGE_SAVE_AS, "search", languages)


def get_generators(pelican: Pelican) -> type[Generator]:
    return SearchPageGenerator


def build_index(pelican: Pelican) -> None:
    """Pelican ``finalized``: index the written release pages into ``output/pagefind/``."""
    state_of(pelican.settings)  # only in a newsroom build
    output = Path(pelican.settings["OUTPUT_PATH"])
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(output),
        "--output-subdir",
        INDEX_FOLDER,
        "--silent",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SearchIndexError(f"Pagefind could not index {output}: {done.stderr.strip()}")
