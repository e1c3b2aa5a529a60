"""Helpers shared by the tests: a small real site on disk, loaded and built as the CLI does."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT))

from newsroom import commands  # noqa: E402
from newsroom.content import Newsroom, load  # noqa: E402
from newsroom.settings import NewsroomSettings  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
AS_OF = "2026-11-23T12:00:00Z"


class Site:
    """A copy of a fixture site in a temporary folder that a test may change freely."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, relative: str, text: str | bytes) -> Path:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
        return target

    def load(self, **settings: object) -> Newsroom:
        return load(self.path, NewsroomSettings(**settings), root=self.path)  # type: ignore[arg-type]

    def build(self, output: Path, as_of: str = AS_OF, **extra: object) -> None:
        settings = commands.pelican_settings(
            ROOT / "pelicanconf.py",
            as_of=as_of,
            output=output,
            content=self.path,
            extra={"NEWSROOM_ROOT": str(self.path), **extra},
        )
        commands.build(settings)
