"""The cache of checked releases (cache.py) and of the trial build's verdict: a warm run
says and builds exactly what a cold one does, and anything a result depends on is in its key.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from invoke import Context, Exit
from test_build import stable_digest

import tasks
from newsroom.cache import FOLDER, PACKAGE, SETTLED_NS, Store, code_version
from newsroom.content import Newsroom, load
from newsroom.problems import display_path
from newsroom.settings import NewsroomSettings
from support import AS_OF, ROOT, Site, git

LANGUAGES = ("en", "de")
RICH = """\
---
title: Example opens a second plant
subtitle: With everything a release can have
date: 2026-04-01T09:00:00+05:30
dateline: MUMBAI
category: products
tags: [grid software, hydrogen]
summary: Rich.
translation_key: second-plant
contacts: [press, ir]
forward_looking: true
image:
  file: plant.png
  alt: The plant
  caption: The plant at dawn
  credit: "Photo: Example"
attachments:
  - file: factsheet.pdf
    title: Fact sheet
updates:
  - date: 2026-04-02 10:00 UTC
    note: Linked [the first product](/news/2026/first-product/).
---
The plant makes [the first product](/news/2026/first-product/); see the
[fact sheet](factsheet.pdf).
"""
#: The German version uses the picture in the English version's folder.
REICH = """\
---
title: Example eröffnet ein zweites Werk
date: 2026-04-01T09:00:00+05:30
category: products
summary: Reich.
lang: de
translation_key: second-plant
image:
  file: plant.png
  alt: Das Werk
---
Das Werk.
"""


def rich_site(site: Site) -> Site:
    """The basic site with two releases that use every kind of value a release holds."""
    shutil.copytree(
        site.path / "releases/2026/with-files", site.path / "releases/2026/second-plant"
    )
    site.write("releases/2026/second-plant.md", RICH)
    site.write("releases/2026/zweites-werk.md", REICH)
    return site


def entries(site: Site, kind: str = "release") -> dict[Path, int]:
    """The cache's entries of ``kind`` beside the site, with the time each was written."""
    folder = site.path.parent / FOLDER
    return {p: p.stat().st_mtime_ns for p in sorted(folder.glob(f"*/{kind}/*/*.json"))}


def snapshots(site: Site) -> list[Path]:
    """The snapshots beside the site (cache.Snapshot)."""
    return sorted((site.path.parent / FOLDER).glob("*/snapshot/*"))


def loaded(site: Site, store: Store | None = None, **settings: object) -> Newsroom:
    options = NewsroomSettings(languages=LANGUAGES, **settings)  # type: ignore[arg-type]
    return load(site.path, options, root=site.path, cache=store)


def same(first: Newsroom, second: Newsroom) -> None:
    """Equal down to each instant's zone and each path: repr shows both, == does not."""
    assert repr(second.releases) == repr(first.releases)
    assert second.problems == first.problems


def test_a_warm_cache_builds_the_same_bytes(site: Site, tmp_path: Path) -> None:
    rich_site(site)
    site.build(tmp_path / "cold")
    written = entries(site)
    assert len(written) == 6  # one for each release, the embargoed one too
    site.build(tmp_path / "warm")
    assert entries(site) == written  # every release came from the cache, none was redone
    assert stable_digest(tmp_path / "warm") == stable_digest(tmp_path / "cold")


def test_a_warm_load_is_the_cold_load(site: Site, tmp_path: Path) -> None:
    rich_site(site)
    cold = Store(tmp_path / "cache")
    first = loaded(site, cold)
    assert (cold.hits, cold.writes) == (0, 6)
    warm = Store(tmp_path / "cache")
    second = loaded(site, warm)
    assert (warm.hits, warm.writes) == (6, 0)
    same(first, second)
    second_plant = next(r for r in second.releases if r.slug == "second-plant")
    assert second_plant.date.isoformat() == "2026-04-01T09:00:00+05:30"
    assert [c.key for c in second_plant.contacts] == ["press", "ir"]
    werk = next(r for r in second.releases if r.slug == "zweites-werk")
    assert werk.file_path("plant.png") == site.path / "releases/2026/second-plant/plant.png"


def test_a_changed_data_file_is_read_again(site: Site, tmp_path: Path) -> None:
    site.build(tmp_path / "before")
    company = site.path / "data/company.yml"
    company.write_text(
        company.read_text().replace("Actual results may differ.", "Results may vary widely.")
    )
    before = entries(site)
    site.build(tmp_path / "after")
    assert len(entries(site)) == 2 * len(before)  # every release was read again
    page = (tmp_path / "after/news/2025/q4-results/index.html").read_text()
    assert "Results may vary widely." in page


def test_a_data_change_that_breaks_a_release_is_reported(site: Site) -> None:
    rich_site(site)
    assert loaded(site).errors == []
    contacts = site.path / "data/contacts.yml"
    contacts.write_text(contacts.read_text().split("ir:\n")[0])
    assert [(p.path, p.field, p.rule) for p in loaded(site).errors] == [
        ("releases/2025/q4-results.md", "contacts[1]", "field-unknown-value"),
        ("releases/2026/second-plant.md", "contacts[2]", "field-unknown-value"),
    ]


def test_changed_settings_are_read_again(site: Site) -> None:
    assert loaded(site).errors == []
    assert {(p.path, p.rule) for p in loaded(site, title_max=20).errors} == {
        ("releases/2025/q4-results.md", "field-too-long"),
        ("releases/2026/embargoed-launch.md", "field-too-long"),
        ("releases/2026/first-product.md", "field-too-long"),
        ("releases/2026/with-files.md", "field-too-long"),
    }


def test_a_changed_picture_is_read_again(site: Site) -> None:
    before = next(r for r in loaded(site).releases if r.slug == "with-files")
    picture = site.path / "releases/2026/with-files/plant.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    problems = [(p.path, p.field, p.rule) for p in loaded(site).errors]
    assert before.image is not None and before.image.width > 0
    assert problems == [("releases/2026/with-files.md", "image.file", "image-unreadable")]


def test_a_changed_media_kit_picture_is_read_again(site: Site) -> None:
    """That a picture of the media kit decodes is kept by its bytes: the same name with
    other bytes is decoded again."""
    shutil.copytree(ROOT / "content/media/kit", site.path / "media/kit")
    site.write("data/media-kit.yml", (ROOT / "content/data/media-kit.yml").read_text("utf-8"))
    assert loaded(site).media_kit is not None
    assert len(entries(site, "picture")) == 4  # the PNG logos and the two photos
    portrait = site.path / "media/kit/ceo-portrait.jpg"
    portrait.write_bytes(portrait.read_bytes()[:300])
    problems = [(p.path, p.field, p.rule) for p in loaded(site).errors]
    assert problems == [("data/media-kit.yml", "executives.items[1].file", "image-unreadable")]


def test_another_code_version_reads_nothing(site: Site, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    first = loaded(site, Store(folder, "a" * 64))
    again = Store(folder, "a" * 64)
    same(first, loaded(site, again))
    assert (again.hits, again.writes) == (4, 0)
    other = Store(folder, "b" * 64)
    same(first, loaded(site, other))
    assert (other.hits, other.writes) == (0, 4)


def test_the_code_version_follows_the_source(tmp_path: Path) -> None:
    copy = tmp_path / "newsroom"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert code_version(copy) == code_version(PACKAGE)
    module = copy / "sanitize.py"
    module.write_text(module.read_text() + "\nALLOWED_EXTRA = ()\n")
    assert code_version(copy) != code_version(PACKAGE)


def _garbage(entry: dict[str, object], data: bytes) -> bytes:
    return b"\x00\xff not json"


def _truncated(entry: dict[str, object], data: bytes) -> bytes:
    return data[: len(data) // 2]


def _other_version(entry: dict[str, object], data: bytes) -> bytes:
    return json.dumps({**entry, "version": "0" * 64}).encode()


def _other_key(entry: dict[str, object], data: bytes) -> bytes:
    return json.dumps({**entry, "key": "0" * 64}).encode()


def _foreign_class(entry: dict[str, object], data: bytes) -> bytes:
    value = entry["value"]
    assert isinstance(value, dict)
    if value["release"] is not None:
        value["release"]["$"] = "Popen"
    value["problems"] = [["x", 1, "", "m", "f", "no-such-rule", "error"]]
    return json.dumps(entry).encode()


@pytest.mark.parametrize(
    "spoil", [_garbage, _truncated, _other_version, _other_key, _foreign_class]
)
def test_a_spoilt_entry_is_ignored(
    site: Site, spoil: Callable[[dict[str, object], bytes], bytes]
) -> None:
    rich_site(site)
    cold = loaded(site)
    for path in entries(site):
        data = path.read_bytes()
        path.write_bytes(spoil(json.loads(data), data))
    for path in snapshots(site):  # which holds every entry as it was
        path.unlink()
    same(cold, loaded(site))


def test_entries_swapped_between_keys_are_ignored(site: Site) -> None:
    """An entry under another release's name (a copy, or a file renamed into place) is not
    that release's: each entry names its own key."""
    rich_site(site)
    cold = loaded(site)
    paths = list(entries(site))
    contents = [p.read_bytes() for p in paths]
    for path, data in zip(paths, contents[1:] + contents[:1], strict=True):
        path.write_bytes(data)
    for path in snapshots(site):
        path.unlink()
    same(cold, loaded(site))


def settle(site: Site) -> None:
    """Wait until every file of the site changed long enough ago for its status to vouch
    for its bytes (cache.SETTLED_NS)."""
    time.sleep(SETTLED_NS / 1e9 + 0.2)


def test_the_snapshot_holds_every_entry(site: Site) -> None:
    """A warm check takes every release from the snapshot, each file's key from its status
    once it has settled, and writes nothing: not even a missing entry of the store."""
    rich_site(site)
    settle(site)
    cold = loaded(site)
    (snapshot,) = snapshots(site)
    for path in entries(site):
        path.unlink()
    written = snapshot.stat().st_mtime_ns
    same(cold, loaded(site))
    assert entries(site) == {}
    assert snapshot.stat().st_mtime_ns == written


def test_a_file_changed_with_its_size_and_time_kept_is_read_again(site: Site) -> None:
    """Only a status the file cannot keep through a change vouches for it: its size and
    modification time can be kept (or set back), its change time cannot."""
    rich_site(site)
    release = site.path / "releases/2026/second-plant.md"
    settle(site)
    loaded(site)
    before = release.stat()
    text = release.read_text()
    release.write_text(text.replace("Example opens", "Example shuts"))
    os.utime(release, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert release.stat().st_size == before.st_size
    assert release.stat().st_mtime_ns == before.st_mtime_ns
    second = next(r for r in loaded(site).releases if r.slug == "second-plant")
    assert second.title == "Example shuts a second plant"


def _cut_short(data: bytes) -> bytes:
    return data[:-1]


def _emptied(data: bytes) -> bytes:
    return b""


def _html_changed(data: bytes) -> bytes:
    # In the HTML, which comes as it is: only the checksum can tell.
    assert data.count(b"The plant makes") == 1
    return data.replace(b"The plant makes", b"The plant burns")


def _header_changed(data: bytes) -> bytes:
    return data.replace(b'"sha256":"', b'"sha256":"0', 1)


def _lengths_changed(data: bytes) -> bytes:
    return data[:-12] + b"%012d" % (int(data[-12:]) - 1)


def _header_too_long(data: bytes) -> bytes:
    return data[:-12] + b"%012d" % (len(data) * 2)


@pytest.mark.parametrize(
    "spoil",
    [_cut_short, _emptied, _html_changed, _header_changed, _lengths_changed, _header_too_long],
)
def test_a_damaged_snapshot_is_never_trusted(site: Site, spoil: Callable[[bytes], bytes]) -> None:
    rich_site(site)
    settle(site)
    cold = loaded(site)
    (snapshot,) = snapshots(site)
    for path in entries(site):  # so that a release not taken from the snapshot is checked
        path.unlink()
    snapshot.write_bytes(spoil(snapshot.read_bytes()))
    same(cold, loaded(site))
    assert len(entries(site)) == 6


def run_check(site: Site, capsys: pytest.CaptureFixture[str], settings: Path | None = None) -> str:
    """The real task's output, with paths shown from the site's folder."""
    options = {"settings": str(settings)} if settings else {}
    try:
        tasks.check(Context(), content=str(site.path), **options)
    except Exit as err:
        assert err.code == 1
    return capsys.readouterr().out.replace(display_path(site.path, ROOT) + "/", "")


def test_the_check_says_the_same_with_a_warm_cache(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    site.write(
        "releases/2026/early.md",
        "---\ntitle: Early\ndate: 2026-01-05 09:00 Europe/Berlin\ncategory: gadgets\n"
        "summary: S.\n---\nSee [the launch](/news/2026/embargoed-launch/).\n",
    )
    site.write(
        "releases/2026/teaser.md",
        "---\ntitle: Teaser\ndate: 2026-01-05 09:00 Europe/Berlin\ncategory: products\n"
        "summary: S.\n---\nSee [the launch](/news/2026/embargoed-launch/).\n",
    )
    first = run_check(site, capsys)
    assert first.splitlines() == [
        'releases/2026/early.md:4: category: "gadgets" is not one of the site\'s topics '
        "(content/data/topics.yml). Use one of: financial-results, products.",
        "releases/2026/teaser.md:7: body: links to /news/2026/embargoed-launch/, which goes "
        "live on December 3, 2026, 07:00 CET. Give both the same instant, or add the link "
        "once it is live.",
        "2 errors in 2 files. Fix the errors above, then run the check again.",
    ]
    assert run_check(site, capsys) == first
    # The link is checked again on every run: the teaser's own entry is unchanged, but
    # the release it links to now goes live first.
    launch = site.path / "releases/2026/embargoed-launch.md"
    launch.write_text(launch.read_text().replace("2026-12-03", "2026-01-02"))
    assert run_check(site, capsys).splitlines() == [
        *first.splitlines()[:1],
        "1 error in 1 file. Fix the errors above, then run the check again.",
    ]


def test_the_trial_verdict_is_kept_until_the_theme_changes(
    site: Site, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    settings = tmp_path / "themeconf.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"THEME = {str(theme)!r}\nPLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
    )
    # A release far ahead fixes the trial's instant, whatever the day the test runs on.
    site.write(
        "releases/2100/far-ahead.md",
        "---\ntitle: Far ahead\ndate: 2100-01-04 09:00 Europe/Berlin\ncategory: products\n"
        "summary: S.\n---\nB.\n",
    )
    passed = "All good: 5 releases and 2 pages checked.\n"
    assert run_check(site, capsys, settings) == passed
    verdict = entries(site, "trial")
    assert len(verdict) == 1
    assert run_check(site, capsys, settings) == passed
    assert entries(site, "trial") == verdict  # the kept verdict, no second build
    page = theme / "templates" / "article.html"
    page.write_text(
        '{% if article.title == "Example opens a new plant" %}{{ no_such_value }}{% endif %}\n'
        + page.read_text()
    )
    failed = run_check(site, capsys, settings)
    assert failed.splitlines()[0].startswith(
        "releases/2026/with-files.md: the site cannot be built once this release is live "
        "(UndefinedError: 'no_such_value' is undefined)."
    )
    assert run_check(site, capsys, settings) == failed
    assert len(entries(site, "trial")) == 2


def test_a_cache_committed_to_the_repository_is_never_read(site: Site) -> None:
    """Entries are trusted as this machine's own work: one a pull request commits is not."""
    rich_site(site)
    assert Store.beside(site.path).folder is not None
    loaded(site, Store.beside(site.path))  # writes an entry for every release
    root = site.path.parent
    git(root, "init", "-q")
    git(root, "add", "-f", ".cache")
    git(root, "commit", "-qm", "A cache entry, committed")
    store = Store.beside(site.path)
    assert store.folder is None
    loaded(site, store)
    assert (store.hits, store.writes) == (0, 0)


def test_a_cache_reached_through_a_committed_link_is_never_read(site: Site) -> None:
    """git lists nothing beyond a committed symbolic link: ``.cache`` pointing at a committed
    folder of entries would pass for this machine's own cache."""
    rich_site(site)
    loaded(site, Store.beside(site.path))
    root = site.path.parent
    (root / ".cache").rename(root / "entries")
    (root / ".cache").symlink_to("entries")
    git(root, "init", "-q")
    git(root, "add", "-f", ".cache", "entries")
    git(root, "commit", "-qm", "A link to committed entries")
    store = Store.beside(site.path)
    assert store.folder is None
    loaded(site, store)
    assert (store.hits, store.writes) == (0, 0)


@pytest.mark.parametrize("refusal", ["dubious-ownership", "unreadable-repository"])
def test_a_repository_git_will_not_read_keeps_the_cache_unread(site: Site, refusal: str) -> None:
    """When git cannot say whether the cache is committed (a checkout owned by another user,
    as in CI containers, or a damaged repository), the cache is not read: it might be."""
    rich_site(site)
    loaded(site, Store.beside(site.path))
    root = site.path.parent
    git(root, "init", "-q")
    git(root, "add", "-f", ".cache")
    git(root, "commit", "-qm", "A cache entry, committed")
    if refusal == "dubious-ownership":
        if os.geteuid() != 0:
            pytest.skip("making a checkout owned by another user needs root")
        for path in (root, *root.rglob("*")):
            os.lchown(path, 4321, 4321)
    else:
        shutil.rmtree(root / ".git")
        (root / ".git").write_text("gitdir: /nowhere\n")
    store = Store.beside(site.path)
    assert store.folder is None
    loaded(site, store)
    assert (store.hits, store.writes) == (0, 0)


def invoke(task: str, site: Site, out: Path) -> subprocess.CompletedProcess[str]:
    """The real ``invoke check`` or ``invoke build`` of ``site``, in a process of its own."""
    command = [sys.executable, "-m", "invoke", task, "--content", str(site.path)]
    if task == "build":
        command += ["--output", str(out), "--as-of", AS_OF]
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GITHUB_SHA")}
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=600
    )


#: What ``invoke check`` and ``invoke build`` say, once, of a check cache they will not use.
COMMITTED_CHECK_CACHE = (
    ".cache/newsroom is committed to the repository (or reached through a symbolic link): "
    "nothing kept there is used, and all of it is made again. Remove it from git (git rm -r "
    "--cached .cache); .cache/ is git-ignored."
)


@pytest.mark.parametrize("task", ["check", "build"])
@pytest.mark.parametrize("how", ["committed", "linked"])
def test_a_committed_check_cache_is_refused_in_words(
    site: Site, tmp_path: Path, task: str, how: str
) -> None:
    """Refused silently, a committed cache only made every check slow; the person who runs
    it is told why, and what to do, once however often the run looks at the cache."""
    root = site.path.parent
    first = invoke(task, site, tmp_path / "first")
    assert first.stderr == ""
    assert entries(site)  # the first run filled it
    if how == "linked":  # git lists nothing beyond a committed link
        (root / ".cache").rename(root / "entries")
        (root / ".cache").symlink_to("entries")
    git(root, "init", "-q")
    git(root, "add", "-f", ".cache/newsroom" if how == "committed" else ".cache")
    git(root, "commit", "-qm", "The check's cache, committed")
    written = entries(site)

    again = invoke(task, site, tmp_path / "again")
    done = {"check": "All good: 4 releases and 2 pages checked.", "build": "Built "}[task]
    assert again.stdout.splitlines()[-1].startswith(done)
    warnings = again.stderr.splitlines()
    if how == "committed":
        assert warnings == [COMMITTED_CHECK_CACHE]
    else:  # every cache behind the link is refused, each named once
        assert warnings.count(COMMITTED_CHECK_CACHE) == 1
        assert len(warnings) == len(set(warnings))
    assert entries(site) == written  # nothing read, nothing added
