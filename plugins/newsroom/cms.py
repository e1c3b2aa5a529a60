"""The editor at /admin/: its configuration, generated from the release field table.

PR staff fill in a form instead of writing front matter. The form is made from
``release_schema`` (the table the checker uses) and the site's topics, contacts and
boilerplates, so the editor can never offer a field, or a choice, that the check rejects.
Every field needs an entry in ``WIDGETS`` (and every group field one in its sub-table):
a field without one stops the build, and the drift test (tests/unit/test_cms_config.py)
says which.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from .models import SiteData
from .releases import ATTACHMENT, IMAGE, UPDATE, WITHDRAWAL, release_schema
from .schema import Field
from .settings import NewsroomSettings
from .state import state_of

#: The browser bundle, vendored by ``invoke vendor-cms`` into theme/static/admin/.
BUNDLE = "sveltia-cms.js"
#: Production: the GitHub repository the editor opens pull requests against.
DEFAULT_BACKEND: dict[str, Any] = {
    "name": "github",
    "repo": "example-org/newsroom",
    "branch": "main",
}
#: ISO 8601 with the offset (day.js tokens): what the date parser accepts, never a bare time.
DATETIME_FORMAT = "YYYY-MM-DDTHH:mm:ssZ"


#: The Content-Security-Policy /admin/ needs instead of the site's (headers.CSP): the editor
#: injects its styles ('unsafe-inline' for style-src only), talks to GitHub's API, shows
#: avatars, and runs workers from blob: URLs. font-src 'self' keeps its CDN fonts out: it
#: falls back to the system's fonts.
ADMIN_CSP: tuple[str, ...] = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https://avatars.githubusercontent.com",
    "media-src 'self' blob:",
    "connect-src 'self' blob: data: https://api.github.com https://www.githubstatus.com",
    "worker-src 'self' blob:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)


class UnmappedField(KeyError):
    """A schema field that has no widget: add it to the table in cms.py."""


Choices = Mapping[str, Any]
#: A widget maker: (field, the site's choices) -> the widget's settings, without name/label.
Maker = Callable[[Field, "Options"], dict[str, Any]]


class Options:
    """What select widgets may offer: the keys the checker accepts."""

    def __init__(self, settings: NewsroomSettings, site: SiteData) -> None:
        self.topics = _options(site.topics)
        self.contacts = _options(site.contacts)
        self.boilerplates = _options(site.boilerplates)
        self.languages = list(settings.languages)


def _options(items: Choices) -> list[dict[str, str]]:
    return [{"label": _label_of(key, value), "value": key} for key, value in sorted(items.items())]


def _label_of(key: str, value: Any) -> str:
    name = getattr(value, "name", None)
    return f"{name} ({key})" if isinstance(name, str) and name != key else key


def _w(widget: str, **extra: Any) -> Maker:
    return lambda field, options: {"widget": widget, **extra}


def _datetime(field: Field, options: Options) -> dict[str, Any]:
    return {"widget": "datetime", "format": DATETIME_FORMAT, "picker_utc": False}


def _group(table: Mapping[str, Field], widgets: Mapping[str, tuple[str, Maker]]) -> Maker:
    return lambda field, options: {
        "widget": "object",
        "fields": _fields(table, widgets, options),
    }


def _list_of(table: Mapping[str, Field], widgets: Mapping[str, tuple[str, Maker]]) -> Maker:
    return lambda field, options: {
        "widget": "list",
        "fields": _fields(table, widgets, options),
    }


IMAGE_WIDGETS: dict[str, tuple[str, Maker]] = {
    "file": ("Image file", _w("image")),
    "alt": ("Alt text (what the picture shows)", _w("string")),
    "caption": ("Caption", _w("string")),
    "credit": ("Credit", _w("string")),
}
ATTACHMENT_WIDGETS: dict[str, tuple[str, Maker]] = {
    "file": ("File", _w("file")),
    "title": ("Title of the download", _w("string")),
}
UPDATE_WIDGETS: dict[str, tuple[str, Maker]] = {
    "date": ("Date of the update", _datetime),
    "note": ("What changed", _w("text")),
}

WITHDRAWAL_WIDGETS: dict[str, tuple[str, Maker]] = {
    "date": ("Date of the withdrawal", _datetime),
    "reason": ("Why it was withdrawn", _w("text")),
}

#: One row per release field: its label in the form and its widget. Explicit on purpose.
WIDGETS: dict[str, tuple[str, Maker]] = {
    "title": ("Title", _w("string")),
    "subtitle": ("Subtitle", _w("string")),
    "date": ("Publication date and time", _datetime),
    "dateline": ("Dateline", _w("string")),
    "category": (
        "Topic",
        lambda f, o: {"widget": "select", "options": o.topics},
    ),
    "tags": ("Tags", _w("list")),
    "summary": ("Summary", _w("text")),
    "lang": (
        "Language",
        lambda f, o: {"widget": "select", "options": o.languages},
    ),
    "translation_key": ("Translation key (the same in each language version)", _w("string")),
    "contacts": (
        "Media contacts",
        lambda f, o: {"widget": "select", "multiple": True, "options": o.contacts},
    ),
    "boilerplate": (
        "About the company (boilerplate)",
        lambda f, o: {"widget": "select", "options": o.boilerplates},
    ),
    "forward_looking": ("Forward-looking statements", _w("boolean")),
    "image": ("Lead image", _group(IMAGE, IMAGE_WIDGETS)),
    "attachments": ("Attachments", _list_of(ATTACHMENT, ATTACHMENT_WIDGETS)),
    "updates": ("Updates after publication", _list_of(UPDATE, UPDATE_WIDGETS)),
    "status": (
        "Status",
        lambda f, o: {"widget": "select", "options": ["draft", "published", "withdrawn"]},
    ),
    "withdrawal": (
        "Withdrawal (only with status withdrawn)",
        _group(WITHDRAWAL, WITHDRAWAL_WIDGETS),
    ),
}
#: The release text below the front matter: not a schema field, always required.
BODY = {"name": "body", "label": "Text of the release", "widget": "markdown", "required": True}


def _fields(
    table: Mapping[str, Field], widgets: Mapping[str, tuple[str, Maker]], options: Options
) -> list[dict[str, Any]]:
    missing = [name for name in table if name not in widgets]
    if missing:
        raise UnmappedField(
            f"no editor widget for the field(s) {', '.join(missing)}: add them to cms.py"
        )
    extra = [name for name in widgets if name not in table]
    if extra:
        raise UnmappedField(f"cms.py has widgets for unknown field(s) {', '.join(extra)}")
    fields = []
    for name, field in table.items():
        label, make = widgets[name]
        widget: dict[str, Any] = {"name": name, "label": label, **make(field, options)}
        widget["required"] = field.required
        if field.help:
            widget["hint"] = field.help
        if field.default not in (None, ()):
            widget["default"] = field.default
        fields.append(widget)
    return fields


def cms_config(
    settings: NewsroomSettings,
    site: SiteData,
    content_folder: str = "content",
    backend: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The editor's configuration (config.yml) for this site's release table and data."""
    options = Options(settings, site)
    fields = _fields(release_schema(settings), WIDGETS, options)
    return {
        "backend": dict(backend or DEFAULT_BACKEND),
        "publish_mode": "editorial_workflow",
        "media_folder": f"{content_folder}/media",
        "public_folder": "/media",
        "collections": [
            {
                "name": "releases",
                "label": "Press releases",
                "label_singular": "Press release",
                "folder": f"{content_folder}/{settings.releases_path}",
                # content/releases/<year>/<slug>.md, as the checker expects.
                "path": "{{year}}/{{slug}}",
                "slug": "{{slug}}",
                "extension": "md",
                "format": "frontmatter",
                "create": True,
                # Uploads go to content/releases/<year>/<slug>/, next to the release, and
                # the front matter gets the plain file name: they travel in its pull request.
                "media_folder": "{{slug}}",
                "public_folder": "",
                "fields": [*fields, BODY],
            }
        ],
    }


def dump(config: Mapping[str, Any]) -> str:
    return yaml.safe_dump(dict(config), sort_keys=True, allow_unicode=True, width=100)


ADMIN_PAGE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{title}</title>
<link href="config.yml" type="application/yaml" rel="cms-config-url">
</head>
<body>
<script src="../theme/admin/{bundle}"></script>
</body>
</html>
"""


def write_admin(output: Path, config: Mapping[str, Any], lang: str, title: str) -> None:
    """output/admin/index.html and output/admin/config.yml."""
    admin = output / "admin"
    admin.mkdir(parents=True, exist_ok=True)
    page = ADMIN_PAGE.format(
        lang=html.escape(lang), title=html.escape(f"{title}: editor"), bundle=BUNDLE
    )
    (admin / "index.html").write_text(page, encoding="utf-8")
    (admin / "config.yml").write_text(dump(config), encoding="utf-8")


def write_admin_files(pelican: Any) -> None:
    """Pelican's finalized signal: write /admin/ for the checked site's data.

    ``NEWSROOM_CMS_BACKEND`` (a Pelican setting) names the editor's backend; the tests set
    ``{"name": "test-repo"}``, an in-browser repository that saves nothing.
    """
    state = state_of(pelican.settings)
    site = state.newsroom.site
    assert site is not None
    content = Path(pelican.settings["PATH"]).resolve()
    try:
        folder = content.relative_to(state.root.resolve()).as_posix()
    except ValueError:
        folder = "content"
    # The configuration is public: a topic, contact or boilerplate that only releases under
    # embargo use is offered once the first of them is live (withheld.py).
    shown = state.withheld.site(site)
    config = cms_config(state.settings, shown, folder, state.settings.cms_backend)
    write_admin(
        Path(pelican.settings["OUTPUT_PATH"]),
        config,
        state.settings.lang,
        str(pelican.settings.get("SITENAME", "Newsroom")),
    )
