"""Share links of a release: plain addresses of each network's share page, resolved before
any template runs."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from .models import Release


@dataclass(frozen=True)
class ShareLink:
    network: str
    label: str
    href: str


_SHARE_URLS = {
    "linkedin": ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?url={url}"),
    "x": ("X", "https://x.com/intent/post?url={url}&text={title}"),
    "facebook": ("Facebook", "https://www.facebook.com/sharer/sharer.php?u={url}"),
    "email": ("Email", "mailto:?subject={title}&body={mail_url}"),
}


def share_links(release: Release, site_url: str, networks: tuple[str, ...]) -> list[ShareLink]:
    """Plain links (no third-party scripts): they work without JavaScript and leak nothing."""
    page = f"{site_url}/{release.url}"
    values = {
        # A query may hold ":" and "/" as they are (RFC 3986, 3.4), a mailto field only ":"
        # (RFC 6068): escaping them made each share link a tenth longer.
        "url": quote(page, safe=":/"),
        "mail_url": quote(page, safe=":"),
        "title": quote(release.title, safe=""),
    }
    return [ShareLink(n, _SHARE_URLS[n][0], _SHARE_URLS[n][1].format(**values)) for n in networks]
