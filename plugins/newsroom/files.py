"""The files a pull request may add under ``content/``: no links, only passive types.

Everything under ``content/`` comes from a pull request, so a file is judged by what it
holds, not by its name: a web page renamed ``report.txt`` would still run on the newsroom's
own address, where the site's Content-Security-Policy trusts it (``script-src 'self'``).
Only an allowlist of types is published, each recognised by its first bytes, and the name's
ending must agree, because hosts choose the Content-Type from the ending. SVG is XML that
browsers run scripts in, so an SVG is published only when every element and attribute in it
is on a short list of drawing ones.

A symbolic link is never followed: committed, ``media/env.txt -> /proc/self/environ`` would
publish the build's environment, deploy keys included. The check refuses every link, and
``copy`` refuses to read through one even if a build is started some other way.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.etree import ElementTree

from .problems import Problem, display_path

#: What each published ending must hold (a kind from ``kind_of``).
TYPES: dict[str, str] = {
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".png": "png",
    ".gif": "gif",
    ".webp": "webp",
    ".svg": "svg",
    ".pdf": "pdf",
    ".csv": "text",
    ".txt": "text",
    ".zip": "zip",
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".pptx": "pptx",
    ".mp3": "mp3",
    ".mp4": "mp4",
}
#: How a kind is named in messages, and the ending a file of that kind should have.
KINDS: dict[str, tuple[str, str]] = {
    "jpeg": ("a JPEG picture", ".jpg"),
    "png": ("a PNG picture", ".png"),
    "gif": ("a GIF picture", ".gif"),
    "webp": ("a WebP picture", ".webp"),
    "svg": ("an SVG picture", ".svg"),
    "pdf": ("a PDF document", ".pdf"),
    "text": ("plain text or CSV", ".txt"),
    "zip": ("a ZIP archive", ".zip"),
    "docx": ("a Word document", ".docx"),
    "xlsx": ("an Excel spreadsheet", ".xlsx"),
    "pptx": ("a PowerPoint presentation", ".pptx"),
    "mp3": ("an MP3 recording", ".mp3"),
    "mp4": ("an MP4 video", ".mp4"),
}
#: Endings browsers run as code or pages; named as such, so the author learns why.
ACTIVE = frozenset(
    ".html .htm .xhtml .xht .shtml .js .mjs .css .xml .xsl .xslt .svgz .swf .wasm .php "
    ".docm .xlsm .pptm .exe .bat .cmd .sh .ps1 .jar .hta".split()
)
LINK = "this is a symbolic link; commit the file itself"
SNIFF_BYTES = 4096

_SVG = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
#: SVG elements that only draw. Anything else (script, foreignObject, a, animate, set,
#: iframe, feImage...) can run code, navigate or load something, so it is refused.
SVG_ELEMENTS = frozenset(
    """
    svg g defs symbol use title desc metadata style switch
    path rect circle ellipse line polyline polygon text tspan textPath
    linearGradient radialGradient stop pattern clipPath mask marker image
    filter feBlend feColorMatrix feComponentTransfer feComposite feDropShadow feFlood
    feFuncA feFuncB feFuncG feFuncR feGaussianBlur feMerge feMergeNode feMorphology
    feOffset
    """.split()
)
_PICTURE_DATA = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*\Z")
_CSS_RISKS = re.compile(r"@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding", re.I)
_CSS_URL = re.compile(r"url\s*\(\s*['\"]?\s*([^'\")\s]*)", re.I)


class UnsafeFile(Exception):
    """A file the build was asked to read or write outside the checked tree."""


def problems(content: Path, root: Path, published: Callable[[str], bool]) -> list[Problem]:
    """Every link in ``content``, and every file that can reach the site (``published``
    says which, by its path: media, release folders) of a type that is not served.
    """
    found: list[Problem] = []
    for entry, depth in walk(str(content)):
        # A folder's entries say what each one is without a system call of their own.
        if entry.is_symlink():
            found.append(Problem(_shown(entry, root), 0, "", LINK, "", "file-symlink"))
        elif entry.is_dir(follow_symlinks=False):
            if depth == MAX_DEPTH and _listing(entry.path):
                found.append(
                    Problem(
                        _shown(entry, root),
                        0,
                        "",
                        f"this folder is {MAX_DEPTH} folders deep in content/, and the "
                        "newsroom does not read what is inside it",
                        "Move its files to a folder nearer to content/, like "
                        "content/releases/2026/your-release/",
                        "file-depth",
                    )
                )
            continue
        elif not entry.is_file(follow_symlinks=False):
            found.append(
                Problem(
                    _shown(entry, root),
                    0,
                    "",
                    "this is not a regular file",
                    "Commit a file",
                    "file-type",
                )
            )
        elif published(entry.path):
            verdict = verdict_for(Path(entry.path))
            if verdict is not None:
                found.append(Problem(_shown(entry, root), 0, "", *verdict))
    return found


def _shown(entry: os.DirEntry[str], root: Path) -> str:
    return display_path(Path(entry.path), root)


#: How deep folders in content/ are read (content/releases/2026/release/ is 3 deep): far more
#: than any release needs, and few enough that no walk of the tree goes on without end.
MAX_DEPTH = 16


def walk(top: str) -> Iterator[tuple[os.DirEntry[str], int]]:
    """Every entry under ``top`` with its depth (1: in ``top`` itself), links included but
    never followed, in name order, each folder's entries after it; nothing below MAX_DEPTH.
    A stack, not recursion: a pull request may nest folders a thousand deep. A missing
    ``top`` (a site without pages) has no entries."""
    if not os.path.isdir(top):
        return
    stack = [iter(_listing(top))]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        yield entry, len(stack)
        if entry.is_dir(follow_symlinks=False) and len(stack) < MAX_DEPTH:
            stack.append(iter(_listing(entry.path)))


def _listing(folder: str) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as listing:
        return sorted(listing, key=lambda e: e.name)


def verdict_for(path: Path) -> tuple[str, str, str] | None:
    """Why ``path`` may not be published, as (message, fix, rule); None when it may."""
    suffix = path.suffix.lower()
    allowed = ", ".join(t.lstrip(".") for t in TYPES)
    if suffix in ACTIVE:
        return (
            f"{suffix} files are never published: browsers would run them as part of the site",
            "Publish the material as a PDF or a picture instead",
            "file-active",
        )
    if suffix not in TYPES:
        shown = f"{suffix} files are" if suffix else "files without an ending are"
        return (f"{shown} not published", f"Use one of these types: {allowed}", "file-type")
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    expected = TYPES[suffix]
    kind = kind_of(head, path)
    if kind == "markup":
        return (
            f"this file holds a web page or other markup, not {KINDS[expected][0]}",
            "Upload the material as a PDF or a picture instead",
            "file-active",
        )
    if kind == expected or (expected == "zip" and kind in ("docx", "xlsx", "pptx")):
        risk = _active_part(kind, path)
        if risk is not None:
            return (risk, _ACTIVE_FIX[kind], "file-active")
        return None
    if kind in KINDS:
        name, ending = KINDS[kind]
        return (
            f"this file's name ends in {suffix}, but it holds {name}",
            f"Rename it to {path.stem}{ending}",
            "file-type",
        )
    return (
        f"this file is not {KINDS[expected][0]}: its content is not one the newsroom publishes",
        f"Save or export it again as {KINDS[expected][0]}, then replace the file",
        "file-type",
    )


_ACTIVE_FIX = {
    "svg": "Export the picture again as plain SVG (without scripts, links or animation), "
    "or upload a PNG",
    "pdf": "Export the document again as PDF without scripts (print to PDF does this)",
    "docx": "Save it again without macros",
    "xlsx": "Save it again without macros",
    "pptx": "Save it again without macros",
}


def kind_of(head: bytes, path: Path) -> str | None:
    """What the file's first bytes say it is: a key of KINDS, "markup", or None."""
    signatures = (
        (b"\xff\xd8\xff", "jpeg"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"GIF87a", "gif"),
        (b"GIF89a", "gif"),
        (b"%PDF-", "pdf"),
        (b"ID3", "mp3"),
    )
    for magic, kind in signatures:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        return "mp4"
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return "mp3"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _archive_kind(path)
    if b"\x00" in head:
        return None
    text = head.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        return "svg" if _looks_like_svg(text) else "markup"
    return "text"


def _looks_like_svg(text: str) -> bool:
    # Only the XML declaration, comments and a document type may come before <svg>.
    rest = re.sub(
        r"\A(?:\s*<\?xml[^>]*\?>|\s*<!--.*?-->|\s*<!DOCTYPE[^>\[]*(?:\[.*?\]\s*)?>)*\s*",
        "",
        text,
        flags=re.S | re.I,
    )
    return re.match(r"<svg[\s>]", rest) is not None


def _archive_kind(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" in names:
        for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
            if any(n.startswith(prefix) for n in names):
                return kind
    return "zip"


def _active_part(kind: str, path: Path) -> str | None:
    """Code hidden inside a file of an allowed type, in plain words; None when there is none."""
    if kind == "svg":
        return svg_problem(path.read_bytes())
    if kind == "pdf" and _contains(path, b"/JavaScript"):
        return "this PDF contains JavaScript, which PDF viewers may run"
    if kind in ("docx", "xlsx", "pptx"):
        with zipfile.ZipFile(path) as archive:
            if any(n.lower().endswith("vbaproject.bin") for n in archive.namelist()):
                return f"this {KINDS[kind][0].split(' ', 1)[1]} contains macros"
    return None


def _contains(path: Path, needle: bytes, chunk: int = 1 << 20) -> bool:
    """Whether the file holds ``needle``, read a megabyte at a time (PDFs can be large)."""
    tail = b""
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            if needle in tail + block:
                return True
            tail = block[-len(needle) :]
    return False


def svg_problem(data: bytes) -> str | None:
    """Why an SVG could run code or load something, in plain words; None when it only draws."""
    text = data.decode("utf-8", "replace")
    declared = re.match(r"\ufeff?\s*<\?xml[^>]*encoding\s*=\s*[\"']([^\"']*)", text)
    if b"\x00" in data or (declared and declared[1].lower() not in ("utf-8", "utf8")):
        return "this SVG picture is not saved as UTF-8 text"
    # Illustrator's <!DOCTYPE svg PUBLIC ...> names the standard; an internal subset ([...])
    # can declare entities that expand into markup.
    if re.search(r"<!DOCTYPE[^>\[]*\[|<!ENTITY", text, re.I):
        return "this SVG picture declares entities (<!DOCTYPE>), which can hide content"
    if re.search(r"<\?xml-stylesheet", text, re.I):
        return "this SVG picture loads a style sheet"
    try:
        tree = ElementTree.parse(io.BytesIO(data))
    except ElementTree.ParseError:
        return "this SVG picture cannot be read as XML; it may be damaged"
    root = tree.getroot()
    if root.tag != f"{_SVG}svg":
        return "this file is not an SVG picture (its outer element is not <svg>)"
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        namespace, _, name = tag.rpartition("}")
        if namespace == _SVG[:-1] and name not in SVG_ELEMENTS:
            return f"this SVG picture contains <{name}>, which can run code or load content"
        if namespace == "{http://www.w3.org/1999/xhtml":
            return f"this SVG picture contains an HTML <{name}> element"
        for attribute, value in element.attrib.items():
            local = attribute.rpartition("}")[2]
            if local.lower().startswith("on"):
                return f"this SVG picture has an event handler ({local}=), which runs code"
            if attribute in ("href", _XLINK_HREF) and not _safe_href(name, value):
                return f'this SVG picture links to "{value[:60]}"; only parts of itself may be used'
            if _css_risk(value):  # style="…", and fill="url(…)" or filter="url(…)"
                return "this SVG picture's styles load or run something"
        if name == "style" and _css_risk(element.text or ""):
            return "this SVG picture's styles load or run something"
    return None


def _safe_href(element: str, value: str) -> bool:
    value = value.strip()
    return value.startswith("#") or (element == "image" and _PICTURE_DATA.match(value) is not None)


def _css_risk(css: str) -> bool:
    # A backslash starts a CSS escape, which can spell @import or url( unseen.
    if "\\" in css or _CSS_RISKS.search(css):
        return True
    return any(not url.startswith("#") for url in _CSS_URL.findall(css))


def copy(source: Path, target: Path, content: Path, output: Path) -> None:
    """Copy a checked file into the output, refusing links and anything outside the trees."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(checked(source, content), inside(target, output))


def read(source: Path, content: Path) -> bytes:
    """The bytes of a checked file, refusing links and anything outside ``content``."""
    return checked(source, content).read_bytes()


def checked(source: Path, content: Path) -> Path:
    """``source`` when it is a plain file inside ``content`` reached without any link."""
    absolute = Path(os.path.abspath(source))
    real = Path(os.path.realpath(source))
    if real != absolute or not real.is_relative_to(os.path.realpath(content)):
        raise UnsafeFile(f"{source} is a link or lies outside {content}; it was not read")
    if not stat.S_ISREG(os.lstat(real).st_mode):
        raise UnsafeFile(f"{source} is not a regular file; it was not read")
    return real


def inside(target: Path, output: Path) -> Path:
    """``target`` when it would be written inside ``output``."""
    real = Path(os.path.realpath(target))
    if not real.is_relative_to(os.path.realpath(output)):
        raise UnsafeFile(f"{target} lies outside {output}; it was not written")
    return target
