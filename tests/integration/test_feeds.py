"""The feeds in a real build: valid by each format's rules, complete, gated, stable, linked.

Atom is checked with jing against the RELAX NG schema of RFC 4287 (tests/fixtures/schemas),
plus the RFC's prose rules the schema leaves to the reader; RSS by the rules the W3C feed
validator applies to RSS 2.0; JSON Feed by the keys version 1.1 requires and allows. Atom and
RSS must also parse without complaint in feedparser, which feed readers build on.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from collections import Counter
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest
from bs4 import BeautifulSoup, Tag
from lxml import etree

from newsroom.feeds import INDEX, JSON_FEED_VERSION
from support import FIXTURES, ROOT, Site

SCHEMA = ROOT / "tests" / "fixtures" / "schemas" / "atom.rnc"
SITE_URL = "https://news.example.com"
HUB = "https://hub.example.com/"
AT_LAUNCH = "2026-12-03T06:00:00Z"  # the embargoed launch goes live: 07:00 in Berlin
BEFORE_LAUNCH = "2026-12-03T05:59:59Z"
EMBARGOED = ("Secret embargoed widget", "embargoed-launch", "secret-tag", "Embargoed body text")
A = "{http://www.w3.org/2005/Atom}"
#: The fixture is in English and German, with no German release: each topic has a German
#: page, and so a German feed, empty until a release of it is written in German.
NAMES = (
    "all",
    "lang/de/topics/financial-results",
    "lang/de/topics/products",
    "lang/en",
    "topics/financial-results",
    "topics/products",
)
FEEDS = [f"feeds/{name}{suffix}" for name in NAMES for suffix in (".atom.xml", ".json", ".rss.xml")]


def build(site: Site, out: Path, as_of: str = AT_LAUNCH, **newsroom: Any) -> Path:
    site.build(out, as_of=as_of, SITEURL=SITE_URL, NEWSROOM={"websub_hub": HUB, **newsroom})
    return out


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site at the launch instant: every release public, a hub configured."""
    tmp = tmp_path_factory.mktemp("feeds")
    shutil.copytree(FIXTURES / "basic", tmp / "site")
    return build(Site(tmp / "site"), tmp / "out")


def address(path: str) -> str:
    return f"{SITE_URL}/{path}"


def files(out: Path, suffix: str) -> list[Path]:
    """The feed files, without the index of them that the build writes beside them."""
    index = out / INDEX
    return sorted(p for p in (out / "feeds").rglob(f"*{suffix}") if p.is_file() and p != index)


def paths_in(out: Path) -> list[str]:
    return [p.relative_to(out).as_posix() for p in files(out, "")]


def jing(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    command = shutil.which("jing")
    assert command, "jing is missing: run tools/install-system-packages.sh (Debian package jing)"
    return subprocess.run(
        [command, "-c", str(SCHEMA), *map(str, paths)], capture_output=True, text=True, check=False
    )


# The rules, each returning every problem it finds (an empty list is a valid feed).

ABSOLUTE = re.compile(r"https?://[^/\s]+/\S*")
IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
RFC822 = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d\d:\d\d:\d\d [+-]\d{4}"
)
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
URL_IN_HTML = re.compile(r"""(?:href|src)\s*=\s*["']([^"']*)["']""")
UNSAFE = re.compile(r"<script|<iframe|<object|<embed|javascript:|\son[a-z]+\s*=", re.IGNORECASE)


def html_problems(where: str, html: str) -> list[str]:
    """Markup in a feed: nothing that runs, and no relative address (it has no page there)."""
    problems = [f"{where}: unsafe markup {m.group()!r}" for m in UNSAFE.finditer(html)]
    for url in URL_IN_HTML.findall(html):
        if not IRI.fullmatch(url):
            problems.append(f"{where}: relative address {url!r}")
    return problems


def atom_problems(path: Path, self_url: str) -> list[str]:
    """RFC 4287's rules that its RELAX NG schema does not express."""
    feed = etree.parse(str(path)).getroot()
    problems = []
    if not IRI.fullmatch(feed.findtext(f"{A}id") or ""):
        problems.append("feed: atom:id is not an absolute IRI")
    links = {(link.get("rel", "alternate"), link.get("href")) for link in feed.findall(f"{A}link")}
    if ("self", self_url) not in links:
        problems.append(f"feed: no rel=self link to {self_url}")
    if not any(rel == "alternate" for rel, _ in links):
        problems.append("feed: no alternate link")
    ids = [entry.findtext(f"{A}id") for entry in feed.findall(f"{A}entry")]
    if len(set(ids)) != len(ids):
        problems.append(f"feed: repeated entry ids {ids}")
    for entry in feed.findall(f"{A}entry"):
        where = f"entry {entry.findtext(f'{A}id')}"
        if not IRI.fullmatch(entry.findtext(f"{A}id") or ""):
            problems.append(f"{where}: atom:id is not an absolute IRI")
        if feed.find(f"{A}author") is None and entry.find(f"{A}author") is None:
            problems.append(f"{where}: no author in the entry or the feed")
        alternates = Counter(
            (link.get("type"), link.get("hreflang"))
            for link in entry.findall(f"{A}link")
            if link.get("rel", "alternate") == "alternate"
        )
        if not alternates or max(alternates.values()) > 1:
            problems.append(f"{where}: needs exactly one alternate link per type and language")
        published = datetime.fromisoformat(entry.findtext(f"{A}published") or "")
        if datetime.fromisoformat(entry.findtext(f"{A}updated") or "") < published:
            problems.append(f"{where}: updated before published")
        content = entry.find(f"{A}content")
        if content is None or content.get("type") != "html":
            problems.append(f"{where}: no html content")
        else:
            problems += html_problems(where, content.text or "")
    return problems


def rss_problems(path: Path, self_url: str) -> list[str]:
    """The W3C feed validator's rules for RSS 2.0, as far as these feeds can break them."""
    rss = etree.parse(str(path)).getroot()
    if rss.tag != "rss" or rss.get("version") != "2.0" or len(rss.findall("channel")) != 1:
        return ["the document is not <rss version='2.0'> with one <channel>"]
    channel = rss.find("channel")
    assert channel is not None
    problems = []
    for name in ("title", "link", "description"):
        found = channel.findall(name)
        if len(found) != 1 or not (found[0].text or "").strip():
            problems.append(f"channel: needs one non-empty <{name}>")
    if not ABSOLUTE.fullmatch(channel.findtext("link") or ""):
        problems.append("channel: <link> is not a full address")
    selves = [link.get("href") for link in channel.findall(f"{A}link") if link.get("rel") == "self"]
    if selves != [self_url]:
        problems.append(f"channel: atom:link rel=self {selves} is not {self_url}")
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*", channel.findtext("language") or ""):
        problems.append("channel: <language> is not a language code")
    for date in [*channel.iter("pubDate"), *channel.iter("lastBuildDate")]:
        text = date.text or ""
        if not RFC822.fullmatch(text):
            problems.append(f"{date.tag} {text!r} is not an RFC 822 date")
        elif parsedate_to_datetime(text).strftime("%a") != text[:3]:
            problems.append(f"{date.tag} {text!r} has the wrong day of the week")
    guids = []
    for item in channel.findall("item"):
        where = f"item {item.findtext('title')!r}"
        if not (item.findtext("title") or item.findtext("description")):
            problems.append(f"{where}: needs a title or a description")
        if not ABSOLUTE.fullmatch(item.findtext("link") or ""):
            problems.append(f"{where}: <link> is not a full address")
        guid = item.find("guid")
        if guid is None:
            problems.append(f"{where}: no guid")
        else:
            guids.append(guid.text)
            if guid.get("isPermaLink") != "false" and not ABSOLUTE.fullmatch(guid.text or ""):
                problems.append(f"{where}: a guid that is not a full address needs isPermaLink")
        for enclosure in item.findall("enclosure"):
            if not ABSOLUTE.fullmatch(enclosure.get("url", "")):
                problems.append(f"{where}: enclosure url is not a full address")
            if not enclosure.get("length", "").isdigit() or int(enclosure.get("length", 0)) <= 0:
                problems.append(f"{where}: enclosure length is not a positive number of bytes")
            if "/" not in enclosure.get("type", ""):
                problems.append(f"{where}: enclosure type is not a media type")
        if any(not (c.text or "").strip() for c in item.findall("category")):
            problems.append(f"{where}: empty category")
        for author in item.findall("author"):
            if "@" not in (author.text or ""):
                problems.append(f"{where}: <author> must be an email address")
        for tag in ("description", "{http://purl.org/rss/1.0/modules/content/}encoded"):
            problems += html_problems(where, item.findtext(tag) or "")
    if len(set(guids)) != len(guids):
        problems.append(f"repeated guids {guids}")
    return problems


JSON_FEED_KEYS = {
    "version", "title", "home_page_url", "feed_url", "description", "user_comment", "next_url",
    "icon", "favicon", "authors", "author", "language", "expired", "hubs", "items",
}  # fmt: skip
JSON_ITEM_KEYS = {
    "id", "url", "external_url", "title", "content_html", "content_text", "summary", "image",
    "banner_image", "date_published", "date_modified", "authors", "author", "tags", "language",
    "attachments",
}  # fmt: skip


def json_feed_problems(data: dict[str, Any], self_url: str) -> list[str]:
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/): required keys, types, no strays."""
    problems = []
    if data.get("version") != JSON_FEED_VERSION:
        problems.append(f"version is not {JSON_FEED_VERSION}")
    if not isinstance(data.get("title"), str) or not data["title"]:
        problems.append("no title")
    if not isinstance(data.get("items"), list):
        return [*problems, "items is not a list"]
    problems += [f"unknown key {k!r}" for k in data if k not in JSON_FEED_KEYS and k[0] != "_"]
    if data.get("feed_url") != self_url:
        problems.append(f"feed_url is not {self_url}")
    if not ABSOLUTE.fullmatch(data.get("home_page_url", "")):
        problems.append("home_page_url is not a full address")
    for author in [*data.get("authors", []), *(a for i in data["items"] for a in i["authors"])]:
        if not isinstance(author, dict) or not {"name", "url", "avatar"} & set(author):
            problems.append(f"author {author!r} has no name, url or avatar")
    for hub in data.get("hubs", []):
        if set(hub) != {"type", "url"} or not ABSOLUTE.fullmatch(hub["url"]):
            problems.append(f"hub {hub!r} needs a type and a full url")
    ids = [item.get("id") for item in data["items"]]
    if len(set(ids)) != len(ids):
        problems.append(f"repeated item ids {ids}")
    for item in data["items"]:
        where = f"item {item.get('id')!r}"
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"{where}: id must be a non-empty string")
        if not isinstance(item.get("content_html", item.get("content_text")), str):
            problems.append(f"{where}: needs content_html or content_text")
        problems += [f"{where}: unknown key {k!r}" for k in item if k not in JSON_ITEM_KEYS]
        for key in ("url", "image"):
            if key in item and not ABSOLUTE.fullmatch(item[key]):
                problems.append(f"{where}: {key} is not a full address")
        for key in ("date_published", "date_modified"):
            if not RFC3339.fullmatch(item.get(key, "")):
                problems.append(f"{where}: {key} is not an RFC 3339 date")
        if not all(isinstance(t, str) and t for t in item.get("tags", [])):
            problems.append(f"{where}: tags must be non-empty strings")
        problems += html_problems(where, item.get("content_html", ""))
    return problems


def check_all(out: Path) -> None:
    """Every feed of a build, by every rule: one assertion listing all problems."""
    atoms, rsses, jsons = files(out, ".atom.xml"), files(out, ".rss.xml"), files(out, ".json")
    result = jing(atoms)
    assert result.returncode == 0, result.stdout + result.stderr
    problems: list[str] = []
    for path in atoms + rsses:
        url = address(path.relative_to(out).as_posix())
        rules = atom_problems if path in atoms else rss_problems
        problems += [f"{path.name}: {p}" for p in rules(path, url)]
        parsed = feedparser.parse(path.read_bytes())
        if parsed.bozo:
            problems.append(f"{path.name}: feedparser: {parsed.bozo_exception}")
    for path in jsons:
        url = address(path.relative_to(out).as_posix())
        text = path.read_text("utf-8")
        data = json.loads(text)
        if text != json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n":
            problems.append(f"{path.name}: keys are not sorted")
        problems += [f"{path.name}: {p}" for p in json_feed_problems(data, url)]
    assert problems == []


def atom(out: Path, name: str = "all") -> etree._Element:
    return etree.parse(str(out / "feeds" / f"{name}.atom.xml")).getroot()


def json_feed(out: Path, name: str = "all") -> dict[str, Any]:
    return json.loads((out / "feeds" / f"{name}.json").read_text("utf-8"))


def feed_text(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text("utf-8") for p in files(out, "")}


# The tests.


def test_every_topic_and_language_gets_atom_rss_and_json(out: Path) -> None:
    assert paths_in(out) == FEEDS


def test_every_feed_is_valid(out: Path) -> None:
    check_all(out)
    assert len(files(out, ".atom.xml")) == 6 and len(files(out, ".rss.xml")) == 6


def test_the_rules_catch_broken_feeds(out: Path, tmp_path: Path) -> None:
    """The checks above would fail on a broken feed (they are not vacuous)."""
    broken = tmp_path / "broken"
    shutil.copytree(out / "feeds", broken / "feeds")
    atom_file = broken / "feeds/all.atom.xml"
    atom_file.write_text(re.sub(r"<updated>[^<]*</updated>", "", atom_file.read_text(), count=1))
    assert 'missing required element "updated"' in jing([atom_file]).stdout
    rss_file = broken / "feeds/all.rss.xml"
    text = rss_file.read_text("utf-8").replace('isPermaLink="false"', 'isPermaLink="true"', 1)
    text = text.replace("<pubDate>Thu, ", "<pubDate>Thursday, ", 1)
    rss_file.write_text(
        re.sub(r"<description>[^<]*</description>", "<description/>", text, count=1)
    )
    assert rss_problems(rss_file, address("feeds/all.rss.xml")) == [
        "channel: needs one non-empty <description>",
        "pubDate 'Thursday, 03 Dec 2026 06:00:00 +0000' is not an RFC 822 date",
        "item 'Secret embargoed widget': a guid that is not a full address needs isPermaLink",
    ]
    data = json_feed(out)
    data["items"][0].pop("content_html")
    data["items"][1]["id"] = data["items"][0]["id"]
    data["version"] = "https://jsonfeed.org/version/1"
    problems = json_feed_problems(data, address("feeds/all.json"))
    assert len(problems) == 3, problems
    assert html_problems("x", '<p><a href="/about/">a</a><script>') == [
        "x: unsafe markup '<script'",
        "x: relative address '/about/'",
    ]


def test_items_carry_the_release(site: Site, out: Path) -> None:
    releases = {f"{SITE_URL}/{r.url}": r for r in site.load().releases}
    feed = atom(out)
    entries = feed.findall(f"{A}entry")
    assert [e.findtext(f"{A}id") for e in entries] == [
        "tag:news.example.com,2026:embargoed-launch",
        "tag:news.example.com,2026:with-files",
        "tag:news.example.com,2026:first-product",
        "tag:news.example.com,2025:q4-results",
    ]
    for entry in entries:
        link = entry.find(f"{A}link[@rel='alternate']")
        assert link is not None
        release = releases[link.get("href", "")]
        assert entry.findtext(f"{A}title") == release.title
        assert entry.findtext(f"{A}summary") == release.summary
        assert entry.findtext(f"{A}content") == release.body_html
        assert entry.findtext(f"{A}author/{A}name") == "Example Industries AG"
        assert entry.findtext(f"{A}author/{A}uri") == "https://www.example.com"
        assert entry.get("{http://www.w3.org/XML/1998/namespace}lang") == release.lang
        # The topic by its key, labelled with its name; tags as written.
        categories = [(c.get("term"), c.get("label")) for c in entry.findall(f"{A}category")]
        assert categories == [
            (release.topic.key, release.topic.name),
            *((tag, None) for tag in release.tags),
        ]
    assert feed.findtext(f"{A}author/{A}name") == "Example Industries AG"


def test_the_lead_image_is_an_enclosure_with_type_and_size(site: Site, out: Path) -> None:
    size = (site.path / "releases/2026/with-files/plant.png").stat().st_size
    url = f"{SITE_URL}/news/2026/with-files/plant.png"
    (entry,) = [e for e in atom(out).findall(f"{A}entry") if "with-files" in e.findtext(f"{A}id")]
    enclosure = entry.find(f"{A}link[@rel='enclosure']")
    assert enclosure is not None
    assert (enclosure.get("href"), enclosure.get("type"), enclosure.get("length")) == (
        url,
        "image/png",
        str(size),
    )
    rss = etree.parse(str(out / "feeds/all.rss.xml")).getroot()
    enclosures = [dict(e.attrib) for e in rss.iter("enclosure")]
    assert enclosures == [{"url": url, "length": str(size), "type": "image/png"}]
    assert json_feed(out)["items"][1]["image"] == url
    assert (out / "news/2026/with-files/plant.png").stat().st_size == size


def test_updated_comes_from_the_update_history(out: Path) -> None:
    q4 = atom(out, "topics/financial-results").find(f"{A}entry")
    assert q4 is not None
    assert q4.findtext(f"{A}published") == "2025-12-15T06:30:00+00:00"
    assert q4.findtext(f"{A}updated") == "2025-12-16T09:00:00+00:00"  # Corrected the revenue…
    item = json_feed(out, "topics/financial-results")["items"][0]
    assert (item["date_published"], item["date_modified"]) == (
        "2025-12-15T06:30:00Z",
        "2025-12-16T09:00:00Z",
    )
    # A feed is as new as its latest change, not as the build.
    assert atom(out).findtext(f"{A}updated") == "2026-12-03T06:00:00+00:00"
    assert atom(out, "topics/financial-results").findtext(f"{A}updated") == (
        "2025-12-16T09:00:00+00:00"
    )
    channel = etree.parse(str(out / "feeds/topics/financial-results.rss.xml")).find("channel")
    assert channel is not None
    assert channel.findtext("lastBuildDate") == "Tue, 16 Dec 2025 09:00:00 +0000"


def test_every_format_lists_the_same_items_newest_first(out: Path) -> None:
    for name in NAMES:
        atom_ids = [e.findtext(f"{A}id") for e in atom(out, name).findall(f"{A}entry")]
        rss = etree.parse(str(out / f"feeds/{name}.rss.xml"))
        assert [g.text for g in rss.iter("guid")] == atom_ids, name
        assert [i["id"] for i in json_feed(out, name)["items"]] == atom_ids, name
    assert len(atom(out, "topics/products").findall(f"{A}entry")) == 3


def test_self_and_hub_links(out: Path) -> None:
    for path in FEEDS:
        text = (out / path).read_text("utf-8")
        if path.endswith(".json"):
            data = json.loads(text)
            assert data["feed_url"] == address(path)
            assert data["hubs"] == [{"type": "WebSub", "url": HUB}]
        else:
            assert f'<{"atom:" if "rss" in path else ""}link href="{HUB}" rel="hub"/>' in text
            assert f'href="{address(path)}" rel="self"' in text


def test_without_a_hub_no_feed_names_one(site: Site, tmp_path: Path) -> None:
    out = build(site, tmp_path / "out", websub_hub="")
    for path, text in feed_text(out).items():
        assert 'rel="hub"' not in text and '"hubs"' not in text, path
        assert 'rel="self"' in text or '"feed_url"' in text, path


def test_an_embargoed_release_is_in_no_feed_before_its_instant(site: Site, tmp_path: Path) -> None:
    out = build(site, tmp_path / "out", as_of=BEFORE_LAUNCH)
    for path, text in feed_text(out).items():
        for secret in EMBARGOED:
            assert secret not in text, f"{secret!r} leaked into {path}"
    check_all(out)


def test_an_embargoed_release_is_in_every_relevant_feed_at_its_instant(out: Path) -> None:
    for path, text in feed_text(out).items():
        relevant = "financial-results" not in path and "/de/" not in path  # English, a product
        assert ("Secret embargoed widget" in text) is relevant, path
        assert ("tag:news.example.com,2026:embargoed-launch" in text) is relevant, path


def test_same_commit_and_instant_give_the_same_bytes(site: Site, tmp_path: Path) -> None:
    first = build(site, tmp_path / "a")
    second = build(site, tmp_path / "b")
    # A later build instant that publishes nothing new leaves every feed as it was.
    later = build(site, tmp_path / "c", as_of="2027-01-15T12:00:00Z")
    for path in FEEDS:
        bytes_ = (first / path).read_bytes()
        assert bytes_ == (second / path).read_bytes() == (later / path).read_bytes(), path


def test_an_empty_newsroom_still_has_valid_feeds_dated_by_the_build(
    site: Site, tmp_path: Path
) -> None:
    out = build(site, tmp_path / "out", as_of="2020-01-01T00:00:00Z")
    assert paths_in(out) == ["feeds/all.atom.xml", "feeds/all.json", "feeds/all.rss.xml"]
    assert atom(out).findtext(f"{A}updated") == "2020-01-01T00:00:00+00:00"
    assert json_feed(out)["items"] == []
    check_all(out)
    follow = (out / "follow/index.html").read_text("utf-8")
    assert "No releases have been published yet." in follow


def test_feed_items_caps_the_feeds(site: Site, tmp_path: Path) -> None:
    out = build(site, tmp_path / "out", feed_items=2)
    assert len(atom(out).findall(f"{A}entry")) == 2
    assert len(json_feed(out)["items"]) == 2
    assert len(atom(out, "topics/financial-results").findall(f"{A}entry")) == 1


def test_ids_survive_a_change_of_address(site: Site, tmp_path: Path) -> None:
    before = json_feed(build(site, tmp_path / "a"))["items"]
    after = json_feed(build(site, tmp_path / "b", release_url="press/{year}/{slug}/"))["items"]
    assert [i["id"] for i in after] == [i["id"] for i in before]
    assert [i["url"] for i in after] != [i["url"] for i in before]


def test_relative_links_in_the_text_become_full_addresses(site: Site, tmp_path: Path) -> None:
    site.write(
        "releases/2026/linked.md",
        "---\ntitle: Linked\ndate: 2026-07-05 09:00 Europe/Berlin\ncategory: products\n"
        "summary: S.\n---\nSee [about us](/about/) and [the plant](../with-files/).\n",
    )
    out = build(site, tmp_path / "out")
    (item,) = [i for i in json_feed(out)["items"] if i["title"] == "Linked"]
    assert 'href="https://news.example.com/about/"' in item["content_html"]
    assert 'href="https://news.example.com/news/2026/with-files/"' in item["content_html"]
    page = (out / "news/2026/linked/index.html").read_text("utf-8")
    assert 'href="/about/"' in page  # the page itself keeps what the author wrote
    check_all(out)


def test_hostile_html_never_reaches_a_feed(site: Site, tmp_path: Path) -> None:
    site.write(
        "releases/2026/hostile.md",
        "---\ntitle: Hostile\ndate: 2026-01-05 09:00 Europe/Berlin\ncategory: products\n"
        "summary: S.\n---\nHello <script>alert('x')</script>"
        '<img src=#x onerror="alert(1)"> <a href="javascript:alert(2)">link</a>\n',
    )
    out = build(site, tmp_path / "out")
    for path, text in feed_text(out).items():
        assert "alert" not in text and "onerror" not in text and "javascript:" not in text, path
    check_all(out)


def test_a_development_build_names_items_under_localhost(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out)  # no SITEURL: links are root-relative, as on the pages
    data = json_feed(out)
    assert data["items"][-1]["id"] == "tag:localhost,2025:q4-results"
    assert data["feed_url"] == "/feeds/all.json"
    assert atom(out).findtext(f"{A}id") == "http://localhost/feeds/all.atom.xml"
    assert jing(files(out, ".atom.xml")).returncode == 0


def test_a_preview_has_the_feeds_of_the_pages_it_shows(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "preview"
    site.build(out, SITEURL=SITE_URL, NEWSROOM_PREVIEW=True)  # before the launch
    assert "Secret embargoed widget" in (out / "feeds/topics/products.json").read_text("utf-8")


MEDIA_TYPES = {
    ".atom.xml": "application/atom+xml",
    ".rss.xml": "application/rss+xml",
    ".json": "application/feed+json",
}


def topic_feed_of(page: str) -> str | None:
    """The feed a page links besides the all-releases one: a topic page its topic's, in the
    page's language (the German page, the feed of the topic's German releases)."""
    german = page.startswith("de/")
    page = page.removeprefix("de/")
    if page.startswith("topics/") and page.count("/") >= 2:
        return f"{'lang/de/' if german else ''}topics/{page.split('/')[1]}"
    return None


def test_every_page_links_its_feeds(out: Path) -> None:
    # The editor for PR staff (admin/, cms.py) is an interface, not a page of the newsroom.
    pages = sorted(p for p in out.rglob("*.html") if p.parent.name != "admin")
    assert len(pages) > 15
    releases = 0
    for page in pages:
        name = page.relative_to(out).as_posix()
        topic = topic_feed_of(name)
        keys = ["all"] + ([topic] if topic else [])
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        # A release page: the all-releases feeds in Atom and RSS, for feed readers.
        release = soup.find("meta", property="og:type", content="article") is not None
        kinds = dict(list(MEDIA_TYPES.items())[:2]) if release else MEDIA_TYPES
        releases += release
        expected = [
            (kind, address(f"feeds/{key}{suffix}"))
            for key in keys
            for suffix, kind in kinds.items()
        ]
        links = [(link["type"], link["href"]) for link in soup.select('link[rel="alternate"]')]
        assert [link for link in links if "/feeds/" in link[1]] == expected, name
    assert releases >= 2
    for path in FEEDS:
        assert (out / path).is_file()


def test_the_follow_page_lists_every_feed(out: Path) -> None:
    soup = BeautifulSoup((out / "follow/index.html").read_text("utf-8"), "html.parser")
    main = soup.find("main")
    assert main is not None
    assert main.h1 is not None and main.h1.text == "Follow our news"
    listed = {a["href"] for a in main.find_all("a", href=True) if "/feeds/" in a["href"]}
    # The German topic feeds are on the German follow page (below), not on this one.
    assert listed == {address(p) for p in FEEDS if not p.startswith("feeds/lang/de/")}
    names = [h.text for h in main.find_all("h3")]
    assert names == ["Financial results", "Products", "English"]
    assert soup.find(id="topics-products") is not None
    hrefs = {a["href"] for a in main.find_all("a", href=True)}
    assert {address("api/releases.json"), address("disclosures.json")} <= hrefs
    email = main.find(id="email-title")
    assert email is not None
    steps = email.find_next("ol")
    assert steps is not None and len(steps.find_all("li")) == 4
    assert HUB in main.text
    assert soup.find("script") is None and soup.find("style") is None
    assert soup.find(style=True) is None
    for page in (out / "index.html", out / "news/2026/first-product/index.html"):
        html = page.read_text("utf-8")
        assert f'<a href="{SITE_URL}/follow/">Follow our news</a>' in html
    topic = (out / "topics/products/index.html").read_text("utf-8")
    assert f'<a href="{SITE_URL}/follow/#topics-products">Follow this topic</a>' in topic


def test_the_feed_index_lists_every_feed_with_the_hash_of_its_bytes(out: Path) -> None:
    text = (out / INDEX).read_text("utf-8")
    assert text.count("\n") == 1 and text.endswith("\n")  # one line: a CI job output
    digests = {p: hashlib.sha256((out / p).read_bytes()).hexdigest() for p in FEEDS}
    assert json.loads(text) == {"feeds": digests}


def follow_rows(page: Path, section: str) -> list[tuple[str, str, list[str]]]:
    """A section of a follow page as (anchor, heading, feed addresses) for each feed."""
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    found = soup.find("section", attrs={"aria-labelledby": section})
    assert isinstance(found, Tag)
    return [
        (str(li["id"]), li.h3.text, [str(a["href"]) for a in li.find_all("a")])
        for li in found.find_all("li", id=True)
        if li.h3 is not None
    ]


def formats(name: str) -> list[str]:
    """A feed's addresses as the pages list them: Atom, RSS, JSON Feed."""
    return [address(f"feeds/{name}{suffix}") for suffix in (".atom.xml", ".rss.xml", ".json")]


def linked(name: str, title: str) -> list[tuple[str, str, str]]:
    """What a page's head says of a feed: (type, address, title) of each format."""
    return [
        (kind, address(f"feeds/{name}{suffix}"), f"{title} ({label})")
        for (suffix, kind), label in zip(
            MEDIA_TYPES.items(), ("Atom", "RSS", "JSON Feed"), strict=True
        )
    ]


def head_feeds(page: Path) -> list[tuple[str, str, str]]:
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    return [
        (str(link["type"]), str(link["href"]), str(link["title"]))
        for link in soup.select('link[rel="alternate"][type]')
    ]


def test_the_german_follow_page_lists_the_topics_german_feeds(out: Path) -> None:
    """Each topic has a German page, so a German feed: empty while nothing of it is German."""
    assert follow_rows(out / "de/follow/index.html", "topics-title") == [
        (
            "lang-de-topics-financial-results",
            "Finanzergebnisse",
            formats("lang/de/topics/financial-results"),
        ),
        ("lang-de-topics-products", "Produkte", formats("lang/de/topics/products")),
    ]
    assert follow_rows(out / "follow/index.html", "topics-title") == [
        ("topics-financial-results", "Financial results", formats("topics/financial-results")),
        ("topics-products", "Products", formats("topics/products")),
    ]
    german = (out / "de/topics/products/index.html").read_text("utf-8")
    assert (
        f'<a href="{SITE_URL}/de/follow/#lang-de-topics-products">Diesem Thema folgen</a>' in german
    )
    feed = atom(out, "lang/de/topics/products")
    assert feed.findall(f"{A}entry") == []
    # Dated by the topic's first release, when its pages and feeds began, not by the build.
    assert feed.findtext(f"{A}updated") == "2026-03-02T08:00:00+00:00"


def test_a_german_topic_page_links_the_feed_of_its_german_releases(
    site: Site, tmp_path: Path
) -> None:
    for slug, date, title in (
        ("produkt-de", "2026-03-02 09:00", "Erstes Produkt"),
        ("spaeter-de", "2026-12-24 09:00", "Geheimes Produkt"),  # embargoed until then
    ):
        site.write(
            f"releases/2026/{slug}.md",
            f"---\ntitle: {title}\ndate: {date} Europe/Berlin\ncategory: products\n"
            "lang: de\nsummary: Kurz.\n---\nText.\n",
        )
    out = build(site, tmp_path / "out")
    sitename = "Aldercrest Newsroom"
    german = head_feeds(out / "de/topics/products/index.html")
    # The German releases first (a reader subscribes to the first), then all, then the topic's.
    assert german == linked("lang/de", f"{sitename}: Deutsch") + linked("all", sitename) + linked(
        "lang/de/topics/products", f"{sitename}: Produkte"
    )
    assert german[6] == (
        "application/atom+xml",
        "https://news.example.com/feeds/lang/de/topics/products.atom.xml",
        "Aldercrest Newsroom: Produkte (Atom)",
    )
    # The English page keeps the topic's feed that lists each piece of news once.
    assert head_feeds(out / "topics/products/index.html") == linked("all", sitename) + linked(
        "topics/products", f"{sitename}: Products"
    )
    feed = atom(out, "lang/de/topics/products")
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
    assert feed.findtext(f"{A}title") == f"{sitename}: Produkte"
    assert feed.findtext(f"{A}subtitle") == "Neue Produkte und Dienstleistungen."
    home = feed.find(f"{A}link[@rel='alternate']")
    assert home is not None and home.get("href") == address("de/topics/products/")
    ids = [e.findtext(f"{A}id") for e in feed.findall(f"{A}entry")]
    assert ids == ["tag:news.example.com,2026:produkt-de"]
    assert [i["id"] for i in json_feed(out, "lang/de/topics/products")["items"]] == ids
    rss = etree.parse(str(out / "feeds/lang/de/topics/products.rss.xml")).find("channel")
    assert rss is not None
    assert (rss.findtext("title"), rss.findtext("language")) == (f"{sitename}: Produkte", "de")
    assert [g.text for g in rss.iter("guid")] == ids
    assert atom(out, "lang/de/topics/financial-results").findall(f"{A}entry") == []
    assert "Geheimes Produkt" not in "".join(feed_text(out).values())
    check_all(out)
    # At its instant, the embargoed German release joins the German feeds, newest first.
    later = build(site, tmp_path / "later", as_of="2026-12-24T08:00:00Z")
    entries = atom(later, "lang/de/topics/products").findall(f"{A}entry")
    assert [e.findtext(f"{A}title") for e in entries] == ["Geheimes Produkt", "Erstes Produkt"]
    assert atom(later, "lang/de/topics/financial-results").findall(f"{A}entry") == []


#: A German release of its own and a German version of an English one (q4-results).
GERMAN = {
    "releases/2026/nur-deutsch.md": (
        "---\ntitle: Nur auf Deutsch\ndate: 2026-04-01 09:00 Europe/Berlin\n"
        "category: products\ntags: [Netz]\nlang: de\nsummary: Kurz.\n---\nText.\n"
    ),
    "releases/2025/q4-ergebnisse.md": (
        "---\ntitle: Ergebnisse Q4 2025\ndate: 2025-12-15T07:30:00+01:00\n"
        "category: financial-results\nlang: de\ntranslation_key: q4\n"
        "summary: Der Umsatz stieg.\n---\nText.\n"
    ),
}


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site with releases in German too, at the launch instant."""
    tmp = tmp_path_factory.mktemp("bilingual")
    shutil.copytree(FIXTURES / "basic", tmp / "site")
    site = Site(tmp / "site")
    english = site.path / "releases/2025/q4-results.md"
    text = english.read_text("utf-8").replace("tags:", "translation_key: q4\ntags:", 1)
    english.write_text(text, "utf-8")
    for name, release in GERMAN.items():
        site.write(name, release)
    return build(site, tmp / "out")


def first_feeds(out: Path) -> dict[str, list[str]]:
    """Each page's first linked feed by the language of the page: what a reader subscribes
    to from it."""
    found: dict[str, list[str]] = {}
    for page in sorted(p for p in out.rglob("*.html") if p.parent.name != "admin"):
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        links = [
            str(link["href"])
            for link in soup.select('link[rel="alternate"][type]')
            if link["type"] in MEDIA_TYPES.values()
        ]
        assert len(links) == len(set(links)), page  # no feed twice
        html = soup.find("html")
        assert isinstance(html, Tag)
        found.setdefault(str(html["lang"]), []).append(links[0])
    return found


def test_german_pages_lead_with_the_german_feed(bilingual: Path) -> None:
    site = "Aldercrest Newsroom"
    everything, german = linked("all", site), linked("lang/de", f"{site}: Deutsch")
    expected = {
        "index.html": everything,
        "en/index.html": everything + linked("lang/en", f"{site}: English"),
        "topics/products/index.html": everything + linked("topics/products", f"{site}: Products"),
        "news/2026/first-product/index.html": everything[:2],  # a release: Atom and RSS
        "follow/index.html": everything,
        "de/index.html": german + everything,
        "de/follow/index.html": german + everything,
        "de/topics/products/index.html": german
        + everything
        + linked("lang/de/topics/products", f"{site}: Produkte"),
        "de/topics/financial-results/index.html": german
        + everything
        + linked("lang/de/topics/financial-results", f"{site}: Finanzergebnisse"),
        "news/2026/nur-deutsch/index.html": german[:2] + everything[:2],
        "news/2025/q4-ergebnisse/index.html": german[:2] + everything[:2],
    }
    assert {page: head_feeds(bilingual / page) for page in expected} == expected
    # Every other page too: the German ones lead with the German feed, the English ones
    # with the all-releases feed, as before.
    first = first_feeds(bilingual)
    assert set(first) == {"en", "de"} and len(first["de"]) > 10
    assert set(first["de"]) == {address("feeds/lang/de.atom.xml")}
    assert set(first["en"]) == {address("feeds/all.atom.xml")}


def follow_page(page: Path) -> list[tuple[str, str, list[str]]]:
    """A follow page's sections in order: (heading, anchor of the section or row, the feed
    addresses it links), the rows of the topic and language sections after their heading."""
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    main = soup.find("main")
    assert isinstance(main, Tag)
    rows: list[tuple[str, str, list[str]]] = []
    for section in main.find_all("section"):
        assert section.h2 is not None
        items = section.find_all("li", id=True)
        own = (
            []
            if items
            else [str(a["href"]) for a in section.find_all("a") if "/feeds/" in a["href"]]
        )
        rows.append((section.h2.get_text(), str(section.get("id", "")), own))
        rows += [
            (li.h3.get_text(), str(li["id"]), [str(a["href"]) for a in li.find_all("a")])
            for li in items
        ]
    return rows


def test_the_german_follow_page_leads_with_the_german_feed(bilingual: Path) -> None:
    """What a German reader follows first, as the page's head offers it: the German releases,
    then all releases; under "By language" German first. The English page keeps its order."""
    topics = [
        (
            "Finanzergebnisse",
            "lang-de-topics-financial-results",
            formats("lang/de/topics/financial-results"),
        ),
        ("Produkte", "lang-de-topics-products", formats("lang/de/topics/products")),
    ]
    assert follow_page(bilingual / "de/follow/index.html") == [
        ("Pressemitteilungen auf Deutsch", "", formats("lang/de")),
        ("Alle Meldungen", "all", formats("all")),
        ("Nach Thema", "", []),
        *topics,
        ("Nach Sprache", "", []),
        ("Deutsch", "lang-de", formats("lang/de")),
        ("English", "lang-en", formats("lang/en")),
        ("E-Mail-Benachrichtigungen", "", []),
        ("Für Entwickler", "", []),
    ]
    assert follow_page(bilingual / "follow/index.html") == [
        ("All releases", "all", formats("all")),
        ("By topic", "", []),
        ("Financial results", "topics-financial-results", formats("topics/financial-results")),
        ("Products", "topics-products", formats("topics/products")),
        ("By language", "", []),
        ("English", "lang-en", formats("lang/en")),
        ("Deutsch", "lang-de", formats("lang/de")),
        ("Email alerts", "", []),
        ("For developers", "", []),
    ]
    # How to use the addresses is said once, in the first section, on either page.
    for page, first in (("de/follow/index.html", "lead-title"), ("follow/index.html", "all-title")):
        soup = BeautifulSoup((bilingual / page).read_text("utf-8"), "html.parser")
        (said,) = [p for p in soup.select("main section p") if "JSON Feed" in p.get_text()]
        assert said.find_parent("section")["aria-labelledby"] == first, page
        ids = [str(tag["id"]) for tag in soup.find_all(id=True)]
        assert len(ids) == len(set(ids)), page
    # Every link from another page to a place on a follow page still finds it.
    targets = 0
    for page in bilingual.rglob("*.html"):
        for link in BeautifulSoup(page.read_text("utf-8"), "html.parser").select(
            'a[href*="follow/#"]'
        ):
            path, _, anchor = str(link["href"]).removeprefix(SITE_URL).partition("#")
            follow = BeautifulSoup(
                (bilingual / path.lstrip("/") / "index.html").read_text("utf-8"), "html.parser"
            )
            assert follow.find(id=anchor) is not None, (page, link["href"])
            targets += 1
    assert targets == 4  # from each topic's page, in English and in German


HOW_TO_ADD = {
    "en": "Add one of these addresses to your feed reader. Atom and RSS work in almost every "
    "reader; JSON Feed is for software.",
    "de": "Fügen Sie eine dieser Adressen Ihrem Feedreader hinzu. Atom und RSS funktionieren in "
    "fast jedem Reader; JSON Feed ist für Software gedacht.",
}
ALL_AFTER_LEAD = (
    "Alle Pressemitteilungen dieses Newsrooms in einem Feed, in allen Sprachen: Eine Meldung, "
    "die in mehreren Sprachen erscheint, ist nur einmal enthalten."
)


@pytest.mark.parametrize(
    ("built", "page", "said"),
    [
        ("bilingual", "follow/index.html", [("All releases", [HOW_TO_ADD["en"]])]),
        (
            "bilingual",
            "de/follow/index.html",
            [
                ("Pressemitteilungen auf Deutsch", [HOW_TO_ADD["de"]]),
                ("Alle Meldungen", [ALL_AFTER_LEAD]),
            ],
        ),
        # No German release: all releases come first, with how to add them.
        ("out", "de/follow/index.html", [("Alle Meldungen", [HOW_TO_ADD["de"]])]),
    ],
)
def test_each_feed_section_of_a_follow_page_says_what_it_offers(
    request: pytest.FixtureRequest, built: str, page: str, said: list[tuple[str, list[str]]]
) -> None:
    """The sentences under the headings of the sections that list a feed's addresses: the
    page's language's, where it leads, and all releases."""
    out: Path = request.getfixturevalue(built)
    soup = BeautifulSoup((out / page).read_text("utf-8"), "html.parser")
    sections = soup.select(
        "main section:is([aria-labelledby=lead-title], [aria-labelledby=all-title])"
    )
    assert [
        (section.h2.get_text(), [p.get_text() for p in section.select(".prose > p")])
        for section in sections
        if section.h2 is not None
    ] == said


def test_a_german_follow_page_without_german_releases_leads_with_all(out: Path) -> None:
    """No German release yet, so no German feed: all releases first, English alone by
    language."""
    rows = follow_page(out / "de/follow/index.html")
    assert rows[0] == ("Alle Meldungen", "all", formats("all"))
    assert [row for row in rows if row[1].startswith("lang-") and "topics" not in row[1]] == [
        ("English", "lang-en", formats("lang/en"))
    ]


def item_slug(item_id: object) -> str:
    """``tag:news.example.com,2026:nur-deutsch`` -> ``nur-deutsch``."""
    return str(item_id).rpartition(":")[2]


def topic_categories(out: Path, name: str) -> dict[str, tuple[Any, ...]]:
    """The topic category of each item of a feed, by item: Atom's term and label, RSS's
    text, JSON Feed's first tag, and the tag feedparser (which feed readers use) reads."""
    entries = atom(out, name).findall(f"{A}entry")
    rss = etree.parse(str(out / "feeds" / f"{name}.rss.xml")).iter("item")
    data = json_feed(out, name)["items"]
    parsed = feedparser.parse((out / "feeds" / f"{name}.atom.xml").read_bytes()).entries
    assert len(entries) == len(data) == len(parsed)
    found: dict[str, tuple[Any, ...]] = {}
    for entry, item, json_item, seen in zip(entries, rss, data, parsed, strict=True):
        category = entry.find(f"{A}category")
        assert category is not None
        topic = seen.tags[0]
        found[item_slug(entry.findtext(f"{A}id"))] = (
            category.get("term"),
            category.get("label"),
            item.findtext("category"),
            json_item["tags"][0],
            (topic.term, topic.label, topic.scheme),
        )
        assert item_slug(json_item["id"]) == item_slug(item.findtext("guid")) == item_slug(seen.id)
    return found


def named(key: str, name: str) -> tuple[Any, ...]:
    return (key, name, name, name, (key, name, address("topics/")))


def test_an_item_names_its_topic_in_its_own_language(bilingual: Path) -> None:
    """The key stays; the name is the one the item's language gives the topic, in every feed
    that lists it (the all-releases feed lists a German release of its own in German)."""
    english = {
        "embargoed-launch": named("products", "Products"),
        "with-files": named("products", "Products"),
        "first-product": named("products", "Products"),
        "q4-results": named("financial-results", "Financial results"),
    }
    nur_deutsch = named("products", "Produkte")
    q4_german = named("financial-results", "Finanzergebnisse")
    expected = {
        "all": {**english, "nur-deutsch": nur_deutsch},
        "topics/products": {
            k: v for k, v in {**english, "nur-deutsch": nur_deutsch}.items() if v[0] == "products"
        },
        "topics/financial-results": {"q4-results": english["q4-results"]},
        "lang/en": english,
        "lang/de": {"nur-deutsch": nur_deutsch, "q4-ergebnisse": q4_german},
        "lang/de/topics/products": {"nur-deutsch": nur_deutsch},
        "lang/de/topics/financial-results": {"q4-ergebnisse": q4_german},
    }
    assert {name: topic_categories(bilingual, name) for name in expected} == expected
    check_all(bilingual)


def test_an_empty_german_topic_feed_keeps_its_bytes(site: Site, tmp_path: Path) -> None:
    """Nothing new in it, nothing to announce: the WebSub hub hears only of feeds that changed."""
    first = build(site, tmp_path / "a")
    later = build(site, tmp_path / "b", as_of="2027-06-01T00:00:00Z")
    for name in ("lang/de/topics/products", "lang/de/topics/financial-results"):
        for suffix in (".atom.xml", ".rss.xml", ".json"):
            path = f"feeds/{name}{suffix}"
            assert (first / path).read_bytes() == (later / path).read_bytes(), path


def test_a_language_feed_leads_to_its_list_only_where_there_is_one(out: Path) -> None:
    """With releases in one language only, there is no /en/ list: the feed leads home."""
    assert not (out / "en").exists()
    channel = etree.parse(str(out / "feeds/lang/en.rss.xml")).find("channel")
    assert channel is not None and channel.findtext("link") == address("")
    assert json_feed(out, "lang/en")["home_page_url"] == address("")


def test_a_one_language_site_has_no_language_feed(site: Site, tmp_path: Path) -> None:
    """It would repeat the main feed item for item: not written, linked nor listed."""
    shutil.rmtree(site.path / "pages" / "de")  # the German about page needs German
    out = build(site, tmp_path / "out", languages=["en"])
    one = [p for p in FEEDS if not p.startswith("feeds/lang/")]
    assert paths_in(out) == sorted(one)
    assert not (out / "feeds/lang").exists()
    assert sorted(json.loads((out / INDEX).read_text("utf-8"))["feeds"]) == sorted(one)
    pages = sorted(p for p in out.rglob("*.html") if p.parent.name != "admin")
    named = [p.relative_to(out).as_posix() for p in pages if "/feeds/lang" in p.read_text("utf-8")]
    assert named == []
    follow = out / "follow/index.html"
    assert follow_rows(follow, "topics-title") == [
        ("topics-financial-results", "Financial results", formats("topics/financial-results")),
        ("topics-products", "Products", formats("topics/products")),
    ]
    soup = BeautifulSoup(follow.read_text("utf-8"), "html.parser")
    assert [h.text for h in soup.select("main h2")] == [
        "All releases",
        "By topic",
        "Email alerts",
        "For developers",
    ]
    assert [link[1] for link in head_feeds(out / "topics/products/index.html")] == [
        *formats("all"),
        *formats("topics/products"),
    ]
    check_all(out)
