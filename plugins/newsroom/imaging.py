"""Image work shared by the media kit and release images: one way to read, resize and cache.

Pillow runs at check time only to prove that a picture can be decoded (so a broken upload is
an author's message, not a traceback in the build), and at build time to make smaller
versions. Those are cached by the source's bytes under ``.cache/``: a picture is resized once,
and the same picture gives the same bytes in every build.

A cached file is taken only while it is whole (``whole``): cache entries are written without
``fsync`` (atomic.py), so a power cut or a full disk can leave one under its final name empty
or cut short, and it would otherwise be published by every later build. The share cards'
cache (share_images.py) is held to the same test.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import warnings
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .atomic import replacing, write_file

if TYPE_CHECKING:
    # Pillow itself is imported where a picture is worked on: the check of content without
    # pictures (and invoke new) never loads it.
    from PIL import Image

#: Pillow's format name for each file ending the newsroom resizes.
FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}


#: How a whole file of each kind the picture caches hold begins and ends, as Pillow writes it
#: (PNG: its signature and the IEND chunk; JPEG: SOI and EOI). WebP says its own length in
#: its RIFF header instead (``whole``).
_BOUNDS = {
    ".png": (b"\x89PNG\r\n\x1a\n", b"\x00\x00\x00\x00IEND\xaeB`\x82"),
    ".jpg": (b"\xff\xd8\xff", b"\xff\xd9"),
    ".jpeg": (b"\xff\xd8\xff", b"\xff\xd9"),
}
_PEEK = 12


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
    # Imported here: the share cards' copying (share_cards.py) needs ``whole`` alone.
    from .schema import Invalid

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


def whole(path: Path) -> bool:
    """Whether a file in a picture cache is complete: a PNG, JPEG or WebP that begins and
    ends as its format does, JSON that parses, anything else not empty. A link is not
    followed (not whole: it is made again, and the link replaced).

    Its first and last bytes tell a file left empty or cut short by a power cut or a full
    disk, in about 7 µs (a rebuild's 200 cards: under 2 ms; benchmarks/README.md, "Whole
    cache entries"). Pillow's ``verify()`` costs 5 to 27 times that and misses some: it
    passes a JPEG cut in half, and a PNG without its last byte.
    """
    # Not blocking: a named pipe under the name would wait for a writer (it is not whole).
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
    try:
        handle = os.open(path, flags)
    except OSError:
        return False
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            return False
        size = info.st_size
        suffix = path.suffix.lower()
        if suffix == ".json":
            return _parses(os.pread(handle, size, 0))
        head = os.pread(handle, _PEEK, 0)
        tail = os.pread(handle, _PEEK, max(0, size - _PEEK))
    except OSError:
        return False
    finally:
        os.close(handle)
    if suffix == ".webp":  # RIFF, its length after these 8 bytes, WEBP
        riff = head[:4] == b"RIFF" and head[8:12] == b"WEBP"
        return riff and int.from_bytes(head[4:8], "little") + 8 == size
    start, end = _BOUNDS.get(suffix, (b"", b""))
    return size > len(start) + len(end) and head.startswith(start) and tail.endswith(end)


def _parses(data: bytes) -> bool:
    try:
        json.loads(data)
    except ValueError:
        return False
    return True


def cached(folder: Path, make: Callable[[], dict[str, Any]], names: Collection[str]) -> Path:
    """``folder`` holding the files ``make`` returns (bytes, or JSON for other values), of
    which the caller reads ``names``.

    ``make`` runs only when the folder is missing or one of ``names`` in it is not whole;
    the folder's name is the cache key. A new folder is written under a temporary name and
    renamed; in a folder that exists, each damaged file alone is replaced the same way
    (atomic.py), so a build reading it meanwhile finds the old file or the new one, never
    half. Repaired without a message, as any damaged cache entry is: the output is the same
    as from a cold cache, and there is nothing for anyone to do.
    """
    if folder.is_dir():
        damaged = [name for name in names if not whole(folder / name)]
        if damaged:
            files = _encoded(make())
            for name in damaged:
                write_file(folder / name, files[name])
        return folder
    files = _encoded(make())
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


def _encoded(files: dict[str, Any]) -> dict[str, bytes]:
    return {
        name: value if isinstance(value, bytes) else json.dumps(value, sort_keys=True).encode()
        for name, value in files.items()
    }
