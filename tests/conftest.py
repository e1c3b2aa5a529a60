"""Fixtures shared by every layer of the suite (helpers live in support.py)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from support import FIXTURES, Site


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """The basic fixture site (four releases, one embargoed at the default build instant)."""
    shutil.copytree(FIXTURES / "basic", tmp_path / "site")
    return Site(tmp_path / "site")


@pytest.fixture
def problems_for(site: Site) -> Callable[[str], list[str]]:
    """Write one release and return the text of every problem reported for it."""

    def check(text: str | bytes, name: str = "releases/2026/case.md") -> list[str]:
        site.write(name, text)
        return [p.text() for p in site.load().problems if p.path == name]

    return check
