"""invoke bench's own tools: the generated releases pass the check, the memory of a build
is that of its whole process tree, forked workers included, and a step's time comes from a
run that nothing sampled."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

from benchmarks import bench
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


WATCHED = textwrap.dedent(
    """
    import os, sys, time
    # Whatever the measuring process runs beside the wait has started within 0.3 s, even
    # on a busy machine.
    for _ in range(30):
        if len(os.listdir(f"/proc/{os.getppid()}/task")) > int(sys.argv[1]):
            spent = time.process_time() + 0.5  # watched: half a second of CPU more
            while time.process_time() < spent:
                pass
            break
        time.sleep(0.01)
    if os.fork() == 0:
        mine = bytearray(os.urandom(1024)) * (40 * 1024)  # 40 MiB of the worker's own
        if os.fork() == 0:  # and a process below it, started after the first sample
            time.sleep(0.5)
            os._exit(0)
        os.wait()
        os._exit(0)
    os.wait()
    """
)


def test_each_steps_time_comes_from_a_run_without_the_sampler_and_its_peak_from_one_with(
    tmp_path: Path,
) -> None:
    # Every step runs a command that spends half a second of CPU more when the process
    # measuring it runs a thread beside the one that waits for it: the sampler.
    script = tmp_path / "watched.py"
    script.write_text(WATCHED)
    threads = len(os.listdir("/proc/self/task"))
    step = bench.Step([sys.executable, str(script), str(threads)], tmp_path, None)
    results = bench.run_passes({name: step for name in bench.STEPS}, 1, tmp_path, [])
    timed, sampled = bench.medians(results[bench.TIMED]), bench.medians(results[bench.SAMPLED])
    lines = bench.table(60, 1, timed, sampled, []).splitlines()
    assert lines[0].startswith("N = 60 releases, 1 run per step; ")
    assert lines[1] == (
        "wall s and CPU s: timed runs, nothing beside them; peak MB and procs: sampled runs "
        "(the process tree every 25 ms), their times not shown"
    )
    assert lines[2].split() == [
        "wall", "s", "CPU", "s", "peak", "MB", "procs", "wall", "÷", "plain", "peak", "÷", "plain"
    ]  # fmt: skip
    assert [line[:30].rstrip() for line in lines[3:]] == list(bench.STEPS)
    for line in lines[3:]:
        _, cpu, peak, procs, _, _ = line[30:].split()
        assert float(cpu) < 0.5, line  # the timed run's: nothing watched it
        assert procs == "3" and float(peak) >= 40, line  # the sampled run's, with the worker's
    # The sampled runs were watched (the sampler ran); the timed ones know ru_maxrss alone.
    assert all(run.cpu >= 0.5 and run.processes == 3 for run in sampled.values())
    assert all(run.processes == 0 and run.peak_kib == run.largest_kib for run in timed.values())
    assert all(run.at_peak == () for run in timed.values())
