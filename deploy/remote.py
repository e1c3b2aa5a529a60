"""Ship snapshots to the web server with rsync over ssh, then switch its web root atomically.

What a deploy leaves under the target folder on the host (nginx's root is ``current``)::

    snapshots/<id>-<digest>/   one complete build per instant, outside the web root
    current -> snapshots/...   the web root: a symlink, replaced by rename(2), never edited
    previous -> snapshots/...  what current showed before the last switch, for a rollback
    schedule.json              which snapshot to show from which instant
    bin/masthead-switcher      switches current at each instant (deploy/switcher.py)
    bin/notify.py              announces each go-live (deploy/notify.py), when there is one
    bin/purge.py               empties the CDNs' caches at each switch (deploy/purge.py)
    bin/masthead-cache.js      Cache-Control for a cache or CDN in front (deploy/cache.js)

A snapshot is uploaded under a temporary name and renamed into place only once complete,
so nothing can ever switch to half a copy; the switch itself is done by the switcher on the
host, which picks the snapshot that is due by the host's own clock.

Several hosts (behind a load balancer) get one deploy in two phases: first every host
receives every snapshot and the new schedule under a temporary name; only when all of them
have it does each host put the schedule in place. A host that cannot take the snapshots
stops the deploy before any host switches to a schedule the others lack.

This module uses the standard library only: the CI job that holds the deploy key runs it
with the runner's own python3 and installs nothing (``python3 -m deploy.ship``).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

MANIFEST = "schedule.json"
ENV_TARGET = "MASTHEAD_DEPLOY_TARGET"
ENV_PORT = "MASTHEAD_DEPLOY_SSH_PORT"
ENV_IDENTITY = "MASTHEAD_DEPLOY_IDENTITY"
ENV_KNOWN_HOSTS = "MASTHEAD_DEPLOY_KNOWN_HOSTS"
SWITCHER = Path(__file__).resolve().with_name("switcher.py")
NOTIFY = Path(__file__).resolve().with_name("notify.py")
CACHE_JS = Path(__file__).resolve().with_name("cache.js")
PURGE = Path(__file__).resolve().with_name("purge.py")

TARGET = re.compile(
    r"^(?:(?P<user>[A-Za-z0-9._-]+)@)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(?P<path>.*)$"
)
# ssh://user@host:port/folder, for a host with its own ssh port.
URL = re.compile(
    r"^ssh://(?:(?P<user>[A-Za-z0-9._-]+)@)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)"
    r"(?::(?P<port>[0-9]{1,5}))?(?P<path>/.*)$"
)
# Shell- and rsync-safe folder names only: the path is used in commands on the host.
SAFE_PATH = re.compile(r"^/[A-Za-z0-9._/+@-]*$")


class DeployFailed(Exception):
    """The deploy stopped; the message says what failed and where."""


@dataclass(frozen=True)
class Target:
    """Where the site goes: ``user@host:/srv/newsroom``, or a folder on this machine."""

    path: str
    host: str | None = None
    user: str | None = None
    port: int | None = None

    @classmethod
    def parse(cls, text: str) -> Target:
        port = None
        if text.startswith("ssh://"):
            match = URL.match(text)
            if match is None:
                raise DeployFailed(
                    f"--target {text}: write ssh://USER@HOST:PORT/FOLDER, like "
                    "ssh://deploy@web2.example.com:2222/srv/newsroom."
                )
            port = int(match["port"]) if match["port"] else None
        else:
            match = TARGET.match(text)
        host, user, path = (
            (match["host"], match["user"], match["path"]) if match else (None, None, text)
        )
        path = path.rstrip("/") or "/"
        if not SAFE_PATH.match(path) or path == "/" or "/." in path:
            raise DeployFailed(
                f"--target {text}: the folder must be an absolute path of letters, digits and "
                "._+@- (for example deploy@web1.example.com:/srv/newsroom)."
            )
        return cls(path, host, user, port)

    @property
    def login(self) -> str:
        assert self.host is not None
        host = self.host.strip("[]")
        return f"{self.user}@{host}" if self.user else host

    def rsync_path(self, path: str) -> str:
        """rsync's name for a path on the host (or just the path, for a local target)."""
        if self.host is None:
            return path
        return f"{self.user}@{self.host}:{path}" if self.user else f"{self.host}:{path}"

    def __str__(self) -> str:
        if self.port is not None:
            return f"ssh://{self.login}:{self.port}{self.path}"
        return self.rsync_path(self.path)


@dataclass
class Connection:
    """How to reach the host: one multiplexed ssh connection that every command reuses."""

    target: Target
    port: int | None = None
    identity: Path | None = None
    known_hosts: Path | None = None
    _control: Path | None = field(default=None, repr=False)

    @classmethod
    def from_options(
        cls,
        target: str,
        port: int | None = None,
        identity: str | None = None,
        known_hosts: str | None = None,
    ) -> Connection:
        """Command-line options first, then the environment (where CI keeps them)."""
        port_text = str(port) if port else os.environ.get(ENV_PORT, "")
        if port_text and not port_text.isdigit():
            raise DeployFailed(f"{ENV_PORT}={port_text!r} is not a port number.")
        identity = identity or os.environ.get(ENV_IDENTITY) or None
        known_hosts = known_hosts or os.environ.get(ENV_KNOWN_HOSTS) or None
        for name, value in (("identity", identity), ("known hosts", known_hosts)):
            if value and not Path(value).is_file():
                raise DeployFailed(f"The {name} file {value} does not exist.")
        parsed = Target.parse(target)
        return cls(
            parsed,
            parsed.port or (int(port_text) if port_text else None),
            Path(identity).resolve() if identity else None,
            Path(known_hosts).resolve() if known_hosts else None,
        )

    def ssh(self) -> list[str]:
        args = ["ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=20"]
        if self.port:
            args += ["-p", str(self.port)]
        if self.identity:
            args += ["-i", str(self.identity), "-o", "IdentitiesOnly=yes"]
        if self.known_hosts:
            args += ["-o", f"UserKnownHostsFile={self.known_hosts}"]
            args += ["-o", "StrictHostKeyChecking=yes"]
        if self._control:
            args += ["-o", f"ControlPath={self._control}/%C"]
        return args

    def open(self) -> None:
        """Start the shared connection, so each rsync and command skips the ssh handshake."""
        if self.target.host is None or self._control is not None:
            return
        # A short folder name: a socket path may not exceed about 100 characters.
        self._control = Path(tempfile.mkdtemp(prefix="mh-ssh-", dir="/tmp"))
        # -f goes to the background once logged in; with no pipes to inherit, nothing waits.
        started = subprocess.run(
            [*self.ssh(), "-M", "-N", "-f", "-o", "ControlPersist=600", self.target.login],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        if started.returncode != 0:
            self.close()
            raise DeployFailed(
                f"Cannot log in to {self.target.login} with ssh: {started.stderr.strip()}"
            )

    def close(self) -> None:
        if self._control is None:
            return
        subprocess.run(
            [*self.ssh(), "-O", "exit", self.target.login],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self._control, ignore_errors=True)
        self._control = None

    def shell(self, script: str, what: str) -> str:
        """Run a POSIX shell script on the host and return what it printed."""
        if self.target.host is None:
            command = ["sh", "-c", script]
        else:
            command = [*self.ssh(), self.target.login, script]
        done = subprocess.run(
            command, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip()
            raise DeployFailed(f"{what} failed on {self.target} (exit {done.returncode}): {detail}")
        return done.stdout

    def rsync(self, source: Path | str, destination: str, options: Sequence[str] = ()) -> None:
        """Copy to the host; rsync writes each file under a temporary name and renames it."""
        command = ["rsync", "-a", *options]
        if self.target.host is not None:
            command += ["-e", shlex.join(self.ssh())]
        command += [str(source), self.target.rsync_path(destination)]
        done = subprocess.run(
            command, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise DeployFailed(
                f"rsync to {self.target.rsync_path(destination)} failed "
                f"(exit {done.returncode}): {done.stderr.strip()}"
            )


@dataclass(frozen=True)
class HostState:
    """What the host has before this deploy."""

    snapshots: frozenset[str]
    current: str | None


def inspect(connection: Connection) -> HostState:
    """Create the folders if needed, and list what is there already, in one round trip."""
    root = shlex.quote(connection.target.path)
    text = connection.shell(
        "set -e\n"
        "command -v python3 >/dev/null || { echo 'python3 is not installed' >&2; exit 3; }\n"
        f"mkdir -p {root}/snapshots {root}/bin\n"
        f"cd {root}\n"
        "if [ -e current ] && [ ! -L current ]; then\n"
        "  echo 'current is a real folder; move it away so the deploy can make it a symlink' >&2\n"
        "  exit 3\n"
        "fi\n"
        "ls -A snapshots\n"
        "echo @current\n"
        "readlink current || true\n",
        "Preparing the target folder",
    )
    listed, _, current = text.partition("@current\n")
    current_name = Path(current.strip()).name if current.strip() else None
    return HostState(frozenset(listed.split()), current_name)


def stage_programs(work: Path) -> Path:
    """The host's bin/ folder, laid out locally: the switcher, and notify.py if it exists."""
    folder = work / "bin"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    switcher = folder / "masthead-switcher"
    shutil.copyfile(SWITCHER, switcher)
    switcher.chmod(0o755)
    if NOTIFY.is_file():
        shutil.copyfile(NOTIFY, folder / "notify.py")
        (folder / "notify.py").chmod(0o644)
    shutil.copyfile(PURGE, folder / "purge.py")
    (folder / "purge.py").chmod(0o644)
    # For nginx's JavaScript module, behind a cache or CDN (docs/self-hosting.md).
    shutil.copyfile(CACHE_JS, folder / "masthead-cache.js")
    (folder / "masthead-cache.js").chmod(0o644)
    return folder


@dataclass(frozen=True)
class Built:
    """One snapshot of a build folder, as schedule.json names it."""

    dir: str
    path: Path


def read_build(work: Path) -> list[Built]:
    """The snapshots a build folder holds, in schedule order, checked before anything moves.

    The folder is what ``invoke deploy --build-only`` wrote (in CI: the build job's artifact),
    so its schedule.json is checked here as the switcher will check it on the host.
    """
    import json

    try:
        data = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
        built = [Built(str(s["dir"]), work / str(s["id"])) for s in data["snapshots"]]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise DeployFailed(f"{work / MANIFEST} cannot be read: {err}") from None
    for snapshot in built:
        name = re.fullmatch(r"(\d{8}T\d{6}Z)-[0-9a-f]{12}", snapshot.dir)
        if not name or name[1] != snapshot.path.name or not snapshot.path.is_dir():
            raise DeployFailed(f"{work}: no snapshot folder for {snapshot.dir!r}")
    if not built:
        raise DeployFailed(f"{work / MANIFEST} lists no snapshots")
    return built


def prepare(
    built: list[Built],
    work: Path,
    programs: Path,
    connection: Connection,
    out: Callable[[str], None],
) -> None:
    """Phase one on one host: every snapshot in place, the programs of ``programs``
    (``stage_programs``) in its bin/ and the schedule beside the live one.

    Nothing served or scheduled changes: the snapshots get folders of their own that the
    live schedule does not name, and the new schedule waits as ``.schedule.json.incoming``.
    """
    root = connection.target.path
    state = inspect(connection)
    # Where each snapshot is on the host: its own folder, or its upload folder for now.
    where = {name: name for name in state.snapshots}
    previous = state.current if state.current in where else None
    arriving = []
    for snapshot in built:
        if snapshot.dir in where:
            out(f"Snapshot {snapshot.dir} is already there.")
            previous = snapshot.dir
            continue
        # Unchanged files become hard links to the previous snapshot's (and the live one's).
        # The paths are absolute: rsync 3.2.7's security fix for CVE-2024-12087 broke a
        # relative --link-dest on the receiving side ("failed verification -- update
        # discarded", https://github.com/RsyncProject/rsync/issues/928).
        bases = [where[d] for d in dict.fromkeys((previous, state.current)) if d in where]
        connection.rsync(
            f"{snapshot.path}/",
            f"{root}/snapshots/.incoming-{snapshot.dir}/",
            [
                "--delete",
                "--chmod=D755,F644",
                *(f"--link-dest={root}/snapshots/{base}" for base in bases),
            ],
        )
        where[snapshot.dir] = f".incoming-{snapshot.dir}"
        arriving.append(snapshot.dir)
        previous = snapshot.dir
        out(f"Uploaded snapshot {snapshot.dir}.")
    # --checksum: unchanged programs are left alone, so the running switcher does not restart.
    connection.rsync(f"{programs}/", f"{root}/bin/", ["--delete", "--checksum", "--chmod=D755"])
    connection.rsync(work / MANIFEST, f"{root}/.{MANIFEST}.incoming", ["--chmod=F644"])
    quoted = shlex.quote(root)
    script = ["set -e", f"cd {quoted}/snapshots"]
    script += [f"mv -T .incoming-{name} {name}" for name in arriving]
    connection.shell("\n".join(script), "Putting the snapshots in place")


def commit(connection: Connection) -> list[str]:
    """Phase two on one host: the new schedule in place, then switch to what is due."""
    quoted = shlex.quote(connection.target.path)
    script = [
        "set -e",
        f"test -f {quoted}/.{MANIFEST}.incoming",
        f"mv -f {quoted}/.{MANIFEST}.incoming {quoted}/{MANIFEST}",
        f"python3 {quoted}/bin/masthead-switcher --once --prune {quoted}",
    ]
    return connection.shell("\n".join(script), "Switching to the new schedule").splitlines()


def on_every_host(
    connections: Sequence[Connection], job: Callable[[Connection], object]
) -> dict[str, Exception]:
    """Run ``job`` on all hosts at once; return what failed where (empty: all went well)."""
    failed: dict[str, Exception] = {}

    def run(connection: Connection) -> None:
        try:
            job(connection)
        except (DeployFailed, OSError) as err:
            failed[str(connection.target)] = err

    threads = [threading.Thread(target=run, args=(c,)) for c in connections]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failed


def ship(work: Path, connections: Sequence[Connection], out: TextIO = sys.stdout) -> list[str]:
    """Upload the snapshots of ``work`` to every host, then switch them all; return the
    hosts' switcher logs.

    Phase one uploads everywhere; if any host fails, the deploy stops there and no host
    has a new schedule. Phase two puts the schedule in place on each host, a rename and a
    switch: a host that fails it is tried again, and named if it still fails.
    """
    names = [str(c.target) for c in connections]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:  # two uploads into one folder at once would trip over each other
        raise DeployFailed(f"{', '.join(twice)} is named more than once.")
    built = read_build(work)
    lock = threading.Lock()
    several = len(connections) > 1

    def say(connection: Connection, line: str) -> None:
        with lock:
            print(f"{connection.target}: {line}" if several else line, file=out, flush=True)

    # Laid out once, before the hosts are prepared at the same time: laid out again for each
    # host, one host's copy was deleted under another's rsync ("file has vanished").
    programs = stage_programs(work)
    failed = on_every_host(
        connections, lambda c: prepare(built, work, programs, c, lambda line: say(c, line))
    )
    if failed:
        raise DeployFailed(
            "No host was switched, because "
            + "; ".join(f"{host}: {err}" for host, err in failed.items())
            + ". The hosts keep the schedule they had; deploy again."
        )
    logs: list[str] = []

    def switch(connection: Connection) -> None:
        for attempt in range(3):
            try:
                lines = commit(connection)
                break
            except DeployFailed:
                if attempt == 2:
                    raise
        for line in lines:
            say(connection, f"host: {line}")
        with lock:
            logs.extend(lines)

    failed = on_every_host(connections, switch)
    if failed:
        done = [str(c.target) for c in connections if str(c.target) not in failed]
        raise DeployFailed(
            "The new schedule is in place on "
            + (", ".join(done) or "no host")
            + " but not on "
            + "; ".join(f"{host} ({err})" for host, err in failed.items())
            + ". Those hosts have every snapshot; deploy again to bring them in line."
        )
    return logs
