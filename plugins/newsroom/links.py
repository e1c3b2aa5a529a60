"""Links in what authors write, checked against what the site publishes and when.

Authors link by address: another release or page by its address (``/news/2026/lab/``), a
file of their own release by its name (``fact-sheet.pdf``), a shared file by its address
(``/media/logo.png``). Nothing rewrites these links: Pelican's ``{filename}``, ``{static}``
and ``{attach}`` forms are switched off (``plugin.initialized``), because Pelican resolves
them after the sanitizer and outside the time gate.

So the check has to know where every link leads. A link is an error when nothing is
published at its address, when it leads outside the site's files, and when its target goes
live after the text that links to it (the link would name an embargoed release, or lead to
nothing, until then). The check and the build both run this (``content.load``).
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .i18n import format_instant
from .models import Page, Release
from .problems import Problem
from .sanitize import start_tags

#: Pelican's link forms (``{filename}x.md``, ``|static|x.png``), which the newsroom does not use.
PELICAN_FORM = re.compile(r"\s*[{|]\s*(\w*)\s*[}|]")
MEDIA = "media"
#: Topic pages are at /topics/<key>/ (CATEGORY_URL in pelicanconf.py).
TOPICS = "topics"
#: Link problems reported per text; the rest are counted.
REPORTED = 50
_URL_ATTRIBUTES = {"href", "src"}
# Browsers drop these anywhere in an address, and read a backslash as a slash.
_IGNORED = re.compile(r"[\t\n\r]")
_SPACE = "".join(map(chr, range(33)))
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


#: A link as found in a text: the tag, the address as written, and the author's line.
Link = tuple[str, str, int]


@dataclass(frozen=True)
class Source:
    """Text that links somewhere: where it is written, and from when readers can see it."""

    path: str
    field: str
    #: The address it is published at (``news/2026/lab/``): relative links start there.
    url: str
    #: Every link in the sanitized HTML readers get, with the line the author wrote it on
    #: (``found_in``); kept apart from the HTML so that the cache of checked releases can
    #: hold them, while where each one leads is checked again on every run.
    links: tuple[Link, ...]
    first_line: int
    #: The instant readers first see it; None for a draft, which readers never see.
    live: datetime | None
    #: How to put a picture from another web site right, for this text.
    upload_fix: str = (
        f"Upload the picture into content/{MEDIA}/ and write its address, like /{MEDIA}/picture.jpg"
    )


@dataclass(frozen=True)
class Site:
    """Everything a link may lead to, by address (always with a leading slash)."""

    releases: Mapping[str, Release]
    pages: Mapping[str, Page]
    content: Path
    #: First parts of the addresses the newsroom writes itself (topics, tags, feeds…).
    sections: frozenset[str]
    release_pattern: re.Pattern[str]
    #: Each topic's page exists from the instant its first release goes live.
    topics: Mapping[str, datetime]
    #: Releases by the name in their address, which other addresses (the API's) reuse.
    by_slug: Mapping[str, tuple[Release, ...]] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(
        cls,
        releases: Iterable[Release],
        pages: Iterable[Page],
        content: Path,
        sections: Iterable[str],
        release_url: str,
    ) -> Site:
        shape = re.escape(release_url)
        for name, part in (("year", r"\d{4}"), ("slug", "[^/]+"), ("lang", "[^/]+")):
            shape = shape.replace(re.escape(f"{{{name}}}"), part)
        releases = list(releases)
        topics: dict[str, datetime] = {}
        named: dict[str, list[Release]] = {}
        for release in releases:
            named.setdefault(release.slug, []).append(release)
            if not release.draft:
                key = release.topic.key
                topics[key] = min(topics.get(key, release.date), release.date)
        return cls(
            {f"/{r.url}": r for r in releases},
            {f"/{p.url}": p for p in pages},
            content.resolve(),
            frozenset(sections),
            re.compile(f"/{shape}"),
            topics,
            {slug: tuple(group) for slug, group in named.items()},
        )


def check(sources: Iterable[Source], site: Site) -> list[Problem]:
    """Every problem with every link and picture in ``sources``.

    At most ``REPORTED`` per text, then one line that counts the rest: a file of thousands
    of broken links must not keep the check busy finding each one's line.
    """
    problems: list[Problem] = []
    for source in sources:
        found: list[tuple[int, str, str, str]] = []
        for tag, value, line in source.links:
            problem = _problem(tag, value, source, site)
            if problem is not None:
                found.append((line, *problem))
        for line, message, fix, rule in found[:REPORTED]:
            problems.append(Problem(source.path, line, source.field, message, fix, rule))
        if len(found) > REPORTED:
            problems.append(
                Problem(
                    source.path,
                    source.first_line,
                    source.field,
                    f"{len(found) - REPORTED} more links here lead nowhere, or not yet",
                    "Correct the links above, then run the check again to see the rest",
                    "link-missing",
                )
            )
    return problems


def _problem(tag: str, value: str, source: Source, site: Site) -> tuple[str, str, str] | None:
    shown = _shorten(value)
    pelican = PELICAN_FORM.match(value)
    if pelican:
        return (
            f'"{shown}" uses a link form ({{{pelican.group(1)}}}) the newsroom does not read',
            "Link a file of this release by its name (fact-sheet.pdf), and another release, "
            "page or shared file by its address (/news/2026/hamburg-lab/, /media/logo.png)",
            "link-form",
        )
    address = _IGNORED.sub("", value).strip(_SPACE).replace("\\", "/")
    try:
        parts = urlsplit(address)
    except ValueError:  # "http://[bad/": no browser can load it
        return (
            f'"{shown}" is not a web address',
            "Copy the address from the browser's address bar",
            "link-missing",
        )
    if parts.scheme or address.startswith("//"):
        if tag == "img":
            return (
                f'"{shown}" is a picture on another web site: readers\' browsers do not load it',
                source.upload_fix,
                "image-external",
            )
        if parts.scheme.lower() not in {"http", "https", ""}:
            return None  # mailto: and tel:; the sanitizer removed every other kind
        # An address on any host that names a release here may still give it away early.
        path = _normalize(parts.path)
        target = _release_at(path, site)
        if target is None:
            named = _release_named(path, site)
            return None if named is None else _release_problem(shown, path, named, source)
        return _release_problem(shown, path, (target[0], ""), source)
    if not parts.path:
        return None  # "#footnote" or "?x": this same page
    path = _normalize(urljoin(f"/{source.url}", parts.path))
    target = _release_at(path, site)
    if target is not None:
        return _release_problem(shown, path, target, source)
    named = _release_named(path, site)
    if named is not None:  # its API record, share image, or any address built from its name
        return _release_problem(shown, path, named, source)
    page = path.removesuffix("index.html")
    if page in site.pages or f"{page}/" in site.pages:
        return None
    if path.startswith(f"/{MEDIA}/"):
        if _is_shared_file(path, site.content):
            return None
        return (
            f'"{shown}" links to {_shorten(path)}, but there is no such file in content/{MEDIA}/',
            f"Upload the file to content/{MEDIA}/, or correct the address (capital letters count)",
            "link-missing",
        )
    first, _, rest = path.strip("/").partition("/")
    if first == TOPICS and rest:
        return _topic_problem(shown, path, rest.split("/")[0], source, site)
    if not first or (first in site.sections and not site.release_pattern.match(f"{path}/")):
        return None
    return (
        f'"{shown}" links to {_shorten(path)}, but nothing is published at that address',
        "Correct the address: copy it from the address bar of the published page",
        "link-missing",
    )


def _release_problem(
    shown: str, path: str, target: tuple[Release, str], source: Source
) -> tuple[str, str, str] | None:
    release, rest = target
    if rest not in {"", "index.html"} and rest not in _published_files(release):
        own = release.url == source.url
        return (
            f'"{shown}" links to {_shorten(path)}, but no such file is published with '
            + ("this release" if own else release.source),
            "List the file under attachments (or as the image) of the release, with the file "
            "in its folder, or correct the name (capital letters count)",
            "link-missing",
        )
    if release.url == source.url or source.live is None:
        return None
    if release.draft:
        return (
            f"links to {_shorten(path)}, which is {release.source}, a draft that is not published",
            "Publish that release first, or remove the link",
            "link-embargoed",
        )
    if release.date > source.live:
        return (
            f"links to {_shorten(path)}, which goes live on {format_instant(release.date)}",
            "Give both the same instant, or add the link once it is live",
            "link-embargoed",
        )
    return None


def _topic_problem(
    shown: str, path: str, key: str, source: Source, site: Site
) -> tuple[str, str, str] | None:
    first = site.topics.get(key)
    if first is None:
        return (
            f'"{shown}" links to {_shorten(path)}, but no topic page is published at that address',
            "Use the address of a topic that has releases, like /topics/products/",
            "link-missing",
        )
    if source.live is not None and first > source.live:
        return (
            f"links to {_shorten(path)}, the page of a topic whose first release goes live on "
            f"{format_instant(first)}",
            "Give both the same instant, or add the link once it is live",
            "link-embargoed",
        )
    return None


def _release_at(path: str, site: Site) -> tuple[Release, str] | None:
    """The release whose address ``path`` is or is inside, and the rest of the path."""
    folder, _, rest = path.rpartition("/")
    for candidate, remainder in ((f"{path}/", ""), (f"{folder}/", rest)):
        release = site.releases.get(candidate)
        if release is not None:
            return release, remainder
    return None


def _release_named(path: str, site: Site) -> tuple[Release, str] | None:
    """A release whose file name (slug) is a part of ``path``, like the API's
    /api/releases/2026/<slug>.json: the address alone names the release, so it must not
    appear before the release is live. With the year in the path too, only that year's."""
    parts = [part.split(".", 1)[0] for part in path.strip("/").split("/")]
    found = [r for part in parts for r in site.by_slug.get(part, ())]
    dated = [r for r in found if str(r.date.year) in parts]
    found = dated or found
    if not found:
        return None
    return max(found, key=lambda r: (r.draft, r.date)), ""


def _published_files(release: Release) -> set[str]:
    names = {a.file for a in release.attachments}
    if release.image is not None:
        names.add(release.image.file)
        names.update(v.url.rsplit("/", 1)[-1] for v in release.image.variants)
    return names


def _is_shared_file(path: str, content: Path) -> bool:
    """A plain file under content/media/, reached without leaving it or following a link."""
    media = content / MEDIA
    target = content.joinpath(*path.strip("/").split("/"))
    try:
        if not target.is_relative_to(media) or not target.is_file():
            return False
        step = target
        while step != media:
            if step.is_symlink():
                return False
            step = step.parent
    except (OSError, ValueError):  # a name too long, or with a NUL, names no file
        return False
    return True


def _normalize(path: str) -> str:
    """The path a browser asks for: %2e%2e and .. taken out, never above the root; control
    characters stay written as %XX, so that messages show them."""
    path = _CONTROL.sub(lambda m: f"%{ord(m.group()):02X}", unquote(path))
    trailing = path.endswith("/") or path.endswith("/.") or path.endswith("/..")
    normal = posixpath.normpath("/" + path.lstrip("/"))
    normal = "/" + normal.lstrip("/")
    return normal + "/" if trailing and normal != "/" else normal


def _shorten(value: str) -> str:
    value = _CONTROL.sub(lambda m: f"%{ord(m.group()):02X}", " ".join(value.split()))
    return value if len(value) <= 80 else value[:77] + "…"


def _line_of(value: str, text: str, first_line: int) -> int:
    """The line the author wrote the link on: the link as written, else its last part (the
    author may have written the rest with entities or a reference)."""
    path = value.split("?")[0].split("#")[0]
    last = path.rstrip("/").rsplit("/", 1)[-1]
    for needle in (value, value.replace("&", "&amp;"), path, last):
        needle = needle.strip()
        at = text.find(needle) if needle else -1
        if at >= 0:
            return first_line + text.count("\n", 0, at)
    return first_line


def found_in(html: str, text: str, first_line: int) -> tuple[Link, ...]:
    """Every link and picture address in ``html`` (the first of each tag and address), with
    the line of ``text`` (what the author wrote, from ``first_line``) it was written on."""
    seen: set[tuple[str, str]] = set()
    found: list[Link] = []
    for tag, value in (
        (tag, value)
        for tag, attrs in start_tags(html)
        for name, value in attrs
        if name in _URL_ATTRIBUTES and value is not None
    ):
        if (tag, value) not in seen:
            seen.add((tag, value))
            found.append((tag, value, _line_of(value, text, first_line)))
    return tuple(found)
