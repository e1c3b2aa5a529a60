"""A real nginx cache (proxy_cache) in front of the switching origin, both configured as
docs/self-hosting.md says: readers going through the cache get each release within a second
of its instant, never before, and no answer may be kept past the next instant."""

from __future__ import annotations

import http.client
import http.server
import io
import json
import math
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from pelican.settings import read_settings
from test_deploy import answers, from_a_due_snapshot, read_site

from deploy.command import deploy
from deploy.snapshots import Manifest
from support import FIXTURES, ROOT
from tools.harness import (
    JS_MODULE,
    ORIGIN_BEHIND_CACHE,
    caching_proxy,
    missing_programs,
    nginx,
    switcher,
    write_release,
)

pytestmark = pytest.mark.skipif(
    bool(missing_programs()) or not Path(JS_MODULE).exists(),
    reason="needs nginx with its JavaScript module (apt-get install libnginx-mod-http-js)",
)


def deploy_here(site: Path, srv: Path, work: Path, newsroom: dict | None = None) -> Manifest:
    """invoke deploy to a folder on this machine, with the fixture site's releases ahead."""
    return deploy(
        str(srv),
        settings_file=ROOT / "publishconf.py",
        days=0.01,
        site_url="https://news.example.com",
        content=site,
        root=site,
        work=work,
        extra={"NEWSROOM": newsroom} if newsroom else None,
        out=io.StringIO(),
    )


def manifest_switched(srv: Path) -> float:
    """When the deploy switched the web root (the symlink's own time)."""
    return (srv / "current").lstat().st_mtime


def test_through_a_cache_each_release_is_served_within_a_second_of_its_instant(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "basic", site)
    srv = tmp_path / "srv"
    start = math.ceil(time.time())
    first, second = start + 30, start + 33
    path_a = write_release(site, "cached-first", first, f"Cached first {start}")
    path_b = write_release(site, "cached-second", second, f"Cached second {start}")
    # The first deploy comes before nginx starts: the origin loads bin/masthead-cache.js.
    manifest = deploy_here(site, srv, tmp_path / "work")
    assert time.time() < first - 4, "the deploy took too long to test"
    paths = ["/", "/news/", path_a, path_b]
    table = answers(manifest.snapshots, paths)
    with (
        nginx(tmp_path / "origin", srv, ORIGIN_BEHIND_CACHE) as origin,
        caching_proxy(tmp_path / "cache", origin) as port,
        switcher(srv, tmp_path / "switcher.log"),
    ):
        # From a few seconds before the first instant (the readers stop at 8000 answers),
        # and never within the settling time after the deploy's own switch.
        time.sleep(max(0.0, first - 4 - time.time(), 2.1 - (time.time() - manifest_switched(srv))))
        stop = threading.Event()
        threading.Timer(second + 3 - time.time(), stop.set).start()
        seen = read_site(port, paths, stop, table, threads=2)
        # The search index's files are named by their content, in every part: kept a year.
        fragment = next((srv / "current").glob("pagefind/en/0/fragment/*.pf_fragment"))
        connection = http.client.HTTPConnection("127.0.0.1", origin, timeout=10)
        connection.request("GET", "/" + fragment.relative_to(srv / "current").as_posix())
        kept = connection.getresponse().getheader("Cache-Control")
        connection.close()

    assert kept == "public, max-age=31536000, immutable"
    wrong = [s for s in seen if not from_a_due_snapshot(s, manifest)]
    assert not wrong, [(s.path, s.status, s.sent, sorted(s.snapshots)) for s in wrong[:5]]
    for path, instant in ((path_a, first), (path_b, second)):
        early = [s for s in seen if s.path == path and s.received < instant]
        assert early and all(s.status == 404 for s in early), path
        # (A request sent a moment before the instant may be answered after it: a 200 then.)
        live = min(s.sent for s in seen if s.path == path and s.status == 200 and s.sent >= instant)
        assert live < instant + 1.0
        assert all(s.status == 200 for s in seen if s.path == path and s.sent >= instant + 1.0)
    # The cache did keep pages (or this test would prove nothing about caching) ...
    hits = [s for s in seen if s.header("X-Cache-Status") == "HIT"]
    assert len(hits) > len(seen) / 4 and {s.path for s in hits} == set(paths)
    # ... and was never allowed to keep one past the next instant of its snapshot.
    ends = {
        s.id: e
        for s, e in zip(
            manifest.snapshots, [*(x.instant for x in manifest.snapshots[1:]), None], strict=True
        )
    }
    for answer in seen:
        shared = re.search(r"s-maxage=(\d+)", answer.header("Cache-Control"))
        if answer.header("X-Cache-Status") != "MISS" or shared is None:
            continue
        (snapshot,) = answer.snapshots & set(ends)
        if ends[snapshot] is not None:
            assert answer.sent + int(shared[1]) <= ends[snapshot].timestamp(), answer


class Receiver(http.server.BaseHTTPRequestHandler):
    """Stands in for the CDNs' APIs on 127.0.0.1: records each request, answers 200."""

    received: list[tuple[float, str, dict[str, str], bytes]] = []  # noqa: RUF012

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.received.append((time.time(), self.path, dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


def test_the_switcher_purges_every_cdn_at_the_instant(tmp_path: Path) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    Receiver.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    purges = [
        {"provider": "cloudflare", "zone": "zone-1", "token_env": "CF_TOKEN", "endpoint": endpoint},
        {
            "provider": "fastly",
            "service": "svc-1",
            "token_env": "FASTLY_TOKEN",
            "endpoint": endpoint,
        },
        {
            "provider": "cloudfront",
            "distribution": "E123",
            "key_id_env": "AWS_KEY",
            "secret_env": "AWS_SECRET",
            "endpoint": endpoint,
        },
    ]
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "basic", site)
    srv = tmp_path / "srv"
    srv.mkdir()
    (srv / "notify.env").write_text(
        "CF_TOKEN=cf-secret\nFASTLY_TOKEN=fastly-secret\nAWS_KEY=AKIDEXAMPLE\nAWS_SECRET=s3cr3t\n"
    )
    newsroom = {**read_settings(str(ROOT / "publishconf.py"))["NEWSROOM"], "cache_purge": purges}
    start = math.ceil(time.time())
    instant = start + 15
    write_release(site, "purged", instant, f"Purged {start}")
    try:
        deploy_here(site, srv, tmp_path / "work", newsroom)
        assert time.time() < instant - 1, "the deploy took too long to test"
        with switcher(srv, tmp_path / "switcher.log") as log:
            deadline = time.time() + 25
            while time.time() < deadline and len(
                [r for r in Receiver.received if r[0] >= instant]
            ) < len(purges):
                time.sleep(0.05)
    finally:
        server.shutdown()
        server.server_close()

    at_instant = [r for r in Receiver.received if r[0] >= instant]
    assert {path for _, path, _, _ in at_instant} == {
        "/client/v4/zones/zone-1/purge_cache",
        "/service/svc-1/purge_all",
        "/2020-05-31/distribution/E123/invalidation",
    }, log.read_text()
    assert all(when < instant + 1.0 for when, *_ in at_instant)
    by_path = {path: (headers, body) for _, path, headers, body in at_instant}
    headers, body = by_path["/client/v4/zones/zone-1/purge_cache"]
    assert headers["Authorization"] == "Bearer cf-secret"
    assert json.loads(body) == {"purge_everything": True}
    assert by_path["/service/svc-1/purge_all"][0]["Fastly-Key"] == "fastly-secret"
    headers, body = by_path["/2020-05-31/distribution/E123/invalidation"]
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/us-east-1/cloudfront/aws4_request" in headers["Authorization"]
    assert b"<Path>/*</Path>" in body
    # No secret is written into the schedule on the host.
    schedule = (srv / "schedule.json").read_text()
    assert not [v for v in ("cf-secret", "fastly-secret", "s3cr3t") if v in schedule]
