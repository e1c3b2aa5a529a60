"""A saved edit through the real ``invoke serve`` and Chromium: an edit to a release's text is
shown by re-rendering its page alone, byte for byte as the full build then writes it; an edit
the check refuses shows the problems and writes nothing; anything else rebuilds everything."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.edit import LISTENING, WATCH_HELLO
from newsroom import commands
from tools.harness import DevServerProcess, dev_server, repository

RELEASE = Path("content/releases/2026/with-files.md")
PAGE = "/news/2026/with-files/"
BUILT = Path("output/news/2026/with-files/index.html")
SHOWN = "Showed the edit in "
REBUILT = "Rebuilt in "


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, DevServerProcess]]:
    repo = repository(tmp_path / "repo")
    with dev_server(repo) as server:
        yield repo, server


@pytest.fixture
def open_page(browser: object, served: tuple[Path, DevServerProcess]) -> Iterator[object]:
    """The release's page in Chromium, once its live-reload stream is listening."""
    context = browser.new_context()  # type: ignore[attr-defined]
    context.add_init_script(WATCH_HELLO)
    page = context.new_page()
    page.goto(served[1].url + PAGE)
    listening(page)
    yield page
    context.close()


def listening(page: object) -> None:
    page.locator(LISTENING).wait_for(state="attached", timeout=30_000)  # type: ignore[attr-defined]


def save(repo: Path, text: str) -> None:
    """Saved in one step, as editors do: written beside the file, then renamed over it (the
    dev server sees the scratch file come and go, and takes it for nothing)."""
    staging = repo / "content" / "releases" / "2026" / ".with-files.md.saving"
    staging.write_text(text, "utf-8")
    os.replace(staging, repo / RELEASE)


def edited(repo: Path, old: str, new: str) -> str:
    text = (repo / RELEASE).read_text("utf-8")
    assert old in text
    return text.replace(old, new)


def printed_since(server: DevServerProcess, start: int) -> str:
    return "".join(server.lines[start:])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_text_edits_are_shown_from_their_page_alone_then_rebuilt_byte_identical(
    served: tuple[Path, DevServerProcess], open_page: object
) -> None:
    repo, server = served
    page = open_page
    start = len(server.lines)
    text = edited(repo, "title: Example opens a new plant", "title: Example opens its new plant")
    save(repo, text + "\nThe plant employs **forty** people.\n")

    server.wait_for_line(SHOWN, start, timeout=30)
    quick = (repo / BUILT).read_bytes()
    assert REBUILT not in printed_since(server, start)  # written by the quick render
    page.get_by_role("heading", name="Example opens its new plant").wait_for(timeout=10_000)  # type: ignore[attr-defined]
    assert page.locator(".release-body strong").inner_text() == "forty"  # type: ignore[attr-defined]
    assert b"<title>Example opens its new plant | " in quick
    assert b'"headline":"Example opens its new plant"' in quick

    # The next edit comes while the full build of the first one runs in the background.
    listening(page)
    again = len(server.lines)
    save(repo, edited(repo, "**forty**", "**forty-two**"))
    server.wait_for_line(SHOWN, again, timeout=30)
    quick = (repo / BUILT).read_bytes()
    page.locator(".release-body strong", has_text="forty-two").wait_for(timeout=10_000)  # type: ignore[attr-defined]

    # Full builds follow until one has started after the last edit; it writes the same bytes.
    rebuilt = printed(server, REBUILT, start, count=2, timeout=120)
    assert rebuilt[-1] > again
    assert (repo / BUILT).read_bytes() == quick
    # The lists caught up too.
    assert b"Example opens its new plant" in (repo / "output" / "news" / "index.html").read_bytes()
    assert SHOWN not in printed_since(server, rebuilt[-1])


def printed(
    server: DevServerProcess, prefix: str, start: int, count: int, timeout: float
) -> list[int]:
    """The indexes of the first ``count`` console lines from ``start`` on that start with
    ``prefix``, once there are that many."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [i for i, line in enumerate(server.lines) if i >= start and line.startswith(prefix)]
        if len(found) >= count:
            return found[:count]
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} {prefix!r} lines: {printed_since(server, start)}")


def test_an_edit_the_check_refuses_shows_the_problems_and_writes_nothing(
    served: tuple[Path, DevServerProcess], open_page: object
) -> None:
    repo, server = served
    page = open_page
    before = snapshot(repo / "output")
    start = len(server.lines)
    broken = edited(repo, "title: Example opens a new plant", "title: Example opens a plant")
    save(repo, broken + "\nSee [the old plant](/news/2019/old-plant/).\n")

    panel = page.get_by_role("alert")  # type: ignore[attr-defined]
    panel.get_by_text("The newsroom did not build").wait_for(timeout=30_000)
    shown = panel.locator("li").all_inner_texts()
    # The same messages, in the same order, as the full check of the same content.
    settings = commands.file_settings(repo / "pelicanconf.py", content=repo / "content")
    checked = commands.check(settings, repo)
    assert shown == [*(p.text() for p in checked.problems), commands.summary(checked)]
    assert shown == [
        'content/releases/2026/with-files.md:15: body: "/news/2019/old-plant/" links to '
        "/news/2019/old-plant/, but nothing is published at that address. Correct the "
        "address: copy it from the address bar of the published page.",
        "1 error in 1 file. Fix the errors above, then run the check again.",
    ]
    time.sleep(1)  # a build that had started would have printed, or written, by now
    said = printed_since(server, start)
    assert SHOWN not in said and REBUILT not in said
    assert snapshot(repo / "output") == before

    # Fixed: the overlay goes and the page shows the edit.
    listening(page)
    save(repo, edited(repo, "(/news/2019/old-plant/)", "(/news/2026/first-product/)"))
    page.get_by_role("heading", name="Example opens a plant").wait_for(timeout=30_000)  # type: ignore[attr-defined]
    assert page.get_by_role("alert").count() == 0  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("old", "new", "where", "shown"),
    [
        ("date: 2026-06-01 10:00", "date: 2026-06-02 10:00", ".release-meta time", "June 2, 2026"),
        ("category: products", "category: financial-results", ".breadcrumb", "Financial results"),
        ("category: products", "category: products\ntags: [ohio]", "a[rel=tag]", "ohio"),
    ],
    ids=["date", "topic", "tags"],
)
def test_an_edit_that_moves_a_release_between_pages_takes_the_full_build(
    served: tuple[Path, DevServerProcess],
    open_page: object,
    old: str,
    new: str,
    where: str,
    shown: str,
) -> None:
    repo, server = served
    start = len(server.lines)
    save(repo, edited(repo, old, new))

    open_page.locator(where, has_text=shown).wait_for(timeout=60_000)  # type: ignore[attr-defined]
    said = printed_since(server, start)
    assert REBUILT in said and SHOWN not in said


def test_a_new_or_deleted_release_takes_the_full_build(
    served: tuple[Path, DevServerProcess], open_page: object
) -> None:
    repo, server = served
    start = len(server.lines)
    releases = repo / "content" / "releases" / "2026"
    copy = releases / "another-product.md"
    copy.write_text((releases / "first-product.md").read_text("utf-8"), "utf-8")
    server.wait_for_line(REBUILT, start, timeout=60)
    assert (repo / "output" / "news" / "2026" / "another-product" / "index.html").is_file()

    listening(open_page)
    deleted = len(server.lines)
    copy.unlink()
    server.wait_for_line(REBUILT, deleted, timeout=60)
    assert not (repo / "output" / "news" / "2026" / "another-product").exists()
    assert SHOWN not in printed_since(server, start)
