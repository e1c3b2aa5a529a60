"""invoke summary: the table reviewers see of the releases a pull request adds or changes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from newsroom import commands
from newsroom.history import HistoryError
from newsroom.newfile import create
from newsroom.settings import from_pelican
from newsroom.summary import summarize, write
from support import AS_OF, ROOT, published


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose main branch holds the fixture site."""
    return published(tmp_path)


def table(repo: Path, ref: str = "main") -> str:
    settings = commands.pelican_settings(
        ROOT / "pelicanconf.py", as_of=AS_OF, content=repo / "content"
    )
    newsroom = commands.check(settings, repo)
    return summarize(newsroom, ref, repo, repo / "content", from_pelican(settings))


def edit(repo: Path, path: str, old: str, new: str) -> None:
    file = repo / "content" / path
    file.write_text(file.read_text().replace(old, new))


def test_nothing_changed(repo: Path) -> None:
    assert table(repo) == (
        "### Releases in this pull request (compared with `main`)\n\n"
        "No release is added, changed or removed.\n\n"
        "Status as of 2026-11-23 12:00 UTC. A draft never goes live.\n"
    )


def test_new_changed_draft_and_embargoed_releases(repo: Path) -> None:
    berlin = datetime.fromisoformat("2026-12-10T09:30:00+01:00")
    create(
        repo / "content/releases",
        repo / "content/data",
        "Aldercrest | <b>bold</b> plans",
        "Europe/Berlin",
        berlin,
    )
    edit(repo, "releases/2026/embargoed-launch.md", "Embargoed body", "Embargoed new body")
    # A new picture (a real one: a file that is not a picture is an error of its own).
    Image.new("RGB", (40, 20), (200, 30, 30)).save(
        repo / "content/releases/2026/with-files/plant.png"
    )
    (repo / "content/releases/2026/first-product.md").unlink()
    assert table(repo).splitlines() == [
        "### Releases in this pull request (compared with `main`)",
        "",
        "| Release | File | Status | Goes live (UTC) | Goes live (its own zone) |",
        "| --- | --- | --- | --- | --- |",
        "| Example launches its first product | `content/releases/2026/first-product.md` "
        "| removed | 2026-03-02 08:00 UTC | – |",
        "| Example opens a new plant | `content/releases/2026/with-files.md` | changed, live "
        "| 2026-06-01 14:00 UTC | 2026-06-01 10:00 America/New_York |",
        "| Secret embargoed widget | `content/releases/2026/embargoed-launch.md` "
        "| changed, embargoed | 2026-12-03 06:00 UTC | 2026-12-03 07:00 Europe/Berlin |",
        "| Aldercrest \\| &lt;b&gt;bold&lt;/b&gt; plans "
        "| `content/releases/2026/aldercrest-b-bold-b-plans.md` | new, draft "
        "| 2026-12-10 08:30 UTC | 2026-12-10 09:30 Europe/Berlin |",
        "",
        "Status as of 2026-11-23 12:00 UTC. A draft never goes live.",
    ]


def test_files_with_errors_are_named_not_tabled(repo: Path) -> None:
    edit(repo, "releases/2026/first-product.md", "category: products", "category: weather")
    text = table(repo)
    assert "No release is added, changed or removed." in text
    assert (
        "**1 file with errors** (not in the table; see the annotations of *Check content*): "
        "`content/releases/2026/first-product.md`"
    ) in text


def test_an_unknown_ref_says_what_to_do(repo: Path) -> None:
    with pytest.raises(HistoryError, match="Name a branch, tag or commit that exists"):
        table(repo, "origin/nowhere")


def test_written_to_the_job_summary_or_stdout(tmp_path: Path, capsys) -> None:
    target = tmp_path / "summary.md"
    target.write_text("earlier step\n")
    write("table\n", {"GITHUB_STEP_SUMMARY": str(target)})
    assert target.read_text() == "earlier step\ntable\n"
    write("table\n", {})
    assert capsys.readouterr().out == "table\n"


def test_metadata_and_data_changes_are_listed(repo: Path) -> None:
    edit(
        repo, "releases/2026/first-product.md", "category: products", "category: financial-results"
    )
    edit(repo, "releases/2026/first-product.md", "tags: [launch, widgets]", "tags: [launch]")
    edit(repo, "data/contacts.yml", "email: ir@example.com", "email: investors@example.com")
    text = table(repo)
    assert (
        "#### Metadata changes to published releases (no update needed)\n\n"
        "| Release | File | Change |\n| --- | --- | --- |\n"
        "| Example launches its first product | `content/releases/2026/first-product.md` | "
        "topic: products → financial-results; tags: launch, widgets → launch |\n\n"
        "**The contacts shown on 1 published release changed** in the data files (declared in "
        "changes.yml): `content/releases/2025/q4-results.md`\n"
    ) in text
