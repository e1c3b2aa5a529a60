"""Image work shared by the media kit and release images: one way to read, resize and cache.

Pillow runs at check time only to prove that a picture can be decoded (so a broken upload is
an author's message, not a traceback in the build), and at build time to make smaller
versions. Those are cached by the source's bytes under ``.cache/``: a picture is resized once,
and the same picture gives the same bytes in every build.
"""

from __future__ import annotations

import hashlib
import io
import json
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .atomic import replacing
from .schema import Invalid

if TYPE_CHECKING:
    # Pillow itself is imported where a picture is worked on: the check of content without
    # pictures (and invoke new) never loads it.
    from PIL import Image

#: Pillow's format name for each file ending the newsroom resizes.
FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}


class Unreadable(Exception):
    """A file that Pillow cannot decode as a picture; the message is for its author."""


def cache_key(data: bytes) -> str:
    return f"{hashlib.sha256(data).hexdigest()}-{len(data)}"


def decoded(data: bytes) -> Image.Image:
    """The picture fully decoded and turned upright, or ``Unreadable``.

    Opening reads only the header, so every pixel is decoded here: a truncated upload
    fails now, not halfway through a build. Phones store photos sideways with an EXIF
    orientation that browsers apply, so the sizes here are the ones readers see.
    """
    from PIL import Image, ImageOps

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                return ImageOps.exif_transpose(image)
    except Image.DecompressionBombWarning:
        raise Unreadable("it has too many pixels to be a photo for the web") from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise Unreadable("it cannot be opened as a picture; it may be damaged") from None


def readable(path: Path, name: str) -> Image.Image:
    """The picture at ``path``, decoded, or ``Invalid`` worded for the author who uploaded it."""
    try:
        return decoded(path.read_bytes())
    except Unreadable as err:
        raise Invalid(
            f'"{name}" is not a usable picture: {err}',
            "Save it again as JPEG or PNG in your image program, and replace the file",
            "image-unreadable",
        ) from None


def encode(image: Image.Image, fmt: str) -> bytes:
    """Fixed encoder settings and no metadata from the source: same pixels, same bytes."""
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif fmt != "JPEG" and image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, format="JPEG", quality=85, optimize=True)
    elif fmt == "WEBP":
        image.save(out, format="WEBP", quality=82, method=6)
    else:
        image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def fit_within(source: Image.Image, limit: int, fmt: str) -> bytes:
    """The picture shrunk to fit a ``limit``-pixel square (never enlarged)."""
    from PIL import Image

    image = _resizable(source)
    image.thumbnail((limit, limit), Image.Resampling.LANCZOS)
    return encode(image, fmt)


def to_width(source: Image.Image, width: int, fmt: str) -> bytes:
    """The picture ``width`` pixels wide, its height in proportion (for srcset)."""
    from PIL import Image

    height = max(1, round(source.height * width / source.width))
    image = _resizable(source).resize((width, height), Image.Resampling.LANCZOS)
    return encode(image, fmt)


def _resizable(image: Image.Image) -> Image.Image:
    # Pillow resizes palette and 1-bit pictures pixel by pixel, without smoothing.
    if image.mode in ("P", "1"):
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    return image.copy()


def cached(folder: Path, make: Callable[[], dict[str, Any]]) -> Path:
    """``folder`` holding the files ``make`` returns (bytes, or JSON for other values).

    ``make`` runs only when the folder is missing; the folder's name is the cache key. It
    is written under a temporary name and renamed, so a build never sees half of it.
    """
    if folder.is_dir():
        return folder
    files = {
        name: value if isinstance(value, bytes) else json.dumps(value, sort_keys=True).encode()
        for name, value in make().items()
    }
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        with replacing(folder) as partial:
            partial.mkdir()
            for name, blob in files.items():
                (partial / name).write_bytes(blob)
    except OSError:
        if not folder.is_dir():  # else another build made it meanwhile, and theirs is kept
            raise
    return folder
