"""Go-live latency on a self-hosted server: from a release's instant to nginx's first 200.

A real nginx, configured with the server block from docs/self-hosting.md, serves a deploy
folder on 127.0.0.1, and the deployed switcher runs as its systemd service would. Each round
is one release going live at a known whole second; a poller asks nginx for the release's
page every 5 ms from a quarter second before the instant until the first 200. The switcher's
own log says how late each switch was; the difference is nginx and the poll interval.

    python benchmarks/golive.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import http.client
import io
import math
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "plugins"), str(ROOT), str(ROOT / "tests" / "integration")]

from deploy_harness import missing_programs, nginx, switcher, switches, write_release  # noqa: E402
from pelican.log import console  # noqa: E402

from deploy.command import deploy  # noqa: E402
from deploy.remote import DeployFailed  # noqa: E402
from newsroom.commands import BuildFailed  # noqa: E402

POLL = 0.005
#: Time for the local deploy before the first instant, and between two instants.
LEAD = 5
GAP = 2


class BenchFailed(Exception):
    """The benchmark could not measure; the message says why."""


@dataclass(frozen=True)
class Round:
    path: str
    instant: float
    last_404: float  # when the last 404 before the first 200 was received (0: none)
    first_200: float  # when the first 200 was received
    polls: int

    @property
    def latency_ms(self) -> float:
        return (self.first_200 - self.instant) * 1000


def poll(port: int, path: str, instant: float) -> Round:
    """Ask for ``path`` every POLL seconds around ``instant`` until it answers 200."""
    while time.time() < instant - 0.25:
        time.sleep(0.01)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    last_404, polls = 0.0, 0
    try:
        while time.time() < instant + 3:
            connection.request("GET", path)
            answer = connection.getresponse()
            answer.read()
            received = time.time()
            polls += 1
            if answer.status == 200:
                if received < instant:
                    raise BenchFailed(f"{path} answered 200 before its instant: an embargo leak")
                return Round(path, instant, last_404, received, polls)
            if answer.status != 404:
                raise BenchFailed(f"{path} answered {answer.status}")
            last_404 = received
            time.sleep(POLL)
    finally:
        connection.close()
    raise BenchFailed(f"{path} was not live 3 s after its instant")


def run(rounds: int, out: TextIO = sys.stdout) -> None:
    missing = [p for p in missing_programs() if p in ("nginx", "rsync")]
    if missing:
        raise BenchFailed(f"the go-live benchmark needs {', '.join(missing)} (apt-get install)")
    folder = Path(tempfile.mkdtemp(prefix="masthead-golive-"))
    try:
        site = folder / "site"
        shutil.copytree(ROOT / "tests" / "fixtures" / "basic", site)
        srv = folder / "srv"
        with nginx(folder / "nginx", srv) as port:
            start = math.ceil(time.time())
            instants = [start + LEAD + n * GAP for n in range(rounds)]
            paths = [
                write_release(site, f"golive-{n}", instant, f"Go-live round {n}")
                for n, instant in enumerate(instants)
            ]
            log = io.StringIO()
            deploy(
                str(srv),
                settings_file=ROOT / "publishconf.py",
                days=(LEAD + rounds * GAP + 60) / 86400,
                site_url=f"http://127.0.0.1:{port}",
                content=site,
                root=site,
                out=log,
            )
            if time.time() > instants[0] - 0.5:
                raise BenchFailed("the deploy took longer than the lead time; run it again")
            with switcher(srv, folder / "switcher.log") as switch_log:
                results = [poll(port, path, t) for path, t in zip(paths, instants, strict=True)]
            late = {s["instant"]: float(s["late_ms"]) for s in switches(switch_log)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print(
        f"Go-live latency over {rounds} rounds, polling nginx every {POLL * 1000:.0f} ms", file=out
    )
    print(
        f"{'round':>5}  {'instant (UTC)':<20}  {'last 404 ms':>11}  {'switch late ms':>14}  "
        f"{'first 200 ms':>12}",
        file=out,
    )
    switch_ms = []
    for number, result in enumerate(results, start=1):
        instant = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(result.instant))
        ms = late.get(f"{instant}.000Z", math.nan)
        switch_ms.append(ms)
        print(
            f"{number:>5}  {instant:<20}  {(result.last_404 - result.instant) * 1000:>11.1f}  "
            f"{ms:>14.1f}  {result.latency_ms:>12.1f}",
            file=out,
        )
    latencies = [r.latency_ms for r in results]
    for name, values in (("first 200", latencies), ("switch", switch_ms)):
        print(
            f"{name:>9}: min {min(values):.1f} ms, median {statistics.median(values):.1f} ms, "
            f"max {max(values):.1f} ms",
            file=out,
        )


def main(rounds: int = 5) -> int:
    """Run the benchmark and print its table; 0 on success, 1 when it could not measure."""
    console.quiet = True  # Pelican's "Done" line for every snapshot is not what is measured
    try:
        run(rounds)
    except (BenchFailed, DeployFailed, BuildFailed) as err:
        print(err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=5, help="releases going live, one a round")
    sys.exit(main(parser.parse_args().rounds))
