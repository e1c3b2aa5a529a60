"""The media kit: logos, executive portraits, product images and a fact sheet for journalists.

``content/data/media-kit.yml`` (optional) lists the albums and the fact sheet; the album files
live in ``content/media/kit/``. The file is checked with the same field tables as the other
data files, so ``invoke check`` reports its problems, including a picture that cannot be
decoded. This module checks it (``invoke check`` and the build both load it through
``content.load``); mediakit_build.py writes the page, the image versions and the zips.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node

from . import datalangs, factsheet, imaging
from .cache import Store, digest
from .factsheet import FactSheet
from .frontmatter import line_of, mapping_items, read_data
from .models import Company, Texts, texts_of
from .problems import Problem
from .schema import (
    Context,
    Field,
    Invalid,
    _AlreadyReported,
    by_language,
    entries,
    group,
    parse_mapping,
    pattern,
    text,
)

FILE_NAME = "media-kit.yml"
KIT_FOLDER = Path("media") / "kit"
ALBUMS = ("logos", "executives", "products")
#: The album of portraits: each names the person (title) and their role.
PORTRAITS = "executives"
RASTER = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}
FORMATS = {**RASTER, ".svg": "SVG"}


@dataclass(frozen=True)
class Item:
    file: str
    title: str
    alt: str
    usage: str
    bio: str | None = None
    #: A PNG copy of an SVG logo, for programs that cannot open SVG.
    png: str | None = None
    #: The background a logo is made for: "light" or "dark" (None for photos).
    background: str | None = None
    #: What the person in a portrait does (executives: the title is their name).
    role: str | None = None
    #: The words in the site's other languages (models.text_in).
    texts: Texts = ()


@dataclass(frozen=True)
class Album:
    key: str
    title: str
    items: tuple[Item, ...]
    texts: Texts = ()


@dataclass(frozen=True)
class MediaKit:
    albums: tuple[Album, ...]
    facts: FactSheet | None = None


FILE = pattern(
    r"[A-Za-z0-9][A-Za-z0-9._-]*\.(?:jpe?g|png|svg|JPE?G|PNG|SVG)",
    "a JPEG, PNG or SVG file name",
    "ceo-portrait.jpg",
    "Write the name of a .jpg, .png or .svg file in content/media/kit/, like ceo-portrait.jpg",
)

ITEM: dict[str, Field] = {
    "file": Field(FILE, "ceo-portrait.jpg", "File in content/media/kit/", True),
    "title": Field(text(120, "Anna Keller, CEO"), "Anna Keller, CEO", "", True),
    "alt": Field(
        text(300, "Portrait of Anna Keller"), "Portrait of Anna Keller", "Image description", True
    ),
    "usage": Field(
        text(600, "Free for editorial use; credit: Example AG"),
        "Free for editorial use; credit: Example AG",
        "Usage terms",
        True,
    ),
    "bio": Field(
        text(2000, "Anna Keller has led Example since 2020.", multiline=True),
        "Anna Keller has led Example since 2020.",
        "Short biography (executives)",
    ),
    "png": Field(
        pattern(
            r"[A-Za-z0-9][A-Za-z0-9._-]*\.(?:png|PNG)",
            "a PNG file name",
            "logo.png",
            "Write the name of a .png file in content/media/kit/, like logo.png",
        ),
        "logo.png",
        "PNG copy of an SVG logo",
    ),
    "role": Field(
        text(120, "Chief Executive Officer"),
        "Chief Executive Officer",
        "What the person does (portraits)",
    ),
    "background": Field(
        pattern(
            r"light|dark",
            "light or dark",
            "dark",
            "Write background: light for a logo made for light backgrounds, "
            "or background: dark for one made for dark backgrounds",
        ),
        "dark",
        "The background a logo is made for",
    ),
}


ITEM["translations"] = Field(
    by_language(
        {k: ITEM[k] for k in datalangs.ITEM_TEXT if k != "title"}
        | {"title": Field(text(120, "…"), "…", "")},
        "{de: {title: …, alt: …, usage: …}}",
    ),
    "{de: {title: …, alt: …, usage: …}}",
    "The words in other languages",
)


def _item(kit_dir: Path, kit_display: str, portraits: bool, store: Store | None) -> Any:
    def parse(node: Node, ctx: Context, name: str) -> Item:
        values = parse_mapping(node, ITEM, ctx, prefix=f"{name}.", start_line=line_of(node))
        if values is None or not _files_usable(
            values, node, f"{name}.", ctx, kit_dir, kit_display, store
        ):
            raise _AlreadyReported()
        if portraits and not _portrait_named(values, node, name, ctx):
            raise _AlreadyReported()
        texts = texts_of(values.pop("translations"))
        return Item(**values, texts=texts)

    return parse


def _portrait_named(values: dict[str, Any], node: Node, name: str, ctx: Context) -> bool:
    """A portrait says who it shows: the person's name as its title, a role, and the name in
    its description, which is all a screen reader or a picture desk gets."""
    lines = {key: line for key, line, _ in mapping_items(node)}
    if not values["role"]:
        ctx.report(
            line_of(node),
            f"{name}.role",
            "a portrait needs the role of the person it shows",
            "Add a line like role: Chief Executive Officer, and give the person's name as title",
            "field-missing",
        )
        return False
    if values["title"].casefold() not in values["alt"].casefold():
        ctx.report(
            lines["alt"],
            f"{name}.alt",
            f"the description does not name {values['title']}",
            f"Write the name in it, like alt: Portrait of {values['title']}",
            "field-format",
        )
        return False
    return True


def _files_usable(
    values: dict[str, Any],
    node: Node,
    label: str,
    ctx: Context,
    kit_dir: Path,
    kit_display: str,
    store: Store | None,
) -> bool:
    """Whether the item's files are in the kit folder and can be opened as pictures."""
    lines = {key: line for key, line, _ in mapping_items(node)}
    if values["png"] is not None and not values["file"].lower().endswith(".svg"):
        ctx.report(
            lines["png"],
            f"{label}png",
            "a PNG copy is only for an SVG logo",
            f"Remove the png line; {values['file']} is already a picture every program opens",
            "asset-type",
        )
        return False
    usable = True
    for key in ("file", "png"):
        name = values[key]
        if name is None:
            continue
        path = kit_dir / name
        if not path.is_file():
            ctx.report(
                lines.get(key, line_of(node)),
                f"{label}{key}",
                f'"{name}" is not in {kit_display}/',
                f"Put the file in {kit_display}/, or correct its name",
                "asset-missing",
            )
            usable = False
        elif path.suffix.lower() in RASTER:
            readable = _picture_readable(path, name, lines[key], f"{label}{key}", ctx, store)
            usable = readable and usable
    return usable


def _picture_readable(
    path: Path, name: str, line: int, label: str, ctx: Context, store: Store | None
) -> bool:
    """Decode the picture now, so that a damaged upload is reported, not built.

    That it decodes is kept in ``store`` under the hash of its bytes (the version of Pillow
    is in the store's), so that a check with the same pictures neither loads Pillow nor
    decodes them again.
    """
    key = None
    if store is not None:
        try:
            key = digest("picture decodes", path.read_bytes())
        except OSError:
            key = None  # imaging.readable says what is wrong with it
    if key is not None and store is not None and store.get("picture", key) is True:
        return True
    try:
        imaging.readable(path, name)
    except Invalid as err:
        ctx.report(line, label, err.message, err.fix, err.rule)
        return False
    if key is not None and store is not None:
        store.put("picture", key, True)
    return True


def _schema(
    kit_dir: Path, kit_display: str, company: Company, company_display: str, store: Store | None
) -> dict[str, Field]:
    def album(key: str) -> dict[str, Field]:
        return {
            "title": Field(text(80, "Logos"), "Logos", "Album title", True),
            "translations": Field(
                by_language({"title": Field(text(80, "Logos"), "Logos", "", True)}, "{de: …}"),
                "{de: {title: Logos}}",
                "The title in other languages",
            ),
            "items": Field(
                entries(
                    _item(kit_dir, kit_display, key == PORTRAITS, store),
                    "Start each item on its own line with a dash: - file: logo.svg",
                ),
                "- file: logo.svg",
                "The files",
                True,
            ),
        }

    facts = factsheet.schema(company, company_display)
    fields = {key: Field(group(album(key), dict), "title: …", f"The {key} album") for key in ALBUMS}
    fields["facts"] = Field(
        group(facts, lambda **values: factsheet.build(values, company)),
        "as_of: 2026-09-30",
        "The company fact sheet",
    )
    return fields


def load(
    data_dir: Path,
    display_dir: str,
    content: Path,
    root_display: str,
    max_bytes: int,
    company: Company,
    languages: tuple[str, ...] = (),
    store: Store | None = None,
) -> tuple[MediaKit | None, list[Problem]]:
    """The media kit, or None when there is no media-kit.yml or it has problems; ``store``
    keeps which pictures decode (``_picture_readable``)."""
    path = data_dir / FILE_NAME
    if not path.is_file():
        return None, []
    display = f"{display_dir}/{FILE_NAME}"
    doc = read_data(display, path.read_bytes(), max_bytes)
    ctx = Context(display)
    ctx.problems.extend(doc.problems)
    if doc.meta is None:
        return None, ctx.problems
    schema = _schema(
        content / KIT_FOLDER, root_display, company, f"{display_dir}/company.yml", store
    )
    values = parse_mapping(doc.meta, schema, ctx)
    problems = ctx.problems
    if values is None or any(p.is_error for p in problems):
        return None, problems
    # Fails the build, but the kit is whole (see sitedata.load).
    problems.extend(_missing_translations(display, doc.meta, languages[1:]))
    albums = tuple(
        Album(
            key,
            values[key]["title"],
            values[key]["items"],
            texts_of(values[key]["translations"]),
        )
        for key in ALBUMS
        if values[key] is not None
    )
    return MediaKit(albums, values["facts"]), problems


def _missing_translations(
    path: str, meta: MappingNode, languages: tuple[str, ...]
) -> list[Problem]:
    """Every text of the kit that readers see, in each of the site's other languages."""
    sections = {key: node for key, _, node in mapping_items(meta)}
    problems = []
    for key, node in sections.items():
        text_fields = datalangs.FACTS_TEXT if key == "facts" else datalangs.ALBUM_TEXT
        item_fields = datalangs.FACT_TEXT if key == "facts" else datalangs.ITEM_TEXT
        problems.extend(datalangs.missing(path, node, key, text_fields, languages))
        items = (
            dict((k, v) for k, _, v in mapping_items(node)) if isinstance(node, MappingNode) else {}
        )
        problems.extend(
            datalangs.in_list(path, items.get("items"), f"{key}.items", item_fields, languages)
        )
    return problems
