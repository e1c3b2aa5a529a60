"""Search: the ``/search/`` page, and a Pagefind index of the release pages once all is written.

Pagefind reads the finished HTML in the output folder, so it indexes exactly what the time
gate let through: an embargoed release is in a public build's index only from its instant
on (a preview, never deployed, indexes what it shows). Only elements marked
``data-pagefind-body`` are indexed, and only release pages carry that mark (article.html).
Every release is in one index (``--force-language``), so the language is a filter like the
topic and the year.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pelican import Pelican
from pelican.generators import Generator
from pelican.writers import Writer

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
        writer.write_file(
            PAGE_SAVE_AS,
            self.get_template("search"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            # Claim the address, so that a page taking it is an error (see disclosures.py).
            override_output=True,
        )


def get_generators(pelican: Pelican) -> type[Generator]:
    return SearchPageGenerator


def build_index(pelican: Pelican) -> None:
    """Pelican ``finalized``: index the written release pages into ``output/pagefind/``."""
    state = state_of(pelican.settings)
    output = Path(pelican.settings["OUTPUT_PATH"])
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(output),
        "--output-subdir",
        INDEX_FOLDER,
        "--force-language",
        state.settings.lang,
        "--silent",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SearchIndexError(f"Pagefind could not index {output}: {done.stderr.strip()}")
