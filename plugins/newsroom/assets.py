"""Files that reach the site beside the pages: media/ as Pelican copies it, and each public
release's image and attachments. Only checked files, and only for what is public."""

from __future__ import annotations

from pathlib import Path

from pelican import Pelican
from pelican.generators import StaticGenerator

from . import files, release_images
from .cache import own_folder
from .state import state_of


def guard_static_files(generator: StaticGenerator) -> None:
    """Pelican copies media/ (and files linked as {static}) itself: only checked files, and
    only those something public may link to.

    The check has refused links and unpublished types already; this stops a build that
    would copy anything else (a file reached through ``..`` or a link, or one added after
    the check) instead of publishing it.
    """
    content = Path(generator.settings["PATH"]).resolve()
    output = Path(generator.output_path)
    kept = []
    for static in generator.staticfiles:
        source = files.checked(Path(static.source_path), content)
        verdict = files.verdict_for(source)
        if verdict is not None:
            raise files.UnsafeFile(f"{static.source_path}: {verdict[0]}; it was not copied")
        files.inside(output / static.save_as, output)
        if not state_of(generator.settings).withheld.media(source.relative_to(content).as_posix()):
            kept.append(static)
    # A file only hidden releases link to reaches the site with the first of them.
    generator.staticfiles = kept
    generator.context["staticfiles"] = kept


def copy_release_files(pelican: Pelican) -> None:
    """Copy the image (with its narrower copies) and attachments of public releases only."""
    state = state_of(pelican.settings)
    output = Path(pelican.settings["OUTPUT_PATH"])
    content = Path(pelican.settings["PATH"]).resolve()
    cache = own_folder(content.parent, release_images.CACHE_FOLDER)
    if state.settings.preview:
        # A preview asks search engines and crawlers to stay away, on top of noindex.
        (output / "robots.txt").write_text("User-agent: *\nDisallow: /\n", encoding="utf-8")
    for release in state.shown:
        assert release.asset_dir is not None
        names = [a.file for a in release.attachments]
        if release.image is not None:
            names.append(release.image.file)
        for name in names:
            files.copy(release.file_path(name), output / release.url / name, content, output)
        release_images.write_variants(release, output, cache, content)
