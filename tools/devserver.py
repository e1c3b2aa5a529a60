"""Live-reload development server behind `invoke serve`.

Serves the built site, rebuilds it when a watched file changes, and tells open pages
over Server-Sent Events to reload (or to show the build's problems). The reload script
is linked into HTML responses on the fly, so the built files stay exactly as deployed,
and it has a URL of its own (no inline script), so it works under a strict
Content-Security-Policy.

Given ``quick``, a change it can show at once (an edit to a release's text, see
tools/build_worker.py) is shown first, and the full rebuild follows in the background.

Every answer carries the production security headers (``newsroom.headers``), so a page that
breaks under the site's CSP breaks here first. The server answers only requests addressed to
the host and port it listens on: a web page elsewhere could otherwise point its own name at
127.0.0.1 (DNS rebinding) and read the drafts and embargoed previews served here.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import ipaddress
import mimetypes
import os
import queue
import re
import secrets
import threading
import time
import traceback
import urllib.error
import urllib.request
from collections.abc import Callable
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from newsroom.headers import ADMIN_HEADERS, DOWNLOAD_HEADERS, DOWNLOADS, HEADERS

Rebuild = Callable[[], tuple[bool, str]]
#: Shows the changes at the given paths without a full build: (shown, problems text), or None
#: when they need the full build (tools/build_worker.py, ``DevBuilds.quick``).
Quick = Callable[[list[Path]], tuple[bool, str] | None]

PREFIX = "/__masthead__/"
SCRIPT_TAG = b'<script src="/__masthead__/livereload.js" defer></script>'
DEBOUNCE = 0.15  # editors write a file in several steps; wait for them to settle
MAX_DELAY = 1.0  # ...but never postpone a rebuild longer than this
MAX_EDITOR_REQUEST = 50 * 1024 * 1024  # decap-server's own limit for a save with uploads
KEEPALIVE = 15.0  # seconds between SSE comments, so dead connections get noticed
CHANGES = {"created", "modified", "deleted", "moved", "attrib"}  # not opened/closed: builds read
IGNORED_DIRS = {".git", "__pycache__"}
# Served as a file, not inline, so it works under a strict Content-Security-Policy. Styles are
# set through the CSSOM and text through textContent for the same reason (and for safety).
LIVERELOAD_JS = r"""// Development only: reload after each rebuild, or show what broke the build.
(() => {
  "use strict";
  let generation = null;
  let panel = null;

  function element(tag, text, style) {
    const node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.assign(node.style, style);
    return node;
  }

  function hideProblems() {
    if (panel) panel.remove();
    panel = null;
  }

  function showProblems(text) {
    hideProblems();
    panel = element("aside", "", {
      position: "fixed", left: "1rem", right: "1rem", bottom: "1rem", zIndex: "2147483647",
      maxHeight: "70vh", overflow: "auto", margin: "0", padding: "1rem 1.25rem",
      background: "#fff", color: "#111", border: "3px solid #b3261e", borderRadius: "8px",
      boxShadow: "0 6px 30px rgba(0, 0, 0, 0.4)", font: "16px/1.5 system-ui, sans-serif",
    });
    panel.setAttribute("role", "alert");
    const list = element("ul", "", {
      margin: "0", paddingLeft: "1.25rem", font: "14px/1.5 ui-monospace, monospace",
    });
    for (const line of text.split("\n")) {
      list.append(element("li", line, { whiteSpace: "pre-wrap", overflowWrap: "anywhere" }));
    }
    panel.append(
      element("h2", "The newsroom did not build", {
        margin: "0 0 0.5rem", color: "#b3261e", font: "bold 1.25rem/1.3 system-ui, sans-serif",
      }),
      element("p", "Fix these problems and save; the page reloads by itself.", {
        margin: "0 0 0.75rem",
      }),
      list,
    );
    (document.body || document.documentElement).append(panel);
  }

  function connect() {
    const source = new EventSource("/__masthead__/events");
    source.addEventListener("hello", (event) => {
      // A new generation means a build finished while we were disconnected.
      if (generation !== null && event.data !== generation) location.reload();
      generation = event.data;
    });
    source.addEventListener("reload", () => {
      hideProblems();
      location.reload();
    });
    source.addEventListener("problems", (event) => showProblems(event.data));
    source.addEventListener("error", () => {
      // The browser retries dropped streams itself, but gives up on some failures.
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 1000);
    });
  }

  connect();
})();
"""
MIME_TYPES = {  # fixed here for the types where the guess differs between machines
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".woff2": "font/woff2",
    ".wasm": "application/wasm",
}


def content_type(path: Path) -> str:
    """MIME type by file extension."""
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return MIME_TYPES.get(path.suffix.lower(), guessed)


def inject_script(html: bytes) -> bytes:
    """Link the reload script right before the last </body> (or at the end if there is none)."""
    matches = list(re.finditer(rb"</body\s*>", html, re.IGNORECASE))
    at = matches[-1].start() if matches else len(html)
    return html[:at] + SCRIPT_TAG + html[at:]


def security_headers(path: str) -> tuple[tuple[str, str], ...]:
    """The production headers for ``path``: the editor at /admin/ has a policy of its own,
    and downloads are saved, not shown (as nginx and ``_headers`` do, headers.py)."""
    if path == "/admin" or path.startswith("/admin/"):
        return ADMIN_HEADERS
    ending = path.rsplit("/", 1)[-1].rpartition(".")[2].lower()
    return DOWNLOAD_HEADERS if "." in path.rsplit("/", 1)[-1] and ending in DOWNLOADS else HEADERS


def allowed_hosts(host: str, address: tuple[str, int]) -> frozenset[str]:
    """The ``Host`` values this server answers: the name or address it was asked to listen
    on and the address it got, with the port; ``localhost`` too on a loopback address."""
    bound, port = address[0], address[1]
    names = {host.lower(), bound.lower()}
    if any((ip := _ip(name)) is not None and ip.is_loopback for name in names):
        names.add("localhost")
    return frozenset(
        f"[{n}]:{port}" if ":" in n else f"{n}:{port}" for n in names if n not in ("", "::")
    )


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def host_allowed(value: str | None, allowed: frozenset[str], address: tuple[str, int]) -> bool:
    """Whether a request's ``Host`` names this server. Listening on every interface
    (0.0.0.0, ::), any address literal with the right port is fine: rebinding needs a name."""
    if value is None:
        return False
    value = value.strip().lower()
    if value in allowed:
        return True
    bound, port = address[0], address[1]
    if bound not in ("0.0.0.0", "::"):
        return False
    name, _, given = value.rpartition(":")
    return given == str(port) and (_ip(name.strip("[]")) is not None or name == "localhost")


def is_ignored(path: Path) -> bool:
    """Editor temp files and tool caches: changes there are noise, not edits."""
    name = path.name
    return (
        name.endswith((".swp", ".swx", "~"))
        or name.startswith(".#")
        or name == "4913"  # vim's probe file
        or not IGNORED_DIRS.isdisjoint(path.parts)
    )


class DevServer:
    """The server, the watcher and the rebuild loop; start() returns, stop() tears down."""

    def __init__(
        self,
        output: Path,
        watch: list[Path],
        rebuild: Rebuild,
        host: str = "127.0.0.1",
        port: int = 8000,
        editor_api: str | None = None,
        quick: Quick | None = None,
        cancel: Callable[[], None] | None = None,
    ) -> None:
        # Not resolved: invoke serve's output is a link switched to each new build, and each
        # request follows it anew (tools/build_worker.py).
        self.output = Path(os.path.abspath(output))
        #: The editor's local backend (tools/editor_backend.py), reached through /api/v1.
        self.editor_api = editor_api
        self.rebuild = rebuild
        #: Shows an edit at once; the full rebuild then runs in the background, and ``cancel``
        #: stops it when a change needs a full rebuild at once.
        self.quick = quick
        self.cancel = cancel
        self.paths: set[Path] = set()  # changed since the last rebuild or quick render
        self.background: threading.Thread | None = None
        self.again = False  # one more background rebuild after the one under way
        self.superseded = threading.Event()  # the background rebuild's result is stale
        watched = [p.resolve() for p in watch]
        self.dirs = [p for p in watched if p.is_dir()]
        self.files = {p for p in watched if not p.is_dir()}  # may not exist yet
        self.generation = secrets.token_hex(4)  # changes per successful build and per restart
        self.problems = ""  # error report of the last build, "" when it succeeded
        self.clients: set[queue.Queue[str | None]] = set()
        self.lock = threading.Lock()
        self.changed = threading.Event()
        self.stopping = threading.Event()
        handler = type("Handler", (_Handler,), {"dev": self})
        self.httpd = ThreadingHTTPServer(
            (host, port), functools.partial(handler, directory=str(self.output))
        )
        self.httpd.daemon_threads = True
        self.hosts = allowed_hosts(host, self.httpd.server_address[:2])
        self.observer: BaseObserver | None = None
        self.threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        """Build once, then serve, watch and rebuild in background threads."""
        self.run_rebuild(first=True)
        self.observer = Observer(timeout=0.1)
        handler = _ChangeHandler(self)
        for directory in self.dirs:
            self.observer.schedule(handler, str(directory), recursive=True)
        for parent in {f.parent for f in self.files if not self.watches(f.parent)}:
            if parent.is_dir():  # files are watched through their directory, then filtered
                self.observer.schedule(handler, str(parent), recursive=False)
        self.observer.start()
        for target in (lambda: self.httpd.serve_forever(poll_interval=0.05), self.rebuild_loop):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self) -> None:
        """Stop watching, end open event streams, shut the server down and wait for it all."""
        self.stopping.set()
        self.superseded.set()
        self.changed.set()
        if self.background is not None and self.cancel is not None:
            self.cancel()
        self.broadcast(None)
        if self.observer is not None:
            self.observer.stop()
            self.observer.join()
        if self.threads:  # shutdown() would wait forever for a server that never started
            self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self.threads:
            thread.join()

    def watches(self, path: Path) -> bool:
        """True when a change at `path` should trigger a rebuild."""
        if is_ignored(path) or path.is_relative_to(self.output):
            return False
        return path in self.files or any(path.is_relative_to(d) for d in self.dirs)

    def rebuild_loop(self) -> None:
        """One rebuild at a time; changes during a rebuild leave `changed` set for one more."""
        while True:
            self.changed.wait()
            if self.stopping.is_set():
                return
            deadline = time.monotonic() + MAX_DELAY
            self.changed.clear()
            while self.changed.wait(DEBOUNCE) and not self.stopping.is_set():
                self.changed.clear()  # still changing: wait for quiet (or the deadline)
                if time.monotonic() > deadline:
                    break
            if self.stopping.is_set():
                return
            with self.lock:
                paths, self.paths = sorted(self.paths), set()
            if self.quick is None or not self.run_quick(paths):
                self.stop_background()  # the full rebuild below writes everything anyway
                self.run_rebuild()

    def run_quick(self, paths: list[Path]) -> bool:
        """Show the changes at ``paths`` at once if they allow it, and ask for a full rebuild
        in the background; False when they need the full rebuild first."""
        assert self.quick is not None
        started = time.monotonic()
        try:
            result = self.quick(paths)
        except Exception:
            result = None  # the full rebuild shows what is wrong
        if result is None:
            return False
        ok, text = result
        if not ok:
            self.report_problems(text)
            return True
        print(f"Showed the edit in {time.monotonic() - started:.2f} s", flush=True)
        with self.lock:
            self.problems = ""
            self.generation = secrets.token_hex(4)
        self.broadcast("event: reload\ndata: reload\n\n")
        with self.lock:
            if self.background is not None:
                # One is under way with older content: the next one starts when it ends (its
                # end shows the edits made since it started again, see DevBuilds.rebuild).
                self.again = True
                return True
            self.superseded.clear()
            self.background = threading.Thread(target=self.background_rebuilds, daemon=True)
            self.background.start()
        return True

    def background_rebuilds(self) -> None:
        """Full rebuilds after quick renders, one after another while edits keep coming."""
        while True:
            with self.lock:
                self.again = False
            self.run_rebuild()
            with self.lock:
                if not self.again or self.superseded.is_set():
                    self.background = None
                    return

    def stop_background(self) -> None:
        """Stop the background rebuilds, if any: a full rebuild in front supersedes them."""
        with self.lock:
            background = self.background
        if background is None:
            return
        self.superseded.set()
        while background.is_alive():  # until it sees superseded: it may be starting a build
            if self.cancel is not None:
                self.cancel()
            background.join(0.1)

    def run_rebuild(self, first: bool = False) -> None:
        """Rebuild, report the result on the console and to every open page."""
        started = time.monotonic()
        try:
            ok, text = self.rebuild()
        except Exception:
            ok, text = False, traceback.format_exc()
        if self.superseded.is_set() and threading.current_thread() is self.background:
            return  # stopped for a full rebuild, which reports for itself
        if ok:
            seconds = time.monotonic() - started
            print(f"{'Built' if first else 'Rebuilt'} in {seconds:.1f} s", flush=True)
            with self.lock:
                self.problems = ""
                self.generation = secrets.token_hex(4)
            self.broadcast("event: reload\ndata: reload\n\n")
            return
        self.report_problems(text)

    def report_problems(self, text: str) -> None:
        """Print the problems, and show them over every open page."""
        lines = [line for line in text.splitlines() if line.strip()] or ["(no details)"]
        print(f"Build failed: {len(lines)} problem{'s' if len(lines) != 1 else ''}")
        print("\n".join(f"  {line}" for line in lines), flush=True)
        with self.lock:
            self.problems = "\n".join(lines)
        self.broadcast(problems_event(self.problems))

    def broadcast(self, message: str | None) -> None:
        """Queue an SSE message (None: close the stream) for every connected page."""
        with self.lock:
            for client in self.clients:
                client.put(message)


def problems_event(text: str) -> str:
    """An SSE `problems` event; each line gets its own data: field, as SSE requires."""
    return "event: problems\n" + "".join(f"data: {line}\n" for line in text.splitlines()) + "\n"


class _ChangeHandler(FileSystemEventHandler):
    """Turns file system events into one `changed` flag for the rebuild loop."""

    def __init__(self, dev: DevServer) -> None:
        self.dev = dev

    def on_any_event(self, event: FileSystemEvent) -> None:
        kind = event.event_type
        if kind not in CHANGES or (event.is_directory and kind == "modified"):
            return  # a directory's "modified" only echoes changes to files in it, ignored or not
        for raw in (event.src_path, event.dest_path):
            path = Path(os.fsdecode(raw)) if raw else None
            if path is not None and self.dev.watches(path):
                with self.dev.lock:
                    self.dev.paths.add(path)
                self.dev.changed.set()


class _Handler(SimpleHTTPRequestHandler):
    """Static files from the output directory, plus the reload script and event stream."""

    dev: DevServer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the console is for build results."""

    def parse_request(self) -> bool:
        """Refuse, before anything is read or served, a request for another host."""
        if not super().parse_request():
            return False
        hosts = self.headers.get_all("Host") or []
        address = self.dev.httpd.server_address
        if len(hosts) == 1 and host_allowed(hosts[0], self.dev.hosts, address):
            return True
        self.close_connection = True
        shown = sorted(self.dev.hosts)[0]
        text = (
            f"Misdirected request: this development server answers only requests for "
            f"{shown}. Open http://{shown}/ instead.\n"
        ).encode()
        # RFC 9112, 3.2: a request with no Host or more than one is a bad request.
        wrong = HTTPStatus.MISDIRECTED_REQUEST if len(hosts) == 1 else HTTPStatus.BAD_REQUEST
        self.send_response(wrong)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(text)
        return False

    def end_headers(self) -> None:
        """Every answer, errors and redirects included, with the production headers."""
        path = getattr(self, "path", "").split("?", 1)[0].split("#", 1)[0]
        for name, value in security_headers(path):
            self.send_header(name, value)
        super().end_headers()

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        try:
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            if path == PREFIX + "events":
                self.stream_events()
            elif path == PREFIX + "livereload.js":
                self.reply(HTTPStatus.OK, LIVERELOAD_JS.encode(), content_type(Path(path)), head)
            else:
                self.serve_file(Path(self.translate_path(self.path)), path, head)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away (page reloaded, tab closed)

    def do_POST(self) -> None:
        """The editor's /api/v1, passed to its local backend when one was started.

        Only JSON from this server's own pages: a JSON body cannot be sent from another
        site without a CORS preflight, which this server never grants, and the Host check
        above already refused other names for 127.0.0.1.
        """
        path = self.path.split("?", 1)[0]
        origin = self.headers.get("Origin")
        kind = self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if path != "/api/v1" or self.dev.editor_api is None:
            self.send_error(HTTPStatus.NOT_FOUND, "No editor backend here (invoke serve --editor)")
        elif kind != "application/json" or origin not in (None, f"http://{self.headers['Host']}"):
            self.send_error(HTTPStatus.FORBIDDEN, "Only the editor on this server may save")
        else:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_EDITOR_REQUEST:
                self.send_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
                return
            # The browser may go away meanwhile (page reloaded, tab closed).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.forward(self.rfile.read(length))

    def forward(self, body: bytes) -> None:
        assert self.dev.editor_api is not None
        request = urllib.request.Request(
            self.dev.editor_api, body, {"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                status, answer = response.status, response.read()
                kind = response.headers.get("Content-Type", "application/json")
        except urllib.error.HTTPError as error:
            status, answer = error.code, error.read()
            kind = error.headers.get("Content-Type", "application/json")
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(answer)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(answer)

    def serve_file(self, file: Path, path: str, head: bool) -> None:
        if file.is_dir():
            if not path.endswith("/"):  # relative links need the trailing slash
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            file = file / "index.html"
        status = HTTPStatus.OK
        if not file.is_file():
            status, file = HTTPStatus.NOT_FOUND, self.dev.output / "404.html"
        if file.is_file():
            body, kind = file.read_bytes(), content_type(file)
            if kind.startswith("text/html"):
                body = inject_script(body)
            self.reply(status, body, kind, head)
        else:
            self.send_error(HTTPStatus.NOT_FOUND, "Not built (yet?)")

    def reply(self, status: HTTPStatus, body: bytes, kind: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def stream_events(self) -> None:
        """Hold the connection open and forward build results until either side stops."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        inbox: queue.Queue[str | None] = queue.Queue()
        with self.dev.lock:
            self.dev.clients.add(inbox)
            hello = f"retry: 1000\nevent: hello\ndata: {self.dev.generation}\n\n"
            if self.dev.problems:
                hello += problems_event(self.dev.problems)
        try:
            self.wfile.write(hello.encode())
            while not self.dev.stopping.is_set():
                try:
                    message = inbox.get(timeout=KEEPALIVE)
                except queue.Empty:
                    message = ": keepalive\n\n"
                if message is None:
                    break
                self.wfile.write(message.encode())
        finally:
            with self.dev.lock:
                self.dev.clients.discard(inbox)


def serve(
    output: Path,
    watch: list[Path],
    rebuild: Rebuild,
    host: str = "127.0.0.1",
    port: int = 8000,
    editor_api: str | None = None,
    quick: Quick | None = None,
    cancel: Callable[[], None] | None = None,
) -> None:
    """Run the development server until Ctrl+C."""
    try:
        dev = DevServer(output, watch, rebuild, host, port, editor_api, quick, cancel)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise SystemExit(
                f"Port {port} is already in use (is another `invoke serve` running?).\n"
                f"Choose another port, e.g.: invoke serve --port {port + 1}"
            ) from None
        raise SystemExit(f"Cannot listen on {host}:{port}: {error.strerror}") from None
    try:
        dev.start()
        print(f"Serving the newsroom at {dev.url} (Ctrl+C to stop)", flush=True)
        if editor_api:
            print(f"The editor saves to this checkout: {dev.url}/admin/", flush=True)
        while True:
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping…")
    finally:
        dev.stop()
