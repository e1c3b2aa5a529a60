"""The static JSON API in a real build: the public releases, every field, gated and paginated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from newsroom.dates import parse_as_of
from newsroom.fingerprint import content_hash
from support import AS_OF, Site

SITE = "https://news.example.com"
EMBARGOED = ("Secret embargoed widget", "embargoed-launch", "secret-tag", "Embargoed body text")


def read(out: Path, path: str) -> dict[str, Any]:
    text = (out / path).read_text("utf-8")
    data = json.loads(text)
    assert (
        text == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
    )
    return data


def api_text(out: Path) -> str:
    return "\n".join(p.read_text("utf-8") for p in sorted((out / "api").rglob("*.json")))


def test_the_list_holds_the_public_releases_newest_first(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out, SITEURL=SITE)
    data = read(out, "api/releases.json")
    assert (data["page"], data["pages"], data["total"], data["next"], data["prev"]) == (
        1,
        1,
        3,
        None,
        None,
    )
    assert [i["url"] for i in data["items"]] == [
        f"{SITE}/news/2026/with-files/",
        f"{SITE}/news/2026/first-product/",
        f"{SITE}/news/2025/q4-results/",
    ]
    first = data["items"][1]
    assert first["api_url"] == f"{SITE}/api/releases/2026/first-product.json"
    assert (first["date"], first["date_utc"]) == (
        "2026-03-02T09:00:00+01:00",
        "2026-03-02T08:00:00Z",
    )
    assert first["topic"] == {"key": "products", "name": "Products"}
    assert (first["tags"], first["lang"], first["image"]) == (["launch", "widgets"], "en", None)
    assert first["share_image"]["url"].startswith(f"{SITE}/news/2026/first-product/share-")
    assert "body_html" not in first  # lists stay small; the record has the text
    for item in data["items"]:
        assert read(out, item["api_url"].removeprefix(f"{SITE}/"))["url"] == item["url"]


def test_a_record_has_every_public_field(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out, SITEURL=SITE)
    q4 = read(out, "api/releases/2025/q4-results.json")
    release = next(r for r in site.load().releases if r.slug == "q4-results")
    assert q4 == {
        "title": "Example reports Q4 2025 results",
        "subtitle": None,
        "summary": "Revenue rose 10 percent.",
        "url": f"{SITE}/news/2025/q4-results/",
        "api_url": f"{SITE}/api/releases/2025/q4-results.json",
        "date": "2025-12-15T07:30:00+01:00",
        "date_utc": "2025-12-15T06:30:00Z",
        "modified": "2025-12-16T10:00:00+01:00",
        "dateline": None,
        "topic": {"key": "financial-results", "name": "Financial results"},
        "tags": ["results"],
        "lang": "en",
        "translation_key": None,
        "translations": [],
        "body_html": "<p>Revenue rose 10 percent to EUR 1.1 billion.</p>",
        "image": None,
        "share_image": q4["share_image"],
        "attachments": [],
        "updates": [
            {
                "date": "2025-12-16T10:00:00+01:00",
                "note_html": "<p>Corrected the revenue figure.</p>",
            }
        ],
        "contacts": ["ir"],
        "boilerplate": "default",
        "safe_harbor_html": release.safe_harbor_html,
        "sha256": content_hash(release, parse_as_of(AS_OF)),
    }
    assert q4["share_image"]["width"] == 1200 and q4["share_image"]["height"] == 630
    assert (out / q4["share_image"]["url"].removeprefix(f"{SITE}/")).is_file()
    # The fingerprint is the disclosure record's.
    record = json.loads((out / "disclosures.json").read_text("utf-8"))["disclosures"]
    assert {d["url"]: d["sha256"] for d in record}[f"{SITE}/news/2025/q4-results/"] == q4["sha256"]


def test_contacts_and_boilerplates_are_shared_once_by_language_and_key(
    site: Site, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    site.build(out, SITEURL=SITE)
    shared = read(out, "api/shared.json")
    assert shared["contacts"]["en"]["ir"] == {
        "name": "Ira Investor",
        "role": "Investor Relations",
        "email": "ir@example.com",
        "phone": None,
        "region": None,
    }
    assert shared["boilerplates"]["en"]["default"] == {
        "title": "About Example",
        "html": "<p>Example Industries AG makes examples for <strong>everyone</strong>.</p>",
    }
    # Every record's keys resolve, in its language, to what its page shows.
    for path in sorted((out / "api/releases").glob("20*/*.json")):
        record = read(out, path.relative_to(out).as_posix())
        page = (out / record["url"].removeprefix(f"{SITE}/") / "index.html").read_text("utf-8")
        contacts = [shared["contacts"][record["lang"]][key] for key in record["contacts"]]
        assert contacts and all(c["email"] in page and c["role"] in page for c in contacts)
        boilerplate = shared["boilerplates"][record["lang"]][record["boilerplate"]]
        assert boilerplate["html"] in page and boilerplate["title"] in page


def test_images_and_attachments_with_their_types_and_sizes(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out, SITEURL=SITE)
    data = read(out, "api/releases/2026/with-files.json")
    assert data["image"] == {
        "url": f"{SITE}/news/2026/with-files/plant.png",
        "alt": "The new plant",
        "caption": None,
        "credit": None,
    }
    assert data["share_image"] == {
        "url": f"{SITE}/news/2026/with-files/plant.png",
        "width": 40,
        "height": 20,
        "alt": "The new plant",
    }
    size = (site.path / "releases/2026/with-files/factsheet.pdf").stat().st_size
    assert data["attachments"] == [
        {
            "title": "Plant fact sheet",
            "url": f"{SITE}/news/2026/with-files/factsheet.pdf",
            "type": "application/pdf",
            "size_bytes": size,
        }
    ]
    assert data["date"] == "2026-06-01T10:00:00-04:00"


def test_pages_follow_api_page_size(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out, SITEURL=SITE, NEWSROOM={"api_page_size": 2})
    one, two = read(out, "api/releases.json"), read(out, "api/releases/page/2.json")
    assert (one["pages"], one["total"], len(one["items"]), len(two["items"])) == (2, 3, 2, 1)
    assert one["next"] == f"{SITE}/api/releases/page/2.json" and one["prev"] is None
    assert two["prev"] == f"{SITE}/api/releases.json" and two["next"] is None
    assert not (out / "api/releases/page/3.json").exists()


def test_an_embargoed_release_joins_the_api_at_its_instant(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out, as_of="2026-12-03T05:59:59Z")
    text = api_text(out)
    for secret in EMBARGOED:
        assert secret not in text
    assert read(out, "api/releases.json")["total"] == 3
    assert not (out / "api/releases/2026/embargoed-launch.json").exists()

    site.build(out, as_of="2026-12-03T06:00:00Z")
    data = read(out, "api/releases.json")
    assert data["total"] == 4
    assert data["items"][0]["url"] == "/news/2026/embargoed-launch/"
    record = read(out, "api/releases/2026/embargoed-launch.json")
    assert record["body_html"] == "<p>Embargoed body text.</p>"


def test_drafts_are_never_in_the_api(site: Site, tmp_path: Path) -> None:
    site.write(
        "releases/2026/unfinished.md",
        "---\ntitle: Half-written draft\ndate: 2026-01-05 09:00 Europe/Berlin\n"
        "category: products\nsummary: Not yet.\nstatus: draft\n---\nTBD\n",
    )
    out = tmp_path / "out"
    site.build(out, as_of="2030-01-01T00:00:00Z")
    assert "Half-written draft" not in api_text(out)
    assert not (out / "api/releases/2026/unfinished.json").exists()


def test_a_later_update_is_not_in_the_record_before_its_instant(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out, as_of="2025-12-16T08:59:00Z")  # the update is dated 10:00 Berlin
    q4 = read(out, "api/releases/2025/q4-results.json")
    assert (q4["updates"], q4["modified"]) == ([], "2025-12-15T07:30:00+01:00")
    assert "Corrected the revenue figure" not in api_text(out)
