"""A translation uses the picture and attachment of the release it translates, without a
second copy in the repository; each file is published only with a public version."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from support import FIXTURES, Site

LANGUAGES = {"languages": ["en", "de"]}
EN = "releases/2026/with-files.md"
DE = "releases/2026/with-files-de.md"
EN_URL = "news/2026/with-files/"
DE_URL = "news/2026/with-files-de/"
FILES = ("plant.png", "factsheet.pdf")


def german(date: str, key: str | None = "new-plant") -> str:
    """The German version: the same picture and fact sheet, named but not uploaded again."""
    line = f"translation_key: {key}\n" if key else ""
    return (
        "---\n"
        "title: Example eröffnet ein neues Werk\n"
        f"date: {date}\n"
        "category: products\n"
        "lang: de\n"
        f"{line}"
        "summary: Ein neues Werk in Ohio.\n"
        "image:\n"
        "  file: plant.png\n"
        "  alt: Das neue Werk\n"
        "attachments:\n"
        "  - file: factsheet.pdf\n"
        "    title: Datenblatt\n"
        "---\n"
        "Das Werk öffnet heute.\n"
    )


def shared_site(root: Path, english_date: str, german_date: str) -> Site:
    shutil.copytree(FIXTURES / "basic", root)
    site = Site(root)
    english = (root / EN).read_text("utf-8")
    english = english.replace("date: 2026-06-01 10:00 America/New_York", f"date: {english_date}")
    site.write(EN, english.replace("\ntitle:", "\ntranslation_key: new-plant\ntitle:", 1))
    site.write(DE, german(german_date))
    return site


def test_a_translation_may_name_the_files_of_the_release_it_translates(tmp_path: Path) -> None:
    site = shared_site(
        tmp_path / "site", "2026-06-01 10:00 Europe/Berlin", "2026-06-01 10:00 Europe/Berlin"
    )
    newsroom = site.load(**LANGUAGES)
    assert [p.text() for p in newsroom.problems if p.path in (EN, DE)] == []
    release = newsroom.release_for(DE)
    assert release is not None
    assert not (tmp_path / "site/releases/2026/with-files-de").exists()
    assert release.file_path("plant.png") == tmp_path / "site/releases/2026/with-files/plant.png"


def test_without_the_translation_key_the_files_are_not_found(tmp_path: Path) -> None:
    site = shared_site(
        tmp_path / "site", "2026-06-01 10:00 Europe/Berlin", "2026-06-01 10:00 Europe/Berlin"
    )
    site.write(DE, german("2026-06-01 10:00 Europe/Berlin", key=None))
    problems = [p.text() for p in site.load(**LANGUAGES).problems if p.path == DE]
    folder = "releases/2026/with-files-de"
    assert problems == [
        f'{DE}:8: image.file: "plant.png" was not found in {folder}/. Upload the file to '
        f"{folder}/, or correct the file name (capital letters count).",
        f'{DE}:11: attachments[1].file: "factsheet.pdf" was not found in {folder}/. Upload the '
        f"file to {folder}/, or correct the file name (capital letters count).",
    ]


@pytest.mark.parametrize(
    ("english_date", "german_date", "public", "embargoed"),
    [
        pytest.param(
            "2026-06-01 10:00 Europe/Berlin",
            "2026-12-03 07:00 Europe/Berlin",
            EN_URL,
            DE_URL,
            id="translation-under-embargo",
        ),
        pytest.param(
            "2026-12-03 07:00 Europe/Berlin",
            "2026-06-01 10:00 Europe/Berlin",
            DE_URL,
            EN_URL,
            id="original-under-embargo",
        ),
    ],
)
def test_shared_files_are_published_only_with_a_public_version(
    tmp_path: Path, english_date: str, german_date: str, public: str, embargoed: str
) -> None:
    site = shared_site(tmp_path / "site", english_date, german_date)
    before, after = tmp_path / "before", tmp_path / "after"
    site.build(before, NEWSROOM=LANGUAGES)
    site.build(after, as_of="2026-12-03T06:00:00Z", NEWSROOM=LANGUAGES)
    source = tmp_path / "site/releases/2026/with-files"
    for name in FILES:
        assert (before / public / name).read_bytes() == (source / name).read_bytes()
        assert not (before / embargoed).exists()
        for url in (EN_URL, DE_URL):
            assert (after / url / name).read_bytes() == (source / name).read_bytes()
    everything = "\n".join(
        p.read_text("utf-8", errors="replace") for p in before.rglob("*") if p.is_file()
    )
    assert embargoed not in everything


def test_invoke_translate_starts_a_translation_that_passes_with_the_originals_files(
    tmp_path: Path,
) -> None:
    from newsroom.newfile import translate

    shutil.copytree(FIXTURES / "basic", tmp_path / "site")
    site = Site(tmp_path / "site")
    target = translate(site.path / EN, "de", LANGUAGES["languages"])
    assert not (target.parent / target.stem).exists()
    shown = target.relative_to(site.path).as_posix()
    assert [p.text() for p in site.load(**LANGUAGES).problems if p.path == shown] == []
