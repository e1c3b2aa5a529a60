"""The media kit: logos, executive portraits, product images and a fact sheet for journalists.

``content/data/media-kit.yml`` (optional) lists the albums and the fact sheet; the album files
live in ``content/media/kit/``. The file is checked with the same field tables as the other
data files, so ``invoke check`` reports its problems, including a picture that cannot be
decoded. At build time each raster image is made into a web, a print (the original) and a
thumbnail version, cached under ``.cache/media-kit/`` by the source's SHA-256 and size, and
each album gets a zip whose bytes depend on its files only.

An SVG logo may name a ``png`` copy for programs that cannot open SVG. Those copies are
committed files, not drawn at build time: SVG text is drawn with whatever fonts a machine
has, so a build-time rasteriser would make the output depend on the machine.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.generators import Generator
from pelican.writers import Writer
from PIL import Image
from yaml.nodes import MappingNode, Node

from . import datalangs, factsheet, files, imaging
from .factsheet import FactSheet
from .frontmatter import line_of, mapping_items, read_data
from .models import Company, Texts, format_size, texts_of
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
PAGE_URL = "media-kit/"
PAGE_SAVE_AS = "media-kit/index.html"
CACHE_FOLDER = Path(".cache") / "media-kit"
ALBUMS = ("logos", "executives", "products")
#: The album of portraits: each names the person (title) and their role.
PORTRAITS = "executives"
#: The web version's longest side: enough for a full-width picture in an online article.
#: The print version is the original, as uploaded; a picture no larger has one version only.
WEB_MAX = 1200
THUMB_MAX = 400
#: Part of every cache key: change it whenever the resizing below changes.
VERSION = "masthead-media-kit-3"
RASTER = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}
FORMATS = {**RASTER, ".svg": "SVG"}
#: Zip entries carry this time, not the build's: two builds give the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


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


# --- checking ------------------------------------------------------------------------------

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


def _item(kit_dir: Path, kit_display: str, portraits: bool) -> Any:
    def parse(node: Node, ctx: Context, name: str) -> Item:
        values = parse_mapping(node, ITEM, ctx, prefix=f"{name}.", start_line=line_of(node))
        if values is None or not _files_usable(values, node, f"{name}.", ctx, kit_dir, kit_display):
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
                    _item(kit_dir, kit_display, key == PORTRAITS),
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


def _missing_translations(path: str, meta: Node, languages: tuple[str, ...]) -> list[Problem]:
    """Every text of the kit that readers see, in each of the site's other languages."""
    sections = {key: node for key, _, node in mapping_items(meta)}  # type: ignore[arg-type]
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


# --- building ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """One file of an asset as written: its address in the site and what it is."""

    url: str
    width: int
    height: int
    size_bytes: int

    @property
    def size_text(self) -> str:
        return format_size(self.size_bytes)


@dataclass(frozen=True)
class Asset:
    item: Item
    format: str
    print: Version
    web: Version
    thumb: Version
    png: Version | None = None


@dataclass(frozen=True)
class BuiltAlbum:
    key: str
    title: str
    assets: tuple[Asset, ...]
    zip: Version
    texts: Texts = ()


def _svg_size(data: bytes) -> tuple[int, int]:
    head = data[:2000].decode("utf-8", "replace")
    width = re.search(r'<svg[^>]*\swidth="([0-9.]+)', head)
    height = re.search(r'<svg[^>]*\sheight="([0-9.]+)', head)
    if width and height:
        return round(float(width[1])), round(float(height[1]))
    box = re.search(r'viewBox="[-0-9.]+[ ,]+[-0-9.]+[ ,]+([0-9.]+)[ ,]+([0-9.]+)"', head)
    return (round(float(box[1])), round(float(box[2]))) if box else (0, 0)


def _cached_versions(data: bytes, suffix: str, cache: Path) -> Path:
    """The folder holding web and thumbnail versions of one source, made when missing."""
    fmt = RASTER[suffix]

    def make() -> dict[str, Any]:
        source = imaging.decoded(data)
        files: dict[str, Any] = {
            f"web{suffix}": imaging.fit_within(source, WEB_MAX, fmt),
            f"thumb{suffix}": imaging.fit_within(source, THUMB_MAX, fmt),
        }
        meta: dict[str, Any] = {"width": source.width, "height": source.height}
        for name in ("web", "thumb"):
            with Image.open(io.BytesIO(files[f"{name}{suffix}"])) as made:
                meta[name] = [made.width, made.height]
        return {**files, "meta.json": meta}

    return imaging.cached(cache / f"{VERSION}-{imaging.cache_key(data)}", make)


def _write(target: Path, data: bytes) -> int:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return len(data)


def build_album(album: Album, kit_dir: Path, cache: Path, output: Path) -> BuiltAlbum:
    assets: list[Asset] = []
    originals: dict[str, bytes] = {}
    base = f"{PAGE_URL}{album.key}/"
    for item in album.items:
        data = files.read(kit_dir / item.file, kit_dir)
        stem, suffix = Path(item.file).stem, Path(item.file).suffix.lower()
        print_url = f"{base}{stem}{suffix}"
        originals[f"{stem}{suffix}"] = data
        _write(output / print_url, data)
        if suffix == ".svg":
            width, height = _svg_size(data)
            original = Version(print_url, width, height, len(data))
            png = _png_copy(item, kit_dir, base, output, originals)
            assets.append(Asset(item, "SVG", original, original, original, png))
            continue
        folder = _cached_versions(data, suffix, cache)
        # The cache sits outside content/: read it without following links either.
        meta = json.loads(files.read(folder / "meta.json", cache))
        original = Version(print_url, meta["width"], meta["height"], len(data))
        made: dict[str, Version] = {}
        for name in ("web", "thumb"):
            if meta[name] == [original.width, original.height]:
                made[name] = original  # no smaller copy to offer: one file, not two the same
                continue
            url = f"{base}{stem}-{name}{suffix}"
            size = _write(output / url, files.read(folder / f"{name}{suffix}", cache))
            made[name] = Version(url, meta[name][0], meta[name][1], size)
        assets.append(Asset(item, RASTER[suffix], original, made["web"], made["thumb"]))
    zip_url = f"{PAGE_URL}{album.key}.zip"
    size = _write(output / zip_url, album_zip(originals))
    zipped = Version(zip_url, 0, 0, size)
    return BuiltAlbum(album.key, album.title, tuple(assets), zipped, album.texts)


def _png_copy(
    item: Item, kit_dir: Path, base: str, output: Path, originals: dict[str, bytes]
) -> Version | None:
    """The PNG copy of an SVG logo, written as it is and added to the album's zip."""
    if item.png is None:
        return None
    data = files.read(kit_dir / item.png, kit_dir)
    name = f"{Path(item.png).stem}.png"
    originals[name] = data
    _write(output / base / name, data)
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
    return Version(f"{base}{name}", width, height, len(data))


def album_zip(files: dict[str, bytes]) -> bytes:
    """The originals of an album: sorted names, fixed times, so the same files, same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, files[name])
    return out.getvalue()


class MediaKitGenerator(Generator):
    """Writes ``media-kit/`` (page, image versions and zips) when media-kit.yml exists."""

    kit: MediaKit | None = None

    def generate_context(self) -> None:
        from .plugin import state_of  # plugin imports content, which imports this module

        self.kit = state_of(self.settings).newsroom.media_kit
        self.context["media_kit_url"] = PAGE_URL if self.kit is not None else None

    def generate_output(self, writer: Writer) -> None:
        from .localized import write_each_language
        from .plugin import state_of

        if self.kit is None:
            return
        content = Path(self.settings["PATH"]).resolve()
        output = Path(self.output_path)
        cache = content.parent / CACHE_FOLDER
        albums = [
            build_album(album, content / KIT_FOLDER, cache, output) for album in self.kit.albums
        ]
        # One page a language, with the same files.
        languages = state_of(self.settings).settings.languages
        write_each_language(
            self, writer, PAGE_SAVE_AS, "media-kit", languages, albums=albums, facts=self.kit.facts
        )


def get_generators(pelican: Pelican) -> type[Generator]:
    return MediaKitGenerator
