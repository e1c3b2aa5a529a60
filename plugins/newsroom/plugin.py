"""Pelican glue: read content through the checked Newsroom and apply the one time gate.

Pelican calls these functions from its signals (``register`` in ``__init__`` lists them).
The state of one build lives on that build's settings dict, so two builds in one process
(as in the tests) never share anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

from markupsafe import escape
from pelican import Pelican
from pelican.generators import ArticlesGenerator, Generator, StaticGenerator
from pelican.readers import BaseReader, Readers
from pelican.urlwrappers import Category, Tag

from . import files, localized, mediakit, release_images, translations, withheld
from .content import MEDIA, Newsroom, display_path, load
from .i18n import Catalogs
from .models import Release
from .problems import ContentError
from .settings import NewsroomSettings, SettingsError, from_pelican

STATE = "NEWSROOM_STATE"
CHECKED = "NEWSROOM_CHECKED"
#: Stands in for Pelican's INTRASITE_LINK_REGEX: a "what" group that can never match.
NO_INTRASITE_LINKS = "(?P<what>(?!))"


@dataclass
class BuildState:
    """What one build knows: its settings, the checked content, and what is public."""

    settings: NewsroomSettings
    newsroom: Newsroom
    root: Path
    catalogs: Catalogs
    #: Every release readers can see at the build instant, in every language, newest first:
    #: the one list the record, the API, sitemaps and a deployed site's feeds are made from.
    public: list[Release] = field(default_factory=list)
    #: Data entries and media that only releases not yet public use (withheld.py).
    withheld: withheld.Withheld = field(default_factory=withheld.Withheld)
    #: Only in a preview (invoke preview, never deployed): the embargoed releases and drafts
    #: it also shows. Kept apart, so that no output can take one of them for a public release.
    preview_only: list[Release] = field(default_factory=list)
    #: Releases that went live and were withdrawn by the build instant, newest first: each
    #: gets a notice page, a feed tombstone and its entry in the record, and nothing else.
    withdrawn: list[Release] = field(default_factory=list)

    @property
    def shown(self) -> list[Release]:
        """The releases this build writes pages for (public ones, and a preview's), newest first."""
        return sorted(
            [*self.public, *self.preview_only], key=lambda r: (r.date, r.source), reverse=True
        )


def state_of(settings: dict[str, Any]) -> BuildState:
    return settings[STATE]


def initialized(pelican: Pelican) -> None:
    """Check all content before anything is read or written; refuse to build on any error."""
    settings = from_pelican(pelican.settings)
    root = Path(pelican.settings.get("NEWSROOM_ROOT") or Path.cwd())
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

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        state = state_of(self.settings)
        shown = display_path(Path(source_path), state.root)
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

    def _release_metadata(self, release: Release) -> dict[str, Any]:
        category = Category(release.topic.name, self.settings)
        category.slug = release.topic.key
        return {
            "title": release.title,
            "date": release.date,
            "slug": release.slug,
            "category": category,
            "tags": [Tag(t, self.settings) for t in release.tags],
            "summary": escape(release.summary),
            "lang": release.lang,
            "status": "draft" if release.draft else "published",
            "url": release.url,
            "save_as": f"{release.url}index.html",
            "template": "article",
            "release": release,
        }


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
        preview=bool(generator.settings.get("NEWSROOM_PREVIEW")),
    )


def apply_time_gate(generator: ArticlesGenerator) -> None:
    """The one time gate, before Pelican builds topics, tags, archives or pagination.

    An embargoed or draft release is removed from every list here, so nothing downstream
    can see it; Pelican's own drafts/ pages are never written (see DESIGN invariant 1).
    """
    state = state_of(generator.settings)
    as_of = state.settings.as_of
    site_url = generator.settings.get("SITEURL", "")
    preview = bool(generator.settings.get("NEWSROOM_PREVIEW"))

    def visible(article: Any) -> bool:
        # A withdrawn release leaves every list, in a preview too (withdrawals.py).
        withdrawn = article.release.is_withdrawn(as_of)
        return not withdrawn and (preview or article.release.is_public(as_of))

    def gate(articles: list[Any]) -> list[Any]:
        kept = [a for a in articles if visible(a)]
        for article in kept:
            article.banner = banner(article.release, as_of)
            article.release = article.release.at(as_of) if not preview else article.release
            article.share_links = share_links(
                article.release, site_url, state.settings.share_networks
            )
        return kept

    if preview:
        # An embargo-safe preview shows what is not public yet, marked as such on every page
        # (see invoke preview); drafts join the list.
        generator.articles = [*generator.articles, *generator.drafts]
    # Newest first; releases with the same instant in file order, so that the lists are the
    # same in every build (Pelican reads files in set order).
    public = sorted(
        gate([*generator.articles, *generator.translations]),
        key=lambda a: (a.date, a.release.source),
        reverse=True,
    )
    # One version of each piece of news in the lists; its translations are written as
    # pages of their own and linked from it (translations.py).
    listed, others = [], []
    for group in translations.groups(public, lambda a: a.release, state.settings.languages):
        links = translations.switcher([a.release for a in group])
        for article in group:
            article.alternates = links
            article.x_default = group[0].url
        listed.append(group[0])
        others.extend(group[1:])
    order = {id(a): i for i, a in enumerate(public)}
    generator.articles = sorted(listed, key=lambda a: order[id(a)])
    generator.translations = sorted(others, key=lambda a: order[id(a)])
    generator.drafts = []
    generator.drafts_translations = []
    generator.hidden_articles = []
    generator.hidden_translations = []
    state.public = [a.release.at(as_of) for a in public if a.release.is_public(as_of)]
    state.preview_only = [a.release for a in public if not a.release.is_public(as_of)]
    state.withdrawn = sorted(
        (
            r.at(as_of)
            for r in state.newsroom.releases
            if r.went_live(as_of) and r.is_withdrawn(as_of)
        ),
        key=lambda r: (r.date, r.source),
        reverse=True,
    )
    _withhold(state, generator.context)
    generator.context["releases"] = [a.release for a in generator.articles]
    generator.context["release_translations"] = generator.translations
    # Computed once: the year navigation is on every archive page.
    year_url = generator.settings["YEAR_ARCHIVE_URL"]
    firsts = {r.year: r.date for r in reversed(generator.context["releases"])}
    generator.context["release_years"] = [
        YearLink(year, year_url.format(date=date))
        for year, date in sorted(firsts.items(), reverse=True)
    ]


def _withhold(state: BuildState, context: dict[str, Any]) -> None:
    """Keep what only hidden releases use out of every page (and the editor, see cms.py)."""
    site = state.newsroom.site
    assert site is not None
    kit = state.newsroom.media_kit
    kit_files = [
        (mediakit.KIT_FOLDER / name).as_posix()
        for album in (kit.albums if kit else ())
        for item in album.items
        for name in (item.file, item.png)
        if name
    ]
    state.withheld = withheld.find(
        site,
        state.newsroom.releases,
        state.shown,  # a preview shows what its embargoed releases use too
        state.newsroom.pages,
        [*kit_files, site.company.logo or ""],
    )
    shown = state.withheld.site(site)
    # Every generator shares this context, and none has written a page yet.
    context.update(topics=shown.topics, media_contacts=shown.contacts)


def tag_translations(generator: ArticlesGenerator) -> None:
    """Tag pages also list a translation under the tags its original does not have.

    Pelican lists only the originals on tag pages, so a tag only the German version has
    (prognose) would have no page, and its link would lead nowhere. A tag both versions
    share still lists the news once.
    """
    originals = {a.url: a for a in generator.articles}
    added = False
    for article in generator.translations:
        original = originals.get(article.x_default)
        own = set(getattr(original, "tags", []))
        for tag in getattr(article, "tags", []):
            if tag not in own:
                generator.tags[tag].append(article)
                added = True
    if added:
        for articles in generator.tags.values():
            articles.sort(key=lambda a: (a.date, a.release.source), reverse=True)
        generator.context["tags"] = list(generator.tags.items())


@dataclass(frozen=True)
class YearLink:
    year: int
    url: str


def banner(release: Release, as_of: datetime) -> str | None:
    """Which warning a preview shows on a release readers cannot see yet: "draft" or
    "embargoed" (article.html words it, in the release's language)."""
    if release.draft:
        return "draft"
    if not release.is_public(as_of):
        return "embargoed"
    return None


@dataclass(frozen=True)
class ShareLink:
    network: str
    label: str
    href: str


_SHARE_URLS = {
    "linkedin": ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?url={url}"),
    "x": ("X", "https://x.com/intent/post?url={url}&text={title}"),
    "facebook": ("Facebook", "https://www.facebook.com/sharer/sharer.php?u={url}"),
    "email": ("Email", "mailto:?subject={title}&body={url}"),
}


def share_links(release: Release, site_url: str, networks: tuple[str, ...]) -> list[ShareLink]:
    """Plain links (no third-party scripts): they work without JavaScript and leak nothing."""
    url = quote(f"{site_url}/{release.url}", safe="")
    title = quote(release.title, safe="")
    return [
        ShareLink(n, _SHARE_URLS[n][0], _SHARE_URLS[n][1].format(url=url, title=title))
        for n in networks
    ]


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
    cache = content.parent / release_images.CACHE_FOLDER
    if pelican.settings.get("NEWSROOM_PREVIEW"):
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


def write_build_record(pelican: Pelican) -> None:
    """``build.json``: the instant and the commit this site was built from, for scheduled
    redeploys (deploy/pages.py redeploys when main has moved on or a release is due).

    It holds nothing about what is scheduled next: the timing of an embargoed release is
    itself sensitive, so the schedule stays in the repository.
    """
    state = state_of(pelican.settings)
    as_of = state.settings.as_of.astimezone(UTC)
    record = {"as_of": as_of.isoformat().replace("+00:00", "Z")}
    commit = built_commit(state.root)
    if commit:
        record["commit"] = commit
    target = Path(pelican.settings["OUTPUT_PATH"]) / "build.json"
    target.write_text(json.dumps(record, sort_keys=True) + "\n", encoding="utf-8")


def built_commit(root: Path) -> str | None:
    """The commit being built: CI's GITHUB_SHA, else git's HEAD, else None (not a clone).

    Like the instant, it is an input of the build, so the output stays a function of both.
    """
    import os
    import subprocess

    if os.environ.get("GITHUB_SHA"):
        return os.environ["GITHUB_SHA"]
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    head = done.stdout.strip()
    return head if done.returncode == 0 and len(head) == 40 else None
