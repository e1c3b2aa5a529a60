"""The checks that link a release to its translations: exact messages, across files."""

from __future__ import annotations

from support import Site

EN = "releases/2026/launch.md"
DE = "releases/2026/launch-de.md"
OTHER = "releases/2026/launch-again.md"


def release(title: str, date: str, lang: str, key: str | None) -> str:
    key_line = f"translation_key: {key}\n" if key else ""
    return (
        f"---\ntitle: {title}\ndate: {date}\ncategory: products\nsummary: A summary.\n"
        f"lang: {lang}\n{key_line}---\nThe text.\n"
    )


def problems(site: Site) -> list[str]:
    newsroom = site.load(languages=("en", "de"))
    return [p.text() for p in newsroom.problems if p.path.startswith("releases/2026/launch")]


def test_translations_with_one_key_and_one_date_are_fine(site: Site) -> None:
    site.write(EN, release("Launch", "2026-03-02 09:00 Europe/Berlin", "en", "launch"))
    site.write(DE, release("Start", "2026-03-02 09:00 Europe/Berlin", "de", "launch"))
    assert problems(site) == []
    keys = {r.source: r.translation_key for r in site.load(languages=("en", "de")).releases}
    assert keys[EN] == keys[DE] == "launch"


def test_two_versions_in_one_language_are_an_error_on_both(site: Site) -> None:
    site.write(EN, release("Launch", "2026-03-02 09:00 Europe/Berlin", "en", "launch"))
    site.write(OTHER, release("Launch 2", "2026-03-02 09:00 Europe/Berlin", "en", "launch"))
    assert problems(site) == [
        f'{OTHER}:7: translation_key: "launch" also links {EN}, which is in the same language '
        "(English). Give each translation its own lang, or use a different translation_key "
        "for a release that is not a translation.",
        f'{EN}:7: translation_key: "launch" also links {OTHER}, which is in the same language '
        "(English). Give each translation its own lang, or use a different translation_key "
        "for a release that is not a translation.",
    ]


def test_a_translation_going_live_later_is_a_warning(site: Site) -> None:
    site.write(EN, release("Launch", "2026-03-02 09:00 Europe/Berlin", "en", "launch"))
    site.write(DE, release("Start", "2026-03-02 11:30 Europe/Berlin", "de", "launch"))
    newsroom = site.load(languages=("en", "de"))
    assert not newsroom.errors
    assert problems(site) == [
        f"{DE}:3: warning: date: this translation goes live at March 2, 2026, 11:30 CET, but {EN} goes "
        "live at March 2, 2026, 09:00 CET. Give every language version the same date, so that "
        "all readers get material news at the same moment.",
    ]


def test_a_key_must_be_a_short_name(site: Site) -> None:
    site.write(EN, release("Launch", "2026-03-02 09:00 Europe/Berlin", "en", "Grid Launch"))
    assert problems(site) == [
        f'{EN}:7: translation_key: "Grid Launch" is not a short name in lowercase letters, '
        "digits and hyphens. Write the same key in the release and in each of its "
        "translations, like translation_key: gridpilot-6-launch.",
    ]


def test_a_language_the_site_does_not_have_is_refused(site: Site) -> None:
    site.write(EN, release("Lancement", "2026-03-02 09:00 Europe/Berlin", "fr", "launch"))
    assert problems(site) == [
        f'{EN}:6: lang: "fr" is not one of the site\'s languages. Use one of: de, en.',
    ]
