"""What the newsroom costs against plain Pelican, on the same N generated releases.

Both sites get the same press releases (``generate.py``). One run measures, each in its own
child process, the time and the memory of every process it starts (``measure.py``):

- plain Pelican's cold build, with its default theme and settings: the yardstick;
- the newsroom's cold build (``invoke build``, every output, no caches);
- the newsroom rebuilding the same output with nothing changed, then after one release
  was edited;
- ``invoke check`` after those builds, with whatever cache they left warm (its trial build
  runs), then once more with its verdict kept;
- with ``--edit``: through the real development server and Chromium, the time from
  saving an edit to one release until the open page shows it (``edit.py``).

Sampling the memory slows down what it samples, so every pass of the steps runs twice: once
with the memory sampled, for the peaks, then once with nothing beside it, for the times.

    python benchmarks/bench.py --count 1000 [--repeat 3] [--keep] [--profile] [--edit]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "plugins") not in sys.path:
    sys.path[:0] = [str(ROOT / "plugins"), str(ROOT)]

from benchmarks.generate import (  # noqa: E402
    GenerateFailed,
    Release,
    generate,
    site_data,
    words,
    write_sites,
)
from benchmarks.measure import INTERVAL, Run, measure  # noqa: E402

WORK = ROOT / "benchmarks" / "work"
#: Every generated release is dated before this instant, so both sites publish all of them.
AS_OF = "2030-01-01T00:00:00Z"
#: What the newsroom's caches are called, beside its content folder (share cards, pictures).
CACHE = ".cache"
#: Seconds the development server may take to build, and to show an edit.
EDIT_TIMEOUT = 3600


class BenchFailed(Exception):
    """A build or the setup failed; the message says what to look at."""


#: What a published file is for, by its folder or ending; the first match wins.
CATEGORIES: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("search", lambda path: path.startswith("pagefind/")),
    ("feeds", lambda path: path.startswith("feeds/") or path.endswith((".atom.xml", ".rss.xml"))),
    ("pictures", lambda path: path.lower().endswith(
        (".png", ".jpg", ".jpeg", ".webp", ".gif", ".svg", ".avif", ".ico"))),
    ("downloads", lambda path: path.lower().endswith(
        (".pdf", ".zip", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".csv"))),
    ("pages", lambda path: path.endswith(".html")),
    ("data", lambda path: path.endswith((".json", ".xml"))),  # JSON API, record, sitemaps
)  # fmt: skip
OTHER = "other"  # stylesheets, scripts, fonts, robots.txt


def category(path: str) -> str:
    """The category of a file, by its path inside the output (with ``/`` separators)."""
    return next((name for name, matches in CATEGORIES if matches(path)), OTHER)


def output_size(output: Path) -> tuple[dict[str, tuple[int, int]], set[str]]:
    """Files and bytes per category, and the names of the pages (to find every release's)."""
    counts: dict[str, list[int]] = {}
    published = set()
    for folder, _, names in os.walk(output):
        for file in names:
            path = os.path.join(folder, file)
            tally = counts.setdefault(category(os.path.relpath(path, output)), [0, 0])
            tally[0] += 1
            tally[1] += os.path.getsize(path)
            published.add(file[:-5] if file != "index.html" else os.path.basename(folder))
    return {name: (files, size) for name, (files, size) in counts.items()}, published


def _show(title: str, *logs: Path, lines: int = 40) -> None:
    print(f"\n{title}:", file=sys.stderr)
    for log in logs:
        text = log.read_text("utf-8", errors="replace").splitlines()
        if not text:
            continue
        print(f"--- {log.name} ({len(text)} lines)", file=sys.stderr)
        shown = text if len(text) <= 2 * lines else [*text[:lines], "...", *text[-lines:]]
        print("\n".join(shown), file=sys.stderr)


def _problems(log: Path, content: Path) -> list[str]:
    """The problems (warnings) the newsroom build reported about the generated content."""
    shown = os.path.relpath(content, ROOT)
    text = log.read_text("utf-8", errors="replace").splitlines()
    return [line for line in text if line.startswith(shown)]


def _ratio(a: float, b: float) -> str:
    return f"{a / b:8.2f}x" if b else f"{'-':>9}"


def size_table(newsroom: Output, plain: Output) -> list[str]:
    """The output of both builds by category: files and MB, and the newsroom's ratio."""
    mib = 1024 * 1024
    rows = [
        f"{'output by category':18}{'newsroom':>20}{'plain Pelican':>20}{'newsroom ÷ plain':>20}",
        f"{'':18}" + f"{'files':>9}{'MB':>11}" * 2 + f"  {'files':>9}{'MB':>9}",
    ]
    names = [name for name, _ in CATEGORIES] + [OTHER]
    for name in [*names, "total"]:
        if name == "total":
            (nf, nb), (pf, pb) = (newsroom.files, newsroom.bytes), (plain.files, plain.bytes)
        else:
            nf, nb = newsroom.categories.get(name, (0, 0))
            pf, pb = plain.categories.get(name, (0, 0))
        rows.append(
            f"{name:18}{nf:9d}{nb / mib:11.1f}{pf:9d}{pb / mib:11.1f}"
            f"  {_ratio(nf, pf)}{_ratio(nb, pb)}"
        )
    return rows


@dataclass(frozen=True)
class Output:
    """What a build wrote: files and bytes, in all and per category."""

    files: int
    bytes: int
    #: Per category: (files, bytes).
    categories: dict[str, tuple[int, int]]


#: The steps of one run, in order; each is a row of the table.
PLAIN = "plain Pelican, cold build"
COLD = "newsroom, cold build"
UNCHANGED = "rebuild, nothing changed"
EDITED = "rebuild, one release edited"
TRIAL = "invoke check, trial build"
CHECK = "invoke check, warm cache"
STEPS = (PLAIN, COLD, UNCHANGED, EDITED, TRIAL, CHECK)


@dataclass(frozen=True)
class Step:
    """One command of the run: how to start it, and what it must have written."""

    args: list[str]
    cwd: Path
    output: Path | None  # checked for every release's page; None for the check
    before: Callable[[], None] = lambda: None  # what to change first (untimed)


#: The two passes of the steps in each repeat. Memory first: its runs are slowed by the
#: sampler and only their peaks count, and they leave Python's compiled code and the files
#: in the page cache for the timed runs, as every later repeat finds them.
SAMPLED, TIMED = "sampled", "timed"
PASSES = (SAMPLED, TIMED)


def run_step(name: str, step: Step, logs: Path, slugs: Sequence[str], sample: bool) -> Run:
    """Run one step in its own process, sampled or timed; stop the benchmark if it failed."""
    step.before()
    key = name.split(",")[0].replace(" ", "-") + "-" + str(STEPS.index(name))
    key += "-sampled" if sample else ""
    out_log, err_log = logs / f"{key}.out", logs / f"{key}.err"
    result = measure(step.args, step.cwd, out_log, err_log, sample=sample)
    if result.returncode != 0:
        _show(f"{name} failed (exit code {result.returncode})", out_log, err_log)
        raise BenchFailed(f"{name} failed; its output is above.")
    if step.output is not None:
        _, published = output_size(step.output)
        missing = [s for s in slugs if s not in published]
        if missing:
            _show(f"{name} wrote no page for {len(missing)} releases", out_log, err_log)
            raise BenchFailed(f"{name} is missing pages, like {missing[0]}.")
    return result


def run_passes(
    plan: dict[str, Step], repeat: int, logs: Path, slugs: Sequence[str]
) -> dict[str, dict[str, list[Run]]]:
    """Every step ``repeat`` times in each pass, a whole pass at a time: each step finds the
    state the steps before it left in the same pass (the builds, the edit, the check's cache).
    """
    results: dict[str, dict[str, list[Run]]] = {
        kind: {name: [] for name in plan} for kind in PASSES
    }
    for index in range(repeat):
        for kind in PASSES:
            for name, step in plan.items():
                done = run_step(name, step, logs, slugs, sample=kind == SAMPLED)
                results[kind][name].append(done)
                if kind == SAMPLED:
                    shown = (
                        f"peak {done.peak_kib / 1024:.0f} MB, "
                        f"{done.wall:.1f} s (slowed by the sampler)"
                    )
                else:
                    shown = f"{done.wall:.1f} s, {done.cpu:.1f} s of CPU"
                print(f"  {name} {index + 1}, {kind}: {shown}", flush=True)
    return results


def written(output: Path) -> Output:
    categories, _ = output_size(output)
    files = sum(f for f, _ in categories.values())
    return Output(files, sum(b for _, b in categories.values()), categories)


def median(runs: Sequence[Run]) -> Run:
    """The median of each figure over repeated runs; the breakdown of the last run."""
    return Run(
        wall=statistics.median(r.wall for r in runs),
        cpu=statistics.median(r.cpu for r in runs),
        peak_kib=int(statistics.median(r.peak_kib for r in runs)),
        largest_kib=int(statistics.median(r.largest_kib for r in runs)),
        processes=runs[-1].processes,
        at_peak=runs[-1].at_peak,
    )


def medians(runs: dict[str, list[Run]]) -> dict[str, Run]:
    """Each step's median over its runs in one pass."""
    return {name: median(of_step) for name, of_step in runs.items()}


def table(
    count: int,
    repeat: int,
    timed: dict[str, Run],
    sampled: dict[str, Run],
    edit_lines: Sequence[str],
) -> str:
    """Every step against plain Pelican's cold build: time from the runs without the
    sampler, memory and processes from the sampled ones."""
    base, base_peak = timed[PLAIN], sampled[PLAIN].peak_kib
    head = (
        f"{'':30}{'wall s':>9}{'CPU s':>9}{'peak MB':>9}{'procs':>7}"
        f"{'wall ÷ plain':>14}{'peak ÷ plain':>14}"
    )
    rows = [head]
    for name in STEPS:
        r, peak, processes = timed[name], sampled[name].peak_kib, sampled[name].processes
        rows.append(
            f"{name:30}{r.wall:9.2f}{r.cpu:9.2f}{peak / 1024:9.1f}{processes:7d}"
            f"{r.wall / base.wall:13.2f}x{peak / base_peak:13.2f}x"
        )
    runs_text = "1 run" if repeat == 1 else f"median of {repeat} runs"
    how = (
        f"wall s and CPU s: timed runs, nothing beside them; peak MB and procs: sampled runs "
        f"(the process tree every {INTERVAL * 1000:.0f} ms), their times not shown"
    )
    machine = (
        f"{os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}, "
        f"Pelican {metadata.version('pelican')}"
    )
    head_line = f"N = {count} releases, {runs_text} per step; {machine}"
    return "\n".join([head_line, how, *rows, *edit_lines])


def peak_table(run: Run) -> list[str]:
    """Which processes held the memory at the newsroom cold build's peak."""
    rows = [
        f"At the newsroom cold build's peak ({run.peak_kib / 1024:.1f} MB in "
        f"{len(run.at_peak)} processes; the largest single process peaked at "
        f"{run.largest_kib / 1024:.1f} MB):",
        f"{'process':60}{'RSS MB':>10}{'counted MB':>12}",
    ]
    for holder in run.at_peak:
        rows.append(
            f"{holder.name:60}{holder.rss_kib / 1024:10.1f}{holder.counted_kib / 1024:12.1f}"
        )
    return rows


def _profile(prof: Path, args: list[str]) -> list[str]:
    """The same command under cProfile (``python -m cProfile -o prof -m ...``)."""
    return [args[0], "-m", "cProfile", "-o", str(prof), *args[1:]]


def _print_profile(name: str, prof: Path, top: int = 15) -> None:
    import pstats

    print(f"\n{name}: top {top} functions by own time ({prof})")
    stats = pstats.Stats(str(prof), stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(top)


def edited_text(number: int) -> str:
    return f"This paragraph was added by the benchmark's edit number {number}."


def steps(work: Path, content: Path, conf: Path, edited: Path, profile: bool) -> dict[str, Step]:
    """The commands of one run; the cold ones start from an empty output and no caches."""
    python = sys.executable
    out_plain, out_newsroom = work / "out-plain", work / "out-newsroom"
    build = [python, "-m", "invoke", "build", "--content", str(content),
             "--output", str(out_newsroom), "--as-of", AS_OF]  # fmt: skip
    plain = [python, "-m", "pelican", str(work / "plain"), "-o", str(out_plain),
             "-s", str(conf), "--fatal", "errors"]  # fmt: skip
    if profile:
        plain, cold = _profile(work / "plain.prof", plain), _profile(work / "newsroom.prof", build)
    else:
        cold = build
    check = [python, "-m", "invoke", "check", "--content", str(content)]
    edits = iter(range(1, 1_000_000))

    def empty(*folders: Path) -> Callable[[], None]:
        def remove() -> None:
            for folder in folders:
                shutil.rmtree(folder, ignore_errors=True)

        return remove

    def edit() -> None:
        from benchmarks.edit import append_paragraph

        append_paragraph(edited, edited_text(next(edits)), work / "saving.md")

    return {
        PLAIN: Step(plain, work, out_plain, empty(out_plain)),
        COLD: Step(cold, ROOT, out_newsroom, empty(out_newsroom, work / CACHE)),
        UNCHANGED: Step(build, ROOT, out_newsroom),
        EDITED: Step(build, ROOT, out_newsroom, edit),
        # The first check builds the whole site once in trial (its verdict is kept); the
        # second finds every release and the verdict in the cache.
        TRIAL: Step(check, ROOT, None),
        CHECK: Step(check, ROOT, None),
    }


def run(
    count: int,
    keep: bool = False,
    repeat: int = 1,
    profile: bool = False,
    edit: bool = False,
    edits: int = 3,
) -> str:
    """Generate, run every step ``repeat`` times, and return the printed table."""
    if count < 1 or repeat < 1 or edits < 1:
        raise BenchFailed("--count, --repeat and --edits must be at least 1.")
    # Every step runs as on a user's machine, where Python keeps the compiled code of the
    # newsroom's modules: Pelican's own is compiled when it is installed, so a setting that
    # stops Python writing it would slow the newsroom's steps down and not the yardstick.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    WORK.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"n{count}-", dir=WORK))
    try:
        started = time.perf_counter()
        site = site_data()
        releases = generate(count, site)
        content, conf = write_sites(releases, site, work)
        total_words = sum(words(r.body) for r in releases)
        print(
            f"Generated {count} releases ({total_words // count} words on average, "
            f"data from {site.folder.relative_to(ROOT)}) in {time.perf_counter() - started:.1f} s"
        )
        slugs = [r.slug for r in releases]
        chosen = releases[len(releases) // 2]  # the release every edit changes
        del releases
        edited = content / "releases" / chosen.folder / f"{chosen.slug}.md"
        # With --profile, the timed pass's cold builds write their profiles last.
        results = run_passes(steps(work, content, conf, edited, profile), repeat, work, slugs)
        warnings = _problems(work / "newsroom-1.out", content)
        if warnings:
            print(f"\nThe newsroom reported {len(warnings)} problems, first ones:")
            print("\n".join(warnings[:10]))
        if profile:
            for name in ("plain", "newsroom"):
                _print_profile(name, work / f"{name}.prof")
            print("\nTimes below include cProfile's overhead: compare them only with each other.")
        edit_lines = _edit(work, content, chosen, count, edits) if edit else []
        timed, sampled = medians(results[TIMED]), medians(results[SAMPLED])
        report = "\n".join(
            [
                table(count, repeat, timed, sampled, edit_lines),
                "",
                *size_table(written(work / "out-newsroom"), written(work / "out-plain")),
                "",
                *peak_table(sampled[COLD]),
            ]
        )
        print()
        print(report)
        return report
    finally:
        if keep:
            print(f"\nKept {work.relative_to(ROOT)}/")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _edit(work: Path, content: Path, chosen: Release, count: int, edits: int) -> list[str]:
    """The dev server's edit rounds, in a repository of their own with the same releases."""
    from benchmarks.edit import EditFailed, describe, measure_edits
    from tools.harness import repository

    repo = repository(work / "repo", content)
    release = repo / "content" / "releases" / chosen.folder / f"{chosen.slug}.md"
    page = f"/news/{chosen.folder}/{chosen.slug}/"
    print(f"  dev server: building {count} releases, then {edits} edits to {page}", flush=True)
    try:
        result = measure_edits(repo, release, page, edits, EDIT_TIMEOUT)
    except (EditFailed, RuntimeError) as err:
        raise BenchFailed(f"The dev server's edit could not be measured: {err}") from None
    return list(describe(result, count))


def main(
    count: int = 1000,
    keep: bool = False,
    repeat: int = 1,
    profile: bool = False,
    edit: bool = False,
    edits: int = 3,
) -> int:
    """Run the benchmark and print its table; 0 on success, 1 when a step failed."""
    try:
        run(count, keep=keep, repeat=repeat, profile=profile, edit=edit, edits=edits)
    except (BenchFailed, GenerateFailed) as err:
        print(err, file=sys.stderr)
        return 1
    return 0


def _arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=1000, help="releases to generate")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each step (median)")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites")
    parser.add_argument("--profile", action="store_true", help="cold builds under cProfile")
    parser.add_argument("--edit", action="store_true", help="measure the dev server's edits")
    parser.add_argument("--edits", type=int, default=3, help="with --edit: edits (median)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    options = _arguments()
    sys.exit(
        main(
            options.count,
            options.keep,
            options.repeat,
            options.profile,
            options.edit,
            options.edits,
        )
    )
