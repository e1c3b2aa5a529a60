"""The deferred writer (rendering.Writer) leaves the files Pelican's own writer leaves.

Each case asks for pages and writes files by other means around them, in one order; the
output folder must end byte for byte as with Pelican's writer, which renders and writes each
page at once. The deferred writer makes a page's file only when it renders it, so the cases
are the ones where that could matter: a file there before the page is asked for, one written
after, a page written twice.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment
from pelican.writers import Writer as PelicanWriter

from newsroom.rendering import Writer
from newsroom.state import WORKERS

TEMPLATE = Environment().from_string("{{ text }}")
Step = Callable[[PelicanWriter, Path], None]
SETTINGS: dict[str, Any] = {"PAGINATED_TEMPLATES": {}}


def page(name: str, text: str, single: bool = True, override: bool = False) -> Step:
    """Pelican asks for a page (one release's when ``single``: rendered by a worker)."""

    def step(writer: PelicanWriter, out: Path) -> None:
        own = {"article": text} if single else {"articles": [text]}
        writer.write_file(name, TEMPLATE, {"text": text}, override_output=override, **own)

    return step


def other(name: str, text: str) -> Step:
    """Something else writes a file, as a generator writing its own files does."""

    def step(writer: PelicanWriter, out: Path) -> None:
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    return step


CASES: dict[str, list[Step]] = {
    "a page": [page("a/index.html", "A")],
    "a list page": [page("index.html", "home", single=False)],
    "a file there before the page": [other("a/index.html", "old"), page("a/index.html", "A")],
    "a file written after the page": [page("a/index.html", "A"), other("a/index.html", "new")],
    "both": [other("a/index.html", "old"), page("a/index.html", "A"), other("a/index.html", "new")],
    "a page written again": [
        page("a/index.html", "first"),
        page("a/index.html", "second", override=True),
    ],
    "a page written again, then by other means": [
        page("a/index.html", "first"),
        page("a/index.html", "second", single=False, override=True),
        other("a/index.html", "last"),
    ],
    "an overriding page, then one that is skipped": [
        page("a/index.html", "kept", override=True),
        page("a/index.html", "skipped"),
    ],
    "an empty file written after the page": [page("a/index.html", "A"), other("a/index.html", "")],
}


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def run(writer: PelicanWriter, out: Path, steps: list[Step]) -> dict[str, bytes]:
    for step in steps:
        step(writer, out)
    if isinstance(writer, Writer):
        writer.render_pending()
    return files(out)


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("case", list(CASES))
def test_deferred_writer_leaves_the_files_pelicans_writer_leaves(
    case: str, workers: int, tmp_path: Path
) -> None:
    steps = CASES[case]
    theirs = tmp_path / "pelican"
    ours = tmp_path / "newsroom"
    expected = run(PelicanWriter(str(theirs), settings=dict(SETTINGS)), theirs, steps)
    assert run(Writer(str(ours), settings={**SETTINGS, WORKERS: workers}), ours, steps) == expected
