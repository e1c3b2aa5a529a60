"""Links in built pages: nothing rewrites them after the sanitizer, and each one leads to a
file the same build wrote."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from file_samples import picture

from newsroom.commands import BuildFailed
from support import Site

HEAD = (
    "---\ntitle: Example opens a lab\ndate: 2026-07-01 09:00 Europe/Berlin\n"
    "category: products\nsummary: A new lab.\n---\nThe lab opened.\n\n"
)
# Pelican's link rewriting also matches "href='…'" inside another attribute's value, and
# unescapes what it pastes back: on its own, this title put a <script> on the page.
TITLE_PAYLOAD = (
    "<abbr title=\"href='{filename}/media/R&D.png?&quot;&gt;&lt;script "
    "src=&quot;/media/stats.js&quot;&gt;&lt;/script&gt;'\">R&amp;D</abbr>\n"
)
PELICAN_DEFAULT = "[{|](?P<what>.*?)[|}]"


def test_nothing_rewrites_html_after_the_sanitizer(site: Site, tmp_path: Path) -> None:
    site.write("media/R&D.png", picture("png"))
    site.write("releases/2026/case.md", HEAD + TITLE_PAYLOAD)
    assert [p.text() for p in site.load().problems] == []
    # A settings file that brings Pelican's link rewriting back changes nothing.
    site.build(tmp_path / "out", INTRASITE_LINK_REGEX=PELICAN_DEFAULT)
    page = (tmp_path / "out/news/2026/case/index.html").read_text("utf-8")
    assert '<script src="/media/stats.js">' not in page
    assert "href='{filename}/media/R&amp;D.png?&quot;&gt;&lt;script" in page


@pytest.mark.parametrize(
    ("release", "link"),
    [
        ("embargoed-launch", "{attach}deck.pdf"),
        ("embargoed-launch", "|attach|embargoed-launch/deck.pdf"),
        ("first-product", "{static}embargoed-launch/deck.pdf"),
        ("first-product", "{filename}embargoed-launch.md"),
    ],
)
def test_pelican_links_publish_nothing_early(
    site: Site, tmp_path: Path, release: str, link: str
) -> None:
    site.write("releases/2026/embargoed-launch/deck.pdf", b"%PDF-1.4 secret")
    source = site.path / f"releases/2026/{release}.md"
    site.write(f"releases/2026/{release}.md", source.read_text("utf-8") + f"\n[Deck]({link})\n")
    (problem,) = site.load().problems
    assert problem.rule == "link-form" and problem.path == f"releases/2026/{release}.md"
    with pytest.raises(BuildFailed):
        site.build(tmp_path / "out")
    assert not list((tmp_path / "out").rglob("deck.pdf"))
    assert not list((tmp_path / "out").rglob("embargoed-launch*"))


def test_a_public_release_cannot_link_an_embargoed_file(site: Site, tmp_path: Path) -> None:
    site.write("releases/2026/embargoed-launch/deck.pdf", b"%PDF-1.4 secret")
    site.write("releases/2026/case.md", HEAD + "[Deck](/news/2026/embargoed-launch/deck.pdf)\n")
    assert [p.text() for p in site.load().problems] == [
        'releases/2026/case.md:9: body: "/news/2026/embargoed-launch/deck.pdf" links to '
        "/news/2026/embargoed-launch/deck.pdf, but no such file is published with "
        "releases/2026/embargoed-launch.md. List the file under attachments (or as the image) "
        "of the release, with the file in its folder, or correct the name (capital letters "
        "count)."
    ]
    with pytest.raises(BuildFailed):
        site.build(tmp_path / "out")
    assert not list((tmp_path / "out").rglob("deck.pdf"))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [v for k, v in attrs if k in {"href", "src"} and v]


def test_every_link_in_the_text_leads_to_a_written_file(site: Site, tmp_path: Path) -> None:
    site.write("media/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    site.write(
        "releases/2026/case.md",
        HEAD.replace("---\nThe", "attachments:\n  - file: notes.pdf\n    title: Notes\n---\nThe")
        + "![The plant](../with-files/plant.png) [notes](notes.pdf) [first](../first-product)"
        " [sheet](/news/2026/with-files/factsheet.pdf) [about](/about/) [logo](/media/logo.svg)"
        " [topic](/topics/products/) [2025](/news/2025/q4-results/index.html)\n",
    )
    site.write("releases/2026/case/notes.pdf", b"%PDF-1.4")
    assert [p.text() for p in site.load().problems] == []
    out = tmp_path / "out"
    site.build(out)
    links = _Links()
    links.feed((out / "news/2026/case/index.html").read_text("utf-8"))
    body = links.found[links.found.index("../with-files/plant.png") :][:8]
    assert len(body) == 8
    for link in body:
        path = unquote(urlsplit(urljoin("/news/2026/case/", link)).path)
        target = out / path.lstrip("/")
        assert (target / "index.html" if target.is_dir() else target).is_file(), link
