"""Responsive lead images: narrower copies of each public release's picture, for ``srcset``.

A phone should not download a 1,600-pixel photo to show it 390 pixels wide. For a lead image
``photo.jpg`` the build writes ``photo-480w.jpg``, ``photo-800w.jpg`` and so on next to the
release's page, only for widths below the original's (never enlarged), and keeps the
original as the widest choice. The widths are known when the release is checked (from the
picture's size), so pages list them before anything is resized. The copies are cached under
``.cache/release-images/`` by the source's bytes, like the media kit's, and written only for
public releases: an embargoed picture reaches the output with its release, not before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import files, imaging
from .models import Image, ImageVariant, Release

WIDTHS = (480, 800, 1200, 1600)
CACHE_FOLDER = Path(".cache") / "release-images"
#: Part of every cache key: change it whenever WIDTHS or the resizing changes.
VERSION = "masthead-release-images-1"


def with_variants(image: Image, release_url: str) -> Image:
    """The image with its address and the narrower copies pages offer in ``srcset``."""
    path = Path(image.file)
    resized = path.suffix.lower() in imaging.FORMATS  # a GIF may move: it is kept as it is
    variants = tuple(
        ImageVariant(f"{release_url}{path.stem}-{w}w{path.suffix}", w)
        for w in WIDTHS
        if resized and w < image.width
    )
    return Image(
        image.file,
        image.alt,
        image.caption,
        image.credit,
        url=f"{release_url}{image.file}",
        width=image.width,
        height=image.height,
        variants=variants,
    )


def write_variants(release: Release, output: Path, cache: Path, content: Path) -> None:
    """Write the narrower copies of a release's lead image, resizing only what is not cached."""
    image = release.image
    if image is None or not image.variants:
        return
    data = files.read(release.file_path(image.file), content)
    suffix = Path(image.file).suffix.lower()
    fmt = imaging.FORMATS[suffix]
    names = {f"{v.width}{suffix}": v for v in image.variants}

    def make() -> dict[str, Any]:
        source = imaging.decoded(data)
        return {name: imaging.to_width(source, v.width, fmt) for name, v in names.items()}

    folder = imaging.cached(cache / f"{VERSION}-{imaging.cache_key(data)}", make, names)
    for name, variant in names.items():
        # The cache sits outside content/: copied without following links either.
        files.copy(folder / name, output / variant.url, cache, output)
