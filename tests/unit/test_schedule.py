"""The go-live schedule: exactly the instants at which the public site changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsroom.dates import parse_as_of
from newsroom.models import Update
from newsroom.schedule import Window, describe, upcoming
from support import Site


def test_upcoming_instants_in_order_with_what_changes(site: Site) -> None:
    site.write(
        "releases/2026/later.md",
        "---\ntitle: Later\ndate: 2026-12-10T09:00:00-05:00\ncategory: products\n"
        "summary: S.\nupdates:\n  - date: 2026-12-11 09:00 Europe/Berlin\n    note: Fixed.\n"
        "---\nText\n",
    )
    site.write(
        "releases/2026/draft.md",
        "---\ntitle: Draft\ndate: 2026-12-05 09:00 Europe/Berlin\ncategory: products\n"
        "summary: S.\nstatus: draft\n---\nText\n",
    )
    releases = site.load().releases
    plan = upcoming(releases, parse_as_of("2026-11-23T12:00:00Z"))
    assert [(g.instant.isoformat(), [c.text for c in g.changes]) for g in plan] == [
        (
            "2026-12-03T06:00:00+00:00",
            ["Secret embargoed widget (releases/2026/embargoed-launch.md) goes live"],
        ),
        ("2026-12-10T14:00:00+00:00", ["Later (releases/2026/later.md) goes live"]),
        ("2026-12-11T08:00:00+00:00", ["Later (releases/2026/later.md) gets an update"]),
    ]
    week = upcoming(releases, parse_as_of("2026-12-03T06:00:00Z"), timedelta(days=8))
    assert [g.instant for g in week] == [datetime(2026, 12, 10, 14, tzinfo=UTC)]


#: A release with an update and a withdrawal, beside the fixture's own releases (the last
#: of which, with-files, went live on 2026-06-01 14:00 UTC; one is embargoed until
#: 2026-12-03 06:00 UTC), and a draft, which never changes the site.
WINDOW_RELEASES = {
    "releases/2026/recalled.md": (
        "---\ntitle: Recalled\ndate: 2026-07-01 10:00 Europe/Berlin\ncategory: products\n"
        "summary: S.\nupdates:\n  - date: 2026-07-02 10:00 Europe/Berlin\n    note: Fixed.\n"
        "status: withdrawn\nwithdrawal:\n  date: 2026-07-20 10:00 Europe/Berlin\n"
        "  reason: Sent in error.\n---\nText\n"
    ),
    "releases/2026/draft.md": (
        "---\ntitle: Draft\ndate: 2026-08-01 09:00 Europe/Berlin\ncategory: products\n"
        "summary: S.\nstatus: draft\n---\nText\n"
    ),
}
DATA_CHANGE = Update(parse_as_of("2026-09-15T09:00:00Z"), "<p>Contacts changed.</p>")
SERVED = (parse_as_of("2026-07-01T08:00:03Z"), parse_as_of("2026-10-01T12:00:00Z"))


@pytest.mark.parametrize(
    ("as_of", "since", "until"),
    [
        # the news sitemap lets with-files go two days after its instant
        ("2026-06-03T13:59:59Z", "2026-06-01T14:00:00Z", "2026-06-03T14:00:00Z"),
        ("2026-06-03T14:00:00Z", "2026-06-03T14:00:00Z", "2026-07-01T08:00:00Z"),
        # a release goes live at its instant, served three seconds later (the go-live log)
        ("2026-07-01T08:00:00Z", "2026-07-01T08:00:00Z", "2026-07-01T08:00:03Z"),
        ("2026-07-01T08:00:02Z", "2026-07-01T08:00:00Z", "2026-07-01T08:00:03Z"),
        # its update, its two days in the news sitemap, its withdrawal
        ("2026-07-02T09:00:00Z", "2026-07-02T08:00:00Z", "2026-07-03T08:00:00Z"),
        ("2026-07-10T00:00:00Z", "2026-07-03T08:00:00Z", "2026-07-20T08:00:00Z"),
        # the draft's date changes nothing; the data change log's entry does
        ("2026-08-01T07:00:00Z", "2026-07-20T08:00:00Z", "2026-09-15T09:00:00Z"),
        ("2026-09-15T09:00:00Z", "2026-09-15T09:00:00Z", "2026-10-01T12:00:00Z"),
        ("2026-11-23T12:00:00Z", "2026-10-01T12:00:00Z", "2026-12-03T06:00:00Z"),
        # after the last instant the site stays as it is
        ("2027-05-01T00:00:00Z", "2026-12-05T06:00:00Z", None),
    ],
)
def test_the_window_runs_from_the_last_change_to_the_next(
    site: Site, as_of: str, since: str, until: str | None
) -> None:
    for name, text in WINDOW_RELEASES.items():
        site.write(name, text)
    releases = site.load().releases
    window = Window.around(parse_as_of(as_of), releases, [DATA_CHANGE], SERVED)
    assert window == Window(parse_as_of(since), parse_as_of(until) if until else None)
    assert window.holds(parse_as_of(as_of))
    assert not window.holds(window.since - timedelta(seconds=1))
    assert window.until is None or not window.holds(window.until)


def test_with_nothing_public_yet_the_window_is_the_instant_alone(site: Site) -> None:
    releases = site.load().releases
    as_of = parse_as_of("2020-01-01T00:00:00Z")  # before every release of the fixture
    assert Window.around(as_of, releases) == Window(as_of, as_of)
    assert not Window(as_of, as_of).holds(as_of)


def test_a_withdrawal_dated_ahead_is_scheduled_like_a_release(site: Site) -> None:
    """The deploy changes the site at a withdrawal's instant too (snapshots, Pages' schedule)."""
    site.write(
        "releases/2026/recall.md",
        "---\ntitle: Recall\ndate: 2026-11-02 09:00 Europe/Berlin\ncategory: products\n"
        "summary: S.\nstatus: withdrawn\nwithdrawal:\n  date: 2026-12-04 18:30 Europe/Berlin\n"
        "  reason: Sent in error.\n---\nText\n",
    )
    plan = upcoming(site.load().releases, parse_as_of("2026-11-23T12:00:00Z"))
    assert [(g.instant.isoformat(), [c.text for c in g.changes]) for g in plan] == [
        (
            "2026-12-03T06:00:00+00:00",
            ["Secret embargoed widget (releases/2026/embargoed-launch.md) goes live"],
        ),
        ("2026-12-04T17:30:00+00:00", ["Recall (releases/2026/recall.md) is withdrawn"]),
    ]
    assert describe(plan[1:]).splitlines() == [
        "2026-12-04 17:30:00 UTC",
        "  Recall (releases/2026/recall.md) is withdrawn",
        "    local time: 2026-12-04 18:30 CET (Europe/Berlin)",
        "    also changes: its page, /news/2026/recall/, becomes the notice of its withdrawal, "
        "every list, feed, sitemap and the search drop it",
    ]


def test_the_news_sitemap_lets_a_release_go_48_real_hours_on_across_a_clock_change(
    site: Site,
) -> None:
    """Europe/Berlin moves its clocks on 2026-03-29: 48 hours after 09:00 CET on the 28th
    is 10:00 CEST on the 30th, not 09:00."""
    site.write(
        "releases/2026/spring.md",
        "---\ntitle: Spring\ndate: 2026-03-28 09:00 Europe/Berlin\ncategory: products\n"
        "summary: S.\n---\nText\n",
    )
    window = Window.around(parse_as_of("2026-03-29T12:00:00Z"), site.load().releases)
    assert window.until == datetime(2026, 3, 30, 8, tzinfo=UTC)
