"""Data in every site language: each text a reader sees needs a version in each of them.

Authors give a data entry's words in other languages under ``translations:``, one group per
language, with the same field names (``translations: {de: {role: Leiterin Medienarbeit}}``).
A German page that shows a contact's role in English is a mistake a German journalist
notices at once, so a missing version is an error, not a quiet fallback to English. The
check reads the YAML as written, after the fields themselves were checked, so it points at
the entry's own line.
"""

from __future__ import annotations

from collections.abc import Sequence

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .frontmatter import line_of, mapping_items
from .i18n import language_name
from .problems import Problem

#: The fields of each data entry that readers see, and so need every site language.
CONTACT_TEXT = ("role", "region")
COMPANY_TEXT = ("description", "headquarters", "exchange", "safe_harbor")
TOPIC_TEXT = ("name", "description")
ALBUM_TEXT = ("title",)
ITEM_TEXT = ("title", "role", "alt", "usage", "bio")
FACTS_TEXT = ("title",)
FACT_TEXT = ("label", "value", "note", "source")

TRANSLATIONS = "translations"
RULE = "translation-missing"


def missing(
    path: str, entry: Node, label: str, fields: Sequence[str], languages: Sequence[str]
) -> list[Problem]:
    """What ``entry`` (one data entry as written) lacks in ``languages``, one problem each.

    ``label`` names the entry in messages (``anna-keller``, ``executives.items[1]``); only
    the fields the entry has need a version, so an entry without a region needs none.
    """
    if not isinstance(entry, MappingNode):
        return []
    items = {key: (line, value) for key, line, value in mapping_items(entry)}
    wanted = [f for f in fields if f in items and _has_text(items[f][1])]
    if not wanted:
        return []
    versions: dict[str, tuple[int, Node]] = {}
    if TRANSLATIONS in items and isinstance(items[TRANSLATIONS][1], MappingNode):
        versions = {k: (line, v) for k, line, v in mapping_items(items[TRANSLATIONS][1])}
    problems = []
    prefix = f"{label}." if label else ""
    for lang in languages:
        name = language_name(lang, "en")
        found = versions.get(lang) or versions.get(lang.partition("-")[0])
        if found is None:
            example = ", ".join(f"{f}: …" for f in wanted)
            problems.append(
                Problem(
                    path,
                    items[TRANSLATIONS][0] if TRANSLATIONS in items else line_of(entry),
                    f"{prefix}{TRANSLATIONS}",
                    f"there is no {name} version of {_listed(wanted)}",
                    f"Add it under the entry, like translations: {{{lang}: {{{example}}}}}, "
                    f"so that {name} pages show it in {name}",
                    RULE,
                )
            )
            continue
        line, node = found
        given = (
            {k for k, _, v in mapping_items(node) if _has_text(v)}
            if isinstance(node, MappingNode)
            else set()
        )
        for field in wanted:
            if field not in given:
                problems.append(
                    Problem(
                        path,
                        line,
                        f"{prefix}{TRANSLATIONS}.{lang}",
                        f"{field} has no {name} version",
                        f"Add {field}: with the {name} text under {lang}:",
                        RULE,
                    )
                )
    return problems


def in_table(
    path: str, node: Node, fields: Sequence[str], languages: Sequence[str]
) -> list[Problem]:
    """The same for each entry of a file that maps keys to entries (contacts, topics)."""
    if not isinstance(node, MappingNode):
        return []
    return [
        problem
        for key, _, entry in mapping_items(node)
        for problem in missing(path, entry, key, fields, languages)
    ]


def in_list(
    path: str, node: Node | None, label: str, fields: Sequence[str], languages: Sequence[str]
) -> list[Problem]:
    """The same for each entry of a list (``items:`` of a media-kit album or fact sheet)."""
    if not isinstance(node, SequenceNode):
        return []
    return [
        problem
        for i, entry in enumerate(node.value)
        for problem in missing(path, entry, f"{label}[{i + 1}]", fields, languages)
    ]


def _has_text(node: Node) -> bool:
    return not isinstance(node, ScalarNode) or bool(str(node.value).strip())


def _listed(fields: Sequence[str]) -> str:
    return fields[0] if len(fields) == 1 else f"{', '.join(fields[:-1])} and {fields[-1]}"
