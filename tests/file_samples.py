"""Files of every type the newsroom publishes, as small as each type allows."""

from __future__ import annotations

import io
import zipfile

from PIL import Image

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- made by hand -->\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    b'viewBox="0 0 10 10"><style>.a{fill:url(#g)}</style><defs><linearGradient id="g">'
    b'<stop offset="0"/></linearGradient></defs><title>Logo</title>'
    b'<use xlink:href="#r"/><rect id="r" class="a" width="10" height="10"/></svg>'
)


def office(main: str, *extra: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in ("[Content_Types].xml", main, *extra):
            archive.writestr(name, "<x/>")
    return out.getvalue()


def picture(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(out, format=fmt)
    return out.getvalue()


PASSIVE = {
    "photo.jpg": picture("JPEG"),
    "photo.JPEG": picture("JPEG"),
    "chart.png": PNG,
    "anim.gif": picture("GIF"),
    "photo.webp": picture("WEBP"),
    "logo.svg": SVG,
    "old-logo.svg": b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
    b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n' + SVG[SVG.index(b"<svg") :],
    "report.pdf": PDF,
    "figures.csv": b"quarter,revenue\nQ3,12.5\n",
    "notes.txt": "Plain words, caf\xe9.\n".encode("cp1252"),
    "kit.zip": office("any/file.txt"),
    "letter.docx": office("word/document.xml"),
    "figures.xlsx": office("xl/workbook.xml"),
    "slides.pptx": office("ppt/presentation.xml"),
    "talk.mp3": b"ID3\x04\x00" + b"\x00" * 20,
    "clip.mp4": b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 20,
}
