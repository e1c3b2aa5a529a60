"""The workflows stay thin and hardened: pinned actions, least privilege, no event text in
shell scripts, and no job that builds content holding a secret. (Full linting with
actionlint and zizmor is a separate, slower check.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from support import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
# What runs the pull requests' content, or installs packages from a registry.
BUILDS = re.compile(r"\b(bootstrap\.py|invoke|pelican|pip3?|npm|npx|uv)\b")
INSTALLERS = ("actions/setup-python@", "actions/setup-node@", "actions/cache")
# Jobs that may write: the Pages deployment, the attestations of what was built, and the
# go-live log's own branch.
WRITERS = {
    "deploy": {"pages", "id-token"},
    "attest": {"id-token", "attestations"},
    "served": {"contents"},
}


def jobs() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path.name, name, job)
        for path in WORKFLOWS
        for name, job in yaml.safe_load(path.read_text())["jobs"].items()
    ]


def holds_secrets(job: dict[str, Any]) -> bool:
    """A job that can read a secret: one named in it, or any of its protected environment's.
    (The Pages environment holds none: its deploy job runs only GitHub's deploy action.)"""
    environment = job.get("environment") or {}
    name = environment.get("name") if isinstance(environment, dict) else environment
    return "secrets." in yaml.safe_dump(job) or (name not in (None, "github-pages"))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_is_hardened(path: Path) -> None:
    text = path.read_text()
    workflow = yaml.safe_load(text)
    assert workflow["permissions"] == {"contents": "read"}
    assert "pull_request_target" not in text
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
            if "run" in step:
                assert "${{" not in step["run"], step["run"]
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
    for name, job in workflow["jobs"].items():
        granted = {k for k, v in (job.get("permissions") or {}).items() if v == "write"}
        assert granted <= WRITERS.get(name, set()), (path.name, name, granted)


@pytest.mark.parametrize("where", jobs(), ids=lambda j: f"{j[0]}:{j[1]}")
def test_no_job_that_builds_content_holds_a_secret(where: tuple[str, str, dict]) -> None:
    """A job either builds (runs content through the newsroom, installs packages) or holds
    secrets, never both: a symlink or a hostile build step can read what its job holds."""
    workflow, name, job = where
    steps = job.get("steps", [])
    builds = [s["run"] for s in steps if "run" in s and BUILDS.search(s["run"])]
    installs = [s["uses"] for s in steps if s.get("uses", "").startswith(INSTALLERS)]
    if holds_secrets(job):
        assert not builds and not installs, (workflow, name, builds, installs)
        # Only the deploy programs are checked out; the content is not even on disk.
        for step in steps:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"].get("sparse-checkout") == "deploy", (workflow, name)
    granted = {k for k, v in (job.get("permissions") or {}).items() if v == "write"}
    if builds:
        assert not granted, (workflow, name, granted)


def test_the_rule_sees_a_build_step_beside_a_secret() -> None:
    """The check above fails on the layout it forbids (one job: secret and build)."""
    job = {
        "environment": {"name": "newsroom-server"},
        "steps": [{"run": "python3 bootstrap.py deploy", "env": {"K": "${{ secrets.K }}"}}],
    }
    assert holds_secrets(job)
    assert BUILDS.search(job["steps"][0]["run"])
    assert not holds_secrets({"steps": [{"run": "python3 bootstrap.py build"}]})


def test_the_announce_job_may_be_given_the_webhook_secrets() -> None:
    """The docs tell IT to add each webhook secret to the announce step: with one added, the
    job still runs no build and installs nothing, and has only deploy/ on disk."""
    workflow = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text())
    job = workflow["jobs"]["announce"]
    [send] = [s for s in job["steps"] if s.get("id") == "announce"]
    send["env"] = {"NEWS_HOOK_SECRET": "${{ secrets.NEWS_HOOK_SECRET }}"}
    assert holds_secrets(job)
    steps = job["steps"]
    assert not [s["run"] for s in steps if "run" in s and BUILDS.search(s["run"])]
    assert not [s for s in steps if s.get("uses", "").startswith(INSTALLERS)]
    checkouts = [s for s in steps if s.get("uses", "").startswith("actions/checkout@")]
    assert [c["with"].get("sparse-checkout") for c in checkouts] == ["deploy"]


def test_scheduled_runs_avoid_the_full_hour() -> None:
    """GitHub delays schedules most at minute 0, when everyone's cron fires."""
    for path in WORKFLOWS:
        for trigger in yaml.safe_load(path.read_text())[True].get("schedule") or []:
            minute = trigger["cron"].split()[0]
            assert not re.fullmatch(r"0|\*|\*/\d+|0,.*", minute), (path.name, trigger["cron"])


def test_only_the_confirm_job_may_push_and_it_runs_nothing_but_deploy_served() -> None:
    """The job that appends to the go-live log holds a token that can push: it comes after the
    deploy, has only deploy/ on disk, installs nothing and runs one standard-library program.
    Every other job reads the log's branch with a checkout that keeps no credentials."""
    workflow = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text())
    job = workflow["jobs"]["served"]
    assert job["permissions"] == {"contents": "write"}
    assert {"build", "deploy"} <= set(job["needs"])
    assert holds_secrets(job)
    checkouts = [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@")]
    assert [c["with"].get("sparse-checkout") for c in checkouts] == ["deploy"]
    runs = [s for s in job["steps"] if "run" in s]
    assert [s["run"].split()[:4] for s in runs] == [["python3", "-m", "deploy.served", "confirm"]]
    [confirm] = runs
    assert confirm["env"]["GITHUB_TOKEN"] == "${{ secrets.GITHUB_TOKEN }}"
    assert "--branch golive-log" in confirm["run"]
    downloads = [
        s["with"]["name"] for s in job["steps"] if "download-artifact" in s.get("uses", "")
    ]
    uploads = [
        s["with"]["name"]
        for s in workflow["jobs"]["build"]["steps"]
        if "upload-artifact@" in s.get("uses", "")
    ]
    assert downloads == ["served"] and "served" in uploads
    for name in ("plan", "build"):
        [log] = [
            s
            for s in workflow["jobs"][name]["steps"]
            if s.get("with", {}).get("ref") == "golive-log"
        ]
        assert log["with"]["persist-credentials"] is False
        assert log["with"]["sparse-checkout"] == "/golive.jsonl"
        assert log["with"]["sparse-checkout-cone-mode"] is False
        assert "permissions" not in workflow["jobs"][name]
    build = next(
        s
        for s in workflow["jobs"]["build"]["steps"]
        if s.get("name", "").startswith("Build as of now")
    )
    assert "--golive-log .golive-log/golive.jsonl" in build["run"]
