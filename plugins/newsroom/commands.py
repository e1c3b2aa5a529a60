"""What ``invoke check`` and ``invoke build`` do, kept out of tasks.py so tests can call it."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from pelican import Pelican
from pelican.settings import read_settings

from .content import Newsroom, load
from .dates import parse_as_of
from .disclosures import GoLiveLogError
from .plugin import CHECKED
from .problems import ContentError, Problem
from .settings import SettingsError, from_pelican


class BuildFailed(Exception):
    """The build stopped; the message is already worded for the person who ran it."""


def pelican_settings(
    settings_file: str | Path = "pelicanconf.py",
    *,
    as_of: str | datetime | None = None,
    output: str | Path | None = None,
    content: str | Path | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Pelican's settings with this run's inputs applied (build instant, folders)."""
    override: dict[str, Any] = dict(extra or {})
    if as_of is not None:
        try:
            override["NEWSROOM_AS_OF"] = parse_as_of(as_of) if isinstance(as_of, str) else as_of
        except ValueError as err:
            raise BuildFailed(str(err)) from None
    if output is not None:
        override["OUTPUT_PATH"] = str(Path(output).resolve())
    if content is not None:
        override["PATH"] = str(Path(content).resolve())
    if not Path(settings_file).is_file():
        raise BuildFailed(f"Settings file {settings_file} not found.")
    return read_settings(str(settings_file), override=override)


def check(settings: dict[str, Any], root: Path | None = None) -> Newsroom:
    """Load and check all content as the build would; raise BuildFailed on bad settings."""
    try:
        newsroom_settings = from_pelican(settings)
    except SettingsError as err:
        raise BuildFailed(str(err)) from None
    root = root or Path(settings.get("NEWSROOM_ROOT") or Path.cwd())
    return load(Path(settings["PATH"]), newsroom_settings, root)


def check_against(newsroom: Newsroom, ref: str, settings: dict[str, Any], root: Path) -> None:
    """Add the problems of silent edits since ``ref`` to ``newsroom.problems``."""
    from .history import HistoryError, base_at, compare

    newsroom_settings = from_pelican(settings)
    try:
        base = base_at(ref, root, Path(settings["PATH"]), newsroom_settings)
    except HistoryError as err:
        raise BuildFailed(str(err)) from None
    newsroom.problems.extend(compare(base.newsroom, newsroom, newsroom_settings, root, base))
    newsroom.problems.sort()


def read_live_as_of(url: str) -> str | None:
    """The as_of of the deployed site's build.json, or None when it cannot be read."""
    import json
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return str(json.load(response)["as_of"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def report(problems: Iterable[Problem], out: TextIO, github: bool = False) -> None:
    """Print one line per problem, and GitHub annotations too when asked."""
    for problem in problems:
        print(problem.text(), file=out)
        if github:
            print(problem.github(), file=out)


def summary(newsroom: Newsroom) -> str:
    errors = len(newsroom.errors)
    warnings = len(newsroom.problems) - errors
    files = len({p.path for p in newsroom.problems})
    if not newsroom.problems:
        return (
            f"All good: {len(newsroom.releases)} releases and {len(newsroom.pages)} pages checked."
        )
    parts = [f"{errors} error{'s' * (errors != 1)}"] if errors else []
    if warnings:
        parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
    verdict = "Fix the errors above, then run the check again." if errors else "No errors."
    return f"{' and '.join(parts)} in {files} file{'s' * (files != 1)}. {verdict}"


class _ErrorCounter(logging.Handler):
    """Pelican logs some failures and carries on; a newsroom build must not."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build(settings: dict[str, Any], out: TextIO = sys.stdout) -> None:
    """Check everything, then run Pelican in-process; raise BuildFailed on any problem."""
    newsroom = check(settings)
    report(newsroom.problems, out)
    if newsroom.errors:
        raise BuildFailed(summary(newsroom))
    settings = {**settings, CHECKED: newsroom}
    counter = _ErrorCounter()
    pelican_logger = logging.getLogger("pelican")
    pelican_logger.addHandler(counter)
    try:
        Pelican(settings).run()
    except ContentError as err:  # content changed between the check and the build
        raise BuildFailed(str(err)) from None
    except GoLiveLogError as err:
        raise BuildFailed(f"The go-live log cannot be read: {err}") from None
    finally:
        pelican_logger.removeHandler(counter)
    if counter.messages:
        raise BuildFailed("The build logged errors:\n" + "\n".join(counter.messages))
