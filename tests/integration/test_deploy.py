"""invoke deploy and the switcher: snapshots, atomic switches, and go-live at the exact second.

The end-to-end test deploys over a real sshd to a folder that a real nginx serves with the
documented configuration, runs the switcher as the systemd service would, and reads the site
from several threads while releases go live: every response must be byte for byte what one
snapshot holds, and a snapshot that was due at that moment.
"""

from __future__ import annotations

import hashlib
import http.client
import http.server
import io
import json
import math
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from pelican.settings import read_settings

from deploy.command import deploy
from deploy.remote import Connection, DeployFailed, Target, ship
from deploy.snapshots import Manifest, Snapshot, build_snapshots
from newsroom.dates import parse_as_of
from support import FIXTURES, ROOT
from tools.harness import missing_programs, nginx, sshd, switcher, switches, write_release

SWITCHER = ROOT / "deploy" / "switcher.py"
needs_servers = pytest.mark.skipif(
    bool(missing_programs()),
    reason=f"the deploy tests need {', '.join(missing_programs())} "
    "(apt-get install nginx rsync openssh-server openssh-client)",
)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "basic", tmp_path / "site")
    return tmp_path / "site"


# --- snapshots and the manifest ------------------------------------------------------------


def test_snapshots_for_now_and_each_instant_with_a_deterministic_manifest(
    site: Path, tmp_path: Path
) -> None:
    def build(work: Path) -> Manifest:
        return build_snapshots(
            work,
            ROOT / "publishconf.py",
            as_of=parse_as_of("2026-11-23T12:00:00Z"),
            horizon=timedelta(days=14),
            content=site,
            extra={"NEWSROOM_ROOT": str(site), "SITEURL": "https://news.example.com"},
            out=io.StringIO(),
        )

    manifest = build(tmp_path / "one")
    again = build(tmp_path / "two")
    assert manifest.to_json() == again.to_json()
    assert (tmp_path / "one" / "schedule.json").read_text() == manifest.to_json()
    data = json.loads(manifest.to_json())
    assert data["notify"]["webhooks"] == [] and data["notify"]["websub_hub"] is None
    first, launch = data["snapshots"]
    assert data["generated_at"] == "2026-11-23T12:00:00Z"
    assert first["id"] == "20261123T120000Z" and first["changes"] == []
    assert launch["id"] == "20261203T060000Z"
    assert launch["dir"].startswith("20261203T060000Z-")
    assert launch["changes"] == [
        {
            "kind": "release",
            "title": "Secret embargoed widget",
            "url": "https://news.example.com/news/2026/embargoed-launch/",
            "path": "/news/2026/embargoed-launch/",
            "instant": "2026-12-03T06:00:00Z",
            "local_time": "2026-12-03T07:00:00+01:00",
        }
    ]
    now, later = (s.path for s in manifest.snapshots)
    assert not (now / "news/2026/embargoed-launch").exists()
    assert (later / "news/2026/embargoed-launch/index.html").is_file()
    # mtimes say when each file's content first appeared: shared files keep the first one.
    first_seen = int(datetime(2026, 11, 23, 12, tzinfo=UTC).timestamp())
    changed = int(datetime(2026, 12, 3, 6, tzinfo=UTC).timestamp())
    assert (later / "about/index.html").stat().st_mtime == first_seen
    assert (later / "index.html").stat().st_mtime == changed


def test_targets_are_parsed_and_unsafe_folders_refused() -> None:
    assert Target.parse("deploy@web1.example.com:/srv/newsroom/") == Target(
        "/srv/newsroom", "web1.example.com", "deploy"
    )
    assert Target.parse("web1:/srv/newsroom").login == "web1"
    assert Target.parse("/srv/newsroom") == Target("/srv/newsroom")
    for bad in ("web1:srv/newsroom", "web1:/", "web1:/srv/../etc", "/srv/news room", "web1:"):
        with pytest.raises(DeployFailed, match="absolute path"):
            Target.parse(bad)


def test_a_host_named_twice_or_a_build_without_snapshots_is_refused(tmp_path: Path) -> None:
    host = Connection.from_options(str(tmp_path / "srv"))
    with pytest.raises(DeployFailed, match="named more than once"):
        ship(tmp_path, [host, Connection.from_options(str(tmp_path / "srv") + "/")])
    with pytest.raises(DeployFailed, match=r"schedule\.json cannot be read"):
        ship(tmp_path, [host])
    assert not (tmp_path / "srv").exists()


# --- the switcher, on its own ---------------------------------------------------------------


def make_host(
    root: Path, instants: list[float], notify: str | None = None, config: dict | None = None
) -> list[str]:
    """A deploy folder laid out by hand: one snapshot per instant, and the switcher."""
    (root / "bin").mkdir(parents=True)
    shutil.copyfile(SWITCHER, root / "bin" / "masthead-switcher")
    if notify is not None:
        (root / "bin" / "notify.py").write_text(notify)
    entries = []
    for number, instant in enumerate(instants):
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(instant))
        folder = f"{stamp}-{number:012x}"
        (root / "snapshots" / folder).mkdir(parents=True)
        (root / "snapshots" / folder / "index.html").write_text(f"snapshot {number}")
        entries.append(
            {
                "id": stamp,
                "instant": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(instant)),
                "dir": folder,
                "changes": [{"kind": "release", "title": f"Release {number}"}] if number else [],
            }
        )
    write_schedule(root, entries, config or {})
    return [e["dir"] for e in entries]


def write_schedule(
    root: Path, entries: list[dict[str, object]], notify: dict | None = None
) -> None:
    """As a deploy does: the whole file at once, under a new inode."""
    if notify is None:
        notify = json.loads((root / "schedule.json").read_text())["notify"]
    data = {"generated_at": "", "snapshots": entries, "notify": notify}
    temporary = root / "schedule.json.tmp"
    temporary.write_text(json.dumps(data))
    os.replace(temporary, root / "schedule.json")


def once(root: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(root / "bin" / "masthead-switcher"), "--once", *args, str(root)],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


RECORDING_NOTIFY = """
import json

def after_go_live(changes, config, log):
    with open(config["record"], "a") as file:
        file.write(json.dumps([c["title"] for c in changes]) + "\\n")
    log("notified")
"""


def test_once_switches_to_the_latest_due_snapshot_and_announces_what_went_live(
    tmp_path: Path,
) -> None:
    root = tmp_path / "srv"
    now = math.floor(time.time())
    record = {"record": str(tmp_path / "record")}
    dirs = make_host(root, [now - 300, now - 200, now - 100, now + 3600], RECORDING_NOTIFY, record)
    shutil.copytree(root / "snapshots" / dirs[0], root / "snapshots" / ".incoming-x")

    log = once(root)
    assert os.readlink(root / "current") == f"snapshots/{dirs[2]}"
    assert "switch snapshot=" in log and "notified" in log
    # Nothing was shown before: everything that is due went live now, in order.
    assert (tmp_path / "record").read_text() == '["Release 1", "Release 2"]\n'

    log = once(root, "--prune")
    assert "switch snapshot=" not in log and "as scheduled" in log
    assert (tmp_path / "record").read_text().count("\n") == 1
    # Older than the one shown, and not the previous one: gone. The future one stays.
    assert sorted(p.name for p in (root / "snapshots").iterdir()) == [dirs[2], dirs[3]]

    write_schedule(root, json.loads((root / "schedule.json").read_text())["snapshots"][:2])
    (root / "snapshots" / dirs[1]).mkdir()
    once(root)  # a redeploy may go back: the manifest, not the clock alone, decides
    assert os.readlink(root / "current") == f"snapshots/{dirs[1]}"
    assert os.readlink(root / "previous") == f"snapshots/{dirs[2]}"
    assert (tmp_path / "record").read_text().count("\n") == 1


@pytest.mark.parametrize(
    ("notify", "logged"),
    [
        (None, "switches are not announced"),
        ("raise ImportError('no such library')\n", "ImportError: no such library"),
        (
            "def after_go_live(changes, config, log):\n    raise RuntimeError('boom')\n",
            "notify failed: RuntimeError: boom",
        ),
    ],
    ids=["absent", "broken-import", "raises"],
)
def test_switching_never_depends_on_notify(tmp_path: Path, notify: str | None, logged: str) -> None:
    root = tmp_path / "srv"
    now = math.floor(time.time())
    dirs = make_host(root, [now - 10, now - 5], notify)
    log = once(root)
    assert os.readlink(root / "current") == f"snapshots/{dirs[1]}"
    assert logged in log


def test_the_service_follows_new_schedules_and_programs_and_switches_on_time(
    tmp_path: Path,
) -> None:
    root = tmp_path / "srv"
    now = math.floor(time.time())
    dirs = make_host(root, [now - 10])
    with switcher(root, tmp_path / "switcher.log") as log:
        deadline = time.monotonic() + 5
        while not (root / "current").is_symlink() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert os.readlink(root / "current") == f"snapshots/{dirs[0]}"
        # A deploy: a new schedule with an instant two seconds ahead.
        instant = math.floor(time.time()) + 2
        later = make_snapshot(root, instant)
        schedule = json.loads((root / "schedule.json").read_text())["snapshots"]
        write_schedule(root, [*schedule, later])
        while time.time() < instant + 1:
            time.sleep(0.05)
        assert os.readlink(root / "current") == f"snapshots/{later['dir']}"
        # A deploy that brings a new switcher: the service restarts itself, and stays put.
        shutil.copyfile(SWITCHER, root / "bin" / "new")
        os.replace(root / "bin" / "new", root / "bin" / "masthead-switcher")
        deadline = time.monotonic() + 5
        while "restarting" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
    text = log.read_text()
    assert "restarting" in text and "as scheduled" in text.split("restarting")[1]
    assert os.readlink(root / "current") == f"snapshots/{later['dir']}"
    (switch,) = [s for s in switches(log) if s["snapshot"] == later["id"]]
    assert 0 <= float(switch["late_ms"]) < 500, switch


def make_snapshot(root: Path, instant: float) -> dict[str, object]:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(instant))
    folder = f"{stamp}-{'f' * 12}"
    (root / "snapshots" / folder).mkdir()
    return {
        "id": stamp,
        "instant": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(instant)),
        "dir": folder,
        "changes": [],
    }


# --- end to end: sshd, nginx, the switcher and readers --------------------------------------


@dataclass(frozen=True)
class Seen:
    """One response as a reader got it, and the snapshots it could have come from."""

    path: str
    sent: float
    received: float
    status: int
    complete: bool  # ends with </html>
    snapshots: frozenset[str]
    host: int = 0  # which server answered, when a reader asks several in turn
    headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")


Answers = dict[tuple[str, int, str], set[str]]


def answers(snapshots: tuple[Snapshot, ...], paths: list[str]) -> Answers:
    """Every (path, status, body hash) a snapshot can answer with, and which snapshots do."""
    table: Answers = defaultdict(set)
    for snapshot in snapshots:
        for path in paths:
            page = snapshot.path / path.lstrip("/") / "index.html"
            status, file = (200, page) if page.is_file() else (404, snapshot.path / "404.html")
            table[path, status, hashlib.sha256(file.read_bytes()).hexdigest()].add(snapshot.id)
    return table


def read_site(
    port: int | list[int],
    paths: list[str],
    stop: threading.Event,
    table: Answers,
    threads: int = 4,
) -> list[Seen]:
    """Request the paths from ``threads`` threads until ``stop`` is set (at most 8000
    requests); with several ports, each thread asks each server in turn."""
    ports = [port] if isinstance(port, int) else port
    seen: list[Seen] = []

    def reader(offset: int) -> None:
        connections = [http.client.HTTPConnection("127.0.0.1", p, timeout=5) for p in ports]
        count = offset
        while not stop.is_set() and len(seen) < 8000:
            host = count % len(ports)
            path = paths[(count // len(ports)) % len(paths)]
            count += 1
            sent = time.time()
            connections[host].request("GET", path)
            answer = connections[host].getresponse()
            body = answer.read()
            received = time.time()
            digest = hashlib.sha256(body).hexdigest()
            matches = frozenset(table.get((path, answer.status, digest), ()))
            complete = body.rstrip().endswith(b"</html>")
            headers = tuple(answer.getheaders())
            seen.append(Seen(path, sent, received, answer.status, complete, matches, host, headers))
            time.sleep(0.008)
        for connection in connections:
            connection.close()

    workers = [threading.Thread(target=reader, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return seen


def from_a_due_snapshot(seen: Seen, manifest: Manifest) -> bool:
    """The answer is byte for byte one snapshot's, and that snapshot was due while the
    request was under way (allowing one second for the switch; never a moment early)."""
    instants = [s.instant.timestamp() for s in manifest.snapshots]
    ends = [*instants[1:], math.inf]
    return any(
        snapshot.id in seen.snapshots and start <= seen.received and end > seen.sent - 1.0
        for snapshot, start, end in zip(manifest.snapshots, instants, ends, strict=True)
    )


def changed_feed_files(before: Path, after: Path) -> list[str]:
    """The feed files of ``after`` that ``before`` lacks or has with other bytes."""
    names = [p.relative_to(after) for p in (after / "feeds").rglob("*") if p.is_file()]
    return [
        n.as_posix()
        for n in names
        if n.name != "index.json"
        and (not (before / n).is_file() or (before / n).read_bytes() != (after / n).read_bytes())
    ]


def unchanged_files_are_shared(one: Path, other: Path) -> bool:
    """Every file with the same content in both snapshots is one file (a hard link)."""
    same = [
        p.relative_to(one)
        for p in one.rglob("*")
        if p.is_file()
        and (other / p.relative_to(one)).is_file()
        and p.read_bytes() == (other / p.relative_to(one)).read_bytes()
    ]
    return bool(same) and all((one / p).stat().st_ino == (other / p).stat().st_ino for p in same)


class Webhook(http.server.BaseHTTPRequestHandler):
    """A webhook receiver at ``/``, and a WebSub hub at ``/hub`` (their pings in ``pinged``)."""

    received: list[tuple[float, dict]] = []  # noqa: RUF012  (one receiver per test run)
    pinged: list[tuple[float, str]] = []  # noqa: RUF012

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/hub":
            form = parse_qs(body.decode(), strict_parsing=True)
            assert form["hub.mode"] == ["publish"]
            self.pinged.append((time.time(), form["hub.url"][0]))
        else:
            self.received.append((time.time(), json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[tuple[int, list[tuple[float, dict]]]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
    Webhook.received = []
    Webhook.pinged = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], Webhook.received
    server.shutdown()
    server.server_close()


@needs_servers
def test_releases_go_live_at_their_second_and_readers_never_see_a_mix(
    site: Path, tmp_path: Path, webhook: tuple[int, list[tuple[float, dict]]]
) -> None:
    srv = tmp_path / "srv"
    hook = {"url": f"http://127.0.0.1:{webhook[0]}/", "secret_env": "TEST_HOOK_KEY"}
    newsroom = {
        **read_settings(str(ROOT / "publishconf.py"))["NEWSROOM"],
        "webhooks": [hook],
        "websub_hub": f"http://127.0.0.1:{webhook[0]}/hub",
    }
    with sshd(tmp_path / "sshd") as ssh, nginx(tmp_path / "nginx", srv) as port:
        start = math.ceil(time.time())
        # Time enough to build and upload three snapshots on a busy machine.
        first, second = start + 25, start + 28
        path_a = write_release(site, "golive-first", first, f"Go-live first {start}")
        path_b = write_release(site, "golive-second", second, f"Go-live second {start}")
        options = {
            "settings_file": ROOT / "publishconf.py",
            "days": 0.01,  # just the releases above, whatever today's date
            "port": ssh.port,
            "identity": str(ssh.identity),
            "known_hosts": str(ssh.known_hosts),
            "site_url": f"http://127.0.0.1:{port}",
            "content": site,
            "root": site,
            "extra": {"NEWSROOM": newsroom},
        }
        output = io.StringIO()
        began = time.time()
        manifest = deploy(ssh.target(srv), work=tmp_path / "work", out=output, **options)
        deployed = time.time()
        assert deployed < first - 1, f"the deploy took too long to test:\n{output.getvalue()}"
        assert [s.instant.timestamp() for s in manifest.snapshots[1:]] == [first, second]
        now_dir, first_dir, second_dir = (srv / "snapshots" / s.dir for s in manifest.snapshots)
        assert os.readlink(srv / "current") == f"snapshots/{now_dir.name}"
        assert not list((srv / "snapshots").glob(".*"))
        assert unchanged_files_are_shared(now_dir, first_dir)

        paths = ["/", "/news/", path_a, path_b]
        table = answers(manifest.snapshots, paths)
        (srv / "notify.env").write_text("# webhook secrets\nTEST_HOOK_KEY=s3cret\n")
        with switcher(srv, tmp_path / "switcher.log") as log:
            # Read from a few seconds before the first instant: the readers stop at 8000.
            time.sleep(max(0.0, first - 4 - time.time()))
            stop = threading.Event()
            threading.Timer(second + 2 - time.time(), stop.set).start()
            seen = read_site(port, paths, stop, table)
            # While readers keep reading, a new deploy replaces the schedule and prunes.
            stop = threading.Event()
            during: list[Seen] = []
            reading = threading.Thread(
                target=lambda: during.extend(read_site(port, ["/"], stop, {}))
            )
            reading.start()
            started = time.time()
            redeployed = deploy(
                ssh.target(srv), work=tmp_path / "work2", out=io.StringIO(), **options
            )
            redeploy_seconds = time.time() - started
            stop.set()
            reading.join()

    wrong = [s for s in seen if not from_a_due_snapshot(s, manifest)]
    assert not wrong, [(s.path, s.status, s.sent, sorted(s.snapshots)) for s in wrong[:5]]
    assert all(s.status == 200 and s.complete for s in seen if s.path == "/")
    for path, instant in ((path_a, first), (path_b, second)):
        before = [s for s in seen if s.path == path and s.received < instant]
        after = [s for s in seen if s.path == path and s.sent >= instant]
        assert before and all(s.status == 404 for s in before), path
        live = min(s.sent for s in after if s.status == 200)
        assert live - instant < 1.0
        assert all(s.status == 200 for s in after if s.sent >= instant + 1.0)

    lines = {s["snapshot"]: s for s in switches(log)}
    late = [float(lines[s.id]["late_ms"]) for s in manifest.snapshots[1:]]
    assert all(0 <= ms < 1000 for ms in late), late
    # The webhook heard of each release once, after its instant, in order.
    hooks = webhook[1]
    titles = [[c["title"] for c in body["changes"]] for _, body in hooks]
    assert titles == [[f"Go-live first {start}"], [f"Go-live second {start}"]]
    assert hooks[0][0] >= first and hooks[1][0] >= second
    # The hub heard of the feeds that changed at each switch, as the snapshots' files say.
    site_url = options["site_url"]
    built = [s.path for s in manifest.snapshots]
    expected = [
        sorted(f"{site_url}/{feed}" for feed in changed_feed_files(before, after))
        for before, after in pairwise(built)
    ]
    assert all(f"{site_url}/feeds/all.atom.xml" in feeds for feeds in expected)
    pinged = Webhook.pinged
    # Nothing of the second switch before its instant; a slow ping of the first may be late.
    assert sorted(url for at, url in pinged if at >= first) == sorted(expected[0] + expected[1])
    early = Counter(url for at, url in pinged if first <= at < second)
    assert not early - Counter(expected[0])
    # The first deploy: nothing was shown before, so the hub hears of every feed.
    every = [f"{site_url}/{feed}" for feed in changed_feed_files(tmp_path / "none", built[0])]
    assert sorted(url for at, url in pinged if at < first) == sorted(every)

    # The redeploy: one snapshot now, the one shown before it kept for a rollback.
    assert during and all(s.status == 200 and s.complete for s in during)
    assert sorted(p.name for p in (srv / "snapshots").iterdir()) == sorted(
        [second_dir.name, redeployed.snapshots[0].dir]
    )
    assert os.readlink(srv / "previous") == f"snapshots/{second_dir.name}"
    print(
        f"\ndeploy {deployed - began:.1f} s; {len(seen)} requests, "
        f"switch late_ms {late}, first 200 after instant (ms): "
        + ", ".join(
            f"{(min(s.sent for s in seen if s.path == p and s.status == 200) - i) * 1000:.0f}"
            for p, i in ((path_a, first), (path_b, second))
        )
        + f"; redeploy {redeploy_seconds:.1f} s with {len(during)} requests during it"
    )


def test_check_tells_a_monitor_when_a_due_snapshot_is_not_shown(tmp_path: Path) -> None:
    root = tmp_path / "srv"
    now = math.floor(time.time())
    dirs = make_host(root, [now - 600, now - 120, now + 3600])

    def check(grace: int) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, str(root / "bin" / "masthead-switcher"), "--check"]
        return subprocess.run(
            [*command, str(grace), str(root)], capture_output=True, text=True, check=False
        )

    assert check(60).returncode == 2  # nothing shown yet
    os.symlink(f"snapshots/{dirs[0]}", root / "current")
    late = check(60)
    assert late.returncode == 2
    assert late.stdout.startswith(f"LATE: snapshot {dirs[1]}, due at ")
    assert check(300).returncode == 0  # within the grace, the older one may still show
    once(root)
    assert check(60).returncode == 0
