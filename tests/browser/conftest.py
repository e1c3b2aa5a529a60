"""A real Chromium, driven by Playwright, reading the built sample newsroom over loopback."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from newsroom import commands
from support import AS_OF, ROOT
from tools.harness import CHROMIUM, CHROMIUM_ARGS


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def built_site(sample: tuple[object, Path]) -> Path:
    """The sample newsroom's output (shared with the integration tests; never written to)."""
    return sample[1]


@pytest.fixture(scope="session")
def public() -> list:
    """The sample's public releases at AS_OF, newest first, as readers see them."""
    from newsroom.content import load
    from newsroom.dates import parse_as_of
    from newsroom.settings import from_pelican

    instant = parse_as_of(AS_OF)
    settings = from_pelican(commands.pelican_settings(ROOT / "pelicanconf.py", as_of=AS_OF))
    newsroom = load(ROOT / "content", settings, ROOT)
    return [r.at(instant) for r in newsroom.releases if r.is_public(instant)]


@pytest.fixture(scope="session")
def base_url(built_site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _HeadersHandler(_QuietHandler):
    """Sends the security headers the build wrote into ``_headers``, as a host would."""

    site_headers: ClassVar[dict[str, str]] = {}

    def end_headers(self) -> None:
        for name, value in self.site_headers.items():
            self.send_header(name, value)
        super().end_headers()


@pytest.fixture(scope="session")
def serve_secure() -> Iterator[Callable[[Path], str]]:
    """Serves a built site with the security headers its build wrote into ``_headers``."""
    from newsroom.headers import HEADERS_FILE, parse_netlify

    servers: list[http.server.ThreadingHTTPServer] = []

    def serve(site: Path) -> str:
        sent = parse_netlify((site / HEADERS_FILE).read_text(encoding="utf-8"))
        handler_class = type("SiteHeaders", (_HeadersHandler,), {"site_headers": sent})
        handler = functools.partial(handler_class, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def secure_base_url(built_site: Path, serve_secure: Callable[[Path], str]) -> str:
    """The same site, served with its Content-Security-Policy and other security headers."""
    return serve_secure(built_site)


@pytest.fixture
def secure_page(browser: object, secure_base_url: str) -> Iterator[object]:
    """Like ``page``, under the site's CSP; CSP violations are collected in window.__csp."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})  # type: ignore[attr-defined]
    context.add_init_script(  # type: ignore[attr-defined]
        "window.__csp = []; document.addEventListener('securitypolicyviolation', "
        "(e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    yield from _watched_page(context, secure_base_url)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run python3 bootstrap.py test to install it")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object, base_url: str) -> Iterator[object]:
    """A desktop-sized page that fails the test on any request off loopback or console error."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})  # type: ignore[attr-defined]
    yield from _watched_page(context, base_url)


@pytest.fixture
def phone(browser: object, base_url: str) -> Iterator[object]:
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    yield from _watched_page(context, base_url)


def _watched_page(context: object, base_url: str) -> Iterator[object]:
    errors: list[str] = []
    outside: list[str] = []
    page = context.new_page()  # type: ignore[attr-defined]
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r: object) -> None:
        url = r.request.url  # type: ignore[attr-defined]
        if url.startswith(base_url) or url.startswith("data:"):
            r.continue_()  # type: ignore[attr-defined]
        else:
            outside.append(url)
            r.abort()  # type: ignore[attr-defined]

    page.route("**/*", route)
    page.base = base_url  # type: ignore[attr-defined]
    yield page
    context.close()  # type: ignore[attr-defined]
    assert outside == [], f"requests left loopback: {outside}"
    assert errors == [], f"console errors: {errors}"
