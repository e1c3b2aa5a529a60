"""The newsroom's settings, validated once: an unknown key is an error, not a default.

Most options sit in the ``NEWSROOM`` dict. A few are Pelican settings of their own, because
a command sets them for one run (``NEWSROOM_AS_OF``, ``NEWSROOM_PREVIEW``) or a fork sets
them beside Pelican's (``NEWSROOM_CMS_BACKEND``): each is a field below whose metadata names
it, and any other ``NEWSROOM_*`` setting is an error, since a misspelt one would otherwise
be ignored in silence.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import i18n
from .dates import parse_as_of
from .hosting import HOSTS


class SettingsError(ValueError):
    """A mistake in pelicanconf.py or publishconf.py, worded for the person who edits them."""


@dataclass(frozen=True)
class Webhook:
    """An endpoint told about each go-live; the secret stays in the environment, not in git."""

    url: str
    secret_env: str


@dataclass(frozen=True)
class NewsroomSettings:
    """Every option of the newsroom plugin, with its default."""

    #: Folder (inside Pelican's PATH) holding one file per release, in year folders.
    releases_path: str = "releases"
    #: Folder holding the about page and other standalone pages.
    pages_path: str = "pages"
    #: Folder holding company.yml, topics.yml, contacts.yml and boilerplates.yml.
    data_path: str = "data"
    #: Where a release is published; {year} is its folder's year, {slug} its file name.
    release_url: str = "news/{year}/{slug}/"
    #: The company's home timezone: used in examples and for new releases.
    timezone: str = "Europe/Berlin"
    #: Languages releases may be written in; the first is the site's own.
    languages: tuple[str, ...] = ("en",)
    #: How many releases the home page lists under the featured one.
    home_count: int = 9
    #: How many releases each feed lists, newest first.
    feed_items: int = 50
    #: Largest content file accepted, in bytes.
    max_file_bytes: int = 512 * 1024
    #: Longest title and summary accepted, in characters.
    title_max: int = 200
    summary_max: int = 400
    #: How many of the newest releases without a lead image get a link-preview card of their
    #: own, with their headline; older ones share their topic's card (share_images.py).
    share_cards: int = 200
    #: Share links shown under each release.
    share_networks: tuple[str, ...] = ("linkedin", "x", "facebook", "email")
    #: WebSub hub pinged with the feed addresses after each go-live ("" for none).
    websub_hub: str = ""
    #: Endpoints sent a signed JSON message after each go-live (see deploy/notify.py).
    webhooks: tuple[Webhook, ...] = ()
    #: CDN caches emptied at each switch of a self-hosted server (see deploy/purge.py).
    cache_purge: tuple[dict[str, str], ...] = ()
    #: How many releases each page of the JSON API lists (api/releases.json).
    api_page_size: int = 50
    #: The most release pages in one part of the search index: Pagefind's memory grows with
    #: it (about 20 MB plus a quarter of a megabyte a page), and a reader's search fetches a
    #: little from every part (search.py).
    search_part_size: int = 500
    #: Where the site is published: "github-pages" or "self-hosted" (sets the size limit the
    #: build warns about, see hosting.py).
    host: str = "github-pages"
    #: The published site's size limit in MB, if not the host's own (0: the host's).
    output_limit_mb: float = 0
    # Pelican settings of their own, not NEWSROOM keys (the metadata names each one).
    #: The build instant (invoke build --as-of): read from the clock once when not given.
    as_of: datetime = field(
        default_factory=lambda: datetime.now(UTC), metadata={"setting": "NEWSROOM_AS_OF"}
    )
    #: The repository folder: paths in messages are relative to it (default: the working one).
    root: Path | None = field(default=None, metadata={"setting": "NEWSROOM_ROOT"})
    #: An embargo-safe preview (invoke preview, never deployed): it also shows what is hidden.
    preview: bool = field(default=False, metadata={"setting": "NEWSROOM_PREVIEW"})
    #: The editor's backend at /admin/ (cms.py), like {"name": "github", "repo": ...}.
    cms_backend: dict[str, Any] | None = field(
        default=None, metadata={"setting": "NEWSROOM_CMS_BACKEND"}
    )
    #: Where each year's archive page is written and linked ({date:%Y} is its year).
    year_save_as: str | None = field(default=None, metadata={"setting": "NEWSROOM_YEAR_SAVE_AS"})
    year_url: str | None = field(default=None, metadata={"setting": "NEWSROOM_YEAR_URL"})
    #: The go-live log the disclosure record reads (invoke build --golive-log).
    golive_log: Path | None = field(default=None, metadata={"setting": "NEWSROOM_GOLIVE_LOG"})

    @property
    def lang(self) -> str:
        return self.languages[0]


_NAMES = [f.name for f in dataclasses.fields(NewsroomSettings) if "setting" not in f.metadata]
#: Each Pelican setting the plugin reads besides NEWSROOM, and the field that holds it.
PELICAN_SETTINGS = {
    f.metadata["setting"]: f.name
    for f in dataclasses.fields(NewsroomSettings)
    if "setting" in f.metadata
}
#: Set by the plugin itself while it builds (state.STATE, state.CHECKED, state.SERVED,
#: state.BUILT_AT, state.LATER, state.AHEAD, state.HANDED, state.WORKERS, state.PAGES,
#: state.PARTS, share_images._STATE and rendering.WRITER),
#: never in a settings file.
INTERNAL = frozenset(
    {
        "NEWSROOM_STATE",
        "NEWSROOM_CHECKED",
        "NEWSROOM_SERVED",
        "NEWSROOM_BUILT_AT",
        "NEWSROOM_LATER",
        "NEWSROOM_AHEAD",
        "NEWSROOM_HANDED",
        "NEWSROOM_SHARE_IMAGES",
        "NEWSROOM_WRITER",
        "NEWSROOM_RENDER_WORKERS",
        "NEWSROOM_PAGES",
        "NEWSROOM_SEARCH_PARTS",
    }
)
_SHARE = {"linkedin", "x", "facebook", "email"}


def from_pelican(settings: dict[str, Any]) -> NewsroomSettings:
    """Build the plugin's settings from Pelican's, checking every key and type."""
    raw = settings.get("NEWSROOM", {})
    if not isinstance(raw, dict):
        raise SettingsError(
            "NEWSROOM must be a dict, like NEWSROOM = {'timezone': 'Europe/Berlin'}"
        )
    _known_settings(settings)
    values: dict[str, Any] = {}
    defaults = {f.name: f.default for f in dataclasses.fields(NewsroomSettings)}
    for key, value in raw.items():
        if key not in _NAMES:
            close = difflib.get_close_matches(str(key), _NAMES, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise SettingsError(f"NEWSROOM: '{key}' is not a setting of the newsroom plugin.{hint}")
        expected = defaults[key]
        if key == "webhooks":
            value = _webhooks(value)
        elif key == "output_limit_mb":
            if type(value) not in (int, float) or value < 0:
                raise SettingsError(
                    f"NEWSROOM: 'output_limit_mb' must be a number of megabytes, like 500, "
                    f"not {value!r}."
                )
        elif key == "cache_purge":
            value = _cache_purge(value)
        elif isinstance(expected, tuple):
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                raise SettingsError(f"NEWSROOM: '{key}' must be a list of strings.")
            value = tuple(value)
        elif type(value) is not type(expected):
            kind = {int: "a whole number", str: "a string"}[type(expected)]
            raise SettingsError(f"NEWSROOM: '{key}' must be {kind}, not {value!r}.")
        values[key] = value
    result = NewsroomSettings(**values, **_pelican_values(settings))
    _check(result)
    return result


_WEBHOOK = "{'url': 'https://ir.example.com/hooks', 'secret_env': 'NEWS_HOOK_SECRET'}"
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _webhooks(value: Any) -> tuple[Webhook, ...]:
    """Each webhook names its address and the environment variable holding its secret."""
    if not isinstance(value, list | tuple):
        raise SettingsError(f"NEWSROOM: 'webhooks' must be a list, like [{_WEBHOOK}].")
    hooks = []
    for number, item in enumerate(value, start=1):
        where = f"NEWSROOM: 'webhooks', entry {number}:"
        if not isinstance(item, dict):
            raise SettingsError(f"{where} write it as a dict, like {_WEBHOOK}.")
        for key in item:
            if key not in ("url", "secret_env"):
                hint = (
                    " Never write the secret itself here: put it in an environment variable"
                    " and give that variable's name in 'secret_env'."
                    if "secret" in str(key).lower()
                    else ""
                )
                raise SettingsError(
                    f"{where} '{key}' is not a webhook setting; a webhook has 'url' and "
                    f"'secret_env'.{hint}"
                )
        url, env = item.get("url"), item.get("secret_env")
        if not isinstance(url, str) or not _is_web_address(url):
            raise SettingsError(f"{where} 'url' must be an http:// or https:// address.")
        if not isinstance(env, str) or not _ENV_NAME.fullmatch(env):
            raise SettingsError(
                f"{where} 'secret_env' must name the environment variable that holds the "
                "signing secret (letters, digits and _), like 'NEWS_HOOK_SECRET'."
            )
        hooks.append(Webhook(url, env))
    return tuple(hooks)


def _is_web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _known_settings(settings: dict[str, Any]) -> None:
    """Every NEWSROOM_* setting is one the plugin reads: a misspelt one is not ignored."""
    known = sorted(["NEWSROOM", *PELICAN_SETTINGS])
    for key in sorted(k for k in settings if isinstance(k, str) and k.startswith("NEWSROOM")):
        if key not in known and key not in INTERNAL:
            # Compared without the prefix every one shares, which would make all look alike.
            tails = {name.removeprefix("NEWSROOM_"): name for name in known}
            close = difflib.get_close_matches(key.removeprefix("NEWSROOM_"), tails, n=1)
            hint = f" Did you mean {tails[close[0]]}?" if close else ""
            raise SettingsError(
                f"{key} is not a setting of the newsroom plugin.{hint} "
                f"Its settings are {', '.join(known)}."
            )


def _pelican_values(settings: dict[str, Any]) -> dict[str, Any]:
    """The newsroom's own Pelican settings, each checked, as NewsroomSettings fields."""
    values: dict[str, Any] = {"as_of": _as_of(settings)}
    root = settings.get("NEWSROOM_ROOT")
    if root is not None:
        values["root"] = _folder("NEWSROOM_ROOT", root, "/srv/newsroom")
    preview = settings.get("NEWSROOM_PREVIEW")
    if preview is not None:
        if not isinstance(preview, bool):
            raise SettingsError(f"NEWSROOM_PREVIEW must be True or False, not {preview!r}.")
        values["preview"] = preview
    backend = settings.get("NEWSROOM_CMS_BACKEND")
    if backend is not None:
        values["cms_backend"] = _cms_backend(backend)
    for key in ("NEWSROOM_YEAR_SAVE_AS", "NEWSROOM_YEAR_URL"):
        pattern = settings.get(key)
        if pattern is not None:
            values[PELICAN_SETTINGS[key]] = _year_pattern(key, pattern)
    log = settings.get("NEWSROOM_GOLIVE_LOG")
    if log is not None:
        values["golive_log"] = _folder("NEWSROOM_GOLIVE_LOG", log, "/srv/newsroom/golive.log")
    return values


#: The backend keys whose values Decap's configuration schema restricts, and how. Decap's own
#: check of its configuration does not run in the browser (tools/vendor_cms.py), and the
#: backend is the one part of it a fork writes by hand, so those rules are checked here.
_BACKEND_RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "auth_scope": (lambda v: v in ("repo", "public_repo"), "'repo' or 'public_repo'"),
    "cms_label_prefix": (lambda v: isinstance(v, str) and v != "", "a text, like 'newsroom/'"),
    "open_authoring": (lambda v: isinstance(v, bool), "True or False"),
}


def _cms_backend(backend: Any) -> dict[str, Any]:
    if not isinstance(backend, dict) or not isinstance(backend.get("name"), str):
        raise SettingsError(
            "NEWSROOM_CMS_BACKEND must be a dict naming the editor's backend, like "
            "{'name': 'github', 'repo': 'your-org/your-newsroom', 'branch': 'main'}."
        )
    for key, (fits, what) in _BACKEND_RULES.items():
        if key in backend and not fits(backend[key]):
            raise SettingsError(
                f"NEWSROOM_CMS_BACKEND[{key!r}] must be {what}, not {backend[key]!r}."
            )
    return backend


def _folder(key: str, value: Any, example: str) -> Path:
    if not isinstance(value, str | Path) or not str(value):
        raise SettingsError(f"{key} must be a path, like {example!r}, not {value!r}.")
    return Path(value)


def _year_pattern(key: str, value: Any) -> str:
    """An address with the year in it, like news/{date:%Y}/: checked with a real date."""
    try:
        if not isinstance(value, str):
            raise TypeError
        value.format(date=datetime(2026, 1, 1, tzinfo=UTC))
    except (TypeError, KeyError, IndexError, ValueError):
        raise SettingsError(
            f"{key} must be an address with the year as {{date:%Y}}, like "
            f"'news/{{date:%Y}}/', not {value!r}."
        ) from None
    return value


def with_instant(settings: dict[str, Any]) -> dict[str, Any]:
    """Pelican's settings with the build instant fixed: the clock read now, if not given.

    A build checks the content, then runs Pelican, which validates the settings again; each
    reading the clock would gate at two instants, and a release due in between would be
    checked as embargoed but built as public.
    """
    if settings.get("NEWSROOM_AS_OF") is not None:
        return settings
    return {**settings, "NEWSROOM_AS_OF": _as_of(settings)}


def _as_of(settings: dict[str, Any]) -> datetime:
    # The build instant is an input (invoke build --as-of); the clock is read only when
    # none is given, and then once per build (with_instant).
    value = settings.get("NEWSROOM_AS_OF")
    if value is None:
        return datetime.now(UTC).replace(microsecond=0)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise SettingsError("NEWSROOM_AS_OF must carry a timezone.")
        return value.astimezone(UTC)
    try:
        return parse_as_of(str(value))
    except ValueError as err:
        raise SettingsError(f"NEWSROOM_AS_OF: {err}") from None


def _check(s: NewsroomSettings) -> None:
    try:
        ZoneInfo(s.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"NEWSROOM: 'timezone' {s.timezone!r} is not an IANA zone name."
        ) from None
    if not s.languages:
        raise SettingsError("NEWSROOM: 'languages' must name at least one language.")
    unknown_langs = [code for code in s.languages if not i18n.is_language(code)]
    if unknown_langs:
        raise SettingsError(
            f"NEWSROOM: 'languages' must be language codes like en, de or pt-BR, "
            f"not {', '.join(unknown_langs)}."
        )
    if len(set(s.languages)) != len(s.languages):
        raise SettingsError("NEWSROOM: 'languages' lists a language twice.")
    if "{slug}" not in s.release_url or not s.release_url.endswith("/"):
        raise SettingsError("NEWSROOM: 'release_url' must contain {slug} and end with '/'.")
    try:
        s.release_url.format(year="2026", slug="x", lang="en")
    except (KeyError, IndexError, ValueError):
        raise SettingsError(
            "NEWSROOM: 'release_url' may only use {year}, {slug} and {lang}."
        ) from None
    if s.host not in HOSTS:
        raise SettingsError(
            f"NEWSROOM: 'host' must be {' or '.join(repr(h) for h in HOSTS)}, not {s.host!r}."
        )
    unknown = set(s.share_networks) - _SHARE
    if unknown:
        raise SettingsError(
            f"NEWSROOM: 'share_networks' knows {', '.join(sorted(_SHARE))}, "
            f"not {', '.join(sorted(unknown))}."
        )
    if s.websub_hub and not _is_web_address(s.websub_hub):
        raise SettingsError(
            "NEWSROOM: 'websub_hub' must be an http:// or https:// address, or '' for none."
        )
    for name in ("home_count", "feed_items", "max_file_bytes", "title_max", "summary_max"):
        if getattr(s, name) <= 0:
            raise SettingsError(f"NEWSROOM: '{name}' must be greater than 0.")
    if s.share_cards < 0:
        raise SettingsError("NEWSROOM: 'share_cards' must be 0 or more.")
    if not 1 <= s.api_page_size <= 1000:
        raise SettingsError("NEWSROOM: 'api_page_size' must be between 1 and 1000.")
    if not 1 <= s.search_part_size <= 2000:
        raise SettingsError("NEWSROOM: 'search_part_size' must be between 1 and 2000.")


#: What each CDN's purge needs: its own keys, and the variables holding its credentials.
_PURGE_KEYS = {
    "cloudflare": ({"zone"}, {"token_env"}),
    "fastly": ({"service"}, {"token_env"}),
    "cloudfront": ({"distribution"}, {"key_id_env", "secret_env"}),
}
_PURGE = "{'provider': 'cloudflare', 'zone': 'ZONE_ID', 'token_env': 'CLOUDFLARE_PURGE_TOKEN'}"


def _cache_purge(value: Any) -> tuple[dict[str, str], ...]:
    """Each purge names its provider, what to purge and where its credentials are."""
    if not isinstance(value, list | tuple):
        raise SettingsError(f"NEWSROOM: 'cache_purge' must be a list, like [{_PURGE}].")
    entries = []
    for number, item in enumerate(value, start=1):
        where = f"NEWSROOM: 'cache_purge', entry {number}:"
        if not isinstance(item, dict) or item.get("provider") not in _PURGE_KEYS:
            raise SettingsError(
                f"{where} write it as a dict with 'provider' one of "
                f"{', '.join(sorted(_PURGE_KEYS))}, like {_PURGE}."
            )
        ids, envs = _PURGE_KEYS[item["provider"]]
        allowed = {"provider", "endpoint", *ids, *envs}
        for key in item:
            if key not in allowed:
                raise SettingsError(
                    f"{where} '{key}' is not a {item['provider']} setting; it has "
                    f"{', '.join(sorted(allowed))}. Credentials go in environment variables, "
                    "named here."
                )
        for key in sorted(ids | envs):
            text = item.get(key)
            if not isinstance(text, str) or not text:
                raise SettingsError(f"{where} '{key}' is missing.")
            if key in envs and not _ENV_NAME.fullmatch(text):
                raise SettingsError(
                    f"{where} '{key}' must name an environment variable (letters, digits "
                    "and _), not hold the credential itself."
                )
        endpoint = item.get("endpoint")
        if endpoint is not None and (
            not isinstance(endpoint, str) or not _is_web_address(endpoint)
        ):
            raise SettingsError(f"{where} 'endpoint' must be an http:// or https:// address.")
        entries.append({k: str(v) for k, v in item.items()})
    return tuple(entries)


#: Settings that say how and when one run works, not how a release file reads: the cache
#: of checked releases (cache.py) is shared across them.
_PER_RUN = frozenset({"as_of", "root", "preview", "golive_log"})


def settings_key(settings: NewsroomSettings) -> str:
    """The settings a checked release may depend on, as stable text for a cache key."""
    return repr(
        sorted(
            (f.name, getattr(settings, f.name))
            for f in dataclasses.fields(settings)
            if f.name not in _PER_RUN
        )
    )
