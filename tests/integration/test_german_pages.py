"""Every German page of the sample newsroom says everything in German.

Each word a reader of a German page sees (text, the page title, alt texts, labels for
screen readers, feed titles, the description search engines show) must come from
somewhere German: the German label catalogue, the German versions in the data files, the
German pages and releases, or the names that stay as they are (people, the company, the
feed formats). English text that a page marks as such (``lang="en"``, like the English
release titles in the disclosure record) is left alone: it is what it says it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel import Locale
from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from newsroom.i18n import CATALOG, read_catalog
from support import ROOT

#: Names that are the same in every language: the formats of a feed, the networks to share on.
NAMES = "Atom RSS JSON Feed LinkedIn Facebook"
#: Fields of each data file that are names, addresses or codes, never translated (a
#: contact's name is a name; a topic's is not).
PROPER = {
    "company.yml": {"name", "legal_name", "ticker", "isin", "website"},
    "contacts.yml": {"name", "email", "phone"},
    "media-kit.yml": {"file", "png"},
}
ATTRIBUTES = ("alt", "aria-label", "title", "placeholder")
WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _words(text: str) -> set[str]:
    return {w.casefold().strip("'’-") for w in WORD.findall(text)}


def _strings(node: Any, proper: set[str], keep: bool = False) -> Iterator[str]:
    """The German versions and the names of a YAML document (with keep, every text)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "translations" and isinstance(value, dict):
                yield from _strings(value.get("de"), proper, True)
            elif key in proper and isinstance(value, str):
                yield value
            else:
                yield from _strings(value, proper, keep)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item, proper, keep)
    elif isinstance(node, str) and keep:
        yield node


@pytest.fixture(scope="module")
def german(sample: tuple[Any, Path]) -> set[str]:
    """Every word a German page may show, from the sources the build itself reads."""
    newsroom, _ = sample
    words: set[str] = set()
    words |= _labels(translated=True)
    for file in sorted((ROOT / "content/data").glob("*.yml")):
        data = yaml.safe_load(file.read_text("utf-8"))
        for text in _strings(data, PROPER.get(file.name, set())):
            words |= _words(text)
    for page in newsroom.pages:
        if page.lang == "de":
            words |= _words(f"{page.title} {page.summary} {_text(page.body_html)}")
    for release in newsroom.releases:
        if release.lang == "de":
            shown = [release.title, release.summary, release.subtitle or "", release.dateline or ""]
            shown += [*release.tags, *(a.title for a in release.attachments)]
            shown += [_text(u.note_html) for u in release.updates]
            if release.image is not None:
                shown += [
                    release.image.alt,
                    release.image.caption or "",
                    release.image.credit or "",
                ]
            shown += [_text(release.body_html), _text(release.boilerplate.html)]
            words |= _words(" ".join(shown))
    words |= _words(_text(newsroom.site.company.safe_harbor_for("de")))
    locale = Locale.parse("de")
    for names in (locale.months["format"]["wide"], locale.days["format"]["wide"]):
        words |= _words(" ".join(names.values()))
    words |= _words(f"{NAMES} {newsroom.site.company.name} Newsroom")
    return words


def _labels(translated: bool) -> set[str]:
    """The words of the theme's labels: in German (translated), or as the templates write them."""
    words: set[str] = set()
    for message in read_catalog(ROOT / "theme" / CATALOG.format(lang="de"), "de"):
        shown = message.string if translated else message.id
        for text in shown if isinstance(shown, tuple) else (shown,):
            words |= _words(re.sub(r"<[^>]+>|%\(\w+\)s", " ", text or ""))
    return words


def _text(html: str) -> str:
    return BeautifulSoup(html, "html.parser").get_text(" ")


def foreign_words(page: BeautifulSoup, known: set[str], lang: str = "de") -> list[str]:
    """The texts of a page (in ``lang``) with a word that is not in ``known``, each once, in
    page order; texts marked as in another language are left out."""
    texts: list[str] = []
    for node in page.find_all(string=True):
        parent = node.parent
        if not isinstance(node, NavigableString) or parent is None:
            continue
        if parent.name in ("script", "style") or type(node).__name__ in ("Comment", "Doctype"):
            continue
        if any(_hidden_or_foreign(tag, lang) for tag in [parent, *parent.parents]):
            continue
        texts.append(str(node))
    for tag in page.find_all(True):
        if _hidden_or_foreign(tag, lang) or any(_hidden_or_foreign(t, lang) for t in tag.parents):
            continue
        texts += [str(tag[name]) for name in ATTRIBUTES if tag.get(name)]
    description = page.find("meta", attrs={"name": "description"})
    if description is not None:
        texts.append(str(description["content"]))
    unknown = []
    for text in texts:
        # Addresses, file names and domains (anything with /, @ or a dot inside) are not words.
        plain = " ".join(c for c in text.split() if not re.search(r"[/@]|\w\.\w", c))
        if any(_foreign(word, known) for word in WORD.findall(plain)):
            unknown.append(" ".join(text.split()))
    return list(dict.fromkeys(unknown))


def _foreign(word: str, known: set[str]) -> bool:
    """Not a known word, nor a code (CET, SHA-256, a fingerprint, px)."""
    code = word.isupper() or any(c.isdigit() for c in word) or word == "px"
    return not code and word.casefold().strip("'’-") not in known


def _hidden_or_foreign(tag: Tag, page_lang: str = "de") -> bool:
    lang = tag.get("lang")
    foreign = tag.name != "html" and isinstance(lang, str) and not lang.startswith(page_lang)
    return tag.has_attr("hidden") or foreign


def german_pages(out: Path) -> list[Path]:
    return [
        path
        for path in sorted(out.rglob("*.html"))
        if re.search(r'<html lang="de', path.read_text("utf-8")[:200])
    ]


def test_every_german_page_is_in_german(sample: tuple[Any, Path], german: set[str]) -> None:
    _, out = sample
    pages = german_pages(out)
    shown = {p.relative_to(out).as_posix() for p in pages}
    # The newsroom's own pages and the two content pages exist in German, with the releases.
    for url in ("de/", "about", "media-contacts", "media-kit", "disclosures", "follow", "search"):
        assert (f"de/{url}/index.html" if url != "de/" else "de/index.html") in shown, url
    # The topic, tag and year pages, and the 404 page: each topic, with the German releases.
    for url in ("topics", "topics/products", "tags", "tags/prognose", "news/2026"):
        assert f"de/{url}/index.html" in shown, url
    assert "de/404.html" in shown
    topics = {p.name for p in (out / "topics").iterdir() if p.is_dir()}
    assert {p.name for p in (out / "de" / "topics").iterdir() if p.is_dir()} == topics
    assert "news/2026/aldercrest-raises-2026-guidance-de/index.html" in shown
    found = {
        path.relative_to(out).as_posix(): foreign_words(
            BeautifulSoup(path.read_text("utf-8"), "html.parser"), german
        )
        for path in pages
    }
    assert {page: texts for page, texts in found.items() if texts} == {}


def test_an_english_page_fails_the_same_comparison(
    sample: tuple[Any, Path], german: set[str]
) -> None:
    """The comparison finds English: the English contacts page, read as if it were German."""
    _, out = sample
    page = BeautifulSoup((out / "media-contacts/index.html").read_text("utf-8"), "html.parser")
    found = foreign_words(page, german)
    assert "Media contacts" in found and "Head of Media Relations" in found
    assert "Hamburg, Germany" in found


@pytest.fixture(scope="module")
def english(sample: tuple[Any, Path]) -> set[str]:
    """Every word an English page may show: the labels as the templates write them, the
    data as written (without its translations), the English pages and releases."""
    newsroom, _ = sample
    words: set[str] = set()
    words |= _labels(translated=False)
    for file in sorted((ROOT / "content/data").glob("*.yml")):
        words |= _words(" ".join(_originals(yaml.safe_load(file.read_text("utf-8")))))
    for page in newsroom.pages:
        if page.lang == "en":
            words |= _words(f"{page.title} {page.summary} {_text(page.body_html)}")
    for release in newsroom.releases:
        if release.lang == "en":
            words |= _words(f"{release.title} {release.summary} {' '.join(release.tags)}")
            words |= _words(f"{_text(release.body_html)} {_text(release.boilerplate.html)}")
    locale = Locale.parse("en")
    for names in (locale.months["format"]["wide"], locale.days["format"]["wide"]):
        words |= _words(" ".join(names.values()))
    return words | _words(f"{NAMES} {newsroom.site.company.name} Newsroom")


def _originals(node: Any) -> Iterator[str]:
    """Every text of a YAML document but its translations."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key != "translations":
                yield from _originals(value)
    elif isinstance(node, list):
        for item in node:
            yield from _originals(item)
    elif isinstance(node, str):
        yield node


def german_texts(page: BeautifulSoup, only: set[str], lang: str = "en") -> list[str]:
    """The texts of a page (in ``lang``) with a word only the German sources have."""
    return [
        text
        for text in foreign_words(page, set(), lang)
        if any(w.casefold().strip("'’-") in only for w in WORD.findall(text))
    ]


def test_no_english_page_shows_german(
    sample: tuple[Any, Path], german: set[str], english: set[str]
) -> None:
    """The other way round: an English page shows no word only the German sources have,
    except where it marks the text as German (a German release's card, its language link)."""
    _, out = sample
    only = german - english
    found = {}
    for path in sorted(out.rglob("*.html")):
        page = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        if page.html is not None and page.html.get("lang") == "en":
            shown = german_texts(page, only)
            if shown:
                found[path.relative_to(out).as_posix()] = shown
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
    # The comparison finds German: the German topics page, read as if it were English.
    page = BeautifulSoup((out / "de/topics/index.html").read_text("utf-8"), "html.parser")
    assert "Themen" in german_texts(page, only, "de")


def test_lists_mark_only_the_releases_in_another_language(sample: tuple[Any, Path]) -> None:
    """A card, row or record entry names its language only where it differs from the page's:
    the page's own lang covers the others (and a list repeated it on every one)."""
    _, out = sample
    for folder, other in (("", "de"), ("de/", "en")):
        page = BeautifulSoup(
            (out / folder / "disclosures/index.html").read_text("utf-8"), "html.parser"
        )
        assert page.html["lang"] == ("de" if other == "en" else "en")
        assert {h.get("lang") for h in page.select(".disclosures h2")} == {None, other}
        # An update's note: the sample's English correction is marked on the German page.
        notes = {span.get("lang") for span in page.select(".disclosures dd > span")}
        assert notes <= {None, other} and (other != "en" or "en" in notes), folder
        for path in ("index.html", "news/2026/index.html", "topics/investor-relations/index.html"):
            lists = BeautifulSoup((out / folder / path).read_text("utf-8"), "html.parser")
            items = lists.select("main article.card, main .release-rows li")
            assert items and not any(item.has_attr("lang") for item in items), folder + path


def test_each_page_links_to_pages_in_its_own_language(sample: tuple[Any, Path]) -> None:
    """Only a language switcher (hreflang) leads from a page into another language's pages."""
    _, out = sample
    wrong = []
    for path in sorted(out.rglob("*.html")):
        page = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        german = page.html is not None and str(page.html.get("lang", "")).startswith("de")
        for link in page.select("a[href]"):
            href = str(link["href"])
            if link.get("hreflang") or not href.startswith("/") or href.startswith("/de/search/?"):
                continue
            own = ("/about/", "/media-contacts/", "/media-kit/", "/disclosures/", "/follow/")
            leads_to_german = href.startswith("/de/")
            # A topic, tag, year or the archive (release pages are under /news/<year>/ too).
            listing = re.match(r"/(topics/|tags/|news/(\d{4}/)?$)", href.split("#")[0])
            if german and (href.endswith(own) or listing) and not leads_to_german:
                wrong.append(f"{path.relative_to(out)}: {href}")
            if not german and leads_to_german:
                wrong.append(f"{path.relative_to(out)}: {href}")
    assert wrong == []


def test_the_search_count_has_a_form_per_plural_category(sample: tuple[Any, Path]) -> None:
    """search.js picks one by the browser's plural rules for the page's language."""
    _, out = sample
    forms = {}
    for lang in ("en", "de"):
        path = out / ("" if lang == "en" else lang) / "search/index.html"
        html = path.read_text("utf-8")
        form = BeautifulSoup(html, "html.parser").select_one("form[data-search]")
        assert form is not None
        # Each attribute stands apart from the one before it, as HTML requires.
        start = re.search(r"<form[^>]*data-search[^>]*>", html)
        assert start and not re.search(r'="[^"]*"(?=[^\s>])', start.group()), start
        forms[lang] = {k: v for k, v in form.attrs.items() if k.startswith("data-found-")}
    assert forms == {
        "en": {
            "data-found-one": "{num} release found.",
            "data-found-other": "{num} releases found.",
        },
        "de": {
            "data-found-one": "{num} Meldung gefunden.",
            "data-found-other": "{num} Meldungen gefunden.",
        },
    }


def test_the_language_feeds_are_described_in_their_language(sample: tuple[Any, Path]) -> None:
    """From the catalogue, like the labels of the pages."""
    _, out = sample
    subtitles = {
        lang: BeautifulSoup((out / f"feeds/lang/{lang}.atom.xml").read_bytes(), "xml").feed
        for lang in ("en", "de")
    }
    described = {lang: feed.subtitle.get_text() for lang, feed in subtitles.items() if feed}
    assert described == {
        "en": "Press releases from Aldercrest Systems SE in English.",
        "de": "Pressemitteilungen von Aldercrest Systems SE auf Deutsch.",
    }


def test_a_german_topic_page_offers_the_topics_german_releases(sample: tuple[Any, Path]) -> None:
    """Its head and its "Follow" link lead to the topic's feed in German, which lists what
    the page lists (the English page keeps the feed of each piece of news once)."""
    _, out = sample
    topics = sorted(p.name for p in (out / "de/topics").iterdir() if p.is_dir())
    assert len(topics) == 6
    for key in topics:
        page = BeautifulSoup(
            (out / f"de/topics/{key}/index.html").read_text("utf-8"), "html.parser"
        )
        name = page.h1.get_text() if page.h1 else ""
        feeds = [
            (link["href"], link["title"])
            for link in page.select('link[rel="alternate"][type]')
            if "/topics/" in str(link["href"])
        ]
        assert feeds == [
            (f"/feeds/lang/de/topics/{key}{suffix}", f"Aldercrest Newsroom: {name} ({label})")
            for suffix, label in (
                (".atom.xml", "Atom"),
                (".rss.xml", "RSS"),
                (".json", "JSON Feed"),
            )
        ], key
        follow = page.find("a", string="Diesem Thema folgen")
        assert follow is not None and follow["href"] == f"/de/follow/#lang-de-topics-{key}"
        feed = BeautifulSoup((out / f"feeds/lang/de/topics/{key}.atom.xml").read_bytes(), "xml")
        assert feed.feed is not None and feed.feed["xml:lang"] == "de"
        assert feed.feed.title is not None and feed.feed.title.get_text() == (
            f"Aldercrest Newsroom: {name}"
        )
        listed = [a["href"] for a in page.select("main .card-title a")]
        items = [e.find("link", rel="alternate")["href"] for e in feed.find_all("entry")]
        assert items == listed, key
    # The German investor-relations release is public; the German GridPilot launch is not yet.
    relations = (out / "feeds/lang/de/topics/investor-relations.json").read_text("utf-8")
    assert "aldercrest-raises-2026-guidance-de" in relations
    everything = "".join(p.read_text("utf-8") for p in (out / "feeds").rglob("*.*"))
    assert "gridpilot-6-launch-de" not in everything
    follow = BeautifulSoup((out / "de/follow/index.html").read_text("utf-8"), "html.parser")
    rows = follow.select("section[aria-labelledby=topics-title] li[id]")
    assert sorted(str(li["id"]) for li in rows) == [f"lang-de-topics-{key}" for key in topics]
    names = [li.h3.get_text() for li in rows if li.h3]
    assert names == sorted(names, key=str.casefold)  # in the order of their German names
