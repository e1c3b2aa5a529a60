"""The script the disclosure record offers readers: it recomputes every fingerprint from
what a newsroom serves, and names each release whose published text or files differ.

It runs as a reader runs it (the published copy, plain python3, no packages) against the
built sample newsroom served on 127.0.0.1, as built and with one download tampered with.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCRIPT = "theme/tools/check-fingerprint.py"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def served(folder: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def check(folder: Path) -> subprocess.CompletedProcess[str]:
    with served(folder) as site:
        return subprocess.run(
            ["python3", str(folder / SCRIPT), site], capture_output=True, text=True, timeout=120
        )


def test_every_published_fingerprint_checks_out(sample: tuple[object, Path]) -> None:
    _, out = sample
    result = check(out)
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    assert lines[-1] == "Every fingerprint matches."
    assert len([line for line in lines if line.startswith("ok  ")]) >= 12


def test_a_tampered_download_is_named(sample: tuple[object, Path], tmp_path: Path) -> None:
    _, source = sample
    out = tmp_path / "site"
    shutil.copytree(source, out)
    pdf = next(out.glob("news/*/*/*.pdf"))
    pdf.write_bytes(pdf.read_bytes() + b"%")
    result = check(out)
    page = "/" + pdf.parent.relative_to(out).as_posix() + "/"
    assert result.returncode == 1
    assert any(
        line.startswith(f"DIFFERS  {page}: computed ") for line in result.stdout.splitlines()
    )
    assert result.stdout.splitlines()[-1] == "1 release(s) differ from the record."
