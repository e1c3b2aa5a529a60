"""When the public site changes next: every instant at which a release or an update goes
live, or a release is withdrawn.

The deploy step builds one snapshot per instant and switches to it at that instant; the
``invoke schedule`` task shows the same list to people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .models import Release, Update

#: Google News takes articles published in the last two days (sitemaps.news_releases).
NEWS_WINDOW = timedelta(hours=48)


@dataclass(frozen=True)
class Change:
    """One thing that happens at an instant: a release goes live, a public one gets an update,
    or one is withdrawn."""

    release: Release
    kind: str  # "release", "update" or "withdrawal"
    local: datetime  # the instant in the zone the author wrote it in

    @property
    def text(self) -> str:
        what = {"release": "goes live", "update": "gets an update"}.get(self.kind, "is withdrawn")
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
    dated before its embargoed release lifts is folded into the release's own instant. A
    withdrawal dated ahead takes the release down at its instant, like a release going live:
    the deploy must change the site then too.
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
        if release.withdrawal is not None:  # the check puts it after the release's instant
            at = release.withdrawal.date.astimezone(UTC)
            found[at].append(Change(release, "withdrawal", release.withdrawal.date))
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
            elif change.kind == "withdrawal":
                also = [
                    f"its page, /{release.url}, becomes the notice of its withdrawal",
                    "every list, feed, sitemap and the search drop it",
                ]
            else:
                also = [f"its page, /{release.url}, shows the update"]
            lines.append(f"    also changes: {', '.join(also)}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Window:
    """The stretch of time over which the public site stays the same, around a build instant.

    The output changes only at instants the content names: a release or an update going
    live, a withdrawal, a release leaving the news sitemap two days on, a dated entry of
    the data change log, a line of the go-live log. Between two of them every instant gives
    the same site, so a build is made as of the last of them (``since``): a build a minute
    later writes the same bytes, and a rebuild with nothing changed can keep its output
    until ``until``, the next one (None: nothing is due).
    """

    since: datetime
    until: datetime | None

    @classmethod
    def around(
        cls,
        as_of: datetime,
        releases: Iterable[Release],
        data_changes: Iterable[Update] = (),
        served: Iterable[datetime] = (),
    ) -> Window:
        """The window holding ``as_of``. With nothing before it (no release is public yet),
        the window is the instant itself: there is no earlier instant the site is as of."""
        instants = [*(u.date for u in data_changes), *served]
        for release in releases:
            if release.draft:
                continue
            # In UTC: a day in the author's zone can be 23 or 25 hours long, and the news
            # sitemap counts 48 real hours back from the build instant.
            instants += [release.date, release.date_utc + NEWS_WINDOW]
            instants += [u.date for u in release.updates]
            if release.withdrawal is not None:
                instants.append(release.withdrawal.date)
        as_of = as_of.astimezone(UTC)
        before = [i for i in instants if i <= as_of]
        after = [i for i in instants if i > as_of]
        if not before:
            return cls(as_of, as_of)
        return cls(max(before).astimezone(UTC), min(after).astimezone(UTC) if after else None)

    def holds(self, as_of: datetime) -> bool:
        """Whether a build as of ``as_of`` gives the same site as one as of ``since``."""
        return self.since <= as_of and (self.until is None or as_of < self.until)
