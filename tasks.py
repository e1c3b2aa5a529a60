"""The one command interface: developers, authors' previews and CI all run these tasks."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from invoke import Context, Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT))

from newsroom import commands, forked  # noqa: E402

# An error a build's child raised and nothing caught is shown as a build in one process
# shows it: one traceback, the child's, instead of the child's and then this process's.
sys.excepthook = forked.excepthook


def _settings(settings: str, **kwargs: object) -> dict:
    try:
        return commands.pelican_settings(ROOT / settings, **kwargs)  # type: ignore[arg-type]
    except commands.BuildFailed as err:
        raise Exit(str(err), code=2) from None


def _file_settings(settings: str, **kwargs: object) -> dict:
    """The settings file read without Pelican, for tasks that build nothing."""
    try:
        return commands.file_settings(ROOT / settings, **kwargs)  # type: ignore[arg-type]
    except commands.BuildFailed as err:
        raise Exit(str(err), code=2) from None


@task(
    help={
        "github": "Also print GitHub annotations (automatic when GITHUB_ACTIONS=true).",
        "content": "Content folder to check instead of the settings' PATH.",
        "against": "Also compare with a git ref (like origin/main): published releases keep "
        "their address, and every change to one is declared under updates.",
    }
)
def check(
    c: Context,
    github: bool = False,
    settings: str = "pelicanconf.py",
    content: str | None = None,
    against: str | None = None,
) -> None:
    """Check every release, page and data file, and list all problems at once."""
    github = github or os.environ.get("GITHUB_ACTIONS") == "true"
    try:
        # Pelican is loaded only if the check passes and its trial build runs.
        checked = _file_settings(settings, content=content)
        newsroom = commands.check(checked, ROOT)
        if against:
            commands.check_against(newsroom, against, checked, ROOT)
        if not newsroom.errors:
            # What passes must also build, at every later instant (commands.trial_build).
            at = checked["NEWSROOM_AS_OF"]  # the instant the check used
            pelican_settings = _settings(settings, content=content, as_of=at)
            newsroom.problems.extend(commands.trial_build(pelican_settings, newsroom, ROOT))
            newsroom.problems.sort()
    except commands.BuildFailed as err:
        raise Exit(str(err), code=2) from None
    commands.report(newsroom.problems, sys.stdout, github=github)
    print(commands.summary(newsroom))
    if newsroom.errors:
        raise Exit(code=1)


@task(
    help={
        "as_of": "Build the site as it is at this instant (ISO 8601 with offset; default: now).",
        "output": "Folder to write the site to (default: output/).",
        "settings": "Settings file (pelicanconf.py, or publishconf.py for production).",
        "content": "Content folder to build instead of the settings' PATH.",
        "golive_log": "The go-live log (JSON Lines): the record shows when each release was "
        "served.",
    }
)
def build(
    c: Context,
    as_of: str | None = None,
    output: str = "output",
    settings: str = "pelicanconf.py",
    content: str | None = None,
    golive_log: str | None = None,
) -> None:
    """Check all content, then build the site into output/ as of an instant."""
    from tools.build_worker import detach

    started = time.perf_counter()
    extra = {"NEWSROOM_GOLIVE_LOG": str(Path(golive_log).resolve())} if golive_log else {}
    detach(Path(output), ROOT)  # invoke serve's link to its latest build
    try:
        built = commands.build_in(
            ROOT / settings, output=output, as_of=as_of, content=content, extra=extra
        )
    except commands.SettingsFailed as err:
        raise Exit(str(err), code=2) from None
    except commands.BuildFailed as err:
        raise Exit(f"Build stopped. {err}", code=1) from None
    done = "Built" if built else "Kept"
    print(f"{done} {output}/ in {time.perf_counter() - started:.1f} s.")


def _instants(settings: dict, against: str) -> tuple[Any, list[Any]]:
    """The checked content and the instants a change against ``against`` schedules."""
    from newsroom.history import HistoryError, base_at
    from newsroom.rehearsal import instants
    from newsroom.settings import from_pelican
    from newsroom.summary import content_relative

    newsroom_settings = from_pelican(settings)
    content = Path(settings["PATH"]).resolve()
    # The repository that holds the content (this one, unless --content names another).
    top = subprocess.run(
        ["git", "-C", str(content), "rev-parse", "--show-toplevel"],
        capture_output=True,
        text=True,
        check=False,
    )
    repo = Path(top.stdout.strip()) if top.returncode == 0 else ROOT
    try:
        newsroom = commands.check(settings, repo)
        base = base_at(against, repo, content, newsroom_settings)
    except (commands.BuildFailed, HistoryError) as err:
        raise Exit(str(err), code=2) from None
    if newsroom.errors:
        raise Exit(commands.summary(newsroom) + " Run invoke check to see them.", code=1)
    files = content_relative(base.edited, repo, content)
    return newsroom, instants(base.newsroom, newsroom, newsroom_settings.as_of, files, content)


@task(
    help={
        "as_of": "Show the site as it will be at this instant (default: now).",
        "output": "Folder for the preview (default: preview/). Never the published output/.",
        "against": "Instead of one instant: a preview as of now and as of each instant at "
        "which a release added or changed since this git ref goes live, that works opened "
        "from disk (for a pull request's artifact).",
        "content": "Content folder to preview instead of the settings' PATH.",
    }
)
def preview(
    c: Context,
    as_of: str | None = None,
    output: str = "preview",
    against: str | None = None,
    content: str | None = None,
) -> None:
    """Build an embargo-safe preview: embargoed releases included, bannered and noindex."""
    import shutil

    from newsroom.rehearsal import index_page, make_portable

    target = (ROOT / output).resolve()
    if target == (ROOT / "output").resolve():
        raise Exit("A preview never goes into output/, the folder that is published.", code=2)
    if against is None:
        settings = _settings("pelicanconf.py", as_of=as_of, output=target, content=content)
        try:
            commands.build({**settings, "NEWSROOM_PREVIEW": True}, fork=True)
        except commands.BuildFailed as err:
            raise Exit(f"Preview stopped. {err}", code=1) from None
        print(f"Preview in {output}/: serve it privately; it is never deployed.")
        return
    _, moments = _instants(_settings("pelicanconf.py", as_of=as_of, content=content), against)
    # Only a folder this task made is emptied: --output . must never delete the repository.
    marker = target / ".masthead-preview"
    if target.exists() and any(target.iterdir()) and not marker.is_file():
        raise Exit(f"{output}/ exists and is not a preview folder; name another.", code=2)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    marker.write_text("Written by invoke preview --against; emptied on the next run.\n")
    for moment in moments:
        folder = target / moment.label
        settings = _settings(
            "pelicanconf.py", as_of=moment.at.isoformat(), output=folder, content=content
        )
        try:
            commands.build({**settings, "NEWSROOM_PREVIEW": True}, out=io.StringIO(), fork=True)
        except commands.BuildFailed as err:
            raise Exit(f"Preview as of {moment.label} stopped. {err}", code=1) from None
        make_portable(folder)
        print(f"Preview as of {moment.at:%Y-%m-%d %H:%M:%S} UTC in {output}/{moment.label}/")
    title = f"Preview of the changes since {against}"
    (target / "index.html").write_text(index_page(moments, title), encoding="utf-8")
    print(f"Open {output}/index.html in a browser. Never publish these files.")


@task(
    help={
        "against": "The git ref to compare with, like origin/main.",
        "settings": "Settings file (default: pelicanconf.py).",
        "as_of": "Rehearse as if it were this instant (default: now).",
        "content": "Content folder to rehearse instead of the settings' PATH.",
    }
)
def rehearse(
    c: Context,
    against: str,
    settings: str = "pelicanconf.py",
    as_of: str | None = None,
    content: str | None = None,
) -> None:
    """Build the site as of now and each instant a change schedules; fail on any leak."""
    import tempfile

    from newsroom.rehearsal import describe, hidden_at, scan

    newsroom, moments = _instants(_settings(settings, as_of=as_of, content=content), against)
    leaks = 0
    for moment in moments:
        when = f"{moment.at:%Y-%m-%d %H:%M:%S} UTC"
        hidden = list(hidden_at(newsroom, moment.at))
        with tempfile.TemporaryDirectory(prefix="masthead-rehearsal-") as tmp:
            built = _settings(settings, as_of=moment.at.isoformat(), output=tmp, content=content)
            try:
                commands.build(built, out=io.StringIO(), fork=True)
            except commands.BuildFailed as err:
                raise Exit(f"The build as of {when} stopped. {err}", code=1) from None
            found = scan(Path(tmp), hidden)
            count = sum(1 for p in Path(tmp).rglob("*") if p.is_file())
        for line in describe(found, when):
            print(line)
        leaks += len(found)
        print(
            f"As of {when}: built {count} files; "
            f"{'LEAKS' if found else 'nothing'} of the {len(hidden)} "
            f"release{'s' * (len(hidden) != 1)} not public then."
        )
    if leaks:
        raise Exit(f"{leaks} file(s) show releases before their instant.", code=1)


@task(
    help={
        "as_of": "List what goes live after this instant (default: now).",
        "days": "How far ahead to look, in days (default: no limit).",
        "json": "Also write the instants alone to this file, for the scheduled Pages run "
        "(deploy/pages.py); keep it private, never in output/.",
    }
)
def schedule(c: Context, as_of: str | None = None, days: int = 0, json: str = "") -> None:
    """List the upcoming go-live instants: each release, in UTC and in its own zone."""
    from datetime import UTC, datetime, timedelta

    from newsroom.schedule import describe, upcoming
    from newsroom.settings import from_pelican

    settings = _settings("pelicanconf.py", as_of=as_of)
    newsroom = _checked(settings, "a release with an error is never scheduled", 1)
    horizon = timedelta(days=days) if days else None
    instant = from_pelican(settings).as_of
    print(describe(upcoming(newsroom.releases, instant, horizon)))
    if json:
        import json as json_module

        # Every instant, the past ones too: the Pages run reports how late each went live.
        stamp = "%Y-%m-%dT%H:%M:%SZ"
        every = upcoming(newsroom.releases, datetime(1970, 1, 1, tzinfo=UTC))
        instants = [go.instant.astimezone(UTC).strftime(stamp) for go in every]
        data = {"as_of": instant.astimezone(UTC).strftime(stamp), "instants": instants}
        Path(json).write_text(json_module.dumps(data, indent=2) + "\n", encoding="utf-8")


def _checked(settings: dict, why: str, code: int) -> Any:
    """The checked content; with any error, the errors and an exit that says why it matters."""
    try:
        newsroom = commands.check(settings, ROOT)
    except commands.BuildFailed as err:
        raise Exit(str(err), code=2) from None
    if newsroom.errors:
        commands.report(newsroom.errors, sys.stdout)
        raise Exit(f"Fix these problems first: {why}.", code)
    return newsroom


def _went_live(settings_file: str, since: str, as_of: str | None) -> tuple[dict, Any, list]:
    """The go-live instants after ``since`` and up to ``as_of`` (default now), with settings."""
    from newsroom.schedule import upcoming
    from newsroom.settings import from_pelican

    pelican = _settings(settings_file, as_of=as_of)
    try:
        start = commands.parse_as_of(since)
        newsroom = commands.check(pelican, ROOT)
    except (ValueError, commands.BuildFailed) as err:
        raise Exit(str(err), code=2) from None
    newsroom_settings = from_pelican(pelican)
    plan = [
        go for go in upcoming(newsroom.releases, start) if go.instant <= newsroom_settings.as_of
    ]
    return pelican, newsroom_settings, plan


@task(
    help={
        "since": "The instant the live site was built as of (ISO 8601 with offset).",
        "live": "Or: the address of the live site's build.json, to read that instant from.",
        "as_of": "The instant to compare with (default: now).",
    }
)
def due(
    c: Context, since: str | None = None, live: str | None = None, as_of: str | None = None
) -> None:
    """Say whether a release went live since the last deploy (for the scheduled redeploy)."""
    if live:
        since = commands.read_live_as_of(live)
    if since is None:
        passed = ["the live site's build instant is unknown"]
    else:
        _, _, plan = _went_live("pelicanconf.py", since, as_of)
        passed = [
            f"{go.instant:%Y-%m-%d %H:%M:%S} UTC: {change.text}"
            for go in plan
            for change in go.changes
        ]
    print("\n".join(["Redeploy: " + p for p in passed]) if passed else "Nothing went live since.")
    if os.environ.get("GITHUB_OUTPUT"):
        with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as out:
            out.write(f"due={'true' if passed else 'false'}\nsince={since or ''}\n")


@task(
    help={
        "since": "Announce what went live after this instant (the live build.json's as_of).",
        "live": "Or: the address of the live site's build.json, to read that instant from.",
        "as_of": "Up to this instant (default: now).",
        "settings": "Settings file (default: publishconf.py, which has the public address).",
        "previous": "The feed index of the site shown until now (its feeds/index.json): "
        "a file, an http(s) address or the JSON itself. Unknown or empty: every feed is new.",
        "current": "The feed index of the site just deployed, in the same forms "
        "(default: output/feeds/index.json).",
        "plan": "Write what to announce to this file instead of sending it; "
        "python3 -m deploy.notify FILE sends it (standard library only).",
    }
)
def announce(
    c: Context,
    since: str | None = None,
    live: str | None = None,
    as_of: str | None = None,
    settings: str = "publishconf.py",
    previous: str = "",
    current: str = "",
    plan: str = "",
) -> None:
    """Ping WebSub for every feed that changed and call the webhooks for what went live."""
    from deploy.notify import after_go_live
    from deploy.snapshots import changes_at, notify_config
    from newsroom.feeds import INDEX

    if live:
        since = commands.read_live_as_of(live)
    if since is None:
        raise Exit("Say since when: --since INSTANT or --live URL/build.json.", code=2)
    pelican, newsroom_settings, went_live = _went_live(settings, since, as_of)
    changes = [change for go in went_live for change in changes_at(go, pelican["SITEURL"])]
    config = notify_config(newsroom_settings, pelican["SITEURL"])
    config["feeds_before"] = commands.read_json(previous) if previous else None
    config["feeds_after"] = commands.read_json(current or str(ROOT / "output" / INDEX))
    if plan:
        # Worked out where the content is; sent by a job that holds the secrets and no content.
        Path(plan).write_text(json.dumps({"changes": changes, "config": config}), "utf-8")
        print(f"Wrote {plan}: {len(changes)} change(s) to announce.")
        return
    after_go_live(changes, config, print)


@task(
    name="verify-live",
    help={
        "site": "The live site's address, like https://news.example.com.",
        "late": "Seconds after its scheduled time a release may go live (default 300).",
        "as_of": "Check what is due by this instant (default: now).",
        "content": "Content folder to compare with instead of the settings' PATH.",
    },
)
def verify_live(
    c: Context, site: str, late: float = 300, as_of: str | None = None, content: str | None = None
) -> None:
    """Check that the live site serves every release due by now, on time, as recorded."""
    from newsroom.monitor import LiveSiteError, verify
    from newsroom.settings import from_pelican

    pelican = _settings("pelicanconf.py", as_of=as_of, content=content)
    newsroom = _checked(pelican, "the monitor compares the live site with the releases", 2)
    try:
        findings = verify(site, newsroom.releases, from_pelican(pelican).as_of, late)
    except LiveSiteError as err:
        raise Exit(str(err), code=1) from None
    for finding in findings:
        print(finding.text())
    if findings:
        count = len({f.path for f in findings})
        raise Exit(f"{count} release{'s' * (count != 1)} not served as recorded.", code=1)
    print(f"All releases due are live at {site}, on time and as recorded.")


@task(
    help={
        "port": "Port to serve on (default 8000).",
        "host": "Address (default 127.0.0.1).",
        "editor": "Let the editor at /admin/ save to this checkout (needs Node.js).",
    }
)
def serve(c: Context, port: int = 8000, host: str = "127.0.0.1", editor: bool = False) -> None:
    """Build the newsroom, serve it with live reload, and rebuild on every saved change."""
    from tools import devserver
    from tools.build_worker import DevBuilds

    # Each full build in a fresh process, so edits to plugins and settings take effect too;
    # an edit to a release's text is shown first by the last build's process (build_worker).
    builds = DevBuilds(ROOT, ROOT / "output")
    watch = [ROOT / "content", ROOT / "theme", ROOT / "plugins"]
    watch += [ROOT / "pelicanconf.py", ROOT / "publishconf.py"]
    try:
        with contextlib.ExitStack() as stack:
            api = None
            if editor:
                from tools import editor_backend

                try:
                    api = stack.enter_context(editor_backend.running(ROOT))
                except editor_backend.EditorBackendError as err:
                    raise Exit(str(err), code=1) from None
            devserver.serve(
                ROOT / "output",
                watch,
                builds.rebuild,
                host=host,
                port=port,
                editor_api=api,
                quick=builds.quick,
                cancel=builds.cancel,
            )
    finally:
        builds.close()


@task(help={"k": "Only run tests matching this expression.", "browser": "Include browser tests."})
def test(c: Context, k: str = "", browser: bool = True) -> None:
    """Run the whole test suite: lint, unit, integration (fixture builds) and browser tests."""
    args = [sys.executable, "-m", "pytest"]
    if k:
        args += ["-k", k]
    if not browser:
        args += ["-m", "not browser"]
    c.run(shlex.join([sys.executable, "-m", "ruff", "check", "."]))
    c.run(shlex.join([sys.executable, "-m", "ruff", "format", "--check", "."]))
    c.run(shlex.join([sys.executable, "-m", "mypy"]))  # what it checks: pyproject.toml
    c.run(shlex.join(args))


@task
def screenshots(c: Context) -> None:
    """Retake the author guide's screenshots of the editor (docs/images/) with the browser tests."""
    env = {**os.environ, "MASTHEAD_SCREENSHOTS": str(ROOT / "docs" / "images")}
    command = [sys.executable, "-m", "pytest", "-q", "tests/browser/test_admin.py"]
    c.run(shlex.join(command), env=env)


@task(
    help={
        "count": "How many synthetic releases to build (default 1000).",
        "repeat": "Run every step this many times and report the median (default 1).",
        "edit": "Also time a saved edit to one release until the browser shows it, through "
        "invoke serve and Chromium.",
        "edits": "With --edit: edits to time, the median is reported (default 3).",
        "keep": "Keep the generated sites and outputs in benchmarks/work/.",
        "profile": "Run the cold builds under cProfile and print the top functions.",
        "golive": "Measure go-live latency on a local nginx instead (needs nginx and rsync).",
        "rounds": "With --golive: releases going live, one per round (default 5).",
        "entries": "Measure instead what checking a cached picture costs, against Pillow's "
        "verify(), and which checks notice a file cut short.",
    }
)
def bench(
    c: Context,
    count: int = 1000,
    repeat: int = 1,
    edit: bool = False,
    edits: int = 3,
    keep: bool = False,
    profile: bool = False,
    golive: bool = False,
    rounds: int = 5,
    entries: bool = False,
) -> None:
    """Time and memory of builds, rebuilds and the check against plain Pelican, N releases."""
    if entries:
        from benchmarks import entries as entries_benchmark

        code = entries_benchmark.main()
    elif golive:
        from benchmarks import golive as golive_benchmark

        code = golive_benchmark.main(rounds=rounds)
    else:
        from benchmarks import bench as benchmark

        code = benchmark.main(count, keep, repeat, profile, edit, edits)
    if code:
        raise Exit(code=code)


@task(
    iterable=["target"],
    help={
        "target": "Where to deploy: USER@HOST:/FOLDER, ssh://USER@HOST:PORT/FOLDER, or /FOLDER "
        "on this machine; repeat for several servers (default: $MASTHEAD_DEPLOY_TARGET, "
        "separated by spaces).",
        "ssh_port": "The server's ssh port (default: $MASTHEAD_DEPLOY_SSH_PORT, else 22).",
        "identity": "Private key file to log in with (default: $MASTHEAD_DEPLOY_IDENTITY).",
        "known_hosts": "File with the server's host key (default: $MASTHEAD_DEPLOY_KNOWN_HOSTS).",
        "days": "Build snapshots for the go-live instants this many days ahead (default 7).",
        "settings": "Settings file (default: publishconf.py, which reads NEWSROOM_SITEURL).",
        "dry_run": "Build the snapshots and print the plan, but upload nothing.",
        "build_only": "Build the snapshots into this folder and stop (CI's build job).",
        "from_folder": "Ship the snapshots built earlier into this folder; build nothing.",
    },
)
def deploy(
    c: Context,
    target: list[str] | None = None,
    ssh_port: int = 0,
    identity: str = "",
    known_hosts: str = "",
    days: int = 7,
    settings: str = "publishconf.py",
    dry_run: bool = False,
    build_only: str = "",
    from_folder: str = "",
) -> None:
    """Build now and each go-live ahead, ship them to the web servers, switch at each instant."""
    from deploy.remote import DeployFailed
    from deploy.ship import ship_built, targets_from

    targets = targets_from(target or [])
    options = {"port": ssh_port or None, "identity": identity or None}
    options["known_hosts"] = known_hosts or None
    try:
        if from_folder:
            ship_built(Path(from_folder).resolve(), targets, **options)
            return
        if not targets and not build_only:
            raise Exit("Say where to deploy: --target USER@HOST:/FOLDER.", code=2)
        from deploy.command import deploy as run_deploy

        run_deploy(
            [] if build_only else targets,
            settings_file=ROOT / settings,
            days=days,
            root=ROOT,
            work=Path(build_only).resolve() if build_only else None,
            dry_run=dry_run,
            **options,
        )
    except (commands.BuildFailed, DeployFailed) as err:
        raise Exit(f"Deploy stopped. {err}", code=1) from None


@task(help={"output": "Where to write the SBOM (CycloneDX JSON)."})
def sbom(c: Context, output: str = "sbom.cdx.json") -> None:
    """Write the software bill of materials of what builds the site (CycloneDX, from the lock)."""
    command = [sys.executable, "-m", "cyclonedx_py", "requirements", "--output-reproducible"]
    command += ["--pyproject", str(ROOT / "pyproject.toml"), "--of", "JSON", "-o", output]
    command.append(str(ROOT / "requirements.lock"))
    c.run(shlex.join(command))
    print(f"Wrote {output}")


@task
def lint(c: Context) -> None:
    """Format and lint the Python code with ruff, and type-check the plugin with mypy."""
    c.run(f"{sys.executable} -m ruff format .")
    c.run(f"{sys.executable} -m ruff check --fix .")
    c.run(f"{sys.executable} -m mypy")


@task(name="vendor-cms")
def vendor_cms(c: Context) -> None:
    """Fetch the pinned editor packages with npm, check them, write theme/static/admin/vendor/."""
    from tools import vendor_cms as vendor

    try:
        print(f"Wrote {vendor.vendor().relative_to(ROOT)}")
    except vendor.VendorError as err:
        raise Exit(str(err), code=1) from None


@task(
    positional=["headline"],
    help={
        "headline": "The release's headline, in quotes; it also names the file.",
        "date": "When it goes live, like 2026-12-03 07:00 Europe/Berlin (default: now).",
        "topic": "A key of content/data/topics.yml (default: the first one).",
    },
)
def new(c: Context, headline: str, date: str | None = None, topic: str | None = None) -> None:
    """Start a release: a draft file that passes the check, in this year's folder."""
    from newsroom.newfile import NewFileError, create, now_in, parse_date
    from newsroom.settings import from_pelican

    settings = _file_settings("pelicanconf.py")
    newsroom_settings = from_pelican(settings)
    zone = newsroom_settings.timezone
    content = Path(settings["PATH"])
    try:
        when = parse_date(date, zone) if date else now_in(zone)
        path = create(
            content / newsroom_settings.releases_path,
            content / newsroom_settings.data_path,
            headline,
            zone,
            when,
            topic,
        )
    except NewFileError as err:
        raise Exit(str(err), code=2) from None
    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


@task(help={"lang": "The language of the translation, one of NEWSROOM's languages."})
def translate(c: Context, release: str, lang: str) -> None:
    """Start a translation of a release: a linked draft beside it, to translate."""
    from newsroom.newfile import NewFileError
    from newsroom.newfile import translate as start_translation
    from newsroom.settings import from_pelican

    languages = from_pelican(_file_settings("pelicanconf.py")).languages
    try:
        path = start_translation(Path(release).resolve(), lang, languages)
    except NewFileError as err:
        raise Exit(str(err), code=2) from None
    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


@task(
    help={
        "against": "The git ref to compare with, like origin/main.",
        "settings": "Settings file (default: pelicanconf.py).",
    }
)
def summary(c: Context, against: str, settings: str = "pelicanconf.py") -> None:
    """Write a table of the releases added or changed since a ref to the job summary."""
    from newsroom.history import HistoryError
    from newsroom.settings import from_pelican
    from newsroom.summary import summarize, write

    pelican_settings = _settings(settings)
    try:
        newsroom = commands.check(pelican_settings, ROOT)
        text = summarize(
            newsroom, against, ROOT, Path(pelican_settings["PATH"]), from_pelican(pelican_settings)
        )
    except (commands.BuildFailed, HistoryError) as err:
        raise Exit(str(err), code=2) from None
    write(text)


@task(help={"add": "Start a catalogue for this language first, like de or pt-BR."})
def translations(c: Context, add: str | None = None) -> None:
    """Extract the theme's labels into messages.pot and update each language's catalogue."""
    from newsroom import catalogs

    theme = Path(_settings("pelicanconf.py")["THEME"])
    try:
        if add:
            catalogs.add(theme, add)
        written = catalogs.update(theme)
    except catalogs.CatalogError as err:
        raise Exit(str(err), code=2) from None
    for path in written:
        print(f"Wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    for lang, count in catalogs.untranslated(theme).items():
        print(f"{lang}: {count} labels to translate" if count else f"{lang}: all translated")


@task(help={"output": "Folder for the nginx include, outside the web root (default: headers/)."})
def headers(c: Context, output: str = "headers") -> None:
    """Write the security headers as an nginx include (every build writes _headers too)."""
    from newsroom.headers import write_nginx

    target = write_nginx(Path(output).resolve())
    print(f"Wrote {target}: include it in the nginx server block (docs/self-hosting.md).")


@task(
    help={
        "as_of": "Build the site as of this instant (default: now).",
        "runs": "Audit each page this many times and use the median scores (default 3).",
    }
)
def lighthouse(c: Context, as_of: str | None = None, runs: int = 3) -> None:
    """Lighthouse on the home and a release page, served locally; fail below 0.95 anywhere."""
    from tools import lighthouse as audit

    if audit.main(as_of=as_of, runs=runs):
        raise Exit(code=1)
