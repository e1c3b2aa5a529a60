"""The theme's label catalogues: current with the templates, complete, and safe to render."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from newsroom import catalogs
from support import ROOT

THEME = ROOT / "theme"
CATALOGUES = catalogs.catalog_paths(THEME)
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
TAG = re.compile(r"</?[a-z]+")


def read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as po:
        return read_po(po, locale=lang.replace("-", "_") if lang else None)


def ids(catalog: Catalog) -> set[str | tuple[str, ...]]:
    return {m.id for m in catalog if m.id}


def forms(text: str | tuple[str, ...]) -> tuple[str, ...]:
    return text if isinstance(text, tuple) else (text,)


def theme_copy(tmp_path: Path) -> Path:
    for folder in ("templates", "translations"):
        shutil.copytree(THEME / folder, tmp_path / "theme" / folder)
    return tmp_path / "theme"


def test_the_site_languages_have_catalogues() -> None:
    assert "de" in CATALOGUES


def test_the_committed_template_is_current() -> None:
    first = catalogs.as_bytes(catalogs.extract(THEME))
    assert catalogs.as_bytes(catalogs.extract(THEME)) == first
    assert (THEME / catalogs.TEMPLATE).read_bytes() == first, "run invoke translations"


def test_running_the_task_again_changes_nothing(tmp_path: Path) -> None:
    assert catalogs.update(theme_copy(tmp_path)) == [], "run invoke translations"


@pytest.mark.parametrize("lang", CATALOGUES)
def test_every_label_is_translated(lang: str) -> None:
    catalog = read(CATALOGUES[lang], lang)
    missing = []
    for label in catalogs.extract(THEME):
        if not label.id:
            continue
        message = catalog.get(label.id)
        if message is None or message.fuzzy or not all(forms(message.string)):
            missing.append(label.id)
    assert missing == []


@pytest.mark.parametrize("lang", CATALOGUES)
def test_no_catalogue_keeps_labels_the_templates_dropped(lang: str) -> None:
    assert ids(read(CATALOGUES[lang], lang)) - ids(catalogs.extract(THEME)) == set()


def _check_translation(message: Message) -> list[str]:
    source = forms(message.id)
    wanted = set(PLACEHOLDER.findall(source[-1]))
    tags = sorted(TAG.findall(source[-1]))
    problems = []
    for text in forms(message.string):
        if set(PLACEHOLDER.findall(text)) != wanted:
            problems.append(f"{text!r}: placeholders differ from {source[-1]!r}")
        if sorted(TAG.findall(text)) != tags:
            problems.append(f"{text!r}: HTML tags differ from {source[-1]!r}")
        try:
            # Jinja's newstyle gettext always formats: a stray % would break the page.
            text % dict.fromkeys(wanted, "")
        except (ValueError, TypeError, KeyError) as err:
            problems.append(f"{text!r}: {err}")
    return problems


@pytest.mark.parametrize("lang", CATALOGUES)
def test_translations_keep_placeholders_and_markup(lang: str) -> None:
    problems = [p for m in read(CATALOGUES[lang], lang) if m.id for p in _check_translation(m)]
    assert problems == []


def test_adding_a_language_starts_an_untranslated_catalogue(tmp_path: Path) -> None:
    theme = theme_copy(tmp_path)
    path = catalogs.add(theme, "fr")
    written = catalogs.update(theme)

    assert path == theme / "translations/fr/LC_MESSAGES/messages.po"
    assert written == [path]
    catalog = read(path, "fr")
    assert str(catalog.locale) == "fr"
    assert catalog.plural_forms == "nplurals=2; plural=(n > 1);"
    assert ids(catalog) == ids(catalogs.extract(theme))
    assert not any(any(forms(m.string)) for m in catalog if m.id)
    assert catalogs.untranslated(theme) == {"de": 0, "fr": len(ids(catalog))}
    assert catalogs.update(theme) == []


def test_a_language_babel_does_not_know_is_refused(tmp_path: Path) -> None:
    theme = theme_copy(tmp_path)
    with pytest.raises(catalogs.CatalogError, match="'xx' is not a language code"):
        catalogs.add(theme, "xx")
    with pytest.raises(catalogs.CatalogError, match="en needs no catalogue"):
        catalogs.add(theme, "en")
    assert not (theme / "translations/xx").exists()


def test_new_labels_arrive_untranslated_and_dropped_ones_become_obsolete(tmp_path: Path) -> None:
    theme = theme_copy(tmp_path)
    tags = theme / "templates/tags.html"
    text = tags.read_text("utf-8")
    assert '_("No tags yet.")' in text
    tags.write_text(text.replace('_("No tags yet.")', '_("Nothing tagged yet.")'), "utf-8")

    catalogs.update(theme)

    catalog = read(theme / "translations/de/LC_MESSAGES/messages.po", "de")
    new = catalog.get("Nothing tagged yet.")
    assert new is not None and new.string == "" and not new.fuzzy
    assert "No tags yet." not in ids(catalog)
    assert catalog.obsolete["No tags yet."].string == "Noch keine Schlagwörter."
