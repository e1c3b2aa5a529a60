"""Fixtures shared by every layer of the suite (helpers live in support.py)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from support import AS_OF, FIXTURES, ROOT, Site


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """The basic fixture site (four releases, one embargoed at the default build instant)."""
    shutil.copytree(FIXTURES / "basic", tmp_path / "site")
    return Site(tmp_path / "site")


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The title of every share card the build draws itself (not taken from the cache, nor
    drawn by the process that draws them ahead) from now on."""
    from newsroom import share_cards

    drawn: list[str] = []
    real = share_cards.render

    def counting(card: share_cards.Card) -> bytes:
        drawn.append(card.title)
        return real(card)

    monkeypatch.setattr(share_cards, "render", counting)
    return drawn


@pytest.fixture
def problems_for(site: Site) -> Callable[[str], list[str]]:
    """Write one release and return the text of every problem reported for it."""

    def check(text: str | bytes, name: str = "releases/2026/case.md") -> list[str]:
        site.write(name, text)
        return [p.text() for p in site.load().problems if p.path == name]

    return check


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, Path]:
    """The sample newsroom in content/, checked and built once as of AS_OF, for every layer."""
    # Imported here: support (above) puts the plugins folder on the path.
    from newsroom import commands

    out = tmp_path_factory.mktemp("sample") / "output"
    settings = commands.pelican_settings(ROOT / "pelicanconf.py", as_of=AS_OF, output=out)
    commands.build(settings)
    return commands.check(settings, ROOT), out
