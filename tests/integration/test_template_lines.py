"""A template error names the line of the theme's file it is on, though Jinja compiles the
theme unindented (markup.py): a value StrictUndefined refuses and a tag Jinja does not know,
each put on a line before the theme's first blank line, after blank lines, after a long
comment and after indented blocks, in a real build of a site with that theme."""

from __future__ import annotations

import traceback
from pathlib import Path

import jinja2
import pytest

from support import Site, theme_with

#: Where a fault goes in the release template (the line it is put on; what was there moves
#: down), and the fault that fails when the page is rendered there.
LINES = [
    # Top-level code of a template that extends another runs only its assignments.
    pytest.param(3, "{% set nothing = nothing_here.at_all %}", id="before-any-blank-line"),
    pytest.param(13, "  {{ nothing_here.at_all }}", id="in-the-head-after-a-blank-line"),
    pytest.param(40, "{{ nothing_here.at_all }}", id="after-a-comment-of-six-lines"),
    pytest.param(77, "  {{ nothing_here.at_all }}", id="just-after-a-blank-line"),
    pytest.param(148, "    {{ nothing_here.at_all }}", id="after-indented-blocks"),
]


def theme_with_fault(tmp_path: Path, line: int, fault: str) -> Path:
    """The theme with ``fault`` on line ``line`` of its release template."""

    def put(text: str) -> str:
        lines = text.splitlines(keepends=True)
        return "".join([*lines[: line - 1], fault + "\n", *lines[line - 1 :]])

    return theme_with(tmp_path, put)


def indented(fault: str, instead: str) -> str:
    """``instead``, indented as ``fault`` is."""
    return fault[: len(fault) - len(fault.lstrip())] + instead


def lines_in(error: BaseException, template: Path) -> list[int]:
    """The lines of ``template`` the error's traceback names, outermost first."""
    frames = traceback.extract_tb(error.__traceback__)
    return [frame.lineno or 0 for frame in frames if frame.filename == str(template)]


@pytest.mark.parametrize(("line", "fault"), LINES)
def test_an_error_while_rendering_names_its_line(
    site: Site, tmp_path: Path, line: int, fault: str
) -> None:
    theme = theme_with_fault(tmp_path, line, fault)
    with pytest.raises(jinja2.UndefinedError, match=r"^'nothing_here' is undefined$") as raised:
        site.build(tmp_path / "out", THEME=str(theme))
    assert lines_in(raised.value, theme / "templates/article.html")[-1] == line


@pytest.mark.parametrize(("line", "fault"), LINES)
def test_a_syntax_error_names_its_line(site: Site, tmp_path: Path, line: int, fault: str) -> None:
    theme = theme_with_fault(tmp_path, line, indented(fault, "{% nothing_here %}"))
    with pytest.raises(jinja2.TemplateSyntaxError) as raised:
        site.build(tmp_path / "out", THEME=str(theme))
    error = raised.value
    assert (error.name, error.lineno) == ("article.html", line)
    assert (error.message or "").startswith("Encountered unknown tag 'nothing_here'.")
    assert lines_in(error, theme / "templates/article.html") == [line]
