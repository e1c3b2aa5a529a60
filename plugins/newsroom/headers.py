"""The security headers every page is served with: one definition, two formats.

``_headers`` (Netlify and Cloudflare Pages read it) is written into every build; it is
harmless where it is ignored, as on GitHub Pages. The nginx include is written by
``invoke headers --output DIR`` to a folder outside the web root and pulled in with
``include`` from the server block (docs/self-hosting.md).

Downloads (documents, archives, recordings, SVG) are also sent as attachments: a browser saves
them instead of showing them as a page of the site, so even a file that slipped past the
check could not run with the site's origin.
"""

from __future__ import annotations

from pathlib import Path

from . import files
from .cms import ADMIN_CSP

#: The Content-Security-Policy, one directive per entry. 'wasm-unsafe-eval' lets the search
#: page run Pagefind's WebAssembly; nothing else runs but the site's own files.
CSP: tuple[str, ...] = (
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)

#: Browser features no page of the newsroom needs.
DENIED_FEATURES: tuple[str, ...] = (
    "camera",
    "microphone",
    "geolocation",
    "interest-cohort",
    "browsing-topics",
    "payment",
    "usb",
    "serial",
    "bluetooth",
    "hid",
    "magnetometer",
    "gyroscope",
    "accelerometer",
)

HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", "; ".join(CSP)),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", ", ".join(f"{name}=()" for name in DENIED_FEATURES)),
)

#: The editor at /admin/ injects its own styles and talks to GitHub's API, so it gets a
#: policy of its own (see newsroom.cms.ADMIN_CSP); every other header is the same.
ADMIN_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", "; ".join(ADMIN_CSP)),
    *HEADERS[1:],
)

#: Endings of files that are saved, not shown: every published type but raster pictures,
#: which pages show inline (files.TYPES).
DOWNLOADS: tuple[str, ...] = tuple(
    ending.lstrip(".")
    for ending, kind in files.TYPES.items()
    if kind not in ("jpeg", "png", "gif", "webp")
)
DOWNLOAD_HEADERS: tuple[tuple[str, str], ...] = (*HEADERS, ("Content-Disposition", "attachment"))

HEADERS_FILE = "_headers"
NGINX_FILE = "newsroom-headers.conf"
NGINX_ADMIN_FILE = "newsroom-admin-headers.conf"
NGINX_DOWNLOAD_FILE = "newsroom-download-headers.conf"


def netlify() -> str:
    """``_headers``: the site's headers on every path, the editor's policy on /admin/.

    ``! Content-Security-Policy`` detaches the site-wide policy from /admin/ on hosts that
    support it (Cloudflare Pages); on Netlify both policies apply and the editor needs
    the site-wide one relaxed there instead (see the README).
    """
    lines = ["/*", *(f"  {name}: {value}" for name, value in HEADERS)]
    lines += ["/admin/*", "  ! Content-Security-Policy"]
    lines += [f"  Content-Security-Policy: {ADMIN_HEADERS[0][1]}"]
    # Paths are case-sensitive there, and file names keep their author's case.
    for ending in DOWNLOADS:
        for variant in dict.fromkeys((ending, ending.upper())):
            lines += [f"/*.{variant}", "  Content-Disposition: attachment"]
    return "\n".join(lines) + "\n"


def nginx(headers: tuple[tuple[str, str], ...] = HEADERS) -> str:
    """An nginx include: ``always`` sends the headers on the 404 page too."""
    lines = ["# Security headers of the newsroom (invoke headers); include in the server block."]
    lines += [f'add_header {name} "{value}" always;' for name, value in headers]
    return "\n".join(lines) + "\n"


def download_location() -> str:
    """The nginx location regex that matches every download (docs/self-hosting.md)."""
    return rf"~* \.({'|'.join(DOWNLOADS)})$"


def parse_netlify(text: str, path: str = "/*") -> dict[str, str]:
    """The headers a ``_headers`` file sets for one path rule (what a test server sends)."""
    found: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        if line and not line.startswith(" "):
            current = line.strip()
        elif current == path and ":" in line and not line.strip().startswith("!"):
            name, value = line.strip().split(":", 1)
            found[name.strip()] = value.strip()
    return found


def write_nginx(folder: Path) -> Path:
    """The includes: the site's, the editor's for ``location /admin/``, and the one for
    the downloads' location (``DOWNLOADS``)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / NGINX_ADMIN_FILE).write_text(nginx(ADMIN_HEADERS), encoding="utf-8")
    (folder / NGINX_DOWNLOAD_FILE).write_text(nginx(DOWNLOAD_HEADERS), encoding="utf-8")
    target = folder / NGINX_FILE
    target.write_text(nginx(), encoding="utf-8")
    return target


def write_headers(pelican: object) -> None:
    """Pelican ``finalized``: ``_headers`` in the output root of every build."""
    output = Path(pelican.settings["OUTPUT_PATH"])  # type: ignore[attr-defined]
    (output / HEADERS_FILE).write_text(netlify(), encoding="utf-8")
