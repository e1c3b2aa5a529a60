"""`invoke announce` as the Pages workflow runs it, against a WebSub hub on 127.0.0.1.

The two builds are real `invoke build` runs of a small newsroom, one before and one after a
release goes live. The workflow's own steps run as written in .github/workflows/publish.yml:
the plan job's reads the live site's feed index (the first build, served on 127.0.0.1), the
build job's reads the new build's, and the announce step gets both as its jobs pass them.
"""

from __future__ import annotations

import functools
import os
import shlex
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import yaml

from support import ROOT
from tools.harness import repository

SITE_URL = "https://news.example.com"
BEFORE = "2026-12-01T00:00:00Z"  # the fixture's embargoed launch goes live on 2026-12-03
AFTER = "2026-12-04T00:00:00Z"
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"


@dataclass
class Hub:
    url: str
    pings: list[dict[str, list[str]]]


@pytest.fixture(scope="module")
def hub() -> Iterator[Hub]:
    pings: list[dict[str, list[str]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            assert self.headers["Content-Type"] == "application/x-www-form-urlencoded"
            pings.append(parse_qs(body.decode(), strict_parsing=True))
            self.send_response(202)  # WebSub: 2xx accepts a publish notification
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield Hub(f"http://127.0.0.1:{server.server_address[1]}/hub", pings)
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory, hub: Hub) -> Path:
    """A newsroom repository: this one's code and settings, the basic fixture as content,
    and a WebSub hub in NEWSROOM, built as of the two instants with `invoke build`."""
    repo = repository(tmp_path_factory.mktemp("work") / "repo")
    with (repo / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write(f'\nNEWSROOM["websub_hub"] = "{hub.url}"\n')
    for as_of, output in ((BEFORE, "before"), (AFTER, "after")):
        invoke(repo, "build", "--settings", "publishconf.py", "--as-of", as_of, "--output", output)
    return repo


def invoke(repo: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=repo,
        env={**os.environ, "NEWSROOM_SITEURL": SITE_URL},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def step(job: str, ident: str) -> dict[str, Any]:
    jobs = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]
    [found] = [s for s in jobs[job]["steps"] if s.get("id") == ident]
    return found


def job_output(job: str, cwd: Path, tmp_path: Path, **env: str) -> str:
    """A job's ``feeds`` output, as its step writes it to GITHUB_OUTPUT."""
    jobs = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]
    assert jobs[job]["outputs"]["feeds"] == "${{ steps.feeds.outputs.feeds }}"
    target = tmp_path / f"{job}-output"
    target.write_text("")
    run = {**os.environ, "NO_PROXY": "127.0.0.1", "GITHUB_OUTPUT": str(target), **env}
    script = step(job, "feeds")["run"]
    subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=cwd, env=run, check=True)
    [line] = target.read_text().splitlines()
    name, _, value = line.partition("=")
    assert name == "feeds"
    return value


@pytest.fixture
def live(repo: Path) -> Iterator[str]:
    """The site before the go-live, served on 127.0.0.1 as the live site."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(repo / "before"))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def built(repo: Path, tmp_path: Path) -> str:
    """The build job's output: the step runs where the build wrote output/."""
    (tmp_path / "checkout").mkdir()
    (tmp_path / "checkout" / "output").symlink_to(repo / "after")
    return job_output("build", tmp_path / "checkout", tmp_path)


def run_announce(repo: Path, hub: Hub, previous: str, current: str) -> tuple[list[str], str]:
    """The two steps as the workflow runs them: the build job works out what to announce,
    with what the plan job hands it; the announce job sends it, with no package installed."""
    plan = step("build", "announcement")
    # The workflow's bootstrap.py sets up .venv, then runs invoke with the same arguments.
    script = plan["run"].replace("python3 bootstrap.py", f"{shlex.quote(sys.executable)} -m invoke")
    assert script != plan["run"]
    env = {
        **os.environ,
        "NO_PROXY": "127.0.0.1",
        "no_proxy": "127.0.0.1",
        "SINCE": BEFORE,
        "PREVIOUS_FEEDS": previous,
        "CURRENT_FEEDS": current,
        "NEWSROOM_SITEURL": SITE_URL,
    }
    assert set(plan["env"]) <= set(env)
    (repo / "announcement.json").unlink(missing_ok=True)
    subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=env, check=True)
    send = step("announce", "announce")
    # The runner's own python3, without site-packages: the standard library only.
    script = send["run"].replace("python3", f"{shlex.quote(sys.executable)} -S", 1)
    assert script != send["run"]
    hub.pings.clear()
    done = subprocess.run(
        ["bash", "-e", "-c", script], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return sorted(p["hub.url"][0] for p in hub.pings if p["hub.mode"] == ["publish"]), done.stdout


def one_line(index: Path) -> str:
    """A feed index as a job output carries it."""
    return index.read_text(encoding="utf-8").replace("\n", "")


def feed_files(output: Path) -> dict[str, bytes]:
    folder = output / "feeds"
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name != "index.json"
    }


def test_the_hub_hears_of_every_feed_that_changed_and_no_other(
    repo: Path, hub: Hub, live: str, tmp_path: Path
) -> None:
    before, after = feed_files(repo / "before"), feed_files(repo / "after")
    changed = sorted(f"{SITE_URL}/{p}" for p, data in after.items() if before.get(p) != data)
    previous = job_output("plan", tmp_path, tmp_path, NEWSROOM_SITEURL=live)
    assert previous == one_line(repo / "before/feeds/index.json")
    pinged, log = run_announce(repo, hub, previous, built(repo, tmp_path))
    assert pinged == changed
    assert len(hub.pings) == len(changed)
    # The launch is a product release in English: those feeds changed; the results did not.
    for feed in ("all", "topics/products", "lang/en"):
        for suffix in (".atom.xml", ".rss.xml", ".json"):
            assert f"{SITE_URL}/feeds/{feed}{suffix}" in pinged
    assert not [p for p in pinged if "financial-results" in p]
    assert f"notify: {len(changed)} of {len(changed)} deliveries succeeded" in log


def test_a_first_deploy_announces_every_feed(repo: Path, hub: Hub, tmp_path: Path) -> None:
    every = sorted(f"{SITE_URL}/{p}" for p in feed_files(repo / "after"))
    with socket.socket() as probe:  # nothing listens there: no live site yet
        probe.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{probe.getsockname()[1]}"
    previous = job_output("plan", tmp_path, tmp_path, NEWSROOM_SITEURL=nowhere)
    assert previous == ""
    pinged, log = run_announce(repo, hub, previous, built(repo, tmp_path))
    assert pinged == every
    assert "the previous feed index is unknown; announcing every feed" in log


def test_nothing_changed_pings_nothing(repo: Path, hub: Hub) -> None:
    index = one_line(repo / "after/feeds/index.json")
    pinged, log = run_announce(repo, hub, index, index)
    assert pinged == [] and hub.pings == []
    assert "no feed changed; no ping sent" in log


def test_without_the_new_index_nothing_is_guessed(repo: Path, hub: Hub) -> None:
    previous = one_line(repo / "before/feeds/index.json")
    for current in ("", '{"feeds": {"../../etc/passwd": "00"}}', "{not json"):
        pinged, log = run_announce(repo, hub, previous, current)
        assert pinged == []
        assert "the new site's feed index is missing or unusable; no ping sent" in log
