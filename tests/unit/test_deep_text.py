"""Text nested deeper than Python-Markdown can read is told to the author, never a traceback,
and alike whoever asks: a check, a build, the dev server or a worker process."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from newsroom.content import Newsroom
from support import Site

HEAD = (
    "---\ntitle: Example opens a lab\ndate: 2026-07-01 09:00 Europe/Berlin\n"
    "category: products\nsummary: A new lab.\n---\n"
)
TOO_DEEP = (
    "body: the text puts lists or quotes inside each other too many levels deep to be read. "
    "Use a few levels at most: start fewer lines with - or >, or with spaces before them."
)


def test_a_list_nested_thousands_deep_is_told(
    problems_for: Callable[[str], list[str]],
) -> None:
    assert problems_for(HEAD + "The lab.\n\n" + "- " * 3000 + "x\n") == [
        f"releases/2026/case.md:7: {TOO_DEEP}"
    ]


def test_a_page_nested_thousands_deep_is_told(
    problems_for: Callable[[str, str], list[str]],
) -> None:
    page = "---\ntitle: About\n---\n" + "1. " * 3000 + "x\n"
    assert problems_for(page, "pages/deep.md") == [f"pages/deep.md:4: {TOO_DEEP}"]


def test_the_texts_after_it_come_out_whole(site: Site) -> None:
    """Cut short, Python-Markdown's converter kept half its state: the next text came out
    as raw Markdown."""
    site.write("releases/2026/a-deep.md", HEAD + "- " * 3000 + "x\n")
    site.write("releases/2026/b-after.md", HEAD + "See [the lab](/about/) and *this*.\n")
    after = next(r for r in site.load().releases if r.slug == "b-after")
    assert after.body_html == (
        '<p>See <a href="/about/" rel="noopener noreferrer">the lab</a> and <em>this</em>.</p>'
    )


def test_how_deep_a_text_may_be_does_not_depend_on_the_caller(site: Site) -> None:
    site.write("releases/2026/nested.md", HEAD + "- " * 390 + "x\n")

    def deeper(frames: int) -> Newsroom:
        return deeper(frames - 1) if frames else site.load()

    shallow = site.load()
    assert [p.text() for p in shallow.problems] == []
    deep = deeper(600)
    assert deep.problems == shallow.problems
    assert repr(deep.releases) == repr(shallow.releases)


DEEP = "- " * 400 + "x"
TEXT_TOO_DEEP = (
    "this text puts lists or quotes inside each other too many levels deep to be read. "
    "Use a few levels at most: start fewer lines with - or >, or with spaces before them."
)


@pytest.mark.parametrize(
    ("name", "replace", "by", "told"),
    [
        (
            "releases/2026/case.md",
            "summary: A new lab.\n",
            f'summary: A new lab.\nupdates:\n  - date: 2026-07-02 09:00 Europe/Berlin\n    note: "{DEEP}"\n',
            "releases/2026/case.md:8: updates[1].note",
        ),
        (
            "releases/2026/case.md",
            "summary: A new lab.\n",
            f'summary: A new lab.\nwithdrawal:\n  date: 2026-07-02 09:00 Europe/Berlin\n  reason: "{DEEP}"\n',
            "releases/2026/case.md:8: withdrawal.reason",
        ),
        (
            "data/boilerplates.yml",
            "text: Example Industries AG makes examples for **everyone**.",
            f'text: "{DEEP}"',
            "data/boilerplates.yml:3: default.text",
        ),
        (
            "data/company.yml",
            "  This release contains forward-looking statements. Actual results may differ.",
            f"  {DEEP}",
            "data/company.yml:7: safe_harbor",
        ),
    ],
)
def test_a_markdown_field_nested_too_deep_is_told_at_its_line(
    site: Site, name: str, replace: str, by: str, told: str
) -> None:
    """Update notes, withdrawal reasons, boilerplates and the safe-harbour text are Markdown
    too; nested too deep, they stopped the check with a traceback."""
    site.write("releases/2026/case.md", HEAD + "The lab.\n")
    original = (site.path / name).read_text("utf-8")
    assert replace in original
    site.write(name, original.replace(replace, by))
    problems = [p.text() for p in site.load().problems]
    assert f"{told}: {TEXT_TOO_DEEP}" in problems
    assert all("text-too-deep" not in p or p.startswith(told) for p in problems)
