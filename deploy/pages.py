"""GitHub Pages mode: is anything due, and how late did it go live? Standard library only.

The scheduled Publish run asks every five minutes whether to deploy. Installing the
newsroom's packages for that would cost a minute or two each time, thousands of times a
month, so this module needs nothing but python3 and reads only two small files:

- the live site's ``build.json`` (the instant it was built as of, and its commit), and
- the schedule of that commit: the go-live instants ``invoke schedule --json`` wrote when
  it was built, kept between runs in the Actions cache (never published: the timing of an
  embargoed release is itself sensitive).

    python3 -m deploy.pages plan --live URL/build.json --commit SHA --schedule FILE \
        [--golive-log golive.jsonl]
    python3 -m deploy.pages latency --since INSTANT --schedule FILE

A deploy is due when the live site is another commit than main (a merged correction is
never left waiting), when a release went live since the live build, when the go-live log
(deploy/served.py) holds a served instant the live record cannot show yet, or when any of
these cannot be known: deploying once too often is cheap, missing a go-live is not.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .served import logged


@dataclass(frozen=True)
class Plan:
    """Whether to deploy, why, and the live build's instant (for announcing what went live)."""

    due: bool
    reasons: list[str]
    since: str


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant with an offset or Z, as build.json and the schedule write it."""
    instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if instant.tzinfo is None:
        raise ValueError(f"{text!r} has no offset")
    return instant.astimezone(UTC)


def read_live(url: str, timeout: float = 20) -> dict[str, Any] | None:
    """The live site's build.json, or None when it cannot be read (down, not deployed yet)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = json.load(response)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def read_schedule(path: Path | None) -> list[datetime] | None:
    """The go-live instants of the live commit, or None when the cache had none."""
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [parse_instant(str(text)) for text in data["instants"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def read_served(path: Path | None) -> list[datetime]:
    """The served instants in the go-live log (none when there is no log yet)."""
    if path is None or path.is_symlink():  # the branch is not trusted: read no other file
        return []
    try:
        return [served for _, served in logged(path.read_text("utf-8", "replace"))]
    except OSError:
        return []


def plan(
    live: dict[str, Any] | None,
    commit: str,
    schedule: list[datetime] | None,
    now: datetime,
    served: Sequence[datetime] = (),
) -> Plan:
    """Decide whether the scheduled run deploys; every reason is printed in the job log."""
    if live is None:
        return Plan(True, ["the live build.json cannot be read"], "")
    try:
        since = parse_instant(str(live["as_of"]))
    except (KeyError, ValueError):
        return Plan(True, ["the live build.json has no usable as_of"], "")
    since_text = str(live["as_of"])
    live_commit = str(live.get("commit") or "")
    if live_commit != commit:
        shown = live_commit[:12] or "unknown"
        return Plan(True, [f"the live site is commit {shown}, main is {commit[:12]}"], since_text)
    if schedule is None:
        return Plan(True, [f"no schedule is cached for commit {commit[:12]}"], since_text)
    passed = [i for i in schedule if since < i <= now]
    reasons = [f"a release went live at {i:%Y-%m-%d %H:%M:%S} UTC" for i in passed]
    # The confirm job logs a release once the deploy is done, after the live build's
    # instant: one more build puts that served instant on the live record.
    confirmed = sorted(i for i in served if since < i <= now)
    reasons += [
        f"the go-live log has a release served at {i:%Y-%m-%d %H:%M:%S} UTC, after the live "
        "build: the record shows it from the next build"
        for i in confirmed[-1:]
    ]
    return Plan(bool(passed or confirmed), reasons, since_text)


def latency(schedule: list[datetime], since: datetime, now: datetime) -> list[str]:
    """How late each release went live: from its instant to the end of this deploy."""
    lines = []
    for instant in sorted(i for i in schedule if since < i <= now):
        late = int((now - instant).total_seconds())
        lines.append(
            f"| {instant:%Y-%m-%d %H:%M:%S} UTC | {now:%H:%M:%S} UTC | "
            f"{late // 60} min {late % 60:02d} s |"
        )
    return lines


def write_outputs(values: dict[str, str]) -> None:
    """Step outputs for the next jobs (GITHUB_OUTPUT), when running in Actions."""
    target = os.environ.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.writelines(f"{name}={value}\n" for name, value in values.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else "")
    commands = parser.add_subparsers(dest="command", required=True)
    planning = commands.add_parser("plan", help="is a deploy due?")
    planning.add_argument("--live", required=True, help="the live site's build.json address")
    planning.add_argument("--commit", required=True, help="the commit main is at")
    planning.add_argument("--schedule", type=Path, help="that commit's go-live instants")
    planning.add_argument("--golive-log", type=Path, help="the go-live log (deploy/served.py)")
    late = commands.add_parser("latency", help="how late each release went live")
    late.add_argument("--since", required=True, help="the previous live build's instant")
    late.add_argument("--schedule", type=Path, required=True)
    late.add_argument(
        "--fail-after",
        type=int,
        default=0,
        metavar="SECONDS",
        help="fail (so GitHub notifies) when a release went live later than this",
    )
    args = parser.parse_args(argv)
    now = datetime.now(UTC)

    if args.command == "plan":
        served = read_served(args.golive_log)
        result = plan(read_live(args.live), args.commit, read_schedule(args.schedule), now, served)
        for reason in result.reasons:
            print(f"Deploy: {reason}.")
        if not result.due:
            print("Nothing to publish: the live site is main, and nothing went live since.")
        write_outputs({"due": "true" if result.due else "false", "since": result.since})
        return 0

    schedule = read_schedule(args.schedule) or []
    rows = latency(schedule, parse_instant(args.since), now) if args.since else []
    text = "\n".join(
        [
            "### Went live on GitHub Pages",
            "",
            "| Due at (a release, an update or a withdrawal) | Deploy finished | Late by |",
            "| --- | --- | --- |",
            *rows,
        ]
        if rows
        else ["Nothing was due to go live with this deploy."]
    )
    print(text)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as out:
            out.write(text + "\n")
    missed = [
        i
        for i in schedule
        if args.since
        and parse_instant(args.since) < i <= now
        and args.fail_after
        and (now - i).total_seconds() > args.fail_after
    ]
    for instant in missed:
        print(
            f"::error::What was due at {instant:%Y-%m-%d %H:%M:%S} UTC (a release, an update "
            f"or a withdrawal) went live {int((now - instant).total_seconds()) // 60} minutes late."
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
