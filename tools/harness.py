"""Real servers for the tests and the benchmarks: sshd, nginx, the switcher and the
development server (``invoke serve``), on 127.0.0.1 and in temporary folders, a newsroom
repository to run tasks in, and releases dated seconds ahead.

It lives outside ``tests/`` because ``benchmarks/`` measures with the same servers the tests
check; nothing the newsroom runs in production imports it. nginx runs with the server block
that docs/self-hosting.md tells people to install, so the tests check the documented
configuration, not a test-only one. The servers listen on free ports on the loopback
interface only, and everything is stopped however the caller ends.
"""

from __future__ import annotations

import getpass
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "plugins") not in sys.path:
    sys.path.insert(0, str(ROOT / "plugins"))

from newsroom.headers import write_nginx  # noqa: E402

GUIDE = ROOT / "docs" / "self-hosting.md"
SSHD = "/usr/sbin/sshd"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DOCUMENTED_ROOT = "/srv/newsroom"
DOCUMENTED_HEADERS = "/etc/nginx/masthead"
LISTEN = "ListenAddress=127.0.0.1"
CHROMIUM = Path("/usr/bin/chromium")
#: Chromium's own background traffic switched off: it talks to 127.0.0.1 only.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def missing_programs() -> list[str]:
    """What the deploy tests need and this machine lacks (CI installs them)."""
    needed = {"sshd": SSHD, "nginx": NGINX, "ssh": "ssh", "ssh-keygen": "ssh-keygen"}
    needed["rsync"] = "rsync"
    return [name for name, program in needed.items() if not shutil.which(program)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited ({process.returncode}): {log.read_text()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}: {log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


ORIGIN_BEHIND_CACHE = "# The origin, behind a caching proxy or CDN"
CACHING_PROXY = "# A caching proxy in front of the origin (nginx)"
JS_MODULE = "/usr/lib/nginx/modules/ngx_http_js_module.so"


def documented_server_block(heading: str = "") -> str:
    """An nginx block from the self-hosting guide, exactly as published: the first one, or
    the one that starts with the comment ``heading``."""
    blocks = re.findall(r"```nginx\n(.*?)```", GUIDE.read_text("utf-8"), re.S)
    found = [b for b in blocks if b.startswith(heading)] if heading else blocks[:1]
    assert found, f"{GUIDE} has no nginx block {heading!r}"
    return found[0]


@dataclass(frozen=True)
class Sshd:
    port: int
    user: str
    identity: Path
    known_hosts: Path

    def target(self, folder: Path) -> str:
        return f"{self.user}@127.0.0.1:{folder}"


@contextmanager
def sshd(folder: Path, client_key: Path | None = None) -> Iterator[Sshd]:
    """sshd that lets this user in with a key made for the test (or ``client_key``, to
    reach several hosts with one deploy key), and nobody else."""
    folder.mkdir(parents=True)
    for key in ("host_key", "client_key") if client_key is None else ("host_key",):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", str(folder / key)],
            check=True,
        )
    client_key = client_key or folder / "client_key"
    shutil.copyfile(f"{client_key}.pub", folder / "authorized_keys")
    port = free_port()
    host_key = (folder / "host_key.pub").read_text().split()
    (folder / "known_hosts").write_text(f"[127.0.0.1]:{port} {host_key[0]} {host_key[1]}\n")
    config = folder / "sshd_config"
    config.write_text(
        f"HostKey {folder / 'host_key'}\n"
        f"AuthorizedKeysFile {folder / 'authorized_keys'}\n"
        f"PidFile {folder / 'sshd.pid'}\n"
        "StrictModes no\n"
        "UsePAM no\n"
        "PasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\n"
        "PubkeyAuthentication yes\n"
        "PermitRootLogin prohibit-password\n"
        "LogLevel ERROR\n"
    )
    if os.geteuid() == 0:
        # sshd refuses to start as root without its privilege separation folder.
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    log = folder / "sshd.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config), "-p", str(port), "-o", LISTEN],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, process, log)
        yield Sshd(port, getpass.getuser(), client_key, folder / "known_hosts")
    finally:
        stop(process)


@contextmanager
def nginx(
    folder: Path, deploy_root: Path, heading: str = "", origin_port: int = 0
) -> Iterator[int]:
    """nginx serving ``deploy_root/current`` with a documented server block (the first, or
    the one under ``heading``), or caching what ``origin_port`` serves; yields its port."""
    folder.mkdir(parents=True)
    port = free_port()
    block = documented_server_block(heading).replace(DOCUMENTED_ROOT, str(deploy_root))
    block = block.replace("/var/cache/nginx/newsroom", str(folder / "cache"))
    block = re.sub(
        r"proxy_pass http://[^;]+;", f"proxy_pass http://127.0.0.1:{origin_port};", block
    )
    # The security headers, written where the guide tells IT to put them (invoke headers).
    headers = folder / "headers"
    write_nginx(headers)
    block = block.replace(DOCUMENTED_HEADERS, str(headers))
    block = re.sub(r"^\s*listen .*;$", "", block, flags=re.M)
    block = block.replace("server {", f"server {{\n    listen 127.0.0.1:{port};", 1)
    # A master running as root hands requests to workers running as nobody, who may not
    # enter pytest's private temporary folders; as any other user, the directive is moot.
    user = "user root;\n" if os.geteuid() == 0 else ""
    # Debian loads its modules from /etc/nginx/modules-enabled, which this nginx.conf skips.
    modules = f"load_module {JS_MODULE};\n" if "js_import" in block else ""
    (folder / "nginx.conf").write_text(
        f"{modules}{user}worker_processes 2;\n"
        f"pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n"
        f"    access_log {folder / 'access.log'};\n"
        f"    client_body_temp_path {folder / 'tmp'};\n"
        f"    proxy_temp_path {folder / 'proxy-tmp'};\n"
        f"{block}"
        "}\n"
    )
    log = folder / "nginx.out"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, process, log)
        yield port
    finally:
        stop(process)


def write_release(site: Path, slug: str, instant: float, title: str) -> str:
    """A release going live at ``instant`` (whole seconds); returns its path on the site."""
    when = datetime.fromtimestamp(instant, UTC)
    folder = site / "releases" / str(when.year)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{slug}.md").write_text(
        f"---\ntitle: {title}\ndate: {when:%Y-%m-%dT%H:%M:%SZ}\ncategory: products\n"
        f"tags: [{slug}]\nsummary: {title}, for the go-live test.\n---\n{title}: the text.\n",
        encoding="utf-8",
    )
    return f"/news/{when.year}/{slug}/"


@contextmanager
def switcher(root: Path, log: Path, env: dict[str, str] | None = None) -> Iterator[Path]:
    """The deployed switcher, running as the service would; yields its log file."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, str(root / "bin" / "masthead-switcher"), str(root)],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
    try:
        deadline = time.monotonic() + 10
        while b"watching" not in log.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the switcher did not start: {log.read_text()}")
            time.sleep(0.01)
        yield log
    finally:
        stop(process)


def switches(log: Path) -> list[dict[str, str]]:
    """The switch lines of a switcher log, as key=value dicts."""
    return [
        dict(part.split("=", 1) for part in line.split() if "=" in part)
        for line in log.read_text("utf-8").splitlines()
        if " switch " in line
    ]


@contextmanager
def caching_proxy(folder: Path, origin_port: int) -> Iterator[int]:
    """The documented nginx cache in front of an origin on 127.0.0.1; yields its port."""
    with nginx(folder, folder / "unused", CACHING_PROXY, origin_port) as port:
        yield port


def repository(path: Path, content: Path = ROOT / "tests" / "fixtures" / "basic") -> Path:
    """A newsroom repository at ``path`` to run tasks in as a developer or CI would: this
    one's code, its own copies of the settings and of the files that locate the repository
    from their own path (tasks.py, the build worker), and a copy of ``content``."""
    path.mkdir(parents=True, exist_ok=True)
    for name in ("plugins", "theme", "deploy"):
        (path / name).symlink_to(ROOT / name)
    copied = ("tasks.py", "pelicanconf.py", "publishconf.py")
    tools = ("tools/__init__.py", "tools/devserver.py", "tools/build_worker.py")
    for name in (*copied, *tools):
        (path / name).parent.mkdir(exist_ok=True)
        shutil.copyfile(ROOT / name, path / name)
    shutil.copytree(content, path / "content")
    return path


class DevServerProcess:
    """``invoke serve`` running in a repository: its address, and its console lines since."""

    SERVING = "Serving the newsroom at "

    def __init__(self, process: subprocess.Popen[str], banner: str, lines: list[str]) -> None:
        self.process = process
        self.banner = banner
        self.url = banner[len(self.SERVING) :].split()[0]
        self.lines = lines  # appended to by a reader thread while the server runs

    def wait_for_line(self, prefix: str, after: int, timeout: float) -> str:
        """The first console line from index ``after`` on that starts with ``prefix``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [line for line in self.lines[after:] if line.startswith(prefix)]
            if found:
                return found[0]
            if self.process.poll() is not None:
                break
            time.sleep(0.01)
        raise RuntimeError(f"the dev server printed no {prefix!r}: {''.join(self.lines)}")


@contextmanager
def dev_server(repo: Path, timeout: float = 120) -> Iterator[DevServerProcess]:
    """The real ``invoke serve`` in ``repo`` on a free loopback port, as a developer starts
    it; ready once it has built the site. Stopped with Ctrl+C (SIGINT), which also stops its
    build worker."""
    import threading

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "invoke", "serve", "--port", str(port)],
        cwd=repo,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if line.startswith(DevServerProcess.SERVING):
                ready.set()
        ready.set()  # the server exited

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        ready.wait(timeout)
        banners = [line for line in lines if line.startswith(DevServerProcess.SERVING)]
        if not banners:
            raise RuntimeError(f"invoke serve did not start: {''.join(lines)}")
        yield DevServerProcess(process, banners[0], lines)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)  # Ctrl+C
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
        reader.join(5)
