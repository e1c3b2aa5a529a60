"""A site with more releases than one part of the search index holds: the index comes in
several parts (search.py), and the search page merges them in Chromium, newest first.

Parts hold four releases here (``search_part_size``), so the 27 public English releases make
seven parts and the five German ones two. The generated releases go live in several zones,
two of them on one day in an order their local clocks reverse.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from support import FIXTURES, Site

pytestmark = pytest.mark.browser

PART_SIZE = 4
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Singapore"]
RELEASE = """---
title: {title}
date: {date} {zone}
category: {topic}
summary: {summary}
lang: {lang}
---
{body}
"""


def _releases() -> dict[str, str]:
    """22 English releases that mention Harbourline, 5 German forecasts, and one embargoed."""
    files = {}
    first = datetime(2024, 1, 10, 9, 0)
    for n in range(22):
        day = first + timedelta(days=37 * n)
        topic = "products" if n % 2 else "financial-results"
        title = f"Harbourline report {n:02d}"
        body = f"The Harbourline programme reached milestone {n}."
        files[f"releases/{day.year}/harbourline-{n:02d}.md"] = RELEASE.format(
            title=title, date=f"{day:%Y-%m-%d %H:%M}", zone=ZONES[n % 3], topic=topic,
            summary=f"Milestone {n} of Harbourline.", lang="en", body=body,
        )  # fmt: skip
    # One day, two zones: 09:00 in Berlin is 07:00 UTC, 05:00 in New York is 09:00 UTC. In
    # one part, the later one comes first only if Pagefind tells the instants apart: as a
    # number, the sort key would be a 32-bit float, which ties instants two days apart.
    for n, (time, zone) in enumerate([("09:00", "Europe/Berlin"), ("05:00", "America/New_York")]):
        files[f"releases/2025/harbourline-same-day-{n}.md"] = RELEASE.format(
            title=f"Harbourline same day {n}", date=f"2025-06-01 {time}", zone=zone,
            topic="products", summary="Two on one day.", lang="en",
            body="Harbourline twice on one day.",
        )  # fmt: skip
    for n in range(5):
        files[f"releases/2025/prognose-{n}.md"] = RELEASE.format(
            title=f"Hafenprognose {n} erschienen", date=f"2025-0{n + 2}-03 10:00",
            zone="Europe/Berlin", topic="products", summary="Eine Prognose für den Hafen.",
            lang="de", body=f"Die Prognose Nummer {n} für den Hafen ist da.",
        )  # fmt: skip
    files["releases/2026/harbourline-secret.md"] = RELEASE.format(
        title="Harbourline secret merger", date="2026-12-20 09:00", zone="Europe/Berlin",
        topic="products", summary="Not yet.", lang="en", body="Harbourline merges in secret.",
    )  # fmt: skip
    return files


@pytest.fixture(scope="module")
def parted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, Path]:
    root = tmp_path_factory.mktemp("parts")
    shutil.copytree(FIXTURES / "basic", root / "site")
    site = Site(root / "site")
    for name, text in _releases().items():
        site.write(name, text)
    site.build(root / "out", NEWSROOM={"search_part_size": PART_SIZE})
    return site, root / "out"


@pytest.fixture(scope="module")
def public(parted: tuple[Site, Path]) -> list:
    """The public releases at the build instant, newest first."""
    from newsroom.dates import parse_as_of
    from support import AS_OF

    instant = parse_as_of(AS_OF)
    releases = [r for r in parted[0].load().releases if r.is_public(instant)]
    assert len(releases) == 32
    return sorted(releases, key=lambda r: r.date_utc, reverse=True)


def _part_of(output: Path) -> dict[str, str]:
    """Each indexed address, and the folder of the part that holds it."""
    found = {}
    for fragment in (output / "pagefind").glob("*/*/fragment/*.pf_fragment"):
        text = gzip.decompress(fragment.read_bytes()).decode("utf-8")
        url = json.loads(text[text.index("{") :])["url"]
        found[url.strip("/")] = fragment.parent.parent.relative_to(output).as_posix()
    return found


def test_each_language_is_indexed_in_parts_of_at_most_the_part_size(
    parted: tuple[Site, Path], public: list
) -> None:
    output = parted[1]
    english = sorted((output / "pagefind/en").iterdir(), key=lambda p: int(p.name))
    german = sorted((output / "pagefind/de").iterdir(), key=lambda p: int(p.name))
    assert [p.name for p in english] == ["0", "1", "2", "3", "4", "5", "6"]
    assert [p.name for p in german] == ["0", "1"]
    for lang, folders in (("en", english), ("de", german)):
        for folder in folders:
            entry = json.loads((folder / "pagefind-entry.json").read_text("utf-8"))
            # One language a part, stemmed by its own rules.
            assert list(entry["languages"]) == [lang]
            assert 1 <= entry["languages"][lang]["page_count"] <= PART_SIZE
            # Only the newest part carries Pagefind's script; no part its ready-made interfaces.
            assert (folder / "pagefind.js").exists() == (folder == folders[-1])
            assert not list(folder.glob("pagefind-*ui*"))
    # Consecutive releases, oldest first: every release in a part is older than the next part's.
    part_of = _part_of(output)
    assert set(part_of) == {r.url.strip("/") for r in public}
    for lang in ("en", "de"):
        oldest_first = [r for r in reversed(public) if r.lang == lang]
        numbers = [int(part_of[r.url.strip("/")].rsplit("/", 1)[1]) for r in oldest_first]
        assert numbers == sorted(numbers)
    # The search page of each language lists its own parts, newest first.
    for page, folders in (("search/index.html", english), ("de/search/index.html", german)):
        html = (output / page).read_text("utf-8")
        listed = re.search(r'data-bundles="([^"]*)"', html)
        assert listed is not None
        expected = [f"/{p.relative_to(output).as_posix()}/" for p in reversed(folders)]
        assert listed.group(1).split(" ") == expected


def test_no_part_holds_an_embargoed_release(parted: tuple[Site, Path]) -> None:
    output = parted[1]
    text = []
    for path in (output / "pagefind").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            text.append(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)
    everything = b"\n".join(text)
    assert b"Harbourline report 05" in everything  # readable: a public one is there
    for secret in (b"Harbourline secret", b"merges in secret", b"Secret embargoed widget"):
        assert secret not in everything


@pytest.fixture(scope="module")
def parted_url(parted: tuple[Site, Path], serve_secure: Callable[[Path], str]) -> str:
    return serve_secure(parted[1])


def _search(page, url: str) -> list[str]:
    page.goto(url)
    page.locator(".search-status:not(:empty)").wait_for()
    return page.locator(".search-results h2 a").all_inner_texts()


def test_search_merges_every_part_newest_first(
    browser, parted: tuple[Site, Path], parted_url: str, public: list
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation', "
        "(e) => window.__csp.push(e.violatedDirective));"
    )
    harbourline = [r for r in public if "Harbourline" in r.title]
    assert len(harbourline) == 24
    titles = _search(page, parted_url + "/search/?q=Harbourline")
    # The newest twenty of the 24, by their UTC instant, whichever part each is in.
    assert titles == [r.title for r in harbourline[:20]]
    assert page.locator(".search-status").inner_text() == "24 releases found."
    same_day = [t for t in titles if "same day" in t]
    assert same_day == ["Harbourline same day 1", "Harbourline same day 0"]
    part_of = _part_of(parted[1])
    # In one part, so that Pagefind's own sort orders them, not the parts' order.
    assert len({part_of[r.url.strip("/")] for r in public if "same day" in r.title}) == 1
    shown = {part_of[r.url.strip("/")] for r in harbourline[:20]}

    # A filter applies in every part, and the order holds.
    titles = _search(page, parted_url + "/search/?q=Harbourline&topic=Financial+results")
    expected = [r for r in harbourline if r.topic.key == "financial-results"]
    assert titles == [r.title for r in expected]
    assert page.locator(".search-status").inner_text() == f"{len(expected)} releases found."
    # Between them, the two searches found releases in every English part.
    shown |= {part_of[r.url.strip("/")] for r in expected}
    assert shown == {f"pagefind/en/{n}" for n in range(7)}
    assert page.evaluate("window.__csp") == []

    # German word rules in every German part: "Prognosen" finds "Prognose", newest first.
    titles = _search(page, parted_url + "/de/search/?q=Prognosen")
    german = [r for r in public if r.lang == "de"]
    assert titles == [r.title for r in german]
    assert {part_of[r.url.strip("/")] for r in german} == {"pagefind/de/0", "pagefind/de/1"}
    assert page.evaluate("window.__csp") == []
    context.close()
