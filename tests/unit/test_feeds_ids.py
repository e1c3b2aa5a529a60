"""Feed item IDs are fixed at first publication: corrections never make a release look new."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from newsroom.feeds import stable_id
from newsroom.models import Release
from support import Site


def release(site: Site, slug: str) -> Release:
    return next(r for r in site.load().releases if r.slug == slug)


def test_the_id_is_the_folder_year_and_file_name_under_the_site_host(site: Site) -> None:
    assert stable_id(release(site, "q4-results"), "news.example.com") == (
        "tag:news.example.com,2025:q4-results"
    )


@pytest.mark.parametrize(
    "correction",
    [
        pytest.param({"url": "press/2026/first-prodcut/"}, id="address-typo-fixed"),
        pytest.param({"title": "Example launches its first product line"}, id="title"),
        pytest.param({"summary": "Corrected."}, id="summary"),
        pytest.param({"body_html": "<p>Corrected text.</p>"}, id="text"),
        pytest.param({"lang": "de"}, id="language"),
    ],
)
def test_corrections_keep_the_id(site: Site, correction: dict[str, str]) -> None:
    original = release(site, "first-product")
    corrected = dataclasses.replace(original, **correction)  # type: ignore[arg-type]
    assert stable_id(corrected, "news.example.com") == stable_id(original, "news.example.com")


def test_a_corrected_date_keeps_the_id_even_across_a_year(site: Site) -> None:
    # The folder, not the date, gives the year: the address and the ID stay where they were.
    original = release(site, "q4-results")
    corrected = dataclasses.replace(original, date=original.date + timedelta(days=30))
    assert corrected.date.year == 2026
    assert stable_id(corrected, "news.example.com") == "tag:news.example.com,2025:q4-results"


def test_the_same_file_name_in_another_year_is_another_release(site: Site) -> None:
    site.write(
        "releases/2025/first-product.md",
        "---\ntitle: An older first\ndate: 2025-03-02 09:00 Europe/Berlin\ncategory: products\n"
        "summary: S.\n---\nText.\n",
    )
    ids = {stable_id(r, "h.example") for r in site.load().releases if r.slug == "first-product"}
    assert ids == {"tag:h.example,2025:first-product", "tag:h.example,2026:first-product"}
