"""The development server over real sockets: serving, live reload and build errors."""

from __future__ import annotations

import http.client
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

import devserver

from newsroom.headers import ADMIN_HEADERS, DOWNLOAD_HEADERS, HEADERS
from support import ROOT, git
from tools import editor_backend
from tools.harness import dev_server, repository

PAGE = b"<!doctype html>\n<html><head><title>News</title></head>\n<body><h1>News</h1></body>\n</html>\n"
NOT_FOUND = b"<!doctype html>\n<html><body><p>No such page.</p></body></html>\n"
SCRIPT = b'<script src="/__masthead__/livereload.js" defer></script>'
BINARY = bytes(range(256)) + b"</body>" + bytes(range(255, -1, -1))


class Site:
    """A DevServer whose build copies content/ into output/, as a real build would.

    The build fails when a page contains BROKEN, reporting each such line as a problem.
    """

    def __init__(self, tmp_path: Path) -> None:
        self.staging = tmp_path / "staging"
        self.content = tmp_path / "content"
        self.output = tmp_path / "output"
        self.content.mkdir()
        self.output.mkdir()
        (self.content / "index.html").write_bytes(PAGE)
        (self.content / "404.html").write_bytes(NOT_FOUND)
        self.settings = tmp_path / "pelicanconf.py"
        self.settings.write_text("SITENAME = 'News'\n")
        self.later = tmp_path / "publishconf.py"  # watched before it exists
        (tmp_path / "unwatched.txt").write_text("not watched\n")
        self.builds = 0
        self.server = devserver.DevServer(
            self.output, [self.content, self.settings, self.later], self.build, port=0
        )

    def build(self) -> tuple[bool, str]:
        self.builds += 1
        broken = [
            f"content/{f.name}:{number}: contains BROKEN."
            for f in sorted(self.content.iterdir())
            if f.is_file()
            for number, line in enumerate(f.read_bytes().splitlines(), start=1)
            if b"BROKEN" in line
        ]
        if broken:
            return False, "\n".join(broken)
        shutil.copytree(self.content, self.output, dirs_exist_ok=True)
        return True, ""

    def save(self, path: Path, data: bytes) -> None:
        """Save in one step, as editors do, so no build can see a half-written file."""
        self.staging.write_bytes(data)
        os.replace(self.staging, path)

    def connection(self) -> http.client.HTTPConnection:
        host, port = self.server.httpd.server_address[:2]
        return http.client.HTTPConnection(host, port, timeout=3)

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        connection = self.connection()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()


class Events:
    """A Server-Sent Events reader: each event as {field: data}, with a hard deadline."""

    def __init__(self, site: Site) -> None:
        self.connection = site.connection()
        self.connection.request("GET", "/__masthead__/events")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream"

    def next(self, timeout: float = 3.0) -> dict[str, str]:
        deadline = time.monotonic() + timeout
        event: dict[str, str] = {}
        while time.monotonic() < deadline:
            line = self.response.fp.readline().decode().rstrip("\n")
            if not line:
                if "event" in event:
                    return event
                continue
            field, _, value = line.partition(": ")
            if field == "data" and "data" in event:
                event["data"] += "\n" + value
            elif field:
                event[field] = value
        raise AssertionError(f"no complete event within {timeout} s (got {event})")

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    site = Site(tmp_path)
    site.server.start()
    yield site
    site.server.stop()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One server for the tests that only read (or add files nothing else reads)."""
    site = Site(tmp_path_factory.mktemp("served"))
    site.server.start()
    yield site
    site.server.stop()


@pytest.fixture
def events(site: Site) -> Iterator[Events]:
    stream = Events(site)
    assert stream.next()["event"] == "hello"  # subscribed: later broadcasts reach us
    yield stream
    stream.close()


def test_index_gets_the_reload_script_and_nothing_else(served: Site) -> None:
    status, headers, body = served.get("/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == PAGE.replace(b"</body>", SCRIPT + b"</body>")
    assert (served.output / "index.html").read_bytes() == PAGE  # the built file is untouched


def test_reload_script_is_served_and_uses_no_inner_html(served: Site) -> None:
    status, headers, body = served.get("/__masthead__/livereload.js")
    assert status == 200
    assert headers["Content-Type"].startswith("text/javascript")
    assert b'new EventSource("/__masthead__/events")' in body
    assert b"innerHTML" not in body


def test_missing_path_is_a_404_with_the_sites_404_page(served: Site) -> None:
    status, _, body = served.get("/releases/no-such-release/")
    assert status == 404
    assert body == NOT_FOUND.replace(b"</body>", SCRIPT + b"</body>")


def test_directory_without_slash_redirects(served: Site) -> None:
    (served.output / "releases").mkdir()
    status, headers, _ = served.get("/releases")
    assert status == 301
    assert headers["Location"] == "/releases/"


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("logo.svg", "image/svg+xml"),
        ("photo.webp", "image/webp"),
        ("data.json", "application/json"),
        ("feed.xml", "application/xml"),
        ("module.wasm", "application/wasm"),
        ("factsheet.pdf", "application/pdf"),
    ],
)
def test_other_files_are_served_byte_identical(served: Site, name: str, mime: str) -> None:
    (served.output / name).write_bytes(BINARY)
    status, headers, body = served.get(f"/{name}?v=1")
    assert status == 200
    assert headers["Content-Type"] == mime
    assert body == BINARY


def test_saving_a_watched_file_rebuilds_and_sends_reload(site: Site, events: Events) -> None:
    for noise in ("index.html.swp", ".#index.html", "4913", "index.html~"):
        (site.content / noise).write_text("editor scratch")
    (site.settings.parent / "unwatched.txt").write_text("changed\n")
    time.sleep(0.3)  # longer than the debounce: a rebuild would have started by now
    assert site.builds == 1

    site.save(site.content / "index.html", PAGE.replace(b"News</h1>", b"Updated</h1>"))
    assert events.next(timeout=3)["event"] == "reload"
    assert b"Updated" in site.get("/")[2]

    site.save(site.settings, b"SITENAME = 'Newsroom'\n")  # a single watched file
    assert events.next()["event"] == "reload"
    site.save(site.later, b"SITEURL = 'https://news.example.com'\n")
    assert events.next()["event"] == "reload"
    time.sleep(0.3)
    assert site.builds == 4  # reading files during the build did not trigger more builds


def test_failed_build_sends_the_problems_then_recovers(site: Site, events: Events) -> None:
    site.save(site.content / "index.html", PAGE.replace(b"News", b"BROKEN"))
    event = events.next()
    assert event["event"] == "problems"
    assert (
        event["data"]
        == "content/index.html:2: contains BROKEN.\ncontent/index.html:3: contains BROKEN."
    )

    late = Events(site)  # a page opened while the build is broken sees the problems at once
    assert late.next()["event"] == "hello"
    assert late.next()["data"] == event["data"]
    late.close()

    site.save(site.content / "index.html", PAGE)
    assert events.next()["event"] == "reload"


def test_an_exception_in_the_build_is_reported_not_fatal(tmp_path: Path) -> None:
    def explode() -> tuple[bool, str]:
        raise RuntimeError("theme is missing")

    server = devserver.DevServer(tmp_path, [], explode, port=0)
    server.start()
    try:
        assert "RuntimeError: theme is missing" in server.problems
    finally:
        server.stop()


def test_busy_port_gives_a_plain_message(served: Site) -> None:
    port = served.server.httpd.server_address[1]
    with pytest.raises(SystemExit, match=rf"(?s)Port {port} is already in use.*--port {port + 1}"):
        devserver.serve(served.output, [], served.build, port=port)


def test_stop_ends_open_event_streams(tmp_path: Path) -> None:
    site = Site(tmp_path)
    site.server.start()
    stream = Events(site)
    assert stream.next()["event"] == "hello"
    stopper = threading.Thread(target=site.server.stop)
    stopper.start()
    stopper.join(timeout=3)
    assert not stopper.is_alive()
    assert stream.response.fp.readline() == b""  # the server closed the stream
    stream.close()


def test_warm_build_worker_builds_the_newsroom_only_when_asked(tmp_path: Path) -> None:
    """invoke serve's worker: imports first, then builds the sample site on "build"."""
    import sys

    root = Path(__file__).resolve().parents[2]
    out = tmp_path / "out"
    command = [sys.executable, "-m", "tools.build_worker", str(out)]
    idle = subprocess.run(command, cwd=root, input="", capture_output=True, text=True, timeout=60)
    assert idle.returncode == 0 and not out.exists()
    done = subprocess.run(
        command, cwd=root, input="build\n", capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (out / "index.html").is_file()


# --- production headers and the Host check (DNS rebinding) ---------------------------------


def raw(site: Site, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are (http.client always writes its own Host header)."""
    host, port = site.server.httpd.server_address[:2]
    with socket.create_connection((host, port), timeout=3) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    return int(status_line.split()[1]), headers, body


def port_of(site: Site) -> int:
    return site.server.httpd.server_address[1]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", HEADERS),
        ("/__masthead__/livereload.js", HEADERS),
        ("/no-such-page/", HEADERS),
        ("/admin/", ADMIN_HEADERS),
        ("/admin/config.yml", ADMIN_HEADERS),
        ("/administrator/", HEADERS),
        ("/news/2026/x/report.pdf", DOWNLOAD_HEADERS),
        ("/media/Brochure.PDF", DOWNLOAD_HEADERS),
        ("/news/2026/x/plant.png", HEADERS),
        ("/news/2026/pdf/", HEADERS),
    ],
)
def test_every_answer_carries_the_production_headers(
    served: Site, path: str, expected: tuple[tuple[str, str], ...]
) -> None:
    (served.output / "admin").mkdir(exist_ok=True)
    (served.output / "admin" / "index.html").write_bytes(PAGE)
    (served.output / "admin" / "config.yml").write_text("backend: {}\n")
    _, headers, _ = served.get(path)
    for name, value in expected:
        assert headers[name] == value, name
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_redirects_and_errors_carry_them_too(served: Site) -> None:
    (served.output / "section").mkdir(exist_ok=True)
    status, headers, _ = served.get("/section")
    assert (
        status == 301
        and headers["Content-Security-Policy"] == dict(HEADERS)["Content-Security-Policy"]
    )
    status, headers, _ = raw(
        served, f"DELETE / HTTP/1.1\r\nHost: 127.0.0.1:{port_of(served)}\r\n\r\n".encode()
    )
    assert status == 501 and headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "host",
    [
        "evil.example:{port}",
        "evil.example",
        "127.0.0.1.nip.io:{port}",
        "127.0.0.1:{other}",
        "localhost:{other}",
        "127.0.0.1",
        "127.0.0.1:{port}@evil.example",
        "",
    ],
)
@pytest.mark.parametrize("path", ["/", "/__masthead__/events", "/__masthead__/livereload.js"])
def test_a_request_for_another_host_is_refused(served: Site, host: str, path: str) -> None:
    port = port_of(served)
    value = host.format(port=port, other=port + 1)
    status, headers, body = raw(
        served, f"GET {path} HTTP/1.1\r\nHost: {value}\r\nConnection: close\r\n\r\n".encode()
    )
    assert status == 421
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert (
        body
        == (
            f"Misdirected request: this development server answers only requests for "
            f"127.0.0.1:{port}. Open http://127.0.0.1:{port}/ instead.\n"
        ).encode()
    )


@pytest.mark.parametrize(
    "request_text",
    [
        "GET / HTTP/1.0\r\n\r\n",  # no Host at all
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example:{port}\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: 127.0.0.1:{port}\r\n\r\n",
    ],
    ids=["missing", "two-hosts", "twice"],
)
def test_a_request_without_exactly_one_host_is_refused(served: Site, request_text: str) -> None:
    status, headers, body = raw(served, request_text.format(port=port_of(served)).encode())
    assert status == 400 and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert b"<h1>" not in body and b"News" not in body


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "LOCALHOST:{port}", "localhost:{port}"])
def test_the_bound_address_and_localhost_are_answered(served: Site, host: str) -> None:
    value = host.format(port=port_of(served))
    status, _, body = raw(
        served, f"GET / HTTP/1.1\r\nHost: {value}\r\nConnection: close\r\n\r\n".encode()
    )
    assert status == 200 and body.startswith(PAGE[:20])


def test_allowed_hosts_follow_the_address_it_listens_on() -> None:
    assert devserver.allowed_hosts("127.0.0.1", ("127.0.0.1", 8000)) == {
        "127.0.0.1:8000",
        "localhost:8000",
    }
    assert devserver.allowed_hosts("::1", ("::1", 8000, 0, 0)) == {"[::1]:8000", "localhost:8000"}
    lan = ("192.168.1.20", 8000)
    assert devserver.allowed_hosts("192.168.1.20", lan) == {"192.168.1.20:8000"}
    every = ("0.0.0.0", 8000)
    hosts = devserver.allowed_hosts("0.0.0.0", every)
    assert devserver.host_allowed("192.168.1.20:8000", hosts, every)
    assert devserver.host_allowed("[fe80::1]:8000", hosts, every)
    assert devserver.host_allowed("localhost:8000", hosts, every)
    assert not devserver.host_allowed("evil.example:8000", hosts, every)
    assert not devserver.host_allowed("192.168.1.20:8001", hosts, every)


def _invoke_serve(repo: Path, *options: str) -> tuple[subprocess.Popen[str], int]:
    """The real `invoke serve` on a free loopback port, in its own process group."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "invoke", "serve", *options, "--port", str(port)],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    return server, port


def _line_starting(server: subprocess.Popen[str], prefix: str) -> list[str]:
    """The task's output up to the first line starting with ``prefix`` (or its end)."""
    assert server.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = server.stdout.readline()
        lines.append(line)
        if line.startswith(prefix) or not line:
            break
    return lines


def test_invoke_serve_sends_the_headers_and_refuses_other_hosts(tmp_path: Path) -> None:
    """The real `invoke serve`, building a small newsroom, as a developer starts it."""
    repo = repository(tmp_path / "repo")
    with dev_server(repo) as server:
        port = int(server.url.rsplit(":", 1)[1])
        assert (
            server.banner == f"Serving the newsroom at http://127.0.0.1:{port} (Ctrl+C to stop)\n"
        )

        def get(host: str, path: str = "/") -> http.client.HTTPResponse:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.putrequest("GET", path, skip_host=True)
            connection.putheader("Host", host)
            connection.endheaders()
            return connection.getresponse()

        page = get(f"127.0.0.1:{port}", "/news/2026/first-product/")
        assert page.status == 200 and b"/__masthead__/livereload.js" in page.read()
        for name, value in HEADERS:
            assert page.getheader(name) == value
        rebound = get(f"newsroom.attacker.example:{port}", "/news/2026/embargoed-launch/")
        assert rebound.status == 421 and rebound.getheader("Content-Type").startswith("text/plain")
        assert b"embargo" not in rebound.read().lower()


class _Backend(http.server.BaseHTTPRequestHandler):
    """A stand-in editor backend on 127.0.0.1: answers each JSON action with what it got."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        status = 404 if b'"missing"' in body else 200
        answer = b'{"received": ' + body + b"}"
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def with_editor(tmp_path: Path) -> Iterator[devserver.DevServer]:
    backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Backend)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    api = f"http://127.0.0.1:{backend.server_address[1]}/api/v1"
    (tmp_path / "index.html").write_bytes(PAGE)
    server = devserver.DevServer(tmp_path, [], lambda: (True, ""), port=0, editor_api=api)
    server.start()
    yield server
    server.stop()
    backend.shutdown()
    backend.server_close()


def _post(
    server: devserver.DevServer, body: bytes, headers: dict[str, str], path: str = "/api/v1"
) -> tuple[int, bytes]:
    port = server.httpd.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("POST", path, body, headers)
    response = connection.getresponse()
    return response.status, response.read()


def test_the_editor_api_reaches_the_local_backend(with_editor: devserver.DevServer) -> None:
    as_json = {"Content-Type": "application/json"}
    own = {**as_json, "Origin": with_editor.url}
    assert _post(with_editor, b'{"action":"info"}', own) == (
        200,
        b'{"received": {"action":"info"}}',
    )
    # The same server under its other name (Host was checked): the same origin.
    port = with_editor.httpd.server_address[1]
    local = {**as_json, "Host": f"localhost:{port}", "Origin": f"http://localhost:{port}"}
    assert _post(with_editor, b'{"action":"info"}', local)[0] == 200
    # The backend's own answers, errors included, reach the editor unchanged.
    assert _post(with_editor, b'{"action":"missing"}', as_json)[0] == 404


@pytest.mark.parametrize(
    ("headers", "path", "status"),
    [
        # A form or text/plain post needs no CORS preflight: another site could send one.
        ({"Content-Type": "text/plain"}, "/api/v1", 403),
        ({"Content-Type": "application/json", "Origin": "https://evil.example"}, "/api/v1", 403),
        ({"Content-Type": "application/json"}, "/api/v2", 404),
    ],
)
def test_the_editor_api_refuses_other_senders(
    with_editor: devserver.DevServer, headers: dict[str, str], path: str, status: int
) -> None:
    assert _post(with_editor, b'{"action":"info"}', headers, path)[0] == status


def test_without_an_editor_backend_there_is_no_api(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_bytes(PAGE)
    server = devserver.DevServer(tmp_path, [], lambda: (True, ""), port=0)
    server.start()
    try:
        status, _ = _post(server, b"{}", {"Content-Type": "application/json"})
        assert status == 404
    finally:
        server.stop()


def test_invoke_serve_editor_saves_through_decap_server(tmp_path: Path) -> None:
    """The real `invoke serve --editor`: decap-server on loopback, behind /api/v1."""
    editor_backend.install()  # here, once: npm refuses to install through the link below
    repo = repository(tmp_path / "repo")
    shutil.copyfile(ROOT / "tools" / "editor_backend.py", repo / "tools" / "editor_backend.py")
    (repo / "tools" / "editor").symlink_to(ROOT / "tools" / "editor")  # its installed server
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "content")
    git(repo, "commit", "-qm", "Content")
    server, port = _invoke_serve(repo, "--editor")
    try:
        lines = _line_starting(server, "The editor saves to this checkout")
        assert (
            lines[-1] == f"The editor saves to this checkout: http://127.0.0.1:{port}/admin/\n"
        ), lines
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        body = b'{"action":"entriesByFolder","params":{"branch":"main","folder":"content/releases","extension":"md","depth":2}}'
        connection.request("POST", "/api/v1", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        entries = json.loads(response.read())
        assert response.status == 200
        assert sorted(e["file"]["path"] for e in entries) == sorted(
            p.relative_to(repo).as_posix() for p in (repo / "content" / "releases").glob("*/*.md")
        )
    finally:
        os.killpg(server.pid, signal.SIGINT)  # Ctrl+C
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # SIGINT ignored (a job started in the background)
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)
