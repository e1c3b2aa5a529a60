"""The sample newsroom as a reader finds it: every public release is reachable from the home
or archive, from its topic page and from each of its tag pages, following the site's links."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from newsroom.content import Newsroom
from newsroom.dates import parse_as_of
from support import AS_OF


def soup(out: Path, url: str) -> BeautifulSoup:
    path = out / url.lstrip("/")
    if url.endswith("/") or not path.suffix:
        path = path / "index.html"
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def links(page: BeautifulSoup, base: str) -> set[str]:
    return {urljoin(base, a["href"]) for a in page.find_all("a", href=True)}


def listed_on(out: Path, url: str, target: str) -> bool:
    """Whether ``target`` is linked from ``url`` or any page its pagination leads to."""
    seen: set[str] = set()
    todo = [url]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        found = links(soup(out, current), current)
        if target in found:
            return True
        todo += [u for u in found if u.startswith(url) and "/page/" in u]
    return False


def test_sample_content_is_valid_and_rich(sample: tuple[Newsroom, Path]) -> None:
    newsroom, _ = sample
    assert newsroom.errors == []
    assert len(newsroom.releases) >= 12
    assert len({r.date.year for r in newsroom.releases}) >= 3
    assert len({r.topic.key for r in newsroom.releases}) >= 4
    assert any(r.safe_harbor_html for r in newsroom.releases)
    assert any(r.updates for r in newsroom.releases)
    assert any(r.image and r.attachments for r in newsroom.releases)
    assert newsroom.site is not None and len(newsroom.site.contacts) >= 2


def test_every_public_release_is_reachable(sample: tuple[Newsroom, Path]) -> None:
    newsroom, out = sample
    public = [r for r in newsroom.releases if r.is_public(parse_as_of(AS_OF))]
    assert len(public) >= 12
    originals = {
        r.translation_key: f"/{r.url}" for r in public if r.translation_key and r.lang == "en"
    }
    for release in public:
        url = f"/{release.url}"
        assert (out / release.url / "index.html").is_file(), url
        # A translation is listed through its original, and links to it (and back).
        original = url
        if release.lang != "en" and release.translation_key in originals:
            original = originals[release.translation_key]
            assert url in links(soup(out, original), original), (original, url)
            assert original in links(soup(out, url), url), (url, original)
            assert listed_on(out, f"/{release.lang}/", url), url
        assert listed_on(out, "/", original) or listed_on(out, "/news/", original), url
        assert listed_on(out, f"/topics/{release.topic.key}/", original), url
        page = soup(out, url)
        # Each language's releases lead to its own tag pages (/de/tags/...), which list them.
        tags = "/tags/" if release.lang == "en" else f"/{release.lang}/tags/"
        tag_links = [u for u in links(page, url) if u.startswith(tags) and u != tags]
        assert len(tag_links) == len(release.tags), url
        for tag_url in tag_links:
            assert listed_on(out, tag_url, url) or listed_on(out, tag_url, original), tag_url
        year = f"/news/{release.url.split('/')[1]}/"
        assert listed_on(out, year, original), (url, year)
        if release.lang != "en":
            prefix = f"/{release.lang}"
            assert listed_on(out, f"{prefix}/topics/{release.topic.key}/", url), url
            assert listed_on(out, f"{prefix}{year}", url), url


def test_the_sample_has_a_release_in_two_languages(sample: tuple[Newsroom, Path]) -> None:
    newsroom, _ = sample
    public = [r for r in newsroom.releases if r.is_public(parse_as_of(AS_OF))]
    keys = {r.translation_key for r in public if r.lang == "de"}
    assert keys & {r.translation_key for r in public if r.lang == "en"}


def test_unpublished_sample_releases_are_absent(sample: tuple[Newsroom, Path]) -> None:
    newsroom, out = sample
    hidden = [r for r in newsroom.releases if not r.is_public(parse_as_of(AS_OF))]
    assert hidden, "the sample has an embargoed release and a draft"
    files = [p for p in out.rglob("*") if p.is_file()]
    everything = "\n".join(p.read_bytes().decode("utf-8", "replace") for p in files)
    names = "\n".join(str(p.relative_to(out)) for p in files)
    for release in hidden:
        # No page, feed item, sitemap entry, JSON record, tag page or file of it, anywhere.
        assert release.title not in everything
        assert release.slug not in everything and release.slug not in names
        assert release.summary not in everything
        assert not (out / release.url).exists()
