"""The go-live log: when readers could first fetch each release, as the deploy recorded it.

Its own module because two sides read it: the disclosure record shows the delay, and the
build command reports the lines it leaves out without loading the outputs.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


class GoLiveLogError(ValueError):
    """The go-live log cannot be read at all; the message names the file."""


#: A release's address as the go-live log names it: /news/2026/slug/.
_LOG_PATH = re.compile(r"/(?:[A-Za-z0-9_~%-][A-Za-z0-9._~%-]*/)+")
# Far more than any entry or any real log (a line is about 150 bytes): what is beyond is
# not read, so a file that is not a log cannot hold the build up.
_MAX_LINE_BYTES = 4096
_MAX_LOG_BYTES = 64 * 1024 * 1024
_MAX_NOTES = 20


@dataclass(frozen=True)
class GoLiveLog:
    """What the go-live log says: the first serve of each path, and the lines left out."""

    served: dict[str, datetime]
    skipped: tuple[str, ...] = ()
    #: Every entry's instant, first serves or not: the output changes at none but the first
    #: serves, but the scheduled deploy counts them all (deploy/pages.py), so the build's
    #: window in time (schedule.Window) does too, or a later serve would look due forever.
    instants: tuple[datetime, ...] = ()


def read_golive_log(path: Path) -> GoLiveLog:
    """The go-live log (JSON Lines ``{"path", "instant", "served"}``): first serve per path.

    The switcher appends a line for each release at each switch (deploy/switcher.py); on
    GitHub Pages the workflow's confirm job does, once the page is served (deploy/served.py).
    On Pages the log lives on a branch anyone with write access could push to, so every line
    is checked: one that is not an entry is left out with a note naming its line (its text is
    never repeated), and only an address and an instant are taken from a line, so nothing in
    it reaches a page. A log that cannot be opened at all stops the build: it was named.
    """
    try:
        with path.open("rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode) or path.is_symlink():
                raise GoLiveLogError(f"{path}: not a regular file")
            data = file.read(_MAX_LOG_BYTES + 1)
    except OSError as err:
        raise GoLiveLogError(f"{path}: {err.strerror or err}") from None
    served: dict[str, datetime] = {}
    instants: list[datetime] = []
    skipped = []
    if len(data) > _MAX_LOG_BYTES:
        data = data[: data.rfind(b"\n", 0, _MAX_LOG_BYTES) + 1]
        skipped.append(f"{path}: longer than {_MAX_LOG_BYTES >> 20} MiB; the rest is not read.")
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        entry = _golive_entry(raw)
        if isinstance(entry, str):
            skipped.append(f"{path}:{number}: {entry} This line is left out of the record.")
            continue
        where, when = entry
        served[where] = min(when, served.get(where, when))
        instants.append(when)
    if len(skipped) > _MAX_NOTES:
        skipped[_MAX_NOTES:] = [f"{path}: {len(skipped) - _MAX_NOTES} more lines left out."]
    return GoLiveLog(served, tuple(skipped), tuple(sorted(set(instants))))


def _golive_entry(raw: bytes) -> tuple[str, datetime] | str:
    """(path, served in UTC) of one line, or what is wrong with it in plain words."""
    if len(raw) > _MAX_LINE_BYTES:
        return f"longer than {_MAX_LINE_BYTES} bytes, so not a go-live entry."
    try:
        entry = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "not a go-live entry (one JSON object with path and served)."
    if not isinstance(entry, dict):
        return "not a go-live entry (one JSON object with path and served)."
    where, when = entry.get("path"), entry.get("served")
    if not isinstance(where, str) or not _LOG_PATH.fullmatch(where):
        return 'path: not the address of a release, like "/news/2026/example/".'
    try:
        instant = datetime.fromisoformat(str(when).replace("Z", "+00:00"))
    except ValueError:
        instant = None
    if not isinstance(when, str) or instant is None or instant.tzinfo is None:
        return 'served: not an instant with its offset, like "2026-12-03T06:00:00.250Z".'
    return where, instant.astimezone(UTC)
