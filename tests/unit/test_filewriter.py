"""Files written by a process of their own (filewriter.py): in order, and when it stops, the
count of those it wrote is exactly what is on disk, so the caller writes the rest itself."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from newsroom.filewriter import Files


def written(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_every_file_is_written_with_its_folders(tmp_path: Path) -> None:
    files = Files(str(tmp_path))
    expected = {f"api/releases/{n % 3}/r{n}.json": f'{{"n":{n}}}\n'.encode() for n in range(200)}
    # Bytes the pipe could split anywhere: past its buffer, and not UTF-8.
    expected["big.bin"] = bytes(range(256)) * 1024
    expected["empty.json"] = b""
    for path, data in expected.items():
        files.write(path, data)
    assert files.close() == len(expected)
    assert written(tmp_path) == expected
    assert not files.open


def test_it_stops_at_the_first_file_it_cannot_write(tmp_path: Path) -> None:
    (tmp_path / "blocked").write_text("a file where a folder should be\n")
    files = Files(str(tmp_path))
    names = ["a/1.json", "a/2.json", "blocked/3.json", "c/4.json"]
    for name in names:
        files.write(name, name.encode())
    # The two before it, and nothing after it: the caller writes from the third on.
    assert files.close() == 2
    assert written(tmp_path) == {
        "a/1.json": b"a/1.json",
        "a/2.json": b"a/2.json",
        "blocked": b"a file where a folder should be\n",
    }


def test_a_killed_process_counts_nothing_as_written(tmp_path: Path) -> None:
    files = Files(str(tmp_path))
    files.write("first.json", b"1\n")
    deadline = time.monotonic() + 30
    while not (tmp_path / "first.json").exists():
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.kill(files.pid, signal.SIGKILL)
    for n in range(2000):  # more than the pipe holds: its end is found closed
        files.write(f"later/{n}.json", b"x" * 100)
    assert files.close() == 0


def test_stop_ends_the_process_at_once(tmp_path: Path) -> None:
    files = Files(str(tmp_path))
    pid = files.pid
    files.write("one.json", b"1\n")
    files.stop()
    assert not files.open
    assert files.close() == 0
    assert not Path(f"/proc/{pid}").exists()


def test_folders_are_made_and_nothing_waits_for_them(tmp_path: Path) -> None:
    (tmp_path / "in-the-way").write_text("a file\n")
    files = Files(str(tmp_path))
    files.folders(["news/2026/a", "news/2026/b", "in-the-way/c", "news/2027/d"])
    # It stops at the folder it cannot make: the writer makes (or fails to make) it later.
    assert files.close() == 0
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "in-the-way",
        "news",
        "news/2026",
        "news/2026/a",
        "news/2026/b",
    ]
