"""The build warns, in plain words, when the site it wrote nears its host's size limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsroom import hosting
from newsroom.manifest import measured, output_state
from support import Site, settings_file_newsroom

MB = 1000 * 1000


def build(site: Site, out: Path, capsys: pytest.CaptureFixture[str], **newsroom: object) -> str:
    """Build with these NEWSROOM keys added; the warning lines the build printed, or ''."""
    site.build(out, NEWSROOM={**settings_file_newsroom(), **newsroom})
    printed = capsys.readouterr().out.splitlines()
    return "\n".join(line for line in printed if line.startswith(("Warning:", "::warning")))


def written(out: Path) -> tuple[int, int]:
    files = [p for p in out.rglob("*") if p.is_file() or p.is_symlink()]
    return len(files), sum(p.lstat().st_size for p in files)


def test_a_small_site_on_github_pages_builds_without_a_warning(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert build(site, tmp_path / "out", capsys) == ""


def test_the_warning_starts_at_three_quarters_of_the_configured_limit(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    build(site, out, capsys)
    files, size = written(out)
    # A limit the site fills to 70%: still quiet. To 80%: the warning, with the numbers.
    assert build(site, out, capsys, output_limit_mb=size / 0.7 / MB) == ""
    limit = round(size / 0.8 / MB, 3)
    share = size / (limit * MB)
    assert build(site, out, capsys, output_limit_mb=limit) == (
        f"Warning: The built site is {size / MB:,.1f} MB in {files:,} files, {share:.0%} of the "
        f"{limit:,g} MB limit set in NEWSROOM['output_limit_mb']. On GitHub Pages a site may be "
        "at most 1 GB, a deployment may take at most 10 minutes, and every deploy uploads the "
        'whole site. See "When the site outgrows its host" in docs/operations.md: serve it '
        "from your own server, put a CDN in front of it, or move the pictures to object "
        "storage."
    )


def test_over_the_limit_the_warning_says_so(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    warning = build(site, out, capsys, host="self-hosted", output_limit_mb=1)
    files, size = written(out)
    assert warning == (
        f"Warning: The built site is {size / MB:,.1f} MB in {files:,} files, over the 1 MB limit "
        "set in NEWSROOM['output_limit_mb']. See \"When the site outgrows its host\" in "
        "docs/operations.md: serve it from your own server, put a CDN in front of it, or move "
        "the pictures to object storage."
    )


def test_in_github_actions_the_warning_is_also_an_annotation(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    warning, annotation = build(site, tmp_path / "out", capsys, output_limit_mb=1).splitlines()
    assert annotation == "::warning title=Site size::" + warning.removeprefix("Warning: ")
    assert "over the 1 MB limit set in NEWSROOM['output_limit_mb']." in warning


def test_github_pages_has_its_limit_and_a_self_hosted_site_none() -> None:
    assert hosting.size_warning(50_000 * MB, 10**6, "self-hosted") is None
    assert hosting.size_warning(700 * MB, 10, "github-pages") is None
    assert hosting.size_warning(1200 * MB, 48_000, "github-pages") == (
        "The built site is 1,200.0 MB in 48,000 files, over the 1,000 MB GitHub Pages takes. "
        "On GitHub Pages a site may be at most 1 GB, a deployment may take at most 10 minutes, "
        'and every deploy uploads the whole site. See "When the site outgrows its host" in '
        "docs/operations.md: serve it from your own server, put a CDN in front of it, or move "
        "the pictures to object storage."
    )


def test_the_output_is_measured_as_the_host_counts_it(tmp_path: Path) -> None:
    """Files and links to files by their own size; a link to a folder neither counted nor
    followed; ``build.json`` counted, though the manifest's state names it alone."""
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    (out / "a.html").write_text("abc")
    (out / "sub" / "b.css").write_text("hello")
    (out / "build.json").write_text("{}")
    (out / "to-folder").symlink_to(out / "sub")
    (out / "to-file").symlink_to(out / "a.html")
    (out / "broken").symlink_to(tmp_path / "nowhere")
    links = len(str(out / "a.html")) + len(str(tmp_path / "nowhere"))
    assert measured(out)[1:] == (5, 3 + 5 + 2 + links)
    assert measured(out)[0] == output_state(out)
