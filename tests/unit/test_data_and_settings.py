"""The shared data files and the NEWSROOM settings get the same plain-language checks."""

from __future__ import annotations

import pytest

from newsroom.settings import SettingsError, from_pelican
from support import Site


def data_problems(site: Site) -> list[str]:
    # English only: the German versions have tests of their own (test_data_languages.py).
    return [p.text() for p in site.load(languages=("en",)).problems if p.path.startswith("data/")]


@pytest.mark.parametrize(
    ("file", "text", "expected"),
    [
        pytest.param(
            "data/contacts.yml",
            "press:\n  name: Pat Press\n  role: Head of Media\n  email: pat-at-example\n",
            [
                'data/contacts.yml:4: press.email: "pat-at-example" is not an email address. Write '
                "a full address, like press@example.com."
            ],
            id="bad-email",
        ),
        pytest.param(
            "data/contacts.yml",
            "Press Office:\n  name: Pat\n  role: Press\n  email: p@example.com\n",
            [
                'data/contacts.yml:1: Press Office: "Press Office" is not a usable key. Use '
                "lowercase letters, digits and hyphens only, like media-relations."
            ],
            id="bad-key",
        ),
        pytest.param(
            "data/topics.yml",
            "products:\n  name: Products\n",
            [
                "data/topics.yml:2: products.description: this required field is missing. Add a "
                "line like description: Quarterly and annual results."
            ],
            id="topic-without-description",
        ),
        pytest.param(
            "data/topics.yml",
            "products:\n  name: Products\n  description: Launches.\n  translations:\n"
            "    german:\n      name: Produkte\n    fr:\n      name: Produits\n",
            [
                'data/topics.yml:5: products.translations.german: "german" is not a language '
                "code. Use a code like de, fr or pt-BR.",
                "data/topics.yml:8: products.translations.fr.description: this required field is "
                "missing. Add a line like description: Quarterly and annual results.",
            ],
            id="topic-translations",
        ),
        pytest.param(
            "data/topics.yml",
            "products:\n  name: Products\n  description: Launches.\n  translations: Produkte\n",
            [
                "data/topics.yml:4: products.translations: this should list languages, each with "
                "its own fields. Write it like translations: {de: {name: Finanzergebnisse, "
                "description: …}}."
            ],
            id="topic-translations-not-a-mapping",
        ),
        pytest.param(
            "data/company.yml",
            "name: Example\nlegal_name: Example AG\nwebsite: www.example.com\ndescription: D.\n"
            "boilerplate: nope\ncontacts: [press]\nsafe_harbor: S.\n",
            [
                'data/company.yml:3: website: "www.example.com" is not a web address. Write the '
                "full address, starting with https://."
            ],
            id="company-website",
        ),
        pytest.param(
            "data/company.yml",
            "name: Example\nlegal_name: Example AG\nwebsite: https://example.com\n"
            "description: D.\nboilerplate: nope\ncontacts: [press, nobody]\nsafe_harbor: S.\n",
            [
                'data/company.yml:5: boilerplate: "nope" is not defined in boilerplates.yml. Use one '
                "of: default, or add it to boilerplates.yml.",
                'data/company.yml:6: contacts: "nobody" is not defined in contacts.yml. Use one of: '
                "ir, press, or add it to contacts.yml.",
            ],
            id="company-references",
        ),
        pytest.param(
            "data/boilerplates.yml",
            "default:\n  title: About\n  text: [a, b]\n",
            [
                "data/boilerplates.yml:3: default.text: this should be text, not a list. Write it on "
                "one line, like text: Example Industries makes…."
            ],
            id="boilerplate-wrong-type",
        ),
    ],
)
def test_data_file_problems(site: Site, file: str, text: str, expected: list[str]) -> None:
    site.write(file, text)
    assert data_problems(site) == expected


def test_missing_data_file_stops_release_checks_with_a_reason(site: Site) -> None:
    (site.path / "data" / "topics.yml").unlink()
    assert [p.text() for p in site.load().problems] == [
        "data/topics.yml: this data file is missing. Create topics.yml in the data folder; the "
        "README's author guide shows its fields.",
        "releases: releases were not checked, because the data files have errors. Fix the data "
        "files first.",
    ]


@pytest.mark.parametrize(
    ("newsroom", "message"),
    [
        (
            {"timezon": "UTC"},
            "NEWSROOM: 'timezon' is not a setting of the newsroom plugin. Did you mean 'timezone'?",
        ),
        ({"home_count": "9"}, "NEWSROOM: 'home_count' must be a whole number, not '9'."),
        (
            {"timezone": "Mars/Olympus"},
            "NEWSROOM: 'timezone' 'Mars/Olympus' is not an IANA zone name.",
        ),
        (
            {"release_url": "news/{id}/"},
            "NEWSROOM: 'release_url' must contain {slug} and end with '/'.",
        ),
        ({"languages": "en"}, "NEWSROOM: 'languages' must be a list of strings."),
        (
            {"languages": ["en", "english", "xx"]},
            "NEWSROOM: 'languages' must be language codes like en, de or pt-BR, not english, xx.",
        ),
        ({"languages": ["en", "de", "en"]}, "NEWSROOM: 'languages' lists a language twice."),
        (
            {"host": "netlify"},
            "NEWSROOM: 'host' must be 'github-pages' or 'self-hosted', not 'netlify'.",
        ),
        (
            {"output_limit_mb": "1 GB"},
            "NEWSROOM: 'output_limit_mb' must be a number of megabytes, like 500, not '1 GB'.",
        ),
        (
            {"output_limit_mb": -5},
            "NEWSROOM: 'output_limit_mb' must be a number of megabytes, like 500, not -5.",
        ),
    ],
)
def test_settings_are_checked_once(newsroom: dict, message: str) -> None:
    with pytest.raises(SettingsError) as err:
        from_pelican({"NEWSROOM": newsroom})
    assert str(err.value) == message


def test_build_instant_needs_a_timezone() -> None:
    with pytest.raises(SettingsError) as err:
        from_pelican({"NEWSROOM_AS_OF": "2026-11-23 09:00"})
    assert str(err.value) == (
        'NEWSROOM_AS_OF: --as-of: "2026-11-23 09:00" has no timezone, so the moment of '
        "publication is unclear. Add the timezone, like 2026-11-23 09:00 UTC."
    )


def test_topics_and_safe_harbor_speak_each_language(site: Site) -> None:
    topics = (site.path / "data/topics.yml").read_text("utf-8")
    site.write(
        "data/topics.yml",
        topics + "launches:\n  name: Launches\n  description: New things.\n  translations:\n"
        "    de:\n      name: Produkte\n      description: Neuheiten.\n",
    )
    company = (site.path / "data/company.yml").read_text("utf-8")
    site.write(
        "data/company.yml",
        company.replace(
            "Tatsächliche Ergebnisse können abweichen.", "Zukunftsgerichtete **Aussagen**."
        ),
    )
    newsroom = site.load(languages=("en", "de"))
    assert newsroom.errors == []
    assert newsroom.site is not None
    topic = newsroom.site.topics["launches"]
    assert [topic.name_in(lang) for lang in ("en", "de", "de-AT", "fr")] == [
        "Launches",
        "Produkte",
        "Produkte",
        "Launches",
    ]
    company_data = newsroom.site.company
    assert company_data.safe_harbor_for("de") == (
        "<p>Diese Mitteilung enthält zukunftsgerichtete Aussagen. Zukunftsgerichtete "
        "<strong>Aussagen</strong>.</p>"
    )
    assert company_data.safe_harbor_for("fr") == company_data.safe_harbor_html
