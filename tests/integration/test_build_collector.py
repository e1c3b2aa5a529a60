"""The garbage collector during a build (forked.freeze).

A forked build's child leaves out of its later collections what lives until it ends: the
checked content once the check has passed, Pelican's context once every generator has
built it (full collections are held while it does, and run again from then on). A build in the caller's own process (the dev server's build worker, a test)
freezes nothing: its garbage must come back to it, and the collector is left as it was.
What the build's process holds is looked at as the pages are rendered, through the real
``invoke build`` path (``commands.build_in``) and the real in-process one
(``commands.build``).
"""

from __future__ import annotations

import gc
import io
import json
from pathlib import Path

import pytest
from test_forked_build import build_in

from newsroom import rendering
from newsroom.state import state_of
from support import Site


def frozen(thing: object) -> bool:
    """Whether ``thing`` is in the permanent generation: in none of the three it leaves for."""
    return not any(o is thing for generation in range(3) for o in gc.get_objects(generation))


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A file the rendering process writes as it starts rendering the pages: whether a
    checked release and one of Pelican's articles are frozen there, whether it collects,
    and with which thresholds.
    Written to a file, since a forked build renders in a child that returns nothing else."""
    record = tmp_path / "seen.json"
    render_pending = rendering.Writer.render_pending

    def looking(writer: rendering.Writer) -> None:
        release = state_of(writer.settings).newsroom.releases[0]
        article = next(page.own["article"] for page in writer._pages if "article" in page.own)
        record.write_text(
            json.dumps(
                {
                    "release": frozen(release),
                    "article": frozen(article),
                    "collects": gc.isenabled(),
                    "thresholds": gc.get_threshold(),
                }
            )
        )
        render_pending(writer)

    monkeypatch.setattr(rendering.Writer, "render_pending", looking)
    return record


def test_a_forked_build_freezes_what_it_keeps_to_the_end(
    site: Site, tmp_path: Path, seen: Path
) -> None:
    build_in(site, tmp_path / "out")  # commands.build_in, as invoke build calls it
    assert json.loads(seen.read_text()) == {
        "release": True,
        "article": True,
        "collects": True,
        "thresholds": list(gc.get_threshold()),  # this process's: the ones the child had
    }
    assert (tmp_path / "out" / "index.html").is_file()


def test_a_build_in_this_process_leaves_its_collector_as_it_was(
    site: Site, tmp_path: Path, seen: Path
) -> None:
    kept = [object()]  # the caller's own, frozen before the build (as the dev server's are)
    gc.freeze()
    loose = [object()]  # and one the caller's collector still walks
    try:
        site.build(tmp_path / "out", printed=io.StringIO())
        assert json.loads(seen.read_text()) == {
            "release": False,
            "article": False,
            "collects": True,
            "thresholds": list(gc.get_threshold()),
        }
        assert (frozen(kept), frozen(loose), gc.isenabled()) == (True, False, True)
    finally:
        gc.unfreeze()
