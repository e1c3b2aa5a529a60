"""Shared data and media that only releases readers cannot see yet use: kept out of the site.

A topic, a media contact or a boilerplate is often added in the same pull request as the
embargoed release that needs it ("Acquisitions", the acquired company's press officer), and a
logo for it may go into ``content/media/``. Published before the instant, each of those tells
the news: on the contacts page, in the editor's configuration at ``/admin/config.yml``, or at
``/media/<name>``. So whatever is used by releases that are not public (embargoed or draft)
and by nothing public is left out of the build, until the first release using it goes live.

Entries that nothing uses at all stay public (a contact listed only on the contacts page),
and so do the company's defaults in ``company.yml``, which every release may fall back on.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote

from .models import Page, Release, SiteData


@dataclass(frozen=True)
class Withheld:
    """Keys of data entries that must not be published yet, and how to tell media files."""

    topics: frozenset[str] = frozenset()
    contacts: frozenset[str] = frozenset()
    boilerplates: frozenset[str] = frozenset()
    #: What hidden releases link to, and what public releases, pages and data link to.
    hidden_links: str = ""
    public_links: str = ""

    def media(self, path: str) -> bool:
        """Whether the file at ``path`` (relative to content/) is only for hidden releases."""
        return _mentions(self.hidden_links, path) and not _mentions(self.public_links, path)

    def site(self, site: SiteData) -> SiteData:
        """The shared data as readers may see it: what only hidden releases use is left out."""
        return dataclasses.replace(
            site,
            topics={k: v for k, v in site.topics.items() if k not in self.topics},
            contacts={k: v for k, v in site.contacts.items() if k not in self.contacts},
            boilerplates={k: v for k, v in site.boilerplates.items() if k not in self.boilerplates},
        )


def find(
    site: SiteData,
    releases: Iterable[Release],
    public: Iterable[Release],
    pages: Iterable[Page],
    public_files: Iterable[str],
) -> Withheld:
    """What only the releases missing from ``public`` use; ``public_files`` are media paths
    the site's own data names (the logo, the media kit), public whatever links to them."""
    shown = {r.source for r in public}
    seen = [r for r in releases if r.source in shown]
    hidden = [r for r in releases if r.source not in shown]
    if not hidden:
        return Withheld()
    company = site.company

    def only_hidden(
        uses: Callable[[Release], list[str]], always: Iterable[str] = ()
    ) -> frozenset[str]:
        return frozenset(
            {k for r in hidden for k in uses(r)} - {k for r in seen for k in uses(r)} - set(always)
        )

    return Withheld(
        topics=only_hidden(lambda r: [r.topic.key]),
        contacts=only_hidden(lambda r: [c.key for c in r.contacts], company.contacts),
        boilerplates=only_hidden(lambda r: [r.boilerplate.key], [company.boilerplate]),
        hidden_links="\n".join(_texts(hidden)),
        public_links="\n".join([*_texts(seen), *(p.body_html for p in pages), *public_files]),
    )


def _texts(releases: list[Release]) -> Iterator[str]:
    for release in releases:
        yield release.body_html
        yield from (u.note_html for u in release.updates)


def _mentions(text: str, path: str) -> bool:
    """Whether ``text`` links to the file at ``path`` (relative to content/), in any form."""
    forms = {path, quote(path), quote(path, safe="/")}
    return any(
        re.search(rf"(?:^|[\s\"'=(/}}]){re.escape(form)}(?:$|[\s\"'<>?#)])", text, re.M)
        for form in forms
    )
