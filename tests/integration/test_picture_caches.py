"""Pictures kept in ``.cache/`` are this machine's own work: a committed one is never published.

They are named by a hash of what they are made from, which anyone can work out, so a file a
pull request commits under that name would otherwise stand in for the real picture.
"""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from support import ROOT, Site, git

CACHES = ("share-images", "release-images")


def pictures(output: Path) -> dict[str, str]:
    """Every picture of the site by its SHA-256 (the search index aside)."""
    return {
        p.relative_to(output).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(output.rglob("*"))
        if p.suffix in {".png", ".jpg", ".jpeg", ".webp"} and "pagefind" not in p.parts
    }


def forged(path: Path) -> bytes:
    """A red picture in the format of ``path``."""
    out = io.BytesIO()
    kind = {".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}.get(path.suffix, "PNG")
    Image.new("RGB", (1200, 630), (255, 0, 0)).save(out, format=kind)
    return out.getvalue()


@pytest.mark.parametrize("how", ["committed", "linked"])
def test_a_committed_picture_cache_is_never_published(site: Site, tmp_path: Path, how: str) -> None:
    # Wide enough for narrower copies (release_images.WIDTHS), which are kept in the cache.
    wide = io.BytesIO()
    Image.new("RGB", (1000, 600), (20, 90, 160)).save(wide, format="PNG")
    site.write("releases/2026/with-files/plant.png", wide.getvalue())
    site.build(tmp_path / "first")
    made = pictures(tmp_path / "first")
    root = site.path.parent
    red: set[str] = set()
    for name in CACHES:
        files = [p for p in (root / ".cache" / name).rglob("*") if p.is_file()]
        assert files, name  # the first build filled it
        for path in files:
            data = forged(path)
            path.write_bytes(data)
            red.add(hashlib.sha256(data).hexdigest())
    if how == "linked":  # git lists nothing beyond a committed link
        (root / ".cache").rename(root / "pictures")
        (root / ".cache").symlink_to("pictures")
    git(root, "init", "-q")
    git(root, "add", "-f", ".cache", *(["pictures"] if how == "linked" else []))
    git(root, "commit", "-qm", "Pictures, committed")

    site.build(tmp_path / "second")
    assert pictures(tmp_path / "second") == made
    assert not red & set(made.values())
    # The committed files are left as they are, and nothing was added beside them.
    for name in CACHES:
        for path in (root / ".cache" / name).rglob("*"):
            assert not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() in red


def with_every_kind_of_picture(site: Site) -> Site:
    """Share cards (PNG), a lead image wide enough for narrower copies (WebP), and the
    sample's media kit (JPEG and PNG versions, each with its sizes in JSON)."""
    wide = io.BytesIO()
    Image.new("RGB", (1000, 600), (20, 90, 160)).save(wide, format="WEBP")
    site.write("releases/2026/with-files/plant.webp", wide.getvalue())
    release = site.path / "releases/2026/with-files.md"
    release.write_text(release.read_text("utf-8").replace("plant.png", "plant.webp"), "utf-8")
    shutil.copytree(ROOT / "content/media/kit", site.path / "media/kit")
    shutil.copy(ROOT / "content/data/media-kit.yml", site.path / "data/media-kit.yml")
    return site


@pytest.mark.parametrize("damage", ["empty", "cut in half", "last byte lost"])
def test_a_cached_picture_left_damaged_is_made_again(
    site: Site, tmp_path: Path, damage: str
) -> None:
    """Cache entries are not synced to disk: after a power cut or a full disk one can stand
    under its final name empty or cut short. The next build publishes whole pictures, the
    same as a fresh build's, and puts them back in the cache for the builds after it."""
    with_every_kind_of_picture(site).build(tmp_path / "fresh")
    made = pictures(tmp_path / "fresh")
    caches = site.path.parent / ".cache"
    kept = {
        path: path.read_bytes()
        for name in (*CACHES, "media-kit")
        for path in (caches / name).rglob("*")
        if path.is_file()
    }
    assert {path.suffix for path in kept} == {".png", ".webp", ".jpg", ".json"}
    for path, data in kept.items():
        cut = {"empty": 0, "cut in half": len(data) // 2, "last byte lost": len(data) - 1}
        path.write_bytes(data[: cut[damage]])

    site.build(tmp_path / "after")
    assert pictures(tmp_path / "after") == made
    assert {path: path.read_bytes() for path in kept} == kept
