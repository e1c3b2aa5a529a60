"""No silent edits: invoke check --against compares with what git says was published."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from newsroom import commands
from support import FIXTURES, ROOT

AS_OF = "2026-11-23T12:00:00Z"
Q4 = "content/releases/2025/q4-results.md"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose main branch holds the fixture site as published content."""
    shutil.copytree(FIXTURES / "basic", tmp_path / "content")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "-c", "user.name=T", "-c", "user.email=t@example.com", "add", ".")
    git(tmp_path, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "x")
    return tmp_path


def problems(repo: Path, ref: str = "main") -> list[str]:
    settings = commands.pelican_settings(
        ROOT / "pelicanconf.py", as_of=AS_OF, content=repo / "content"
    )
    newsroom = commands.check(settings, repo)
    commands.check_against(newsroom, ref, settings, repo)
    return [p.text() for p in newsroom.problems]


def edit(repo: Path, path: str, old: str, new: str) -> None:
    file = repo / path
    file.write_text(file.read_text().replace(old, new))


def test_unchanged_content_passes(repo: Path) -> None:
    assert problems(repo) == []


def test_changed_text_without_an_update_is_refused(repo: Path) -> None:
    edit(repo, Q4, "EUR 1.1 billion", "EUR 1.2 billion")
    assert problems(repo) == [
        f"{Q4}:13: body: this release was published on 2025-12-15 07:30 UTC+01:00 and its text "
        "changed since, but there is no new entry under updates. Tell readers what changed: add "
        "an entry at the end of updates, indented like this:\\n"
        "  - date: 2026-11-23 13:00 Europe/Berlin\\n"
        "    note: Corrected the text."
    ]


def _follow(front: str, fix: str) -> str:
    """Add the update to the front matter exactly as the message shows it."""
    if "\n" in fix:  # lines to add, at the end of the updates list or of the fields
        return front + "\n" + fix.split("\n", 1)[1]
    if "after a comma: " in fix:
        entry = fix.split("after a comma: ", 1)[1]
        return re.sub(r"^(updates:.*)\]$", rf"\1, {entry}]", front, count=1, flags=re.M)
    line = fix.rsplit("updates: ", 1)[1]
    return re.sub(r"^updates:.*$", f"updates: {line}", front, count=1, flags=re.M)


BLOCK = (
    "updates:\n  - date: 2025-12-16 10:00 Europe/Berlin\n    note: Corrected the revenue figure.\n"
)
UPDATES_STYLES = [
    pytest.param(
        BLOCK,
        "Tell readers what changed: add an entry at the end of updates, indented like this:\n"
        "  - date: 2026-11-23 13:00 Europe/Berlin\n    note: Corrected the text.",
        id="block-like-the-file",
    ),
    pytest.param(
        "updates: [{date: 2025-12-16 10:00 Europe/Berlin, note: Corrected the revenue figure.}]\n",
        "Tell readers what changed: add an entry inside the square brackets of updates, after a "
        'comma: {date: 2026-11-23 13:00 Europe/Berlin, note: "Corrected the text."}',
        id="square-brackets-like-the-file",
    ),
    pytest.param(
        "",
        "Tell readers what changed: add these lines to the fields, indented like this:\n"
        "updates:\n  - date: 2026-11-23 13:00 Europe/Berlin\n    note: Corrected the text.",
        id="no-updates-yet",
    ),
    pytest.param(
        "updates: []\n",
        "Tell readers what changed with an entry under updates: updates: [{date: 2026-11-23 "
        '13:00 Europe/Berlin, note: "Corrected the text."}]',
        id="empty-list",
    ),
]


@pytest.mark.parametrize(("updates", "expected"), UPDATES_STYLES)
def test_the_update_example_is_in_the_files_own_style_and_passes(
    repo: Path, updates: str, expected: str
) -> None:
    edit(repo, Q4, BLOCK, updates)
    git(
        repo,
        "-c",
        "user.name=T",
        "-c",
        "user.email=t@example.com",
        "commit",
        "-qam",
        "style",
        "--allow-empty",
    )
    edit(repo, Q4, "EUR 1.1 billion", "EUR 1.2 billion")
    settings = commands.pelican_settings(
        ROOT / "pelicanconf.py", as_of=AS_OF, content=repo / "content"
    )
    newsroom = commands.check(settings, repo)
    commands.check_against(newsroom, "HEAD", settings, repo)
    (problem,) = newsroom.problems
    assert problem.fix == expected
    file = repo / Q4
    front, fence, body = file.read_text().removeprefix("---\n").partition("\n---\n")
    file.write_text("---\n" + _follow(front, problem.fix) + fence + body)
    assert problems(repo, "HEAD") == []


def test_changed_title_with_a_new_update_passes(repo: Path) -> None:
    edit(repo, Q4, "title: Example reports Q4 2025 results", "title: Example reports Q4 results")
    edit(
        repo,
        Q4,
        "    note: Corrected the revenue figure.",
        "    note: Corrected the revenue figure.\n"
        "  - date: 2026-11-23 13:00 Europe/Berlin\n    note: Shortened the headline.",
    )
    assert problems(repo) == []


def test_renamed_release_keeps_its_address(repo: Path) -> None:
    old = repo / Q4
    old.rename(old.with_name("q4-2025-results.md"))
    assert problems(repo) == [
        f"{Q4}: this release is public at /news/2025/q4-results/ and must stay there, but the file "
        "is gone (it looks renamed to content/releases/2025/q4-2025-results.md). Restore "
        f"{Q4} under its old name: published addresses never change. To correct a release, "
        "edit it and add an entry under updates."
    ]


def test_embargoed_release_may_still_change_freely(repo: Path) -> None:
    path = "content/releases/2026/embargoed-launch.md"
    edit(repo, path, "Embargoed body text.", "Rewritten before anyone saw it.")
    (repo / path).rename(repo / "content/releases/2026/launch.md")
    assert problems(repo) == []


def test_unknown_ref_is_explained(repo: Path) -> None:
    with pytest.raises(commands.BuildFailed) as err:
        problems(repo, "no-such-branch")
    assert "--against: git cannot read the content at 'no-such-branch'" in str(err.value)
