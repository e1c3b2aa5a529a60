"""How long an author waits for an edit: from saving one release until the open browser
shows the new text, through the real development server (``invoke serve``, the one
``python3 bootstrap.py serve`` runs) and a real Chromium.

The server runs in a repository of its own (``tools.harness.repository``) holding the
generated releases; Chromium (driven by Playwright) opens one release's page and waits
until the page's live-reload stream is connected. Then a paragraph is added to the end of
that release's file, saved in one step as editors do, and the clock runs until the new
paragraph is on the screen: the server noticing the change, its debounce, the rebuild, the
reload event and the browser loading and drawing the page. An edit to a release's text is
shown by re-rendering that release's page alone ("Showed the edit in X s"), and the full
rebuild follows in the background; the next edit stops it, as it would for an author.
"""

from __future__ import annotations

import os
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

from tools.harness import CHROMIUM, CHROMIUM_ARGS, dev_server

#: Marks the page ready once the live-reload script's own stream said hello: from then
#: on the server has the page on its list and sends it the reload. The mark is an attribute
#: that a locator waits for: a predicate given as a string would need eval, which the page's
#: Content-Security-Policy forbids.
WATCH_HELLO = """
(() => {
  const Original = window.EventSource;
  window.EventSource = class extends Original {
    constructor(...args) {
      super(...args);
      this.addEventListener("hello", () => {
        document.documentElement.setAttribute("data-masthead-listening", "");
      });
    }
  };
})();
"""
LISTENING = "html[data-masthead-listening]"
#: The server's own figure: the quick render of the edited page, or a full rebuild.
SERVER_LINE = re.compile(r"(Showed the edit|Rebuilt) in ([0-9.]+) s")


@dataclass(frozen=True)
class EditRound:
    shown: float  # seconds from the save until the new text was on the screen
    rebuilt: float  # the server's own figure ("Showed the edit in X s", or "Rebuilt in X s")
    quick: bool  # shown by re-rendering the edited page alone (else by a full rebuild)


@dataclass(frozen=True)
class EditResult:
    rounds: tuple[EditRound, ...]
    first_build: float  # seconds from starting invoke serve until it served

    @property
    def shown(self) -> float:
        return statistics.median(r.shown for r in self.rounds)

    @property
    def rebuilt(self) -> float:
        return statistics.median(r.rebuilt for r in self.rounds)


def append_paragraph(path: Path, paragraph: str, staging: Path) -> None:
    """Add ``paragraph`` to the end of a release's body, saved in one step as editors do
    (written beside the content, then renamed over the file)."""
    text = path.read_text("utf-8").rstrip("\n")
    staging.write_text(f"{text}\n\n{paragraph}\n", "utf-8")
    os.replace(staging, path)


class EditFailed(Exception):
    """The edit did not reach the browser; the message says how far it got."""


def measure_edits(
    repo: Path, release: Path, page_path: str, rounds: int, timeout: float
) -> EditResult:
    """Start ``invoke serve`` in ``repo``, open ``page_path`` and edit ``release`` ``rounds``
    times; each round waits for the previous edit to be on the screen."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    staging = repo / ".saving.md"
    started = perf_counter()
    with dev_server(repo, timeout=timeout) as server, sync_playwright() as playwright:
        first_build = perf_counter() - started
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.add_init_script(WATCH_HELLO)
            page = context.new_page()
            page.goto(server.url + page_path)
            results = []
            for number in range(1, rounds + 1):
                page.locator(LISTENING).wait_for(state="attached", timeout=30_000)
                marker = f"Benchmark edit number {number} of {rounds}, saved by the author."
                lines_before = len(server.lines)
                saved = perf_counter()
                append_paragraph(release, marker, staging)
                try:
                    page.get_by_text(marker).first.wait_for(timeout=timeout * 1000)
                except PlaywrightError as err:
                    console = "".join(server.lines[lines_before:])
                    raise EditFailed(f"edit {number} was not shown: {err}\n{console}") from None
                shown = perf_counter() - saved
                # What the server printed by the time the edit was on the screen: the quick
                # render if there was one (the previous edit's background rebuild may have
                # finished meanwhile), else the full rebuild that showed it.
                said = [m for line in server.lines[lines_before:] if (m := SERVER_LINE.match(line))]
                quick = [m for m in said if m[1] == "Showed the edit"]
                found = (quick or said or [None])[-1]
                if found is None:
                    raise EditFailed(f"edit {number}: the server printed no time of its own")
                results.append(EditRound(shown, float(found[2]), found[1] == "Showed the edit"))
        finally:
            browser.close()
    return EditResult(tuple(results), first_build)


def describe(result: EditResult, count: int) -> Sequence[str]:
    """The lines the benchmark prints for the edit rounds."""
    each = ", ".join(f"{r.shown:.2f}" for r in result.rounds)
    quick = sum(r.quick for r in result.rounds)
    return [
        f"dev server at N = {count}: first build and serve {result.first_build:.1f} s; "
        f"saved edit shown in the browser after {result.shown:.2f} s "
        f"(median of {len(result.rounds)}: {each} s), of which the server's own work "
        f"{result.rebuilt:.2f} s ({quick} of {len(result.rounds)} by re-rendering the "
        f"edited page, then a full rebuild in the background)"
    ]
