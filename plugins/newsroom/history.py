"""No silent edits: what was public at a git ref keeps its address, and changes are declared.

Git history is the record of what was published. ``against`` loads the content folder as it
was at a ref and compares every release that was public then with the working tree.
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .content import Newsroom, load
from .models import Release
from .problems import Problem
from .settings import NewsroomSettings


class HistoryError(RuntimeError):
    """The ref cannot be read; the message says what to do."""


def load_at(ref: str, repo: Path, content: Path, settings: NewsroomSettings) -> Newsroom:
    """The content folder as it was at ``ref``, checked with today's rules."""
    relative = content.resolve().relative_to(repo.resolve()).as_posix()
    result = subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar", ref, "--", relative],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        said = result.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = said[-1] if said else "no answer"
        raise HistoryError(
            f"--against: git cannot read the content at {ref!r} ({reason}). "
            "Name a branch, tag or commit that exists, like origin/main."
        )
    with tempfile.TemporaryDirectory(prefix="masthead-history-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(result.stdout)) as archive:
            archive.extractall(tmp, filter="data")
        return load(Path(tmp) / relative, settings, root=Path(tmp))


def compare(
    before: Newsroom, after: Newsroom, settings: NewsroomSettings, root: Path
) -> list[Problem]:
    """Problems for every release that was public in ``before`` and changed silently."""
    as_of = settings.as_of
    failing = {p.path for p in after.errors}
    problems: list[Problem] = []
    for old in before.releases:
        if not old.is_public(as_of) or old.source in failing:
            continue
        new = after.release_for(old.source)
        if new is None or new.url != old.url or new.draft:
            problems.append(_moved(old, new, after))
            continue
        changed = [
            name
            for name, a, b in (
                ("title", old.title, new.title),
                ("subtitle", old.subtitle, new.subtitle),
                ("summary", old.summary, new.summary),
                ("text", old.body_html, new.body_html),
            )
            if a != b
        ]
        if changed and len(new.updates) <= len(old.updates):
            problems.append(_undeclared(old, changed, settings, root))
    return problems


def _moved(old: Release, new: Release | None, after: Newsroom) -> Problem:
    if new is not None and new.draft:
        message = f"this release is public at /{old.url} and cannot go back to draft"
        fix = "Remove the line status: draft; to correct it, edit it and add an entry under updates"
    else:
        twin = next((r for r in after.releases if r.title == old.title and r.url != old.url), None)
        where = f" (it looks renamed to {twin.source})" if twin else ""
        message = (
            f"this release is public at /{old.url} and must stay there, but the file is gone{where}"
        )
        fix = (
            f"Restore {old.source} under its old name: published addresses never change. "
            "To correct a release, edit it and add an entry under updates"
        )
    return Problem(old.source, 0, "", message, fix, "published-url-changed")


def _undeclared(
    old: Release, changed: list[str], settings: NewsroomSettings, root: Path
) -> Problem:
    zone = settings.timezone
    now = settings.as_of.astimezone(ZoneInfo(zone))
    what = " and ".join(changed)
    fix = _update_example(
        root / old.source, f"{now:%Y-%m-%d %H:%M} {zone}", f"Corrected the {changed[0]}."
    )
    line = _line_of(root / old.source, "title" if changed[0] == "title" else changed[0])
    return Problem(
        old.source,
        line,
        changed[0] if changed[0] != "text" else "body",
        f"this release was published on {_day(old.date)} and its {what} changed since, "
        "but there is no new entry under updates",
        fix,
        "published-edit-without-update",
    )


def _update_example(path: Path, date: str, note: str) -> str:
    """How to add the update, written the way the file writes its updates (or its other
    groups and lists): in square brackets when it does, otherwise one line per field."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    entry = f'{{date: {date}, note: "{note}"}}'
    if re.search(r"^updates:[ \t]*\[[ \t]*\][ \t]*$", text, re.M):
        return f"Tell readers what changed with an entry under updates: updates: [{entry}]"
    if re.search(r"^updates:[ \t]*\[", text, re.M):
        return (
            "Tell readers what changed: add an entry inside the square brackets of updates, "
            f"after a comma: {entry}"
        )
    if re.search(r"^updates:[ \t]*$", text, re.M):
        return (
            "Tell readers what changed: add an entry at the end of updates, indented like this:"
            f"\n  - date: {date}\n    note: {note}"
        )
    if re.search(r"^(?:image|attachments):[ \t]*[\[{]", text, re.M):
        return f"Tell readers what changed with an entry under updates: updates: [{entry}]"
    return (
        "Tell readers what changed: add these lines to the fields, indented like this:"
        f"\nupdates:\n  - date: {date}\n    note: {note}"
    )


def _line_of(path: Path, field: str) -> int:
    """Where to point the author: the field's line, or the first line of the text."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    if field in {"title", "subtitle", "summary"}:
        pattern = re.compile(rf"^{field}\s*:")
        return next((i for i, line in enumerate(lines, 1) if pattern.match(line)), 1)
    fences = [i for i, line in enumerate(lines, 1) if line.strip() == "---"]
    return fences[1] + 1 if len(fences) > 1 else 1


def _day(value: datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M %Z}"
