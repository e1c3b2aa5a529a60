"""Go-live latency on self-hosted servers: from a release's instant to the first 200, on
each of two servers and through a caching proxy in front of them.

One deploy ships to two deploy folders (two servers, as ``invoke deploy --target a
--target b`` does); each is served by a real nginx with the origin server block of
docs/self-hosting.md ("behind a caching proxy or CDN") and switched by its own switcher, as
its systemd service would. The documented nginx cache sits in front of the first server.
Each round is one release going live at a known whole second; pollers ask each server and
the cache for the release's page every 5 ms from a quarter second before the instant
until the first 200. The switchers' logs say how late each switch was.

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
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "plugins"), str(ROOT)]

from pelican.log import console  # noqa: E402

from deploy.command import deploy  # noqa: E402
from deploy.remote import DeployFailed  # noqa: E402
from newsroom.commands import BuildFailed  # noqa: E402
from tools.harness import (  # noqa: E402
    JS_MODULE,
    ORIGIN_BEHIND_CACHE,
    caching_proxy,
    missing_programs,
    nginx,
    switcher,
    switches,
    write_release,
)

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


WHERE = ("server 1", "server 2", "cache")


def poll_all(ports: list[int], path: str, instant: float) -> list[Round]:
    """Poll every port at once around one instant."""
    results: list[Round | BaseException] = [BenchFailed("not polled")] * len(ports)

    def one(index: int) -> None:
        try:
            results[index] = poll(ports[index], path, instant)
        except BaseException as err:  # reported below, in the main thread
            results[index] = err

    threads = [threading.Thread(target=one, args=(n,)) for n in range(len(ports))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results  # type: ignore[return-value]


def run(rounds: int, out: TextIO = sys.stdout) -> None:
    missing = [p for p in missing_programs() if p in ("nginx", "rsync")]
    if not Path(JS_MODULE).exists():
        missing.append("libnginx-mod-http-js")
    if missing:
        raise BenchFailed(f"the go-live benchmark needs {', '.join(missing)} (apt-get install)")
    folder = Path(tempfile.mkdtemp(prefix="masthead-golive-"))
    try:
        site = folder / "site"
        shutil.copytree(ROOT / "tests" / "fixtures" / "basic", site)
        hosts = [folder / "srv-1", folder / "srv-2"]
        start = math.ceil(time.time())
        lead = LEAD + 10  # two servers to ship to
        instants = [start + lead + n * GAP for n in range(rounds)]
        paths = [
            write_release(site, f"golive-{n}", instant, f"Go-live round {n}")
            for n, instant in enumerate(instants)
        ]
        # Deployed before nginx starts: the origins load bin/masthead-cache.js.
        deploy(
            [str(h) for h in hosts],
            settings_file=ROOT / "publishconf.py",
            days=(lead + rounds * GAP + 60) / 86400,
            site_url="https://news.example.com",
            content=site,
            root=site,
            out=io.StringIO(),
        )
        if time.time() > instants[0] - 0.5:
            raise BenchFailed("the deploy took longer than the lead time; run it again")
        with ExitStack() as servers:
            origins = [
                servers.enter_context(nginx(folder / f"nginx-{n}", host, ORIGIN_BEHIND_CACHE))
                for n, host in enumerate(hosts)
            ]
            cache = servers.enter_context(caching_proxy(folder / "cache", origins[0]))
            logs = [
                servers.enter_context(switcher(host, folder / f"switcher-{n}.log"))
                for n, host in enumerate(hosts)
            ]
            results = [
                poll_all([*origins, cache], path, t)
                for path, t in zip(paths, instants, strict=True)
            ]
            late = [{s["instant"]: float(s["late_ms"]) for s in switches(log)} for log in logs]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report(results, late, out)


def report(results: list[list[Round]], late: list[dict[str, float]], out: TextIO) -> None:
    """One line per round, then min, median and max of each column."""
    print(
        f"Go-live latency over {len(results)} rounds, two servers and a cache in front of "
        f"server 1, polled every {POLL * 1000:.0f} ms (ms after the instant)",
        file=out,
    )
    heads = ["switch 1", "switch 2", *(f"200 {w}" for w in WHERE), "spread"]
    print(f"{'round':>5}  {'instant (UTC)':<20}" + "".join(f"  {h:>14}" for h in heads), file=out)
    columns: list[list[float]] = [[] for _ in heads]
    for number, rounds in enumerate(results, start=1):
        instant = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(rounds[0].instant))
        switched = [log.get(f"{instant}.000Z", math.nan) for log in late]
        first = [r.latency_ms for r in rounds]
        row = [*switched, *first, max(first[:2]) - min(first[:2])]
        for column, value in zip(columns, row, strict=True):
            column.append(value)
        print(f"{number:>5}  {instant:<20}" + "".join(f"  {v:>14.1f}" for v in row), file=out)
    for head, values in zip(heads, columns, strict=True):
        print(
            f"{head:>14}: min {min(values):.1f} ms, median {statistics.median(values):.1f} ms, "
            f"max {max(values):.1f} ms",
            file=out,
        )
    print("(spread: between the two servers' first 200s of the same release)", file=out)


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
