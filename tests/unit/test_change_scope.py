"""The Checks workflow's first and last jobs: which checks a change needs, and whether the
jobs that had to run passed. Both run tools/change_scope.py exactly as checks.yml does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT

SCRIPT = ROOT / "tools" / "change_scope.py"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def scope(repo: Path, *args: str) -> tuple[str, str]:
    """Run the script in `repo`; return what it prints for $GITHUB_OUTPUT and for people."""
    result = subprocess.run(
        [sys.executable, str(SCRIPT), *args], cwd=repo, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip(), result.stderr.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with a release, a theme file and a branch `pr` off main."""
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "a@example.com")
    git(tmp_path, "config", "user.name", "A")
    (tmp_path / "content" / "releases").mkdir(parents=True)
    (tmp_path / "content" / "releases" / "a.md").write_text("one\n")
    (tmp_path / "theme").mkdir()
    (tmp_path / "theme" / "base.html").write_text("<html>\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "start")
    git(tmp_path, "checkout", "-qb", "pr")
    return tmp_path


def commit(repo: Path, message: str = "change") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message, "--allow-empty")


def test_a_content_only_change_runs_the_content_checks_only(repo: Path) -> None:
    (repo / "content" / "releases" / "a.md").write_text("two\n")
    (repo / "content" / "releases" / "b.md").write_text("new\n")
    commit(repo)
    assert scope(repo, "--against", "main") == (
        "suite=content",
        "Only content/ changed: the content checks run, the test suite does not.",
    )


def test_any_file_outside_content_runs_the_whole_suite(repo: Path) -> None:
    (repo / "content" / "releases" / "a.md").write_text("two\n")
    (repo / "theme" / "base.html").write_text("<html lang>\n")
    commit(repo)
    assert scope(repo, "--against", "main") == (
        "suite=full",
        "Files outside content/ changed, so the whole test suite runs:\n  theme/base.html",
    )


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        # Moved out of content/: the new name is code.
        ("content/releases/a.md", "plugins/a.py", "plugins/a.py"),
        # Moved into content/: the old name was code, and its removal changes the build.
        ("theme/base.html", "content/base.html", "theme/base.html"),
        # A folder that only starts like content/.
        ("content/releases/a.md", "content-old/a.md", "content-old/a.md"),
    ],
)
def test_a_rename_counts_on_both_sides(repo: Path, old: str, new: str, named: str) -> None:
    (repo / new).parent.mkdir(parents=True, exist_ok=True)
    git(repo, "mv", old, new)
    commit(repo)
    output, message = scope(repo, "--against", "main")
    assert output == "suite=full"
    assert f"  {named}" in message.splitlines()


def test_changes_on_main_since_the_branch_point_are_not_the_pull_requests(repo: Path) -> None:
    (repo / "content" / "releases" / "a.md").write_text("two\n")
    commit(repo)
    git(repo, "checkout", "-q", "main")
    (repo / "theme" / "base.html").write_text("<html lang>\n")
    commit(repo, "IT changes the theme on main")
    git(repo, "checkout", "-q", "pr")
    assert scope(repo, "--against", "main")[0] == "suite=content"


def test_without_a_base_the_whole_suite_runs(repo: Path) -> None:
    assert scope(repo)[0] == "suite=full"


def test_an_unknown_base_stops_the_job_with_a_message(repo: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--against", "origin/nope"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("change_scope: cannot compare with origin/nope: ")


GOOD = {"SCOPE": "success", "CONTENT": "success", "BUILD": "success"}


@pytest.mark.parametrize(
    ("results", "problems"),
    [
        ({**GOOD, "SUITE": "content", "TESTS": "skipped"}, []),
        ({**GOOD, "SUITE": "full", "TESTS": "success"}, []),
        ({**GOOD, "SUITE": "content", "TESTS": "success"}, []),
        ({**GOOD, "SUITE": "full", "TESTS": "skipped"}, ["tests: skipped"]),
        ({**GOOD, "SUITE": "full", "TESTS": "failure"}, ["tests: failure"]),
        ({**GOOD, "SUITE": "content", "TESTS": "cancelled"}, ["tests: cancelled"]),
        # The scope job failed: no answer, so the suite's skip proves nothing.
        (
            {**GOOD, "SCOPE": "failure", "SUITE": "", "TESTS": "skipped"},
            ["scope: failure", "tests: skipped"],
        ),
        (
            {**GOOD, "CONTENT": "failure", "SUITE": "content", "TESTS": "skipped"},
            ["content: failure"],
        ),
        ({**GOOD, "BUILD": "cancelled", "SUITE": "full", "TESTS": "success"}, ["build: cancelled"]),
        (
            {"SUITE": "content", "TESTS": "skipped"},
            ["scope: no result", "content: no result", "build: no result"],
        ),
    ],
)
def test_the_gate_passes_only_when_every_job_that_had_to_run_passed(
    results: dict[str, str], problems: list[str]
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {*GOOD, "SUITE", "TESTS"}}
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--gate"],
        env={**env, **results},
        capture_output=True,
        text=True,
    )
    assert result.returncode == (1 if problems else 0)
    assert result.stderr.splitlines() == [f"Not passed: {p}" for p in problems]
