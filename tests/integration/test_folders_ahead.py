"""The release pages' folders made ahead by another process (rendering.make_folders_ahead):
a folder it cannot make fails the build as Pelican's writer fails it without that process,
and the process does not outlive the build."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from pelican import Pelican
from pelican.plugins import signals

from newsroom import commands
from support import AS_OF, ROOT, Site, file_writers, with_releases


def test_a_folder_in_the_way_fails_the_build_as_without_the_process(
    site: Site, tmp_path: Path
) -> None:
    with_releases(site, 48)
    blocked = "news/2025/numbered-7"

    def block(generator: Any) -> None:
        """Before the folders are made ahead: a file where a release page's folder goes."""
        target = Path(generator.output_path) / blocked
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("in the way\n")

    def settings(out: Path) -> dict[str, Any]:
        return commands.pelican_settings(
            ROOT / "pelicanconf.py",
            as_of=AS_OF,
            output=out,
            content=site.path,
            extra={"NEWSROOM_ROOT": str(site.path)},
        )

    signals.article_generator_pretaxonomy.connect(block)
    raised = {}
    try:
        # invoke build's way, which makes the folders ahead; plain Pelican's, which does not.
        with pytest.raises(FileExistsError) as ahead:
            commands.build(settings(tmp_path / "ahead"))
        with pytest.raises(FileExistsError) as plain:
            Pelican(settings(tmp_path / "plain")).run()
        raised = {"ahead": ahead, "plain": plain}
    finally:
        signals.article_generator_pretaxonomy.disconnect(block)
    for name, failure in raised.items():
        assert str(failure.value) == f"[Errno 17] File exists: '{tmp_path / name / blocked}'"
        # Raised by Pelican's writer, as it asks for the page.
        assert any(Path(entry.path).name == "writers.py" for entry in failure.traceback)
    assert file_writers(os.getpid()) == []
