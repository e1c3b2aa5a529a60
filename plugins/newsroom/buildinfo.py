"""``build.json``: the instant and the commit a site was built from.

The scheduled deploy on GitHub Pages (deploy/pages.py) redeploys when main has moved on or
a release is due since that instant. It is the one output that names the clock's instant
rather than the site's (schedule.Window), so a rebuild that keeps the rest of the output
writes it again. It holds nothing about what is scheduled next: the timing of an embargoed
release is itself sensitive, so the schedule stays in the repository.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from .atomic import write_file

NAME = "build.json"


def write(output: Path, as_of: datetime, root: Path) -> None:
    """Write ``build.json`` into ``output``, replacing it whole (a reader never sees half)."""
    record = {"as_of": as_of.astimezone(UTC).isoformat().replace("+00:00", "Z")}
    commit = built_commit(root)
    if commit:
        record["commit"] = commit
    write_file(output / NAME, (json.dumps(record, sort_keys=True) + "\n").encode("utf-8"))


def built_commit(root: Path) -> str | None:
    """The commit being built: CI's GITHUB_SHA, else git's HEAD, else None (not a clone)."""
    if os.environ.get("GITHUB_SHA"):
        return os.environ["GITHUB_SHA"]
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    head = done.stdout.strip()
    return head if done.returncode == 0 and len(head) == 40 else None
