"""The reader finds each file's release by the path messages show, worked out per folder:
for every file, the same path as ``display_path`` gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsroom.plugin import NewsroomReader
from newsroom.problems import display_path


@pytest.mark.parametrize(
    ("source", "root"),
    [
        ("/repo/content/releases/2026/acme.md", "/repo"),
        ("/repo/content/releases/2026/acme.md", "/repo/content/releases/2026"),
        ("/repo/content/releases/2026/acme.md", "/repo/content/releases/2026/acme"),
        ("/repo/content/releases/2026/acme.md", "/elsewhere/site"),
        ("/repo/content/releases/2026/acme.md", "/"),
        ("/content/acme.md", "/repo"),
        ("/repo/content/pages/de/über uns.md", "/repo/content"),
    ],
)
def test_each_file_is_shown_as_display_path_shows_it(source: str, root: str) -> None:
    reader = NewsroomReader({})
    for _ in range(2):  # worked out, then read back for the folder
        assert reader._shown(source, Path(root)) == display_path(Path(source), Path(root))
