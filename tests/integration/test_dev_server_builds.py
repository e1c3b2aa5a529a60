"""The real ``invoke serve`` never takes a page away from the site it serves: each full build
writes a folder of its own, and ``output`` is switched to it in one step once it is whole
(tools/build_worker.py). A page is of the build before or of the new one, never missing."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from tools.build_worker import BUILDS
from tools.harness import dev_server, repository

PAGES = ("/", "/news/", "/news/2026/first-product/", "/news/2026/with-files/")
REBUILT = "Rebuilt in "


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def wait_until(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_every_page_is_served_while_a_full_build_runs_and_the_output_switches_whole(
    tmp_path: Path,
) -> None:
    repo = repository(tmp_path / "repo")
    earlier = repo / "output"  # what an earlier `invoke build` left
    (earlier / "news").mkdir(parents=True)
    (earlier / "news" / "gone.html").write_text("from the build before", "utf-8")

    with dev_server(repo) as server:
        assert (repo / "output").is_symlink()
        first = repo / os.readlink(repo / "output")
        assert first.parent == repo / BUILDS
        assert not (repo / "output" / "news" / "gone.html").exists()
        assert (repo / "output" / "news" / "2026" / "first-product" / "index.html").is_file()

        seen: list[tuple[str, int]] = []
        stop = threading.Event()

        def poll() -> None:
            while not stop.is_set():
                seen.extend((page, status(server.url + page)) for page in PAGES)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        start = len(server.lines)
        releases = repo / "content" / "releases" / "2026"
        (releases / "another-product.md").write_text(
            (releases / "first-product.md").read_text("utf-8"), "utf-8"
        )  # a new release: a full build, not a quick render
        server.wait_for_line(REBUILT, start, timeout=120)
        stop.set()
        poller.join(timeout=30)

        assert len(seen) > len(PAGES) * 5  # polled all through the build
        assert [s for s in seen if s[1] != 200] == []
        assert status(server.url + "/news/2026/another-product/") == 200
        second = repo / os.readlink(repo / "output")
        assert second != first
        # The folder shown before is deleted once nothing shows it.
        assert wait_until(lambda: not first.exists(), timeout=30)
    # The last build stays in output; the spare build's empty folder goes.
    assert (repo / "output" / "news" / "2026" / "another-product" / "index.html").is_file()
    assert wait_until(lambda: sorted((repo / BUILDS).iterdir()) == [second], timeout=30)

    # `invoke build` afterwards makes output a folder of its own again, not the dev server's.
    built = subprocess.run(
        [sys.executable, "-m", "invoke", "build"], cwd=repo, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert "\nBuilt output/ in " in built.stdout
    assert not (repo / "output").is_symlink()
    assert (repo / "output" / "news" / "2026" / "another-product" / "index.html").is_file()
    assert (second / "news" / "2026" / "another-product" / "index.html").is_file()  # untouched


def test_a_build_that_fails_leaves_the_site_served_as_it_was(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    with dev_server(repo) as server:
        shown = os.readlink(repo / "output")
        start = len(server.lines)
        releases = repo / "content" / "releases" / "2026"
        (releases / "broken.md").write_text("---\ntitle: [unclosed\n---\nText.\n", "utf-8")
        server.wait_for_line("Build failed", start, timeout=120)
        assert os.readlink(repo / "output") == shown
        assert all(status(server.url + page) == 200 for page in PAGES)
        # The failed build's folder is deleted: the one shown and the next build's are left.
        assert wait_until(lambda: len(list((repo / BUILDS).iterdir())) == 2, timeout=30)
