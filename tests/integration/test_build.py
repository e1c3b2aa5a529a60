"""In-process Pelican builds of the small fixture site: what is written, and what never is."""

from __future__ import annotations

import gzip
import hashlib
import io
import re
from pathlib import Path

import pytest
from PIL import Image

from newsroom.commands import BuildFailed
from support import Site

EMBARGOED = ("Secret embargoed widget", "embargoed-launch", "secret-tag", "Embargoed body text")


def all_text(output: Path) -> dict[str, str]:
    return {
        str(p.relative_to(output)): p.read_text("utf-8", errors="replace")
        for p in sorted(output.rglob("*"))
        if p.is_file()
    }


def digest(output: Path) -> dict[str, str]:
    return {
        str(p.relative_to(output)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(output.rglob("*"))
        if p.is_file()
    }


def stable_digest(output: Path) -> dict[str, str]:
    """``digest`` without the parts of pagefind/ that Pagefind does not write byte-stably.

    Pagefind 1.5 writes its filter file in hash-map order, which changes between runs, and
    names it (and pagefind-entry.json, the .pf_meta file) by its hash. No flag fixes this,
    so of each part of the index (pagefind/<lang>/<n>/) only the page fragments (the indexed
    texts and metadata) must match.
    """
    fragment = re.compile(r"pagefind/[^/]+/\d+/fragment/")
    return {
        k: v
        for k, v in digest(output).items()
        if not k.startswith("pagefind/") or fragment.match(k)
    }


def test_public_releases_get_pages_topics_tags_and_years(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out)
    for page in [
        "index.html",
        "404.html",
        "about/index.html",
        "news/index.html",
        "news/2025/index.html",
        "news/2026/index.html",
        "news/2025/q4-results/index.html",
        "news/2026/first-product/index.html",
        "news/2026/with-files/index.html",
        "topics/index.html",
        "topics/products/index.html",
        "topics/financial-results/index.html",
        "tags/index.html",
        "tags/launch/index.html",
        "tags/results/index.html",
    ]:
        assert (out / page).is_file(), page
    assert (out / "news/2026/with-files/plant.png").read_bytes() == (
        site.path / "releases/2026/with-files/plant.png"
    ).read_bytes()
    assert (out / "news/2026/with-files/factsheet.pdf").is_file()
    assert not (out / "drafts").exists()


def with_embargoed_image(site: Site) -> bytes:
    """Give the embargoed release a lead image wide enough to get narrower copies."""
    image = io.BytesIO()
    Image.new("RGB", (900, 600), (11, 93, 90)).save(image, format="JPEG")
    site.write("releases/2026/embargoed-launch/widget-photo.jpg", image.getvalue())
    source = site.path / "releases/2026/embargoed-launch.md"
    text = source.read_text("utf-8").replace(
        "summary:", "image:\n  file: widget-photo.jpg\n  alt: The widget\nsummary:", 1
    )
    source.write_text(text, "utf-8")
    return image.getvalue()


def test_embargoed_release_exists_nowhere_before_its_instant(site: Site, tmp_path: Path) -> None:
    photo = with_embargoed_image(site)
    out = tmp_path / "out"
    site.build(out, as_of="2026-12-03T05:59:59Z")  # one second before 07:00 Berlin
    for name, text in all_text(out).items():
        for secret in EMBARGOED:
            assert secret not in text, f"{secret!r} leaked into {name}"
        assert "secret" not in name and "embargoed" not in name
        assert "widget-photo" not in name and "widget-photo" not in text
    # Neither the picture nor a narrower copy of it, under any name; none was even made.
    assert all(p.read_bytes() != photo for p in out.rglob("*.jpg"))
    assert not any((site.path.parent / ".cache" / "release-images").glob("*"))


def test_embargoed_release_is_public_at_its_exact_instant(site: Site, tmp_path: Path) -> None:
    with_embargoed_image(site)
    out = tmp_path / "out"
    site.build(out, as_of="2026-12-03T06:00:00Z")  # 07:00 in Berlin
    page = (out / "news/2026/embargoed-launch/index.html").read_text()
    assert "Embargoed body text" in page
    for name in ("widget-photo.jpg", "widget-photo-480w.jpg", "widget-photo-800w.jpg"):
        assert (out / "news/2026/embargoed-launch" / name).is_file(), name
        assert f"/news/2026/embargoed-launch/{name}" in page
    assert (out / "tags/secret-tag/index.html").is_file()
    assert "Secret embargoed widget" in (out / "index.html").read_text()


def test_later_updates_are_not_shown_before_their_own_instant(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out, as_of="2025-12-16T08:59:00Z")  # the update is dated 10:00 Berlin
    assert (
        "Corrected the revenue figure" not in (out / "news/2025/q4-results/index.html").read_text()
    )
    site.build(out, as_of="2025-12-16T09:00:00Z")
    assert "Corrected the revenue figure" in (out / "news/2025/q4-results/index.html").read_text()


def test_draft_is_never_written(site: Site, tmp_path: Path) -> None:
    site.write(
        "releases/2026/unfinished.md",
        "---\ntitle: Half-written draft\ndate: 2026-01-05 09:00 Europe/Berlin\n"
        "category: products\nsummary: Not yet.\nstatus: draft\ntags: [draft-only-tag]\n---\nTBD\n",
    )
    out = tmp_path / "out"
    site.build(out, as_of="2030-01-01T00:00:00Z")
    for name, text in all_text(out).items():
        assert "Half-written draft" not in text, name
        assert "draft-only-tag" not in text and "unfinished" not in name


def test_same_commit_and_instant_give_byte_identical_output(site: Site, tmp_path: Path) -> None:
    site.build(tmp_path / "a")
    site.build(tmp_path / "b")
    first, second = stable_digest(tmp_path / "a"), stable_digest(tmp_path / "b")
    assert first == second
    assert len(first) > 15
    assert any(name.startswith("pagefind/en/0/fragment/") for name in first)


def test_build_refuses_on_any_error_and_leaves_output_alone(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out)
    before = digest(out)
    site.write("releases/2026/broken.md", "---\ntitle: Broken\n---\nText\n")
    with pytest.raises(BuildFailed) as err:
        site.build(out)
    assert "3 errors in 1 file" in str(err.value)
    assert digest(out) == before


def test_hostile_html_never_reaches_a_page(site: Site, tmp_path: Path) -> None:
    site.write(
        "releases/2026/hostile.md",
        "---\ntitle: Hostile\ndate: 2026-01-05 09:00 Europe/Berlin\ncategory: products\n"
        "summary: S.\n---\nHello <script>alert('x')</script>"
        '<img src=#x onerror="alert(1)"> <a href="javascript:alert(2)">link</a>\n',
    )
    out = tmp_path / "out"
    site.build(out)
    page = (out / "news/2026/hostile/index.html").read_text()
    assert "alert" not in page and "onerror" not in page and "javascript:" not in page


def test_theme_has_every_template_pelican_renders() -> None:
    # Pelican quietly falls back to its own "simple" theme for a missing template.
    from support import ROOT

    names = ["index", "article", "page", "category", "tag", "categories", "tags", "archives"]
    names += ["period_archives", "404", "contacts"]
    missing = [n for n in names if not (ROOT / "theme/templates" / f"{n}.html").is_file()]
    assert missing == []


def test_preview_shows_embargoed_and_drafts_marked_and_noindex(site: Site, tmp_path: Path) -> None:
    site.write(
        "releases/2026/unfinished.md",
        "---\ntitle: Half-written draft\ndate: 2026-01-05 09:00 Europe/Berlin\n"
        "category: products\nsummary: Not yet.\nstatus: draft\n---\nTBD\n",
    )
    out = tmp_path / "preview"
    site.build(out, NEWSROOM_PREVIEW=True)
    embargoed = (out / "news/2026/embargoed-launch/index.html").read_text()
    assert "EMBARGOED UNTIL DECEMBER 3, 2026, 07:00 CET (06:00 UTC)" in embargoed
    assert "DRAFT — NOT FOR PUBLICATION" in (out / "news/2026/unfinished/index.html").read_text()
    public = (out / "news/2026/first-product/index.html").read_text()
    assert "EMBARGOED" not in public and "DRAFT" not in public
    pages = list(out.rglob("*.html"))
    assert pages and all(
        '<meta name="robots" content="noindex, nofollow">' in p.read_text() for p in pages
    )
    assert (out / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"


def test_a_preview_keeps_what_is_not_public_out_of_the_public_outputs(
    site: Site, tmp_path: Path
) -> None:
    """A preview shows embargoed releases and drafts on pages only: the build state keeps them
    apart from the public list that the record, the API and the sitemaps are made from."""
    site.write(
        "releases/2026/unfinished.md",
        "---\ntitle: Half-written draft\ndate: 2026-01-05 09:00 Europe/Berlin\n"
        "category: products\nsummary: Not yet.\nstatus: draft\n---\nTBD\n",
    )
    out = tmp_path / "preview"
    site.build(out, NEWSROOM_PREVIEW=True, SITEURL="https://news.example.com")
    assert (out / "news/2026/unfinished/index.html").is_file()
    public_outputs = {
        name: text
        for name, text in all_text(out).items()
        if name.startswith(("api/", "disclosures", "sitemap")) or name == "build.json"
    }
    assert any(n.startswith("api/") for n in public_outputs)
    assert "disclosures.json" in public_outputs
    for name, text in public_outputs.items():
        for hidden in ("embargoed-launch", "Secret embargoed widget", "unfinished", "Half-written"):
            assert hidden not in text, (name, hidden)
    assert "first-product" in public_outputs["disclosures.json"]


def test_public_build_has_no_preview_marks(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out)
    for name, text in all_text(out).items():
        if name.startswith(("admin/", "theme/admin/")):
            continue  # the editor for PR staff (cms.py) is never indexed
        assert "noindex" not in text and "Preview as of" not in text, name
    # Crawlers are welcome (sitemaps.py; without a SITEURL there are no sitemaps to name).
    assert (out / "robots.txt").read_text() == "User-agent: *\nDisallow:\n"


def test_output_does_not_depend_on_hash_seed_even_with_ties(site: Site, tmp_path: Path) -> None:
    """Releases sharing one instant keep one order: Pelican reads files in set order."""
    import subprocess
    import sys

    from support import ROOT

    for name in ("alpha", "beta", "gamma", "delta"):
        site.write(
            f"releases/2026/tie-{name}.md",
            f"---\ntitle: Tie {name}\ndate: 2026-05-05 09:00 Europe/Berlin\ncategory: products\n"
            f"tags: [tie]\nsummary: S.\n---\nText {name}.\n",
        )
    digests = []
    for seed in ("1", "2", "3"):
        out = tmp_path / f"out-{seed}"
        command = [sys.executable, "-m", "invoke", "build", "--content", str(site.path)]
        command += ["--output", str(out), "--as-of", "2026-11-23T12:00:00Z"]
        env = {"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}
        subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
        digests.append(stable_digest(out))
    assert digests[0] == digests[1] == digests[2]


def _pagefind_text(output: Path) -> str:
    """Every file of the search index, the gzipped ones decompressed."""
    parts = []
    for path in sorted((output / "pagefind").rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            parts.append(data.decode("utf-8", errors="replace"))
    return "\n".join(parts)


def test_search_index_has_no_embargoed_words_before_the_instant(site: Site, tmp_path: Path) -> None:
    before, at = tmp_path / "before", tmp_path / "at"
    site.build(before, as_of="2026-12-03T05:59:59Z")
    site.build(at, as_of="2026-12-03T06:00:00Z")
    assert "Products" in _pagefind_text(before)  # the index is readable: topic filter values
    for secret in ("Secret embargoed widget", "Embargoed body text", "embargoed-launch"):
        assert secret not in _pagefind_text(before)
        assert secret in _pagefind_text(at)


def test_release_text_gets_the_typography_of_its_language(site: Site, tmp_path: Path) -> None:
    head = "---\ntitle: {title}\ndate: 2026-03-05 09:00 Europe/Berlin\ncategory: products\n"
    head += "summary: A release to set.\nlang: {lang}\ntranslation_key: set\n---\n"
    body = 'Said "ready" -- it\'s 2025--2026... `"code" -- as typed`\n'
    site.write("releases/2026/set.md", head.format(title="Set in English", lang="en") + body)
    site.write("releases/2026/set-de.md", head.format(title="Gesetzt", lang="de") + body)
    site.build(tmp_path / "out")
    english = (tmp_path / "out/news/2026/set/index.html").read_text()
    german = (tmp_path / "out/news/2026/set-de/index.html").read_text()
    assert '<p>Said “ready” – it’s 2025–2026… <code>"code" -- as typed</code></p>' in english
    assert "<p>Said „ready“ – it’s 2025–2026… " in german
    # The summary and title are fields, not text: they stay exactly as written.
    assert "A release to set." in english


@pytest.mark.parametrize(
    ("task", "made", "what"),
    [
        ("build", None, "does not exist"),
        ("check", None, "does not exist"),
        ("build", "file", "is a file, not a folder"),
        ("check", "file", "is a file, not a folder"),
    ],
)
def test_a_content_folder_that_is_not_one_is_named_plainly(
    tmp_path: Path, task: str, made: str | None, what: str
) -> None:
    """A mistyped --content stops before anything is checked or written, in one sentence."""
    import subprocess
    import sys

    from support import ROOT

    content = tmp_path / "releses"
    if made == "file":
        content.write_text("not a folder\n", "utf-8")
    command = [sys.executable, "-m", "invoke", task, "--content", str(content)]
    if task == "build":
        command += ["--output", str(tmp_path / "out")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"The content folder {content} {what}. Give --content the folder that holds "
        "releases/ and data/, or leave it out to use the settings file's."
    )
    assert done.stdout == ""
    assert not (tmp_path / "out").exists()
