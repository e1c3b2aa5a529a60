"""Build processes for invoke serve: a full build in a fresh process, and a saved edit to one
release shown within a second by the process that made the last full build.

Each full build runs in a process of its own, started ahead of time so that its imports
(Pelican, Markdown, Jinja) are done while the author is still typing; nothing of the project
itself (plugins, settings, theme) is loaded before the signal to build, so every edit, plugin
code included, takes effect. After a full build the process stays alive holding what it
built: the settings, the checked newsroom, the articles generator with its context and Jinja
environment (``Held``).

When the only changes since that build are edits to the text of existing releases, that
process checks the edited files as the full check does and renders only their pages, with
the same templates, signals and context (``Held.quick``); the dev server then reloads the
browser and runs the full build in the background, which catches up lists, feeds and search
and becomes the next holder. Anything else (a new, deleted or renamed file, data, media,
theme, plugins, settings, or a change to what places a release on pages: its date, slug,
language, topic, tags, status...) takes the full build at once, as before.

Each full build writes a folder of its own in ``.cache/newsroom-serve/``, never the folder
being served: a full build takes seconds (a minute at 10,000 releases), and one written in
place would leave pages missing or of the build before while it runs, and would undo an
edit the holder showed meanwhile. The output folder is a link to the folder shown, switched
in one step once a build is whole and has shown the edits made since it started
(``DevBuilds._show``): a reader gets a page of the build before or of the new one, never a
missing page or a site going back in time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsroom.models import Release

ROOT = Path(__file__).resolve().parent.parent
#: Printed by the worker after each command, with its outcome (see ``Outcome``).
DONE = "\x00masthead-done"
#: The Release fields an edit may change and still be shown by re-rendering its own pages:
#: none of them decides which pages, lists, feeds or addresses the release is on.
TEXT_FIELDS = frozenset({"title", "subtitle", "summary", "dateline", "body_html"})
#: Where invoke serve's full builds write, each into a folder of its own (``DevBuilds``).
BUILDS = Path(".cache") / "newsroom-serve"


class Outcome:
    """What a command to the worker came to (the word after ``DONE``)."""

    BUILT = "built"  # a full build, kept in memory for quick renders
    UNHELD = "unheld"  # a full build that ran no articles generator: nothing to hold
    FAILED = "failed"  # the full build stopped; its problems were printed
    SHOWN = "shown"  # the edited releases' pages were rendered again
    PROBLEMS = "problems"  # the edited files fail the check; their problems were printed
    FULL = "full"  # the changes need a full build


def main() -> int:
    output = sys.argv[1]
    _preload()
    if sys.stdin.readline().strip() != "build":
        return 0  # the server stopped before asking
    outcome, held = full_build(output)
    print(f"{DONE} {outcome}", flush=True)
    if held is None:
        return 0  # a process builds once: the next build, in a fresh one, loads edited code
    held.prepare()  # while the dev server serves and the author types
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command != "quick":
            break
        try:
            outcome = held.quick([Path(p) for p in json.loads(argument)])
        except Exception:  # the full build decides, and holds from then on
            print(traceback.format_exc())
            print(f"{DONE} {Outcome.FULL}", flush=True)
            break
        print(f"{DONE} {outcome}", flush=True)
    return 0


def _preload() -> None:
    """Import what every build needs before the first one is asked for."""
    import jinja2  # noqa: F401
    import markdown  # noqa: F401
    import nh3  # noqa: F401
    import pelican.generators
    import pelican.readers  # noqa: F401
    import yaml  # noqa: F401


def full_build(output: str) -> tuple[str, Held | None]:
    """The build ``invoke build`` runs, into ``output``; what it made, kept in memory."""
    sys.path.insert(0, str(ROOT / "plugins"))
    from pelican import signals
    from pelican.generators import ArticlesGenerator

    from newsroom import commands

    made: list[ArticlesGenerator] = []

    def keep(generators: list[Any]) -> None:
        made.extend(g for g in generators if isinstance(g, ArticlesGenerator))

    signals.all_generators_finalized.connect(keep)
    try:
        settings = commands.pelican_settings(ROOT / "pelicanconf.py", output=output)
        # Listed before the build reads anything: a file gone by the next edit that was
        # here then is a deletion, one that was not is an editor's scratch file.
        listing = _listing(Path(settings["PATH"]).resolve())  # as the watcher names them
        commands.build(settings, out=sys.stdout)
    except commands.BuildFailed as err:
        print(err)
        return Outcome.FAILED, None
    except Exception:  # shown to the author like any failed build
        print(traceback.format_exc())
        return Outcome.FAILED, None
    finally:
        signals.all_generators_finalized.disconnect(keep)
    if len(made) != 1:
        return Outcome.UNHELD, None
    return Outcome.BUILT, Held(made[0], listing)


def _listing(folder: Path) -> frozenset[str]:
    return frozenset(
        os.path.join(base, name) for base, _, names in os.walk(folder) for name in names
    )


class Held:
    """A finished full build, in memory: re-renders the pages of releases whose text changed."""

    def __init__(self, generator: Any, listing: frozenset[str]) -> None:
        from newsroom.state import state_of

        self.generator = generator
        self.settings: dict[str, Any] = generator.settings
        self.state = state_of(self.settings)
        self.content = Path(self.settings["PATH"]).resolve()
        self.listing = listing
        self._recheck: Any = None  # content.Recheck, made by prepare()
        self._articles: dict[str, Any] | None = None  # each page's article, by its file

    def prepare(self) -> None:
        """Work out ahead what every quick render needs, and keep the garbage collector from
        walking the whole build each time (at 10,000 releases, a second per collection)."""
        from newsroom.content import Recheck

        self._recheck = Recheck(
            self.state.newsroom, self.content, self.state.settings, self.state.root
        )
        self._article_of("")
        gc.collect()
        gc.freeze()

    def quick(self, paths: list[Path]) -> str:
        """Check and render again the releases edited at ``paths`` (every change since this
        build started), or say that a full build is needed."""
        from newsroom.commands import report, summary

        newsroom = self.state.newsroom
        olds = self._edited(paths)
        if olds is None:
            return Outcome.FULL
        if self._recheck is None:
            self.prepare()
        edits, problems = [], {}
        for source, old in olds.items():
            new, problems[source] = self._recheck.release(source)
            if new is not None and new != old:
                if not _only_text_changed(old, new):
                    return Outcome.FULL
                edits.append((old, new))
        # The full check's list: this build's problems, with the edited files' own anew.
        checked = dataclasses.replace(
            newsroom,
            problems=sorted(
                [p for p in newsroom.problems if p.path not in problems]
                + [p for found in problems.values() for p in found]
            ),
        )
        if checked.errors:
            report(checked.problems, sys.stdout)
            print(summary(checked))
            return Outcome.PROBLEMS
        articles = [self._article_of(old.source) for old, _ in edits]
        if any(article is None for article in articles):
            return Outcome.FULL  # not on the site (embargoed, a draft, withdrawn)
        newsroom.problems[:] = checked.problems
        for (old, new), article in zip(edits, articles, strict=True):
            newsroom.replace_release(old, new)
            self._render(article, old, new)
        return Outcome.SHOWN

    def _edited(self, paths: list[Path]) -> dict[str, Release] | None:
        """The releases (as this build read them) whose files are among ``paths``, by path
        as messages show it; None when a path is anything but an existing release file."""
        from newsroom.problems import display_path

        found = {}
        for path in sorted(set(paths)):
            if not path.is_relative_to(self.content):
                return None  # theme, plugins or settings
            if not os.path.lexists(path):
                if str(path) in self.listing:
                    return None  # deleted or renamed
                continue  # an editor's scratch file, come and gone
            source = display_path(path, self.state.root)
            release = self.state.newsroom.release_for(source)
            if path.is_symlink() or not path.is_file() or release is None:
                return None  # a new file, a page, data, media: not a release's text
            found[source] = release
        return found

    def _article_of(self, source: str) -> Any:
        if self._articles is None:
            generator = self.generator
            self._articles = {
                a.release.source: a for a in (*generator.articles, *generator.translations)
            }
        return self._articles.get(source)

    def _render(self, old_article: Any, old: Release, new: Release) -> None:
        """Read ``new`` as Pelican reads a release, present it as the gate and the structured
        data do, put it in place of ``old`` wherever the build's lists hold it, and write its
        page as ArticlesGenerator.generate_articles does."""
        from pelican import signals
        from pelican.contents import Article
        from pelican.writers import Writer

        from newsroom import structured, timegate

        generator, settings = self.generator, self.settings
        article = generator.readers.read_file(
            base_path=generator.path,
            path=os.path.relpath(old_article.source_path, generator.path),
            content_class=Article,
            context=generator.context,
            preread_signal=signals.article_generator_preread,
            preread_sender=generator,
            context_signal=signals.article_generator_context,
            context_sender=generator,
        )
        timegate.present(article, self.state, settings.get("SITEURL", ""))
        # The language versions and their links depend on languages and addresses only,
        # which an edit shown this way has not changed.
        article.alternates = old_article.alternates
        article.x_default = old_article.x_default
        structured.describe(article, settings)
        swap = {id(old_article): article, id(old_article.release): article.release, id(old): new}
        seen: set[int] = set()
        for holder in (generator.__dict__, generator.context, self.state.__dict__):
            _substitute(holder, swap, depth=6, seen=seen)
        assert self._articles is not None  # _article_of found old_article
        self._articles[new.source] = article
        signals.article_generator_write_article.send(generator, content=article)
        Writer(generator.output_path, settings=settings).write_file(
            article.save_as,
            generator.get_template(article.template),
            generator.context,
            article=article,
            category=getattr(article, "category", None),
            override_output=hasattr(article, "override_save_as"),
            url=article.url,
            blog=True,
        )


def _only_text_changed(old: Release, new: Release) -> bool:
    """Whether two versions of a release differ only in ``TEXT_FIELDS``."""
    return all(
        getattr(old, f.name) == getattr(new, f.name)
        for f in dataclasses.fields(old)
        if f.name not in TEXT_FIELDS
    )


def _substitute(value: Any, swap: dict[int, Any], depth: int, seen: set[int]) -> Any:
    """``value`` with every object in ``swap`` (by identity) replaced: lists and dicts in
    place, tuples rebuilt (returned), down to ``depth`` levels of containers, each once.

    A list of ten thousand articles is looked through at C speed (their ids, their types):
    only one that holds a swapped object or a container is gone through item by item.
    """
    if depth == 0 or id(value) in seen:
        return value
    seen.add(id(value))
    if isinstance(value, list | dict):
        keys = range(len(value)) if isinstance(value, list) else list(value)
        items = value if isinstance(value, list) else list(value.values())
        if not swap.keys().isdisjoint(map(id, items)):
            for key, item in zip(keys, items, strict=True):
                if id(item) in swap:
                    value[key] = swap[id(item)]
        if _holds_containers(items):
            for key, item in zip(keys, items, strict=True):
                if isinstance(item, list | dict | tuple):
                    value[key] = _substitute(item, swap, depth - 1, seen)
    elif (
        isinstance(value, tuple)
        and not hasattr(value, "_fields")
        and (not swap.keys().isdisjoint(map(id, value)) or _holds_containers(value))
    ):
        items = [_substitute(swap.get(id(i), i), swap, depth - 1, seen) for i in value]
        if any(a is not b for a, b in zip(items, value, strict=True)):
            return tuple(items)
    return value


def _holds_containers(items: list[Any] | tuple[Any, ...]) -> bool:
    return any(issubclass(kind, list | dict | tuple) for kind in set(map(type, items)))


class Worker:
    """The dev server's side of one worker process, which builds into ``output``."""

    def __init__(self, root: Path, output: Path) -> None:
        self.output = output
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tools.build_worker", str(output)],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,  # stopped with its children (Pagefind): see stop()
        )

    def ask(self, command: str) -> tuple[str, str]:
        """Send one command; its outcome and what the worker printed meanwhile."""
        process = self.process
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(command + "\n")
            process.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass  # it died; its output below says why
        lines: list[str] = []
        for line in process.stdout:
            if line.startswith(DONE):
                return line.split()[-1], "".join(lines)
            lines.append(line)
        return "", "".join(lines).strip() or "The build process stopped unexpectedly."

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()


class DevBuilds:
    """invoke serve's builds for tools/devserver.py: ``rebuild`` (everything, in a fresh
    process that then holds it), ``quick`` (edits, by the holder) and ``cancel``.

    A full build may run while the holder shows newer edits: it is never stopped for them
    (stopping it half-way would waste the work done), and when it ends, it holds and shows
    again the edits made since it started, so the site never goes back in time. Each full
    build writes a folder of its own; ``output`` is a link to the one shown (``_show``).
    """

    def __init__(self, root: Path, output: Path) -> None:
        self.root, self.output = root, output
        self.folders = root / BUILDS
        self.folders.mkdir(parents=True, exist_ok=True)
        #: The folder ``output`` links to, when it is one of ours (a link of the developer's
        #: own is replaced, its target left alone).
        self.shown = served_build(output, root)
        for old in self.folders.iterdir():  # left by a dev server stopped before it could
            if old != self.shown:
                _delete(old)
        self.spare = self._worker()  # the next full build, its imports done
        self.holder: Worker | None = None
        self.building: Worker | None = None
        #: Every changed path reported, and where in it the holder's build started.
        self.seen: list[Path] = []
        self.mark = 0
        #: Held while a process is asked something or replaced: one question at a time.
        self.lock = threading.Lock()

    def _worker(self) -> Worker:
        return Worker(self.root, Path(tempfile.mkdtemp(prefix="build-", dir=self.folders)))

    def rebuild(self) -> tuple[bool, str]:
        """A full build in a fresh process, which then holds it for quick renders."""
        with self.lock:
            worker, self.spare = self.spare, self._worker()
            self.building, mark = worker, len(self.seen)
        outcome, text = worker.ask("build")
        with self.lock:
            self.building = None
            if outcome not in (Outcome.BUILT, Outcome.UNHELD):
                worker.stop()
                _delete(worker.output)  # the site shown stays as it was
                return False, text.strip()
            if outcome == Outcome.UNHELD:
                worker.stop()  # edits take the full build until one holds again
            old, self.holder = self.holder, worker if outcome == Outcome.BUILT else None
            self.seen, self.mark = self.seen[mark:], 0
            shown = self._ask_holder() if self.seen else None  # into the new folder
            before = self._show(worker.output)
        if old is not None:
            old.stop()
        if before is not None:
            _delete(before)
        if shown is not None and not shown[0]:
            return shown  # an edit since it started fails the check: its problems stay shown
        return True, text

    def _show(self, folder: Path) -> Path | None:
        """Make ``output`` a link to ``folder``, in one step (a link renamed over the link);
        the folder shown before, if it was one of ours. A real folder at ``output`` (the
        output of ``invoke build``) is moved aside to be deleted, as a build would empty it."""
        link = self.output
        temporary = link.with_name(f".{link.name}.{secrets.token_hex(4)}")
        os.symlink(os.path.relpath(folder, link.parent), temporary)
        try:
            if link.is_dir() and not link.is_symlink():
                aside = Path(tempfile.mkdtemp(prefix="earlier-", dir=self.folders))
                try:
                    os.rename(link, aside / link.name)
                except OSError:  # another file system: deleted here
                    shutil.rmtree(link)
                _delete(aside)
            os.replace(temporary, link)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        before, self.shown = self.shown, folder
        return before if before != folder else None

    def quick(self, paths: list[Path]) -> tuple[bool, str] | None:
        """Show the edits at ``paths`` by re-rendering their releases' pages: (shown, the
        problems text); None when they need a full build."""
        with self.lock:
            self.seen.extend(paths)
            return self._ask_holder()

    def _ask_holder(self) -> tuple[bool, str] | None:
        """The holder's quick render of every change since its build started."""
        holder = self.holder
        if holder is None:
            return None
        changed = sorted({str(p) for p in self.seen[self.mark :]})
        outcome, text = holder.ask("quick " + json.dumps(changed))
        if outcome == Outcome.SHOWN:
            return True, text
        if outcome == Outcome.PROBLEMS:
            return False, text.strip()
        if outcome != Outcome.FULL:  # it died: the next full build holds again
            self.holder = None
            holder.stop()
        return None

    def cancel(self) -> None:
        """Stop a full build under way (a full build in front supersedes it)."""
        building = self.building
        if building is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(building.process.pid, signal.SIGKILL)

    def close(self) -> None:
        """Stop every process; the folder shown stays, the others go (the spare's is empty;
        what a stopped build left is deleted by the next dev server if not here)."""
        for worker in (self.spare, self.holder, self.building):
            if worker is not None:
                worker.stop()
                if worker.output != self.shown:
                    _delete(worker.output)


def served_build(output: Path, root: Path) -> Path | None:
    """The folder of invoke serve's builds in ``root`` that ``output`` links to, if any."""
    if not output.is_symlink():
        return None
    target = output.parent / os.readlink(output)
    folders = root / BUILDS
    return folders / target.name if target.parent.resolve() == folders.resolve() else None


def detach(output: Path, root: Path) -> None:
    """Make ``output`` a place of its own again when invoke serve left it a link to one of
    its builds: ``invoke build`` then writes a folder there, as without the dev server,
    instead of into the dev server's (which the next dev server deletes)."""
    if served_build(output, root) is not None:
        output.unlink()


def _delete(folder: Path) -> None:
    """Delete ``folder`` on a thread of its own: a build's output of ten thousand pages
    takes seconds, and the server answers meanwhile."""
    threading.Thread(target=shutil.rmtree, args=(folder, True), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
