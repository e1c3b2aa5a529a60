"""The share cards and the search index are made side by side once Pelican is done, and a
failure of one stops the other: a build that stops leaves no worker drawing and no Pagefind
indexing behind it."""

from __future__ import annotations

import io
import multiprocessing
import os
import sys
import time
from pathlib import Path

import pytest
from pelican import signals

from newsroom import commands, share_cards, share_images
from support import AS_OF, ROOT, Site, children_of

CARDS = Path(".cache/share-images")


def children() -> set[int]:
    """The processes this test's process started that are still running (not zombies)."""
    return set(children_of(os.getpid(), running=True))


def slow_python(folder: Path, monkeypatch: pytest.MonkeyPatch, seconds: float = 60) -> None:
    """From now on the process drawing cards ahead waits ``seconds`` before it starts drawing
    (an interpreter that sleeps, then becomes the real one); other processes start at once."""
    wrapper = folder / "python"
    wrapper.write_text(
        f"#!{sys.executable}\n"
        "import os, sys, time\n"
        f"if any('card_drawing' in arg for arg in sys.argv): time.sleep({seconds})\n"
        f"os.execv({sys.executable!r}, [{sys.executable!r}, *sys.argv[1:]])\n"
    )
    wrapper.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(wrapper))


def test_pagefind_failing_while_cards_are_drawn_stops_the_build_and_the_workers(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = share_cards.render

    def slow(card: share_cards.Card) -> bytes:
        time.sleep(3)  # still drawing when Pagefind fails
        return real(card)

    # The fixture's few cards are drawn by the build at its end, beside Pagefind.
    monkeypatch.setattr(share_cards, "render", slow)
    before = children()  # an earlier test's may still be ending
    out = tmp_path / "out"
    out.mkdir()
    (out / "pagefind").write_text("a file where the index's folder must go")
    with pytest.raises(
        commands.BuildFailed, match=r"^The build stopped: Pagefind could not index pagefind/en/0/"
    ):
        # Kept by Pelican's cleaning of the output, so that Pagefind finds it in its way.
        site.build(out, OUTPUT_RETENTION=["pagefind"])
    assert (out / "index.html").is_file()  # Pelican had written the pages
    assert multiprocessing.active_children() == []
    assert children() - before == set()
    # The card being drawn when Pagefind failed is not kept: none is in the cache.
    assert list((site.path.parent / CARDS).glob("*.png")) == []


def test_cards_failing_while_pagefind_indexes_stop_it(site: Site, tmp_path: Path) -> None:
    """A card that cannot be kept (a folder is in the way of its file in the cache) stops
    the build, and Pagefind with it: nothing is left indexing."""
    site.build(tmp_path / "first")
    before = children()  # an earlier test's may still be ending
    cache = site.path.parent / CARDS
    keys = [card.stem for card in cache.glob("*.png")]
    assert keys
    for key in keys:
        (cache / f"{key}.png").unlink()
        (cache / f"{key}.png").mkdir()  # a card written aside cannot be renamed over it
    with pytest.raises(IsADirectoryError):
        site.build(tmp_path / "out", NEWSROOM={"search_part_size": 1})
    assert children() - before == set()
    assert multiprocessing.active_children() == []
    # Each card written aside was removed when it could not be put in place.
    assert sorted(p.name for p in cache.iterdir()) == sorted(f"{key}.png" for key in keys)


def test_cards_failing_in_invoke_build_stop_its_pagefind(site: Site, tmp_path: Path) -> None:
    """The same in ``invoke build``, where the process that forked the build draws the cards
    beside Pagefind: the failure is raised there, and nothing is left indexing."""
    site.build(tmp_path / "first")
    cache = site.path.parent / CARDS
    keys = [card.stem for card in cache.glob("*.png")]
    assert keys
    for key in keys:
        (cache / f"{key}.png").unlink()
        (cache / f"{key}.png").mkdir()
    before = children()
    with pytest.raises(IsADirectoryError):
        commands.build_in(
            ROOT / "pelicanconf.py",
            output=tmp_path / "out",
            as_of=AS_OF,
            content=site.path,
            extra={
                "NEWSROOM_ROOT": str(site.path),
                "NEWSROOM": {"languages": ["en", "de"], "search_part_size": 1},
            },
            out=io.StringIO(),
        )
    assert children() - before == set()
    assert multiprocessing.active_children() == []
    assert sorted(p.name for p in cache.iterdir()) == sorted(f"{key}.png" for key in keys)


@pytest.mark.parametrize("stop", [KeyboardInterrupt, RuntimeError])
def test_a_build_stopped_before_its_end_stops_the_process_drawing_ahead(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop: type[BaseException]
) -> None:
    """Ctrl-C, or any error, once the cards are being drawn ahead and before the build waits
    for them: the process is ended with the build, and nothing of it is kept."""
    slow_python(tmp_path, monkeypatch)
    monkeypatch.setattr(share_images, "PARALLEL_FROM", 1)
    started: list[int] = []

    def interrupt(generator: object) -> None:
        ahead = share_images.of_build(generator.settings).ahead  # type: ignore[attr-defined]
        assert ahead is not None and ahead.process.poll() is None
        started.append(ahead.process.pid)
        raise stop("stopped while the cards are drawn")

    before = children()  # an earlier test's may still be ending
    # Right after the gate, while the process waits to start drawing.
    signals.article_generator_finalized.connect(interrupt)
    try:
        with pytest.raises(stop, match=r"^stopped while the cards are drawn$"):
            site.build(tmp_path / "out")
    finally:
        signals.article_generator_finalized.disconnect(interrupt)
    assert started and started[0] not in children()
    assert children() - before == set()
    assert list((site.path.parent / CARDS).glob("*")) == []


def test_in_a_large_build_the_process_drawing_ahead_ends_before_anything_is_written(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, renders: list[str]
) -> None:
    """Pelican writes at the build's peak of memory, with forked workers: the process drawing
    cards is not beside it. One still drawing then is stopped, and the build draws the
    cards it left at its end."""
    slow_python(tmp_path, monkeypatch, seconds=300)
    monkeypatch.setattr(share_images, "PARALLEL_FROM", 1)
    monkeypatch.setattr(share_images, "ENDS_BEFORE_WRITING_FROM", 1)  # a large build
    status: list[int | None] = []

    def first_page(generator: object, content: object) -> None:
        ahead = share_images.of_build(generator.settings).ahead  # type: ignore[attr-defined]
        assert ahead is not None
        status.append(ahead.process.returncode)

    before = children()
    started = time.monotonic()
    signals.article_generator_write_article.connect(first_page)
    try:
        site.build(tmp_path / "out")
    finally:
        signals.article_generator_write_article.disconnect(first_page)
    assert time.monotonic() - started < 240  # it did not wait for the sleeping process
    assert status and None not in status
    assert children() - before == set()
    assert sorted(renders) == [
        "Example launches its first product",
        "Example reports Q4 2025 results",
    ]
    out_cards = sorted(p.name for p in tmp_path.joinpath("out").rglob("share-*.png"))
    assert len(out_cards) == 2


def test_the_pages_do_not_wait_for_the_process_drawing_ahead(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, renders: list[str]
) -> None:
    """``invoke build`` renders the pages while the process drawing cards ahead still draws
    (a slow one here), and the build's process stops it as it ends; the process that forked
    the build (this one) draws the cards it left, beside Pagefind, and copies them all."""
    slow_python(tmp_path, monkeypatch, seconds=300)
    monkeypatch.setattr(share_images, "PARALLEL_FROM", 1)
    before = children()
    started = time.monotonic()
    out = tmp_path / "out"
    commands.build_in(
        ROOT / "pelicanconf.py",
        output=out,
        as_of=AS_OF,
        content=site.path,
        extra={"NEWSROOM_ROOT": str(site.path)},
        out=io.StringIO(),
    )
    assert time.monotonic() - started < 240  # it did not wait for the sleeping process
    assert sorted(renders) == [
        "Example launches its first product",
        "Example reports Q4 2025 results",
    ]
    assert len(list(out.rglob("share-*.png"))) == 2
    assert children() - before == set()
