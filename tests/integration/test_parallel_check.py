"""The check on every core (parallel.py): the files the cache lacks are checked in forked
workers, and the check says, loads and keeps exactly what it does in one process, whatever
the files hold and whatever happens to a worker.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from invoke import Context, Exit

import tasks
from newsroom import parallel
from newsroom.cache import Store
from newsroom.content import Newsroom, load
from newsroom.problems import display_path
from newsroom.settings import NewsroomSettings
from support import ROOT, Site, children_of, end_group, forked, group, survivors_of_kill

LANGUAGES = ("en", "de")
#: Enough files that the check forks workers by itself (``parallel.PARALLEL_FROM``).
COUNT = 2 * parallel.PARALLEL_FROM
PARAGRAPH = (
    "Example today said that its *grid software* now runs in {n} more cities, with "
    '[the first product](/news/2026/first-product/) and "quotes" -- set as a typographer '
    "would.\n\n"
)


def release(n: int, translated: bool = True) -> str | bytes:
    """Release number ``n``: most are fine, one in each few has something wrong with it;
    unless ``translated`` is False, some are translations of each other."""
    front = (
        f"---\ntitle: Example release number {n}\n"
        f"date: 2025-{n % 12 + 1:02d}-{n % 27 + 1:02d} 09:00 Europe/Berlin\n"
        "category: products\ntags: [grid software]\nsummary: Numbered.\n"
    )
    body = PARAGRAPH.format(n=n) * (3 + n % 5)
    match n % 8 if translated or n % 8 not in (4, 5) else 0:
        case 1:  # markup the sanitizer removes: a warning from the worker's Markdown
            body += '<script>alert("x")</script>\n\n<p class="banner">Hi</p>\n'
        case 2:  # a link to nothing, found in the worker and checked across files here
            body += f"See [the missing release](/news/2025/missing-{n}/).\n"
        case 3:  # an error in a field
            front = front.replace("category: products", "category: gadgets")
        case 4:  # versions of one release, the German one using the English one's picture
            front += f"translation_key: plant-{n // 8}\n"
            front += "image:\n  file: plant.png\n  alt: The plant\n"
        case 5 if n % 16 == 13:  # the key's name written with an escape, as YAML allows
            front += f'lang: de\n"translation\\x5fkey": plant-{n // 8}\n'
            front += "image:\n  file: plant.png\n  alt: Das Werk\n"
        case 5:
            front += f"lang: de\ntranslation_key: plant-{n // 8}\n"
            front += "image:\n  file: plant.png\n  alt: Das Werk\n"
        case 6:  # text that is not UTF-8
            return (front + "---\n").encode() + b"Caf\xe9 and \xff\xfe.\n"
        case 7:  # front matter YAML cannot read
            front += "tags: [unclosed\n"
    if n % 16 == 0:
        front += (
            "updates:\n  - date: 2026-01-05 10:00 UTC\n"
            "    note: See [the plant](/news/2099/nothing/).\n"
        )
    return front + "---\n" + body


def many(site: Site, count: int = COUNT, translated: bool = True) -> Site:
    """The basic site and ``count`` more releases, with a picture for each translated pair,
    a long one and one too big to read."""
    for n in range(count):
        name = f"releases/2025/numbered-{n:03d}.md"
        site.write(name, release(n, translated))
        if n % 8 == 4 and translated:
            shutil.copy(
                site.path / "releases/2026/with-files/plant.png",
                site.write(f"releases/2025/numbered-{n:03d}/plant.png", b"").parent,
            )
    site.write(  # checked by a worker, which sends back half a megabyte
        "releases/2025/long.md",
        "---\ntitle: Long\ndate: 2025-02-03 09:00 Europe/Berlin\ncategory: products\n"
        "summary: Long.\n---\n" + "All of it, at length.\n\n" * 20_000,
    )
    site.write(
        "releases/2025/huge.md",
        "---\ntitle: Huge\ndate: 2025-02-03 09:00 Europe/Berlin\ncategory: products\n"
        "summary: Big.\n---\n" + "All of it. " * 60_000,
    )
    return site


def loaded(site: Site, store: Store, workers: int) -> Newsroom:
    return load(site.path, NewsroomSettings(languages=LANGUAGES), site.path, store, workers)


def children_cpu() -> float:
    """CPU seconds of this process's children that have ended: the workers' work."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def kept(store: Store) -> dict[str, bytes]:
    """Every entry in ``store``, by its path inside the store."""
    assert store.folder is not None
    return {
        str(path.relative_to(store.folder)): path.read_bytes()
        for path in sorted(store.folder.rglob("*.json"))
    }


def assert_same(parallel_run: Newsroom, sequential: Newsroom) -> None:
    """Equal down to each instant's zone and each path (repr shows both), in order."""
    assert [p.text() for p in parallel_run.problems] == [p.text() for p in sequential.problems]
    assert parallel_run.problems == sequential.problems
    assert repr(parallel_run.releases) == repr(sequential.releases)


def test_workers_check_what_one_process_checks(site: Site, tmp_path: Path) -> None:
    many(site)
    before = children_cpu()
    sequential = loaded(site, Store(tmp_path / "one", "v"), workers=1)
    assert children_cpu() == before  # nothing was forked
    on_two = loaded(site, Store(tmp_path / "two", "v"), workers=2)
    assert children_cpu() > before  # the releases were checked by workers
    assert_same(on_two, sequential)
    # The workers wrote the entries, the same ones; the releases they sent name the site's
    # own topics, as releases made here do.
    assert kept(Store(tmp_path / "two", "v")) == kept(Store(tmp_path / "one", "v"))
    assert on_two.site is not None
    assert all(r.topic is on_two.site.topics[r.topic.key] for r in on_two.releases)
    assert len(on_two.releases) == 5 + COUNT * 5 // 8  # the three bad kinds are not
    shown = [p.text() for p in on_two.problems]
    assert [text for text in shown if text.startswith("releases/2025/numbered-001.md")] == [
        "releases/2025/numbered-001.md:8: body: links to /news/2026/first-product/, which goes "
        "live on March 2, 2026, 09:00 CET. Give both the same instant, or add the link once "
        "it is live.",
        "releases/2025/numbered-001.md:16: warning: body: a <script> element was removed. "
        "Scripts, frames, forms and event handlers are never published; delete it, or link "
        "to the material instead.",
        "releases/2025/numbered-001.md:18: warning: body: a class= attribute in a <p> tag was "
        "removed. Classes and ids belong to the site's own design, so that no text can pass "
        "for its banners; delete it.",
    ]
    assert (
        "releases/2025/huge.md:1: this file is 645 KB; a content file may be at most 512 KB. "
        "Keep the text of the release in the file and attach large material (reports, "
        "images) as separate files."
    ) in shown
    assert not [text for text in shown if text.startswith("releases/2025/long.md")]
    long = next(r for r in on_two.releases if r.slug == "long")
    assert len(long.body_html) > 400_000


def test_a_warm_check_after_a_parallel_one_says_the_same(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The real task: a cold check (on every core, on a machine with several) and a warm
    one (every release from the cache) print the same."""
    many(site)

    def check() -> str:
        with pytest.raises(Exit):
            tasks.check(Context(), content=str(site.path))
        return capsys.readouterr().out.replace(display_path(site.path, ROOT) + "/", "")

    cold = check()
    assert check() == cold
    assert "releases/2025/numbered-003.md:4: category:" in cold


def test_text_too_deep_for_markdown_is_told_as_in_one_process(site: Site, tmp_path: Path) -> None:
    """Python-Markdown runs out of stack on lists nested hundreds deep: the author is told,
    alike in a worker and here, and the texts checked after it come out whole."""
    many(site)
    site.write(
        "releases/2025/numbered-040.md",
        "---\ntitle: Deep\ndate: 2025-02-03 09:00 Europe/Berlin\ncategory: products\n"
        "summary: Deep.\n---\n" + "- " * 3000 + "x\n",
    )
    sequential = loaded(site, Store(tmp_path / "one", "v"), workers=1)
    on_two = loaded(site, Store(tmp_path / "two", "v"), workers=2)
    assert_same(on_two, sequential)
    assert kept(Store(tmp_path / "two", "v")) == kept(Store(tmp_path / "one", "v"))
    assert [p.text() for p in on_two.problems if p.path.endswith("numbered-040.md")] == [
        "releases/2025/numbered-040.md:7: body: the text puts lists or quotes inside each "
        "other too many levels deep to be read. Use a few levels at most: start fewer lines "
        "with - or >, or with spaces before them."
    ]
    after = next(r for r in on_two.releases if r.slug == "numbered-041")
    assert '<a href="/news/2026/first-product/"' in after.body_html


def test_translation_keys_read_by_workers_are_the_ones_read_here(
    site: Site, tmp_path: Path
) -> None:
    """Enough releases name a translation key that workers read their YAML for it."""
    many(site, 4 * COUNT)
    named = [n for n in range(4 * COUNT) if n % 8 in (4, 5)]
    assert parallel.workers_for(len(named), 2) == 2
    sequential = loaded(site, Store(tmp_path / "one", "v"), workers=1)
    on_two = loaded(site, Store(tmp_path / "two", "v"), workers=2)
    assert_same(on_two, sequential)
    assert kept(Store(tmp_path / "two", "v")) == kept(Store(tmp_path / "one", "v"))
    # Its key is written with an escape, and it shows its English version's picture.
    werk = next(r for r in on_two.releases if r.slug == "numbered-013")
    assert werk.translation_key == "plant-1"
    assert werk.file_path("plant.png") == site.path / "releases/2025/numbered-012/plant.png"


@pytest.mark.parametrize(
    "translated", [True, False], ids=["reading translation keys", "checking releases"]
)
def test_a_killed_worker_costs_time_not_a_result(
    site: Site, tmp_path: Path, translated: bool
) -> None:
    """The first worker forked is killed: with translations, one reading their keys (the
    first workers of a check), without, one checking releases."""
    many(site, 4 * COUNT, translated)
    sequential = loaded(site, Store(tmp_path / "one", "v"), workers=1)
    before = set(children_of(os.getpid()))  # the session's own: a browser's driver, a server
    killed: list[int] = []

    def kill_a_worker() -> None:
        deadline = time.monotonic() + 60
        while not killed and time.monotonic() < deadline:
            # Forked copies of this process only: not a browser's driver or a server the
            # session started, which are children too.
            for pid in forked(os.getpid()):
                os.kill(pid, signal.SIGKILL)  # as the kernel does to a process out of memory
                killed.append(pid)
                break
            time.sleep(0.001)

    killer = threading.Thread(target=kill_a_worker)
    killer.start()
    try:
        on_two = loaded(site, Store(tmp_path / "two", "v"), workers=2)
    finally:
        killed.append(0)  # stops the thread if no worker was seen
        killer.join()
    assert killed[0] != 0
    assert_same(on_two, sequential)
    assert kept(Store(tmp_path / "two", "v")) == kept(Store(tmp_path / "one", "v"))
    assert set(children_of(os.getpid())) <= before


def _start_check(site: Site, output: int) -> subprocess.Popen[bytes]:
    """The real invoke check of ``site``, in a process group of its own, as a terminal's
    foreground job."""
    return subprocess.Popen(
        [sys.executable, "-m", "invoke", "check", "--content", str(site.path)],
        cwd=ROOT,
        stdout=output,
        stderr=output,
        start_new_session=True,
    )


def test_ctrl_c_leaves_no_worker_behind(site: Site) -> None:
    """Ctrl-C in a terminal reaches the check and its workers at once; all of them end."""
    many(site, 8 * COUNT)
    check = _start_check(site, subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        # Soon after the first worker is forked, while the others may still be starting.
        seen: set[int] = set()
        while not seen.intersection(copies := forked(check.pid)):
            assert check.poll() is None and time.monotonic() < deadline, check.communicate()
            seen = set(copies)
            time.sleep(0.005)  # longer than git, which the check also runs, stays a copy
        os.killpg(check.pid, signal.SIGINT)
        _, err = check.communicate(timeout=60)
    finally:
        with_group = group(check.pid)
        if check.poll() is None or with_group:
            os.killpg(check.pid, signal.SIGKILL)
            check.wait()
    assert check.returncode != 0
    assert with_group == []
    assert err.count(b"KeyboardInterrupt") <= 1, err.decode()  # none from the workers


def test_workers_end_with_a_check_killed_outright(site: Site) -> None:
    """SIGKILL to the check alone (not its group) leaves it no chance to stop its workers."""
    many(site, 8 * COUNT)
    check = _start_check(site, subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while len(workers := forked(check.pid)) < 2:
            assert check.poll() is None and time.monotonic() < deadline
            time.sleep(0.005)
        assert survivors_of_kill(check, deadline) == [], workers
    finally:
        end_group(check)
