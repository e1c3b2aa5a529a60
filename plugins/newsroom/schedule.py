"""When the public site changes next: every instant at which a release or update goes live.

The deploy step builds one snapshot per instant and switches to it at that instant; the
``invoke schedule`` task shows the same list to people.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .models import Release


@dataclass(frozen=True)
class Change:
    """One thing that appears at an instant: a release, or an update to a public one."""

    release: Release
    kind: str  # "release" or "update"
    local: datetime  # the instant in the zone the author wrote it in

    @property
    def text(self) -> str:
        what = "goes live" if self.kind == "release" else "gets an update"
        return f"{self.release.title} ({self.release.source}) {what}"


@dataclass(frozen=True)
class GoLive:
    """An instant (UTC) at which the site must change, and everything that changes then."""

    instant: datetime
    changes: tuple[Change, ...]


def upcoming(
    releases: list[Release], as_of: datetime, horizon: timedelta | None = None
) -> list[GoLive]:
    """Instants after ``as_of`` (and within ``horizon``, if given) that change the site, in order.

    Drafts never go live. An update counts only once its release is public, so an update
    dated before its embargoed release lifts is folded into the release's own instant.
    """
    end = as_of + horizon if horizon is not None else None
    found: dict[datetime, list[Change]] = defaultdict(list)
    for release in releases:
        if release.draft:
            continue
        found[release.date_utc].append(Change(release, "release", release.date))
        for update in release.updates:
            at = max(update.date, release.date).astimezone(UTC)
            if at != release.date_utc:
                found[at].append(Change(release, "update", update.date))
    return [
        GoLive(instant, tuple(sorted(changes, key=lambda c: (c.kind, c.release.source))))
        for instant, changes in sorted(found.items())
        if instant > as_of and (end is None or instant <= end)
    ]


def describe(plan: list[GoLive]) -> str:
    """The schedule in words, for people: UTC first, then each author's own zone."""
    if not plan:
        return "Nothing is scheduled: every release is already public (drafts never go live)."
    lines = []
    for go in plan:
        lines.append(f"{go.instant:%Y-%m-%d %H:%M:%S} UTC")
        for change in go.changes:
            release = change.release
            zone = getattr(change.local.tzinfo, "key", None) or change.local.strftime("UTC%z")
            lines.append(f"  {change.text}")
            lines.append(f"    local time: {change.local:%Y-%m-%d %H:%M %Z} ({zone})")
            if change.kind == "release":
                also = [
                    "the home page",
                    "the news archive",
                    f"the {release.year} archive",
                    f"the topic page {release.topic.name}",
                ]
                also += [f"the tag page {tag}" for tag in release.tags]
            else:
                also = [f"its page, /{release.url}, shows the update"]
            lines.append(f"    also changes: {', '.join(also)}")
    return "\n".join(lines)
