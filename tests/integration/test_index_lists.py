"""Tag and year pages list releases as rows (date and title); the archive and topics as cards."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from support import Site


def soup(out: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((out / path / "index.html").read_text("utf-8"), "html.parser")


def test_tag_and_year_pages_are_rows_of_date_and_title(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out)
    for path, expected in (
        ("tags/launch", [("2026-03-02", "March 2, 2026", "Example launches its first product")]),
        ("news/2025", [("2025-12-15", "December 15, 2025", "Example reports Q4 2025 results")]),
    ):
        page = soup(out, path)
        assert not page.select("main article.card"), path
        rows = page.select("main .release-rows li")
        found = [(r.time["datetime"], r.time.get_text(), r.a.get_text()) for r in rows]
        assert found == expected, path
        link = rows[0].a["href"]
        assert (out / link.lstrip("/") / "index.html").is_file()
        # English on an English page: the page's own lang says so, not each row.
        assert page.html["lang"] == "en" and not rows[0].has_attr("lang")
    # The pages readers browse keep their cards, with pictures and summaries.
    for path in ("news", "topics/products"):
        cards = soup(out, path).select("main article.card")
        assert cards and all(c.select_one(":scope > img") for c in cards), path
        assert all(c.select_one(".card-summary") for c in cards), path
        # A topic's page names its topic in its heading, not on every card.
        topics = [c.select_one(".card-topic") for c in cards]
        assert all(topics) if path == "news" else not any(topics), path
