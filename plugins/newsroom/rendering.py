"""Pages rendered on every core: Pelican's writer, with the Jinja rendering spread out.

Rendering templates is more than half of Pelican's run, and Pelican renders one page after
the other, on one core. ``Writer`` is Pelican's own writer (``signals.get_writer``) that
lets every ``write_file`` call run as Pelican wrote it (pagination, the context of each
page, the checks that refuse to write a file twice, the messages, the errors), except that
the template is not rendered yet: the page is recorded, and its file made later. Once every
generator has asked for its pages (``render_pages``, the first ``finalized`` handler, since
later ones read the pages), the recorded pages are rendered in order and each is written to
the file Pelican opened for it. The files hold the same bytes as Pelican's writer would
write.

A page's file is made by the process that renders it, not when Pelican asks for the page:
making 10,000 files one after the other took this process seconds, while the workers make
theirs side by side. While a page is recorded, Pelican's writer module sees an ``open`` that
creates no file where none is (``_files_made_later``); a file that is there already is
emptied at once, as Pelican would. Its folder is made at once, as Pelican does: other
generators write into folders that pages made.

The pages of one release (or one page of content) are rendered by forked workers
(``parallel.ordered``: they inherit the pages instead of receiving them), a fresh pair for
every ``SLICE`` pages; the pages that list releases are rendered by this process (see
``SINGLE`` for why: the memory a worker would copy).

In an ``invoke build`` a page whose inputs have not changed since the last one is not
rendered at all: the file the last build wrote for it is taken (``_take``, pagerecord.py),
and the release bodies each rendered page reads are noted for the next build (bodies.py).

What a deferred page sees is what it would have seen at once:

- its context is the one Pelican built for it: the values of the shared context when it was
  asked for (a copy is taken whenever one changes), with the page's own values on top;
- Pelican runs every generator's ``generate_context`` before any ``generate_output``, and
  neither Pelican's generators nor the newsroom's change the objects pages show while
  they write (the newsroom's generators only read the build state and write files);
- a file written twice ends with the later write, as with Pelican: an earlier page whose
  file was overwritten (``override_output``, or a file written by other means: one that was
  not there is then found made, one that was is found changed) is rendered but not
  written, and a page Pelican skips is rendered and thrown away, as Pelican does;
- whatever a worker logs is logged again here, in page order, through this process's
  loggers (so ``commands._ErrorCounter`` counts it, and Pelican's filters see it once);
- an error in a page is raised here, by rendering that page again here (``parallel``), with
  the message it has without workers; a build that stops for another reason first renders
  the pages it recorded before (``settle``), so the first error in Pelican's order is the
  one raised;
- a ``content_written`` handler expects each file written when it is told: when one is
  connected, every page is rendered at once, as Pelican does.

What is not reproduced: a page's content read through Pelican's shared ``localsiteurl`` by a
page written with relative URLs into another context than the shared one (Pelican's period
archives); it changes only the ``{filename}`` links, which the newsroom turns off
(``plugin.NO_INTRASITE_LINKS``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pelican.writers
from jinja2 import Template
from pelican import Pelican
from pelican.generators import ArticlesGenerator
from pelican.log import FilteredMessage
from pelican.plugins import signals
from pelican.writers import Writer as PelicanWriter

from . import bodies, parallel
from .filewriter import Files
from .pagerecord import Plan
from .state import AHEAD, PAGES, WORKERS, state_of

#: Pelican setting (internal): the writer of the build under way, for ``render_pages``.
WRITER = "NEWSROOM_WRITER"
#: Pages one set of workers renders before it ends and a fresh one is forked. A worker
#: copies each page of memory it touches (reference counts) and holds the copies until it
#: ends: short-lived workers hold copies of their own pages' objects only.
SLICE = 500
#: The keys of the one content a page of Pelican's shows (``article``, ``page``): such pages
#: are rendered by workers. A page that lists releases (an archive, a topic, the record)
#: touches the objects of all it lists, and a worker would copy most of the build's memory
#: for a few of them: those are rendered here.
SINGLE = ("article", "page")

_MISSING = object()
#: What rendering one page hands back (``Writer._render``).
_Rendered = tuple[list[logging.LogRecord], "list[Any] | None"]


@dataclass
class _Page:
    """One page Pelican asked for, to render later."""

    template: Template
    #: The context passed to ``write_file``: Pelican sets its ``localsiteurl`` before
    #: rendering, and the content objects read it there.
    context: dict[str, Any]
    #: That context's values when the page was asked for.
    values: dict[str, Any]
    #: What Pelican's context for the page has that differs from ``values``.
    own: dict[str, Any]
    #: The file to write; None to render only (Pelican skips the file, or a later write
    #: took it).
    target: str | None = None
    #: None when there was no file yet: it is made when the page is written, unless
    #: something made it since. Else the file as emptied for the page: written only if
    #: still the same.
    stamp: tuple[int, int, int] | None = None

    @property
    def single(self) -> bool:
        """Whether the page shows one content (``SINGLE``): a worker may render it."""
        return any(key in self.own for key in SINGLE)


@dataclass
class _Snapshot:
    context: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)


class Writer(PelicanWriter):
    """Pelican's writer, rendering pages later and on every core (see the module's note)."""

    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        self._pages: list[_Page] = []
        self._pending: dict[str, int] = {}  # recorded page by the file it will write
        self._asked: _Page | None = None  # the page whose file Pelican opens next
        self._opening: _Page | None = None  # the page whose file Pelican is opening
        self._snapshots: dict[int, _Snapshot] = {}
        self._deferring = True
        self._parent = os.getpid()
        self._logging_kept_in = 0  # the worker whose log records are kept (``_keep_logs``)
        self._records: list[logging.LogRecord] = []
        #: The last build's pages and this one's (pagerecord.py), in an ``invoke build``.
        plan = (settings or {}).get(PAGES)
        self._plan: Plan | None = plan if isinstance(plan, Plan) else None
        if settings is not None:
            settings[WRITER] = self

    def write_file(
        self, name: str, template: Template, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> None:
        """Pelican's ``write_file``, rendering the page later (or at once, see the note)."""
        if not self._deferring or signals.content_written.receivers:
            super().write_file(name, template, context, *args, **kwargs)
            return
        values = self._values(context)
        with _files_made_later(self):
            super().write_file(
                name, _Recorder(self, template, context, values), context, *args, **kwargs
            )

    def _values(self, context: dict[str, Any]) -> dict[str, Any]:
        """A copy of ``context``'s values, taken again only when one of them changed.

        ``localsiteurl`` is left out of the comparison: Pelican sets it for each page with
        relative URLs, and each page's own value is kept with the page.
        """
        held = self._snapshots.get(id(context))
        if held is None or held.context is not context or not _same(held.values, context):
            held = _Snapshot(context, context.copy())
            self._snapshots[id(context)] = held
        return held.values

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        # Pelican opens each file through here, after rendering (or recording) its page:
        # its checks and messages run unchanged, and the page learns its file.
        page, self._asked = self._asked, None
        self._opening = page
        if self._plan is not None:  # Pelican made its folder first, as a full build does
            self._plan.folders.add(os.path.dirname(filename))
        try:
            opened = super()._open_w(filename, encoding, override)
        except Exception:
            if page is not None:  # Pelican renders a page before refusing its file
                self._pages.append(page)
            raise
        finally:
            self._opening = None
        if opened.name != os.devnull:
            earlier = self._pending.pop(opened.name, None)
            if earlier is not None:  # written again: the later write is what stays
                self._pages[earlier].target = None
        if page is not None:
            if opened.name != os.devnull:
                if not isinstance(opened, _Later):
                    found = os.fstat(opened.fileno())
                    page.stamp = (found.st_dev, found.st_ino, found.st_mtime_ns)
                page.target = opened.name
                self._pending[opened.name] = len(self._pages)
            self._pages.append(page)
        return opened

    def _open(self, file: str, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        """``open`` for Pelican's writer module while a page is recorded (see the note). A
        file the last build left there for this one to take counts as none (pagerecord.py)."""
        if self._opening is None or mode != "w" or file == os.devnull:
            return open(file, mode, *args, **kwargs)
        if not (self._plan is not None and self._plan.lying(file)) and os.path.lexists(file):
            return open(file, mode, *args, **kwargs)
        return _Later(file)

    def render_pending(self) -> None:
        """Render every recorded page, in order and on every core; write each one's file.

        From now on pages are rendered as Pelican asks for them.
        """
        self._deferring = False
        self._snapshots.clear()
        pages = self._pages
        self.plan(pages[0].values if pages else {})
        try:
            workers = self.settings.get(WORKERS)
            remaining = self._take(pages)
            for part, single in _runs(pages, remaining):
                if single:
                    # Its first page here: the templates it includes are then loaded once,
                    # and the workers forked next inherit them loaded.
                    self._done(self._render(part[0]))
                    part = part[1:]
                for done in parallel.ordered(self._render, part, workers if single else 1):
                    self._done(done)
        finally:
            self._pages, self._pending = [], {}

    def plan(self, context: dict[str, Any]) -> Plan | None:
        """The record of the last build's pages and this one's (pagerecord.py), started the
        first time it is asked for, from Pelican's ``context`` once every generator has
        made its own: by the first output that may be taken, the API's files (api.py) or
        the pages. None in any build but ``invoke build``."""
        plan = self._plan
        if plan is not None and not plan.key:
            # The media Pelican copies, which every page's context lists: a body may link a
            # file only an embargoed release used, which then is published (assets.py).
            shown = context.get("staticfiles", ())
            media = sorted(str(getattr(s, "save_as", s)) for s in shown)
            plan.start(self.settings["NEWSROOM_AS_OF"], self.output_path, self._body, media)
        return plan

    def _done(self, done: _Rendered) -> None:
        """Log what a page logged (in a worker: here), and note it in the record."""
        records, entry = done
        for record in records:
            # Pelican's loggers drop a message they logged before by raising from their
            # filter, which their own ``_log`` catches: as there.
            with contextlib.suppress(FilteredMessage):
                logging.getLogger(record.name).handle(record)
        if self._plan is not None and entry is not None:
            self._plan.add(entry, rendered=True)

    def _take(self, pages: list[_Page]) -> list[int]:
        """Take the last build's file for each page that would render to the same bytes
        (pagerecord.py); the indices of the pages left to render.

        Done here, before any worker is forked (``Plan.take``): a
        fraction of the cost of forking a worker to do it.
        """
        plan = self._plan
        if plan is None:
            return list(range(len(pages)))
        # Only a page whose file was not there when it was recorded: taking a file never
        # replaces one (see ``_write``).
        asked = [i for i, p in enumerate(pages) if p.target is not None and p.stamp is None]
        took = plan.take([pages[i].target or "" for i in asked])
        taken = {index for index, took_it in zip(asked, took, strict=True) if took_it}
        return [i for i in range(len(pages)) if i not in taken]

    def _body(self, source: str) -> str | None:
        """The body of the release at ``source`` in this build (None: no such release)."""
        release = state_of(self.settings).newsroom.release_for(source)
        return None if release is None else release.__dict__["body_html"]

    def _render(self, index: int) -> _Rendered:
        """Render and write one page: in a worker, the log records it made, to log here; its
        entry in the pages' record (None: not recorded)."""
        in_worker = os.getpid() != self._parent
        page = self._pages[index]
        plan = self._plan
        if in_worker:
            self._keep_logs()
            self._records.clear()  # those of a page that failed before
        context = {**page.values, **page.own}
        if context["localsiteurl"]:  # as Pelican's writer does before rendering
            page.context["localsiteurl"] = context["localsiteurl"]
        with bodies.reading() as reads, _logged() as logged:
            output = page.template.render(context)
        written = page.target is not None and _write(page.target, page.stamp, output)
        entry = None
        # A page that logged is rendered each time: keeping it would lose the message.
        if written and plan is not None and page.target is not None and not logged:
            entry = plan.written(page.target, output, reads)
        if not in_worker:
            return [], entry
        records = list(self._records)
        self._records.clear()
        return records, entry

    def _keep_logs(self) -> None:
        """In a worker: keep every log record instead of handling it, to log it in the parent.

        The parent hands each record to its own loggers (``render_pending``), whose filters
        and handlers then run once, as for a page rendered there.
        """
        if self._logging_kept_in == os.getpid():
            return
        self._logging_kept_in = os.getpid()
        keeper = _Keeper(self._records)
        loggers = [logging.getLogger()]
        loggers += [
            logger
            for logger in logging.Logger.manager.loggerDict.values()
            if isinstance(logger, logging.Logger)
        ]
        for logger in loggers:
            logger.filters = []
            logger.handlers = [keeper] if logger is loggers[0] or not logger.propagate else []


class _Recorder:
    """Stands in for a template in Pelican's ``write_file``: records the page instead."""

    def __init__(
        self, writer: Writer, template: Template, context: dict[str, Any], values: dict[str, Any]
    ) -> None:
        self.writer = writer
        self.template = template
        self.context = context
        self.values = values

    def render(self, page_context: dict[str, Any]) -> str:
        own = {k: v for k, v in page_context.items() if self.values.get(k, _MISSING) is not v}
        self.writer._asked = _Page(self.template, self.context, self.values, own)
        return ""


class _Later:
    """The file Pelican's writer opens for a recorded page where there is none yet: it is
    made when the page is written (``_write``)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def write(self, text: str) -> int:
        return len(text)  # the recorded page renders to nothing

    def __enter__(self) -> _Later:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


@contextlib.contextmanager
def _files_made_later(writer: Writer) -> Iterator[None]:
    """Pelican's writer module makes no file where there is none while ``writer`` records a
    page: the process that renders the page makes it (``_write``)."""
    module = vars(pelican.writers)
    before = module.get("open")
    module["open"] = writer._open
    try:
        yield
    finally:
        if before is None:
            del module["open"]  # the builtin again
        else:
            module["open"] = before


def _write(path: str, stamp: tuple[int, int, int] | None, text: str) -> bool:
    """Write a rendered page's file, unless something else wrote it since it was recorded:
    the later write is the one that stays, as in Pelican. Whether it was written."""
    if stamp is None:
        mode = "x"  # not there when recorded: made by nothing else since
    elif _unchanged(path, stamp):
        mode = "w"
    else:
        return False
    try:
        with open(path, mode, encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        return False
    return True


@contextlib.contextmanager
def _logged() -> Iterator[list[logging.LogRecord]]:
    """The log records made in this process until the block ends, whatever logger they
    went to (in a worker, ``_keep_logs`` keeps them too)."""
    made: list[logging.LogRecord] = []
    before = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = before(*args, **kwargs)
        made.append(record)
        return record

    logging.setLogRecordFactory(factory)
    try:
        yield made
    finally:
        logging.setLogRecordFactory(before)


class _Keeper(logging.Handler):
    """Keeps log records, their message worked out, so they can be sent to the parent."""

    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.NOTSET)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        record.msg = record.getMessage()
        record.args = None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        self.records.append(record)


def _runs(pages: list[_Page], indices: list[int]) -> Iterator[tuple[list[int], bool]]:
    """The pages at ``indices``, in order, in runs of single pages (at most ``SLICE``) and
    of the others."""
    start = 0
    for end in range(1, len(indices) + 1):
        single = pages[indices[start]].single
        if (
            end == len(indices)
            or pages[indices[end]].single != single
            or (single and end - start == SLICE)
        ):
            yield indices[start:end], single
            start = end


def _same(values: dict[str, Any], context: dict[str, Any]) -> bool:
    if len(values) != len(context):
        return False
    return all(context.get(k, _MISSING) is v or k == "localsiteurl" for k, v in values.items())


def _unchanged(path: str, stamp: tuple[int, int, int]) -> bool:
    """Whether ``path`` is still the empty file created for its page (not written since)."""
    try:
        found = os.stat(path)
    except OSError:
        return False
    return found.st_size == 0 and (found.st_dev, found.st_ino, found.st_mtime_ns) == stamp


def make_folders_ahead(generator: ArticlesGenerator) -> None:
    """Pelican ``article_generator_finalized``: have another process make the release pages'
    folders now, on a core that is idle until the pages are rendered.

    Pelican's writer makes a page's folder as it asks for the page, one after the other in
    this process (half a second at 10,000 releases); made by then, each is found there.
    Nothing waits for them, and what that process could not make, the writer makes (or
    fails to make) as before. Only in a build that stops what it starts ahead
    (``state.AHEAD``, from ``commands``), and from ``parallel.PARALLEL_FROM`` pages on.
    """
    stops = generator.settings.get(AHEAD)
    pages = [*generator.articles, *generator.translations]
    if stops is None or len(pages) < parallel.PARALLEL_FROM:
        return
    found = dict.fromkeys(posixpath.dirname(posixpath.normpath(p.save_as)) for p in pages)
    # As Pelican's writer would (sanitised_join), nothing outside the output folder.
    folders = [f for f in found if f and not posixpath.isabs(f) and not f.startswith("..")]
    maker = Files(generator.output_path)
    stops.append(maker.stop)
    maker.folders(folders)


def get_writer(pelican: Pelican) -> type[Writer]:
    return Writer


def render_pages(pelican: Pelican) -> None:
    """Pelican ``finalized``: render the recorded pages, before any handler reads them."""
    writer = pelican.settings.get(WRITER)
    if isinstance(writer, Writer):
        writer.render_pending()


def settle(settings: dict[str, Any]) -> None:
    """A build stopped before its pages were rendered: render them, so that an error in
    one of them is raised, as it would have been before the one that stopped the build."""
    writer = settings.get(WRITER)
    if isinstance(writer, Writer) and writer._deferring:
        writer.render_pending()
