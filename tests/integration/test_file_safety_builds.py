"""Links and file types through the real commands: invoke check, and whole builds."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from file_samples import PASSIVE, SVG
from PIL import Image

from newsroom import imaging, release_images
from newsroom.commands import BuildFailed
from support import ROOT, Site


def test_invoke_check_refuses_a_link_to_the_environment_without_printing_it(site: Site) -> None:
    os.symlink("/proc/self/environ", site.path / "media-env.txt")
    (site.path / "media").mkdir()
    os.symlink("/proc/self/environ", site.path / "media" / "env.txt")
    secret = "deploy-key-that-must-never-print"
    env = {**os.environ, "DEPLOY_SSH_KEY": secret, "GITHUB_ACTIONS": "true"}
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "check", "--content", str(site.path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    shown = os.path.relpath(site.path, ROOT)
    assert f"{shown}/media/env.txt: this is a symbolic link; commit the file itself.\n" in (
        done.stdout
    )
    assert f"::error file={shown}/media/env.txt,title=file-symlink::" in done.stdout
    assert secret not in done.stdout + done.stderr
    # Nothing else was read: the author is told the list is not all there may be.
    assert done.stdout.splitlines()[-1] == (
        "2 errors in 2 files. Replace each link above with the file itself, then run the "
        "check again: no other file is read while a symbolic link is in the content folder."
    )


@pytest.mark.parametrize(
    "link",
    ["media/env.txt", "releases/2026/with-files/plant.png", "media/folder"],
)
def test_build_with_a_link_stops_and_writes_nothing(site: Site, tmp_path: Path, link: str) -> None:
    path = site.path / link
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    os.symlink("/etc" if link.endswith("folder") else "/etc/hostname", path)
    out = tmp_path / "out"
    with pytest.raises(BuildFailed, match="1 error in 1 file"):
        site.build(out)
    assert not out.exists()


def test_passive_media_is_published_and_active_files_stop_the_build(
    site: Site, tmp_path: Path
) -> None:
    for name, data in PASSIVE.items():
        site.write(f"media/{name}", data)
    out = tmp_path / "out"
    site.build(out)
    for name, data in PASSIVE.items():
        assert (out / "media" / name).read_bytes() == data

    site.write("media/stats.js", b"alert(document.cookie)")
    site.write("media/logo.svg", SVG.replace(b"<title>", b"<script>alert(1)</script><title>"))
    with pytest.raises(BuildFailed, match="2 errors in 2 files"):
        site.build(tmp_path / "again")


def test_a_file_outside_media_is_never_copied_by_pelican(site: Site, tmp_path: Path) -> None:
    """Pelican copies what {static} names; the build copies only files the check passed."""
    source = site.path / "releases/2026/first-product.md"
    text = source.read_text("utf-8")
    source.write_text(text + "\n[facts]({static}/data/company.yml)\n", "utf-8")
    out = tmp_path / "out"
    with pytest.raises(BuildFailed):
        site.build(out)
    assert not list(out.rglob("company.yml"))


def test_a_link_planted_in_the_image_cache_is_not_followed(site: Site, tmp_path: Path) -> None:
    """The cache sits beside content/, outside the check: a link put in it is not followed
    but taken for a damaged entry, made again as a file in its place."""
    picture = io.BytesIO()
    Image.new("RGB", (1000, 500), "teal").save(picture, format="PNG")
    data = picture.getvalue()
    site.write("releases/2026/with-files/plant.png", data)
    site.build(tmp_path / "fresh")
    made = {p.name: p.read_bytes() for p in (tmp_path / "fresh").rglob("plant-*w.png")}
    assert sorted(made) == ["plant-480w.png", "plant-800w.png"]
    entry = site.path.parent / release_images.CACHE_FOLDER
    entry = entry / f"{release_images.VERSION}-{imaging.cache_key(data)}"
    for name in ("480.png", "800.png"):
        (entry / name).unlink()
        os.symlink("/etc/hostname", entry / name)
    out = tmp_path / "out"
    site.build(out)
    assert {p.name: p.read_bytes() for p in out.rglob("plant-*w.png")} == made
    assert not any((entry / name).is_symlink() for name in ("480.png", "800.png"))
