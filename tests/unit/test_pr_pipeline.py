"""The pull-request pipeline's files stay true to the code: topics, owners, checks, rules."""

from __future__ import annotations

import re

import yaml

from newsroom.problems import RULES
from newsroom.releases import release_schema
from newsroom.settings import NewsroomSettings
from support import ROOT

GITHUB = ROOT / ".github"
DOCS = ROOT / "docs"


def test_request_form_offers_exactly_the_sites_topics() -> None:
    form = yaml.safe_load((GITHUB / "ISSUE_TEMPLATE" / "press-release-request.yml").read_text())
    topic = next(item for item in form["body"] if item.get("id") == "topic")
    topics = yaml.safe_load((ROOT / "content" / "data" / "topics.yml").read_text())
    assert topic["attributes"]["options"] == list(topics)


def test_code_owners_name_real_paths_and_placeholder_teams() -> None:
    lines = [
        line.split()
        for line in (GITHUB / "CODEOWNERS").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for path, *owners in lines:
        assert owners and all(re.fullmatch(r"@your-org/[a-z-]+", o) for o in owners), path
        if path.startswith("/") and "*" not in path:
            assert (ROOT / path.strip("/")).exists(), path
    owners = {path: set(teams) for path, *teams in lines}
    assert owners["/content/"] == {"@your-org/communications"}
    assert owners["/content/data/"] == {"@your-org/legal-ir", "@your-org/communications"}


def test_one_required_check_waits_for_every_job_and_always_reports() -> None:
    checks = yaml.safe_load((GITHUB / "workflows" / "checks.yml").read_text())
    jobs = checks["jobs"]
    gates = [key for key, job in jobs.items() if job["name"] == "Checks passed"]
    assert gates == ["gate"]
    # A skipped job's dependants are skipped too, unless they run always(): the required
    # check would then never report, and every pull request would wait for it forever.
    assert jobs["gate"]["if"] == "always()"
    assert sorted(jobs["gate"]["needs"]) == sorted(key for key in jobs if key != "gate")
    # Each job's result reaches the gate's judgement.
    env = jobs["gate"]["steps"][0]["env"]
    assert {f"needs.{key}.result" for key in jobs if key != "gate"} == {
        value.strip("${} ") for name, value in env.items() if name != "SUITE"
    }
    # Only the suite may be skipped, and only on the scope job's word.
    skippable = {key for key, job in jobs.items() if "if" in job and key != "gate"}
    assert skippable == {"tests"}
    assert jobs["tests"]["if"] == "needs.scope.outputs.suite == 'full'"
    # The merge queue runs the same checks on the group it is about to merge.
    assert "merge_group" in checks[True]  # YAML 1.1 reads the key `on` as True


def test_branch_protection_names_the_required_check_and_every_job() -> None:
    checks = yaml.safe_load((GITHUB / "workflows" / "checks.yml").read_text())
    guide = (DOCS / "branch-protection.md").read_text()
    for job in checks["jobs"].values():
        assert f"| `{job['name']}` |" in guide
    assert "Require branches to be up to date before merging | off" in guide


def test_author_guide_explains_every_field_and_rule() -> None:
    guide = (DOCS / "authoring.md").read_text()
    fields = set(re.findall(r"^\| `([a-z_]+)` \|", guide, re.M))
    assert set(release_schema(NewsroomSettings())) <= fields
    assert sorted(rule for rule in RULES if f"| `{rule}` |" not in guide) == []
