"""The pull request's releases at a glance, for the job summary (``invoke summary``).

Reviewers see what a pull request adds or changes and when each release goes live, in UTC
and in its own zone, without opening every file.
"""

from __future__ import annotations

import html
import os
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

from .content import Newsroom
from .dates import zone_name
from .history import Change, base_at, changes, data_affected
from .models import Release
from .settings import NewsroomSettings


@dataclass(frozen=True)
class Row:
    """One release this pull request adds, changes or removes."""

    source: str
    title: str
    change: str  # "new", "changed" or "removed"
    state: str  # "draft", "embargoed", "live", "withdrawn" ("" for a removed release)
    utc: str
    local: str


def _state(release: Release, as_of: datetime) -> str:
    if release.draft:
        return "draft"
    if release.is_withdrawn(as_of):
        return "withdrawn"
    return "live" if release.is_public(as_of) else "embargoed"


def _row(release: Release, change: str, as_of: datetime) -> Row:
    return Row(
        release.source,
        release.title,
        change,
        _state(release, as_of),
        f"{release.date_utc:%Y-%m-%d %H:%M} UTC",
        f"{release.date:%Y-%m-%d %H:%M} {zone_name(release.date)}",
    )


def _fingerprint(release: Release) -> tuple[object, ...]:
    """What the release file itself says (shared data such as a boilerplate text is not it)."""
    return (
        release.url,
        release.title,
        release.subtitle,
        release.date,
        release.dateline,
        release.summary,
        release.topic.key,
        release.tags,
        release.lang,
        release.body_html,
        tuple(c.key for c in release.contacts),
        release.boilerplate.key,
        release.safe_harbor_html is not None,
        release.image,
        release.attachments,
        release.updates,
        release.draft,
        release.withdrawal,
    )


def content_relative(names: frozenset[str], repo: Path, content: Path) -> frozenset[str]:
    """Repository paths as paths inside ``content``: catches a replaced image or PDF."""
    relative = content.resolve().relative_to(repo.resolve()).as_posix()
    prefix = f"{relative}/"
    return frozenset(n.removeprefix(prefix) if relative != "." else n for n in names)


def _assets(release: Release, files: frozenset[str], root: Path) -> bool:
    if release.asset_dir is None:
        return False
    try:
        folder = release.asset_dir.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return False
    return any(name.startswith(f"{folder}/") for name in files)


def rows(
    before: Newsroom,
    after: Newsroom,
    as_of: datetime,
    files: frozenset[str] = frozenset(),
    root: Path | None = None,
) -> list[Row]:
    """Releases new, changed or removed since ``before``, soonest go-live first.

    ``files`` (relative to ``root``, the content folder) are the files git reports as
    changed, so that a replaced image or attachment marks its release as changed too.
    """
    found: list[tuple[datetime, Row]] = []
    for release in after.releases:
        old = before.release_for(release.source)
        if old is None:
            found.append((release.date_utc, _row(release, "new", as_of)))
        elif _fingerprint(old) != _fingerprint(release) or (
            root is not None and _assets(release, files, root)
        ):
            found.append((release.date_utc, _row(release, "changed", as_of)))
    failing = {p.path for p in after.errors}
    for old in before.releases:
        if after.release_for(old.source) is None and old.source not in failing:
            row = _row(old, "removed", as_of)
            found.append((old.date_utc, Row(row.source, row.title, "removed", "", row.utc, "")))
    found.sort(key=lambda item: (item[0], item[1].source))
    return [row for _, row in found]


def _cell(value: str) -> str:
    """Author text is shown, never interpreted: no table breaks, no HTML."""
    return html.escape(" ".join(value.split()), quote=False).replace("|", "\\|")


def _was_now(change: Change, name: str) -> str:
    if name == "topic":
        return f"topic: {change.old.topic.key} → {change.new.topic.key}"
    return f"tags: {', '.join(change.old.tags) or '–'} → {', '.join(change.new.tags) or '–'}"


def _metadata_and_data(found: list[Change]) -> list[str]:
    """Navigation changes (no update needed) and data-file changes, for reviewers to weigh."""
    lines: list[str] = []
    meta = [c for c in found if c.metadata]
    if meta:
        lines += ["", "#### Metadata changes to published releases (no update needed)", ""]
        lines += ["| Release | File | Change |", "| --- | --- | --- |"]
        lines += [
            f"| {_cell(c.new.title)} | `{_cell(c.new.source)}` | "
            f"{_cell('; '.join(_was_now(c, name) for name in c.metadata))} |"
            for c in meta
        ]
    for what, sources in sorted(data_affected(found).items()):
        lines += [
            "",
            f"**The {what} shown on {len(sources)} published "
            f"release{'s' * (len(sources) != 1)} changed** in the data files (declared in "
            "changes.yml): " + ", ".join(f"`{_cell(s)}`" for s in sorted(sources)),
        ]
    return lines


def markdown(
    table: list[Row], after: Newsroom, ref: str, as_of: datetime, found: list[Change] | None = None
) -> str:
    """The job summary: a table of the releases, and a pointer to any file with errors."""
    lines = [f"### Releases in this pull request (compared with `{_cell(ref)}`)", ""]
    if table:
        lines += [
            "| Release | File | Status | Goes live (UTC) | Goes live (its own zone) |",
            "| --- | --- | --- | --- | --- |",
        ]
        for row in table:
            status = f"{row.change}, {row.state}" if row.state else row.change
            lines.append(
                f"| {_cell(row.title)} | `{_cell(row.source)}` | {status} | {row.utc} | "
                f"{row.local or '–'} |"
            )
    else:
        lines.append("No release is added, changed or removed.")
    lines += _metadata_and_data(found or [])
    broken = sorted({p.path for p in after.errors})
    if broken:
        lines += [
            "",
            f"**{len(broken)} file{'s' * (len(broken) != 1)} with errors** "
            "(not in the table; see the annotations of *Check content*): "
            + ", ".join(f"`{_cell(path)}`" for path in broken),
        ]
    lines += ["", f"Status as of {as_of:%Y-%m-%d %H:%M} UTC. A draft never goes live."]
    return "\n".join(lines) + "\n"


def summarize(
    after: Newsroom, ref: str, repo: Path, content: Path, settings: NewsroomSettings
) -> str:
    """Compare the working tree with ``ref`` (raises HistoryError when git cannot read it)."""
    base = base_at(ref, repo, content, settings)
    files = content_relative(base.edited, repo, content)
    table = rows(base.newsroom, after, settings.as_of, files, content)
    found = changes(base.newsroom, after, settings.as_of, base)
    return markdown(table, after, ref, settings.as_of, found)


def write(text: str, environ: dict[str, str] | None = None, out: TextIO | None = None) -> None:
    """Append to ``$GITHUB_STEP_SUMMARY`` in Actions; print it anywhere else."""
    target = (os.environ if environ is None else environ).get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as file:
            file.write(text)
    else:
        (out or sys.stdout).write(text)
