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
import re
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .models import SiteData
from .releases import ATTACHMENT, IMAGE, UPDATE, WITHDRAWAL, release_schema
from .schema import Field, limits_of
from .settings import NewsroomSettings
from .state import state_of

#: Where the editor's files are served from (theme/static/admin/ in the built site).
ASSETS = "../theme/admin"
#: The scripts /admin/ loads, in order: the newsroom's setup (manual start), Decap CMS and
#: js-yaml (vendored by ``invoke vendor-cms``), then the newsroom's widget, file format and
#: preview, which start the editor. All are files of the site: no inline script, no CDN.
SCRIPTS = (
    "newsroom-editor-setup.js",
    "vendor/decap-cms.js",
    "vendor/js-yaml.min.js",
    "newsroom-editor.js",
)
#: The theme's stylesheet, loaded into the preview pane so a release looks as it will.
PREVIEW_STYLE = "../theme/css/newsroom.css"
#: Production: the GitHub repository the editor opens pull requests against.
DEFAULT_BACKEND: dict[str, Any] = {
    "name": "github",
    "repo": "example-org/newsroom",
    "branch": "main",
}
#: The file format newsroom-editor.js registers: front matter written the way the check reads
#: it (no empty optional fields, untouched fields kept byte for byte).
FORMAT = "newsroom-frontmatter"
#: Not a release field: the release date's year, which newsroom-editor.js sets before a new
#: release is saved so its file goes in that year's folder (never written into the file).
YEAR_FIELD = "newsroom_year"
#: Not a release field either: the release date as a UTC instant (ISO 8601, so its text sorts
#: in time order), which newsroom-editor.js derives from the date when it reads a file and never
#: writes back. The list sorts by it: by the date's text, 2026-11-20 08:00 Europe/Berlin would
#: come after 2026-11-20 07:30 America/New_York, which is five and a half hours later.
SORT_FIELD = "newsroom_instant"
#: The custom widget newsroom-editor.js registers: date, time and IANA zone.
INSTANT_WIDGET = "newsroom-instant"


#: The Content-Security-Policy /admin/ needs instead of the site's (headers.CSP). Decap CMS
#: injects its styles ('unsafe-inline' for style-src only), talks to GitHub's API and status
#: page, shows GitHub avatars and previews uploads from blob: URLs. Scripts are the site's
#: files only, none compiled from text: the vendored Decap is edited not to (vendor_cms.py).
#: Everything else, fonts and icons included, is 'self'.
ADMIN_CSP: tuple[str, ...] = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https://avatars.githubusercontent.com",
    "media-src 'self' blob:",
    "connect-src 'self' blob: https://api.github.com https://www.githubstatus.com",
    "worker-src 'self' blob:",
    "frame-src 'self' blob:",
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
#: The zone areas offered by the time-zone list: the IANA names of places, as the check's
#: examples are written (``Europe/Berlin``), not aliases such as ``Etc/GMT+1`` or ``US/East``.
ZONE_AREAS = (
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)


class Options:
    """What widgets may offer: the keys and zones the checker accepts."""

    def __init__(self, settings: NewsroomSettings, site: SiteData) -> None:
        self.topics = _options(site.topics)
        self.contacts = _options(site.contacts)
        self.boilerplates = _options(site.boilerplates)
        self.languages = list(settings.languages)
        self.timezone = settings.timezone
        self.zones = zones(settings.timezone)


def zones(site_zone: str) -> list[str]:
    """Every place's IANA zone, sorted, with UTC and the site's zone.

    From the pinned tzdata package's list, not this machine's: config.yml is part of the
    build's output, which must not depend on the machine that builds it.
    """
    listed = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8").split()
    names = {z for z in listed if z.split("/", 1)[0] in ZONE_AREAS}
    return sorted(names | {"UTC", site_zone})


def _options(items: Choices) -> list[dict[str, str]]:
    return [{"label": _label_of(key, value), "value": key} for key, value in sorted(items.items())]


def _label_of(key: str, value: Any) -> str:
    name = getattr(value, "name", None)
    return f"{name} ({key})" if isinstance(name, str) and name != key else key


def _either_case(extension: str) -> str:
    """``jpg`` as ``[jJ][pP][gG]``: the editor's patterns are JavaScript, without flags."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in extension)


def _checked(field: Field, widget: dict[str, Any]) -> dict[str, Any]:
    """The widget with the field's limits as a pattern the editor checks before saving."""
    limits = limits_of(field.parse)
    if limits.max_length is not None:
        # Any character, line breaks included: the check joins lines of a one-line field.
        widget["pattern"] = [
            f"^[\\s\\S]{{0,{limits.max_length}}}$",
            f"At most {limits.max_length} characters.",
        ]
    elif limits.regex is not None:
        widget["pattern"] = [f"^(?:{limits.regex})$", f"Write {limits.what}."]
    elif limits.types:
        ends = "|".join(_either_case(t.lstrip(".")) for t in limits.types)
        shown = ", ".join(t.lstrip(".") for t in limits.types)
        widget["pattern"] = [f"\\.(?:{ends})$", f"Choose a file of one of these types: {shown}."]
    return widget


def _w(widget: str, **extra: Any) -> Maker:
    return lambda field, options: _checked(field, {"widget": widget, **extra})


def _instant(field: Field, options: Options) -> dict[str, Any]:
    # Decap's own datetime widget writes an ISO offset or a UTC instant; releases are written
    # as local time and zone (``2026-12-02 07:00 Europe/Berlin``), which newsroom-editor.js reads
    # and writes with three controls: date, time and a list of zones.
    return {"widget": INSTANT_WIDGET, "default_zone": options.timezone, "zones": options.zones}


#: Set on a required field of an optional group (the lead image's alt text): Decap would
#: demand it even when the whole group is left empty, so the form marks it optional and
#: newsroom-editor.js refuses to save a group that is filled in without it.
NEEDED_IN_GROUP = "needed_in_group"


def _group(table: Mapping[str, Field], widgets: Mapping[str, tuple[str, Maker]]) -> Maker:
    def make(field: Field, options: Options) -> dict[str, Any]:
        fields = _fields(table, widgets, options)
        if not field.required:
            for child in fields:
                if child["required"]:
                    child.update({"required": False, NEEDED_IN_GROUP: True})
        return {"widget": "object", "fields": fields}

    return make


def _list_of(table: Mapping[str, Field], widgets: Mapping[str, tuple[str, Maker]]) -> Maker:
    return lambda field, options: {
        "widget": "list",
        "fields": _fields(table, widgets, options),
    }


def _choices(field: Field, options: Options) -> dict[str, Any]:
    regex = limits_of(field.parse).regex or ""
    return {"widget": "select", "options": regex.split("|")}


# Uploads: the editor's own file picker only; no "insert from URL" (the check wants a file
# in the release's folder).
_UPLOAD = {"choose_url": False}

IMAGE_WIDGETS: dict[str, tuple[str, Maker]] = {
    "file": ("Image file", _w("image", **_UPLOAD)),
    "alt": ("Alt text (what the picture shows)", _w("string")),
    "caption": ("Caption", _w("string")),
    "credit": ("Credit", _w("string")),
}
ATTACHMENT_WIDGETS: dict[str, tuple[str, Maker]] = {
    "file": ("File", _w("file", **_UPLOAD)),
    "title": ("Title of the download", _w("string")),
}
UPDATE_WIDGETS: dict[str, tuple[str, Maker]] = {
    "date": ("Date of the update", _instant),
    "note": ("What changed", _w("text")),
}

WITHDRAWAL_WIDGETS: dict[str, tuple[str, Maker]] = {
    "date": ("Date of the withdrawal", _instant),
    "reason": ("Why it was withdrawn", _w("text")),
}

#: One row per release field: its label in the form and its widget. Explicit on purpose.
WIDGETS: dict[str, tuple[str, Maker]] = {
    "title": ("Title", _w("string")),
    "subtitle": ("Subtitle", _w("string")),
    "date": ("Publication date and time", _instant),
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
    "status": ("Status", _choices),
    "withdrawal": (
        "Withdrawal (only with status withdrawn)",
        _group(WITHDRAWAL, WITHDRAWAL_WIDGETS),
    ),
}
#: Defaults of the form that differ from the file's: a file without ``status`` is published,
#: but the guide starts every release as a draft, so a new one in the editor starts as one.
NEW_ENTRY_DEFAULTS: dict[str, Any] = {"status": "draft"}
#: The release text below the front matter: not a schema field, always required.
BODY = {"name": "body", "label": "Text of the release", "widget": "markdown", "required": True}
#: Decap sorts the list only by a field of the form: the instant, hidden (it is not typed).
INSTANT = {
    "name": SORT_FIELD,
    "label": "Publication instant (UTC)",
    "widget": "hidden",
    "required": False,
}


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
        default = NEW_ENTRY_DEFAULTS.get(name, field.default)
        if default not in (None, ()):
            widget["default"] = default
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
        "locale": "en",
        # File names from titles in plain a-z, 0-9 and hyphens, as release URLs are:
        # "Aldercrest eröffnet …" becomes aldercrest-eroffnet-….
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "media_folder": f"{content_folder}/media",
        "public_folder": "/media",
        "collections": [
            {
                "name": "releases",
                "label": "Press releases",
                "label_singular": "Press release",
                "folder": f"{content_folder}/{settings.releases_path}",
                # content/releases/<year>/<slug>.md, as the checker expects; the year is the
                # release date's, set before saving by newsroom-editor.js (Decap's own
                # {{year}} is the year the file is made in, and it turns the dot of
                # {{fields.name}} into a hyphen in a path).
                "path": "{{" + YEAR_FIELD + "}}/{{slug}}",
                "slug": "{{slug}}",
                "extension": "md",
                "format": FORMAT,
                "create": True,
                # A published release keeps its URL: it is withdrawn, never deleted.
                "delete": False,
                # Uploads go to content/releases/<year>/<slug>/, next to the release, and
                # the front matter gets the plain file name: they travel in its pull request.
                "media_folder": "{{filename}}",
                "public_folder": "",
                # Newest first, with date and status; newsroom-editor.js turns the status
                # into "draft", "embargoed until …" or "live" for the moment the list is seen.
                "summary": "{{title}} · {{date}} · {{status | default('published')}}",
                "sortable_fields": [
                    {"field": SORT_FIELD, "label": "Date", "default_sort": "desc"},
                    {"field": "title", "label": "Title"},
                ],
                "fields": [*fields, INSTANT, BODY],
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
<link href="config.yml" type="text/yaml" rel="cms-config-url">
<meta name="newsroom-preview-style" content="{style}">
</head>
<body>
{scripts}
</body>
</html>
"""


def write_admin(output: Path, config: Mapping[str, Any], lang: str, title: str) -> None:
    """output/admin/index.html and output/admin/config.yml."""
    admin = output / "admin"
    admin.mkdir(parents=True, exist_ok=True)
    scripts = "\n".join(f'<script src="{ASSETS}/{name}"></script>' for name in SCRIPTS)
    page = ADMIN_PAGE.format(
        lang=html.escape(lang),
        title=html.escape(f"{title}: editor"),
        style=html.escape(PREVIEW_STYLE),
        scripts=scripts,
    )
    (admin / "index.html").write_text(page, encoding="utf-8")
    (admin / "config.yml").write_text(dump(config), encoding="utf-8")


def write_admin_files(pelican: Any) -> None:
    """Pelican's finalized signal: write /admin/ for the checked site's data.

    ``NEWSROOM_CMS_BACKEND`` (a Pelican setting) names the editor's backend: the fork's
    GitHub repository (README, "The editor at /admin/ (for IT)"). On 127.0.0.1 the editor
    uses the local backend instead when ``invoke serve --editor`` runs one.
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
