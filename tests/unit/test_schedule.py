"""The go-live schedule: exactly the instants at which the public site changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsroom.dates import parse_as_of
from newsroom.schedule import upcoming
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
