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


def test_cards_and_rows_date_a_release_on_the_day_where_it_happened(
    site: Site, tmp_path: Path
) -> None:
    """A release at 23:30 in Los Angeles went out on the next day in UTC: its card and its
    rows give the day its dateline's readers saw, in the text and in ``datetime``."""
    site.write(
        "releases/2025/late-news.md",
        "---\ntitle: Example signs a late supply deal\n"
        "date: 2025-11-05 23:30 America/Los_Angeles\ncategory: products\n"
        "tags: [launch]\nsummary: Signed late in the evening.\ncontacts: [ir]\n---\nText.\n",
    )
    out = tmp_path / "out"
    site.build(out)
    expected = ("2025-11-05", "November 5, 2025")
    for path, selector in (
        ("news", "main article.card"),
        ("topics/products", "main article.card"),
        ("tags/launch", "main .release-rows li"),
        ("news/2025", "main .release-rows li"),
    ):
        entries = [e for e in soup(out, path).select(selector) if "late supply" in e.get_text()]
        assert len(entries) == 1, path
        found = entries[0].time
        assert (found["datetime"], found.get_text()) == expected, path
