"""The share links of a built release page: each network's page, given the release's address."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup

from support import Site

SITE = "https://news.example.com"
TITLE = "Example & Partner: 50% more? #1/2 in Übersee"


def test_each_share_link_gives_its_network_the_address_and_title(
    site: Site, tmp_path: Path
) -> None:
    site.write(
        "releases/2026/share-me.md",
        f'---\ntitle: "{TITLE}"\ndate: 2026-01-05 09:00 Europe/Berlin\ncategory: products\n'
        "summary: S.\n---\nText.\n",
    )
    out = tmp_path / "out"
    site.build(out, SITEURL=SITE)
    html = (out / "news/2026/share-me/index.html").read_text("utf-8")
    links = BeautifulSoup(html, "html.parser").select(".share a")
    shares = {a.get_text(): a["href"] for a in links}
    address = f"{SITE}/news/2026/share-me/"
    # The address as it is where a query allows it; the title with every character escaped.
    assert shares == {
        "LinkedIn": f"https://www.linkedin.com/sharing/share-offsite/?url={address}",
        "X": f"https://x.com/intent/post?url={address}&text="
        "Example%20%26%20Partner%3A%2050%25%20more%3F%20%231%2F2%20in%20%C3%9Cbersee",
        "Facebook": f"https://www.facebook.com/sharer/sharer.php?u={address}",
        "Email": "mailto:?subject="
        "Example%20%26%20Partner%3A%2050%25%20more%3F%20%231%2F2%20in%20%C3%9Cbersee"
        "&body=https:%2F%2Fnews.example.com%2Fnews%2F2026%2Fshare-me%2F",
    }
    # Each network reads back the address and the title exactly.
    for name, href in shares.items():
        fields = parse_qs(urlsplit(href).query)
        assert fields.pop("url", fields.pop("u", fields.pop("body", None))) == [address], name
        assert fields in ({}, {"text": [TITLE]}, {"subject": [TITLE]}), name
    # Plain links: no class, script or handler a network would need.
    assert all(set(a.attrs) == {"href"} for a in links)
