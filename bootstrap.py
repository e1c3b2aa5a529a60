"""Set up everything Masthead needs, then run an invoke task.

The one command a newcomer has to know. It uses the standard library only, so it runs
on a fresh machine before anything is installed:

    python3 bootstrap.py serve          preview the newsroom at http://127.0.0.1:8000
    python3 bootstrap.py test           run the test suite (installs what the tests need)
    python3 bootstrap.py test -k schema run part of the test suite
    python3 bootstrap.py --list         list the other tasks, e.g. python3 bootstrap.py build

The project's Python packages go into .venv/ next to this file; nothing is installed
into the system Python. They come from the lock files (requirements.lock,
requirements-dev.lock): every package pinned with its hashes, installed with pip's
--require-hashes, so a package replaced on the registry is refused. The lock files are
hashed into a stamp file inside .venv, so later runs skip pip entirely until one changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

MIN_PYTHON = (3, 11)
ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "masthead-requirements.json"
# What is installed: pip-compile --generate-hashes writes them from requirements*.txt.
RUNTIME_REQUIREMENTS = ROOT / "requirements.lock"
DEV_REQUIREMENTS = ROOT / "requirements-dev.lock"
SYSTEM_PACKAGES_SCRIPT = ROOT / "tools" / "install-system-packages.sh"
WINDOWS = os.name == "nt"
#: The tasks that need the test, lint and benchmark packages; every other task (check,
#: build, summary, serve…) needs only requirements.lock, so content checks install less.
DEV_TASKS = frozenset({"test", "lint", "bench", "sbom"})


class BootstrapError(Exception):
    """A failure the newcomer can act on; its message is printed instead of a traceback."""


def say(message: str) -> None:
    """Print a progress line right away, before a slow step starts."""
    print(message, flush=True)


def check_python() -> None:
    """Stop early on an old interpreter, naming the version needed (the code needs 3.11)."""
    if sys.version_info < MIN_PYTHON:
        needed = ".".join(map(str, MIN_PYTHON))
        found = ".".join(map(str, sys.version_info[:3]))
        raise BootstrapError(
            f"Masthead needs Python {needed} or newer, but {sys.executable} is Python {found}.\n"
            f"Install Python {needed}+ and run this again with it, e.g.: "
            f"python{needed} bootstrap.py {' '.join(sys.argv[1:])}".rstrip()
        )


def venv_bin(name: str) -> Path:
    """Path of an executable inside .venv (venv puts them in Scripts/*.exe on Windows)."""
    if WINDOWS:
        return VENV / "Scripts" / f"{name}.exe"
    return VENV / "bin" / name


def venv_works() -> bool:
    """True when .venv has a Python that starts (it breaks if its base Python was removed)."""
    python = venv_bin("python")
    if not python.exists():
        return False
    result = subprocess.run([str(python), "-c", "import sys"], capture_output=True, check=False)
    return result.returncode == 0


def create_venv() -> None:
    """Create .venv from scratch with the Python running this script."""
    say("Setting up .venv (first run takes about a minute)…")
    if VENV.exists():
        shutil.rmtree(VENV)
    try:
        import ensurepip  # noqa: F401  (Debian ships it separately, in python3-venv)
    except ImportError:
        raise BootstrapError(
            "This Python cannot create virtual environments (the venv module has no pip).\n"
            "On Debian or Ubuntu install it with: sudo apt-get install python3-venv"
        ) from None
    result = subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=False)
    if result.returncode != 0:
        shutil.rmtree(VENV, ignore_errors=True)  # half-made: let the next run start over
        raise BootstrapError(f"Could not create {VENV} (see the error above).")


def requirement_files(path: Path) -> list[Path]:
    """The file and every file it pulls in with -r/-c, so a change to any of them counts."""
    files = [path]
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        for option in ("-r", "--requirement", "-c", "--constraint"):
            if line.startswith(option + " ") or line.startswith(option + "="):
                included = (path.parent / line[len(option) + 1 :].strip()).resolve()
                if included.is_file() and included not in files:  # else pip reports it
                    files.extend(f for f in requirement_files(included) if f not in files)
    return files


def file_hash(path: Path) -> str:
    """Content hash used to notice edited requirement files."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_stamp() -> dict[str, str]:
    """Hashes of the requirement files installed so far ({} when unknown or unreadable)."""
    try:
        data = json.loads(STAMP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_stamp(hashes: dict[str, str]) -> None:
    """Record installed hashes atomically, so an interrupted run never leaves a bad stamp."""
    partial = STAMP.with_suffix(".tmp")
    partial.write_text(json.dumps(hashes, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    partial.replace(STAMP)


def ensure_requirements(requirements: Path) -> None:
    """Make .venv exist and hold `requirements`; skip pip when nothing changed since last time."""
    if not requirements.exists():
        raise BootstrapError(f"{requirements.name} is missing; is this a complete checkout?")
    fresh = not venv_works()
    if fresh:
        create_venv()
    stamp = {} if fresh else read_stamp()
    wanted = {os.path.relpath(f, ROOT): file_hash(f) for f in requirement_files(requirements)}
    if all(stamp.get(name) == digest for name, digest in wanted.items()):
        return
    changed = [name for name, digest in wanted.items() if stamp.get(name, digest) != digest]
    if changed:
        say(f"{' and '.join(changed)} changed; updating .venv…")
    else:
        say(f"Installing the packages in {requirements.name}…")
    command = [str(venv_bin("python")), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    # Every package, dependencies included, must match a hash in the lock file.
    command += ["--require-hashes"]
    result = subprocess.run([*command, "-r", str(requirements)], cwd=ROOT, check=False)
    if result.returncode != 0:
        raise BootstrapError(
            f"pip could not install {requirements.name} (see the error above).\n"
            "Check the network connection (PyPI must be reachable), then run this again."
        )
    write_stamp({**stamp, **wanted})


def ensure_system_packages() -> None:
    """Install the Debian packages the tests need (Chromium, fonts…); fast when present."""
    bash = shutil.which("bash")
    if bash is None:
        raise BootstrapError(
            f"The tests need the system packages in {SYSTEM_PACKAGES_SCRIPT.parent.name}/"
            "system-packages.txt, and installing them needs bash, which was not found."
        )
    result = subprocess.run([bash, str(SYSTEM_PACKAGES_SCRIPT)], cwd=ROOT, check=False)
    if result.returncode != 0:
        raise BootstrapError("Could not install the system packages the tests need (see above).")


def run_invoke(args: list[str]) -> None:
    """Hand over to invoke inside .venv, with .venv's bin directory first on PATH."""
    invoke = venv_bin("invoke")
    if not invoke.exists():
        raise BootstrapError(f"{invoke} is missing; delete .venv and run this again.")
    env = dict(os.environ, VIRTUAL_ENV=str(VENV))
    env["PATH"] = os.pathsep.join([str(invoke.parent), env.get("PATH", "")])
    env.pop("PYTHONHOME", None)
    os.chdir(ROOT)  # invoke looks for tasks.py from the current directory
    sys.stdout.flush()
    sys.stderr.flush()
    if WINDOWS:  # os.execv does not really replace the process on Windows
        raise SystemExit(subprocess.run([str(invoke), *args], env=env, check=False).returncode)
    os.execve(invoke, [str(invoke), *args], env)


def main(argv: list[str]) -> int:
    """Pick what to install from the task name, install it, then run the task."""
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__.strip())
        return 0
    check_python()
    task = argv[0]
    if task in DEV_TASKS:
        ensure_requirements(DEV_REQUIREMENTS)
        if task == "test":
            ensure_system_packages()
    else:
        ensure_requirements(RUNTIME_REQUIREMENTS)
    run_invoke(argv)
    return 0  # not reached: run_invoke replaces this process


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BootstrapError as error:
        print(f"bootstrap: {error}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("\nbootstrap: interrupted.", file=sys.stderr)
        sys.exit(130)
