"""What ``invoke check`` and ``invoke build`` do, kept out of tasks.py so tests can call it.

Pelican is imported only where a build needs it (``pelican_settings``, ``_run_pelican``): it
loads its generators, readers, Markdown and Pillow, most of a second that ``invoke new`` and
a check that stops at an error would wait for nothing.

``invoke build`` (``build_in``), previews and rehearsals run the check and Pelican in a
forked child (``_build``, forked.py) and make the search index once the child has ended:
Python keeps most of the memory a build freed until its process ends.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import gc
import importlib.util
import io
import json
import logging
import os
import sys
import tempfile
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from . import buildinfo, forked, outfolder
from .cache import (
    Store,
    Unreadable,
    code_version,
    decode_problems,
    digest,
    encode_problems,
    file_digest,
    installed,
    stable_text,
    tree_digest,
)
from .dates import parse_as_of
from .forked import Printed
from .golive import GoLiveLog, GoLiveLogError, read_golive_log
from .hosting import size_warning
from .manifest import LastBuild, Read, measured, settings_key
from .models import Release
from .pagerecord import Plan
from .problems import ContentError, OutputError, Problem, display_path, escape_data
from .schedule import Window
from .settings import SettingsError, from_pelican, with_instant
from .state import (
    AHEAD,
    BUILT_AT,
    CHECKED,
    HANDED,
    LATER,
    PAGES,
    PARTS,
    SERVED,
    Handed,
    Late,
    run_all,
)

if TYPE_CHECKING:
    from .content import Newsroom

T = TypeVar("T")


class BuildFailed(Exception):
    """The build stopped; the message is already worded for the person who ran it."""


class SettingsFailed(BuildFailed):
    """The settings file or this run's values cannot be read: nothing was checked."""


def pelican_settings(
    settings_file: str | Path = "pelicanconf.py",
    *,
    as_of: str | datetime | None = None,
    output: str | Path | None = None,
    content: str | Path | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Pelican's settings with this run's inputs applied (build instant, folders)."""
    override: dict[str, Any] = dict(extra or {})
    if as_of is not None:
        try:
            override["NEWSROOM_AS_OF"] = parse_as_of(as_of) if isinstance(as_of, str) else as_of
        except ValueError as err:
            raise SettingsFailed(str(err)) from None
    if output is not None:
        override["OUTPUT_PATH"] = str(Path(output).resolve())
    if content is not None:
        override["PATH"] = str(_content_folder(content))
    if not Path(settings_file).is_file():
        raise SettingsFailed(f"Settings file {settings_file} not found.")
    from pelican.settings import read_settings  # only for a build (see the module's note)

    return with_instant(read_settings(str(settings_file), override=override))


def file_settings(
    settings_file: str | Path = "pelicanconf.py",
    *,
    as_of: str | datetime | None = None,
    content: str | Path | None = None,
) -> dict[str, Any]:
    """The settings file's own names, read without Pelican: all a check or a new file needs.

    ``PATH`` is made absolute as Pelican's read_settings makes it, from the settings file's
    folder; ``pelican_settings`` gives the whole of Pelican's settings, for a build.
    """
    path = Path(settings_file)
    if not path.is_file():
        raise SettingsFailed(f"Settings file {settings_file} not found.")
    # Loaded as Pelican loads it (pelican.settings.load_source), so that publishconf.py's
    # `from pelicanconf import *` finds the module already there.
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    settings = {k: v for k, v in vars(module).items() if k.isupper()}
    if content is not None:
        settings["PATH"] = str(_content_folder(content))
    elif "PATH" in settings:
        settings["PATH"] = os.path.abspath(os.path.normpath(path.parent / settings["PATH"]))
    else:  # Pelican's default: the working folder
        settings["PATH"] = os.path.abspath(os.curdir)
    if as_of is not None:
        try:
            settings["NEWSROOM_AS_OF"] = parse_as_of(as_of) if isinstance(as_of, str) else as_of
        except ValueError as err:
            raise SettingsFailed(str(err)) from None
    return with_instant(settings)


def _content_folder(content: str | Path) -> Path:
    """The folder given with ``--content``, which must be one: a mistyped name would
    otherwise be checked as a newsroom with every data file missing, or stop Pelican."""
    folder = Path(content).resolve()
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise SettingsFailed(
            f"The content folder {content} {what}. Give --content the folder that holds "
            "releases/ and data/, or leave it out to use the settings file's."
        )
    return folder


def check(settings: dict[str, Any], root: Path | None = None) -> Newsroom:
    """Load and check all content as the build would; raise BuildFailed on bad settings."""
    try:
        newsroom_settings = from_pelican(settings)
    except SettingsError as err:
        raise BuildFailed(str(err)) from None
    root = root or newsroom_settings.root or Path.cwd()
    # Imported here: a rebuild that keeps its output checks nothing, and loads none of it.
    from .content import load

    return load(Path(settings["PATH"]), newsroom_settings, root)


def check_against(newsroom: Newsroom, ref: str, settings: dict[str, Any], root: Path) -> None:
    """Add the problems of silent edits since ``ref`` to ``newsroom.problems``."""
    from .history import HistoryError, base_at, compare

    newsroom_settings = from_pelican(settings)
    try:
        base = base_at(ref, root, Path(settings["PATH"]), newsroom_settings)
    except HistoryError as err:
        raise BuildFailed(str(err)) from None
    newsroom.problems.extend(compare(base.newsroom, newsroom, newsroom_settings, root, base))
    newsroom.problems.sort()


def read_live_as_of(url: str) -> str | None:
    """The as_of of the deployed site's build.json, or None when it cannot be read."""
    data = read_json(url)
    return str(data["as_of"]) if isinstance(data, dict) and "as_of" in data else None


def read_json(source: str) -> Any:
    """JSON given as itself (starting with ``{``), as an http(s) address or as a file; None
    when it cannot be read, so that the caller decides what an unknown value means."""
    text = source.strip()
    try:
        if text.startswith("{"):
            return json.loads(text)
        if text.startswith(("http://", "https://")):
            with urllib.request.urlopen(text, timeout=20) as response:
                return json.load(response)
        return json.loads(Path(text).read_bytes())
    except (OSError, ValueError):
        return None


def report(problems: Iterable[Problem], out: TextIO, github: bool = False) -> None:
    """Print one line per problem, and GitHub annotations too when asked."""
    for problem in problems:
        print(problem.text(), file=out)
        if github:
            print(problem.github(), file=out)


def summary(newsroom: Newsroom) -> str:
    errors = len(newsroom.errors)
    warnings = len(newsroom.problems) - errors
    files = len({p.path for p in newsroom.problems})
    if not newsroom.problems:
        return (
            f"All good: {len(newsroom.releases)} releases and {len(newsroom.pages)} pages checked."
        )
    parts = [f"{errors} error{'s' * (errors != 1)}"] if errors else []
    if warnings:
        parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
    verdict = "Fix the errors above, then run the check again." if errors else "No errors."
    if newsroom.stopped_at_links:
        # content.load read nothing else (through a link it could quote a secret): the
        # author must not take the short list for all there is.
        verdict = (
            "Replace each link above with the file itself, then run the check again: "
            "no other file is read while a symbolic link is in the content folder."
        )
    return f"{' and '.join(parts)} in {files} file{'s' * (files != 1)}. {verdict}"


class _ErrorCounter(logging.Handler):
    """Pelican logs some failures and carries on; a newsroom build must not."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_in(
    settings_file: str | Path,
    *,
    output: str | Path,
    as_of: str | datetime | None = None,
    content: str | Path | None = None,
    extra: dict[str, Any] | None = None,
    out: TextIO | None = None,
) -> bool:
    """``invoke build``: keep the output folder when a build of the same inputs left it
    untouched and the site is due to stay the same at ``as_of`` (manifest.py), printing its
    messages again and writing only ``build.json``: False then. Otherwise check and build,
    and record the build for the next time: True.

    Whether to keep is worked out from the settings file run without Pelican, whose loading
    alone takes longer than all the rest of a rebuild that keeps its output.
    """
    out = out or sys.stdout  # looked up now, so that a captured stdout is the one written to
    settings = file_settings(settings_file, as_of=as_of, content=content)
    settings.update(extra or {})
    settings["OUTPUT_PATH"] = str(Path(output).resolve())
    instant: datetime = settings["NEWSROOM_AS_OF"]  # read from the clock once (with_instant)
    last = LastBuild.of(settings)
    try:
        options = from_pelican(settings)
        root, releases = options.root or Path.cwd(), options.releases_path
        key = settings_key(settings, Path(settings_file))
    except SettingsError:  # the check says what is wrong with them
        key = None
    kept, digested = last.kept(key, instant, releases) if key is not None else (None, None)
    if kept is not None:
        messages, window = kept
        buildinfo.write(last.output, instant, root)
        out.write(messages)
        print(
            f"Nothing changed since the last build of {_shown(last.output)}, and {_until(window)}: "
            "its files are left as they are, but build.json.",
            file=out,
        )
        return False
    printed = Printed(out)
    # Asked here, before the fork: git is asked once, and a cache it tracks is named once
    # (cache.refused), not again by this process after the child named it.
    trusted = last.trusted()

    def in_child() -> tuple[_Made, Read | None, str | None, dict[str, Any] | None]:
        # Pelican is loaded here, in the child: the parent, which waits beside the build at
        # its peak of memory, then holds none of it (about 14 MB).
        full = pelican_settings(
            settings_file, as_of=instant, output=output, content=content, extra=extra
        )
        read = Read.of(full) if key is not None else None
        # Worked out before the build reads anything: a file changed while it runs is then a
        # change the next build sees.
        inputs, plan = None, None
        if key is not None and read is not None:
            releases = from_pelican(full).releases_path
            inputs, skeleton = (
                read.digests(key, releases)
                if digested is None
                else digested.digests(read, key, releases)
            )
            if trusted:  # as the manifest: never a record a pull request committed
                # The pages' record is read before it is forgotten (pagerecord.py).
                plan = full[PAGES] = Plan.load(last.pages, skeleton)
        if trusted:  # the parts' record too, whatever the inputs (search.py)
            from .search import recorded_parts

            full[PARTS] = recorded_parts(last.parts)
        last.forget()  # before anything is written, so that a failed build leaves no manifest
        made = _make(full, printed, hand_on=True)
        return made, read, inputs, None if plan is None else plan.record()

    made, read, inputs, pages = _in_child(in_child, printed)
    window, state = _after(made, printed)
    if key is not None and read is not None and inputs is not None:
        last.keep(key, read, inputs, window, printed.getvalue(), pages, _parts(made), state)
    return True


def _parts(made: _Made) -> dict[str, Any] | None:
    """The record of the search index's parts the build left in the output, if it made one."""
    from .search import Indexing  # loaded already: the work handed on holds one

    found = [work.record() for work in made.handed if isinstance(work, Indexing)]
    return found[0] if found else None


def build(settings: dict[str, Any], out: TextIO | None = None, *, fork: bool = False) -> None:
    """Check everything, then run Pelican; raise BuildFailed on any problem.

    The site is built as of the start of the build instant's window (schedule.Window): the
    last instant at or before it at which the content changes the site. Previews,
    rehearsals, deploys and the dev server build this way, in full; ``invoke build`` through
    ``build_in``, which may keep what an earlier build wrote.

    With ``fork``, in a child process (``_build``): previews and rehearsals, full builds of
    the same site as ``invoke build``, several in one run for a pull request, fork so that
    each build's memory ends with it and the search index takes two cores. Without it, in
    this process: the dev server's build worker keeps Pelican's objects after the build to
    render an edit at once, and a test may look at what the build did in its own process.
    """
    out = out or sys.stdout
    settings = with_instant(settings)  # the check and Pelican gate at the same instant
    LastBuild.of(settings).forget()  # what is written here is no build a manifest vouches for
    _build(settings, out, fork=fork)


def _until(window: Window) -> str:
    """When the site is due to change next, in the words of the kept build's message."""
    if window.until is None:
        return "nothing is due to change the site"
    return f"the site stays as it is until {window.until:%Y-%m-%d %H:%M:%S} UTC"


def _shown(folder: Path) -> str:
    """``folder`` relative to the working folder when inside it, as the person typed it."""
    return (
        folder.relative_to(Path.cwd()).as_posix()
        if folder.is_relative_to(Path.cwd())
        else str(folder)
    )


@dataclasses.dataclass
class _Made:
    """What Pelican's run leaves for the rest of a build: the window the site is built for
    (schedule.Window), the errors Pelican logged, the late work handed on
    (``state.HANDED``), and what the output's size is measured against (hosting.py). Plain
    data: a forked build sends it to its parent."""

    window: Window
    logged: list[str]
    handed: list[Handed]
    output: Path
    host: str
    output_limit_mb: float


def _build(settings: dict[str, Any], out: TextIO, *, fork: bool = False) -> Window:
    """Check and build; the window in time the site is built for (schedule.Window).

    With ``fork``, the check and Pelican run in a child process (``_in_child``), and this
    one makes the search index once the child, and the memory it held, are gone.
    """
    if fork:
        printed = out if isinstance(out, Printed) else Printed(out)
        made = _in_child(lambda: _make(settings, printed, hand_on=True), printed)
    else:
        made = _make(settings, out, hand_on=False)
    return _after(made, out)[0]


def _in_child(work: Callable[[], T], printed: Printed) -> T:
    """``work()`` in a forked child (forked.py), what it printed added to ``printed``.

    Python keeps most of the memory a build freed until its process ends, so the search
    index, made once the child has ended, can take two cores: two Pagefind runs then fit
    where one did beside a build's leftovers (search.MOST_AT_ONCE).
    """
    try:
        return forked.run(work, printed)
    except forked.ChildLost as err:
        raise BuildFailed(str(err)) from None


def _after(made: _Made, out: TextIO) -> tuple[Window, str]:
    """The rest of a build once Pelican's run is over: the work handed on (the search index,
    on every core this process may use, beside the share cards the process drawing ahead
    left), the errors Pelican logged, the output's size. The window, and the finished
    output's state (manifest.measured), for its manifest."""
    from .parallel import cores  # the cores this process may use (a container's share)

    with _worded():
        run_all([partial(work, cores()) for work in made.handed])
    if made.logged:
        raise BuildFailed("The build logged errors:\n" + "\n".join(made.logged))
    # Measured on the finished output, search index and editor included: what is uploaded.
    state, files, size = measured(made.output)
    warning = size_warning(size, files, made.host, made.output_limit_mb)
    if warning:
        print(f"Warning: {warning}", file=out)
        if os.environ.get("GITHUB_ACTIONS") == "true":  # shown on the workflow run's page
            print(f"::warning title=Site size::{escape_data(warning)}", file=out)
    return made.window, state


def _make(settings: dict[str, Any], out: TextIO, *, hand_on: bool) -> _Made:
    """Check, then run Pelican and its late work; with ``hand_on``, the late work another
    process may run is handed back instead (``state.HANDED``)."""
    newsroom = check(settings)
    report(newsroom.problems, out)
    if newsroom.errors:
        raise BuildFailed(summary(newsroom))
    # The checked content lives until Pelican's run is over, and so does the context
    # Pelican builds from it next (frozen in turn: plugin.freeze_context).
    forked.freeze(hold=True)
    with _worded():
        log = _read_golive_log(settings, out)
        as_of: datetime = settings["NEWSROOM_AS_OF"]
        assert newsroom.site is not None  # no errors: the data was read
        window = Window.around(as_of, newsroom.releases, newsroom.site.changes, log.instants)
        # A preview names its own instant on every page: it is built as of that instant.
        since = as_of if from_pelican(settings).preview else window.since
        built = {**settings, "NEWSROOM_AS_OF": since, BUILT_AT: as_of}
        logged, later = _run_pelican(
            {**built, CHECKED: newsroom, SERVED: log.served}, hand_on=hand_on
        )
        newsroom.fingerprints.save()
        del newsroom  # Pelican's copy is gone too: the search index needs neither
        _finish(later)
    options = from_pelican(settings)
    output = Path(settings["OUTPUT_PATH"])
    return _Made(window, logged, later.handed, output, options.host, options.output_limit_mb)


@contextlib.contextmanager
def _worded() -> Iterator[None]:
    """The errors a build stops on, worded for the person who ran it."""
    from .files import UnsafeFile

    try:
        yield
    except ContentError as err:  # content changed between the check and the build
        raise BuildFailed(str(err)) from None
    except (UnsafeFile, OutputError) as err:  # a file not checked, or an index not written
        raise BuildFailed(f"The build stopped: {err}") from None
    except GoLiveLogError as err:
        raise BuildFailed(f"The go-live log cannot be read: {err}") from None


def _read_golive_log(settings: dict[str, Any], out: TextIO) -> GoLiveLog:
    """The go-live log named by NEWSROOM_GOLIVE_LOG, each line it leaves out reported.

    A damaged line costs its release the served instant on the record, never the build: a
    log on a branch anyone with write access can push to must not hold back a disclosure.
    """
    path = from_pelican(settings).golive_log
    if path is None:
        return GoLiveLog({})
    log = read_golive_log(path)
    for note in log.skipped:
        print(f"Warning: {note}", file=out)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            print(f"::warning title=Go-live log::{escape_data(note)}", file=out)
    return log


def _run_pelican(settings: dict[str, Any], *, hand_on: bool = False) -> tuple[list[str], Late]:
    """Run one Pelican build: the errors it logged (Pelican logs some and carries on), and
    the work it left for once its objects are freed (``state.LATER``; see ``_finish``),
    with the processes it started for that work (``state.AHEAD``) and, with ``hand_on``,
    the work another process may run (``state.HANDED``)."""
    counter = _ErrorCounter()
    later = Late()
    pelican_logger = logging.getLogger("pelican")
    pelican_logger.addHandler(counter)
    from pelican import Pelican  # only for a build (see the module's note)
    from pelican.contents import Content

    from .rendering import settle

    run = {**settings, LATER: later.works, AHEAD: later.ahead}
    if hand_on:
        run[HANDED] = later.handed
    emptying = None
    plan = run.get(PAGES)
    # The parts of the search index on record: only those the emptying leaves stay.
    parts = run.pop(PARTS, None) or {}
    if run.get("DELETE_OUTPUT_DIRECTORY"):
        leave = plan.leaving() if isinstance(plan, Plan) else ()
        emptying = outfolder.empty(
            run["OUTPUT_PATH"], run.get("OUTPUT_RETENTION") or (), leave, parts
        )
        if emptying is not None:  # what is left is the folder being deleted: Pelican keeps it
            run["DELETE_OUTPUT_DIRECTORY"] = False
            if isinstance(plan, Plan):
                plan.leaves(emptying.output, emptying.left)
            run[PARTS] = {name: parts[name] for name in emptying.whole}
    try:
        try:
            Pelican(run).run()
            if emptying is not None and isinstance(plan, Plan):
                # What the build neither took nor wrote of the files left for it.
                emptying.sweep(plan.stale(), plan.folders)
        except Exception:
            settle(run)  # an error in a page asked for earlier is the one to raise
            raise
    except BaseException:  # Ctrl-C too: nothing will wait for what was started ahead
        later.stop()
        raise
    finally:
        pelican_logger.removeHandler(counter)
        if emptying is not None:
            emptying.done()
        # Pelican memoizes each page's content and summary by the page itself, in caches on
        # its Content class (pelican/contents.py, utils.memoized) that are never emptied:
        # they would keep every page, and through them the whole build, for the life of the
        # process (a trial build's halving runs many builds in one).
        Content.get_content.cache.clear()
        Content.get_summary.cache.clear()
    return counter.messages, later


def _finish(later: Late) -> None:
    """Do the work a build left for later, once the memory its objects held is given back.

    The caller has dropped the checked content by now. Python keeps freed memory for itself,
    and glibc's allocator keeps it from the system until asked (``malloc_trim``), so the
    memory a search index takes would otherwise come on top of all the build held. The
    share cards and the search index are made side by side (``state.run_all``), but for
    those handed to the process that forked the build (``state.HANDED``), and no process
    started ahead outlives this call (``state.Late``): one still drawing cards is stopped
    here, and what it left is drawn by the work handed on.
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # another C library: nothing to ask
        ctypes.CDLL(None).malloc_trim(0)
    later.run()


def trial_build(settings: dict[str, Any], newsroom: Newsroom, root: Path) -> list[Problem]:
    """Build the checked content, as the site will be once everything is live, into a
    throwaway folder; a problem names each release that the build cannot publish.

    The check promises that what it passes builds at every later instant, and a release
    that stops the build only from its own instant (an embargoed one) would otherwise
    block every deploy from then on. At the instant the last release or update goes live,
    every release is public with all its updates, and with every feed listing every
    release, each one passes through every template and output. When that build fails,
    halving the set of releases finds the ones it fails on.

    The verdict is kept in the cache (cache.py) under a key of everything the build reads
    (``_trial_key``), so a check of an unchanged tree on the same day builds nothing.
    """
    newsroom_settings = from_pelican(settings)
    live = [r for r in newsroom.releases if not r.draft]
    # From the start of the check's day (UTC) when every release is live by then: the
    # site is the same but for the instant it names, and one verdict serves the whole day.
    # A withdrawal counts like an update: the trial shows every release as it ends up.
    day = newsroom_settings.as_of.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    withdrawn = [r.withdrawal.date for r in live if r.withdrawal is not None]
    as_of = max([day, *(r.modified for r in live), *withdrawn]).astimezone(UTC)
    options = {**settings.get("NEWSROOM", {})}
    options["feed_items"] = max(len(live), int(options.get("feed_items", 0)))
    trial = {**settings, "NEWSROOM": options, "NEWSROOM_AS_OF": as_of}
    store = Store.beside(Path(settings["PATH"]).resolve())
    key = _trial_key(trial, root)
    kept = store.get("trial", key) if key is not None else None
    if kept is not None:
        try:
            return decode_problems(kept)
        except Unreadable:
            pass
    problems = _trial_problems(trial, newsroom, root, as_of)
    if key is not None:
        store.put("trial", key, encode_problems(problems))
    return problems


def _trial_key(settings: dict[str, Any], root: Path) -> str | None:
    """Everything the trial build's verdict depends on, as one key; None when a setting has
    no stable text (a function), so the verdict is not kept.

    The content, theme and plugins by their bytes; the settings (the trial instant among
    them) by their values; the go-live log the record reads; and the versions of Python
    and of every installed package (Pelican, Jinja, Markdown, Pagefind…).
    """
    per_run = {"OUTPUT_PATH", CHECKED}
    try:
        text = stable_text({k: v for k, v in sorted(settings.items()) if k not in per_run})
    except TypeError:
        return None
    log = settings.get("NEWSROOM_GOLIVE_LOG")
    return digest(
        "trial",
        text,
        str(root),
        code_version(),
        tree_digest(Path(settings["PATH"])),
        tree_digest(Path(settings["THEME"])),
        *(_sources_digest(Path(folder)) for folder in settings.get("PLUGIN_PATHS", [])),
        file_digest(log),
        *installed(),
    )


def _sources_digest(folder: Path) -> str:
    """The Python files under ``folder`` (not the bytecode Python writes beside them)."""
    files = sorted(folder.rglob("*.py"))
    return digest(
        *(part for f in files for part in (f.relative_to(folder).as_posix(), f.read_bytes()))
    )


def _trial_problems(
    trial: dict[str, Any], newsroom: Newsroom, root: Path, as_of: datetime
) -> list[Problem]:
    """The trial build itself, and the halving that names the releases it fails on."""

    def fails(published: list[Release]) -> str | None:
        return _trial_failure(trial, newsroom, published)

    live = [r for r in newsroom.releases if not r.draft]
    newsroom_settings = from_pelican(trial)

    failure = fails(live)
    if failure is None:
        return []
    if fails([]) is not None:
        data = Path(trial["PATH"]) / newsroom_settings.data_path
        return [_unbuildable(display_path(data, root), "with the shared data", failure, as_of)]
    problems: list[Problem] = []
    rest = live
    while failure is not None and len(problems) < _MAX_UNBUILDABLE:
        culprit, failure = _first_failing(rest, failure, fails)
        problems.append(_unbuildable(culprit.source, "once this release is live", failure, as_of))
        rest = [r for r in rest if r is not culprit]
        failure = fails(rest)
    return problems


_MAX_UNBUILDABLE = 3


def _first_failing(
    releases: list[Release], failure: str, fails: Callable[[list[Release]], str | None]
) -> tuple[Release, str]:
    """One release the build fails on, by halving (the build with all of them fails)."""
    while len(releases) > 1:
        half = releases[: len(releases) // 2]
        found = fails(half)
        if found is not None:
            releases, failure = half, found
        else:
            releases = releases[len(releases) // 2 :]
    return releases[0], failure


def _trial_failure(
    settings: dict[str, Any], newsroom: Newsroom, published: list[Release]
) -> str | None:
    """Why the build of only ``published`` (the others held back as drafts) fails, or None."""
    keep = {id(r) for r in published}
    releases = [
        r if id(r) in keep else dataclasses.replace(r, draft=True) for r in newsroom.releases
    ]
    subset = dataclasses.replace(newsroom, releases=releases, problems=[], _by_source={})
    with tempfile.TemporaryDirectory(prefix="newsroom-check-") as folder:
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                logged, later = _run_pelican({**settings, CHECKED: subset, "OUTPUT_PATH": folder})
                _finish(later)
        except Exception as err:  # any failure at all is the finding
            return f"{type(err).__name__}: {err}"
    return "; ".join(logged) if logged else None


def _unbuildable(path: str, when: str, failure: str, as_of: datetime) -> Problem:
    return Problem(
        path,
        0,
        "",
        f"the site cannot be built {when} ({failure})",
        "Look for unusual characters or values in it; if you find nothing, ask IT and show "
        f"them this message (the check built the site as of {as_of:%Y-%m-%d %H:%M} UTC)",
        "build-failed",
    )
