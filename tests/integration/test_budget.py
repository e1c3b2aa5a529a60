"""The performance budget of the sample newsroom, measured on its build (no browser needed).

A release page, without its images, is at most 50 KB on the wire: the HTML plus every
stylesheet and script it loads, each gzip-compressed (level 6, as web servers send them). It
needs no JavaScript to be read, and nothing on any page blocks rendering on a script.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from newsroom.content import Newsroom

BUDGET_GZIP = 50 * 1024
BUDGET_RAW = 150 * 1024
DATA_SCRIPT = "application/ld+json"


def release_pages(out: Path) -> list[Path]:
    pages = sorted((out / "news").glob("[0-9]*/*/index.html"))
    assert len(pages) >= 10, "the sample site should have many release pages"
    return pages


def local_file(out: Path, url: str) -> Path:
    """The built file behind an address on the site (dev builds use root-relative ones)."""
    parts = urlsplit(url)
    assert not parts.scheme and not parts.netloc, f"{url} is not on the site"
    path = out / parts.path.lstrip("/")
    return path / "index.html" if parts.path.endswith("/") else path


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def loaded_resources(page: BeautifulSoup) -> list[str]:
    """What a browser fetches to show the page, apart from images, icons and feeds."""
    urls = [
        link["href"]
        for link in page.find_all("link", href=True)
        if {"stylesheet", "modulepreload", "preload"} & set(link.get("rel") or [])
        and link.get("as") not in {"image", "font"}
    ]
    urls += [script["src"] for script in page.find_all("script", src=True)]
    return urls


def page_weight(out: Path, html: Path) -> tuple[int, int]:
    """Raw and gzip-compressed bytes of the page and everything it loads, images apart."""
    files = [html]
    page = BeautifulSoup(html.read_text("utf-8"), "html.parser")
    files += [local_file(out, url) for url in loaded_resources(page)]
    raw = gzip_size = 0
    for file in files:
        data = file.read_bytes()
        raw += len(data)
        gzip_size += gzipped(data)
    return raw, gzip_size


def test_a_release_page_is_within_the_budget(sample: tuple[Newsroom, Path]) -> None:
    _, out = sample
    weights = {html: page_weight(out, html) for html in release_pages(out)}
    heaviest = max(weights, key=lambda html: weights[html][1])
    raw, gzip_size = weights[heaviest]
    where = heaviest.parent.relative_to(out)
    assert gzip_size <= BUDGET_GZIP, f"/{where}/ is {gzip_size} bytes gzipped"
    assert raw <= BUDGET_RAW, f"/{where}/ is {raw} bytes uncompressed"
    # The stylesheet is shared by every page: it must load on release pages, and be small.
    css = out / "theme" / "css" / "newsroom.css"
    assert gzipped(css.read_bytes()) <= 12 * 1024


def test_release_pages_need_no_javascript(sample: tuple[Newsroom, Path]) -> None:
    newsroom, out = sample
    for html in release_pages(out):
        page = BeautifulSoup(html.read_text("utf-8"), "html.parser")
        scripts = [s for s in page.find_all("script") if s.get("type") != DATA_SCRIPT]
        assert scripts == [], f"/{html.parent.relative_to(out)}/ loads scripts: {scripts}"
        for link in page.find_all("link", href=True):
            assert "modulepreload" not in (link.get("rel") or []), link
        assert page.find(attrs={"onload": True}) is None
    # The whole release is in the HTML itself: title, and every paragraph of its text.
    releases = {r.title: r for r in newsroom.releases}
    page = BeautifulSoup(release_pages(out)[-1].read_text("utf-8"), "html.parser")
    title = page.find("h1")
    assert title is not None and title.get_text(strip=True) in releases
    body = page.select_one(".release-body")
    assert body is not None and len(body.find_all("p")) >= 2


def is_blocking(script: Tag) -> bool:
    if script.get("type") in {DATA_SCRIPT, "module", "application/json"}:
        return False
    if script.has_attr("defer") or script.has_attr("async"):
        return False
    # A script at the very end of the body runs once everything above it is shown.
    following = [e for e in script.find_all_next() if e.name != "script"]
    return bool(following)


def test_no_page_blocks_rendering_on_a_script(sample: tuple[Newsroom, Path]) -> None:
    _, out = sample
    # Every reader's page; admin/ is the editors' CMS, an application and not a page to read.
    pages = sorted(p for p in out.rglob("*.html") if p.relative_to(out).parts[0] != "admin")
    assert len(pages) >= 30
    for html in pages:
        page = BeautifulSoup(html.read_text("utf-8"), "html.parser")
        blocking = [s for s in page.find_all("script") if is_blocking(s)]
        assert blocking == [], f"{html.relative_to(out)}: render-blocking {blocking}"
