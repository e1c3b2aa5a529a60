"""Every text a reader sees, in every site language: the check's exact words when one is missing."""

from __future__ import annotations

import shutil

import pytest

from support import ROOT, Site


def problems(site: Site, prefix: str = "") -> list[str]:
    return [p.text() for p in site.load().problems if p.path.startswith(prefix)]


def test_the_fixture_speaks_both_languages(site: Site) -> None:
    assert problems(site) == []


def test_a_contact_without_a_german_role(site: Site) -> None:
    site.write(
        "data/contacts.yml",
        "press:\n  name: Pat Press\n  role: Head of Media Relations\n  email: press@example.com\n"
        "  region: Europe\n",
    )
    assert problems(site, "data/") == [
        "data/contacts.yml:2: press.translations: there is no German version of role and "
        "region. Add it under the entry, like translations: {de: {role: …, region: …}}, so that "
        "German pages show it in German."
    ]
    # The data is still whole: releases and pages are checked too, so all problems show at once.
    newsroom = site.load()
    assert newsroom.site is not None and newsroom.releases
    assert 'contacts[1]: "ir" is not one of the media contacts' in "\n".join(problems(site))


def test_a_german_version_without_every_field(site: Site) -> None:
    site.write(
        "data/contacts.yml",
        "press:\n  name: Pat Press\n  role: Head of Media Relations\n  email: press@example.com\n"
        "  region: Europe\n  translations:\n    de:\n      role: Leitung Medienarbeit\n",
    )
    assert problems(site, "data/") == [
        "data/contacts.yml:7: press.translations.de: region has no German version. Add region: "
        "with the German text under de:."
    ]


def test_each_site_language_is_asked_for(site: Site) -> None:
    found = [
        p.text()
        for p in site.load(languages=("en", "de", "fr")).problems
        if p.path == "data/topics.yml"
    ]
    assert found == [
        "data/topics.yml:4: products.translations: there is no French version of name and "
        "description. Add it under the entry, like translations: {fr: {name: …, description: …}}"
        ", so that French pages show it in French.",
        "data/topics.yml:11: financial-results.translations: there is no French version of name "
        "and description. Add it under the entry, like translations: {fr: {name: …, "
        "description: …}}, so that French pages show it in French.",
    ]


def test_a_site_in_one_language_needs_no_translations(site: Site) -> None:
    contacts = site.path / "data/contacts.yml"
    english = "".join(
        line
        for line in contacts.read_text("utf-8").splitlines(keepends=True)
        if not line.startswith("    ")  # the translations
    ).replace("  translations:\n", "")
    contacts.write_text(english, encoding="utf-8")
    shutil.rmtree(site.path / "pages" / "de")
    assert [p.text() for p in site.load(languages=("en",)).problems] == []


def test_the_company_headquarters_needs_its_german_version(site: Site) -> None:
    company = site.path / "data/company.yml"
    company.write_text(
        company.read_text("utf-8") + "headquarters: Hamburg, Germany\n", encoding="utf-8"
    )
    assert problems(site, "data/") == [
        "data/company.yml:12: translations.de: headquarters has no German version. Add "
        "headquarters: with the German text under de:."
    ]


# --- pages ------------------------------------------------------------------------------------


def test_a_page_without_its_german_version(site: Site) -> None:
    site.write("pages/contacts.md", "---\ntitle: Media contacts\ntemplate: contacts\n---\nHello.\n")
    assert problems(site, "pages/") == [
        "pages/contacts.md: there is no German version of this page. Write it as "
        "pages/de/contacts.md (the same file name), so that German readers get this page in "
        "German."
    ]


def test_a_german_page_that_translates_nothing(site: Site) -> None:
    site.write("pages/de/kontakt.md", "---\ntitle: Kontakt\n---\nHallo.\n")
    assert problems(site, "pages/") == [
        "pages/de/kontakt.md: there is no English page pages/kontakt.md that this one "
        "translates. Add pages/kontakt.md, or give this file the name of the page it translates."
    ]


def test_a_page_folder_that_is_not_a_site_language(site: Site) -> None:
    site.write("pages/fr/about.md", "---\ntitle: À propos\n---\nBonjour.\n")
    assert problems(site, "pages/") == [
        'pages/fr/about.md: the folder "fr" is not one of the site\'s languages. Put a page in '
        "the pages folder itself, or its translation in a folder named after one of the site's "
        "other languages, like pages/de/about.md."
    ]


def test_a_german_page_has_its_own_address(site: Site) -> None:
    pages = {p.source: (p.url, p.lang) for p in site.load().pages}
    assert pages == {"pages/about.md": ("about/", "en"), "pages/de/about.md": ("de/about/", "de")}


# --- the media kit ----------------------------------------------------------------------------

KIT = "data/media-kit.yml"
PORTRAIT = (
    "executives:\n  title: Executives\n  translations: {de: {title: Vorstand}}\n  items:\n"
    "    - file: ceo-portrait.jpg\n      title: Dr. Henrike Sommerfeld\n{role}"
    "      alt: {alt}\n      usage: Free for editorial use.\n"
    "      translations:\n        de:\n          title: Dr. Henrike Sommerfeld\n"
    "          role: Vorstandsvorsitzende\n          alt: Porträt von Dr. Henrike Sommerfeld\n"
    "          usage: Frei für redaktionelle Verwendung.\n"
)


@pytest.fixture
def kit_site(site: Site) -> Site:
    shutil.copytree(ROOT / "content/media/kit", site.path / "media/kit")
    return site


@pytest.mark.parametrize(
    ("role", "alt", "expected"),
    [
        ("      role: Chief Executive Officer\n", "Portrait of Dr. Henrike Sommerfeld", []),
        (
            "",
            "Portrait of Dr. Henrike Sommerfeld",
            [
                f"{KIT}:5: executives.items[1].role: a portrait needs the role of the person it "
                "shows. Add a line like role: Chief Executive Officer, and give the person's name "
                "as title."
            ],
        ),
        (
            "      role: Chief Executive Officer\n",
            "Portrait of our chief executive",
            [
                f"{KIT}:8: executives.items[1].alt: the description does not name Dr. Henrike "
                "Sommerfeld. Write the name in it, like alt: Portrait of Dr. Henrike Sommerfeld."
            ],
        ),
    ],
    ids=["named", "no-role", "alt-without-name"],
)
def test_a_portrait_says_who_it_shows(
    kit_site: Site, role: str, alt: str, expected: list[str]
) -> None:
    kit_site.write(KIT, PORTRAIT.replace("{role}", role).replace("{alt}", alt))
    assert problems(kit_site, KIT) == expected


def test_every_caption_of_the_kit_needs_its_german_version(kit_site: Site) -> None:
    kit_site.write(
        KIT,
        "facts:\n  as_of: 2026-09-30\n  items:\n    - label: Employees\n      value: '4,810'\n"
        "products:\n  title: Products\n  items:\n    - file: grid-controller.jpg\n"
        "      title: Grid controller\n      alt: A grid controller\n      usage: Free.\n"
        "      bio: Controls grids.\n"
        "      translations: {de: {title: Netzregler, alt: Ein Netzregler, usage: Frei.}}\n",
    )
    assert problems(kit_site, KIT) == [
        f"{KIT}:4: facts.items[1].translations: there is no German version of label and value. "
        "Add it under the entry, like translations: {de: {label: …, value: …}}, so that German "
        "pages show it in German.",
        f"{KIT}:7: products.translations: there is no German version of title. Add it under the "
        "entry, like translations: {de: {title: …}}, so that German pages show it in German.",
        f"{KIT}:14: products.items[1].translations.de: bio has no German version. Add bio: "
        "with the German text under de:.",
    ]


# --- what a release shows --------------------------------------------------------------------

GERMAN_RELEASE = """---
title: Ein Produkt
date: 2026-03-02 09:00 Europe/Berlin
category: products
lang: de
summary: Ein neues Produkt.
contacts: [press]
---
Der Text.
"""


def test_a_release_shows_shared_texts_in_its_own_language(site: Site) -> None:
    boilerplates = site.path / "data/boilerplates.yml"
    boilerplates.write_text(
        boilerplates.read_text("utf-8")
        + "  translations:\n    de:\n      title: Über Example\n      text: Example macht **Beispiele**.\n",
        encoding="utf-8",
    )
    site.write("releases/2026/ein-produkt.md", GERMAN_RELEASE)
    newsroom = site.load()
    assert [p.text() for p in newsroom.problems] == []
    german = next(r for r in newsroom.releases if r.lang == "de")
    assert (german.boilerplate.title, german.boilerplate.html) == (
        "Über Example",
        "<p>Example macht <strong>Beispiele</strong>.</p>",
    )
    assert [(c.name, c.role) for c in german.contacts] == [("Pat Press", "Leitung Medienarbeit")]
    # An English release shows the English texts, as before the German versions were added.
    english = next(r for r in newsroom.releases if r.slug == "first-product")
    assert english.boilerplate.title == "About Example"
    assert [c.role for c in english.contacts] == ["Head of Media Relations"]
    assert english.contacts[0].texts == english.boilerplate.texts == ()
