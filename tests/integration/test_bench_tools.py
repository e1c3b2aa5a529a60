"""invoke bench's own tools: the generated releases pass the check, and the memory of a
build is that of its whole process tree, forked workers included."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from benchmarks.generate import generate, site_data, write_sites
from benchmarks.measure import measure
from newsroom.newfile import slugify
from support import Site

MIB = 1024


def test_generated_releases_pass_the_check_and_repeat_for_the_same_count(tmp_path: Path) -> None:
    site = site_data()
    releases = generate(60, site)
    assert [r.title for r in generate(60, site)] == [r.title for r in releases]
    assert len({r.slug for r in releases}) == 60
    for release in releases:  # invoke new's file names, numbered when a headline repeats
        base = slugify(release.title)
        assert release.slug == base or release.slug.rsplit("-", 1)[0] == base
    content, _ = write_sites(releases, site, tmp_path)
    newsroom = Site(content).load(timezone="Europe/Berlin", languages=["en", "de"])
    assert [p.text() for p in newsroom.problems] == []
    assert sorted(r.slug for r in newsroom.releases) == sorted(r.slug for r in releases)


HOLDER = textwrap.dedent(
    """
    import os, sys, time
    held = bytearray(os.urandom(1024)) * (60 * 1024)  # 60 MiB of the parent's own
    if os.fork() == 0:
        mine = bytearray(os.urandom(1024)) * (100 * 1024)  # 100 MiB only the worker has
        time.sleep(2.0)
        os._exit(0)
    os.wait()
    """
)


def test_peak_memory_adds_a_forked_workers_own_pages_to_its_parent(tmp_path: Path) -> None:
    script = tmp_path / "holder.py"
    script.write_text(HOLDER)
    run = measure([sys.executable, str(script)], tmp_path, tmp_path / "out", tmp_path / "err")
    assert run.returncode == 0, (tmp_path / "err").read_text()
    assert run.processes == 2
    worker = [h for h in run.at_peak if h.name.endswith("(forked)")]
    assert len(worker) == 1 and worker[0].counted_kib >= 100 * MIB
    # What both held at once: the worker's own 100 MiB and the parent's 60 MiB, never more
    # than their resident memory added up (pages both map count once, not twice).
    together = sum(h.counted_kib for h in run.at_peak)
    assert 160 * MIB <= together <= sum(h.rss_kib for h in run.at_peak)
    # The reported peak is the larger of that and ru_maxrss, which Linux may carry over
    # from the parent into the forked worker's figure.
    assert run.peak_kib == max(together, run.largest_kib)
