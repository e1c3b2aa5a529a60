"""The pull request's preview artifact, opened from disk as an author opens it: styles,
pictures and links work under file://, with no server and no terminal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support import AS_OF, ROOT, add_kiel_lab, published


def test_an_author_opens_the_preview_from_disk(browser: object, tmp_path: Path) -> None:
    add_kiel_lab(published(tmp_path))
    out = tmp_path / "preview"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("invoke")),
            "preview",
            "--against",
            "main",
            "--content",
            str(tmp_path / "content"),
            "--as-of",
            AS_OF,
            "--output",
            str(out),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )

    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto((out / "index.html").as_uri())
    # The front page lists the release's instant; the author follows it.
    page.get_by_role("link", name="As of 2026-12-10 08:30:00 UTC").click()
    page.wait_for_load_state()
    assert page.url.endswith("/2026-12-10T083000Z/index.html")
    banner = page.locator(".preview-banner")
    assert banner.is_visible()
    # The stylesheet applies (the banner is dark red only through newsroom.css) …
    colour = banner.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(122, 18, 18)"
    # … and the release is reachable from the home page, with its picture loaded.
    page.get_by_role("link", name="Example opens a grid lab in Kiel").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/2026-12-10T083000Z/news/2026/kiel-lab/index.html")
    picture = page.get_by_role("img", name="The lab's test hall")
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0")
    # Every link of the site's own leads to a file that exists on disk.
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    own = [h for h in hrefs if h.startswith("file://")]
    assert own
    for href in own:
        target = Path(href.removeprefix("file://").split("#")[0].split("?")[0])
        assert target.is_file(), href
    assert failed == []
    context.close()
