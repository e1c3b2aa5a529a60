"""Typographer's quotes, dashes and ellipses: the exact text readers get, by language."""

from __future__ import annotations

import markdown
import pytest

from newsroom.typography import TypographyExtension


def render(text: str, lang: str = "en") -> str:
    md = markdown.Markdown(extensions=[TypographyExtension()])
    md.typography_lang = lang  # type: ignore[attr-defined]
    return md.convert(text)


@pytest.mark.parametrize(
    ("lang", "text", "html"),
    [
        ("en", '"We are ready," said the CEO.', "<p>“We are ready,” said the CEO.</p>"),
        ("en", "The company's '90s plan", "<p>The company’s ’90s plan</p>"),
        ("en", "It's 'the' lab", "<p>It’s ‘the’ lab</p>"),
        ("en", "2025--2026 -- and then --- more...", "<p>2025–2026 – and then — more…</p>"),
        ("en", '("quoted")', "<p>(“quoted”)</p>"),
        ("en", '"**Bold** start" end', "<p>“<strong>Bold</strong> start” end</p>"),
        ("en", 'Say "*this*"', "<p>Say “<em>this</em>”</p>"),
        (
            "en",
            'A [link "text"](https://example.com/)',
            '<p>A <a href="https://example.com/">link “text”</a></p>',
        ),
        (
            "en",
            'Code `"as typed" -- here` stays',
            '<p>Code <code>"as typed" -- here</code> stays</p>',
        ),
        ("en", '    "block" -- code\n', '<pre><code>"block" -- code\n</code></pre>'),
        ("en", "The companies' plans", "<p>The companies’ plans</p>"),
        ("de", '"Wir sind bereit", sagte er.', "<p>„Wir sind bereit“, sagte er.</p>"),
        ("de", "Die 'kleine' Anlage", "<p>Die ‚kleine‘ Anlage</p>"),
        ("de-CH", '"Ja"', "<p>„Ja“</p>"),
        ("fr", '"Oui"', "<p>«\u202fOui\u202f»</p>"),
        # A language without a table keeps straight quotes, but gets dashes and ellipses.
        ("fi", '"Kyllä" -- ...', '<p>"Kyllä" – …</p>'),
        # A lone quote between spaces is left alone: it opens nothing.
        ("en", 'a " b', '<p>a " b</p>'),
    ],
)
def test_typography(lang: str, text: str, html: str) -> None:
    assert render(text, lang) == html
