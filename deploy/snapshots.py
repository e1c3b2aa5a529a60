"""The site as it is now and as it will be at each upcoming go-live instant, plus the manifest.

Each snapshot is an ordinary build for one instant, a pure function of the commit and that
instant, so all a host has to do at the instant is point its web root at the next folder.
The manifest, ``schedule.json``, tells the host which folder to show from when.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from newsroom import commands
from newsroom.feeds import INDEX as FEED_INDEX
from newsroom.schedule import GoLive, upcoming
from newsroom.settings import NewsroomSettings, from_pelican

MANIFEST = "schedule.json"
DEFAULT_HORIZON = timedelta(days=7)
ID_FORMAT = "%Y%m%dT%H%M%SZ"
ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class Snapshot:
    """One build: what readers see from ``instant`` until the next snapshot's instant."""

    id: str
    instant: datetime
    changes: tuple[dict[str, str], ...]
    path: Path
    digest: str

    @property
    def dir(self) -> str:
        """The folder name on the host: a rebuilt snapshot with new content never reuses a
        folder a reader may be served from, so it can be uploaded without touching it."""
        return f"{self.id}-{self.digest[:12]}"

    def record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "instant": iso(self.instant),
            "dir": self.dir,
            "changes": list(self.changes),
        }


@dataclass(frozen=True)
class Manifest:
    """Every snapshot of one deploy, the first being the one to show at once, and what
    deploy/notify.py needs to announce each go-live (no secrets: those stay on the host)."""

    generated_at: datetime
    snapshots: tuple[Snapshot, ...]
    notify: dict[str, Any]
    #: The CDN purges the switcher sends at each switch (deploy/purge.py); no secrets.
    purge: tuple[dict[str, str], ...] = ()

    def to_json(self) -> str:
        """Sorted keys and no clock reading: the same commit and instant give the same bytes."""
        data = {
            "generated_at": iso(self.generated_at),
            "snapshots": [s.record() for s in self.snapshots],
            "notify": self.notify,
            "purge": list(self.purge),
        }
        return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"

    def write(self, folder: Path) -> Path:
        target = folder / MANIFEST
        target.write_text(self.to_json(), encoding="utf-8")
        return target


def iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime(ISO_FORMAT)


def snapshot_id(instant: datetime) -> str:
    """``20261203T060000Z``: sorts like the instants, and is safe in a file name."""
    return instant.astimezone(UTC).strftime(ID_FORMAT)


def changes_at(go: GoLive, site_url: str) -> tuple[dict[str, str], ...]:
    """What goes live at one instant, in the words the host's log and notifications use."""
    return tuple(
        {
            "kind": change.kind,
            "title": change.release.title,
            "url": f"{site_url}/{change.release.url}",
            "path": f"/{change.release.url}",
            "instant": iso(go.instant),
            "local_time": change.local.isoformat(),
        }
        for change in go.changes
    )


def notify_config(settings: NewsroomSettings, site_url: str) -> dict[str, Any]:
    """The ``config`` for ``deploy/notify.py``, which a deploy writes into its manifest.

    ``feed_index`` names the file each build writes with its feeds and their hashes; whoever
    announces a switch adds the indexes before and after it (``feeds_before``,
    ``feeds_after``), so the hub hears of exactly the feeds that changed. A hub can only
    fetch full addresses, so a development build (no SITEURL) announces no feed.
    """
    return {
        "websub_hub": settings.websub_hub or None,
        "site_url": site_url or None,
        "feed_index": FEED_INDEX,
        "webhooks": [{"url": w.url, "secret_env": w.secret_env} for w in settings.webhooks],
        "retries": 4,
        "backoff_seconds": 1.0,
        "timeout_seconds": 5,
    }


def build_snapshots(
    work: Path,
    settings_file: str | Path = "publishconf.py",
    *,
    as_of: datetime | None = None,
    horizon: timedelta = DEFAULT_HORIZON,
    content: str | Path | None = None,
    extra: dict[str, Any] | None = None,
    out: TextIO = sys.stdout,
) -> Manifest:
    """Build one snapshot per instant into ``work/<id>/`` and write ``work/schedule.json``.

    ``as_of`` defaults to now, cut to the second: release dates have whole seconds, so this
    changes nothing that is public, and the "now" snapshot gets a stable id.
    """
    now = (as_of or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    settings = commands.pelican_settings(settings_file, as_of=now, content=content, extra=extra)
    newsroom = commands.check(settings)
    if newsroom.errors:
        commands.report(newsroom.errors, out)
        raise commands.BuildFailed(commands.summary(newsroom))
    site_url = str(settings.get("SITEURL", "")).rstrip("/")
    plan = [GoLive(now, ()), *upcoming(newsroom.releases, now, horizon)]

    work.mkdir(parents=True, exist_ok=True)
    snapshots: list[Snapshot] = []
    previous: dict[str, tuple[str, int]] = {}
    for go in plan:
        folder = work / snapshot_id(go.instant)
        build_settings = commands.pelican_settings(
            settings_file, as_of=go.instant, output=folder, content=content, extra=extra
        )
        commands.build(build_settings, out=out)
        files = _stamp(folder, go.instant, previous)
        previous = files
        snapshots.append(
            Snapshot(
                snapshot_id(go.instant),
                go.instant,
                changes_at(go, site_url),
                folder,
                _tree_digest(files),
            )
        )
        print(f"Built snapshot {snapshots[-1].dir} ({len(files)} files).", file=out)
    notify = notify_config(from_pelican(settings), site_url)
    manifest = Manifest(now, tuple(snapshots), notify, from_pelican(settings).cache_purge)
    manifest.write(work)
    return manifest


def _files(folder: Path) -> Iterable[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _stamp(
    folder: Path, instant: datetime, previous: dict[str, tuple[str, int]]
) -> dict[str, tuple[str, int]]:
    """Give every file the instant its content first appeared in this deploy as its mtime.

    Unchanged files then match the previous snapshot's in size and time, so rsync's
    ``--link-dest`` hard-links them instead of copying; a changed file always gets a new
    time, so nginx's ``Last-Modified`` and ``ETag`` change with it. Both are derived from the
    instants, so the output stays a function of the commit and the instant.
    """
    stamp = int(instant.timestamp()) * 1_000_000_000
    files: dict[str, tuple[str, int]] = {}
    for path in _files(folder):
        name = path.relative_to(folder).as_posix()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        before = previous.get(name)
        mtime = before[1] if before is not None and before[0] == digest else stamp
        os.utime(path, ns=(mtime, mtime))
        files[name] = (digest, mtime)
    for path in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        os.utime(path, ns=(stamp, stamp))
    return files


def _tree_digest(files: dict[str, tuple[str, int]]) -> str:
    """One hash for the whole build: file names and contents. Times are left out, so a
    folder already on the host with the same content is reused as it is."""
    total = hashlib.sha256()
    for name, (digest, _) in sorted(files.items()):
        # Pagefind writes some index files in a different order on every run, with the same
        # content; they would make an unchanged snapshot look new and upload it again.
        if name.startswith("pagefind/"):
            continue
        total.update(f"{name}\0{digest}\n".encode())
    return total.hexdigest()
