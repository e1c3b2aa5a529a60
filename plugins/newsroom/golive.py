"""The go-live log: when readers could first fetch each release, as the deploy recorded it.

Its own module because two sides read it: the disclosure record shows the delay, and the
build command reports an unreadable log without loading the outputs.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path


class GoLiveLogError(ValueError):
    """The go-live log cannot be read; the message names the line."""


def read_golive_log(path: Path) -> dict[str, datetime]:
    """The go-live log (JSON Lines ``{"path", "instant", "served"}``): first serve per path.

    The switcher appends a line for each release at each switch (deploy/switcher.py); on
    GitHub Pages the deploy job does, when the deployment is done (docs/operations.md).
    """
    served: dict[str, datetime] = {}
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise GoLiveLogError(f"{path}: {err}") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            when = datetime.fromisoformat(str(entry["served"]).replace("Z", "+00:00"))
            where = str(entry["path"])
        except (ValueError, KeyError, TypeError) as err:
            raise GoLiveLogError(f"{path}:{number}: not a go-live entry ({err})") from None
        if when.tzinfo is None:
            raise GoLiveLogError(f"{path}:{number}: the served instant has no timezone")
        served[where] = min(when.astimezone(UTC), served.get(where, when.astimezone(UTC)))
    return served
