"""The editor at /admin/: served from the site itself, its form made from the release table."""

from __future__ import annotations

import functools
import http.server
import threading
import urllib.request
from collections.abc import Iterator

import pytest
from conftest import AS_OF, _QuietHandler

from newsroom import commands
from newsroom.cms import ADMIN_CSP, WIDGETS
from support import ROOT

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def admin_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample site built with the in-browser test repository as the editor's backend."""
    out = tmp_path_factory.mktemp("admin") / "output"
    settings = commands.pelican_settings(
        ROOT / "pelicanconf.py",
        as_of=AS_OF,
        output=out,
        extra={"NEWSROOM_CMS_BACKEND": {"name": "test-repo"}},
    )
    commands.build(settings)
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_admin_page_loads_the_vendored_bundle(admin_url: str) -> None:
    with urllib.request.urlopen(f"{admin_url}/admin/") as response:
        page = response.read().decode()
    assert '<script src="../theme/admin/sveltia-cms.js"></script>' in page
    assert "https://" not in page
    with urllib.request.urlopen(f"{admin_url}/theme/admin/sveltia-cms.js") as response:
        assert len(response.read()) > 1_000_000


def test_new_release_form_shows_every_field(browser: object, admin_url: str) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    outside: list[str] = []
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r: object) -> None:
        url = r.request.url  # type: ignore[attr-defined]
        if url == f"{admin_url}/admin/":
            # Served with the policy /admin/ is meant to have (see cms.ADMIN_CSP).
            response = r.fetch()  # type: ignore[attr-defined]
            headers = {**response.headers, "content-security-policy": "; ".join(ADMIN_CSP)}
            r.fulfill(response=response, headers=headers)  # type: ignore[attr-defined]
        elif url.startswith(admin_url) or url.startswith(("data:", "blob:")):
            r.continue_()  # type: ignore[attr-defined]
        else:
            outside.append(url)
            r.abort()  # type: ignore[attr-defined]

    page.route("**/*", route)
    try:
        page.goto(f"{admin_url}/admin/")
        # The test repository needs no login: one click on its sign-in button.
        page.get_by_role("button", name="Work with Test Repository").click(timeout=20_000)
        page.goto(f"{admin_url}/admin/#/collections/releases/new")
        for label, _ in WIDGETS.values():
            # wait_for, not is_visible: is_visible answers at once, before the form is drawn.
            page.get_by_text(label, exact=True).first.wait_for(state="visible", timeout=20_000)
        page.get_by_text("Text of the release", exact=True).first.wait_for(timeout=10_000)
        assert errors == [], errors
    finally:
        context.close()
    # The editor asks a CDN for its fonts and for its latest version: both are blocked
    # here (and by ADMIN_CSP in production), and the form above rendered without them.
    assert {u.split("/")[2] for u in outside} <= {"cdn.jsdelivr.net", "unpkg.com"}, outside
