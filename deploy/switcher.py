#!/usr/bin/env python3
"""Point a self-hosted newsroom's web root at the next snapshot at its exact instant.

``invoke deploy`` copies this file to ``<root>/bin/masthead-switcher`` on the web server,
next to the snapshots it switches between. It uses the standard library only (Python 3.9 or
newer), so the host needs nothing but ``python3``:

    masthead-switcher /srv/newsroom          keep running, switch at each instant (systemd)
    masthead-switcher --once /srv/newsroom   apply what is due now, then exit (timer, cron)

The web root ``<root>/current`` is a symlink to ``snapshots/<dir>``. A switch writes a new
symlink under a temporary name and renames it over ``current``: ``rename(2)`` is atomic, so
every request sees either the old snapshot or the new one, never a missing or half one.
"""

from __future__ import annotations

import argparse
import calendar
import contextlib
import dataclasses
import fcntl
import importlib.util
import json
import os
import queue
import re
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

MANIFEST = "schedule.json"
CURRENT = "current"
PREVIOUS = "previous"
SNAPSHOTS = "snapshots"
LOCK = ".switch.lock"
NOTIFY_ENV = "notify.env"
#: One JSON line per release each switch made public: the actual go-live the record shows.
GOLIVE_LOG = "golive.jsonl"
ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
SNAPSHOT_DIR = re.compile(r"^(\d{8}T\d{6}Z)-[0-9a-f]{12}$")
#: While the next instant is further away than NEAR seconds, look at the clock every
#: FAR_NAP seconds (a clock step or a new manifest is noticed that soon); closer than
#: that, every NEAR_NAP seconds, and the last nap ends exactly at the instant.
FAR_NAP = 1.0
NEAR = 2.0
NEAR_NAP = 0.05

Log = Callable[[str], None]


class ManifestError(ValueError):
    """schedule.json cannot be used; the switcher keeps the schedule it had."""


@dataclass(frozen=True)
class Entry:
    """One snapshot of the manifest: show ``snapshots/<dir>`` from ``instant`` on."""

    id: str
    instant: float
    dir: str
    changes: list[dict[str, Any]]


def parse_instant(text: str) -> float:
    return float(calendar.timegm(time.strptime(text, ISO_FORMAT)))


def stamp(seconds: float) -> str:
    """UTC with milliseconds: the switch log is read against the go-live instants."""
    whole = int(seconds)
    millis = int((seconds - whole) * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{millis:03d}Z"


@dataclass(frozen=True)
class Schedule:
    """schedule.json: the snapshots in order of their instants, and notify.py's settings."""

    entries: list[Entry]
    notify: dict[str, Any]
    purge: list[dict[str, Any]] = dataclasses.field(default_factory=list)


def load_manifest(path: Path) -> Schedule:
    """Read schedule.json; raise ManifestError for anything unusable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = [
            Entry(str(s["id"]), parse_instant(s["instant"]), str(s["dir"]), list(s["changes"]))
            for s in data["snapshots"]
        ]
        notify = data.get("notify") or {}
        purge = list(data.get("purge") or [])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise ManifestError(f"{path} cannot be used: {err}") from None
    if not entries:
        raise ManifestError(f"{path} lists no snapshots")
    for entry in entries:
        if not SNAPSHOT_DIR.match(entry.dir) or not entry.dir.startswith(entry.id):
            raise ManifestError(f"{path}: {entry.dir!r} is not a snapshot folder name")
    if not isinstance(notify, dict):
        raise ManifestError(f"{path}: 'notify' is not an object")
    return Schedule(sorted(entries, key=lambda e: e.instant), notify, purge)


def due(entries: list[Entry], now: float) -> Entry:
    """The latest snapshot whose instant has come; the first one if none has yet.

    The first snapshot is the site as it was when the deploy was built, to be shown at
    once even if this host's clock is a little behind the build machine's.
    """
    shown = entries[0]
    for entry in entries:
        if entry.instant <= now:
            shown = entry
    return shown


def next_instant(entries: list[Entry], now: float) -> float | None:
    return next((e.instant for e in entries if e.instant > now), None)


def nap(entries: list[Entry], now: float) -> float:
    """How long to sleep: short naps near an instant, and never past it."""
    upcoming = next_instant(entries, now)
    if upcoming is None:
        return FAR_NAP
    remaining = upcoming - now
    return max(0.0, min(remaining, FAR_NAP if remaining > NEAR else NEAR_NAP))


def snapshot_of(link: Path) -> str | None:
    """The snapshot folder a symlink points at, or None if there is no symlink."""
    try:
        return Path(os.readlink(link)).name
    except OSError:  # missing, or not a symlink
        return None


def point(root: Path, name: str, folder: str) -> None:
    """Atomically make ``root/name`` a symlink to ``snapshots/folder``.

    ``ln -sfn`` removes the old link and then creates the new one, so a request can fall
    between the two; a rename over the old link has no such moment.
    """
    temporary = root / f".{name}.{os.getpid()}.tmp"
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    os.symlink(f"{SNAPSHOTS}/{folder}", temporary)
    os.replace(temporary, root / name)


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """One switch at a time: a running switcher and a deploy's ``--once`` may meet."""
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def load_notify(log: Log) -> ModuleType | None:
    """``notify.py`` from this file's folder, if it is there: the switcher works without it."""
    path = Path(__file__).resolve().with_name("notify.py")
    if not path.is_file():
        log(f"no {path}: switches are not announced")
        return None
    try:
        spec = importlib.util.spec_from_file_location("masthead_notify", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        module.after_go_live  # noqa: B018  (fail here, not at the first go-live)
    except Exception as err:
        sys.modules.pop("masthead_notify", None)
        log(f"cannot load {path}, switches are not announced: {type(err).__name__}: {err}")
        return None
    return module


def load_env(path: Path, log: Log) -> None:
    """Secrets that notify.py reads from the environment (``secret_env``), kept on the host
    in ``<root>/notify.env`` as NAME=value lines, so the service, cron and a deploy's
    ``--once`` all have them. Variables already set win."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return
    except OSError as err:
        log(f"cannot read {path}: {err}")
        return
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, equals, value = line.partition("=")
        name = name.removeprefix("export ").strip()
        if not equals or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            log(f"{path}:{number}: not NAME=value, skipped")
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(name, value)


class Worker:
    """Runs one program's calls in order, in a thread of its own: a slow webhook or CDN must
    never make the next switch late, nor hold up the other. ``call`` is None when the program
    is not installed; then nothing is queued."""

    def __init__(self, call: Callable[..., None] | None, name: str, log: Log) -> None:
        self.call = call
        self.name = name
        self.log = log
        self.jobs: queue.Queue[tuple[Any, ...] | None] = queue.Queue()
        self.thread = threading.Thread(target=self._work, name=name, daemon=True)
        if call is not None:
            self.thread.start()

    def put(self, *args: Any) -> None:
        if self.call is not None:
            self.jobs.put(args)

    def idle(self) -> bool:
        """Nothing queued or running (``Queue.join`` would wait for it)."""
        return self.jobs.unfinished_tasks == 0

    def close(self, timeout: float | None = None) -> None:
        """Let queued calls finish (``--once`` exits right after)."""
        if self.call is not None:
            self.jobs.put(None)
            self.thread.join(timeout)

    def _work(self) -> None:
        assert self.call is not None
        while (job := self.jobs.get()) is not None:
            try:
                self.call(*job, self.log)
            except Exception as err:  # it promises not to raise; a switcher must outlive it
                self.log(f"{self.name} failed: {type(err).__name__}: {err}")
            finally:
                self.jobs.task_done()


class Notifier(Worker):
    """Announces go-lives (bin/notify.py's ``after_go_live``), in order."""

    def __init__(self, module: ModuleType | None, log: Log) -> None:
        super().__init__(module.after_go_live if module is not None else None, "notify", log)

    def submit(self, changes: list[dict[str, Any]], config: dict[str, Any]) -> None:
        self.put(changes, config)


class Switcher:
    """Keeps ``<root>/current`` on the snapshot that is due, according to schedule.json."""

    def __init__(
        self, root: Path, notifier: Notifier, log: Log, purger: Purger | None = None
    ) -> None:
        self.root = root
        self.notifier = notifier
        self.purger = purger
        self.log = log
        self.entries: list[Entry] = []
        self.notify: dict[str, Any] = {}
        self.purge: list[dict[str, Any]] = []
        self.signature: tuple[int, int, int] | None = None
        self.applied: str | None = None
        self.missing: str | None = None

    def reload(self) -> None:
        """Read schedule.json again when a deploy has replaced it (a new inode)."""
        path = self.root / MANIFEST
        try:
            info = path.stat()
        except FileNotFoundError:
            if self.signature is not None:
                self.log(f"{path} is gone: keeping the schedule already read")
                self.signature = None
            return
        signature = (info.st_ino, info.st_mtime_ns, info.st_size)
        if signature == self.signature:
            return
        self.signature = signature
        try:
            schedule = load_manifest(path)
            self.entries, self.notify = schedule.entries, schedule.notify
            self.purge = schedule.purge
        except ManifestError as err:
            self.log(f"{err}; keeping the schedule already read")
            return
        self.applied = None  # a new deploy: look at current again
        count = len(self.entries)
        self.log(f"schedule: {count} snapshot{'s' * (count != 1)}, {self._outlook()}")

    def step(self, now: float | None = None) -> None:
        """Switch if another snapshot is due than the one last applied."""
        if not self.entries:
            return
        target = due(self.entries, time.time() if now is None else now)
        if target.dir == self.applied:
            return
        with locked(self.root):
            shown = snapshot_of(self.root / CURRENT)
            if shown != target.dir:
                if not (self.root / SNAPSHOTS / target.dir).is_dir():
                    if self.missing != target.dir:
                        self.log(f"snapshots/{target.dir} is missing: not switching to it")
                        self.missing = target.dir
                    self.signature = None  # look at the manifest again next time
                    return
                if shown is not None:
                    point(self.root, PREVIOUS, shown)
                point(self.root, CURRENT, target.dir)
                switched = time.time()
                self.log(
                    f"switch snapshot={target.id} instant={stamp(target.instant)} "
                    f"switched_at={stamp(switched)} "
                    f"late_ms={(switched - target.instant) * 1000:.1f} dir={target.dir}"
                )
                if self.purger is not None:
                    self.purger.submit(self.purge)
                changes, config = self._changes(shown, target), self._config(shown, target)
                record_golive(self.root, changes, switched)
                if changes or config.get("feeds_before") != config.get("feeds_after"):
                    self.notifier.submit(changes, config)
            elif self.applied is None:
                self.log(f"showing snapshot={target.id} dir={target.dir}, as scheduled")
        self.applied = target.dir

    def run(self, stop: threading.Event) -> bool:
        """Follow the schedule, waking at each instant, until stopped (False) or until a
        deploy has brought new programs (True: the caller starts them)."""
        programs = code_signature()
        while not stop.is_set():
            self.reload()
            self.step()
            now = time.time()
            if code_signature() != programs and self.notifier.idle():
                upcoming = next_instant(self.entries, now)
                if upcoming is None or upcoming - now > NEAR:
                    self.log("a deploy brought a new switcher or notify.py: restarting")
                    return True
            stop.wait(nap(self.entries, now))
        return False

    def prune(self) -> list[str]:
        """Delete snapshots nobody needs: older than the one shown, except the previous one
        (for a rollback), and uploads a failed deploy left behind."""
        folder = self.root / SNAPSHOTS
        doomed = []
        with locked(self.root):
            shown = snapshot_of(self.root / CURRENT)
            keep = {shown, snapshot_of(self.root / PREVIOUS)}
            match = SNAPSHOT_DIR.match(shown or "")
            since = match.group(1) if match else ""
            keep.update(e.dir for e in self.entries if e.id >= since)
            for path in sorted(folder.iterdir()):
                if path.name not in keep and not path.name.startswith(".trash-"):
                    trash = folder / f".trash-{path.name}-{os.getpid()}"
                    os.replace(path, trash)
                    doomed.append((path.name, trash))
        for name, trash in doomed:  # outside the lock: a switch never waits for a delete
            shutil.rmtree(trash, ignore_errors=True)
            self.log(f"pruned snapshots/{name}")
        for path in folder.glob(".trash-*"):
            shutil.rmtree(path, ignore_errors=True)
        return [name for name, _ in doomed]

    def _changes(self, shown: str | None, target: Entry) -> list[dict[str, Any]]:
        """What went live between the snapshot shown until now and the new one."""
        match = SNAPSHOT_DIR.match(shown or "")
        since = match.group(1) if match else ""
        return [c for e in self.entries if since < e.id <= target.id for c in e.changes]

    def _config(self, shown: str | None, target: Entry) -> dict[str, Any]:
        """notify.py's settings, with the feed index of the snapshot shown until now and of
        the new one, so that the hub hears of exactly the feeds that changed."""
        config = dict(self.notify)
        name = config.get("feed_index")
        if isinstance(name, str) and not name.startswith("/") and ".." not in name.split("/"):
            folder = self.root / SNAPSHOTS
            config["feeds_before"] = read_json(folder / shown / name) if shown else None
            config["feeds_after"] = read_json(folder / target.dir / name)
        return config

    def _outlook(self) -> str:
        upcoming = next_instant(self.entries, time.time())
        return "none upcoming" if upcoming is None else f"next at {stamp(upcoming)}"


def read_json(path: Path) -> Any:
    """The JSON in ``path``, or None when it is missing or not JSON."""
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


class Purger(Worker):
    """Empties the CDNs' caches after each switch (bin/purge.py's ``purge_all``)."""

    def __init__(self, log: Log) -> None:
        module = load_program("purge.py", "purge_all", log)
        super().__init__(module.purge_all if module is not None else None, "purge", log)

    def submit(self, config: list[dict[str, Any]]) -> None:
        if config:
            self.put(config)


def load_program(name: str, function: str, log: Log) -> ModuleType | None:
    """A module from this file's folder (bin/), if it is there and defines ``function``."""
    path = Path(__file__).resolve().with_name(name)
    if not path.is_file():
        return None
    try:
        spec = importlib.util.spec_from_file_location(f"masthead_{path.stem}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        getattr(module, function)
    except Exception as err:
        log(f"cannot load {path}: {type(err).__name__}: {err}")
        return None
    return module


def code_signature() -> list[tuple[int, int, int] | None]:
    """This file and notify.py as they are on disk: a deploy replaces them by renaming."""
    signature: list[tuple[int, int, int] | None] = []
    for path in (Path(__file__), *(Path(__file__).with_name(n) for n in ("notify.py", "purge.py"))):
        try:
            info = path.stat()
            signature.append((info.st_ino, info.st_mtime_ns, info.st_size))
        except OSError:
            signature.append(None)
    return signature


def record_golive(root: Path, changes: list[dict[str, Any]], served: float) -> None:
    """Append when each release went live, for the next deploy's disclosure record."""
    lines = [
        json.dumps({"path": c["path"], "instant": c["instant"], "served": stamp(served)})
        for c in changes
        if c.get("kind") == "release" and "path" in c
    ]
    if lines:
        with (root / GOLIVE_LOG).open("a", encoding="utf-8") as file:
            file.write("".join(f"{line}\n" for line in lines))
            file.flush()
            os.fsync(file.fileno())


def make_log(path: Path | None) -> Log:
    """One line per event on standard output (the journal), and in a file if asked."""
    lock = threading.Lock()

    def log(message: str) -> None:
        line = f"{stamp(time.time())} {message}"
        with lock:
            print(line, flush=True)
            if path is not None:
                with path.open("a", encoding="utf-8") as file:
                    file.write(line + "\n")

    return log


def check(root: Path, grace: float) -> int:
    """For a monitor (cron with MAILTO, Nagios, a systemd OnFailure): is the web root
    showing what was due ``grace`` seconds ago, or something newer? Exit 0 if so, else 2."""
    try:
        entries = load_manifest(root / MANIFEST).entries
    except ManifestError as err:
        print(f"LATE? {err}")
        return 2
    now = time.time()
    wanted = due(entries, now - grace)
    shown = snapshot_of(root / CURRENT)
    instants = {e.dir: e.instant for e in entries}
    if shown in instants and instants[shown] >= wanted.instant:
        print(f"ok: showing {shown}")
        return 0
    print(
        f"LATE: snapshot {wanted.dir}, due at {stamp(wanted.instant)}, is not shown "
        f"{now - wanted.instant:.0f} s later (current: {shown or 'none'})"
    )
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else "")
    parser.add_argument("root", type=Path, help="the deploy folder, e.g. /srv/newsroom")
    parser.add_argument("--once", action="store_true", help="apply what is due now and exit")
    parser.add_argument("--prune", action="store_true", help="with --once: delete old snapshots")
    parser.add_argument("--log", type=Path, help="also append the log to this file")
    parser.add_argument(
        "--check",
        type=float,
        metavar="SECONDS",
        help="switch nothing; exit 2 if what was due SECONDS ago is not shown (monitoring)",
    )
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.check is not None:
        return check(root, args.check)
    log = make_log(args.log)
    load_env(root / NOTIFY_ENV, log)
    notifier = Notifier(load_notify(log), log)
    purger = Purger(log)
    switcher = Switcher(root, notifier, log, purger)

    if args.once:
        switcher.reload()
        if not switcher.entries:
            log(f"{root / MANIFEST}: no usable schedule, nothing switched")
            return 1
        switcher.step()
        if args.prune:
            switcher.prune()
        purger.close(timeout=60)  # a CDN that does not answer must not hold a deploy for long
        notifier.close()
        return 0

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    log(f"watching {root / MANIFEST}")
    restart = switcher.run(stop)
    purger.close(timeout=30)
    notifier.close(timeout=30)
    if restart:
        os.execv(sys.executable, [sys.executable, str(Path(__file__).resolve()), *argv])
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
