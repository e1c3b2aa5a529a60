"""``Recheck``, the check the development server runs on a saved release alone, says what a
check of the whole folder says about that file: the same release, the same problems."""

from __future__ import annotations

import pytest

from newsroom.content import Recheck
from newsroom.settings import NewsroomSettings
from support import Site

SOURCE = "releases/2026/first-product.md"
TRANSLATION = """---
title: Example bringt sein erstes Produkt auf den Markt
date: 2026-03-02 09:00 Europe/Berlin
category: products
lang: de
translation_key: first-product
summary: Das erste Produkt ist da.
---
Example hat heute sein **erstes** Produkt vorgestellt.
"""
FIRST = """---
title: Example launches its first product
date: 2026-03-02 09:00 Europe/Berlin
dateline: HAMBURG
category: products
tags: [launch, widgets]
translation_key: first-product
summary: The first product is here.
---
Example today launched its **first** product.
"""


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("its **first** product.", "its *very first* product.\n\nWith a second paragraph."),
        ("title: Example launches its first product", "title: Example launches a product"),
        ("title: Example launches its first product", "title: ''"),
        ("summary: The first product is here.", "summary: [unclosed"),
        ("its **first** product.", "See [the plant](/news/2026/no-such-release/)."),
        ("its **first** product.", "See [the secret](/news/2026/embargoed-launch/)."),
        ("its **first** product.", "<script>alert(1)</script> and ![a chart](chart.png)"),
        ("date: 2026-03-02 09:00", "date: 2026-03-02 10:00"),  # a translation-date warning
        ("dateline: HAMBURG\n", "dateline: HAMBURG\nunknown: field\n"),
        ("---\ntitle", "\ufeff---\ntitle"),
    ],
    ids=[
        "body",
        "title",
        "empty-title",
        "broken-yaml",
        "missing-link",
        "embargoed-link",
        "hostile-body",
        "translation-date",
        "unknown-field",
        "byte-order-mark",
    ],
)
def test_one_file_rechecked_as_the_whole_folder_checks_it(site: Site, old: str, new: str) -> None:
    site.write(SOURCE, FIRST)
    site.write("releases/2026/first-product-de.md", TRANSLATION)
    settings = NewsroomSettings(languages=("en", "de"))
    before = site.load(languages=("en", "de"))
    assert not before.errors
    recheck = Recheck(before, site.path, settings, site.path)

    assert old in FIRST
    site.write(SOURCE, FIRST.replace(old, new, 1))
    release, problems = recheck.release(SOURCE)

    after = site.load(languages=("en", "de"))
    assert release == after.release_for(SOURCE)
    assert [p.text() for p in problems] == [p.text() for p in after.problems if p.path == SOURCE]


def test_an_unchanged_file_rechecked_equals_the_release_the_cache_gave(site: Site) -> None:
    """The dev server tells a text edit from a move by comparing the two releases field by
    field: one read back from the cache and one checked anew must be equal."""
    site.write(SOURCE, FIRST)
    site.write("releases/2026/first-product-de.md", TRANSLATION)
    site.load(languages=("en", "de"))
    cached = site.load(languages=("en", "de"))  # every release read back from the cache
    recheck = Recheck(cached, site.path, NewsroomSettings(languages=("en", "de")), site.path)
    for release in cached.releases:
        assert recheck.release(release.source) == (release, [])
