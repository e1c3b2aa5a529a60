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

from yaml.nodes import Node

from . import factsheet, imaging
from .factsheet import FactSheet
from .frontmatter import line_of, mapping_items, read_data
from .models import Company
from .problems import Problem
from .schema import (
    Context,
    Field,
    Invalid,
    _AlreadyReported,
    entries,
    group,
    parse_mapping,
    pattern,
    text,
)

FILE_NAME = "media-kit.yml"
KIT_FOLDER = Path("media") / "kit"
ALBUMS = ("logos", "executives", "products")
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


@dataclass(frozen=True)
class Album:
    key: str
    title: str
    items: tuple[Item, ...]


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


def _item(kit_dir: Path, kit_display: str) -> Any:
    def parse(node: Node, ctx: Context, name: str) -> Item:
        values = parse_mapping(node, ITEM, ctx, prefix=f"{name}.", start_line=line_of(node))
        if values is None or not _files_usable(values, node, f"{name}.", ctx, kit_dir, kit_display):
            raise _AlreadyReported()
        return Item(**values)

    return parse


def _files_usable(
    values: dict[str, Any], node: Node, label: str, ctx: Context, kit_dir: Path, kit_display: str
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
            usable = _picture_readable(path, name, lines[key], f"{label}{key}", ctx) and usable
    return usable


def _picture_readable(path: Path, name: str, line: int, label: str, ctx: Context) -> bool:
    """Decode the picture now, so that a damaged upload is reported, not built."""
    try:
        imaging.readable(path, name)
    except Invalid as err:
        ctx.report(line, label, err.message, err.fix, err.rule)
        return False
    return True


def _schema(
    kit_dir: Path, kit_display: str, company: Company, company_display: str
) -> dict[str, Field]:
    album: dict[str, Field] = {
        "title": Field(text(80, "Logos"), "Logos", "Album title", True),
        "items": Field(
            entries(
                _item(kit_dir, kit_display),
                "Start each item on its own line with a dash: - file: logo.svg",
            ),
            "- file: logo.svg",
            "The files",
            True,
        ),
    }
    facts = factsheet.schema(company, company_display)
    fields = {key: Field(group(album, dict), "title: …", f"The {key} album") for key in ALBUMS}
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
) -> tuple[MediaKit | None, list[Problem]]:
    """The media kit, or None when there is no media-kit.yml or it has problems."""
    path = data_dir / FILE_NAME
    if not path.is_file():
        return None, []
    display = f"{display_dir}/{FILE_NAME}"
    doc = read_data(display, path.read_bytes(), max_bytes)
    ctx = Context(display)
    ctx.problems.extend(doc.problems)
    if doc.meta is None:
        return None, ctx.problems
    schema = _schema(content / KIT_FOLDER, root_display, company, f"{display_dir}/company.yml")
    values = parse_mapping(doc.meta, schema, ctx)
    problems = ctx.problems
    if values is None or any(p.is_error for p in problems):
        return None, problems
    albums = tuple(
        Album(key, values[key]["title"], values[key]["items"])
        for key in ALBUMS
        if values[key] is not None
    )
    return MediaKit(albums, values["facts"]), problems
