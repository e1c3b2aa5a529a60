"""The editor's form and the checker's field table cannot drift apart."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import yaml

from newsroom import cms
from newsroom.content import load
from newsroom.releases import ATTACHMENT, IMAGE, UPDATE, release_schema
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


def _same_fields(table: dict[str, Field], fields: list[dict[str, Any]]) -> None:
    widgets = _by_name(fields)
    assert list(widgets) == list(table)
    for name, field in table.items():
        assert widgets[name]["required"] is field.required, name
        assert widgets[name]["widget"], name


def test_every_release_field_has_exactly_one_widget(config: dict[str, Any]) -> None:
    fields = _releases(config)["fields"]
    assert fields[-1] == cms.BODY
    _same_fields(release_schema(SETTINGS), fields[:-1])


def test_group_fields_match_their_tables(config: dict[str, Any]) -> None:
    widgets = _by_name(_releases(config)["fields"])
    assert widgets["image"]["widget"] == "object"
    _same_fields(IMAGE, widgets["image"]["fields"])
    for name, table in (("attachments", ATTACHMENT), ("updates", UPDATE)):
        assert widgets[name]["widget"] == "list"
        _same_fields(table, widgets[name]["fields"])
    assert _by_name(widgets["image"]["fields"])["file"]["widget"] == "image"
    assert _by_name(widgets["image"]["fields"])["alt"]["required"] is True


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


def test_dates_are_written_with_their_offset(config: dict[str, Any]) -> None:
    widgets = _by_name(_releases(config)["fields"])
    assert widgets["date"]["widget"] == "datetime"
    assert widgets["date"]["format"].endswith("Z")
    assert _by_name(widgets["updates"]["fields"])["date"]["format"].endswith("Z")


def test_releases_and_uploads_land_where_the_checker_looks(config: dict[str, Any]) -> None:
    collection = _releases(config)
    assert collection["folder"] == "content/releases"
    assert collection["path"] == "{{year}}/{{slug}}"
    assert (collection["media_folder"], collection["public_folder"]) == ("{{slug}}", "")
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
