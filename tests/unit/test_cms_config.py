"""The editor's form and the checker's field table cannot drift apart."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
import yaml

from newsroom import cms
from newsroom.content import load
from newsroom.releases import ATTACHMENT, IMAGE, UPDATE, WITHDRAWAL, release_schema
from newsroom.schema import Field
from newsroom.settings import NewsroomSettings
from support import ROOT

SETTINGS = NewsroomSettings()


@pytest.fixture(scope="module")
def site() -> Any:
    newsroom = load(ROOT / "content", SETTINGS, ROOT)
    assert newsroom.site is not None
    return newsroom.site


@pytest.fixture(scope="module")
def config(site: Any) -> dict[str, Any]:
    return yaml.safe_load(cms.dump(cms.cms_config(SETTINGS, site)))


def _releases(config: dict[str, Any]) -> dict[str, Any]:
    (collection,) = config["collections"]
    return collection


def _by_name(fields: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    names = [f["name"] for f in fields]
    assert len(names) == len(set(names)), f"a field has two widgets: {names}"
    return {f["name"]: f for f in fields}


def _same_fields(
    table: dict[str, Field], fields: list[dict[str, Any]], optional_group: bool = False
) -> None:
    widgets = _by_name(fields)
    assert list(widgets) == list(table)
    for name, field in table.items():
        widget = widgets[name]
        if optional_group:  # required only once the group is filled in (newsroom-editor.js)
            assert widget.get(cms.NEEDED_IN_GROUP, False) is field.required, name
            assert widget["required"] is False, name
        else:
            assert widget["required"] is field.required, name
        assert widget["widget"], name


def test_every_release_field_has_exactly_one_widget(config: dict[str, Any]) -> None:
    fields = _releases(config)["fields"]
    assert fields[-2:] == [cms.INSTANT, cms.BODY]
    _same_fields(release_schema(SETTINGS), fields[:-2])


def test_group_fields_match_their_tables(config: dict[str, Any]) -> None:
    widgets = _by_name(_releases(config)["fields"])
    assert widgets["image"]["widget"] == "object"
    _same_fields(IMAGE, widgets["image"]["fields"], optional_group=True)
    _same_fields(WITHDRAWAL, widgets["withdrawal"]["fields"], optional_group=True)
    for name, table in (("attachments", ATTACHMENT), ("updates", UPDATE)):
        assert widgets[name]["widget"] == "list"
        _same_fields(table, widgets[name]["fields"])
    assert _by_name(widgets["image"]["fields"])["file"]["widget"] == "image"
    assert _by_name(widgets["image"]["fields"])["alt"][cms.NEEDED_IN_GROUP] is True


def test_select_options_are_the_sites_keys(config: dict[str, Any], site: Any) -> None:
    widgets = _by_name(_releases(config)["fields"])

    def values(name: str) -> list[str]:
        return [o["value"] if isinstance(o, dict) else o for o in widgets[name]["options"]]

    assert values("category") == sorted(site.topics)
    assert values("contacts") == sorted(site.contacts)
    assert widgets["contacts"]["multiple"] is True
    assert values("boilerplate") == sorted(site.boilerplates)
    assert values("lang") == list(SETTINGS.languages)
    assert values("status") == ["draft", "published", "withdrawn"]
    # A file without status is published; a release started in the editor is a draft.
    assert widgets["status"]["default"] == "draft"
    assert widgets["lang"]["default"] == SETTINGS.lang


@pytest.mark.parametrize(
    ("name", "good", "bad", "message"),
    [
        ("summary", "s" * SETTINGS.summary_max, "s" * (SETTINGS.summary_max + 1), "At most 400"),
        ("title", "t" * SETTINGS.title_max, "t" * (SETTINGS.title_max + 1), "At most"),
        ("translation_key", "gridpilot-6-launch", "GridPilot 6", "Write a short name in"),
    ],
)
def test_lengths_and_patterns_come_from_the_check(
    config: dict[str, Any], name: str, good: str, bad: str, message: str
) -> None:
    pattern, text = _by_name(_releases(config)["fields"])[name]["pattern"]
    assert re.search(pattern, good) and not re.search(pattern, bad)
    assert text.startswith(message)


def test_uploads_are_files_of_the_types_the_check_publishes(config: dict[str, Any]) -> None:
    widgets = _by_name(_releases(config)["fields"])
    image = _by_name(widgets["image"]["fields"])["file"]
    attachment = _by_name(widgets["attachments"]["fields"])["file"]
    assert image["choose_url"] is False and attachment["choose_url"] is False
    assert re.search(image["pattern"][0], "Kiel.JPG") and not re.search(
        image["pattern"][0], "a.pdf"
    )
    assert re.search(attachment["pattern"][0], "fact-sheet.pdf")
    assert not re.search(attachment["pattern"][0], "run.exe")


def test_dates_are_a_date_a_time_and_a_zone_from_the_list(config: dict[str, Any]) -> None:
    widgets = _by_name(_releases(config)["fields"])
    dates = [widgets["date"], _by_name(widgets["updates"]["fields"])["date"]]
    dates.append(_by_name(widgets["withdrawal"]["fields"])["date"])
    for date in dates:
        assert date["widget"] == cms.INSTANT_WIDGET
        assert date["default_zone"] == SETTINGS.timezone
        assert {"Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC"} <= set(date["zones"])
        assert not {"Etc/GMT+1", "US/Eastern", "CET"} & set(date["zones"])
        assert date["zones"] == sorted(date["zones"])


def test_releases_and_uploads_land_where_the_checker_looks(config: dict[str, Any]) -> None:
    collection = _releases(config)
    assert collection["folder"] == "content/releases"
    # The year is the release date's (set by newsroom-editor.js), uploads go next to it.
    assert collection["path"] == "{{" + cms.YEAR_FIELD + "}}/{{slug}}"
    assert (collection["media_folder"], collection["public_folder"]) == ("{{filename}}", "")
    assert collection["format"] == cms.FORMAT
    assert collection["delete"] is False
    # Newest first by the UTC instant newsroom-editor.js derives from the date, not its text.
    assert collection["sortable_fields"][0] == {
        "field": cms.SORT_FIELD,
        "label": "Date",
        "default_sort": "desc",
    }
    assert config["publish_mode"] == "editorial_workflow"
    assert config["backend"]["name"] == "github"


def test_a_field_without_a_widget_stops_the_build(
    site: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = release_schema(SETTINGS)
    extra = dataclasses.replace(schema["title"], required=False)
    monkeypatch.setattr(cms, "release_schema", lambda s: {**schema, "embargo_note": extra})
    with pytest.raises(cms.UnmappedField, match="embargo_note"):
        cms.cms_config(SETTINGS, site)


def test_config_is_deterministic(site: Any) -> None:
    first = cms.dump(cms.cms_config(SETTINGS, site))
    assert first == cms.dump(cms.cms_config(SETTINGS, site))
