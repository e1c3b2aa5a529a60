"""invoke verify-live against a real nginx on 127.0.0.1: every release due is served, on time,
with the content its record fingerprints; each one that is not is named."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from support import AS_OF, ROOT, Site
from tools.harness import missing_programs, nginx

needs_nginx = pytest.mark.skipif(
    "nginx" in " ".join(missing_programs()), reason="the monitor test needs nginx"
)
Q4 = "/news/2025/q4-results/"
FIRST = "/news/2026/first-product/"
FILES = "/news/2026/with-files/"


def verify_live(site: Site, port: int, *late: str) -> tuple[int, str]:
    """The real task, as the scheduled workflow runs it."""
    command = [sys.executable, "-m", "invoke", "verify-live", "--site", f"http://127.0.0.1:{port}"]
    command += ["--as-of", AS_OF, "--content", str(site.path), *late]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    return done.returncode, done.stdout + done.stderr


@contextmanager
def live_site(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """nginx on 127.0.0.1 with the documented server block: (the web root's folder, port)."""
    srv = tmp_path / "srv"
    (srv / "snapshots").mkdir(parents=True)
    (srv / "current").symlink_to("snapshots/live")
    with nginx(tmp_path / "nginx", srv) as port:
        yield srv / "snapshots" / "live", port


@needs_nginx
def test_the_monitor_names_each_release_not_served_as_recorded(site: Site, tmp_path: Path) -> None:
    with live_site(tmp_path) as (live, port):
        log = tmp_path / "golive.jsonl"
        log.write_text(
            json.dumps({"path": FIRST, "instant": "", "served": "2026-03-02T08:00:00.250Z"})
            + "\n"
            + json.dumps({"path": FILES, "instant": "", "served": "2026-06-01T14:09:00.000Z"})
            + "\n"
        )
        site.build(live, SITEURL=f"http://127.0.0.1:{port}", NEWSROOM_GOLIVE_LOG=str(log))

        code, said = verify_live(site, port)
        assert (code, said.splitlines()[-1]) == (
            1,
            "1 release not served as recorded.",
        ), said
        assert (
            f"{FILES}: late: served 540 s after its scheduled time, more than the 300 s "
            "allowed" in said
        )
        code, said = verify_live(site, port, "--late", "600")
        assert code == 0, said
        assert "All releases due are live at http://127.0.0.1:" in said

        # One release gone, one page tampered with, one attachment replaced.
        shutil.rmtree(live / FIRST.strip("/"))
        page = live / Q4.strip("/") / "index.html"
        page.write_text(page.read_text().replace("EUR 1.1 billion", "EUR 1.9 billion"))
        pdf = live / FILES.strip("/") / "factsheet.pdf"
        pdf.write_bytes(pdf.read_bytes() + b"%")
        code, said = verify_live(site, port, "--late", "600")
    assert code == 1
    assert said.splitlines() == [
        f"{Q4}: other content: the page does not show the published text",
        f"{FIRST}: missing: the page answers HTTP 404",
        f"{FILES}: other content: factsheet.pdf is not the published file",
        "3 releases not served as recorded.",
    ]


@needs_nginx
def test_a_release_missing_from_the_live_record_is_named(site: Site, tmp_path: Path) -> None:
    with live_site(tmp_path) as (live, port):
        # The live site is an older build: the third release is due but was never deployed.
        site.build(live, as_of="2026-05-01T00:00:00Z", SITEURL=f"http://127.0.0.1:{port}")
        code, said = verify_live(site, port)
        assert code == 1
        assert said.splitlines() == [
            f"{FILES}: missing: the live record does not list it",
            "1 release not served as recorded.",
        ]
        shutil.rmtree(live)
        code, said = verify_live(site, port)
    assert code == 1
    assert said.strip() == (
        f"The live record http://127.0.0.1:{port}/disclosures.json cannot be read (HTTP 404)."
    )


@needs_nginx
def test_a_withdrawn_release_must_be_a_notice_on_the_live_site(site: Site, tmp_path: Path) -> None:
    release = site.path / "releases/2026/first-product.md"
    release.write_text(
        release.read_text().replace(
            "summary:",
            "status: withdrawn\nwithdrawal:\n  date: 2026-11-20 10:00 UTC\n"
            "  reason: Wrong release.\nsummary:",
        )
    )
    with live_site(tmp_path) as (live, port):
        site.build(live, SITEURL=f"http://127.0.0.1:{port}")
        code, said = verify_live(site, port)
        assert code == 0, said
        # The live site is a build from before the withdrawal: the release is still shown.
        shutil.rmtree(live)
        site.build(live, as_of="2026-11-20T09:59:00Z", SITEURL=f"http://127.0.0.1:{port}")
        code, said = verify_live(site, port)
    assert code == 1
    assert said.splitlines() == [
        f"{FIRST}: other content: the live record does not show its withdrawal",
        f"{FIRST}: other content: the page still shows the withdrawn text",
        "1 release not served as recorded.",
    ]
