"""A rebuild with nothing changed writes nothing but build.json until the site is due to
change; any change to what a build reads builds.

In-process builds of the small fixture site through ``commands.build_in``, the call
``invoke build`` makes, and the real ``invoke build`` in fresh interpreters.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from test_build import stable_digest

from newsroom import commands
from newsroom.manifest import FOLDER, LastBuild
from support import AS_OF, ROOT, Site, git

#: Before the fixture's embargoed release lifts (2026-12-03 07:00 Europe/Berlin), and after.
BEFORE_LIFT, AFTER_LIFT = "2026-12-03T05:59:59Z", "2026-12-03T06:00:00Z"
KEPT = (
    "Nothing changed since the last build of {out}, and the site stays as it is until {until}: "
    "its files are left as they are, but build.json.\n"
)
#: The fixture's window at AS_OF: from with-files leaving the news sitemap, two days after
#: its instant, until the embargoed release lifts.
SINCE, UNTIL = "2026-06-03T14:00:00Z", "2026-12-03 06:00:00 UTC"
NEW_RELEASE = """---
title: Example opens an office in Lyon
date: 2026-05-04 09:00 Europe/Paris
category: products
summary: The office in Lyon opens.
---
The office opens.
"""


class Builds:
    """Builds of one fixture site into one output folder, as ``invoke build`` runs them."""

    def __init__(self, site: Site, out: Path, tmp: Path) -> None:
        self.site, self.out, self.tmp = site, out, tmp
        self.extra: dict[str, object] = {"NEWSROOM_ROOT": str(site.path)}
        self.settings_file = ROOT / "pelicanconf.py"

    def settings(self, as_of: str = AS_OF) -> dict[str, object]:
        return commands.pelican_settings(
            self.settings_file,
            as_of=as_of,
            output=self.out,
            content=self.site.path,
            extra=dict(self.extra),
        )

    def run(self, as_of: str = AS_OF) -> tuple[bool, str]:
        """Whether the build built (False: it kept the output), and what it printed."""
        printed = io.StringIO()
        built = commands.build_in(
            self.settings_file,
            output=self.out,
            as_of=as_of,
            content=self.site.path,
            extra=dict(self.extra),
            out=printed,
        )
        return built, printed.getvalue()

    @property
    def manifest(self) -> Path:
        return LastBuild.of(self.settings()).path


@pytest.fixture
def builds(site: Site, tmp_path: Path) -> Builds:
    return Builds(site, tmp_path / "out", tmp_path)


def state(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file's bytes, change time and inode: what "writes nothing" must leave alone.
    build.json is written again on every build, so only its bytes count."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino)
        if p.name != "build.json"
        else (p.read_bytes(), 0, 0)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def build_record(out: Path) -> dict[str, str]:
    return json.loads((out / "build.json").read_text(encoding="utf-8"))


def test_a_rebuild_with_nothing_changed_writes_nothing_but_build_json(builds: Builds) -> None:
    assert builds.run() == (True, "")
    before = state(builds.out)
    assert builds.run() == (False, KEPT.format(out=builds.out, until=UNTIL))
    assert state(builds.out) == before
    assert builds.run()[0] is False  # and again: keeping changes nothing either


def test_the_site_is_built_as_of_the_last_change_and_build_json_names_the_instant(
    builds: Builds,
) -> None:
    builds.run()
    record = json.loads((builds.out / "disclosures.json").read_text(encoding="utf-8"))
    assert record["generated_for"] == SINCE
    assert 'as of <time datetime="2026-06-03T14:00:00Z">' in (
        builds.out / "disclosures/index.html"
    ).read_text(encoding="utf-8")
    assert build_record(builds.out)["as_of"] == "2026-11-23T12:00:00Z"


def test_the_kept_output_is_byte_identical_to_a_fresh_build(builds: Builds, tmp_path: Path) -> None:
    builds.run()
    assert builds.run()[0] is False
    fresh = Builds(builds.site, tmp_path / "fresh", tmp_path)
    assert fresh.run()[0] is True
    assert stable_digest(builds.out) == stable_digest(fresh.out)


def test_the_manifest_lies_beside_the_content_folder_not_in_the_output(builds: Builds) -> None:
    builds.run()
    assert builds.manifest.parent == builds.site.path.parent / FOLDER
    assert builds.manifest.is_file()
    record = json.loads(builds.manifest.read_bytes())
    assert record["output"] == str(builds.out)
    assert not any("newsroom-build" in str(p) for p in builds.out.rglob("*"))


def edit_release(b: Builds) -> None:
    path = b.site.path / "releases/2026/first-product.md"
    path.write_bytes(path.read_bytes().replace(b"first** product.", b"first** product!"))


def add_release(b: Builds) -> None:
    b.site.write("releases/2026/lyon-office.md", NEW_RELEASE)


def delete_release(b: Builds) -> None:
    (b.site.path / "releases/2026/first-product.md").unlink()


def add_data_byte(b: Builds) -> None:
    with (b.site.path / "data/topics.yml").open("ab") as data:
        data.write(b"\n")


def edit_theme(b: Builds) -> None:
    # Copied before the first build (set_up_theme_and_plugins), changed here.
    with (b.tmp / "theme/templates/base.html").open("a", encoding="utf-8") as template:
        template.write("{# a comment changes no page, but the theme is not the same #}\n")


def edit_plugin(b: Builds) -> None:
    with (b.tmp / "plugins/newsroom/urls.py").open("a", encoding="utf-8") as module:
        module.write("# a comment\n")


def add_plugin_file(b: Builds) -> None:
    (b.tmp / "plugins/newsroom/notes.txt").write_text("a new file\n", encoding="utf-8")


def change_setting(b: Builds) -> None:
    b.extra["SITENAME"] = "Aldercrest News"


def edit_settings_file(b: Builds) -> None:
    # No setting changes: what the file runs may change the output all the same.
    with b.settings_file.open("a", encoding="utf-8") as settings:
        settings.write("import markdown  # noqa: F401\n")


def change_environment(b: Builds) -> None:
    os.environ["LANGUAGE"] = "de"  # the test set it to "en", and puts it back afterwards


def change_golive_log(b: Builds) -> None:
    log = b.tmp / "golive.jsonl"
    log.write_bytes(log.read_bytes() + b"\n")


def edit_output_file(b: Builds) -> None:
    # The same bytes written again: the build cannot know that nothing was slipped in.
    page = b.out / "index.html"
    page.write_bytes(page.read_bytes())


def touch_back_output_file(b: Builds) -> None:
    page = b.out / "about/index.html"
    info = page.stat()
    data = page.read_bytes()
    page.write_bytes(data.replace(b"About", b"Abuot"))
    os.utime(page, ns=(info.st_atime_ns, info.st_mtime_ns))  # size and times as they were


def delete_output_file(b: Builds) -> None:
    (b.out / "news/index.html").unlink()


def add_output_file(b: Builds) -> None:
    (b.out / "leak.html").write_text("<p>not built</p>\n", encoding="utf-8")


def remove_output(b: Builds) -> None:
    shutil.rmtree(b.out)


def set_up_theme_and_plugins(b: Builds) -> None:
    shutil.copytree(ROOT / "theme", b.tmp / "theme")
    shutil.copytree(
        ROOT / "plugins", b.tmp / "plugins", ignore=shutil.ignore_patterns("__pycache__")
    )
    b.extra.update(THEME=str(b.tmp / "theme"), PLUGIN_PATHS=[str(b.tmp / "plugins")])


def set_up_settings_file(b: Builds) -> None:
    b.settings_file = b.tmp / "siteconf.py"
    shutil.copy(ROOT / "pelicanconf.py", b.settings_file)
    b.extra.update(THEME=str(ROOT / "theme"), PLUGIN_PATHS=[str(ROOT / "plugins")])


def set_up_golive_log(b: Builds) -> None:
    log = b.tmp / "golive.jsonl"
    log.write_text('{"path": "/news/2025/q4-results/", "served": "2025-12-15T06:30:02Z"}\n')
    b.extra["NEWSROOM_GOLIVE_LOG"] = str(log)


Change = Callable[[Builds], None]
#: Each change to what a build reads, and what the site needs before the first build.
INPUT_CHANGES: dict[str, tuple[Change, Change | None]] = {
    "a byte of a release": (edit_release, None),
    "a new release": (add_release, None),
    "a deleted release": (delete_release, None),
    "a byte of a data file": (add_data_byte, None),
    "the theme": (edit_theme, set_up_theme_and_plugins),
    "the plugin's code": (edit_plugin, set_up_theme_and_plugins),
    "a new file among the plugins": (add_plugin_file, set_up_theme_and_plugins),
    "a setting": (change_setting, None),
    "the settings file": (edit_settings_file, set_up_settings_file),
    "the language in the environment": (change_environment, None),
    "the go-live log": (change_golive_log, set_up_golive_log),
}
#: Each change to what the last build wrote.
OUTPUT_CHANGES: dict[str, Change] = {
    "an output file written again": edit_output_file,
    "an output file changed with its size and times put back": touch_back_output_file,
    "a deleted output file": delete_output_file,
    "a new output file": add_output_file,
    "the output folder removed": remove_output,
}


@pytest.mark.parametrize("change", INPUT_CHANGES)
def test_any_change_to_what_the_build_reads_builds_what_a_fresh_build_writes(
    builds: Builds, change: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The rebuild into the last build's folder, with its caches, leaves the same bytes as a
    build of the changed inputs into an empty folder with no cache: nothing of the earlier
    state (a deleted release's page, an old card, a stale list) survives."""
    monkeypatch.setenv("LANGUAGE", "en")
    make, set_up = INPUT_CHANGES[change]
    if set_up is not None:
        set_up(builds)
    assert builds.run()[0] is True
    make(builds)
    assert builds.run()[0] is True
    assert builds.run()[0] is False  # the new state is recorded in its turn
    rebuilt = stable_digest(builds.out)
    shutil.rmtree(builds.site.path.parent / ".cache")  # the check's, the pictures', the index's
    fresh = Builds(builds.site, tmp_path / "fresh", tmp_path)
    fresh.extra, fresh.settings_file = dict(builds.extra), builds.settings_file
    assert fresh.run()[0] is True
    assert rebuilt == stable_digest(fresh.out)


@pytest.mark.parametrize("change", OUTPUT_CHANGES)
def test_any_change_to_the_output_builds_it_again(builds: Builds, change: str) -> None:
    builds.run()
    built = stable_digest(builds.out)
    OUTPUT_CHANGES[change](builds)
    assert builds.run()[0] is True
    assert stable_digest(builds.out) == built
    assert builds.run()[0] is False


def test_an_instant_crossing_an_embargo_lift_builds(builds: Builds) -> None:
    page = builds.out / "news/2026/embargoed-launch/index.html"
    assert builds.run(BEFORE_LIFT)[0] is True
    assert not page.exists()
    assert builds.run(BEFORE_LIFT)[0] is False
    assert builds.run(AFTER_LIFT)[0] is True
    assert page.is_file()
    assert builds.run("2026-12-05T05:59:59Z")[0] is False
    assert builds.run("2026-12-05T06:00:00Z")[0] is True  # it leaves the news sitemap


def test_with_nothing_due_the_site_is_kept_for_good(builds: Builds) -> None:
    """After the last release, update and news-sitemap exit, only new content changes it."""
    assert builds.run("2030-01-01T00:00:00Z")[0] is True
    assert builds.run("2031-06-01T00:00:00Z") == (
        False,
        f"Nothing changed since the last build of {builds.out}, and nothing is due to change "
        "the site: its files are left as they are, but build.json.\n",
    )


@pytest.mark.parametrize("later", ["2026-11-23T12:00:01Z", "2026-12-03T05:59:59Z"])
def test_a_later_instant_in_the_window_keeps_the_site_and_names_the_instant(
    builds: Builds, tmp_path: Path, later: str
) -> None:
    """What a full build would write at the later instant, byte for byte."""
    builds.run(AS_OF)
    assert builds.run(later)[0] is False
    assert build_record(builds.out)["as_of"] == later
    fresh = Builds(builds.site, tmp_path / "fresh", tmp_path)
    assert fresh.run(later)[0] is True
    assert stable_digest(builds.out) == stable_digest(fresh.out)


def test_an_instant_before_the_window_builds(builds: Builds) -> None:
    """Back before the last change the site was another: --as-of in the past builds it."""
    builds.run(AS_OF)
    assert builds.run("2026-06-03T13:59:59Z")[0] is True
    record = json.loads((builds.out / "disclosures.json").read_text(encoding="utf-8"))
    assert record["generated_for"] == "2026-06-01T14:00:00Z"  # with-files went live


def test_a_new_commit_keeps_the_site_and_build_json_names_it(builds: Builds) -> None:
    """A commit that changes no file the build reads (a README, a workflow) builds nothing."""
    repo = builds.site.path.parent
    (repo / ".gitignore").write_text(f"/.cache/\n/{builds.out.name}/\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "Content")
    builds.extra["NEWSROOM_ROOT"] = str(repo)
    builds.run()
    before = state(builds.out)
    (repo / "README.md").write_text("The newsroom.\n", encoding="utf-8")
    git(repo, "add", "README.md")
    git(repo, "commit", "-qm", "A README")
    assert builds.run()[0] is False
    head = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert build_record(builds.out)["commit"] == head
    assert {k: v for k, v in state(builds.out).items() if k != "build.json"} == {
        k: v for k, v in before.items() if k != "build.json"
    }


def test_a_failed_build_leaves_no_manifest(builds: Builds) -> None:
    builds.run()
    assert builds.manifest.is_file()
    release = builds.site.path / "releases/2026/first-product.md"
    text = release.read_bytes()
    release.write_bytes(text.replace(b"date: 2026-03-02 09:00", b"date: 2026-02-31 09:00"))
    with pytest.raises(commands.BuildFailed):
        builds.run()
    assert not builds.manifest.exists()
    release.write_bytes(text)  # back as it was: built again, since nothing vouches for it
    assert builds.run()[0] is True


def test_the_messages_of_the_build_are_shown_again(builds: Builds) -> None:
    log = builds.tmp / "golive.jsonl"
    log.write_text("{not json\n", encoding="utf-8")
    builds.extra["NEWSROOM_GOLIVE_LOG"] = str(log)
    built, said = builds.run()
    warning = (
        f"Warning: {log}:1: not a go-live entry (one JSON object with path and served). "
        "This line is left out of the record.\n"
    )
    assert (built, said) == (True, warning)
    assert builds.run() == (False, warning + KEPT.format(out=builds.out, until=UNTIL))


def test_a_preview_into_the_same_folder_leaves_no_manifest(builds: Builds) -> None:
    """invoke preview builds in full, and what it wrote is never kept by a later build."""
    builds.run()
    commands.build({**builds.settings(), "NEWSROOM_PREVIEW": True}, out=io.StringIO())
    assert not builds.manifest.exists()
    assert (builds.out / "news/2026/embargoed-launch/index.html").is_file()
    assert builds.run()[0] is True
    assert not (builds.out / "news/2026/embargoed-launch/index.html").exists()


def test_builds_without_reuse_always_build(builds: Builds) -> None:
    """Previews, rehearsals and deploys call the build without reuse: always in full."""
    builds.run()
    assert builds.manifest.exists()
    for _ in range(2):
        commands.build(builds.settings(), out=io.StringIO())
        assert not builds.manifest.exists()  # what it wrote is no build a manifest vouches for
    assert builds.run()[0] is True


def test_a_manifest_folder_git_tracks_is_never_read(builds: Builds) -> None:
    """A manifest committed in a pull request is not this machine's own record."""
    repo = builds.site.path.parent
    (repo / FOLDER).mkdir(parents=True)
    (repo / FOLDER / "committed.json").write_text("{}\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-f", str(FOLDER))
    git(repo, "commit", "-qm", "A manifest")
    assert not LastBuild.of(builds.settings()).trusted()
    assert builds.run()[0] is True
    assert builds.run()[0] is True


def test_a_pipe_in_the_content_folder_does_not_hold_the_build(builds: Builds) -> None:
    os.mkfifo(builds.site.path / "pipe")
    with pytest.raises(commands.BuildFailed):  # the check refuses it; nothing waits on it
        builds.run()


def invoke_build(repo: Path, out: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "build", "--settings", "publishconf.py",
         "--content", str(repo / "content"), "--output", str(out), "--as-of", AS_OF],
        cwd=ROOT, capture_output=True, text=True, check=True,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    return done.stdout


def test_invoke_build_keeps_an_unchanged_output(site: Site, tmp_path: Path) -> None:
    """The real task in fresh interpreters: the digest is the same in every run."""
    shutil.move(site.path, tmp_path / "content")
    out = tmp_path / "output"
    env = {"NEWSROOM_SITEURL": "https://news.example"}
    assert invoke_build(tmp_path, out, env).splitlines()[-1].startswith(f"Built {out}/ in ")
    said = invoke_build(tmp_path, out, env).splitlines()
    assert said[0] == KEPT.format(out=out, until=UNTIL).rstrip("\n")
    assert said[1].startswith(f"Kept {out}/ in ")
    # The address publishconf.py reads from the environment is a setting like any other.
    env = {"NEWSROOM_SITEURL": "https://press.example"}
    assert invoke_build(tmp_path, out, env).splitlines()[-1].startswith(f"Built {out}/ in ")
    assert "https://press.example/" in (out / "sitemap.xml").read_text(encoding="utf-8")
