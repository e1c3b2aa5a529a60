"""Author HTML loses class and id (no fake site banners); Markdown's own markup stays whole."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from support import Site

P = "releases/2026/case.md"
HEAD = (
    "---\ntitle: Example opens a lab\ndate: 2026-07-01 09:00 Europe/Berlin\n"
    "category: products\nsummary: A new lab.\n---\nThe lab opened.\n\n"
)
STYLING_FIX = (
    "Classes and ids belong to the site's own design, so that no text can pass for its "
    "banners; delete it."
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            '<p class="embargo-banner">EMBARGOED UNTIL 3 December</p>',
            [f"{P}:9: warning: body: a class= attribute in a <p> tag was removed. {STYLING_FIX}"],
            id="fake-banner",
        ),
        pytest.param(
            'Text\n\n<div id="main" title="x">Skip here</div>',
            [f"{P}:11: warning: body: an id= attribute in a <div> tag was removed. {STYLING_FIX}"],
            id="theme-anchor",
        ),
        pytest.param(
            '<sup id="updates">1</sup>',
            [f"{P}:9: warning: body: an id= attribute in a <sup> tag was removed. {STYLING_FIX}"],
            id="id-where-footnotes-have-one",
        ),
        pytest.param(
            '```python\nx = 1\n```\n\n<p class="banner">Hi</p>\n\n``` {.js #top}\ny\n```',
            [f"{P}:13: warning: body: a class= attribute in a <p> tag was removed. {STYLING_FIX}"],
            id="only-what-the-author-typed",
        ),
        pytest.param(
            "Para\n{: .embargo-banner #main }\n\n```python\nx = 1\n```\n\nNote[^1].\n\n"
            "[^1]: A footnote.",
            [],
            id="markdown-markup-is-not-the-authors",
        ),
    ],
)
def test_class_and_id_are_removed(
    problems_for: Callable[[str], list[str]], body: str, expected: list[str]
) -> None:
    assert problems_for(HEAD + body + "\n") == expected


def test_what_readers_get(site: Site) -> None:
    site.write(
        P,
        HEAD + '<p class="embargo-banner" id="main">EMBARGOED</p>\n\nPara\n{: .banner #top }\n\n'
        "```python\nx = 1\n```\n\nNote[^a] and[^a].\n\n[^a]: A footnote.\n",
    )
    release = site.load().release_for(P)
    assert release is not None
    html = release.body_html
    assert "class=" not in html
    assert 'id="main"' not in html and 'id="top"' not in html
    # Footnotes still work: each link has its target.
    assert '<sup id="fnref:a"><a href="#fn:a"' in html
    assert '<sup id="fnref2:a">' in html
    assert '<li id="fn:a">' in html
    assert 'href="#fnref:a"' in html and 'href="#fnref2:a"' in html
