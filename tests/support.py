"""Helpers shared by the tests: a small real site on disk, loaded and built as the CLI does."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT))

from newsroom import commands  # noqa: E402
from newsroom.content import Newsroom, load  # noqa: E402
from newsroom.dates import parse_as_of  # noqa: E402
from newsroom.settings import NewsroomSettings  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
AS_OF = "2026-11-23T12:00:00Z"
#: When the published fixture site was committed (see ``published``): an hour before AS_OF.
COMMITTED = "2026-11-23T11:00:00Z"


def git(repo: Path, *args: str) -> None:
    """Run git in ``repo`` with a fixed identity and commit time, as the check reads them."""
    env = {**os.environ, "GIT_COMMITTER_DATE": COMMITTED, "GIT_AUTHOR_DATE": COMMITTED}
    ident = ["-c", "user.name=T", "-c", "user.email=t@example.com"]
    subprocess.run(
        ["git", "-C", str(repo), *ident, *args], check=True, capture_output=True, env=env
    )


def published(repo: Path) -> Path:
    """A git repository whose main branch holds the basic fixture site as published content."""
    shutil.copytree(FIXTURES / "basic", repo / "content")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "Published")
    return repo


def check_against(repo: Path, ref: str = "main") -> Newsroom:
    """The real ``invoke check --against REF`` on the working tree of ``repo``, as of AS_OF."""
    settings = commands.pelican_settings(
        ROOT / "pelicanconf.py", as_of=AS_OF, content=repo / "content"
    )
    newsroom = commands.check(settings, repo)
    commands.check_against(newsroom, ref, settings, repo)
    return newsroom


def settings_file_newsroom() -> dict[str, object]:
    """The NEWSROOM dict of pelicanconf.py, which a test extends with its own keys."""
    namespace: dict[str, object] = {}
    exec((ROOT / "pelicanconf.py").read_text("utf-8"), namespace)
    return dict(namespace["NEWSROOM"])  # type: ignore[arg-type]


class Site:
    """A copy of a fixture site in a temporary folder that a test may change freely."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, relative: str, text: str | bytes) -> Path:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
        return target

    def load(self, **settings: object) -> Newsroom:
        # In English and German, like the sample newsroom (pelicanconf.py), unless told.
        settings.setdefault("languages", ("en", "de"))
        # As of the suite's fixed instant, as builds are: the fixtures' embargoes never expire.
        settings.setdefault("as_of", parse_as_of(AS_OF))
        return load(self.path, NewsroomSettings(**settings), root=self.path)  # type: ignore[arg-type]

    def build(
        self, output: Path, as_of: str = AS_OF, *, printed: TextIO | None = None, **extra: object
    ) -> None:
        """``commands.build`` in this process; what it prints goes to ``printed`` if given."""
        if isinstance(extra.get("NEWSROOM"), dict):
            # In English and German, like the sample newsroom (pelicanconf.py), unless told.
            extra["NEWSROOM"] = {"languages": ["en", "de"], **extra["NEWSROOM"]}  # type: ignore[dict-item]
        settings = commands.pelican_settings(
            ROOT / "pelicanconf.py",
            as_of=as_of,
            output=output,
            content=self.path,
            extra={"NEWSROOM_ROOT": str(self.path), **extra},
        )
        commands.build(settings, out=printed)


def with_releases(site: Site, count: int) -> Site:
    """The basic site and ``count`` more releases, some in German, some updated."""
    for n in range(count):
        front = (
            f"---\ntitle: Example release number {n}\n"
            f"date: 2025-{n % 12 + 1:02d}-{n % 27 + 1:02d} 09:{n % 60:02d} Europe/Berlin\n"
            f"category: {('products', 'financial-results')[n % 2]}\n"
            f'tags: [grid software, number {n % 5}]\nsummary: Release {n} & "quotes".\n'
        )
        if n % 6 == 1:
            front += f"lang: de\ntranslation_key: numbered-{n - 1}\n"
        elif n % 6 == 0:
            front += f"translation_key: numbered-{n}\n"
        if n % 7 == 3:
            front += "updates:\n  - date: 2026-01-05 10:00 UTC\n    note: A figure corrected.\n"
        body = f"Example today said that its *grid software* runs in {n} more cities.\n\n" * (
            1 + n % 4
        )
        site.write(f"releases/2025/numbered-{n}.md", front + "---\n" + body)
    return site


#: A release a pull request adds: embargoed until after AS_OF, with a picture (lab.png).
KIEL_LAB = """---
title: Example opens a grid lab in Kiel
date: 2026-12-10 09:30 Europe/Berlin
category: products
summary: The lab in Kiel tests grid software at scale.
image:
  file: lab.png
  alt: The lab's test hall
---
The lab opens its doors.
"""


def theme_with(folder: Path, article: Callable[[str], str]) -> Path:
    """A copy of the theme in ``folder``, its release template's text changed by ``article``:
    a company's own theme, for tests of what the build does with it."""
    theme = folder / "theme"
    shutil.copytree(ROOT / "theme", theme)
    template = theme / "templates/article.html"
    template.write_text(article(template.read_text("utf-8")), encoding="utf-8")
    return theme


def add_kiel_lab(repo: Path, size: tuple[int, int] = (640, 320)) -> None:
    """Add KIEL_LAB and its picture to the working tree of ``repo`` (uncommitted)."""
    from PIL import Image

    folder = repo / "content" / "releases" / "2026"
    (folder / "kiel-lab.md").write_text(KIEL_LAB, encoding="utf-8")
    (folder / "kiel-lab").mkdir()
    Image.new("RGB", size, (20, 90, 160)).save(folder / "kiel-lab" / "lab.png")


def children_of(pid: int, *, running: bool = False) -> list[int]:
    """The processes ``pid`` started that are still there; with ``running``, not those that
    ended and wait for ``pid`` to collect them (zombies)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return [child for child in found if not running or _state(child) not in ("Z", None)]


def _state(pid: int) -> str | None:
    """The state letter of ``pid`` (R, S, Z...); None when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return None


def forked(pid: int) -> list[int]:
    """The children of ``pid`` that are copies of it (forked workers)."""
    own = Path(f"/proc/{pid}/cmdline").read_bytes()
    found = []
    for child in children_of(pid):
        try:
            if Path(f"/proc/{child}/cmdline").read_bytes() == own:
                found.append(child)
        except OSError:  # ended meanwhile
            continue
    return found


def file_writers(pid: int) -> list[int]:
    """The processes running ``filewriter.py``'s code (the API's records, the release pages'
    folders) below ``pid``: its children, or those of the copy of it that runs Pelican
    (``invoke build`` forks the build: forked.py)."""
    found = []
    for parent in [pid, *forked(pid)]:
        for child in children_of(parent):
            try:
                if b"struct.unpack" in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.append(child)
            except OSError:  # ended meanwhile
                continue
    return found


def build_workers(pid: int) -> list[int]:
    """The forked workers of ``invoke build`` (``pid``): copies of the copy of it that runs
    the check and Pelican (commands._build forks the build; forked.py)."""
    return [worker for build in forked(pid) for worker in forked(build)]


def group(leader: int) -> list[int]:
    """The processes still alive in the process group ``leader`` leads."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[2]) == leader and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def start_build(
    site: Site, out: Path, output: int = subprocess.DEVNULL, **env: str
) -> subprocess.Popen[bytes]:
    """The real ``invoke build`` of ``site`` into ``out``, in a process group of its own, as a
    terminal's foreground job: for tests that signal it while its workers run. Its output
    goes to ``output`` (subprocess.PIPE to read it); ``env`` is added to the environment."""
    command = ["build", "--content", str(site.path), "--output", str(out), "--as-of", AS_OF]
    return subprocess.Popen(
        [sys.executable, "-m", "invoke", *command],
        cwd=ROOT,
        stdout=output,
        stderr=output,
        start_new_session=True,
        env={**os.environ, **env},
    )


def survivors_of_kill(leader: subprocess.Popen[bytes], deadline: float) -> list[int]:
    """SIGKILL ``leader`` alone (not its group), which leaves it no chance to stop its
    workers; the processes of its group still alive once they had until ``deadline``."""
    leader.kill()
    leader.wait()
    while group(leader.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    return group(leader.pid)


def end_group(leader: subprocess.Popen[bytes]) -> None:
    """Whatever a failed test left of ``leader``'s group is ended."""
    if group(leader.pid):
        os.killpg(leader.pid, signal.SIGKILL)


def file_status(path: Path) -> list[int]:
    """A file's status as the pages' record keeps it (pagerecord.py), its link not followed."""
    info = path.lstat()
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def rewritten_in_place(path: Path) -> None:
    """Other bytes of the same length written into the file in place, its modification time
    then set back (``touch -d``): only its change time tells."""
    info = path.stat()
    path.write_bytes(path.read_bytes().replace(b"html", b"HTML", 1))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def replaced_alike(path: Path) -> None:
    """The file replaced by another of the same length and modification time."""
    info = path.stat()
    other = path.with_name(f".{path.name}.other")
    other.write_bytes(path.read_bytes().replace(b"html", b"HTML", 1))
    os.utime(other, ns=(info.st_atime_ns, info.st_mtime_ns))
    other.replace(path)


#: A file changed so that its size and modification time stay as they were.
SAME_SIZE_AND_TIME: dict[str, Callable[[Path], None]] = {
    "written in place, its time set back": rewritten_in_place,
    "replaced": replaced_alike,
}
