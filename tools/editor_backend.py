"""The editor's local backend: decap-server, saving to a git repository on this machine.

``invoke serve --editor`` and the browser tests start it on 127.0.0.1 and the development
server passes the editor's ``/api/v1`` requests to it, so /admin/ reads and writes this
checkout (on ``cms/…`` branches, one per release, like pull requests) without GitHub.
decap-server is pinned in tools/editor/package-lock.json and installed with ``npm ci``.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tools" / "editor"
SERVER = PACKAGE / "node_modules" / "decap-server" / "dist" / "index.js"
STARTUP_SECONDS = 30.0


class EditorBackendError(Exception):
    """The local backend could not be installed or started; the message says what to do."""


def install(npm: str = "npm") -> None:
    """Install exactly what tools/editor/package-lock.json pins, once."""
    if SERVER.exists():
        return
    if shutil.which(npm) is None or shutil.which("node") is None:
        raise EditorBackendError(
            "The editor's local backend needs Node.js and npm: install them "
            "(python3 bootstrap.py test installs them on Debian and Ubuntu)."
        )
    result = subprocess.run(
        [npm, "ci", "--prefix", str(PACKAGE), "--no-audit", "--no-fund"],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if result.returncode != 0:
        raise EditorBackendError(f"npm ci in {PACKAGE} failed:\n{result.stderr.strip()}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        body = json.dumps({"action": "info"})
        connection.request("POST", "/api/v1", body, {"Content-Type": "application/json"})
        return connection.getresponse().status == 200
    except OSError:
        return False


@contextmanager
def running(repository: Path) -> Iterator[str]:
    """decap-server in git mode for ``repository``, on a free loopback port: its API URL."""
    install()
    port = _free_port()
    env = {
        **os.environ,
        "BIND_HOST": "127.0.0.1",
        "PORT": str(port),
        "MODE": "git",
        "GIT_REPO_DIRECTORY": str(repository.resolve()),
        "LOG_LEVEL": "warn",
    }
    process = subprocess.Popen(
        ["node", str(SERVER)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                _, err = process.communicate()
                raise EditorBackendError(f"decap-server did not start: {err.strip()}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/api/v1"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
