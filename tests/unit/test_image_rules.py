"""Pictures that cannot be used, in release files and in the media kit, and the exact words shown;
and the narrower copies a lead image gets, worked out from its size alone."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable

import pytest
from PIL import Image as Pillow

from newsroom.models import Image, ImageVariant
from newsroom.release_images import with_variants
from support import ROOT, Site

P = "releases/2026/case.md"
KIT = "data/media-kit.yml"


def picture(width: int, height: int, fmt: str = "JPEG", **save: object) -> bytes:
    out = io.BytesIO()
    Pillow.new("RGB", (width, height), (11, 93, 90)).save(out, format=fmt, **save)
    return out.getvalue()


def release_with_image(file: str) -> str:
    return (
        "---\ntitle: Example opens a lab\ndate: 2026-11-02 09:00 Europe/Berlin\n"
        f"category: products\nsummary: A new lab.\nimage:\n  file: {file}\n  alt: The lab\n"
        "---\nThe lab opens today.\n"
    )


UNREADABLE = (
    "it cannot be opened as a picture; it may be damaged. Save it again as JPEG or PNG in "
    "your image program, and replace the file."
)


@pytest.mark.parametrize(
    ("file", "data", "expected"),
    [
        pytest.param("lab.jpg", picture(640, 480), [], id="valid"),
        pytest.param(
            "lab.jpg",
            picture(640, 480)[:600],
            [f'{P}:7: image.file: "lab.jpg" is not a usable picture: {UNREADABLE}'],
            id="truncated-upload",
        ),
        pytest.param(
            "lab.png",
            b"<html>Not found</html>",
            [f'{P}:7: image.file: "lab.png" is not a usable picture: {UNREADABLE}'],
            id="not-an-image",
        ),
        pytest.param(
            "lab.webp",
            b"",
            [f'{P}:7: image.file: "lab.webp" is not a usable picture: {UNREADABLE}'],
            id="empty-file",
        ),
    ],
)
def test_a_release_image_must_be_a_readable_picture(
    site: Site,
    problems_for: Callable[[str], list[str]],
    file: str,
    data: bytes,
    expected: list[str],
) -> None:
    site.write(f"releases/2026/case/{file}", data)
    assert problems_for(release_with_image(file)) == expected


def test_the_size_readers_see_is_read_at_check_time(site: Site) -> None:
    # A phone photo stored sideways, with an EXIF orientation that browsers apply.
    exif = Pillow.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise
    site.write("releases/2026/case/lab.jpg", picture(1200, 900, exif=exif))
    site.write("releases/2026/case.md", release_with_image("lab.jpg"))
    release = next(r for r in site.load().releases if r.slug == "case")
    assert release.image is not None
    assert (release.image.width, release.image.height) == (900, 1200)


@pytest.mark.parametrize(
    ("file", "width", "widths"),
    [
        ("photo.jpg", 2400, (480, 800, 1200, 1600)),
        ("photo.jpg", 1600, (480, 800, 1200)),
        ("photo.PNG", 801, (480, 800)),
        ("photo.webp", 480, ()),
        ("photo.jpg", 40, ()),
        ("motion.gif", 2400, ()),  # a GIF may move: it is never resized
    ],
)
def test_narrower_copies_are_never_wider_than_the_original(
    file: str, width: int, widths: tuple[int, ...]
) -> None:
    image = with_variants(Image(file, "Alt", width=width, height=100), "news/2026/lab/")
    stem, suffix = file.rsplit(".", 1)
    assert image.url == f"news/2026/lab/{file}"
    assert image.variants == tuple(
        ImageVariant(f"news/2026/lab/{stem}-{w}w.{suffix}", w) for w in widths
    )
    assert image.srcset("https://x.example").endswith(f"/news/2026/lab/{file} {width}w")


# --- the media kit's pictures ---------------------------------------------------------------


def kit(site: Site, item: str) -> list[str]:
    shutil.copytree(ROOT / "content/media/kit", site.path / "media/kit", dirs_exist_ok=True)
    site.write(
        KIT,
        "logos:\n  title: Logos\n  items:\n    - file: aldercrest-logo.svg\n"
        "      title: Logo\n      alt: The logo\n      usage: Free to use.\n" + item,
    )
    # English only: the German versions have tests of their own (test_data_languages.py).
    return [p.text() for p in site.load(languages=("en",)).problems if p.path == KIT]


ITEM = "      title: T\n      alt: A\n      usage: Free to use.\n"


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        pytest.param(
            "    - file: aldercrest-logo-dark.svg\n      png: aldercrest-logo-dark.png\n"
            "      background: dark\n" + ITEM,
            [],
            id="valid-dark-logo",
        ),
        pytest.param(
            "    - file: grid-controller.jpg\n      png: aldercrest-logo.png\n" + ITEM,
            [
                f"{KIT}:9: logos.items[2].png: a PNG copy is only for an SVG logo. Remove the "
                "png line; grid-controller.jpg is already a picture every program opens."
            ],
            id="png-copy-of-a-photo",
        ),
        pytest.param(
            "    - file: aldercrest-logo-dark.svg\n      png: nowhere.png\n" + ITEM,
            [
                f'{KIT}:9: logos.items[2].png: "nowhere.png" is not in media/kit/. Put the file '
                "in media/kit/, or correct its name."
            ],
            id="png-missing",
        ),
        pytest.param(
            "    - file: aldercrest-logo-dark.svg\n      png: aldercrest-logo-dark.svg\n" + ITEM,
            [
                f'{KIT}:9: logos.items[2].png: "aldercrest-logo-dark.svg" is not a PNG file '
                "name. Write the name of a .png file in content/media/kit/, like logo.png."
            ],
            id="png-not-png",
        ),
        pytest.param(
            "    - file: aldercrest-logo-dark.svg\n      background: black\n" + ITEM,
            [
                f'{KIT}:9: logos.items[2].background: "black" is not light or dark. Write '
                "background: light for a logo made for light backgrounds, or background: dark "
                "for one made for dark backgrounds."
            ],
            id="background-unknown",
        ),
        pytest.param(
            "    - file: broken.jpg\n" + ITEM,
            [f'{KIT}:8: logos.items[2].file: "broken.jpg" is not a usable picture: {UNREADABLE}'],
            id="unreadable-photo",
        ),
    ],
)
def test_media_kit_pictures(site: Site, item: str, expected: list[str]) -> None:
    site.write("media/kit/broken.jpg", picture(400, 300)[:300])
    assert kit(site, item) == expected
