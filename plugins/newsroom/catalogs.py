"""The theme's label catalogues, kept in step with its templates (``invoke translations``).

Every ``_()`` and ``ngettext()`` label of ``theme/templates/`` is extracted into one template,
``theme/translations/messages.pot``; each language's ``messages.po`` is updated from it, so a
new label shows up untranslated and a removed one is kept as obsolete (translators may want
it back). The build reads the catalogues as they are (i18n.py); this module only writes them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract as extract_messages
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from .i18n import CATALOG, SOURCE_LANG, locale, read_catalog

#: The template every catalogue is updated from, relative to the theme.
TEMPLATE = "translations/messages.pot"
#: Comments written just above a label in a template reach the translators.
COMMENT_TAGS = ("Translators:",)
METHODS = [("**.html", "jinja2.ext:babel_extract")]
# The same Jinja options as the build (pelicanconf.py), so a template parses here as there.
OPTIONS = {
    "**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}
}
#: The plugin's own modules that hold labels readers see (marked with i18n.N_).
PYTHON_SOURCES = ("feeds.py",)
# A fixed date instead of now: running the task twice must leave git clean.
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
HEADER = """\
# The labels of the Masthead newsroom theme{what}.
# Update with `invoke translations`; translate only the msgstr lines."""
PROJECT = "Masthead"
VERSION = "theme"


class CatalogError(Exception):
    """A language that cannot have a catalogue; the message says why, for the command line."""


def extract(theme: Path) -> Catalog:
    """Every label of the theme's templates, in template order (file names sorted)."""
    template = _catalog(None)
    templates = theme / "templates"
    found = extract_from_dir(templates, METHODS, OPTIONS, comment_tags=COMMENT_TAGS)
    for filename, lineno, message, comments, context in found:
        where = (Path("templates", filename).as_posix(), lineno)
        template.add(message, None, [where], auto_comments=comments, context=context)
    plugin = Path(__file__).parent
    for name in PYTHON_SOURCES:
        with (plugin / name).open("rb") as source:
            for lineno, message, comments, context in extract_messages(
                "python", source, keywords={"N_": None}, comment_tags=COMMENT_TAGS
            ):
                where = (Path("plugins", plugin.name, name).as_posix(), lineno)
                template.add(message, None, [where], auto_comments=comments, context=context)
    return template


def as_bytes(catalog: Catalog) -> bytes:
    """A catalogue as written to disk, with file names but no line numbers: an edit
    elsewhere in a template must not change every catalogue."""
    out = BytesIO()
    write_po(out, catalog, include_lineno=False)
    return out.getvalue()


def catalog_paths(theme: Path) -> dict[str, Path]:
    """Each language with a catalogue, and where it is."""
    found = sorted(theme.glob(CATALOG.format(lang="*")))
    return {path.parents[1].name: path for path in found}


def add(theme: Path, lang: str) -> Path:
    """An empty catalogue for ``lang``, to be filled by :func:`update`; an existing one is kept."""
    if locale(lang) is None:
        raise CatalogError(f"{lang!r} is not a language code Babel knows (like de or pt-BR).")
    if lang.partition("-")[0] == SOURCE_LANG:
        raise CatalogError(f"{lang} needs no catalogue: the templates are written in English.")
    path = theme / CATALOG.format(lang=lang)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(as_bytes(_catalog(lang)))
    return path


def update(theme: Path) -> list[Path]:
    """Write the template from the templates, then bring every catalogue up to date with it.

    Returns the files written. A file whose content is unchanged is not rewritten.
    """
    template = extract(theme)
    written = [_write(theme / TEMPLATE, as_bytes(template))]
    for lang, path in catalog_paths(theme).items():
        catalog = read_catalog(path, lang)
        # No fuzzy guesses: a new label is plainly untranslated, never a near miss of another.
        catalog.update(template, no_fuzzy_matching=True)
        written.append(_write(path, as_bytes(catalog)))
    return [path for path in written if path is not None]


def untranslated(theme: Path) -> dict[str, int]:
    """How many labels each language still lacks: the build shows those in English."""
    counts: dict[str, int] = {}
    for lang, path in catalog_paths(theme).items():
        catalog = read_catalog(path, lang)
        counts[lang] = sum(1 for m in catalog if m.id and (m.fuzzy or not all(_strings(m))))
    return counts


def _strings(message: Message) -> tuple[str, ...]:
    """A message's translations: one string, or one per plural form ("" when missing)."""
    string = message.string
    if isinstance(string, tuple):
        return tuple(s or "" for s in string)
    return (string,) if isinstance(string, str) else ("",)


def _catalog(lang: str | None) -> Catalog:
    found = locale(lang) if lang else None
    what = f", in {found.english_name}" if found else ": the template of every catalogue"
    return Catalog(
        locale=lang.replace("-", "_") if lang else None,
        header_comment=HEADER.format(what=what),
        project=PROJECT,
        version=VERSION,
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        fuzzy=False,
    )


def _write(path: Path, data: bytes) -> Path | None:
    if path.is_file() and path.read_bytes() == data:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
