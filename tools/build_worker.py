"""A build process started ahead of time, for invoke serve's quick rebuilds.

It imports the heavy third-party libraries (Pelican, Markdown, Jinja) while the author is
still typing, then waits. Nothing of the project itself (plugins, settings, theme) is
loaded before the signal to build, so every edit, plugin code included, takes effect.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2  # noqa: F401
import markdown  # noqa: F401
import nh3  # noqa: F401
import pelican.generators
import pelican.readers  # noqa: F401
import yaml  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    output = sys.argv[1]
    if sys.stdin.readline().strip() != "build":
        return 0  # the server stopped before asking
    sys.path.insert(0, str(ROOT / "plugins"))
    from newsroom import commands

    try:
        settings = commands.pelican_settings(ROOT / "pelicanconf.py", output=output)
        commands.build(settings, out=sys.stdout)
    except commands.BuildFailed as err:
        print(err)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
