"""Ship snapshots built earlier to the web servers and switch them: standard library only.

    python3 -m deploy.ship FOLDER [--target USER@HOST:/FOLDER ...]

FOLDER is what ``invoke deploy --build-only FOLDER`` wrote: one folder per snapshot and
schedule.json. The CI job that holds the deploy key runs this with the runner's own python3,
so nothing is installed from a package registry while the key is there, and nothing from
the pull requests' content runs (it was built, without any secret, by another job).
The options and environment variables are those of ``invoke deploy``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from .remote import ENV_TARGET, Connection, DeployFailed, ship


def targets_from(options: Sequence[str]) -> list[str]:
    """``--target`` options, else MASTHEAD_DEPLOY_TARGET: one or more, separated by spaces."""
    return list(options) or os.environ.get(ENV_TARGET, "").split()


def ship_built(
    folder: Path,
    targets: Sequence[str],
    *,
    port: int | None = None,
    identity: str | None = None,
    known_hosts: str | None = None,
    out: TextIO = sys.stdout,
) -> None:
    """Ship a build folder to every target (two phases, see deploy.remote), and switch."""
    if not targets:
        raise DeployFailed(f"Say where to deploy: --target USER@HOST:/FOLDER or ${ENV_TARGET}.")
    connections = [Connection.from_options(t, port, identity, known_hosts) for t in targets]
    try:
        for connection in connections:
            connection.open()
        ship(folder, connections, out)
    finally:
        for connection in connections:
            connection.close()
    print(f"Deployed to {', '.join(str(c.target) for c in connections)}.", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else "")
    parser.add_argument("folder", type=Path, help="what invoke deploy --build-only wrote")
    parser.add_argument("--target", action="append", default=[], help="a host; repeatable")
    parser.add_argument("--ssh-port", type=int, default=0)
    parser.add_argument("--identity", default="")
    parser.add_argument("--known-hosts", default="")
    args = parser.parse_args(argv)
    try:
        ship_built(
            args.folder.resolve(),
            targets_from(args.target),
            port=args.ssh_port or None,
            identity=args.identity or None,
            known_hosts=args.known_hosts or None,
        )
    except DeployFailed as err:
        print(f"Deploy stopped. {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
