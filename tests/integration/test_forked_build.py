"""``invoke build`` runs the check and Pelican in a forked child and makes the search index
in the parent once the child has ended, two Pagefind parts at a time (forked.py).

What it prints, how it fails and what it leaves running are those of a build in one
process: the real ``invoke build`` in a process group of its own, signalled as a terminal
signals its foreground job, and ``commands.build_in`` (what the task calls) in this process.
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

import jinja2
import pytest
from test_late_work import children

from newsroom import commands
from support import (
    AS_OF,
    ROOT,
    Site,
    build_workers,
    end_group,
    forked,
    group,
    start_build,
    theme_with,
    with_releases,
)

TWO_CORES = pytest.mark.skipif(
    len(os.sched_getaffinity(0)) < 2, reason="two Pagefind runs at once need two cores"
)


def build_in(site: Site, out: Path, **extra: object) -> str:
    """``commands.build_in`` of ``site`` as ``invoke build`` calls it; what it printed."""
    printed = io.StringIO()
    commands.build_in(
        ROOT / "pelicanconf.py",
        output=out,
        as_of=AS_OF,
        content=site.path,
        extra={"NEWSROOM_ROOT": str(site.path), **extra},
        out=printed,
    )
    return printed.getvalue()


def in_one_process(site: Site, out: Path, **extra: object) -> str:
    """The same build in this process (``commands.build``); what it printed."""
    printed = io.StringIO()
    site.build(out, printed=printed, **extra)
    return printed.getvalue()


def start(site: Site, out: Path, **env: str) -> subprocess.Popen[bytes]:
    return start_build(site, out, subprocess.PIPE, **env)


def program(path: Path, text: str) -> Path:
    path.write_text(f"#!/bin/sh\n{text}")
    path.chmod(0o755)
    return path


def real_pagefind() -> str:
    from pagefind.service import get_executable

    return str(get_executable())


def test_invoke_build_prints_what_each_process_prints_in_order_and_leaves_nothing_running(
    site: Site, tmp_path: Path
) -> None:
    log = tmp_path / "golive.jsonl"
    log.write_text("{not json\n", encoding="utf-8")
    out = tmp_path / "out"
    command = ["build", "--content", str(site.path), "--output", str(out), "--as-of", AS_OF]
    build = subprocess.Popen(
        [sys.executable, "-m", "invoke", *command, "--golive-log", str(log)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        printed, _ = build.communicate(timeout=300)
        assert build.returncode == 0, printed
        assert group(build.pid) == []
    finally:
        end_group(build)
    # The child's warning, Pelican's line (the child's too), then the task's (the parent's).
    assert re.fullmatch(
        re.escape(
            f"Warning: {log}:1: not a go-live entry (one JSON object with path and served). "
            "This line is left out of the record.\n"
        )
        + r"Done: Processed \d+ articles.*\n.*in [\d.]+ seconds\.\n"
        + re.escape(f"Built {out}/ in ")
        + r"[\d.]+ s\.\n",
        printed.decode(),
    )


def test_a_build_stopped_by_an_author_error_says_and_prints_what_one_process_does(
    site: Site, tmp_path: Path
) -> None:
    release = site.path / "releases/2026/first-product.md"
    release.write_bytes(
        release.read_bytes().replace(b"date: 2026-03-02 09:00", b"date: 2026-02-31 09:00")
    )
    before = children()
    with pytest.raises(commands.BuildFailed) as here:
        in_one_process(site, tmp_path / "one")
    printed = io.StringIO()
    with pytest.raises(commands.BuildFailed) as there:
        commands.build_in(
            ROOT / "pelicanconf.py",
            output=tmp_path / "forked",
            as_of=AS_OF,
            content=site.path,
            extra={"NEWSROOM_ROOT": str(site.path)},
            out=printed,
        )
    assert type(there.value) is commands.BuildFailed
    assert (
        str(there.value)
        == str(here.value)
        == ("1 error in 1 file. Fix the errors above, then run the check again.")
    )
    assert printed.getvalue().startswith("releases/2026/first-product.md:")
    assert children() - before == set()


def broken_theme(tmp_path: Path) -> Path:
    """A copy of the theme whose release page names a value that does not exist, as a
    company's own template may (Jinja runs with StrictUndefined)."""
    return theme_with(
        tmp_path,
        lambda text: text.replace(
            "{% block title %}", "{% block title %}{{ nothing_here.at_all }}", 1
        ),
    )


def test_an_unexpected_error_in_the_child_is_raised_with_its_traceback(
    site: Site, tmp_path: Path
) -> None:
    theme = broken_theme(tmp_path)
    before = children()
    with pytest.raises(jinja2.UndefinedError, match=r"^'nothing_here' is undefined$") as raised:
        build_in(site, tmp_path / "out", THEME=str(theme))
    # Where it happened, in the child: the template, and the build's code above it.
    cause = str(raised.value.__cause__)
    assert f'File "{theme / "templates/article.html"}", line ' in cause
    assert "in _run_pelican" in cause
    assert children() - before == set()


def test_invoke_build_shows_a_template_error_once_as_a_build_in_one_process_does(
    site: Site, tmp_path: Path
) -> None:
    """One traceback, the message once: from the program's start to where the build ran,
    then the child's frames, which from the build's own code down are those of the same
    build in one process."""
    theme = broken_theme(tmp_path)
    settings = tmp_path / "brokenconf.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"THEME = {str(theme)!r}\nPLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
    )
    command = ["build", "--settings", str(settings), "--content", str(site.path), "--as-of", AS_OF]
    done = subprocess.run(
        [sys.executable, "-m", "invoke", *command, "--output", str(tmp_path / "out")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    with pytest.raises(jinja2.UndefinedError) as raised:
        in_one_process(site, tmp_path / "one", THEME=str(theme))
    one = "".join(traceback.format_exception(raised.value))
    assert done.returncode == 1
    assert done.stderr.startswith("Traceback (most recent call last):\n")
    assert done.stderr.count("Traceback") == 1
    assert done.stderr.count("'nothing_here' is undefined") == 1
    assert f'File "{ROOT / "tasks.py"}", line ' in done.stderr  # where the build was called
    # The line in the theme's file, shown as it is there, though Jinja compiled it unindented.
    frame = f"File \"{theme / 'templates/article.html'}\", line 6, in block 'title'\n"
    assert f"{frame}    {{% block title %}}{{{{ nothing_here.at_all }}}}" in done.stderr
    # From the check and Pelican's run down to the template and the message: the same.
    build_code = ", in _make\n"
    assert build_code in one
    assert done.stderr.partition(build_code)[2] == one.partition(build_code)[2]
    assert one.endswith("\njinja2.exceptions.UndefinedError: 'nothing_here' is undefined\n")


def test_a_forked_build_writes_what_a_build_in_one_process_writes(
    site: Site, tmp_path: Path
) -> None:
    """Byte for byte but Pagefind's filter files, whose names and bytes vary between runs
    of Pagefind itself, and the entry and metadata files that name them; build.json names
    the instant the build ran."""
    with_releases(site, 12)
    extra = {"NEWSROOM": {"languages": ["en", "de"], "search_part_size": 2}}
    assert build_in(site, tmp_path / "forked", **extra) == in_one_process(
        site, tmp_path / "one", **extra
    )

    def files(folder: Path) -> dict[str, bytes]:
        unstable = re.compile(r"pagefind/.*(filter|pagefind-entry\.json|\.pf_meta)")
        return {
            path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file()
            and path.name != "build.json"
            and not unstable.search(path.relative_to(folder).as_posix())
        }

    def names(folder: Path) -> list[str]:
        unstable = re.compile(r"_[0-9a-f]+\.pf_(filter|meta)$")
        return sorted(
            unstable.sub(r".pf_\1", path.relative_to(folder).as_posix())
            for path in folder.rglob("*")
        )

    forked_files, one_files = files(tmp_path / "forked"), files(tmp_path / "one")
    assert len([name for name in forked_files if name.startswith("pagefind/")]) > 10
    assert forked_files == one_files
    # The same parts, each with the same files: Pagefind's code in the newest part alone.
    assert names(tmp_path / "forked") == names(tmp_path / "one")


@TWO_CORES
def test_the_parts_are_indexed_two_at_a_time(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each run of Pagefind notes how many runs there are when it starts, waiting a moment
    for another; none ever sees more than two."""
    with_releases(site, 10)
    runs = tmp_path / "runs"
    runs.mkdir()
    wrapper = program(
        tmp_path / "pagefind",
        f"touch {runs}/run.$$\n"
        "n=0\n"
        f'while [ "$(ls {runs} | grep -c "^run")" -lt 2 ] && [ $n -lt 30 ]; do\n'
        "  sleep 0.1; n=$((n + 1))\n"
        "done\n"
        f'ls {runs} | grep -c "^run" > {runs}/seen.$$\n'
        f'{real_pagefind()} "$@"\n'
        "code=$?\n"
        f"rm {runs}/run.$$\n"
        "exit $code\n",
    )
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(wrapper))
    out = tmp_path / "out"
    build_in(site, out, NEWSROOM={"languages": ["en", "de"], "search_part_size": 2})
    seen = [int(p.read_text()) for p in runs.glob("seen.*")]
    bundles = list((out / "pagefind").glob("*/*/pagefind-entry.json"))
    assert len(seen) == len(bundles) >= 5
    assert max(seen) == 2


@TWO_CORES
def test_a_pagefind_failure_in_one_part_stops_the_run_beside_it(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first part's Pagefind would run for a minute: the second's failure ends it, and
    the build stops at once with the failure's message, leaving nothing running."""
    with_releases(site, 4)
    started = tmp_path / "started"
    wrapper = program(
        tmp_path / "pagefind",
        f'case "$*" in\n'
        f"  */pagefind/de/0) touch {started}; exec sleep 60;;\n"
        f"  *) while [ ! -e {started} ]; do sleep 0.05; done\n"
        '     echo "the index cannot be written" >&2; exit 1;;\n'
        "esac\n",
    )
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(wrapper))
    before = children()
    began = time.monotonic()
    with pytest.raises(
        commands.BuildFailed,
        match=r"^The build stopped: Pagefind could not index pagefind/en/0/: "
        r"the index cannot be written$",
    ):
        build_in(
            site, tmp_path / "out", NEWSROOM={"languages": ["en", "de"], "search_part_size": 1}
        )
    assert time.monotonic() - began < 45  # not the minute the other run would have taken
    assert children() - before == set()


def wait_for(condition: object, build: subprocess.Popen[bytes], seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert build.poll() is None, build.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.005)


def ended_quietly(build: subprocess.Popen[bytes]) -> None:
    """Ended as an interrupted build in one process ends: status 1, nothing printed after
    what it had printed, and no process of its group left."""
    stdout, stderr = build.communicate(timeout=60)
    assert build.returncode == 1
    assert stderr == b""
    assert b"Traceback" not in stdout
    deadline = time.monotonic() + 30
    while group(build.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert group(build.pid) == []


def test_ctrl_c_while_the_child_renders_ends_both_and_their_workers(
    site: Site, tmp_path: Path
) -> None:
    with_releases(site, 400)
    build = start(site, tmp_path / "out")
    try:
        wait_for(lambda: len(build_workers(build.pid)) >= 2, build)
        os.killpg(build.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        ended_quietly(build)
    finally:
        end_group(build)


def test_ctrl_c_to_the_parent_alone_is_passed_on_to_the_child(site: Site, tmp_path: Path) -> None:
    with_releases(site, 400)
    build = start(site, tmp_path / "out")
    try:
        wait_for(lambda: len(build_workers(build.pid)) >= 2, build)
        build.send_signal(signal.SIGINT)  # kill -INT: the build's own process, no other
        ended_quietly(build)
    finally:
        end_group(build)


def test_ctrl_c_while_the_parent_indexes_ends_pagefind(site: Site, tmp_path: Path) -> None:
    slow = program(tmp_path / "pagefind", "exec sleep 60\n")
    build = start(site, tmp_path / "out", PAGEFIND_BINARY_PATH=str(slow))
    try:

        def indexing() -> bool:
            """The child has ended, and the parent waits on Pagefind."""
            return not forked(build.pid) and any(
                Path(f"/proc/{pid}/cmdline").read_bytes().startswith(b"sleep")
                for pid in group(build.pid)
            )

        wait_for(indexing, build)
        os.killpg(build.pid, signal.SIGINT)
        ended_quietly(build)
    finally:
        end_group(build)
