"""Run a step of a workflow in .github/workflows as a GitHub runner would: its own script
with ``bash --noprofile --norc -eo pipefail``, its own env, RUNNER_TEMP, and a python3 of
the test's choosing. Tests drive the workflows' real commands this way."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"


def find_step(workflow: str, job: str, name: str) -> dict[str, Any]:
    """A step of a workflow, found by the start of its name."""
    steps = yaml.safe_load((WORKFLOWS / workflow).read_text("utf-8"))["jobs"][job]["steps"]
    found = [s for s in steps if s.get("name", "").startswith(name)]
    assert len(found) == 1, f"{workflow} {job}: no single step named {name!r}"
    return found[0]


def stdlib_python(folder: Path) -> Path:
    """A folder with a ``python3`` that sees the standard library only (no site-packages),
    as on a runner where nothing was installed."""
    folder.mkdir(parents=True, exist_ok=True)
    wrapper = folder / "python3"
    system = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else shutil.which("python3")
    wrapper.write_text(f'#!/bin/sh\nexec {system} -S "$@"\n')
    wrapper.chmod(0o755)
    return folder


def workflow_step(
    workflow: str,
    job: str,
    name: str,
    runner: Path,
    values: dict[str, str],
    bin_folder: Path,
    cwd: Path = ROOT,
) -> subprocess.CompletedProcess[str]:
    """Run one step; ``values`` gives each variable of the step's env (a missing one fails)."""
    found = find_step(workflow, job, name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MASTHEAD_", "VIRTUAL_ENV"))}
    env.pop("GITHUB_SHA", None)
    env["PATH"] = f"{bin_folder}:{env['PATH']}"
    env["RUNNER_TEMP"] = str(runner)
    env.update({key: values[key] for key in found.get("env", {})})
    env.update({k: v for k, v in values.items() if k.startswith("GITHUB_")})
    runner.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", found["run"]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
