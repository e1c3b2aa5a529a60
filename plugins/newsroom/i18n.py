"""Languages: their names, dates written the way each language writes them, and the labels.

Babel holds what a hand-written table would get wrong (language names, month names, the
order of day and month). The theme's labels are English in the templates, wrapped in
``_()``; each other language has a gettext catalogue in ``theme/translations/<lang>/``,
read as text at build time, so no compiled file is ever committed or goes stale.
"""

from __future__ import annotations

import gettext as gettext_module
from datetime import date, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from jinja2.utils import missing
from markupsafe import Markup

#: Where a theme keeps its catalogues: theme/translations/de/LC_MESSAGES/messages.po.
CATALOG = "translations/{lang}/LC_MESSAGES/messages.po"
#: The language the templates are written in: it needs no catalogue.
SOURCE_LANG = "en"


def N_(message: str) -> str:
    """Marks a label written in Python for the catalogues (catalogs.PYTHON_SOURCES); it is
    translated where it is used, in the language of what it describes."""
    return message


def locale(code: str) -> Locale | None:
    """The Babel locale of a language code as authors write it (``de``, ``pt-BR``)."""
    try:
        return Locale.parse(code, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def is_language(code: str) -> bool:
    return locale(code) is not None


def language_name(code: str, in_language: str | None = None) -> str:
    """``de`` -> ``Deutsch``; ``fr`` -> ``Français``: each language in its own words.

    With ``in_language``, the name in that language instead (``de`` in ``en``: German).
    """
    found = locale(code)
    if found is None:
        return code
    name = found.get_display_name(locale(in_language) if in_language else found) or code
    return name[:1].upper() + name[1:]


def format_day(value: date, lang: str = SOURCE_LANG) -> str:
    """``November 23, 2026`` in English, ``23. November 2026`` in German."""
    # The day as written where it happened, as Babel takes it (not the day in UTC): two
    # instants that are equal but written in other zones can fall on different days.
    return _format_day(value.date() if isinstance(value, datetime) else value, lang)


@lru_cache(maxsize=4096)
def _format_day(day: date, lang: str) -> str:
    """Remembered: a build writes each release's day on many pages (its own, the lists,
    the feeds, its share card), and Babel works out the pattern anew each time."""
    return format_date(day, "long", locale=locale(lang) or SOURCE_LANG)


def format_instant(value: datetime, lang: str = SOURCE_LANG) -> str:
    """The day, the time and the zone the author gave: ``November 23, 2026, 09:00 CET``.

    The zone is the language's own abbreviation where it has one (MEZ in German), else
    the tz database's (CET), else the offset.
    """
    where = locale(lang) or Locale.parse(SOURCE_LANG)
    zone = format_time(value, "z", locale=where)
    if not zone.isalpha():
        zone = value.strftime("%Z") or value.strftime("%z")
    return f"{format_day(value, lang)}, {format_time(value, 'HH:mm', locale=where)} {zone}".rstrip()


class Catalogs:
    """The theme's label translations, one gettext table per language, read once."""

    def __init__(self, theme: Path, languages: tuple[str, ...]) -> None:
        self.theme = theme
        self.default = languages[0]
        self._tables: dict[str, gettext_module.NullTranslations] = {}
        #: A language without a catalogue keeps the templates' words: one table for all
        #: of them, not one made for each label of each page.
        self._untranslated = gettext_module.NullTranslations()
        self.missing: list[str] = []
        for lang in languages:
            path = self.path(lang)
            if path.is_file():
                self._tables[lang] = _read(path, lang)
            elif lang.partition("-")[0] != SOURCE_LANG:
                self.missing.append(lang)

    def path(self, lang: str) -> Path:
        return self.theme / CATALOG.format(lang=lang)

    def table(self, lang: str) -> gettext_module.NullTranslations:
        return self._tables.get(lang, self._untranslated)

    def page_lang(self, context: Context) -> str:
        """A page's language: ``page_lang`` where a generator sets it, else that of the
        release or the content page it shows, else the site's.

        Asked for every label of every page: ``resolve_or_missing``, because ``get`` raises
        and catches an error for each name the page lacks, five times as slow.
        """
        lang = context.resolve_or_missing("page_lang")
        if lang is not missing and lang:
            return str(lang)
        release = getattr(context.resolve_or_missing("article"), "release", None)
        if release is not None:
            return str(release.lang)
        page = getattr(context.resolve_or_missing("page"), "newsroom_page", None)
        return page.lang if page is not None else self.default

    def install(self, env: Environment) -> None:
        """``_()`` and ``ngettext()`` in every template, in the language of the page.

        Jinja's own newstyle callables, as ``install_gettext_callables`` makes them, with the
        same result (the label as Markup where the template autoescapes, then ``%`` of the
        values, even of none): each ``_()`` there went through Jinja's runtime three times
        and made a Markup anew, some 30 times on every page. Here it is one call, and a
        label without values is looked up once per language for the whole build.
        """
        if "jinja2.ext.InternationalizationExtension" not in env.extensions:
            env.add_extension("jinja2.ext.i18n")
        page_lang = self.page_lang
        # (language, autoescape) -> label -> the text a template shows.
        shown: dict[tuple[str, bool], dict[str, str]] = {}

        @pass_context
        def gettext(context: Context, message: str, /, **values: Any) -> str:
            lang = page_lang(context)
            escape = bool(context.eval_ctx.autoescape)
            if values:
                text = self.table(lang).gettext(message)
                return (Markup(text) if escape else text) % values
            labels = shown.setdefault((lang, escape), {})
            found = labels.get(message)
            if found is None:
                text = self.table(lang).gettext(message)
                found = labels[message] = (Markup(text) if escape else text) % values
            return found

        @pass_context
        def ngettext(context: Context, singular: str, plural: str, n: int, /, **values: Any) -> str:
            values.setdefault("num", n)
            text = self.table(page_lang(context)).ngettext(singular, plural, n)
            return (Markup(text) if context.eval_ctx.autoescape else text) % values

        # Installed as Jinja installs them (its ``{% trans %}`` reads newstyle_gettext),
        # then replaced, ``_`` too, whose alias would look ``gettext`` up for each label.
        env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
        env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)

        @pass_context
        def plural_samples(context: Context) -> list[tuple[str, int]]:
            return plural_samples_of(page_lang(context))

        env.globals["plural_samples"] = plural_samples


def plural_samples_of(lang: str) -> list[tuple[str, int]]:
    """Each of a language's plural categories (CLDR: one, few, many, other...) with a whole
    number in it: ``ngettext`` of that number gives the category's form from the catalogue.

    A page that counts in the browser (the search status) writes one form per category, and
    the browser's ``Intl.PluralRules`` picks one, so Polish "2 wyniki" and "5 wyników" differ.
    """
    rule = (locale(lang) or Locale.parse(SOURCE_LANG)).plural_form
    samples: dict[str, int] = {}
    for n in range(200):  # every CLDR category of whole numbers shows up below 200
        samples.setdefault(rule(n), n)
    return sorted(samples.items())


def read_catalog(path: Path, lang: str) -> Catalog:
    """One language's catalogue as Babel reads it (Babel writes pt-BR as pt_BR)."""
    with path.open("rb") as po:
        return read_po(po, locale=lang.replace("-", "_"))


def _read(path: Path, lang: str) -> gettext_module.NullTranslations:
    catalog = read_catalog(path, lang)
    compiled = BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out: they are not translations yet
    compiled.seek(0)
    return gettext_module.GNUTranslations(compiled)
