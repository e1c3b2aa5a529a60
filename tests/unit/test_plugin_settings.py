"""The newsroom's own Pelican settings (NEWSROOM_*) are checked like the NEWSROOM dict."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsroom import commands
from newsroom.settings import PELICAN_SETTINGS, SettingsError, from_pelican, with_instant
from support import ROOT

KNOWN = (
    "Its settings are NEWSROOM, NEWSROOM_AS_OF, NEWSROOM_CMS_BACKEND, NEWSROOM_GOLIVE_LOG, "
    "NEWSROOM_PREVIEW, NEWSROOM_ROOT, NEWSROOM_YEAR_SAVE_AS, NEWSROOM_YEAR_URL."
)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"NEWSROOM_PREVEIW": True},
            f"NEWSROOM_PREVEIW is not a setting of the newsroom plugin. Did you mean "
            f"NEWSROOM_PREVIEW? {KNOWN}",
        ),
        (
            {"NEWSROOM_CMS_BACKENDS": {"name": "github"}},
            f"NEWSROOM_CMS_BACKENDS is not a setting of the newsroom plugin. Did you mean "
            f"NEWSROOM_CMS_BACKEND? {KNOWN}",
        ),
        (
            {"NEWSROOM_THEME_COLOUR": "teal"},
            f"NEWSROOM_THEME_COLOUR is not a setting of the newsroom plugin. {KNOWN}",
        ),
        ({"NEWSROOM_PREVIEW": "yes"}, "NEWSROOM_PREVIEW must be True or False, not 'yes'."),
        ({"NEWSROOM_ROOT": 3}, "NEWSROOM_ROOT must be a path, like '/srv/newsroom', not 3."),
        (
            {"NEWSROOM_GOLIVE_LOG": ""},
            "NEWSROOM_GOLIVE_LOG must be a path, like '/srv/newsroom/golive.log', not ''.",
        ),
        (
            {"NEWSROOM_CMS_BACKEND": "github"},
            "NEWSROOM_CMS_BACKEND must be a dict naming the editor's backend, like "
            "{'name': 'github', 'repo': 'your-org/your-newsroom', 'branch': 'main'}.",
        ),
        (
            {"NEWSROOM_CMS_BACKEND": {"name": "github", "auth_scope": "admin"}},
            "NEWSROOM_CMS_BACKEND['auth_scope'] must be 'repo' or 'public_repo', not 'admin'.",
        ),
        (
            {"NEWSROOM_CMS_BACKEND": {"name": "github", "cms_label_prefix": ""}},
            "NEWSROOM_CMS_BACKEND['cms_label_prefix'] must be a text, like 'newsroom/', not ''.",
        ),
        (
            {"NEWSROOM_CMS_BACKEND": {"name": "github", "open_authoring": "yes"}},
            "NEWSROOM_CMS_BACKEND['open_authoring'] must be True or False, not 'yes'.",
        ),
        (
            {"NEWSROOM_YEAR_URL": "news/{year}/"},
            "NEWSROOM_YEAR_URL must be an address with the year as {date:%Y}, like "
            "'news/{date:%Y}/', not 'news/{year}/'.",
        ),
        (
            {"NEWSROOM_YEAR_SAVE_AS": ["news"]},
            "NEWSROOM_YEAR_SAVE_AS must be an address with the year as {date:%Y}, like "
            "'news/{date:%Y}/', not ['news'].",
        ),
    ],
)
def test_newsroom_pelican_settings_are_checked(settings: dict, message: str) -> None:
    with pytest.raises(SettingsError) as err:
        from_pelican(settings)
    assert str(err.value) == message


def test_each_setting_reaches_its_field() -> None:
    options = from_pelican(
        {
            "NEWSROOM_ROOT": "/srv/newsroom",
            "NEWSROOM_PREVIEW": True,
            "NEWSROOM_CMS_BACKEND": {"name": "test-repo"},
            "NEWSROOM_YEAR_SAVE_AS": "news/{date:%Y}/index.html",
            "NEWSROOM_YEAR_URL": "news/{date:%Y}/",
            "NEWSROOM_GOLIVE_LOG": "/srv/newsroom/golive.log",
            # Set by the plugin during a build: never reported.
            "NEWSROOM_STATE": object(),
        }
    )
    assert set(PELICAN_SETTINGS.values()) == {
        "as_of",
        "root",
        "preview",
        "cms_backend",
        "year_save_as",
        "year_url",
        "golive_log",
    }
    assert (options.root, options.preview, options.cms_backend) == (
        Path("/srv/newsroom"),
        True,
        {"name": "test-repo"},
    )
    assert (options.year_save_as, options.year_url, options.golive_log) == (
        "news/{date:%Y}/index.html",
        "news/{date:%Y}/",
        Path("/srv/newsroom/golive.log"),
    )


def test_invoke_check_names_a_misspelt_setting(tmp_path: Path) -> None:
    settings = tmp_path / "misspelt.py"
    settings.write_text(
        f"exec(open({str(ROOT / 'pelicanconf.py')!r}).read())\nNEWSROOM_PREVEIW = True\n",
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "invoke", "check", "--settings", str(settings)]
    done = subprocess.run(
        [*command, "--content", str(ROOT / "content")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"NEWSROOM_PREVEIW is not a setting of the newsroom plugin. Did you mean "
        f"NEWSROOM_PREVIEW? {KNOWN}"
    )


def test_one_build_reads_the_clock_once() -> None:
    """The check and Pelican's own validation see the instant the settings were made with."""
    settings = commands.pelican_settings(ROOT / "pelicanconf.py")
    instant = settings["NEWSROOM_AS_OF"]
    assert isinstance(instant, datetime) and instant.tzinfo is not None
    time.sleep(1.1)  # the clock reads whole seconds: a second read would differ
    assert from_pelican(settings).as_of == instant
    assert from_pelican(with_instant(settings)).as_of == instant
    given = commands.pelican_settings(ROOT / "pelicanconf.py", as_of="2026-12-03T06:00:00Z")
    assert from_pelican(with_instant(given)).as_of == datetime(2026, 12, 3, 6, tzinfo=UTC)
