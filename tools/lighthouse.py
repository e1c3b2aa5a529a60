"""Lighthouse on the built newsroom: the home page and a release page, served on loopback.

``invoke lighthouse`` builds the site into a temporary folder with its address set to the
local server (so canonical links, feeds and sitemaps point where Lighthouse is looking),
serves it gzip-compressed on 127.0.0.1 as a production web server would, and runs the npm
``lighthouse`` pinned in tools/lighthouse/ against Debian's Chromium, with no traffic off the
machine. It prints the four category scores of each page and fails if any is below the bar.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tools" / "lighthouse"
BINARY = PACKAGE / "node_modules" / ".bin" / "lighthouse"
CHROME = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
MINIMUM = 0.95
COMPRESSED = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".webmanifest"}


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzip-compressed when the client accepts it, and the site's own 404."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()
            path = path / "index.html"
        if not path.is_file():
            page = Path(self.directory) / "404.html"
            return self._send(page, 404) if page.is_file() else super().send_head()
        return self._send(path, 200)

    def _send(self, path: Path, status: int):  # type: ignore[no-untyped-def]
        data = path.read_bytes()
        gzipped = path.suffix in COMPRESSED and "gzip" in self.headers.get("Accept-Encoding", "")
        if gzipped:
            data = gzip.compress(data, compresslevel=6, mtime=0)
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(data)))
        self.send_header(
            "Cache-Control", "public, max-age=31536000" if "/theme/" in self.path else "no-cache"
        )
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(data)


@contextmanager
def _server() -> Iterator[tuple[http.server.ThreadingHTTPServer, str]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _release_page(site: Path) -> str:
    """A release with a lead image and a table: the heaviest kind there is."""
    pages = sorted((site / "news").glob("[0-9]*/*/index.html"), reverse=True)
    if not pages:
        raise SystemExit("The built site has no release page.")
    for html in pages:
        text = html.read_text(encoding="utf-8")
        if 'class="lead-image"' in text and "<table" in text:
            return html.parent.relative_to(site).as_posix() + "/"
    return pages[0].parent.relative_to(site).as_posix() + "/"


def _install() -> None:
    if BINARY.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("Lighthouse needs Node.js and npm: install them (apt-get install npm).")
    print("Installing Lighthouse into tools/lighthouse/ (npm ci)...", flush=True)
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PACKAGE, check=True)


def _run(url: str, report: Path) -> dict[str, float]:
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", CHROME)}
    command = [
        str(BINARY),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not report.is_file():
        raise SystemExit(f"Lighthouse failed on {url}:\n{done.stderr.strip()}")
    result = json.loads(report.read_text(encoding="utf-8"))
    scores = {name: result["categories"][name]["score"] for name in CATEGORIES}
    failed = [
        f"    {audit['id']}: {audit['title']}"
        for audit in result["audits"].values()
        if audit.get("scoreDisplayMode") in {"binary", "numeric", "metricSavings"}
        and audit.get("score") is not None
        and audit["score"] < 0.9
    ]
    if failed and min(s or 0.0 for s in scores.values()) < MINIMUM:
        print("  Audits below 0.9:\n" + "\n".join(failed))
    return {name: float(score or 0.0) for name, score in scores.items()}


def main(as_of: str | None = None, runs: int = 3) -> int:
    """Build, serve and audit; 0 when every score of every page is at least MINIMUM.

    Each page is audited ``runs`` times and each category's median counts, as Lighthouse
    advises: one run's performance score moves with whatever else the machine is doing.
    """
    sys.path[:0] = [str(ROOT / "plugins"), str(ROOT)]
    from newsroom import commands

    _install()
    if not Path(os.environ.get("CHROME_PATH", CHROME)).exists():
        raise SystemExit(f"Chromium is missing at {CHROME}: python3 bootstrap.py test installs it.")
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as folder, _server() as (server, base):
        site = Path(folder) / "site"
        settings = commands.pelican_settings(
            ROOT / "pelicanconf.py", as_of=as_of, output=site, extra={"SITEURL": base}
        )
        commands.build(settings)
        server.RequestHandlerClass = functools.partial(_Handler, directory=str(site))  # type: ignore[assignment]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        pages = {"home": "", "release": _release_page(site)}
        worst = 1.0
        for name, path in pages.items():
            url = f"{base}/{path}"
            print(f"{name}: {url}", flush=True)
            each = [_run(url, Path(folder) / f"{name}-{n}.json") for n in range(max(runs, 1))]
            scores = {key: statistics.median(s[key] for s in each) for key in CATEGORIES}
            print("  " + "  ".join(f"{key} {value:.2f}" for key, value in scores.items()))
            worst = min(worst, *scores.values())
    if worst < MINIMUM:
        print(f"A score is below {MINIMUM:.2f}.")
        return 1
    print(f"Every score is at least {MINIMUM:.2f}.")
    return 0
