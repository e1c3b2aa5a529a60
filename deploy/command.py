"""What ``invoke deploy`` does, kept out of tasks.py so tests and benchmarks can call it."""

from __future__ import annotations

import shlex
import sys
import tempfile
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from .remote import Connection, ship
from .snapshots import Manifest, build_snapshots
from .switcher import GOLIVE_LOG


def deploy(
    target: str | Sequence[str],
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
    """Build the snapshots for the next ``days``, ship them to every target and switch.

    ``target`` is one host or several (all get the same snapshots, and switch together).
    ``extra`` overrides settings, as ``--settings`` files do. ``work`` keeps the local
    builds (for inspection, or for ``python3 -m deploy.ship`` later, as CI does); by default they go
    to a temporary folder that is removed afterwards. ``dry_run`` builds and prints the
    plan only; so does an empty ``target`` with a ``work`` folder (build only).
    """
    targets = [target] if isinstance(target, str) else list(target)
    connections = [Connection.from_options(t, port, identity, known_hosts) for t in targets]
    extra = dict(extra or {})
    if root is not None:
        extra["NEWSROOM_ROOT"] = str(root)
    if site_url is not None:
        extra["SITEURL"] = site_url.rstrip("/")
    try:
        if not dry_run:
            for connection in connections:  # before building: an unreachable host fails now
                connection.open()
        with tempfile.TemporaryDirectory(prefix="masthead-deploy-") as scratch:
            folder = work or Path(scratch)
            if not dry_run:
                log = fetch_golive_logs(connections, Path(scratch))
                extra["NEWSROOM_GOLIVE_LOG"] = str(log)
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
            if dry_run or not connections:
                return manifest
            ship(folder, connections, out)
    finally:
        for connection in connections:
            connection.close()
    print(f"Deployed to {', '.join(str(c.target) for c in connections)}.", file=out)
    return manifest


def fetch_golive_logs(connections: list[Connection], folder: Path) -> Path:
    """Every host's go-live log (deploy/switcher.py), one after the other: the record shows
    when each release was first served, by whichever host served it first."""
    texts = []
    for connection in connections:
        log = shlex.quote(f"{connection.target.path}/{GOLIVE_LOG}")
        text = connection.shell(f"cat {log} 2>/dev/null || true", "Reading the go-live log")
        texts.append(text if not text or text.endswith("\n") else text + "\n")
    path = folder / GOLIVE_LOG
    path.write_text("".join(texts), encoding="utf-8")
    return path


def describe(manifest: Manifest) -> str:
    """The plan in words: which snapshot the host shows from when, and why."""
    lines = []
    for index, snapshot in enumerate(manifest.snapshots):
        when = "now" if index == 0 else f"{snapshot.instant:%Y-%m-%d %H:%M:%S} UTC"
        lines.append(f"{snapshot.dir}  shown from {when}")
        lines += [f"    {c['kind']}: {c['title']} ({c['url']})" for c in snapshot.changes]
    return "\n".join(lines)
