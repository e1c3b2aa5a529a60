"""The author guide in the README stays true to the code: every field and rule is there."""

from __future__ import annotations

import re

from newsroom.problems import RULES
from newsroom.releases import release_schema
from newsroom.settings import NewsroomSettings
from support import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def test_every_release_field_is_in_the_author_guide() -> None:
    table = set(re.findall(r"^\| `([a-z_]+)` \|", README, re.M))
    assert set(release_schema(NewsroomSettings())) <= table


def test_every_rule_name_is_explained() -> None:
    missing = sorted(rule for rule in RULES if f"`{rule}`" not in README)
    assert missing == []
