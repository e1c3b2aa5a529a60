"""Templates without their indentation: the theme is indented for people, the pages need not be.

Every page repeats the theme's markup (head, header, footer, release cards), and the spaces
that indent it in the template files were about 5% of a published page. The theme's loader is
wrapped so that each template's source loses the spaces and tabs at the start of its lines
before Jinja compiles it. Every line break stays, those of blank lines too: Jinja numbers the
lines of the source it is given, so the line an error names (a syntax error, a value
StrictUndefined refuses, the template's frame in a traceback) is the line in the theme's file.
A blank line costs a byte where a page prints it (9 bytes of a 14 KB release page). Moving
those line breaks into Jinja comments would save about half of that, but is sound only where
Jinja's parser shows the template unchanged (not in a ``{% raw %}`` block, a tag, a string or
a ``{% trans %}`` message), and parsing this theme's templates twice more takes 0.12 s.

Only the theme's own text changes: what templates print (release bodies, with their ``<pre>``
blocks) is untouched, and a ``<pre>`` or ``<textarea>`` a template opens and closes is kept as
written. Elsewhere a run of whitespace renders as one space, so HTML renders as before; the
one run that can go is an indentation after a line break ``trim_blocks`` takes (the break
after a ``{% %}`` tag), which this theme has only between two tags. The loader returns the
changed source, so Jinja's bytecode cache is keyed by it and never serves an indented copy.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from jinja2 import BaseLoader, Environment
from pelican.generators import Generator

#: A ``<pre>`` or ``<textarea>`` the template writes (kept whole), or the spaces and tabs that
#: start a line (the source's first, or one after any line break Jinja counts: \n, \r\n, \r).
INDENT = re.compile(r"(<(pre|textarea)\b.*?</\2\s*>)|(?:^|(?<=[\r\n]))[ \t]+", re.I | re.S)


def unindent(source: str) -> str:
    """``source`` without the spaces and tabs that start its lines, its line breaks all kept."""
    return INDENT.sub(lambda match: match[1] or "", source)


class Unindented(BaseLoader):
    """Any loader's templates, unindented."""

    def __init__(self, inner: BaseLoader) -> None:
        self.inner = inner

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self.inner.get_source(environment, template)
        return unindent(source), filename, uptodate

    def list_templates(self) -> list[str]:
        return self.inner.list_templates()


def unindent_templates(generator: Generator) -> None:
    """Pelican ``generator_init``: each generator has its own environment and loader."""
    loader = generator.env.loader
    if loader is not None and not isinstance(loader, Unindented):
        generator.env.loader = Unindented(loader)
