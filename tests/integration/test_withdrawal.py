"""A withdrawn release in a real build: a notice at its address, gone from every list, a
tombstone in the Atom feeds (RFC 6721), and its entry kept in the record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree
from test_build import _pagefind_text
from test_feeds import SITE_URL, atom, files, jing, json_feed

from newsroom.fingerprint import content_hash
from support import Site

AT = "{http://purl.org/atompub/tombstones/1.0}"
A = "{http://www.w3.org/2005/Atom}"
RELEASE = "releases/2026/with-files.md"
GONE = "news/2026/with-files/"
REASON = "Withdrawn at the request of the **court** of Hamburg."


def withdraw(site: Site) -> None:
    file = site.path / RELEASE
    head, _, body = file.read_text()[4:].partition("---\n")
    file.write_text(
        f"---\n{head}status: withdrawn\nwithdrawal:\n  date: 2026-11-20 10:00 Europe/Berlin\n"
        f"  reason: {REASON}\n---\n{body}"
    )


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Site]:
    """The basic site built as of AS_OF twice: as published, and with one release withdrawn."""
    import shutil

    from support import FIXTURES

    root = tmp_path_factory.mktemp("withdrawal")
    shutil.copytree(FIXTURES / "basic", root / "site")
    site = Site(root / "site")
    before, after = root / "before", root / "after"
    site.build(before, SITEURL=SITE_URL)
    withdraw(site)
    site.build(after, SITEURL=SITE_URL)
    return before, after, site


def test_the_page_becomes_a_notice(builds: tuple[Path, Path, Site]) -> None:
    _, after, _ = builds
    html = (after / GONE / "index.html").read_text("utf-8")
    assert "<h1>Example opens a new plant</h1>" in html
    assert "This press release was published on" in html and "and withdrawn on" in html
    assert '<time datetime="2026-11-20T10:00:00+01:00">' in html
    assert "Withdrawn at the request of the <strong>court</strong> of Hamburg." in html
    assert "The plant opens today." not in html  # nothing of the text is repeated
    assert '<meta name="robots" content="noindex">' in html
    assert "data-pagefind-body" not in html
    # Its image and attachment are not published any more.
    assert not (after / GONE / "plant.png").exists()
    assert not (after / GONE / "factsheet.pdf").exists()


def test_it_leaves_every_list(builds: tuple[Path, Path, Site]) -> None:
    before, after, _ = builds
    lists = ["index.html", "news/index.html", "topics/products/index.html", "sitemap.xml"]
    for name in lists:
        assert GONE in (before / name).read_text("utf-8"), name
        assert GONE not in (after / name).read_text("utf-8"), name
    api = "\n".join(p.read_text("utf-8") for p in sorted((after / "api").rglob("*.json")))
    assert "with-files" not in api and "Example opens a new plant" not in api
    for feed in files(after, ".json") + files(after, ".rss.xml"):
        assert "Example opens a new plant" not in feed.read_text("utf-8"), feed
    assert "The plant opens today" in _pagefind_text(before)
    assert "The plant opens today" not in _pagefind_text(after)
    assert "Withdrawn at the request" not in _pagefind_text(after)


def test_the_atom_feeds_announce_the_deletion(builds: tuple[Path, Path, Site]) -> None:
    _, after, _ = builds
    ref = "tag:news.example.com,2026:with-files"
    for name in ("all", "topics/products", "lang/en"):
        feed = atom(after, name)
        assert ref not in [e.findtext(f"{A}id") for e in feed.findall(f"{A}entry")]
        [tombstone] = feed.findall(f"{AT}deleted-entry")
        assert tombstone.get("ref") == ref
        assert tombstone.get("when") == "2026-11-20T09:00:00Z"
        comment = tombstone.find(f"{AT}comment")
        assert comment is not None
        assert comment.text == "Withdrawn at the request of the court of Hamburg."
        assert comment.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    # The feed changed when the release was withdrawn.
    assert atom(after).findtext(f"{A}updated") == "2026-11-20T09:00:00+00:00"
    assert json_feed(after)["items"]  # the other releases are still there
    assert jing(files(after, ".atom.xml")).returncode == 0
    assert b'xmlns:at="http://purl.org/atompub/tombstones/1.0"' in etree.tostring(atom(after))


def test_the_record_keeps_the_entry_its_hash_and_the_withdrawal(
    builds: tuple[Path, Path, Site],
) -> None:
    before, after, site = builds
    old = json.loads((before / "disclosures.json").read_text("utf-8"))["disclosures"]
    new = json.loads((after / "disclosures.json").read_text("utf-8"))["disclosures"]
    assert [d["url"] for d in new] == [d["url"] for d in old]
    [kept] = [d for d in new if d["url"].endswith(GONE)]
    [was] = [d for d in old if d["url"].endswith(GONE)]
    assert kept["withdrawn"] == {
        "utc": "2026-11-20T09:00:00Z",
        "local": "2026-11-20T10:00:00+01:00",
        "zone": "Europe/Berlin",
        "reason": "Withdrawn at the request of the court of Hamburg.",
    }
    assert {k: v for k, v in kept.items() if k != "withdrawn"} == {
        k: v for k, v in was.items() if k != "withdrawn"
    }
    release = next(r for r in site.load().releases if r.url == GONE)
    assert kept["sha256"] == content_hash(release)
    page = (after / "disclosures/index.html").read_text("utf-8")
    assert "Withdrawn at the request of the court of Hamburg." in page


def test_before_its_withdrawal_date_the_release_is_still_public(tmp_path: Path) -> None:
    import shutil

    from support import FIXTURES

    shutil.copytree(FIXTURES / "basic", tmp_path / "site")
    site = Site(tmp_path / "site")
    withdraw(site)
    out = tmp_path / "out"
    site.build(out, as_of="2026-11-20T08:59:59Z", SITEURL=SITE_URL)
    assert "The plant opens today." in (out / GONE / "index.html").read_text("utf-8")
    assert not atom(out).findall(f"{AT}deleted-entry")
    # Nothing says it will be withdrawn: not the record, not the API.
    record = json.loads((out / "disclosures.json").read_text("utf-8"))["disclosures"]
    assert [d["withdrawn"] for d in record if d["url"].endswith(GONE)] == [None]
    assert "court" not in (out / "api/releases/2026/with-files.json").read_text("utf-8")
