"""The media kit: logos, executive portraits and product images, ready for journalists.

``content/data/media-kit.yml`` (optional) lists the albums; their files live in
``content/media/kit/``. The file is checked with the same field tables as the other data
files, so ``invoke check`` reports its problems. At build time each raster image is made
into a web, a print (the original) and a thumbnail version, cached under
``.cache/media-kit/`` by the source's SHA-256 and size, and each album gets a zip whose bytes
depend on its files only.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.generators import Generator
from pelican.writers import Writer
from PIL import Image
from yaml.nodes import Node, SequenceNode

from .frontmatter import line_of, read_data
from .models import format_size
from .problems import Problem
from .schema import (
    Context,
    Field,
    Invalid,
    _AlreadyReported,
    describe,
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
WEB_MAX = 1600
THUMB_MAX = 400
#: Part of every cache key: change it whenever the resizing below changes.
VERSION = "masthead-media-kit-1"
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


@dataclass(frozen=True)
class Album:
    key: str
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class MediaKit:
    albums: tuple[Album, ...]


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
}


def _items(kit_dir: Path, kit_display: str) -> Any:
    def parse(node: Node, ctx: Context, name: str) -> tuple[Item, ...]:
        if not isinstance(node, SequenceNode):
            raise Invalid(
                f"this should be a list, not {describe(node)}",
                "Start each item on its own line with a dash: - file: logo.svg",
                "field-type",
            )
        items: list[Item] = []
        failed = False
        for index, child in enumerate(node.value, start=1):
            label = f"{name}[{index}]."
            values = parse_mapping(child, ITEM, ctx, prefix=label, start_line=line_of(child))
            if values is None:
                failed = True
                continue
            if not (kit_dir / values["file"]).is_file():
                ctx.report(
                    line_of(child),
                    f"{label}file",
                    f'"{values["file"]}" is not in {kit_display}/',
                    f"Put the file in {kit_display}/, or correct its name",
                    "asset-missing",
                )
                failed = True
                continue
            items.append(Item(**values))
        if failed:
            raise _AlreadyReported()
        return tuple(items)

    return parse


def _schema(kit_dir: Path, kit_display: str) -> dict[str, Field]:
    album: dict[str, Field] = {
        "title": Field(text(80, "Logos"), "Logos", "Album title", True),
        "items": Field(_items(kit_dir, kit_display), "- file: logo.svg", "The files", True),
    }

    def parse_album(node: Node, ctx: Context, name: str) -> dict[str, Any]:
        values = parse_mapping(node, album, ctx, prefix=f"{name}.", start_line=line_of(node))
        if values is None:
            raise _AlreadyReported()
        return values

    return {key: Field(parse_album, "title: …", f"The {key} album") for key in ALBUMS}


def load(
    data_dir: Path, display_dir: str, content: Path, root_display: str, max_bytes: int
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
    values = parse_mapping(doc.meta, _schema(content / KIT_FOLDER, root_display), ctx)
    problems = ctx.problems
    if values is None or any(p.is_error for p in problems):
        return None, problems
    albums = tuple(
        Album(key, values[key]["title"], values[key]["items"])
        for key in ALBUMS
        if values[key] is not None
    )
    return MediaKit(albums), problems


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


@dataclass(frozen=True)
class BuiltAlbum:
    key: str
    title: str
    assets: tuple[Asset, ...]
    zip: Version


def cache_key(data: bytes) -> str:
    return f"{hashlib.sha256(data).hexdigest()}-{len(data)}"


def _svg_size(data: bytes) -> tuple[int, int]:
    head = data[:2000].decode("utf-8", "replace")
    width = re.search(r'<svg[^>]*\swidth="([0-9.]+)', head)
    height = re.search(r'<svg[^>]*\sheight="([0-9.]+)', head)
    if width and height:
        return round(float(width[1])), round(float(height[1]))
    box = re.search(r'viewBox="[-0-9.]+[ ,]+[-0-9.]+[ ,]+([0-9.]+)[ ,]+([0-9.]+)"', head)
    return (round(float(box[1])), round(float(box[2]))) if box else (0, 0)


def _resized(source: Image.Image, limit: int, fmt: str) -> bytes:
    image = source.copy()
    image.thumbnail((limit, limit), Image.Resampling.LANCZOS)
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, format="JPEG", quality=85, optimize=True)
    else:
        image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _cached_versions(data: bytes, suffix: str, cache: Path) -> Path:
    """The folder holding web and thumbnail versions of one source, made when missing."""
    folder = cache / f"{VERSION}-{cache_key(data)}"
    if (folder / "meta.json").is_file():
        return folder
    fmt = RASTER[suffix]
    with Image.open(io.BytesIO(data)) as source:
        source.load()
        meta: dict[str, Any] = {"width": source.width, "height": source.height}
        versions = {
            "web": _resized(source, WEB_MAX, fmt),
            "thumb": _resized(source, THUMB_MAX, fmt),
        }
    partial = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for name, blob in versions.items():
        (partial / f"{name}{suffix}").write_bytes(blob)
        with Image.open(io.BytesIO(blob)) as made:
            meta[name] = [made.width, made.height]
    (partial / "meta.json").write_text(json.dumps(meta, sort_keys=True), encoding="utf-8")
    try:
        os.replace(partial, folder)  # never a half-written folder under the final name
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)  # another build made it meanwhile
    return folder


def _write(target: Path, data: bytes) -> int:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return len(data)


def build_album(album: Album, kit_dir: Path, cache: Path, output: Path) -> BuiltAlbum:
    assets: list[Asset] = []
    files: dict[str, bytes] = {}
    base = f"{PAGE_URL}{album.key}/"
    for item in album.items:
        data = (kit_dir / item.file).read_bytes()
        stem, suffix = Path(item.file).stem, Path(item.file).suffix.lower()
        print_url = f"{base}{stem}{suffix}"
        files[f"{stem}{suffix}"] = data
        _write(output / print_url, data)
        if suffix == ".svg":
            width, height = _svg_size(data)
            original = Version(print_url, width, height, len(data))
            assets.append(Asset(item, "SVG", original, original, original))
            continue
        folder = _cached_versions(data, suffix, cache)
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
        made: dict[str, Version] = {}
        for name in ("web", "thumb"):
            url = f"{base}{stem}-{name}{suffix}"
            size = _write(output / url, (folder / f"{name}{suffix}").read_bytes())
            made[name] = Version(url, meta[name][0], meta[name][1], size)
        original = Version(print_url, meta["width"], meta["height"], len(data))
        assets.append(Asset(item, RASTER[suffix], original, made["web"], made["thumb"]))
    zip_url = f"{PAGE_URL}{album.key}.zip"
    size = _write(output / zip_url, album_zip(files))
    return BuiltAlbum(album.key, album.title, tuple(assets), Version(zip_url, 0, 0, size))


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
        if self.kit is None:
            return
        content = Path(self.settings["PATH"]).resolve()
        output = Path(self.output_path)
        cache = content.parent / CACHE_FOLDER
        albums = [
            build_album(album, content / KIT_FOLDER, cache, output) for album in self.kit.albums
        ]
        writer.write_file(
            PAGE_SAVE_AS,
            self.get_template("media-kit"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            override_output=True,
            albums=albums,
        )


def get_generators(pelican: Pelican) -> type[Generator]:
    return MediaKitGenerator
