"""A rebuild takes a release's fingerprint from the ones the build before kept
(``fingerprint.Kept``) only while everything it hashes is the same, and never from a kept
file that is damaged: the record and the API stay those of a build with no cache at all.

In-process builds through ``commands.build_in``, the call ``invoke build`` makes. The cold
build is of a copy of the site in a folder of its own, so it has a cache of its own.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from test_build import stable_digest
from test_unchanged_rebuild import Builds

from support import AS_OF, Site, with_releases

WITH_FILES = "releases/2026/with-files.md"
ENGLISH = "releases/2025/numbered-2.md"


def record(out: Path) -> dict[str, str]:
    """Each release's fingerprint in the record, by its address."""
    data = json.loads((out / "disclosures.json").read_text("utf-8"))
    return {item["url"]: item["sha256"] for item in data["disclosures"]}


def cold(b: Builds, tmp_path: Path, as_of: str = AS_OF) -> dict[str, str]:
    """The output of a build of the same content, at the same instant, with no cache."""
    copy = Site(tmp_path / "cold" / "site")
    shutil.copytree(b.site.path, copy.path)
    fresh = Builds(copy, tmp_path / "cold" / "out", tmp_path / "cold")
    fresh.extra = {**b.extra, "NEWSROOM_ROOT": str(copy.path)}
    assert fresh.run(as_of)[0] is True
    return stable_digest(fresh.out)


def kept_files(b: Builds) -> list[Path]:
    return sorted(b.site.path.parent.glob(".cache/newsroom/*/fingerprints/*"))


def build(site: Site, tmp_path: Path) -> Builds:
    b = Builds(with_releases(site, 8), tmp_path / "out", tmp_path)
    assert b.run()[0] is True
    assert kept_files(b), "the build kept no fingerprints"
    return b


def test_an_attachment_changed_in_place_changes_the_fingerprint(site: Site, tmp_path: Path) -> None:
    b = build(site, tmp_path)
    before = record(b.out)
    # Same name, same size: the release's own cache entry stands (it knows the file by its
    # size), but its fingerprint hashes the file's bytes.
    factsheet = site.path / WITH_FILES.removesuffix(".md") / "factsheet.pdf"
    old = factsheet.read_bytes()
    factsheet.write_bytes(old[:-1] + bytes([old[-1] ^ 1]))
    assert b.run()[0] is True
    after = record(b.out)
    assert {url for url in after if after[url] != before[url]} == {
        url for url in after if "with-files" in url
    }
    assert stable_digest(b.out) == cold(b, tmp_path)


def test_a_body_edit_keeps_every_other_fingerprint_and_matches_a_cold_build(
    site: Site, tmp_path: Path
) -> None:
    b = build(site, tmp_path)
    before = record(b.out)
    with (site.path / ENGLISH).open("a", encoding="utf-8") as file:
        file.write("\nA paragraph added.\n")
    assert b.run()[0] is True
    after = record(b.out)
    assert {url for url in after if after[url] != before[url]} == {
        url for url in after if "numbered-2/" in url
    }
    assert stable_digest(b.out) == cold(b, tmp_path)


def damage_every_value(path: Path) -> None:
    """Each kept fingerprint replaced by another well-formed one, the file still JSON."""
    kept = json.loads(path.read_bytes())
    kept["hashes"] = {key: "0" * 64 for key in kept["hashes"]}
    path.write_text(json.dumps(kept))


def cut_short(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-20])


def test_a_damaged_file_of_fingerprints_is_not_read(site: Site, tmp_path: Path) -> None:
    for damage in (damage_every_value, cut_short):
        b = build(site, tmp_path / damage.__name__)
        for path in kept_files(b):
            damage(path)
        with (site.path / ENGLISH).open("a", encoding="utf-8") as file:
            file.write(f"\nA paragraph added before {damage.__name__}.\n")
        assert b.run()[0] is True
        assert "0" * 64 not in record(b.out).values()
        assert stable_digest(b.out) == cold(b, tmp_path / damage.__name__)
        shutil.rmtree(site.path.parent / ".cache")


def test_a_release_whose_update_goes_live_between_builds_is_hashed_again(
    site: Site, tmp_path: Path
) -> None:
    # numbered-3 has an update at 2026-01-05 10:00 UTC (support.with_releases).
    b = Builds(with_releases(site, 8), tmp_path / "out", tmp_path)
    assert b.run("2026-01-05T09:00:00Z")[0] is True
    before = record(b.out)
    assert b.run()[0] is True
    after = record(b.out)
    assert {url for url in after if after.get(url) != before.get(url)} >= {
        url for url in after if "numbered-3/" in url
    }
    assert stable_digest(b.out) == cold(b, tmp_path)
