"""Pelican glue: check content once, then read it through the checked Newsroom.

Pelican calls these functions from its signals (``register`` in ``__init__`` lists them).
The state of one build lives on that build's settings dict, so two builds in one process
(as in the tests) never share anything.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, ClassVar

from markupsafe import escape
from pelican import Pelican
from pelican.contents import Article, Content
from pelican.generators import Generator
from pelican.readers import BaseReader, Readers
from pelican.urlwrappers import Category, Tag

from . import bodies, buildinfo, forked, localized, translations
from .content import MEDIA, load
from .i18n import Catalogs
from .models import Release
from .problems import ContentError, display_path
from .settings import PELICAN_SETTINGS, SettingsError, from_pelican
from .state import BUILT_AT, CHECKED, STATE, BuildState, state_of

#: Stands in for Pelican's INTRASITE_LINK_REGEX: a "what" group that can never match.
NO_INTRASITE_LINKS = "(?P<what>(?!))"


def initialized(pelican: Pelican) -> None:
    """Check all content before anything is read or written; refuse to build on any error."""
    settings = from_pelican(pelican.settings)
    root = settings.root or Path.cwd()
    # invoke build has just checked the same folder; plain `pelican` runs the check here.
    newsroom = pelican.settings.pop(CHECKED, None) or load(
        Path(pelican.settings["PATH"]), settings, root
    )
    if newsroom.errors:
        raise ContentError(newsroom.problems)
    # Pelican must read exactly the folders the checker checked.
    for key, folder in (
        ("ARTICLE_PATHS", settings.releases_path),
        ("PAGE_PATHS", settings.pages_path),
        # Pelican copies these folders as they are: only the one whose files were checked.
        ("STATIC_PATHS", MEDIA),
    ):
        if pelican.settings.get(key) != [folder]:
            raise SettingsError(f"{key} must be [{folder!r}], the folder NEWSROOM names.")
    for name in ("NEWSROOM_YEAR_SAVE_AS", "NEWSROOM_YEAR_URL"):
        if getattr(settings, PELICAN_SETTINGS[name]) is None:
            raise SettingsError(
                f"{name} is missing: year archive pages need it, like "
                f"{name} = 'news/{{date:%Y}}/{'index.html' if name.endswith('SAVE_AS') else ''}'."
            )
    if pelican.settings.get("DEFAULT_LANG") != settings.lang:
        raise SettingsError(
            f"DEFAULT_LANG must be {settings.lang!r}, the first of NEWSROOM's 'languages'."
        )
    # Pelican's {filename}/{static}/{attach} links are rewritten after the sanitizer and
    # outside the time gate (they could inject markup, or publish an embargoed file): the
    # newsroom checks plain addresses instead (links.py), and Pelican's regex never matches.
    pelican.settings["INTRASITE_LINK_REGEX"] = NO_INTRASITE_LINKS
    catalogs = Catalogs(Path(pelican.settings["THEME"]), settings.languages)
    if catalogs.missing:
        missing = ", ".join(catalogs.missing)
        raise SettingsError(
            f"NEWSROOM: 'languages' lists {missing}, but the theme's labels are not "
            f"translated into it: run invoke translations --add {catalogs.missing[0]}, "
            f"then translate {catalogs.path(catalogs.missing[0])}."
        )
    # The language lists are paginated like the archive (languages.py), also for settings
    # files written before they existed.
    pelican.settings["PAGINATED_TEMPLATES"].setdefault(translations.LIST_TEMPLATE, None)
    pelican.settings[STATE] = BuildState(settings, newsroom, root, catalogs)


class NewsroomReader(BaseReader):
    """Hands Pelican the already-checked release or page for a file: nothing is parsed twice."""

    enabled = True
    file_extensions: ClassVar[list[str]] = ["md"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._folders: dict[str, str] = {}  # each folder's display path (``_shown``)
        # One Tag a tag name, one Category a topic, shared by the releases that show it:
        # Pelican slugifies each object's name the first time it is hashed, and a new one for
        # every tag of every release took a second at 10,000 releases, for about a hundred
        # names. Pelican compares and groups them by slug, so one object is the same to it.
        self._tags: dict[str, Tag] = {}
        self._categories: dict[tuple[str, str], Category] = {}

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        state = state_of(self.settings)
        shown = self._shown(source_path, state.root)
        release = state.newsroom.release_for(shown)
        if release is not None:
            return release.body_html, self._release_metadata(release)
        page = state.newsroom.page_for(shown)
        if page is not None:
            return page.body_html, {
                "title": page.title,
                "slug": page.slug,
                "url": page.url,
                "save_as": f"{page.url}index.html",
                "template": page.template,
                "summary": escape(page.summary or ""),
                "newsroom_page": page,
                "lang": page.lang,
            }
        # Unreachable while Pelican reads only the checked folders (see initialized).
        raise RuntimeError(f"{shown} was not checked before the build")

    def _shown(self, source_path: str, root: Path) -> str:
        """``display_path`` of a file, from its folder's, worked out once a folder: Pelican
        asks for every file, and a relative path each took most of reading one."""
        folder, name = os.path.split(source_path)
        shown = self._folders.get(folder)
        if shown is None:
            shown = self._folders[folder] = display_path(Path(folder), root)
        return name if shown == "." else f"{shown}/{name}"

    def _release_metadata(self, release: Release) -> dict[str, Any]:
        return {
            "title": release.title,
            "date": release.date,
            "slug": release.slug,
            "category": self._category(release.topic.name, release.topic.key),
            "tags": [self._tag(t) for t in release.tags],
            "summary": escape(release.summary),
            "lang": release.lang,
            "status": "draft" if release.draft else "published",
            "url": release.url,
            "save_as": f"{release.url}index.html",
            "template": "article",
            "release": release,
        }

    def _category(self, name: str, key: str) -> Category:
        category = self._categories.get((name, key))
        if category is None:
            category = self._categories[name, key] = Category(name, self.settings)
            category.slug = key
        return category

    def _tag(self, name: str) -> Tag:
        tag = self._tags.get(name)
        if tag is None:
            tag = self._tags[name] = Tag(name, self.settings)
        return tag


class ReleaseArticle(Article):
    """Pelican's article of a release, noting each read of its body (bodies.py): through
    ``_content``, ``content`` and ``get_content`` (memoized: a second call never reads
    ``_content``), and ``summary`` when Pelican makes it from the body."""

    @property
    def _content(self) -> str:
        bodies.read(self.metadata["release"].source)
        return str(self.__dict__["_content"])

    @_content.setter
    def _content(self, value: str) -> None:
        self.__dict__["_content"] = value

    def get_content(self, siteurl: str) -> str:
        bodies.read(self.metadata["release"].source)
        return str(super().get_content(siteurl))

    def get_summary(self, siteurl: str) -> str:
        if "summary" not in self.metadata:
            bodies.read(self.metadata["release"].source)
        return str(super().get_summary(siteurl))


def track_bodies(content: Content) -> None:
    """Pelican ``content_object_init``: a release's article notes the reads of its body."""
    if type(content) is Article and "release" in content.metadata:
        content.__class__ = ReleaseArticle


def readers_init(readers: Readers) -> None:
    """Our reader takes .md; other Markdown endings are not read (the checker flags them)."""
    for ext in list(readers.readers):
        if ext in {"markdown", "mkd", "mdown"}:
            del readers.readers[ext]
    readers.readers["md"] = NewsroomReader(readers.settings)


def generator_init(generator: Generator) -> None:
    """Shared data every template may present, resolved before any template runs."""
    state = state_of(generator.settings)
    site = state.newsroom.site
    assert site is not None
    localized.install(
        generator.env,
        state.catalogs,
        state.settings.languages,
        generator.settings["ARCHIVES_URL"],
    )
    generator.context.update(
        company=site.company,
        topics=site.topics,
        media_contacts=site.contacts,
        as_of=state.settings.as_of,
        newsroom=state.settings,
        preview=state.settings.preview,
    )


def freeze_context(generators: list[Generator]) -> None:
    """Every generator's context is built: in a forked build, the collector walks none of
    it again, and its full collections, held while the context was built, run again
    (``forked.freeze``)."""
    forked.freeze()


def write_build_record(pelican: Pelican) -> None:
    """``build.json`` (buildinfo.py), with the instant the build was asked for: commands.build
    gives it apart from the instant the site is built as of (``BUILT_AT``)."""
    state = state_of(pelican.settings)
    as_of = pelican.settings.get(BUILT_AT) or state.settings.as_of
    buildinfo.write(Path(pelican.settings["OUTPUT_PATH"]), as_of, state.root)
