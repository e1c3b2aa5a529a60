"""Names that would take an address the newsroom uses, give none, or overwrite a built file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pelican.settings import read_settings
from pelican.urlwrappers import Tag
from PIL import Image

from newsroom.content import RESERVED
from newsroom.releases import SHARE_IMAGE, tag_slug
from support import ROOT, Site

P = "releases/2026/case.md"


def release(extra: str) -> str:
    return (
        "---\ntitle: Example opens a lab\ndate: 2026-11-02 09:00 Europe/Berlin\n"
        f"category: products\nsummary: A new lab.\n{extra}---\nText.\n"
    )


def wide_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1000, 500), "teal").save(out, format="PNG")
    return out.getvalue()


def texts(site: Site) -> list[str]:
    return [p.text() for p in site.load().problems if p.path == P]


@pytest.mark.parametrize(
    ("tags", "refused"),
    [
        ("['!!!']", [(1, "!!!")]),
        ("['..']", [(1, "..")]),
        ("[grid, '../..', '-']", [(2, "../.."), (3, "-")]),
        ("['<b></b>']", [(1, "<b></b>")]),
        ("['</script>']", [(1, "</script>")]),
        ("['\u2603']", [(1, "\u2603")]),
    ],
)
def test_a_tag_without_an_address_is_refused(
    site: Site, tags: str, refused: list[tuple[int, str]]
) -> None:
    site.write(P, release(f"tags: {tags}\n"))
    assert texts(site) == [
        f'{P}:6: tags[{index}]: "{tag}" has no letter or digit, so the tag cannot have a web '
        "address. Use a word, like grid software, or remove the tag."
        for index, tag in refused
    ]


@pytest.mark.parametrize("tag", ["R&D", "Grid software", "Ωmega", "日本", "C++", "2026", "a_b"])
def test_tags_with_a_letter_or_digit_have_an_address(site: Site, tag: str) -> None:
    site.write(P, release(f'tags: ["{tag}"]\n'))
    assert texts(site) == []


SETTINGS = read_settings(str(ROOT / "pelicanconf.py"))


@given(st.text(max_size=30))
def test_tag_addresses_are_the_ones_pelican_makes(tag: str) -> None:
    assert tag_slug(tag) == Tag(tag, SETTINGS).slug


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("lab-480w.png", "a smaller copy of the lead image"),
        ("LAB-800W.PNG", "a smaller copy of the lead image"),
        ("share-0123456789abcdef.png", "the link preview"),
    ],
)
def test_an_attachment_cannot_take_the_name_of_a_built_file(
    site: Site, name: str, what: str
) -> None:
    site.write("releases/2026/case/lab.png", wide_png())
    site.write(f"releases/2026/case/{name}", wide_png())
    site.write(
        P,
        release(
            "image:\n  file: lab.png\n  alt: The lab\n"
            f"attachments:\n  - file: report.pdf\n    title: Report\n"
            f"  - file: {name}\n    title: Big picture\n"
        ),
    )
    site.write("releases/2026/case/report.pdf", b"%PDF-1.7\n%%EOF\n")
    stem, suffix = name.rsplit(".", 1)
    assert texts(site) == [
        f'{P}:9: attachments[2].file: "{name}" is the name the build gives {what}, so one file '
        f"would replace the other. Rename the attachment, for example to "
        f"{stem}-download.{suffix}."
    ]


def test_copies_that_are_not_made_leave_their_names_free(site: Site) -> None:
    """A 40-pixel lead image gets no narrower copies, so lab-480w.png is just a file."""
    site.write("releases/2026/with-files/plant-480w.png", wide_png())
    path = site.path / "releases/2026/with-files.md"
    path.write_text(
        path.read_text().replace(
            "    title: Plant fact sheet\n",
            "    title: Plant fact sheet\n  - file: plant-480w.png\n    title: Plant\n",
        )
    )
    assert [p.text() for p in site.load().problems] == []


@pytest.mark.parametrize("name", ["admin", "api", "feeds", "pagefind", "theme", "de"])
def test_a_page_cannot_take_an_address_the_newsroom_writes(site: Site, name: str) -> None:
    site.write(f"pages/{name}.md", "---\ntitle: Taken\n---\nText\n")
    problems = [p.text() for p in site.load(languages=("en", "de")).problems]
    assert problems == [
        f"pages/{name}.md: the address /{name}/ belongs to the newsroom's own pages. Rename the "
        f"file, for example to {name}-page.md."
    ]


def test_every_folder_the_build_writes_is_reserved(sample: tuple[object, Path]) -> None:
    newsroom, output = sample
    pages = {page.slug for page in newsroom.pages}  # type: ignore[attr-defined]
    languages = {"en", "de"}
    folders = {p.name for p in output.iterdir() if p.is_dir()}
    assert folders - pages - languages - RESERVED == set()


def test_the_reserved_share_image_name_is_the_one_the_build_writes(
    sample: tuple[object, Path],
) -> None:
    names = {p.name for p in (sample[1] / "news").rglob("share-*.png")}
    assert names and all(SHARE_IMAGE.fullmatch(n) for n in names)
