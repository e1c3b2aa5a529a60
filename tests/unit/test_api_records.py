"""The JSON API's pages and records: pagination, addresses, and the api_page_size setting."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsroom.api import (
    MEDIA_TYPES,
    build_api,
    media_type,
    page_path,
    release_path,
)
from newsroom.fingerprint import content_hash
from newsroom.models import Release, folder_name
from newsroom.releases import ATTACHMENT_TYPES
from newsroom.settings import SettingsError, from_pelican
from newsroom.share_images import ShareImage
from support import Site

SITE = "https://news.example.com"


def public(site: Site) -> list[Release]:
    return [r for r in site.load().releases if r.slug != "embargoed-launch"]


def images(releases: list[Release]) -> list[ShareImage]:
    return [ShareImage(f"{r.url}share.png", 1200, 630, r.title) for r in releases]


def hashes(releases: list[Release]) -> list[str]:
    return [content_hash(r) for r in releases]


def pages(files: dict[str, str]) -> list[dict]:
    found, path = [], "api/releases.json"
    while path:
        data = json.loads(files[path])
        found.append(data)
        path = data["next"] and data["next"].removeprefix(f"{SITE}/")
    return found


@pytest.mark.parametrize(("size", "expected"), [(1, 3), (2, 2), (3, 1), (50, 1)])
def test_pages_cover_every_release_once_newest_first(site: Site, size: int, expected: int) -> None:
    releases = public(site)
    files = {
        f.path: f.text for f in build_api(releases, images(releases), hashes(releases), SITE, size)
    }
    chain = pages(files)
    assert len(chain) == expected
    assert [p["page"] for p in chain] == list(range(1, expected + 1))
    assert {(p["pages"], p["total"]) for p in chain} == {(expected, 3)}
    assert [p["prev"] for p in chain] == [None] + [
        f"{SITE}/{page_path(n)}" for n in range(1, expected)
    ]
    urls = [item["url"] for p in chain for item in p["items"]]
    assert urls == [f"{SITE}/{r.url}" for r in releases]
    assert all(len(p["items"]) <= size for p in chain)


def test_page_addresses() -> None:
    assert [page_path(n) for n in (1, 2, 10)] == [
        "api/releases.json",
        "api/releases/page/2.json",
        "api/releases/page/10.json",
    ]


def test_no_releases_is_one_empty_page(site: Site) -> None:
    files = {f.path: f.text for f in build_api([], [], [], SITE, 50)}
    assert list(files) == ["api/releases.json", "api/shared.json"]
    assert json.loads(files["api/shared.json"]) == {"contacts": {}, "boilerplates": {}}
    assert json.loads(files["api/releases.json"]) == {
        "items": [],
        "next": None,
        "page": 1,
        "pages": 1,
        "prev": None,
        "total": 0,
    }


def test_a_release_is_filed_under_its_folder_year_not_its_date(site: Site) -> None:
    # The folder and file name are unique together; a release dated 2026 in the 2025 folder
    # (a warning, not an error) must not take the address of 2026/<same name>.
    release = next(r for r in public(site) if r.slug == "q4-results")
    assert release_path(release) == "api/releases/2025/q4-results.json"
    moved = replace(release, date=release.date.replace(year=2026))
    assert release_path(moved) == "api/releases/2025/q4-results.json"


# The content folder is part of a release's source, and may be named anything.
@pytest.mark.parametrize(
    ("source", "year"),
    [
        ("content/releases/2025/q4-results.md", "2025"),
        ("releases/2025/q4-results.md", "2025"),
        ("/srv/news.v2/content/releases/2025/q4-results.md", "2025"),
        ("../nëws 100%/releases/2025/q4-results.md", "2025"),
        ("./content/releases/./2025/q4-results.md", "2025"),
        ("content//releases/2025//q4-results.md", "2025"),
        ("content/releases/2025/./q4-results.md", "2025"),
        ("content/releases/2025/q4-results.md/", "2025"),
        ("content/releases/2025/..", "2025"),
        ("content/releases/%32%30/q4.results.md", "%32%30"),
        ("content/releases/.2025./q4-results.md", ".2025."),
        ("q4-results.md", ""),
        ("/q4-results.md", ""),
        ("//q4-results.md", ""),
        ("", ""),
    ],
)
def test_the_year_in_an_address_is_the_folder_pathlib_names(
    site: Site, source: str, year: str
) -> None:
    release = replace(next(r for r in public(site) if r.slug == "q4-results"), source=source)
    assert PurePosixPath(source).parent.name == year
    assert release_path(release) == f"api/releases/{year}/q4-results.json"


@given(st.text(alphabet="/.a%é ", max_size=12))
def test_addresses_and_media_types_match_pathlib_for_any_path(path: str) -> None:
    assert folder_name(path) == PurePosixPath(path).parent.name
    expected = MEDIA_TYPES.get(PurePosixPath(path).suffix.lower(), "application/octet-stream")
    assert media_type(path) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("factsheet.pdf", "application/pdf"),
        ("Fact.Sheet.PDF", "application/pdf"),
        ("100%-growth.xlsx", MEDIA_TYPES[".xlsx"]),
        ("grafik-ü.png", "image/png"),
        (".pdf", "application/octet-stream"),
        ("factsheet.", "application/octet-stream"),
        ("factsheet", "application/octet-stream"),
        ("factsheet.exe", "application/octet-stream"),
    ],
)
def test_an_attachments_type_is_read_from_its_ending(name: str, expected: str) -> None:
    by_pathlib = MEDIA_TYPES.get(PurePosixPath(name).suffix.lower(), "application/octet-stream")
    assert media_type(name) == by_pathlib == expected


def test_records_are_sorted_json_with_a_trailing_newline(site: Site) -> None:
    releases = public(site)
    for file in build_api(releases, images(releases), hashes(releases), "", 2):
        data = json.loads(file.text)
        assert (
            file.text
            == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
        )


def test_without_a_site_url_addresses_are_root_relative(site: Site) -> None:
    releases = public(site)
    files = {
        f.path: json.loads(f.text)
        for f in build_api(releases, images(releases), hashes(releases), "", 1)
    }
    assert files["api/releases.json"]["next"] == "/api/releases/page/2.json"
    record = files["api/releases/2026/with-files.json"]
    assert record["url"] == "/news/2026/with-files/"
    assert record["attachments"][0]["url"] == "/news/2026/with-files/factsheet.pdf"


def test_every_publishable_file_type_has_a_fixed_media_type() -> None:
    assert set(ATTACHMENT_TYPES) <= set(MEDIA_TYPES)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "NEWSROOM: 'api_page_size' must be between 1 and 1000."),
        (1001, "NEWSROOM: 'api_page_size' must be between 1 and 1000."),
        ("50", "NEWSROOM: 'api_page_size' must be a whole number, not '50'."),
    ],
)
def test_api_page_size_is_checked(value: object, message: str) -> None:
    with pytest.raises(SettingsError) as err:
        from_pelican(
            {"NEWSROOM": {"api_page_size": value}, "NEWSROOM_AS_OF": "2026-01-01T00:00:00Z"}
        )
    assert str(err.value) == message


def test_api_page_size_defaults_to_50() -> None:
    settings = from_pelican({"NEWSROOM": {}, "NEWSROOM_AS_OF": "2026-01-01T00:00:00Z"})
    assert settings.api_page_size == 50
    custom = from_pelican(
        {"NEWSROOM": {"api_page_size": 7}, "NEWSROOM_AS_OF": "2026-01-01T00:00:00Z"}
    )
    assert custom.api_page_size == 7
