"""A pull request's go-live instants, rehearsed before it merges.

``invoke rehearse --against REF`` builds the site as it will be at each instant the pull
request schedules (and now) and scans every file for anything not yet public at that
instant, so an embargo leak shows in the pull request instead of on the live site.
``invoke preview --against REF`` writes a preview for each of those instants that works
when opened from disk, so an author can look at her embargoed release as it will look
from the pull request's artifact alone.
"""

from __future__ import annotations

import contextlib
import gzip
import html
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from .content import Newsroom
from .models import Release
from .summary import rows


@dataclass(frozen=True)
class Instant:
    """One moment to rehearse, and the pull request's releases that go live at it."""

    at: datetime
    releases: tuple[Release, ...]

    @property
    def label(self) -> str:
        """A folder name that sorts in time order and is valid on every file system."""
        return self.at.astimezone(UTC).strftime("%Y-%m-%dT%H%M%SZ")


def instants(
    before: Newsroom,
    after: Newsroom,
    as_of: datetime,
    files: frozenset[str] = frozenset(),
    root: Path | None = None,
) -> list[Instant]:
    """Now, and the go-live instant of each release the change adds or changes, in order.

    A release whose instant has passed (or a draft, which has none) is shown as of now.
    """
    moments: dict[datetime, list[Release]] = {as_of: []}
    for row in rows(before, after, as_of, files, root):
        release = after.release_for(row.source)
        if release is None:  # removed: nothing of it to show
            continue
        at = release.date_utc if release.date_utc > as_of and not release.draft else as_of
        moments.setdefault(at, []).append(release)
    return [Instant(at, tuple(found)) for at, found in sorted(moments.items())]


@dataclass(frozen=True)
class Leak:
    """A file that names a release that is not public at the instant it was built as of."""

    release: Release
    path: str
    what: str


def _text(path: Path) -> str:
    """A file's text for scanning; compressed files (Pagefind's index) are opened first."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        with contextlib.suppress(OSError, EOFError, zlib.error):
            data = gzip.decompress(data)
    return data.decode("utf-8", "replace")


def _needles(release: Release) -> list[tuple[str, str]]:
    """What would give the release away: its address, title and summary, as text and HTML."""
    found = [("address", release.url)]
    for what, value in (("title", release.title), ("summary", release.summary)):
        if value and len(value) >= 8:  # a very short title would match ordinary words
            found += [(what, value), (what, html.escape(value, quote=False))]
            found.append((what, html.escape(value)))
    return list(dict.fromkeys(found))


def scan(output: Path, hidden: Iterable[Release]) -> list[Leak]:
    """Every file in ``output`` that names one of ``hidden``, by name or in its content."""
    hidden = list(hidden)
    leaks: list[Leak] = []
    for path in sorted(p for p in output.rglob("*") if p.is_file()):
        name = path.relative_to(output).as_posix()
        text = _text(path)
        for release in hidden:
            # A whole word of the name: gridpilot-6 is not in gridpilot-6-de.png.
            if re.search(rf"(?<![\w-]){re.escape(release.slug)}(?![\w-])", name):
                leaks.append(Leak(release, name, "file name"))
                continue
            for what, needle in _needles(release):
                if needle in text:
                    leaks.append(Leak(release, name, what))
                    break
    return leaks


# Root-relative addresses in the attributes the theme and the sanitizer write (always
# double-quoted), and in stylesheets. "//host" is another site and is left alone.
_ATTRIBUTE = re.compile(r'\b(href|src|action|poster|content)="(/(?!/)[^"]*)"')
_SRCSET = re.compile(r'\bsrcset="([^"]*)"')
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(/(?!/)[^)'\"]*)\1\s*\)")


def _relative(target: str, page: PurePosixPath, folder: Path) -> str:
    """``target`` (``/a/b/?q#f``) as seen from ``page``; folders end in index.html on disk."""
    cut = min((i for i in (target.find("?"), target.find("#")) if i >= 0), default=len(target))
    path, suffix = target[:cut], target[cut:]
    if path.endswith("/") or (folder / path.lstrip("/")).is_dir():
        path = path.rstrip("/") + "/index.html"
    relative = os.path.relpath(path.lstrip("/") or ".", page.parent.as_posix() or ".")
    return relative + suffix


def _portable(text: str, kind: str, page: PurePosixPath, folder: Path) -> str:
    """One file's text with the site's root-relative addresses made relative to ``page``."""

    def attribute(match: re.Match[str]) -> str:
        name, target = match.groups()
        if name == "content":  # <meta content="/…"> is data, not a link
            return match.group(0)
        return f'{name}="{_relative(target, page, folder)}"'

    def srcset(match: re.Match[str]) -> str:
        parts = []
        for candidate in match.group(1).split(","):
            words = candidate.split()
            if words and words[0].startswith("/") and not words[0].startswith("//"):
                words[0] = _relative(words[0], page, folder)
            parts.append(" ".join(words))
        return f'srcset="{", ".join(parts)}"'

    def css(match: re.Match[str]) -> str:
        quote, target = match.groups()
        return f"url({quote}{_relative(target, page, folder)}{quote})"

    if kind == ".css":
        return _CSS_URL.sub(css, text)
    return _SRCSET.sub(srcset, _ATTRIBUTE.sub(attribute, text))


def make_portable(folder: Path) -> None:
    """Rewrite a built site's own addresses so it works opened from disk (file://).

    Only for previews: the published site keeps root-relative addresses. The rewrite only
    changes addresses the build itself wrote; it adds no markup, so nothing the sanitizer
    removed can come back.
    """
    for path in sorted(folder.rglob("*")):
        if path.suffix not in {".html", ".css"} or not path.is_file():
            continue
        page = PurePosixPath(path.relative_to(folder).as_posix())
        text = path.read_text(encoding="utf-8")
        new = _portable(text, path.suffix, page, folder)
        if new != text:
            path.write_text(new, encoding="utf-8")


def index_page(entries: Iterable[Instant], title: str) -> str:
    """The preview's front page: one link per instant, with the releases going live then."""
    items: list[str] = []
    for instant in entries:
        when = f"{instant.at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
        names = "".join(
            f"<li>{html.escape(r.title)} <small>({html.escape(r.source)})</small></li>"
            for r in instant.releases
        )
        shown = f"<ul>{names}</ul>" if names else "<p>The site as it is now.</p>"
        items.append(f'<li><a href="{instant.label}/index.html">As of {when}</a>{shown}</li>')
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{html.escape(title)}</title>\n</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n"
        "<p>Open a moment to see the newsroom as readers will see it then. Releases that are "
        "not public yet are marked as previews. Never publish these files.</p>\n"
        f"<ol>\n{''.join(items)}\n</ol>\n</body>\n</html>\n"
    )


def describe(leaks: Iterable[Leak], when: str) -> list[str]:
    """One line per leaked release and kind, pages first, with what the author can do."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for leak in leaks:
        grouped.setdefault((leak.release.source, leak.what), []).append(leak.path)
    lines = []
    for (source, what), paths in grouped.items():
        paths.sort(key=lambda p: (not p.endswith(".html"), p))
        others = len(paths) - 1
        where = paths[0] + (f" and {others} other file{'s' * (others != 1)}" if others else "")
        lines.append(
            f"{source}: not public as of {when}, but the build as of then shows its {what} "
            f"in {where}. Take it out of what is public then, or give both the same instant."
        )
    return lines


def hidden_at(newsroom: Newsroom, at: datetime) -> Iterator[Release]:
    """The releases not public at ``at``: embargoed ones and drafts."""
    return (r for r in newsroom.releases if not r.is_public(at))
