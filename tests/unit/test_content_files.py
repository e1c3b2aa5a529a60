"""Files under content/: no symbolic links, and only passive types, judged by their content."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from file_samples import PASSIVE, PDF, PNG, SVG, office

from support import Site


def texts(site: Site) -> list[str]:
    return [p.text() for p in site.load().problems]


@pytest.mark.parametrize("name", sorted(PASSIVE))
@pytest.mark.parametrize("folder", ["media", "media/kit/extra", "releases/2026/with-files"])
def test_passive_files_are_published(site: Site, folder: str, name: str) -> None:
    site.write(f"{folder}/{name}", PASSIVE[name])
    assert texts(site) == []


def svg(body: str, head: str = "") -> bytes:
    return (f'{head}<svg xmlns="http://www.w3.org/2000/svg" '
            f'xmlns:xlink="http://www.w3.org/1999/xlink">{body}</svg>').encode()  # fmt: skip


FIX_SVG = (
    "Export the picture again as plain SVG (without scripts, links or animation), or upload a PNG."
)
ALLOWED = "jpg, jpeg, png, gif, webp, svg, pdf, csv, txt, zip, docx, xlsx, pptx, mp3, mp4"


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        pytest.param(
            "page.html", b"<p>hi</p>",
            ".html files are never published: browsers would run them as part of the site. "
            "Publish the material as a PDF or a picture instead.",
            id="html",
        ),
        pytest.param(
            "stats.JS", b"alert(1)",
            ".js files are never published: browsers would run them as part of the site. "
            "Publish the material as a PDF or a picture instead.",
            id="script-upper-case",
        ),
        pytest.param(
            "movie.mov", b"\x00\x00\x00\x14ftypqt  ",
            f".mov files are not published. Use one of these types: {ALLOWED}.",
            id="unlisted",
        ),
        pytest.param(
            "README", b"text",
            f"files without an ending are not published. Use one of these types: {ALLOWED}.",
            id="no-ending",
        ),
        pytest.param(
            "notes.txt", b"\n  <!doctype html><script>alert(1)</script>",
            "this file holds a web page or other markup, not plain text or CSV. Upload the "
            "material as a PDF or a picture instead.",
            id="page-named-txt",
        ),
        pytest.param(
            "photo.png", b"<html><body onload=alert(1)>",
            "this file holds a web page or other markup, not a PNG picture. Upload the "
            "material as a PDF or a picture instead.",
            id="page-named-png",
        ),
        pytest.param(
            "report.pdf", PNG,
            "this file's name ends in .pdf, but it holds a PNG picture. Rename it to report.png.",
            id="picture-named-pdf",
        ),
        pytest.param(
            "logo.png", SVG,
            "this file's name ends in .png, but it holds an SVG picture. Rename it to logo.svg.",
            id="svg-named-png",
        ),
        pytest.param(
            "figures.xlsx", office("word/document.xml"),
            "this file's name ends in .xlsx, but it holds a Word document. Rename it to "
            "figures.docx.",
            id="word-named-excel",
        ),
        pytest.param(
            "photo.jpg", b"\x00\x01garbage",
            "this file is not a JPEG picture: its content is not one the newsroom publishes. "
            "Save or export it again as a JPEG picture, then replace the file.",
            id="unknown-bytes",
        ),
        pytest.param(
            "broken.zip", b"PK\x03\x04 not really",
            "this file is not a ZIP archive: its content is not one the newsroom publishes. "
            "Save or export it again as a ZIP archive, then replace the file.",
            id="broken-zip",
        ),
        pytest.param(
            "figures.xlsx", office("xl/workbook.xml", "xl/vbaProject.bin"),
            "this Excel spreadsheet contains macros. Save it again without macros.",
            id="macros",
        ),
        pytest.param(
            "report.pdf", PDF + b"<< /S /JavaScript /JS (app.alert(1)) >>",
            "this PDF contains JavaScript, which PDF viewers may run. Export the document "
            "again as PDF without scripts (print to PDF does this).",
            id="pdf-javascript",
        ),
        pytest.param(
            "logo.svg", svg("<script>alert(1)</script>"),
            f"this SVG picture contains <script>, which can run code or load content. {FIX_SVG}",
            id="svg-script",
        ),
        pytest.param(
            "logo.svg", svg('<s:script xmlns:s="http://www.w3.org/2000/svg">x()</s:script>'),
            f"this SVG picture contains <script>, which can run code or load content. {FIX_SVG}",
            id="svg-script-prefixed",
        ),
        pytest.param(
            "logo.svg",
            svg('<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>'),
            "this SVG picture contains <foreignObject>, which can run code or load content. "
            f"{FIX_SVG}",
            id="svg-foreign-object",
        ),
        pytest.param(
            "logo.svg", svg('<rect width="1" height="1" ONLOAD="alert(1)"/>'),
            f"this SVG picture has an event handler (ONLOAD=), which runs code. {FIX_SVG}",
            id="svg-event-handler",
        ),
        pytest.param(
            "logo.svg", svg('<set attributeName="href" to="javascript:alert(1)"/>'),
            f"this SVG picture contains <set>, which can run code or load content. {FIX_SVG}",
            id="svg-animation",
        ),
        pytest.param(
            "logo.svg", svg('<a href="javascript:alert(1)"><rect/></a>'),
            f"this SVG picture contains <a>, which can run code or load content. {FIX_SVG}",
            id="svg-link",
        ),
        pytest.param(
            "logo.svg", svg('<image xlink:href="https://tracker.example/p.gif"/>'),
            'this SVG picture links to "https://tracker.example/p.gif"; only parts of itself '
            f"may be used. {FIX_SVG}",
            id="svg-external-image",
        ),
        pytest.param(
            "logo.svg", svg('<use href="/media/other.svg#x"/>'),
            'this SVG picture links to "/media/other.svg#x"; only parts of itself may be used. '
            f"{FIX_SVG}",
            id="svg-use-other-file",
        ),
        pytest.param(
            "logo.svg", svg("<style>@import url(/media/x.css);</style>"),
            f"this SVG picture's styles load or run something. {FIX_SVG}",
            id="svg-css-import",
        ),
        pytest.param(
            "logo.svg", svg('<rect style="fill:url(https://tracker.example/)"/>'),
            f"this SVG picture's styles load or run something. {FIX_SVG}",
            id="svg-css-url",
        ),
        pytest.param(
            "logo.svg", svg('<rect fill="url(https://tracker.example/g.svg#g)"/>'),
            f"this SVG picture's styles load or run something. {FIX_SVG}",
            id="svg-presentation-url",
        ),
        pytest.param(
            "logo.svg", svg("<style>@\\69mport 'x.css';</style>"),
            f"this SVG picture's styles load or run something. {FIX_SVG}",
            id="svg-css-escape",
        ),
        pytest.param(
            "logo.svg",
            svg("<text>&x;</text>", '<!DOCTYPE svg [<!ENTITY x "<script>y()</script>">]>'),
            "this SVG picture declares entities (<!DOCTYPE>), which can hide content. "
            f"{FIX_SVG}",
            id="svg-entities",
        ),
        pytest.param(
            "logo.svg", svg("<rect/>", '<?xml-stylesheet href="x.xsl" type="text/xsl"?>'),
            f"this SVG picture loads a style sheet. {FIX_SVG}",
            id="svg-stylesheet",
        ),
        pytest.param(
            "logo.svg", svg("<rect/>", '<?xml version="1.0" encoding="UTF-7"?>'),
            f"this SVG picture is not saved as UTF-8 text. {FIX_SVG}",
            id="svg-utf7",
        ),
        pytest.param(
            "logo.svg", b"<svg><rect></svg>",
            f"this SVG picture cannot be read as XML; it may be damaged. {FIX_SVG}",
            id="svg-damaged",
        ),
        pytest.param(
            "logo.svg", b'<svg xmlns="http://www.w3.org/1999/xhtml"><script>x()</script></svg>',
            f"this file is not an SVG picture (its outer element is not <svg>). {FIX_SVG}",
            id="svg-in-html-namespace",
        ),
    ],
)  # fmt: skip
@pytest.mark.parametrize("folder", ["media", "media/kit", "releases/2026/with-files"])
def test_files_that_could_run_or_mislead_are_refused(
    site: Site, folder: str, name: str, data: bytes, expected: str
) -> None:
    site.write(f"{folder}/{name}", data)
    assert texts(site) == [f"{folder}/{name}: {expected}"]


def test_other_folders_are_not_published_so_not_judged(site: Site) -> None:
    site.write("notes/draft.html", b"<script>x()</script>")
    site.write("data/README", b"how the data works")
    assert texts(site) == []


@pytest.mark.parametrize(
    ("link", "target"),
    [
        pytest.param("media/env.txt", "/proc/self/environ", id="media-file"),
        pytest.param("releases/2026/with-files/factsheet2.pdf", "/etc/passwd", id="attachment"),
        pytest.param("media/host", "/", id="media-folder"),
        pytest.param("releases/2026/leak.md", "/proc/self/environ", id="release-file"),
        pytest.param("data", "../../", id="data-folder"),
        pytest.param("media/inside.png", "../releases/2026/with-files/plant.png", id="inside"),
        pytest.param("media/dangling.png", "nowhere.png", id="dangling"),
    ],
)
def test_a_symbolic_link_anywhere_is_refused_and_never_read(
    site: Site, link: str, target: str
) -> None:
    path = site.path / link
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir() and not path.is_symlink():
        os.rename(path, site.path / "moved")
    os.symlink(target, path)
    newsroom = site.load()
    assert [p.text() for p in newsroom.problems] == [
        f"{link}: this is a symbolic link; commit the file itself."
    ]
    assert newsroom.releases == [] and newsroom.site is None


def test_every_link_is_listed_at_once(site: Site) -> None:
    os.symlink("/etc/hostname", site.path / "media-a.txt")
    Path(site.path / "media").mkdir()
    os.symlink("/etc/hostname", site.path / "media" / "b.txt")
    os.symlink("/", site.path / "releases" / "2026" / "root")
    assert [p.path for p in site.load().problems] == [
        "media-a.txt",
        "media/b.txt",
        "releases/2026/root",
    ]


@pytest.mark.parametrize("levels", [14, 1200], ids=["one-too-deep", "thousands-deep"])
def test_folders_nested_too_deep_are_named_not_walked(site: Site, levels: int) -> None:
    """A pull request can nest folders without end; the check names the folder where it
    stops reading, instead of failing with Python's recursion limit."""
    chain = [site.path / "releases" / "2026" / "with-files" / "d"]
    for _ in range(levels - 1):
        chain.append(chain[-1] / "d")
    for folder in chain:  # one at a time: Path.mkdir(parents=True) recurses too
        folder.mkdir()
    leak = chain[-1] / "leak.md"
    leak.write_text("---\ntitle: Deep\n---\nDeep.\n", encoding="utf-8")
    try:
        shown = "releases/2026/with-files" + "/d" * 13  # 16 deep: releases, 2026, with-files
        assert [p.text() for p in site.load().problems] == [
            f"{shown}: this folder is 16 folders deep in content/, and the newsroom does not "
            "read what is inside it. Move its files to a folder nearer to content/, like "
            "content/releases/2026/your-release/."
        ]
    finally:  # removed here, bottom up: pytest's own clean-up of old runs would recurse
        leak.unlink()
        for folder in reversed(chain):
            folder.rmdir()


def test_a_folder_at_the_deepest_level_read_may_be_empty(site: Site) -> None:
    deep = site.path / "releases" / "2026" / "with-files"
    for _ in range(13):
        deep = deep / "d"
    deep.mkdir(parents=True)
    assert site.load().problems == []


def test_a_site_without_a_pages_folder_is_checked(site: Site) -> None:
    shutil.rmtree(site.path / "pages", ignore_errors=True)
    newsroom = site.load()
    assert newsroom.problems == [] and newsroom.releases
