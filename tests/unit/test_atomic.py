"""Files and folders put in place whole (atomic.py): a failed write, however it fails, leaves
the old version under the final name and nothing beside it.

Writes fail for real: a file size limit (``RLIMIT_FSIZE``, as a full disk does) in a fresh
interpreter, a value whose serialization raises half way through, Ctrl-C in the middle.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from newsroom import atomic, card_drawing
from support import ROOT

OLD = b"the version before\n"
#: The size limit of the failing writers, who write 200,000 bytes.
LIMIT = 65_536


def listing(folder: Path) -> dict[str, bytes | list[str]]:
    """Every name in ``folder``: a file's bytes, a folder's sorted names."""
    return {
        p.name: sorted(c.name for c in p.iterdir()) if p.is_dir() else p.read_bytes()
        for p in sorted(folder.iterdir())
    }


def limited(code: str, folder: Path) -> str:
    """Run ``code`` in a fresh interpreter that cannot make a file larger than ``LIMIT``
    bytes (SIGXFSZ ignored, so a write past it fails with EFBIG, as on a full disk);
    what it printed: the exception that ended it, or ``done``."""
    script = (
        "import resource, signal, sys\n"
        f"sys.path[:0] = [{str(ROOT / 'plugins')!r}]\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({LIMIT}, resource.RLIM_INFINITY))\n"
        "from pathlib import Path\n"
        "from newsroom import atomic, card_drawing\n"
        f"folder = Path({str(folder)!r})\n"
        f"try:\n    {code}\nexcept OSError as err:\n"
        "    print(type(err).__name__, err.errno)\nelse:\n    print('done')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.strip()


#: Writers that must fail at the size limit: what each runs, and the name it writes over
#: (a file, or a folder, holding the old version).
TOO_LARGE = {
    "a file": ("atomic.write_file(folder / 'target', b'x' * 200_000)", "target"),
    "a file, the owner's alone": (
        "atomic.write_file(folder / 'target', b'x' * 200_000, mode=0o600)",
        "target",
    ),
    "a folder": (
        "with atomic.replacing(folder / 'target') as partial:\n"
        "        partial.mkdir()\n"
        "        (partial / 'small').write_bytes(b'ok')\n"
        "        (partial / 'large').write_bytes(b'x' * 200_000)",
        "target/",
    ),
    "a share card": ("card_drawing.keep(folder, 'k' * 64, b'x' * 200_000)", "k" * 64 + ".png"),
}


@pytest.mark.parametrize("case", sorted(TOO_LARGE))
def test_a_write_stopped_by_the_size_limit_leaves_the_old_version_alone(
    tmp_path: Path, case: str
) -> None:
    code, name = TOO_LARGE[case]
    if name.endswith("/"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "old").write_bytes(OLD)
    else:
        (tmp_path / name).write_bytes(OLD)
    before = listing(tmp_path)
    assert limited(code, tmp_path) == f"OSError {errno.EFBIG}"
    assert listing(tmp_path) == before


def test_the_size_limit_is_what_stops_them(tmp_path: Path) -> None:
    """The same writers, with less to write than the limit, succeed in that interpreter."""
    code = "atomic.write_file(folder / 'target', b'x' * 1000)"
    assert limited(code, tmp_path) == "done"
    assert listing(tmp_path) == {"target": b"x" * 1000}


class Unwritable:
    """A value json.dump reaches half way through its output, and cannot write."""


def half_serialized(partial: Path) -> None:
    with partial.open("w", encoding="utf-8") as out:
        json.dump({"first": "x" * 100_000, "then": Unwritable()}, out)


def half_a_folder(partial: Path) -> None:
    partial.mkdir()
    (partial / "first").write_bytes(b"x" * 1000)
    raise KeyboardInterrupt


def half_a_file(partial: Path) -> None:
    partial.write_bytes(b"x" * 1000)
    raise KeyboardInterrupt


#: What the block does with the temporary name, and what it raises.
FAILURES: dict[str, tuple[Callable[[Path], None], type[BaseException]]] = {
    "serialization raising half way": (half_serialized, TypeError),
    "Ctrl-C in a file half written": (half_a_file, KeyboardInterrupt),
    "Ctrl-C in a folder half filled": (half_a_folder, KeyboardInterrupt),
}


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_a_block_that_fails_leaves_nothing_behind(tmp_path: Path, case: str) -> None:
    fill, raised = FAILURES[case]
    (tmp_path / "target").write_bytes(OLD)
    with pytest.raises(raised), atomic.replacing(tmp_path / "target") as partial:
        assert partial.parent == tmp_path
        assert partial.name.startswith(".target.")
        fill(partial)
        assert partial.exists()  # it was made, then removed
    assert listing(tmp_path) == {"target": OLD}


@pytest.mark.parametrize(
    ("mode", "umask", "expected"),
    [(0o666, 0o022, 0o644), (0o666, 0o077, 0o600), (0o600, 0o022, 0o600), (0o644, 0, 0o644)],
)
def test_a_written_file_replaces_the_old_one_with_the_mode_asked(
    tmp_path: Path, mode: int, umask: int, expected: int
) -> None:
    """The mode is lessened by the umask, as for any new file (a web server reads some)."""
    (tmp_path / "target").write_bytes(OLD)
    before = os.umask(umask)
    try:
        atomic.write_file(tmp_path / "target", b"new\n", mode=mode)
    finally:
        os.umask(before)
    assert listing(tmp_path) == {"target": b"new\n"}
    assert (tmp_path / "target").stat().st_mode & 0o777 == expected


def test_writers_at_once_never_share_a_temporary_name(tmp_path: Path) -> None:
    """Two builds may write the same entry at the same moment: the last one renamed wins,
    and neither finds the other's half-written file under its own temporary name."""
    target = tmp_path / "entry.json"
    with atomic.replacing(target) as first, atomic.replacing(target) as second:
        assert first != second
        first.write_bytes(b"first")
        second.write_bytes(b"second")
    assert listing(tmp_path) == {"entry.json": b"first"}  # renamed last: the outer block


def test_a_long_name_keeps_its_temporary_name_within_the_limit(tmp_path: Path) -> None:
    target = tmp_path / ("é" * 120)  # 240 bytes in UTF-8: a temporary name of it all is not
    atomic.write_file(target, b"data")
    assert listing(tmp_path) == {target.name: b"data"}


def test_a_folder_does_not_replace_one_another_writer_made(tmp_path: Path) -> None:
    (tmp_path / "entry").mkdir()
    (tmp_path / "entry" / "theirs").write_bytes(OLD)
    with pytest.raises(OSError), atomic.replacing(tmp_path / "entry") as partial:
        partial.mkdir()
        (partial / "ours").write_bytes(b"new")
    assert listing(tmp_path) == {"entry": ["theirs"]}


def test_a_share_card_is_kept_under_its_key(tmp_path: Path) -> None:
    card_drawing.keep(tmp_path, "k" * 64, b"\x89PNG")
    assert listing(tmp_path) == {"k" * 64 + ".png": b"\x89PNG"}
