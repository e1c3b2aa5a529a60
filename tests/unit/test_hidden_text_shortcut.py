"""``hidden_text`` skips YAML's tokens for front matter that cannot hide anything: whatever
the front matter, it finds what the scan of every token finds."""

from __future__ import annotations

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsroom.yaml_traps import hidden_text, scanned

#: Pieces of front matter: keys, values, lists, indentation, quotes, and every character
#: that starts a note or a marker, alone and inside text.
PIECES = st.sampled_from(
    [
        *("title: ", "subtitle:", "date: ", "tags: ", "  ", "    ", "- ", "\n", "\n  ", ": "),
        *("Aldercrest opens a lab", "2026-11-23 09:00 Europe/Berlin", "[a, b]", "{x: y}"),
        *('"quoted"', "'single'", "|", ">", "#", " #", " # note", "!", "!tag ", "&", "&a ", "*a"),
        *("*", "E-world energy & water", "C#", "x:y", "summary:The lab", "\t", "é", "no"),
    ]
)


@settings(max_examples=600, deadline=None)
@given(text=st.lists(PIECES, max_size=40).map("".join))
@example(text="\ntitle: Aldercrest opens a lab\n   subtitle:The lab adds jobs")
@example(text="\ntitle: Aldercrest opens #1 grid lab")
@example(text="\ntitle: !important Aldercrest opens a lab")
@example(text="\ntitle: Aldercrest opens a lab\nsummary: It adds 120 jobs.")
def test_the_shortcut_finds_what_the_scan_finds(text: str) -> None:
    padded = "\n" + text
    try:
        yaml.compose(padded, Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader))
    except yaml.YAMLError:
        return  # hidden_text is asked only about front matter that composed
    assert hidden_text(padded) == scanned(padded, padded.split("\n"))
