"""On GitHub Pages the record learns when each release was really served: the build job lists
what a deploy makes public, a job after the deploy waits until each page is served as built
and appends the instant to the go-live log on a branch of its own, and the next build shows
it. Here the live site is nginx on 127.0.0.1 switching from one real build to the next, the
repository that keeps the log is a bare git repository, and the workflow's own steps run with
a python3 that has no site-packages, as on a fresh runner."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from workflow_runner import stdlib_python, workflow_step

from support import FIXTURES, ROOT, Site
from tools.harness import missing_programs, nginx

needs_nginx = pytest.mark.skipif(
    "nginx" in " ".join(missing_programs()), reason="the Pages go-live test needs nginx"
)
WORKFLOW = "publish.yml"
LAUNCH = "/news/2026/embargoed-launch/"
Q4 = "/news/2025/q4-results/"
BRANCH = "golive-log"
STAMP = "%Y-%m-%dT%H:%M:%SZ"


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], capture_output=True, check=True)
    return done.stdout.decode("utf-8", "replace")


def branch_file(remote: Path) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", str(remote), "show", f"{BRANCH}:golive.jsonl"],
        capture_output=True,
        check=True,
    ).stdout


def seed_log(remote: Path, tmp_path: Path, text: bytes) -> None:
    """The log branch as an earlier deploy (or someone with write access) left it."""
    work = tmp_path / "seed"
    git("init", "-q", "-b", BRANCH, str(work))
    (work / "golive.jsonl").write_bytes(text)
    git("-C", str(work), "add", "golive.jsonl")
    ident = ["-c", "user.name=T", "-c", "user.email=t@example.com"]
    git("-C", str(work), *ident, "commit", "-qm", "Earlier deploys")
    git("-C", str(work), "push", "-q", str(remote), f"HEAD:refs/heads/{BRANCH}")


def build(site: Site, output: Path, as_of: datetime, url: str, log: Path | None = None) -> None:
    """The real invoke build, as the build job runs it (with the log read from the branch)."""
    command = [sys.executable, "-m", "invoke", "build", "--settings", "publishconf.py"]
    command += ["--content", str(site.path), "--output", str(output)]
    command += ["--as-of", as_of.strftime(STAMP), *(["--golive-log", str(log)] if log else [])]
    env = {**os.environ, "NEWSROOM_SITEURL": url}
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr


def what_goes_live(builder: Path, since: datetime, url: str) -> dict[str, Any]:
    """The build job's step after the build, in a workspace whose output/ is the new site."""
    listed = workflow_step(
        WORKFLOW,
        "build",
        "What goes live with this deploy",
        builder.parent / "runner",
        {"SINCE": since.strftime(STAMP), "NEWSROOM_SITEURL": url},
        stdlib_python(builder.parent / "bin"),
        cwd=builder,
    )
    assert listed.returncode == 0, listed.stdout + listed.stderr
    return json.loads((builder / "served.json").read_text())


def served_module(*args: str) -> subprocess.CompletedProcess[str]:
    """``python3 -m deploy.served``, as the workflow runs it."""
    command = [sys.executable, "-m", "deploy.served", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def switch(srv: Path, output: Path) -> None:
    """The deploy: the web root now serves ``output`` (one atomic rename, as Pages flips)."""
    (srv / "next").symlink_to(output)
    (srv / "next").rename(srv / "current")


def job_folder(tmp_path: Path, name: str) -> Path:
    """A runner's workspace after a sparse checkout of deploy/."""
    work = tmp_path / name
    work.mkdir()
    (work / "deploy").symlink_to(ROOT / "deploy")
    return work


def hosts(tmp_path: Path) -> tuple[Path, Path]:
    """The web server's folder (nginx serves its ``current``) and the repository's remote."""
    srv = tmp_path / "srv"
    srv.mkdir()
    remote = tmp_path / "repository.git"
    git("init", "-q", "--bare", str(remote))
    return srv, remote


@pytest.fixture
def site(tmp_path: Path) -> tuple[Site, datetime]:
    """The fixture site, its embargoed release due an hour ago (the served instant is now)."""
    shutil.copytree(FIXTURES / "basic", tmp_path / "site")
    instant = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    release = tmp_path / "site" / "releases" / "2026" / "embargoed-launch.md"
    text = release.read_text().replace(
        "date: 2026-12-03 07:00 Europe/Berlin", f"date: {instant:%Y-%m-%dT%H:%M:%S+00:00}"
    )
    release.write_text(text)
    return Site(tmp_path / "site"), instant


@needs_nginx
def test_a_release_that_went_live_on_pages_gets_its_served_instant_on_the_record(
    site: tuple[Site, datetime], tmp_path: Path
) -> None:
    newsroom, instant = site
    srv, remote = hosts(tmp_path)
    # An earlier line, a damaged one, and a last line cut short: kept byte for byte.
    earlier = json.dumps({"path": Q4, "instant": "", "served": "2025-12-15T06:30:02.500Z"})
    seeded = f"{earlier}\n".encode() + b'\xff not an entry\n{"path": "/news/'
    seed_log(remote, tmp_path, seeded)
    python = stdlib_python(tmp_path / "bin")

    with nginx(tmp_path / "nginx", srv) as port:
        url = f"http://127.0.0.1:{port}"
        before, after = tmp_path / "before", tmp_path / "after"
        since = instant - timedelta(minutes=1)
        build(newsroom, before, since, url)
        (srv / "current").symlink_to(before)
        build(newsroom, after, datetime.now(UTC), url)

        # The build job, before the deploy: what goes live with it, from the live record.
        builder = job_folder(tmp_path, "build")
        (builder / "output").symlink_to(after)
        plan = what_goes_live(builder, since, url)
        record = json.loads((after / "disclosures.json").read_text())
        fingerprint = {d["url"]: d["sha256"] for d in record["disclosures"]}
        assert [r["path"] for r in plan["releases"]] == [LAUNCH]
        assert plan["releases"][0]["sha256"] == fingerprint[f"{url}{LAUNCH}"]
        assert plan["releases"][0]["instant"] == instant.strftime(STAMP)

        # The deploy, then the confirm job with the plan the build job uploaded.
        switch(srv, after)
        confirmer = job_folder(tmp_path, "served")
        (confirmer / "served.json").write_bytes((builder / "served.json").read_bytes())
        summary = tmp_path / "summary.md"
        started = datetime.now(UTC)
        confirmed = workflow_step(
            WORKFLOW,
            "served",
            "Wait until each release is served",
            tmp_path / "runner",
            {
                "GITHUB_TOKEN": "",
                "NEWSROOM_SITEURL": url,
                "REPOSITORY_URL": str(remote),
                "GITHUB_STEP_SUMMARY": str(summary),
            },
            python,
            cwd=confirmer,
        )
        finished = datetime.now(UTC)
        assert confirmed.returncode == 0, confirmed.stdout + confirmed.stderr
        log = branch_file(remote)
        assert log.startswith(seeded + b"\n")
        [added] = log[len(seeded) + 1 :].decode().splitlines()
        line = json.loads(added)
        served = datetime.fromisoformat(line["served"].replace("Z", "+00:00"))
        assert started <= served <= finished
        assert line == {
            "path": LAUNCH,
            "instant": instant.strftime(STAMP),
            "served": line["served"],
            "sha256": fingerprint[f"{url}{LAUNCH}"],
        }
        author = git("--git-dir", str(remote), "log", "-1", "--format=%an %s", BRANCH)
        assert author.strip() == f"github-actions[bot] Served: {LAUNCH}"
        late = int((served - instant).total_seconds())
        row = f"| {LAUNCH} | {instant.strftime(STAMP)} | {line['served']} | {late // 60} min "
        assert f"{row}{late % 60:02d} s |" in summary.read_text()

        # The next build reads the branch (as the build job checks it out) and shows it.
        copy = tmp_path / "log-checkout"
        git("clone", "-q", "--branch", BRANCH, str(remote), str(copy))
        again = tmp_path / "again"
        build(newsroom, again, served + timedelta(seconds=1), url, copy / "golive.jsonl")
        entries = {
            d["url"]: d for d in json.loads((again / "disclosures.json").read_text())["disclosures"]
        }
        shown = entries[f"{url}{LAUNCH}"]
        assert shown["served"]["utc"] == served.strftime(STAMP)
        delay = round((served - instant).total_seconds(), 3)
        assert shown["delay_seconds"] == delay
        assert entries[f"{url}{Q4}"]["delay_seconds"] == 2.5
        page = (again / "disclosures/index.html").read_text()
        assert f"{delay:.3f} s after the scheduled time" in page
        switch(srv, again)

        # The monitor judges lateness on Pages from that record.
        monitor = [sys.executable, "-m", "invoke", "verify-live", "--site", url]
        monitor += [
            "--content",
            str(newsroom.path),
            "--as-of",
            (served + timedelta(seconds=1)).strftime(STAMP),
        ]
        late = subprocess.run([*monitor, "--late", "600"], cwd=ROOT, capture_output=True, text=True)
        assert late.returncode == 1, late.stdout + late.stderr
        assert (
            f"{LAUNCH}: late: served {delay:.0f} s after its scheduled time, more than the 600 s "
            "allowed" in late.stdout
        )
        on_time = subprocess.run([*monitor, "--late", "7200"], cwd=ROOT, capture_output=True)
        assert on_time.returncode == 0, on_time.stdout

        # The next deploy lists nothing new, and a second confirm never rewrites the first.
        (builder / "output").unlink()
        (builder / "output").symlink_to(again)
        assert what_goes_live(builder, served, url) == {"releases": []}
        tip = git("--git-dir", str(remote), "rev-parse", BRANCH)
        again_confirmed = served_module(
            "confirm",
            "--plan",
            str(confirmer / "served.json"),
            "--site",
            url,
            "--remote",
            str(remote),
            "--timeout",
            "30",
        )
        assert again_confirmed.returncode == 0, again_confirmed.stdout
        assert "Appended 0 line(s) to golive.jsonl on golive-log." in again_confirmed.stdout
        assert git("--git-dir", str(remote), "rev-parse", BRANCH) == tip


@needs_nginx
def test_a_page_not_served_as_built_is_never_logged_and_fails_the_job(
    site: tuple[Site, datetime], tmp_path: Path
) -> None:
    newsroom, instant = site
    srv, remote = hosts(tmp_path)
    with nginx(tmp_path / "nginx", srv) as port:
        url = f"http://127.0.0.1:{port}"
        out = tmp_path / "out"
        build(newsroom, out, datetime.now(UTC), url)
        (srv / "current").symlink_to(out)
        plan = tmp_path / "served.json"
        done = served_module(
            "went-live",
            "--previous",
            f"{url}/nothing",
            "--since",
            (instant - timedelta(seconds=1)).strftime(STAMP),
            "--output",
            str(out),
            "--plan",
            str(plan),
        )
        assert "cannot be read: going by instants alone" in done.stdout
        assert [r["path"] for r in json.loads(plan.read_text())["releases"]] == [LAUNCH]
        page = out / LAUNCH.strip("/") / "index.html"
        page.write_text(page.read_text().replace("Embargoed body text.", "Other text."))

        confirm = ["confirm", "--plan", str(plan), "--site", url, "--remote", str(remote)]
        confirm += ["--timeout", "3", "--interval", "1"]
        failed = served_module(*confirm)
        assert failed.returncode == 1
        assert (
            f"::error::{LAUNCH} was not served as built within 3 s: the page is not the one "
            "this deploy built." in failed.stdout
        )
        # The branch is made for the builds to read, with nothing in the log.
        assert branch_file(remote) == b""

        shutil.rmtree(out / LAUNCH.strip("/"))
        failed = served_module(*confirm)
        assert "within 3 s: the page answers HTTP 404." in failed.stdout
        assert branch_file(remote) == b""


def test_deploys_appending_at_once_each_add_their_line_and_none_is_lost(tmp_path: Path) -> None:
    """A push that is not a fast-forward is refused; the loser fetches and appends again."""
    from deploy.served import append

    remote = tmp_path / "repository.git"
    git("init", "-q", "--bare", str(remote))
    paths = [f"/news/2026/release-{n}/" for n in range(6)]
    lines = {
        path: json.dumps({"path": path, "instant": "", "served": "2026-11-23T12:00:00.000Z"})
        for path in paths
    }
    with ThreadPoolExecutor(len(paths)) as pool:
        done = list(
            pool.map(lambda p: append(str(remote), BRANCH, {p: lines[p]}, attempts=20), paths)
        )
    assert sorted(path for appended in done for path in appended) == sorted(paths)
    text = branch_file(remote).decode()
    assert sorted(text.splitlines()) == sorted(lines.values())
    history = git("--git-dir", str(remote), "log", "--format=%s", BRANCH).splitlines()
    assert len(history) == len(paths)  # each append one commit on the last, none replaced


def test_a_site_under_a_path_of_its_own_lists_its_releases_by_their_path_on_the_site(
    site: tuple[Site, datetime], tmp_path: Path
) -> None:
    """A project site (https://example.github.io/newsroom): addresses carry /newsroom, the
    built pages and the log do not."""
    newsroom, instant = site
    address = "https://example.github.io/newsroom"
    out, plan = tmp_path / "out", tmp_path / "served.json"
    build(newsroom, out, datetime.now(UTC), address)
    since = (instant - timedelta(seconds=1)).strftime(STAMP)
    done = served_module(
        "went-live", "--site", address, "--previous", str(tmp_path / "none.json"),
        "--since", since, "--output", str(out), "--plan", str(plan),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    [listed] = json.loads(plan.read_text())["releases"]
    page = (out / LAUNCH.strip("/") / "index.html").read_bytes()
    assert (listed["path"], listed["page_sha256"]) == (LAUNCH, hashlib.sha256(page).hexdigest())

    # A page the list cannot fingerprint is left to the confirm job's failure, never the
    # deploy's: the step warns and goes on.
    (out / LAUNCH.strip("/") / "index.html").unlink()
    done = served_module(
        "went-live", "--site", address, "--previous", str(tmp_path / "none.json"),
        "--since", since, "--output", str(out), "--plan", str(plan),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"::warning::{LAUNCH}: not confirmed after the deploy (" in done.stdout
    assert json.loads(plan.read_text()) == {"releases": []}
