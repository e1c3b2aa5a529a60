"""Pages rendered on every core (rendering.py): the same files, the same failures, and no
worker left behind, as when one process renders every page."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newsroom import commands
from newsroom.state import WORKERS
from support import (
    AS_OF,
    ROOT,
    Site,
    build_workers,
    children_of,
    end_group,
    start_build,
    survivors_of_kill,
    with_releases,
)

#: Releases added to the fixture site: enough release pages that workers render them.
COUNT = 48
#: The page of a release a broken template fails on: one in the middle, which a worker
#: renders.
FAILING = "numbered-30"


@pytest.fixture
def many(site: Site) -> Site:
    return with_releases(site, COUNT)


def files(output: Path) -> dict[str, str]:
    """Every file's digest, but Pagefind's index, which is not written byte-stably."""
    return {
        path.relative_to(output).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(output.rglob("*"))
        if path.is_file() and not path.relative_to(output).as_posix().startswith("pagefind/")
    }


def test_fixture_site_is_the_same_rendered_by_workers(many: Site, tmp_path: Path) -> None:
    before = set(children_of(os.getpid()))  # the session's own: a browser's driver, a server
    many.build(tmp_path / "one", **{WORKERS: 1})
    many.build(tmp_path / "two", **{WORKERS: 2})
    one, two = files(tmp_path / "one"), files(tmp_path / "two")
    assert len(one) > 50
    assert one == two
    assert set(children_of(os.getpid())) <= before


def test_sample_newsroom_is_the_same_rendered_by_workers(tmp_path: Path) -> None:
    """``invoke build`` of content/ (``commands.build_in``), in one process and on two."""
    for name, workers in (("one", 1), ("two", 2)):
        built = commands.build_in(
            ROOT / "pelicanconf.py", output=tmp_path / name, as_of=AS_OF, extra={WORKERS: workers}
        )
        assert built
    one, two = files(tmp_path / "one"), files(tmp_path / "two")
    assert len(one) > 100
    assert one == two


@pytest.fixture
def theme(tmp_path: Path) -> Callable[[str], Path]:
    """A copy of the theme whose release page template gets ``line`` at its top."""

    def with_line(line: str) -> Path:
        copy = tmp_path / "theme"
        shutil.copytree(ROOT / "theme", copy)
        template = copy / "templates" / "article.html"
        template.write_text(line + template.read_text("utf-8"), encoding="utf-8")
        return copy

    return with_line


def failure(build: Callable[[], None]) -> tuple[type[BaseException], str]:
    with pytest.raises(Exception) as raised:
        build()
    return raised.type, str(raised.value)


def test_a_template_error_in_a_worker_fails_the_build_as_in_one_process(
    many: Site, tmp_path: Path, theme: Callable[[str], Path]
) -> None:
    broken = theme(
        f'{{% if article.slug == "{FAILING}" %}}{{{{ article.no_such_field }}}}{{% endif %}}'
    )
    outputs = {n: tmp_path / f"out{n}" for n in (1, 2)}
    before = set(children_of(os.getpid()))
    one = failure(lambda: many.build(outputs[1], THEME=str(broken), **{WORKERS: 1}))
    two = failure(lambda: many.build(outputs[2], THEME=str(broken), **{WORKERS: 2}))
    assert one == two
    assert "no_such_field" in one[1]
    assert set(children_of(os.getpid())) <= before


def test_an_error_logged_in_a_worker_fails_the_build_as_in_one_process(
    many: Site, tmp_path: Path, theme: Callable[[str], Path]
) -> None:
    """A filter a fork adds (``JINJA_FILTERS``) logs an error while one page renders: the
    parent logs it, once, and the build fails with it, as without workers."""
    pids = tmp_path / "pids"

    def noted(slug: str) -> str:
        with pids.open("a") as file:
            file.write(f"{os.getpid()}\n")
        if slug == FAILING:
            logging.getLogger("pelican.theme").error("Cannot show %s", slug)
        return ""

    noting = theme("{{ article.slug | noted }}")
    before = set(children_of(os.getpid()))
    messages = {}
    for workers in (1, 2):
        pids.write_text("")
        with pytest.raises(commands.BuildFailed) as raised:
            many.build(
                tmp_path / f"out{workers}",
                THEME=str(noting),
                JINJA_FILTERS={"noted": noted},
                **{WORKERS: workers},
            )
        messages[workers] = str(raised.value)
        rendered_by = set(pids.read_text().split())
        assert (rendered_by == {str(os.getpid())}) == (workers == 1), rendered_by
    assert messages[1] == messages[2] == f"The build logged errors:\nCannot show {FAILING}"
    assert set(children_of(os.getpid())) <= before


class Handled(logging.Handler):
    """The theme's records as Pelican's loggers hand them on, without the build's name."""

    def __init__(self, handled: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.handled = handled

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "pelican.theme":
            message = record.getMessage().rsplit(" in ", 1)[0]
            self.handled.append(f"{record.levelname} {message}")


def test_a_message_every_page_logs_is_shown_once_with_workers_as_in_one_process(
    many: Site, tmp_path: Path, theme: Callable[[str], Path]
) -> None:
    """Pelican's loggers drop a message logged before, and raise from their filter to say
    so: a worker's records handed to them here are dropped the same way, not raised."""
    same = theme("{{ article.slug | same }}")
    handled: list[str] = []
    handler = Handled(handled)
    logging.getLogger("pelican").addHandler(handler)
    try:
        for workers in (1, 2):
            build = f"{tmp_path.name} {workers}"  # Pelican drops a repeat across builds too

            def warn(slug: str, build: str = build) -> str:
                logging.getLogger("pelican.theme").warning("The same on every page in %s", build)
                return ""

            many.build(
                tmp_path / f"out{workers}",
                THEME=str(same),
                JINJA_FILTERS={"same": warn},
                **{WORKERS: workers},
            )
    finally:
        logging.getLogger("pelican").removeHandler(handler)
    assert handled == ["WARNING The same on every page"] * 2


def test_render_workers_end_with_a_build_killed_outright(site: Site, tmp_path: Path) -> None:
    """SIGKILL to ``invoke build`` alone, while its workers render: they end with it."""
    with_releases(site, 400)
    out = tmp_path / "out"
    build = start_build(site, out)
    try:
        deadline = time.monotonic() + 300
        # Workers write the release pages; the home page is written after them, by the
        # build itself: copies of the build while release pages are there and the home
        # page is not are the workers rendering release pages.
        while not (rendering_releases(out) and len(build_workers(build.pid)) >= 2):
            assert build.poll() is None and time.monotonic() < deadline
            time.sleep(0.002)
        assert survivors_of_kill(build, deadline) == []
    finally:
        end_group(build)


def rendering_releases(out: Path) -> bool:
    """Whether release pages are being written: some are there, the home page is not."""
    return not (out / "index.html").exists() and any((out / "news").glob("*/*/index.html"))
