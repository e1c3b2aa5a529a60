"""The scheduled Pages run, as its workflow steps run it, with nothing installed.

A real build's build.json is served on 127.0.0.1; the schedule is what the build job's
``invoke schedule --json`` writes for this repository's own content. The "anything due?"
step and the latency step of publish.yml then run with a python3 that has no
site-packages, as on a fresh runner.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from workflow_runner import stdlib_python, workflow_step

from support import FIXTURES, ROOT, Site

WORKFLOW = "publish.yml"
COMMIT = "0123456789abcdef0123456789abcdef01234567"
OTHER = "fedcba9876543210fedcba9876543210fedcba98"


@pytest.fixture(scope="module")
def schedule(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build job's schedule of this repository's content (the real task)."""
    path = tmp_path_factory.mktemp("schedule") / "schedule.json"
    subprocess.run(
        [sys.executable, "-m", "invoke", "schedule", "--json", str(path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served on 127.0.0.1 as the live site; yields it and its address."""
    folder = tmp_path / "live"
    folder.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def build_live(folder: Path, tmp_path: Path, as_of: datetime, commit: str, monkeypatch) -> None:
    """A real build of the fixture site as of ``as_of``, its build.json made live."""
    site = Site(tmp_path / "site")
    if not site.path.exists():
        shutil.copytree(FIXTURES / "basic", site.path)
    monkeypatch.setenv("GITHUB_SHA", commit)
    output = tmp_path / f"out-{as_of:%H%M%S}"
    site.build(output, as_of=as_of.strftime("%Y-%m-%dT%H:%M:%SZ"))
    record = json.loads((output / "build.json").read_text())
    assert record["commit"] == commit
    (folder / "build.json").write_text(json.dumps(record))


def plan_step(tmp_path: Path, url: str, schedule: Path | None, commit: str) -> dict[str, str]:
    """The plan job's steps after checkout: the cache restored (or not), then the check."""
    work = tmp_path / "checkout"
    if not work.exists():
        work.mkdir()
        (work / "deploy").symlink_to(ROOT / "deploy")
    (work / ".schedule.json").unlink(missing_ok=True)
    if schedule is not None:
        (work / ".schedule.json").write_bytes(schedule.read_bytes())
    outputs = tmp_path / "outputs"
    outputs.write_text("")
    done = workflow_step(
        WORKFLOW,
        "plan",
        "Compare the live site",
        tmp_path / "runner",
        {
            "EVENT": "schedule",
            "COMMIT": commit,
            "NEWSROOM_SITEURL": url,
            "GITHUB_OUTPUT": str(outputs),
        },
        stdlib_python(tmp_path / "bin"),
        cwd=work,
    )
    assert done.returncode == 0, done.stderr
    values = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    values["log"] = done.stdout
    return values


def test_a_scheduled_run_deploys_only_when_main_moved_or_a_release_is_due(
    tmp_path: Path, live: tuple[Path, str], schedule: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, url = live
    now = datetime.now(UTC).replace(microsecond=0)
    build_live(folder, tmp_path, now, COMMIT, monkeypatch)

    quiet = plan_step(tmp_path, url, schedule, COMMIT)
    assert quiet["due"] == "false", quiet["log"]
    assert quiet["since"] == now.strftime("%Y-%m-%dT%H:%M:%SZ")

    moved = plan_step(tmp_path, url, schedule, OTHER)
    assert moved["due"] == "true"
    assert f"the live site is commit {COMMIT[:12]}, main is {OTHER[:12]}" in moved["log"]

    unknown = plan_step(tmp_path, url, None, COMMIT)
    assert unknown["due"] == "true" and "no schedule is cached" in unknown["log"]

    (folder / "build.json").unlink()
    down = plan_step(tmp_path, url, schedule, COMMIT)
    assert down["due"] == "true" and "cannot be read" in down["log"]


def test_a_release_that_went_live_since_the_live_build_is_due_and_its_delay_reported(
    tmp_path: Path, live: tuple[Path, str], schedule: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, url = live
    instants = json.loads(schedule.read_text())["instants"]
    passed = max(i for i in instants if i <= datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    instant = datetime.strptime(passed, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    build_live(folder, tmp_path, instant - timedelta(seconds=1), COMMIT, monkeypatch)

    due = plan_step(tmp_path, url, schedule, COMMIT)
    assert due["due"] == "true"
    assert f"a release went live at {instant:%Y-%m-%d %H:%M:%S} UTC" in due["log"]

    summary = tmp_path / "summary.md"
    work = tmp_path / "checkout"
    (work / ".schedule.json").write_bytes(schedule.read_bytes())
    reported = workflow_step(
        WORKFLOW,
        "latency",
        "From each release's instant",
        tmp_path / "runner",
        {"SINCE": due["since"], "GITHUB_STEP_SUMMARY": str(summary)},
        stdlib_python(tmp_path / "bin"),
        cwd=work,
    )
    # A release more than 30 minutes late fails the job, so that GitHub notifies.
    late = datetime.now(UTC) - instant > timedelta(minutes=30)
    assert reported.returncode == (1 if late else 0), reported.stderr
    assert (
        f"::error::What was due at {instant:%Y-%m-%d %H:%M:%S} UTC (a release, an update or a "
        "withdrawal) went live" in reported.stdout
    ) == late
    rows = [line for line in summary.read_text().splitlines() if line.startswith("| 20")]
    assert [row.split(" | ")[0] for row in rows] == [f"| {instant:%Y-%m-%d %H:%M:%S} UTC"]


def test_a_serve_logged_after_the_live_build_is_due_once_so_the_record_shows_it(
    tmp_path: Path, live: tuple[Path, str], schedule: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The confirm job logs a release after its deploy's build: one more build shows it."""
    folder, url = live
    built = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=2)
    build_live(folder, tmp_path, built, COMMIT, monkeypatch)
    plan_step(tmp_path, url, schedule, COMMIT)  # makes the checkout folder
    log = tmp_path / "checkout" / ".golive-log" / "golive.jsonl"
    log.parent.mkdir()
    served = built + timedelta(seconds=75)
    line = {
        "path": "/news/2026/first-product/",
        "instant": "",
        "served": f"{served:%Y-%m-%dT%H:%M:%S}.125Z",
    }
    log.write_text("not an entry\n" + json.dumps(line) + "\n")

    due = plan_step(tmp_path, url, schedule, COMMIT)
    assert due["due"] == "true"
    assert (
        f"the go-live log has a release served at {served:%Y-%m-%d %H:%M:%S} UTC, after the "
        "live build: the record shows it from the next build" in due["log"]
    )

    # That build's as_of is after the serve: the live record shows it, nothing is due.
    build_live(folder, tmp_path, served + timedelta(seconds=30), COMMIT, monkeypatch)
    quiet = plan_step(tmp_path, url, schedule, COMMIT)
    assert quiet["due"] == "false", quiet["log"]
