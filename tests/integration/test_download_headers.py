"""Downloads are served as attachments with nosniff: by nginx with the documented server
block, and in the _headers file that Netlify and Cloudflare Pages read."""

from __future__ import annotations

import re
import shutil
import urllib.request
from pathlib import Path

import pytest

from newsroom.headers import (
    CSP,
    DOWNLOADS,
    HEADERS_FILE,
    download_location,
    parse_netlify,
)
from support import Site
from tools.harness import GUIDE, missing_programs, nginx

SAMPLES = {
    "media/logo.svg": "attachment",
    "news/2026/with-files/factsheet.pdf": "attachment",
    "news/2026/with-files/plant.png": None,
    "news/2026/with-files/": None,
    "robots-check.TXT": "attachment",
}


def test_the_guide_sends_every_download_to_the_download_headers() -> None:
    guide = GUIDE.read_text("utf-8")
    block = re.search(r"location (~\*[^{]+?) \{\n(.*?)\}", guide, re.S)
    assert block, "the nginx block has no location for downloads"
    assert block[1] == download_location()
    assert "include /etc/nginx/masthead/newsroom-download-headers.conf;" in block[2]
    # Every published type that is not a raster picture is a download.
    assert set(DOWNLOADS) == {
        "svg",
        "pdf",
        "csv",
        "txt",
        "zip",
        "docx",
        "xlsx",
        "pptx",
        "mp3",
        "mp4",
    }


def test_the_headers_file_marks_downloads_in_either_case(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out)
    text = (out / HEADERS_FILE).read_text("utf-8")
    for ending in DOWNLOADS:
        for variant in (ending, ending.upper()):
            assert parse_netlify(text, f"/*.{variant}") == {"Content-Disposition": "attachment"}
    assert parse_netlify(text)["X-Content-Type-Options"] == "nosniff"


@pytest.mark.skipif(bool(missing_programs()), reason=f"needs {missing_programs()}")
def test_nginx_serves_downloads_as_attachments_and_pages_as_pages(
    site: Site, tmp_path: Path
) -> None:
    site.write("media/logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>')
    srv = tmp_path / "srv"
    site.build(srv / "current")
    shutil.copyfile(srv / "current" / "robots.txt", srv / "current" / "robots-check.TXT")
    with nginx(tmp_path / "nginx", srv) as port:
        for path, disposition in SAMPLES.items():
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}") as response:
                headers = response.headers
            assert headers.get("Content-Disposition") == disposition, path
            assert headers["X-Content-Type-Options"] == "nosniff", path
            assert headers["Content-Security-Policy"] == "; ".join(CSP), path
            assert headers["Cache-Control"] == "no-cache", path
