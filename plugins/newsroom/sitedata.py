"""The shared data files: company facts, topics, media contacts and boilerplates.

Each is a YAML file in ``content/data/`` that communications staff edit like a release,
and each is checked with the same field tables and the same plain-language messages.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node

from . import datalangs, imaging, sanitize
from .frontmatter import line_of, mapping_items, read_data
from .models import Boilerplate, Company, Contact, SiteData, Texts, Topic, Update, texts_of
from .problems import Problem
from .releases import UPDATE, dated_note
from .schema import (
    Context,
    Field,
    Invalid,
    _scalar,
    by_language,
    file_type,
    group,
    list_of,
    markdown_text,
    parse_mapping,
    pattern,
    text,
)

KEY = r"[a-z0-9][a-z0-9-]*"
EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"
PHONE = r"\+?[0-9][0-9 ()./-]{5,}"
URL = r"https?://\S+"


#: The folder of content/ published as it is, where the logo must be (STATIC_PATHS).
MEDIA = "media"
#: SVG for the site's header; the raster types are also drawn on share images.
LOGO_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif")


def logo(node: Node, ctx: Context, name: str) -> str:
    """The company logo: a picture in content/media/ that the header and share images use.

    Checked here because every page shows it and every share image draws it: a missing or
    broken logo would otherwise stop a build, not the check.
    """
    value = _scalar(node, name, "media/logo.svg", "a file path").strip()
    parts = value.split("/")
    if "\\" in value or parts[0] != MEDIA or any(p in ("", ".", "..") for p in parts):
        raise Invalid(
            f'"{value}" is not a file in the {MEDIA} folder',
            f"Put the logo in {ctx.assets_display}/{MEDIA}/ and write its path from the "
            f"content folder, like logo: {MEDIA}/logo.svg",
            "asset-path",
        )
    file_type(value, LOGO_TYPES, "picture type the newsroom can show as a logo")
    file = ctx.assets / value if ctx.assets is not None else None
    if file is None or not file.is_file():
        raise Invalid(
            f'"{value}" was not found',
            f"Upload the logo to {ctx.assets_display}/{MEDIA}/, or correct the path "
            "(capital letters count)",
            "asset-missing",
        )
    if value.lower().endswith(".svg"):
        if b"<svg" not in file.read_bytes()[:4096]:
            raise Invalid(
                f'"{value}" is not an SVG picture',
                "Export the logo again as SVG from your drawing program, and replace the file",
                "image-unreadable",
            )
    else:
        imaging.readable(file, value)
    return value


def _key_text(example: str) -> Any:
    return pattern(
        KEY,
        "a key",
        example,
        "Use lowercase letters, digits and hyphens only, like media-relations",
    )


_SAFE_HARBOR = markdown_text(5000, "This release contains forward-looking statements…")

COMPANY: dict[str, Field] = {
    "name": Field(text(100, "Example"), "Example", "Short company name", required=True),
    "legal_name": Field(
        text(200, "Example Industries AG"), "Example Industries AG", "Full legal name", True
    ),
    "website": Field(
        pattern(
            URL,
            "a web address",
            "https://www.example.com",
            "Write the full address, starting with https://",
        ),
        "https://www.example.com",
        "Corporate website",
        True,
    ),
    "description": Field(
        text(300, "Industrial software for energy grids"),
        "Industrial software for energy grids",
        "One sentence for search engines and link previews",
        True,
    ),
    "boilerplate": Field(_key_text("default"), "default", "Default boilerplate key", True),
    "contacts": Field(
        list_of(_key_text("media-relations"), "media-relations"),
        "[media-relations]",
        "Contacts shown when a release names none",
        True,
    ),
    "safe_harbor": Field(
        _SAFE_HARBOR,
        "This release contains forward-looking statements…",
        "Shown under releases marked forward_looking: true",
        True,
    ),
    "translations": Field(
        by_language(
            {
                "safe_harbor": Field(_SAFE_HARBOR, "…", "The statement in this language", True),
                "description": Field(text(300, "…"), "…", "The description in this language"),
                "headquarters": Field(text(100, "Hamburg"), "Hamburg", ""),
                "exchange": Field(text(100, "Frankfurter Wertpapierbörse"), "…", ""),
            },
            "{de: {safe_harbor: …, headquarters: Hamburg, Deutschland}}",
        ),
        "{de: {safe_harbor: …, headquarters: Hamburg, Deutschland}}",
        "The safe-harbor statement, description, headquarters and exchange in other languages",
    ),
    "ticker": Field(text(12, "ALDR"), "ALDR", "Stock ticker"),
    "exchange": Field(text(100, "Frankfurt Stock Exchange"), "Frankfurt Stock Exchange", ""),
    "isin": Field(
        pattern(
            r"[A-Z]{2}[A-Z0-9]{9}[0-9]",
            "an ISIN",
            "DE000A0XYZ12",
            "Write the 12-character ISIN, like DE000A0XYZ12",
        ),
        "DE000A0XYZ12",
        "International Securities Identification Number",
    ),
    "headquarters": Field(text(100, "Hamburg, Germany"), "Hamburg, Germany", ""),
    "logo": Field(logo, "media/logo.svg", "Path inside content/, in the media folder"),
}

TOPIC_TEXT: dict[str, Field] = {
    "name": Field(text(60, "Financial results"), "Financial results", "", True),
    "description": Field(
        text(300, "Quarterly and annual results"), "Quarterly and annual results", "", True
    ),
}
TOPIC: dict[str, Field] = {
    **TOPIC_TEXT,
    "translations": Field(
        by_language(TOPIC_TEXT, "{de: {name: Finanzergebnisse, description: …}}"),
        "{de: {name: Finanzergebnisse, description: …}}",
        "The name and description in other languages",
    ),
}

CONTACT: dict[str, Field] = {
    "name": Field(text(100, "Anna Keller"), "Anna Keller", "", True),
    "role": Field(text(100, "Head of Media Relations"), "Head of Media Relations", "", True),
    "email": Field(
        pattern(
            EMAIL,
            "an email address",
            "press@example.com",
            "Write a full address, like press@example.com",
        ),
        "press@example.com",
        "",
        True,
    ),
    "phone": Field(
        pattern(
            PHONE,
            "a phone number",
            "+49 40 1234 5678",
            "Write it in international form, like +49 40 1234 5678",
        ),
        "+49 40 1234 5678",
        "",
    ),
    "region": Field(text(100, "Europe"), "Europe", ""),
}
CONTACT["translations"] = Field(
    by_language(
        {k: CONTACT[k] for k in datalangs.CONTACT_TEXT},
        "{de: {role: Leiterin Medienarbeit, region: Europa}}",
    ),
    "{de: {role: Leiterin Medienarbeit, region: Europa}}",
    "The role and region in other languages",
)

BOILERPLATE: dict[str, Field] = {
    "title": Field(text(100, "About Example"), "About Example", "", True),
    "text": Field(
        markdown_text(3000, "Example Industries makes…"),
        "Example Industries makes…",
        "",
        True,
    ),
}
BOILERPLATE["translations"] = Field(
    by_language(dict(BOILERPLATE), "{de: {title: Über Example, text: …}}"),
    "{de: {title: Über Example, text: …}}",
    "The title and text in other languages",
)

FILES = ("company.yml", "topics.yml", "contacts.yml", "boilerplates.yml")
#: Optional: the dated notes that declare a data edit which changed what published releases show.
CHANGE_LOG = "changes.yml"

CHANGES: dict[str, Field] = {
    "changes": Field(
        list_of(
            group(UPDATE, dated_note),
            "…",
            allow_comma_text=False,
        ),
        "[{date: 2026-11-24 10:00 Europe/Berlin, note: …}]",
        "Edits to the data files that changed what published releases show",
        default=(),
    ),
}


def load(
    data_dir: Path,
    display_dir: str,
    max_bytes: int,
    content: Path,
    content_display: str,
    languages: tuple[str, ...] = (),
) -> tuple[SiteData | None, list[Problem]]:
    """Read and check the four data files; the data is None when any of them has an error.

    ``content`` is the content folder, where the files the data names (the logo) are;
    ``languages`` the site's, each of which what readers see needs a version in.
    """
    problems: list[Problem] = []
    nodes: dict[str, MappingNode] = {}
    for name in FILES:
        display = f"{display_dir}/{name}"
        path = data_dir / name
        if not path.is_file():
            problems.append(
                Problem(
                    display, 0, "", "this data file is missing", _missing_fix(name), "data-missing"
                )
            )
            continue
        doc = read_data(display, path.read_bytes(), max_bytes)
        problems.extend(doc.problems)
        if doc.meta is not None:
            nodes[name] = doc.meta
    if len(nodes) < len(FILES):
        return None, problems

    company_ctx = Context(
        f"{display_dir}/company.yml", assets=content, assets_display=content_display
    )
    company_values = parse_mapping(nodes["company.yml"], COMPANY, company_ctx)
    topics = _table(
        nodes["topics.yml"],
        TOPIC,
        f"{display_dir}/topics.yml",
        problems,
        lambda k, v: Topic(
            k,
            v["name"],
            v["description"],
            tuple(
                (lang, t["name"], t["description"]) for lang, t in (v["translations"] or {}).items()
            ),
        ),
    )
    contacts = _table(
        nodes["contacts.yml"],
        CONTACT,
        f"{display_dir}/contacts.yml",
        problems,
        lambda k, v: Contact(k, texts=texts_of(v.pop("translations")), **v),
    )
    boilerplates = _table(
        nodes["boilerplates.yml"], BOILERPLATE, f"{display_dir}/boilerplates.yml", problems,
        lambda k, v: Boilerplate(
            k, v["title"], sanitize.render(v["text"]), _rendered(v["translations"])
        ),
    )  # fmt: skip
    problems.extend(company_ctx.problems)
    if company_values is None or None in (topics, contacts, boilerplates):
        return None, problems
    assert topics is not None and contacts is not None and boilerplates is not None

    # Cross-references inside the company file, checked once the tables are known.
    company_path = f"{display_dir}/company.yml"
    lines = {name: line for name, line, _ in mapping_items(nodes["company.yml"])}
    if company_values["boilerplate"] not in boilerplates:
        problems.append(
            _unknown_ref(
                company_path,
                lines["boilerplate"],
                "boilerplate",
                company_values["boilerplate"],
                boilerplates,
                "boilerplates.yml",
            )
        )
    for key in company_values["contacts"]:
        if key not in contacts:
            problems.append(
                _unknown_ref(
                    company_path, lines["contacts"], "contacts", key, contacts, "contacts.yml"
                )
            )
    if not topics:
        problems.append(
            Problem(
                f"{display_dir}/topics.yml",
                1,
                "",
                "no topics are defined",
                "Add at least one topic",
                "data-empty",
            )
        )
    if any(p.is_error for p in problems):
        return None, problems
    # A text without its version in a language fails the build, but the data is still whole:
    # releases, pages and the media kit are checked against it, so all problems show at once.
    others = languages[1:]
    problems.extend(
        datalangs.missing(company_path, nodes["company.yml"], "", datalangs.COMPANY_TEXT, others)
    )
    for name, fields in (("topics", datalangs.TOPIC_TEXT), ("contacts", datalangs.CONTACT_TEXT)):
        shown = f"{display_dir}/{name}.yml"
        problems.extend(datalangs.in_table(shown, nodes[f"{name}.yml"], fields, others))
    safe_harbor = sanitize.render(company_values.pop("safe_harbor"))
    company_translations = company_values.pop("translations") or {}
    translated = tuple(
        (lang, sanitize.render(t["safe_harbor"])) for lang, t in company_translations.items()
    )
    company = Company(
        **company_values,
        safe_harbor_html=safe_harbor,
        safe_harbor_translations=translated,
        texts=texts_of(
            {lang: {k: v for k, v in t.items() if k != "safe_harbor"}
             for lang, t in company_translations.items()}
        ),
    )  # fmt: skip
    changes = _change_log(data_dir, display_dir, max_bytes, problems)
    if changes is None:
        return None, problems
    return SiteData(company, topics, contacts, boilerplates, changes), problems


def _rendered(translations: dict[str, dict[str, str]] | None) -> Texts:
    """A boilerplate's versions, their text as HTML like the original's."""
    return tuple(
        (lang, (("title", t["title"]), ("html", sanitize.render(t["text"]))))
        for lang, t in (translations or {}).items()
    )


def _change_log(
    data_dir: Path, display_dir: str, max_bytes: int, problems: list[Problem]
) -> tuple[Update, ...] | None:
    """The entries of changes.yml, oldest first; () without the file, None when it has errors."""
    path = data_dir / CHANGE_LOG
    if not path.is_file():
        return ()
    doc = read_data(f"{display_dir}/{CHANGE_LOG}", path.read_bytes(), max_bytes)
    problems.extend(doc.problems)
    if doc.meta is None:
        return None
    ctx = Context(f"{display_dir}/{CHANGE_LOG}")
    values = parse_mapping(doc.meta, CHANGES, ctx)
    problems.extend(ctx.problems)
    if values is None or any(p.is_error for p in ctx.problems):
        return None
    return tuple(sorted(values["changes"], key=lambda u: u.date))


def _table(
    node: MappingNode, schema: dict[str, Field], path: str, problems: list[Problem], build: Any
) -> dict[str, Any] | None:
    """A data file that maps keys to groups of fields (topics, contacts, boilerplates)."""
    ctx = Context(path)
    result: dict[str, Any] = {}
    for key, line, value in mapping_items(node):
        if not re.fullmatch(KEY, key):
            ctx.report(
                line,
                key,
                f'"{key}" is not a usable key',
                "Use lowercase letters, digits and hyphens only, like media-relations",
                "data-key",
            )
            continue
        values = parse_mapping(value, schema, ctx, prefix=f"{key}.", start_line=line_of(value))
        if values is not None:
            result[key] = build(key, values)
    problems.extend(ctx.problems)
    return None if any(p.is_error for p in ctx.problems) else result


def _unknown_ref(
    path: str, line: int, name: str, value: str, options: dict[str, Any], file: str
) -> Problem:
    listed = ", ".join(sorted(options))
    return Problem(
        path,
        line,
        name,
        f'"{value}" is not defined in {file}',
        f"Use one of: {listed}, or add it to {file}",
        "field-unknown-value",
    )


def _missing_fix(name: str) -> str:
    return f"Create {name} in the data folder; the README's author guide shows its fields"
