"""What ``invoke deploy`` does, kept out of tasks.py so tests and benchmarks can call it."""

from __future__ import annotations

import shlex
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from .remote import Connection, ship
from .snapshots import Manifest, build_snapshots
from .switcher import GOLIVE_LOG


def deploy(
    target: str,
    *,
    settings_file: str | Path = "publishconf.py",
    days: float = 7,
    port: int | None = None,
    identity: str | None = None,
    known_hosts: str | None = None,
    site_url: str | None = None,
    content: str | Path | None = None,
    root: str | Path | None = None,
    as_of: datetime | None = None,
    extra: dict[str, Any] | None = None,
    work: Path | None = None,
    dry_run: bool = False,
    out: TextIO = sys.stdout,
) -> Manifest:
    """Build the snapshots for the next ``days``, ship them to ``target`` and switch.

    ``extra`` overrides settings, as ``--settings`` files do. ``work`` keeps the local
    builds for inspection; by default they go to a temporary folder that is removed
    afterwards. ``dry_run`` builds and prints the plan only.
    """
    connection = Connection.from_options(target, port, identity, known_hosts)
    extra = dict(extra or {})
    if root is not None:
        extra["NEWSROOM_ROOT"] = str(root)
    if site_url is not None:
        extra["SITEURL"] = site_url.rstrip("/")
    if not dry_run:
        connection.open()  # before building: a host that cannot be reached fails at once
    try:
        with tempfile.TemporaryDirectory(prefix="masthead-deploy-") as scratch:
            folder = work or Path(scratch)
            if not dry_run:
                extra["NEWSROOM_GOLIVE_LOG"] = str(fetch_golive_log(connection, Path(scratch)))
            manifest = build_snapshots(
                folder,
                settings_file,
                as_of=as_of,
                horizon=timedelta(days=days),
                content=content,
                extra=extra,
                out=out,
            )
            print(describe(manifest), file=out)
            if dry_run:
                return manifest
            ship(manifest, folder, connection, out)
    finally:
        connection.close()
    print(f"Deployed to {connection.target}.", file=out)
    return manifest


def fetch_golive_log(connection: Connection, folder: Path) -> Path:
    """The host's go-live log (deploy/switcher.py): the record shows when each was served."""
    log = shlex.quote(f"{connection.target.path}/{GOLIVE_LOG}")
    text = connection.shell(f"cat {log} 2>/dev/null || true", "Reading the go-live log")
    path = folder / GOLIVE_LOG
    path.write_text(text, encoding="utf-8")
    return path


def describe(manifest: Manifest) -> str:
    """The plan in words: which snapshot the host shows from when, and why."""
    lines = []
    for index, snapshot in enumerate(manifest.snapshots):
        when = "now" if index == 0 else f"{snapshot.instant:%Y-%m-%d %H:%M:%S} UTC"
        lines.append(f"{snapshot.dir}  shown from {when}")
        lines += [f"    {c['kind']}: {c['title']} ({c['url']})" for c in snapshot.changes]
    return "\n".join(lines)
