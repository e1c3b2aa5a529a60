"""Publication instants as authors write them: always with a timezone, never a guess."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from .zones import zone_hint

# 2026-11-23 09:00 Europe/Berlin (seconds optional, "T" or a space between date and time)
ZONED = re.compile(
    r"^(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})[T ]+(?P<h>\d{1,2}):(?P<mi>\d{2})"
    r"(?::(?P<s>\d{2}))?\s+(?P<zone>[A-Za-z][A-Za-z0-9_+\-/]*)$"
)
# 2026-11-23T09:00:00+01:00, 2026-11-23 09:00+01:00, 2026-11-23T08:00:00Z
OFFSET = re.compile(
    r"^(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})[T ]+(?P<h>\d{1,2}):(?P<mi>\d{2})"
    r"(?::(?P<s>\d{2})(?:\.\d+)?)?\s*(?P<off>Z|[+-]\d{2}:?\d{2})$"
)
NAIVE = re.compile(
    r"^(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})(?:[T ]+(?P<h>\d{1,2}):(?P<mi>\d{2})"
    r"(?::(?P<s>\d{2}))?)?$"
)
DAY = re.compile(r"^(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})$")
MONTHS = list(calendar.month_name)
# The years a release, an update or a build instant may be in. Far wider than any newsroom
# needs, and far enough inside Python's datetime limits (years 1 to 9999) that converting
# to UTC with any offset, or adding a day, never overflows.
FIRST_YEAR, LAST_YEAR = 1970, 2200


class DateProblem(ValueError):
    """A date an author wrote that cannot be used, with the sentence that says how to fix it."""

    def __init__(self, message: str, fix: str, rule: str) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.rule = rule


def parse_instant(text: str, example_zone: str = "Europe/Berlin", place: str = "") -> datetime:
    """Return an aware datetime in the zone the author named (or a fixed offset).

    Raises DateProblem for anything else, including a local time that a DST change makes
    impossible or ambiguous: a disclosure instant must be exact. ``place`` (the dateline)
    helps to suggest the zone an unknown zone name meant.
    """
    text = text.strip()
    if m := ZONED.match(text):
        zone = _zone(m["zone"], text, place, example_zone)
        naive = _naive(m, text, example_zone)
        return _localize(naive, zone, text)
    if m := OFFSET.match(text):
        off = m["off"]
        if off == "Z":
            tz = UTC
        else:
            sign = -1 if off[0] == "-" else 1
            digits = off[1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:])
            if hours > 14 or minutes > 59:
                raise DateProblem(
                    f'"{text}" has an offset, {off}, that no place on Earth uses',
                    f"Use an offset between -12:00 and +14:00, or a zone name like {example_zone}",
                    "date-offset",
                )
            tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
        return _naive(m, text, example_zone).replace(tzinfo=tz)
    if m := NAIVE.match(text):
        # The date itself first: the fix below would otherwise show the author an impossible
        # date (or another one) with a timezone added, as if only the zone were wrong.
        _naive(m, text, example_zone)
        if m["h"] is None:
            raise DateProblem(
                f'"{text}" has no time of day and no timezone',
                f"Write the exact moment of publication, like {_example(m, example_zone)}",
                "date-no-time",
            )
        raise DateProblem(
            f'"{text}" has no timezone, so the moment of publication is unclear',
            f"Add the timezone, like {_example(m, example_zone)}",
            "date-no-timezone",
        )
    raise DateProblem(
        f'"{text}" is not a date and time I can read',
        f"Write it like 2026-11-23 09:00 {example_zone} (year-month-day, 24-hour time, zone)",
        "date-format",
    )


def parse_day(text: str) -> date:
    """A calendar day written year-month-day, for "as of" dates that need no time."""
    text = text.strip()
    m = DAY.match(text)
    if m is None:
        raise DateProblem(
            f'"{text}" is not a date I can read',
            "Write it as year-month-day, like 2026-09-30",
            "date-format",
        )
    year, month, day = int(m["y"]), int(m["mo"]), int(m["d"])
    _check_year(year, text, "Check the year, and write it as year-month-day, like 2026-09-30")
    if not 1 <= month <= 12:
        raise DateProblem(
            f'"{text}" has month {month}, but months run from 1 to 12',
            "Write it as year-month-day, like 2026-09-30",
            "date-impossible",
        )
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise DateProblem(
            f'"{text}" is not a real date ({MONTHS[month]} {year} has {last} days)',
            f"Write it as year-month-day, like {year}-{month:02d}-{last:02d}",
            "date-impossible",
        )
    return date(year, month, day)


def _naive(m: re.Match[str], text: str, example_zone: str) -> datetime:
    """The date and time of ``m`` when they exist; a date without a time is checked as a
    date, and its fixes suggest 09:00."""
    year, month, day = int(m["y"]), int(m["mo"]), int(m["d"])
    timed = m["h"] is not None
    hour, minute = (int(m["h"]), int(m["mi"])) if timed else (9, 0)
    second = int(m["s"] or 0)
    found = m.groupdict()
    # The zone or offset the author wrote, for the fixes' examples (already checked).
    zone = found.get("zone") or found.get("off") or example_zone
    _check_year(year, text, f"Check the year, and write it like 2026-11-23 09:00 {zone}")
    if not 1 <= month <= 12:
        example = f"{year}-11-23 09:00 {zone}"
        if 1 <= day <= 12 and 1 <= month <= calendar.monthrange(year, day)[1]:
            # Day and month swapped (2026-13-02): the date written the other way round.
            example = f"{year}-{day:02d}-{month:02d} {hour:02d}:{minute:02d} {zone}"
        raise DateProblem(
            f'"{text}" has month {month}, but months run from 1 to 12',
            f"Write the date as year-month-day, like {example}",
            "date-impossible",
        )
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        # Suggest the day the author most likely meant: the real date that many days on.
        rolled = datetime(year, month, 1) + timedelta(days=day - 1) if day > 0 else None
        hint = (
            f"{rolled:%Y-%m-%d} {hour:02d}:{minute:02d}"
            if rolled
            else f"{year}-{month:02d}-{last:02d} {hour:02d}:{minute:02d}"
        )
        raise DateProblem(
            f'"{text}" is not a real date ({MONTHS[month]} {year} has {last} days)',
            f"Write it like {hint} {zone}",
            "date-impossible",
        )
    if hour > 23 or minute > 59 or second > 59:
        raise DateProblem(
            f'"{text}" is not a real time of day',
            f"Use 24-hour time from 00:00 to 23:59, like {year}-{month:02d}-{day:02d} 09:00 {zone}",
            "date-impossible",
        )
    return datetime(year, month, day, hour, minute, second)


def _check_year(year: int, text: str, fix: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateProblem(
            f'"{text}" is in the year {year}; dates must be between {FIRST_YEAR} and {LAST_YEAR}',
            fix,
            "date-range",
        )


def _localize(naive: datetime, zone: ZoneInfo, text: str) -> datetime:
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    # The two folds disagree: the wall-clock time is in a DST gap or overlap.
    round_trip = first.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != naive:
        after = first.astimezone(UTC).astimezone(zone)
        raise DateProblem(
            f'"{text}" does not exist: the clocks in {zone.key} skip that hour '
            "for daylight saving time",
            f"Use a time after the change, like {after:%Y-%m-%d %H:%M} {zone.key}",
            "date-dst-gap",
        )
    raise DateProblem(
        f'"{text}" happens twice in {zone.key}, because the clocks go back that night',
        f"Write it with the offset you mean: {naive:%Y-%m-%dT%H:%M:%S}{_fmt_offset(first)} "
        f"(first time) or {naive:%Y-%m-%dT%H:%M:%S}{_fmt_offset(second)} (second time)",
        "date-dst-ambiguous",
    )


def _zone(name: str, text: str, place: str = "", home: str = "") -> ZoneInfo:
    if name.upper() in {"UTC", "Z", "GMT"}:
        return ZoneInfo("UTC")
    # Only Area/Location names: legacy names such as EST are fixed offsets that ignore
    # daylight saving time, which is not what an author who writes them means.
    if "/" in name and name in _zone_names():
        return ZoneInfo(name)
    return _raise_zone(text, name, zone_hint(name, place, home))


def _raise_zone(text: str, name: str, hint: str) -> ZoneInfo:
    raise DateProblem(
        f'"{text}" names a timezone, "{name}", that I do not know',
        f"{hint}Use a zone name from the IANA list, such as Europe/Berlin, America/New_York "
        "or Asia/Tokyo (abbreviations like CET or EST are ambiguous)",
        "date-zone",
    )


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def _example(m: re.Match[str], example_zone: str) -> str:
    """The author's own date and time (already checked by ``_naive``) with a zone added."""
    day = f"{int(m['y'])}-{int(m['mo']):02d}-{int(m['d']):02d}"
    time = f"{int(m['h']):02d}:{m['mi']}" if m["h"] is not None else "09:00"
    if m["s"]:
        time += f":{m['s']}"
    return f"{day} {time} {example_zone}"


def _fmt_offset(dt: datetime) -> str:
    offset = dt.utcoffset() or timedelta(0)
    total = int(offset.total_seconds() // 60)
    sign = "-" if total < 0 else "+"
    total = abs(total)
    return f"{sign}{total // 60:02d}:{total % 60:02d}"


def parse_as_of(text: str) -> datetime:
    """The build instant from the command line: ISO 8601 with an offset or Z, or a zone name."""
    try:
        return parse_instant(text, example_zone="UTC").astimezone(UTC)
    except DateProblem as err:
        raise ValueError(f"--as-of: {err.message}. {err.fix}.") from None


def utc_iso(value: datetime) -> str:
    """``2026-12-03T06:00:00Z``: the form machines compare most easily."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def zone_name(value: datetime) -> str:
    """The IANA name the author wrote (Europe/Berlin), or UTC+01:00 for a bare offset."""
    return getattr(value.tzinfo, "key", None) or value.tzname() or value.strftime("UTC%z")
