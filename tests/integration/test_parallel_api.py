"""The JSON API's records written by a process of their own (api.py, filewriter.py): the
same files, the same failure, and no process left behind, as when the build writes them."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest
from pelican.generators import Generator
from pelican.plugins import signals

from newsroom.state import WORKERS
from support import (
    Site,
    end_group,
    file_writers,
    start_build,
    survivors_of_kill,
    with_releases,
)

#: Releases added to the fixture site: enough records that another process writes them.
COUNT = 48


def api_files(output: Path) -> dict[str, str]:
    """Every file under api/, by path, with its digest."""
    return {
        path.relative_to(output).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((output / "api").rglob("*"))
        if path.is_file()
    }


def test_the_api_is_the_same_written_by_another_process(site: Site, tmp_path: Path) -> None:
    with_releases(site, COUNT)
    for workers in (1, 2):
        site.build(tmp_path / f"out{workers}", NEWSROOM={"api_page_size": 10}, **{WORKERS: workers})
    one, two = api_files(tmp_path / "out1"), api_files(tmp_path / "out2")
    # The basic site's three public releases and the added ones, in six list pages of ten,
    # and shared.json.
    records = [path for path in one if path.count("/") == 3 and "/page/" not in path]
    assert len(records) == COUNT + 3
    assert len(one) == len(records) + 6 + 1
    assert one == two
    assert file_writers(os.getpid()) == []


def test_a_record_that_fails_fails_the_build_as_in_one_process(site: Site, tmp_path: Path) -> None:
    """A file in the way of the folder of 2025's records, put there after the context is
    made and before the API is written: those records cannot be written, and the build
    stops with the same error."""
    with_releases(site, COUNT)

    def block(generators: list[Generator]) -> None:
        folder = Path(generators[0].output_path) / "api" / "releases" / "2025"
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.write_text("in the way\n")

    signals.all_generators_finalized.connect(block)
    raised = {}
    try:
        for workers in (1, 2):
            with pytest.raises(FileExistsError) as failure:
                site.build(tmp_path / f"out{workers}", **{WORKERS: workers})
            raised[workers] = str(failure.value)
            # Raised where the record is written, not by a later output.
            assert any(Path(entry.path).name == "api.py" for entry in failure.traceback)
    finally:
        signals.all_generators_finalized.disconnect(block)
    for workers in (1, 2):
        folder = tmp_path / f"out{workers}" / "api" / "releases" / "2025"
        assert raised[workers] == f"[Errno 17] File exists: '{folder}'"
    assert file_writers(os.getpid()) == []


def test_the_api_writer_ends_with_a_build_killed_outright(site: Site, tmp_path: Path) -> None:
    """SIGKILL to ``invoke build`` alone, while its writing process writes records: it ends
    with it."""
    with_releases(site, 400)
    out = tmp_path / "out"
    # The oldest added release: among the last records written.
    last = out / "api" / "releases" / "2025" / "numbered-0.json"
    build = start_build(site, out)
    try:
        deadline = time.monotonic() + 300
        # The list pages and shared.json are written before the records, and the pages are
        # rendered only after the last record.
        while not (
            file_writers(build.pid) and (out / "api" / "shared.json").exists() and not last.exists()
        ):
            assert build.poll() is None and time.monotonic() < deadline
            time.sleep(0.002)
        assert survivors_of_kill(build, deadline) == []
    finally:
        end_group(build)
