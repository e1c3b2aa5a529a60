"""No silent edits: what was public at a git ref stays as it was, and every change is declared.

Git history is the record of what was published. ``against`` loads the content folder as it
was at a ref and compares every release that was public then with the working tree: its
instant, address and language are fixed; a change to what it says (text, files, contacts,
boilerplate) needs a new entry under ``updates``; a change to a shared data file that alters
what published releases show needs a new entry in ``changes.yml``. New entries are dated
honestly: after the ref's commit and not after now. Old entries never change.
"""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from .cache import Store
from .content import Newsroom, load
from .models import Release, Update
from .problems import Problem, display_path
from .settings import NewsroomSettings
from .sitedata import CHANGE_LOG

#: Clocks disagree a little (a laptop, a CI runner, git's commit time): this much is allowed.
SKEW = timedelta(minutes=5)


class HistoryError(RuntimeError):
    """The ref cannot be read; the message says what to do."""


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)


def _refuse(ref: str, result: subprocess.CompletedProcess[bytes]) -> HistoryError:
    said = result.stderr.decode("utf-8", "replace").strip().splitlines()
    reason = said[-1] if said else "no answer"
    return HistoryError(
        f"--against: git cannot read the content at {ref!r} ({reason}). "
        "Name a branch, tag or commit that exists, like origin/main."
    )


def load_at(ref: str, repo: Path, content: Path, settings: NewsroomSettings) -> Newsroom:
    """The content folder as it was at ``ref``, checked with today's rules."""
    return _extracted(ref, repo, content, settings)[0]


def _extracted(
    ref: str, repo: Path, content: Path, settings: NewsroomSettings
) -> tuple[Newsroom, dict[str, dict[str, object]]]:
    """The content at ``ref``, and what each release said, files hashed while they exist."""
    relative = content.resolve().relative_to(repo.resolve()).as_posix()
    result = _git(repo, "archive", "--format=tar", ref, "--", relative)
    if result.returncode != 0:
        raise _refuse(ref, result)
    with tempfile.TemporaryDirectory(prefix="masthead-history-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(result.stdout)) as archive:
            archive.extractall(tmp, filter="data")
        # The working tree's cache: releases unchanged since ``ref`` are read from it.
        newsroom = load(
            Path(tmp) / relative, settings, root=Path(tmp), cache=Store.beside(content.resolve())
        )
        return newsroom, {r.source: _said(r) for r in newsroom.releases}


def committed_at(ref: str, repo: Path) -> datetime:
    """When ``ref``'s commit was made: no entry added since can honestly be dated earlier."""
    result = _git(repo, "log", "-1", "--format=%cI", ref, "--")
    if result.returncode != 0:
        raise _refuse(ref, result)
    return datetime.fromisoformat(result.stdout.decode().strip()).astimezone(UTC)


def edited_since(ref: str, repo: Path, content: Path) -> frozenset[str]:
    """Files under ``content`` (relative to ``repo``) that differ from ``ref``."""
    relative = content.resolve().relative_to(repo.resolve()).as_posix()
    result = _git(repo, "diff", "--name-only", "--no-renames", ref, "--", relative)
    return frozenset(result.stdout.decode().splitlines() if result.returncode == 0 else ())


@dataclass(frozen=True)
class Base:
    """What was published at a ref: its content, when it was committed, and what differs now."""

    newsroom: Newsroom
    #: What each release said at the ref (its files by hash), by source path.
    said: dict[str, dict[str, object]]
    committed: datetime
    edited: frozenset[str]
    #: The data folder as messages name it, like content/data.
    data: str


def base_at(ref: str, repo: Path, content: Path, settings: NewsroomSettings) -> Base:
    return Base(
        *_extracted(ref, repo, content, settings),
        committed_at(ref, repo),
        edited_since(ref, repo, content),
        display_path(content / settings.data_path, repo),
    )


@dataclass(frozen=True)
class Change:
    """How one release that was public at the ref differs in the working tree.

    ``declared``: what it says, so readers need an update entry; ``metadata``: navigation
    (topic, tags), listed for reviewers; ``shared``: what it shows from the data files.
    """

    old: Release
    new: Release
    declared: tuple[str, ...]
    metadata: tuple[str, ...]
    shared: tuple[str, ...]


def _sha256(release: Release, name: str) -> str | None:
    if release.asset_dir is None or not (release.asset_dir / name).is_file():
        return None
    with (release.asset_dir / name).open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _said(release: Release) -> dict[str, object]:
    """What the release file and its folder say, field by field, files by their bytes."""
    image = release.image
    return {
        "title": release.title,
        "subtitle": release.subtitle,
        "summary": release.summary,
        "text": release.body_html,
        "dateline": release.dateline,
        "forward_looking": release.safe_harbor_html is not None,
        "image": image and (image.file, _sha256(release, image.file)),
        "image alt text": image and image.alt,
        "image caption": image and image.caption,
        "image credit": image and image.credit,
        "attachments": tuple(
            (a.file, _sha256(release, a.file), a.title) for a in release.attachments
        ),
    }


def _keys(release: Release) -> dict[str, object]:
    return {
        "contacts": tuple(c.key for c in release.contacts),
        "boilerplate": release.boilerplate.key,
    }


def _shown(release: Release) -> dict[str, object]:
    """What the release shows from the shared data files."""
    return {
        "contacts": release.contacts,
        "boilerplate": release.boilerplate,
        "safe-harbor statement": release.safe_harbor_html,
    }


def diff(old: Release, new: Release, base: Base) -> Change:
    """Sort every difference into what needs an update, navigation, and shared data.

    A contact or boilerplate named differently in the release file is the release's own
    change; the same one reading differently (or a new default in company.yml) is a data change.
    """
    said_old, said_new = base.said[old.source], _said(new)
    declared = [k for k in said_old if said_old[k] != said_new[k]]
    keys_old, keys_new = _keys(old), _keys(new)
    edited = old.source in base.edited
    own_keys = [k for k in keys_old if edited and keys_old[k] != keys_new[k]]
    declared += own_keys
    shown_old, shown_new = _shown(old), _shown(new)
    # Shared texts are shown in the release's language: with another language they differ
    # because of the release's own change (reported on its own, as published-lang-changed).
    shared = [
        k
        for k in shown_old
        if k not in own_keys
        and old.lang == new.lang
        and shown_old[k] != shown_new[k]
        and None not in (shown_old[k], shown_new[k])
    ]
    metadata = [
        name
        for name, a, b in (("topic", old.topic.key, new.topic.key), ("tags", old.tags, new.tags))
        if a != b
    ]
    return Change(old, new, tuple(declared), tuple(metadata), tuple(shared))


def changes(before: Newsroom, after: Newsroom, as_of: datetime, base: Base) -> list[Change]:
    """Every release public at the ref that is still at its address, and what changed in it."""
    found = []
    for old in before.releases:
        new = after.release_for(old.source)
        if old.went_live(as_of) and new is not None and new.url == old.url:
            change = diff(old, new, base)
            if change.declared or change.metadata or change.shared:
                found.append(change)
    return found


def compare(
    before: Newsroom,
    after: Newsroom,
    settings: NewsroomSettings,
    root: Path,
    base: Base,
) -> list[Problem]:
    """Problems for every release that was public in ``before`` and changed silently."""
    as_of = settings.as_of
    window = _Window(base.committed, as_of, settings.timezone)
    failing = {p.path for p in after.errors}
    problems: list[Problem] = []
    for old in before.releases:
        if not old.went_live(as_of) or old.source in failing:
            continue
        new = after.release_for(old.source)
        if new is None or new.url != old.url or new.draft:
            problems.append(_moved(old, new, after))
            continue
        problems += _fixed(old, new, root)
        problems += window.entries(old.updates, new.updates, new.source, "updates", root)
        problems += window.entries(
            _withdrawals(old),
            _withdrawals(new),
            new.source,
            "withdrawal",
            root,
            "A withdrawn release stays withdrawn; to publish the news again, add a new release",
        )
        change = diff(old, new, base)
        added = set(new.updates) - set(old.updates)
        if change.declared and not added:
            problems.append(_undeclared(old, list(change.declared), settings, root))
    problems += _backdated_releases(before, after, window, failing, root)
    problems += _data_changes(before, after, base, window, failing, root)
    return problems


@dataclass(frozen=True)
class _Window:
    """When a new entry can honestly be dated: from the ref's commit to now."""

    since: datetime
    now: datetime
    zone: str

    def example(self) -> str:
        now = self.now.astimezone(ZoneInfo(self.zone))
        return f"{now:%Y-%m-%d %H:%M} {self.zone}"

    def refuse(self, when: datetime) -> tuple[str, str, str] | None:
        """(what is wrong, how to fix it, rule) for an instant outside the window."""
        if when < self.since - SKEW:
            return (
                f"it is dated {as_written(when)}, before this change was begun "
                f"(the published version is from {self.since:%Y-%m-%d %H:%M} UTC)",
                f"Date it when you make the change, like date: {self.example()}",
                "entry-backdated",
            )
        if when > self.now + SKEW:
            return (
                f"it is dated {as_written(when)}, which is later than now",
                f"Date it when you make the change, like date: {self.example()}; readers "
                "must see a correction together with the change it explains",
                "entry-future",
            )
        return None

    def entries(
        self,
        old: Iterable[Update],
        new: Iterable[Update],
        path: str,
        field: str,
        root: Path,
        instead: str = "",
    ) -> list[Problem]:
        """Old entries kept exactly; each new entry dated inside the window."""
        instead = instead or f"To correct it, add a new entry under {field}"
        old, new = tuple(old), tuple(new)
        line = _line_of(root / path, field)
        problems = []
        for entry in old:
            if entry not in new:
                problems.append(
                    Problem(
                        path,
                        line,
                        field,
                        f"the entry dated {as_written(entry.date)} was published and has been "
                        "changed or removed",
                        "Put it back exactly as it was: readers and regulators rely on the "
                        f"history. {instead}",
                        "entry-changed",
                    )
                )
        for entry in new:
            refused = None if entry in old else self.refuse(entry.date)
            if refused:
                message, fix, rule = refused
                problems.append(Problem(path, line, field, f"the new entry: {message}", fix, rule))
        return problems


def _withdrawals(release: Release) -> tuple[Update, ...]:
    """A withdrawal, compared like an entry: dated honestly, and never undone or reworded."""
    return () if release.withdrawal is None else (release.withdrawal,)


def as_written(value: datetime) -> str:
    """An instant the way an author writes it: 2025-12-15 07:30 Europe/Berlin."""
    zone = getattr(value.tzinfo, "key", None)
    if zone:
        return f"{value:%Y-%m-%d %H:%M} {zone}"
    return value.isoformat(timespec="minutes")


def _fixed(old: Release, new: Release, root: Path) -> list[Problem]:
    """The instant (as written, with its zone) and the language were disclosed: both stay."""
    problems = []
    # The same instant in another zone is refused too: readers and the record see the zone.
    if new.date_utc != old.date_utc or as_written(new.date) != as_written(old.date):
        problems.append(
            Problem(
                new.source,
                _line_of(root / new.source, "date"),
                "date",
                f"this release went live on {as_written(old.date)} "
                f"({old.date_utc:%Y-%m-%d %H:%M} UTC) and that instant cannot change",
                f"Put back date: {as_written(old.date)}. To tell readers about a correction, "
                "add an entry under updates",
                "published-date-changed",
            )
        )
    if new.lang != old.lang:
        problems.append(
            Problem(
                new.source,
                _line_of(root / new.source, "lang"),
                "lang",
                f"this release went live on {as_written(old.date)} in the language {old.lang}, "
                "and its language cannot change",
                f"Put back lang: {old.lang}. To publish it in another language, add a "
                "translation (invoke translate)",
                "published-lang-changed",
            )
        )
    return problems


def _backdated_releases(
    before: Newsroom, after: Newsroom, window: _Window, failing: set[str], root: Path
) -> list[Problem]:
    """A release that goes public in this change cannot claim to have gone live earlier."""
    problems = []
    # A renamed release is reported once, as moved (see _moved), not again as backdated.
    titles = {
        r.title
        for r in before.releases
        if r.went_live(window.now) and after.release_for(r.source) is None
    }
    for new in after.releases:
        old = before.release_for(new.source)
        if new.source in failing or not new.went_live(window.now) or new.title in titles:
            continue
        if old is not None and old.went_live(window.now):
            continue
        if new.date < window.since - SKEW:
            problems.append(
                Problem(
                    new.source,
                    _line_of(root / new.source, "date"),
                    "date",
                    f"this release is published by this change but dated {as_written(new.date)}"
                    ", so the record would say it went live before it did",
                    f"Date it when it goes live, like date: {window.example()}, or later to "
                    "schedule it",
                    "release-backdated",
                )
            )
    return problems


#: Where each kind of shared data is written: its own file, or company.yml's defaults.
_DATA_FILES = {
    "contacts": ("contacts.yml", "company.yml"),
    "boilerplate": ("boilerplates.yml", "company.yml"),
    "safe-harbor statement": ("company.yml",),
}


def _data_changes(
    before: Newsroom,
    after: Newsroom,
    base: Base,
    window: _Window,
    failing: set[str],
    root: Path,
) -> list[Problem]:
    """A data edit that alters published releases is declared by a new entry in changes.yml."""
    if before.site is None or after.site is None:
        return []
    data = f"{base.data}/{CHANGE_LOG}"
    problems = window.entries(before.site.changes, after.site.changes, data, "changes", root)
    declared = set(after.site.changes) - set(before.site.changes)
    affected = data_affected(changes(before, after, window.now, base))
    for what, sources in affected.items():
        sources = sorted(sources)
        if declared or any(s in failing for s in sources):
            continue
        shown = ", ".join(sources[:3]) + (
            f" and {len(sources) - 3} more" if len(sources) > 3 else ""
        )
        count = f"{len(sources)} published release{'s' * (len(sources) != 1)}"
        files = [f"{base.data}/{name}" for name in _DATA_FILES[what]]
        problems.append(
            Problem(
                next((f for f in files if f in base.edited), files[0]),
                0,
                "",
                f"this change alters the {what} shown on {count} ({shown}), but {data} has "
                "no new entry",
                f"Tell readers what changed with a new entry in {data}, for example: "
                f'changes: [{{date: {window.example()}, note: "Updated the {what}."}}] (if the '
                "file has entries already, add yours to that list)",
                "data-change-undeclared",
            )
        )
    return problems


def data_affected(found: Iterable[Change]) -> dict[str, list[str]]:
    """For each kind of shared data that changed: the published releases that show it."""
    affected: dict[str, list[str]] = {}
    for change in found:
        for what in change.shared:
            affected.setdefault(what, []).append(change.old.source)
    return affected


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
            "To correct a release, edit it and add an entry under updates; to take it down, "
            "keep the file and write status: withdrawn with a withdrawal (date and reason)"
        )
    return Problem(old.source, 0, "", message, fix, "published-url-changed")


def _undeclared(
    old: Release, changed: list[str], settings: NewsroomSettings, root: Path
) -> Problem:
    zone = settings.timezone
    now = settings.as_of.astimezone(ZoneInfo(zone))
    what = _listed(changed)
    fix = _update_example(
        root / old.source, f"{now:%Y-%m-%d %H:%M} {zone}", f"Corrected the {changed[0]}."
    )
    field = "body" if changed[0] == "text" else changed[0].split()[0]
    return Problem(
        old.source,
        _line_of(root / old.source, field),
        field,
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


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _line_of(path: Path, field: str) -> int:
    """Where to point the author: the field's line, else the first line of the text."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    if field != "body":
        pattern = re.compile(rf"^{re.escape(field)}\s*:")
        found = next((i for i, line in enumerate(lines, 1) if pattern.match(line)), 0)
        if found or field in {"changes"}:
            return found or 1
    fences = [i for i, line in enumerate(lines, 1) if line.strip() == "---"]
    return fences[1] + 1 if len(fences) > 1 else 1


def _day(value: datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M %Z}"
