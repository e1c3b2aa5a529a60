"""Language names and dates as each language writes them (Babel), for the site's labels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from jinja2 import Environment

from newsroom.i18n import (
    Catalogs,
    format_day,
    format_instant,
    is_language,
    language_name,
    plural_samples_of,
)

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("en", "English"),
        ("de", "Deutsch"),
        ("de-CH", "Deutsch (Schweiz)"),
        ("fr", "Français"),
        ("pt-BR", "Português (Brasil)"),
        ("tlh", "tlh"),
    ],
)
def test_languages_are_named_in_their_own_words(code: str, name: str) -> None:
    assert language_name(code) == name


def test_a_language_can_be_named_in_another() -> None:
    assert [language_name("de", "en"), language_name("en", "de")] == ["German", "Englisch"]


@pytest.mark.parametrize(
    ("code", "known"), [("en", True), ("pt-BR", True), ("de_DE", False), ("english", False)]
)
def test_language_codes_are_checked(code: str, known: bool) -> None:
    assert is_language(code) is known


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN), "en", "November 23, 2026, 09:00 CET"),
        (datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN), "de", "23. November 2026, 09:00 MEZ"),
        (datetime(2026, 7, 3, 18, 45, tzinfo=BERLIN), "de", "3. Juli 2026, 18:45 MESZ"),
        (datetime(2026, 7, 3, 18, 45, tzinfo=BERLIN), "fr", "3 juillet 2026, 18:45 CEST"),
        (
            datetime(2026, 3, 2, 8, 30, tzinfo=ZoneInfo("America/New_York")),
            "en",
            "March 2, 2026, 08:30 EST",
        ),
        (datetime(2026, 3, 2, 8, 30, tzinfo=ZoneInfo("UTC")), "de", "2. März 2026, 08:30 UTC"),
        (
            datetime(2026, 3, 2, 8, 30, tzinfo=timezone(timedelta(hours=1))),
            "en",
            "March 2, 2026, 08:30 UTC+01:00",
        ),
    ],
)
def test_instants_are_written_as_each_language_writes_them(
    value: datetime, lang: str, text: str
) -> None:
    assert format_instant(value, lang) == text


def test_days_follow_the_language() -> None:
    day = datetime(2026, 12, 3, 7, 0, tzinfo=BERLIN)
    assert [format_day(day, lang) for lang in ("en", "de", "fr")] == [
        "December 3, 2026",
        "3. Dezember 2026",
        "3 décembre 2026",
    ]


def test_a_day_is_the_one_where_the_instant_was_written() -> None:
    """Equal instants in other zones can fall on other days: each keeps its own, however
    often the same instant was written before."""
    berlin = datetime(2026, 1, 1, 0, 30, tzinfo=BERLIN)
    utc = berlin.astimezone(UTC)
    assert berlin == utc
    assert [format_day(berlin), format_day(utc), format_day(berlin)] == [
        "January 1, 2026",
        "December 31, 2025",
        "January 1, 2026",
    ]
    assert format_day(berlin.date(), "de") == "1. Januar 2026"


def test_each_plural_category_has_a_number_to_ask_the_catalogue_with() -> None:
    """The search status is worded per category: Polish has three for whole numbers."""
    assert plural_samples_of("en") == [("one", 1), ("other", 0)]
    assert plural_samples_of("de") == [("one", 1), ("other", 0)]
    assert plural_samples_of("pl") == [("few", 2), ("many", 0), ("one", 1)]


THEME = Path(__file__).resolve().parents[2] / "theme"


def _labels_env(autoescape: bool) -> Environment:
    env = Environment(autoescape=autoescape)
    Catalogs(THEME, ("en", "de")).install(env)
    return env


#: A label with a value, and one counted (n is set before it).
WEBSITE = '{{ _("%(company)s corporate website", company="A & <B>") }}'
RELEASES = '{{ ngettext("%(num)s press release", "%(num)s press releases", n) }}'


@pytest.mark.parametrize(
    ("template", "lang", "autoescape", "shown"),
    [
        ('{{ _("Corporate website") }}', "en", True, "Corporate website"),
        ('{{ _("Corporate website") }}', "de", True, "Unternehmenswebsite"),
        (WEBSITE, "de", True, "Unternehmenswebsite von A &amp; &lt;B&gt;"),
        (WEBSITE, "en", False, "A & <B> corporate website"),
        # Always a format string, values or none: %% is one percent sign.
        ('{{ _("100%% <b>sure</b>") }}', "en", True, "100% <b>sure</b>"),
        ('{{ _("100%% <b>sure</b>") }}', "en", False, "100% <b>sure</b>"),
        ("{% set n = 1 %}" + RELEASES, "de", True, "1 Pressemitteilung"),
        ("{% set n = 3 %}" + RELEASES, "en", True, "3 press releases"),
        ('{{ gettext("Corporate website") }}', "de", True, "Unternehmenswebsite"),
    ],
)
def test_labels_are_shown_in_the_page_language(
    template: str, lang: str, autoescape: bool, shown: str
) -> None:
    assert _labels_env(autoescape).from_string(template).render(page_lang=lang) == shown


def test_a_label_is_in_each_page_language_in_turn() -> None:
    """Labels are remembered by language: one environment renders pages in both."""
    page = _labels_env(True).from_string('{{ _("Corporate website") }}|{{ _("Newsroom") }}')
    rendered = [page.render(page_lang=lang) for lang in ("de", "en", "de", "en")]
    assert rendered == [
        "Unternehmenswebsite|Newsroom",
        "Corporate website|Newsroom",
        "Unternehmenswebsite|Newsroom",
        "Corporate website|Newsroom",
    ]
