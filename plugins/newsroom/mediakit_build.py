"""The media kit page, built from the checked kit (mediakit.py) for journalists.

Each raster image is made into a web, a print (the original) and a thumbnail version,
cached under ``.cache/media-kit/`` by the source's SHA-256 and size, and each album gets a
zip whose bytes depend on its files only.

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

from . import files, imaging
from .cache import own_folder
from .localized import write_each_language
from .mediakit import KIT_FOLDER, RASTER, Album, Item, MediaKit
from .models import Texts, format_size
from .state import state_of

PAGE_URL = "media-kit/"
PAGE_SAVE_AS = "media-kit/index.html"
CACHE_FOLDER = Path(".cache") / "media-kit"
#: The web version's longest side: enough for a full-width picture in an online article.
#: The print version is the original, as uploaded; a picture no larger has one version only.
WEB_MAX = 1200
THUMB_MAX = 400
#: Part of every cache key: change it whenever the resizing below changes.
VERSION = "masthead-media-kit-3"
#: Zip entries carry this time, not the build's: two builds give the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


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
    names = (f"web{suffix}", f"thumb{suffix}", "meta.json")

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

    return imaging.cached(cache / f"{VERSION}-{imaging.cache_key(data)}", make, names)


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
        self.kit = state_of(self.settings).newsroom.media_kit
        self.context["media_kit_url"] = PAGE_URL if self.kit is not None else None

    def generate_output(self, writer: Writer) -> None:
        if self.kit is None:
            return
        content = Path(self.settings["PATH"]).resolve()
        output = Path(self.output_path)
        cache = own_folder(content.parent, CACHE_FOLDER)
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
