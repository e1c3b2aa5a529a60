"""What a picture cache takes as whole (imaging.whole): a file as the build's encoders write
it, never one a power cut or a full disk left empty, cut short or full of zeros."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from newsroom import imaging


def encoded(fmt: str) -> bytes:
    """A picture with detail, encoded as the build encodes its copies (imaging.encode)."""
    image = Image.new("RGB", (480, 320), (11, 93, 90))
    draw = ImageDraw.Draw(image)
    for x in range(0, 480, 23):
        draw.line((x, 0, 480 - x, 320), fill=(224, 165, 38), width=3)
    return imaging.encode(image, fmt)


FILES = {
    "card.png": encoded("PNG"),
    "480.jpg": encoded("JPEG"),
    "480.jpeg": encoded("JPEG"),
    "480.webp": encoded("WEBP"),
    "meta.json": b'{"height": 1200, "thumb": [400, 267], "web": [1200, 800], "width": 1800}',
}
DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "empty": lambda data: b"",
    "cut in half": lambda data: data[: len(data) // 2],
    "last byte lost": lambda data: data[:-1],
    "zeros": lambda data: bytes(len(data)),
    "zeros after": lambda data: data + bytes(4096),
    "its start alone": lambda data: data[:12],
}


@pytest.mark.parametrize("name", FILES)
def test_a_file_as_written_is_whole(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(FILES[name])
    assert imaging.whole(path)


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("name", FILES)
def test_a_damaged_file_is_not_whole(tmp_path: Path, name: str, damage: str) -> None:
    path = tmp_path / name
    path.write_bytes(DAMAGE[damage](FILES[name]))
    assert not imaging.whole(path)


def test_a_link_or_nothing_is_not_whole(tmp_path: Path) -> None:
    """A link is not followed: the entry is made again, as a file, in its place."""
    (tmp_path / "real.png").write_bytes(FILES["card.png"])
    (tmp_path / "card.png").symlink_to(tmp_path / "real.png")
    assert not imaging.whole(tmp_path / "card.png")
    assert not imaging.whole(tmp_path / "missing.png")
    (tmp_path / "folder.png").mkdir()
    assert not imaging.whole(tmp_path / "folder.png")
