"""invoke new: the file name authors get, and a new file that the check accepts at once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsroom.newfile import (
    NewFileError,
    create,
    format_date,
    parse_date,
    slugify,
    translate,
    yaml_text,
)
from support import Site

BERLIN = ZoneInfo("Europe/Berlin")
WHEN = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("headline", "slug"),
    [
        (
            "Aldercrest opens grid software lab in Hamburg",
            "aldercrest-opens-grid-software-lab-in-hamburg",
        ),
        ("Übernahme der Müller & Söhne GmbH", "uebernahme-der-mueller-and-soehne-gmbh"),
        ("Straße, Ørsted, Åland, Œuvre", "strasse-oersted-aaland-oeuvre"),
        ("Café Noël: naïve façade", "cafe-noel-naive-facade"),
        ("Q3 2026 results: revenue +18 %", "q3-2026-results-revenue-18"),
        ('  --Aldercrest\'s   "new" CEO--  ', "aldercrests-new-ceo"),
        ("日本語のみ", "new-release"),
        ("", "new-release"),
    ],
)
def test_slug_rules(headline: str, slug: str) -> None:
    assert slugify(headline) == slug


def test_a_long_slug_is_cut_at_a_word_boundary() -> None:
    headline = "Aldercrest and Northwind sign a ten year framework agreement for grid controllers"
    slug = slugify(headline)
    assert slug == "aldercrest-and-northwind-sign-a-ten-year-framework-agreement"
    assert len(slug) <= 60
    assert headline.lower().replace(" ", "-").startswith(slug + "-")
    assert slugify("x" * 80) == "x" * 60


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("Aldercrest opens a lab", "Aldercrest opens a lab"),
        ("Aldercrest: a new chapter", '"Aldercrest: a new chapter"'),
        ('"Quoted" start', "'\"Quoted\" start'"),
        ("- a dash", '"- a dash"'),
        ("yes", '"yes"'),
        ("2026", "2026"),
        ("0800", '"0800"'),
        ("@Aldercrest opens", '"@Aldercrest opens"'),
        ("Results # one", '"Results # one"'),
    ],
)
def test_yaml_text_quotes_only_when_needed(value: str, written: str) -> None:
    assert yaml_text(value) == written


def test_dates_are_written_in_their_zone_to_the_minute() -> None:
    assert format_date(WHEN.replace(second=42), "Europe/Berlin") == "2026-11-23 09:00 Europe/Berlin"
    utc = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert format_date(utc, "Europe/Berlin") == "2026-11-23 09:00 Europe/Berlin"
    # 02:30 happens twice on 2026-10-25 in Berlin: an offset keeps the instant exact.
    repeated = datetime(2026, 10, 25, 0, 30, tzinfo=UTC).astimezone(BERLIN)
    assert format_date(repeated, "Europe/Berlin") == "2026-10-25T02:30+02:00"


def test_date_option_uses_the_checkers_words() -> None:
    assert parse_date("2026-12-03 07:00 Europe/Berlin", "Europe/Berlin") == datetime(
        2026, 12, 3, 6, 0, tzinfo=UTC
    )
    with pytest.raises(NewFileError, match=r"^--date: .*timezone"):
        parse_date("2026-12-03 07:00", "Europe/Berlin")


def new(site: Site, headline: str, when: datetime = WHEN, topic: str | None = None) -> Path:
    return create(
        site.path / "releases", site.path / "data", headline, "Europe/Berlin", when, topic
    )


def test_a_new_file_passes_the_check(site: Site) -> None:
    path = new(site, "Aldercrest: Übernahme in München")
    assert path == site.path / "releases/2026/aldercrest-uebernahme-in-muenchen.md"
    newsroom = site.load()
    assert newsroom.problems == []
    release = newsroom.release_for("releases/2026/aldercrest-uebernahme-in-muenchen.md")
    assert release is not None
    assert release.title == "Aldercrest: Übernahme in München"
    assert release.draft
    assert release.topic.key == "products"  # the first topic in topics.yml
    assert release.date == WHEN
    assert "date: 2026-11-23 09:00 Europe/Berlin\n" in path.read_text("utf-8")


def test_a_new_file_never_overwrites(site: Site) -> None:
    first = new(site, "Hamburg lab opens")
    first.write_text(first.read_text("utf-8") + "\nMy own words.\n", "utf-8")
    second = new(site, "Hamburg lab opens")
    (site.path / "releases/2026/hamburg-lab-opens-3").mkdir()  # a release's asset folder
    fourth = new(site, "Hamburg lab opens")
    assert [first.name, second.name, fourth.name] == [
        "hamburg-lab-opens.md",
        "hamburg-lab-opens-2.md",
        "hamburg-lab-opens-4.md",
    ]
    assert first.read_text("utf-8").endswith("My own words.\n")
    assert [p for p in site.load().problems] == []


def test_topic_and_year_follow_the_options(site: Site) -> None:
    when = datetime(2027, 1, 5, 23, 30, tzinfo=UTC)
    path = new(site, "Results", when.astimezone(ZoneInfo("America/New_York")), "financial-results")
    assert path.parent.name == "2027"
    text = path.read_text("utf-8")
    assert "date: 2027-01-05 18:30 America/New_York\n" in text
    assert "category: financial-results\n" in text
    assert site.load().problems == []
    with pytest.raises(NewFileError, match=r'--topic: "weather" is not a topic\. Use one of: '):
        new(site, "Results", topic="weather")
    with pytest.raises(NewFileError, match="Give the headline"):
        new(site, "   ")


BOTH = ("en", "de")


def test_a_translation_starts_as_a_linked_draft_that_passes_the_check(site: Site) -> None:
    source = site.path / "releases/2026/first-product.md"
    target = translate(source, "de", BOTH)
    assert target == site.path / "releases/2026/first-product-de.md"
    assert source.read_text("utf-8").startswith("---\ntranslation_key: first-product\ntitle:")
    text = target.read_text("utf-8")
    assert "lang: de\ntranslation_key: first-product\nstatus: draft\n---\n" in text
    assert "date: 2026-03-02 09:00 Europe/Berlin" in text
    newsroom = site.load(languages=BOTH)
    assert [p.text() for p in newsroom.problems if "first-product" in p.path] == []
    versions = [r for r in newsroom.releases if r.translation_key == "first-product"]
    assert sorted((r.lang, r.draft) for r in versions) == [("de", True), ("en", False)]


def test_a_second_translation_reuses_the_key(site: Site) -> None:
    source = site.path / "releases/2026/first-product.md"
    translate(source, "de", ("en", "de", "fr"))
    before = source.read_text("utf-8")
    french = translate(source, "fr", ("en", "de", "fr"))
    assert source.read_text("utf-8") == before
    assert "translation_key: first-product\n" in french.read_text("utf-8")


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("fr", '--lang: "fr" is not one of the site\'s languages. Use one of: en, de.'),
        ("en", "is already in en: name another language."),
    ],
)
def test_a_translation_is_refused_with_a_reason(site: Site, lang: str, message: str) -> None:
    source = site.path / "releases/2026/first-product.md"
    with pytest.raises(NewFileError) as err:
        translate(source, lang, BOTH)
    assert str(err.value).endswith(message)


def test_an_existing_translation_is_never_overwritten(site: Site) -> None:
    source = site.path / "releases/2026/first-product.md"
    translate(source, "de", BOTH)
    with pytest.raises(NewFileError) as err:
        translate(source, "de", BOTH)
    assert str(err.value).endswith("first-product-de.md already exists: translate in that file.")


def test_topics_that_the_check_refuses_stop_a_new_file_in_words(site: Site) -> None:
    """invoke new reads topics.yml with the checker's reader: deep nesting is a message,
    not a RecursionError."""
    site.write("data/topics.yml", "products: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(NewFileError) as refused:
        new(site, "Hamburg lab opens")
    assert str(refused.value) == (
        f"{site.path / 'data/topics.yml'} cannot be read: {site.path / 'data/topics.yml'}:1: "
        "products: lists and groups are nested more than 20 levels deep here. A release needs "
        "at most three levels (like updates:, then - date:); remove the extra brackets or "
        "indentation. Run invoke check."
    )
