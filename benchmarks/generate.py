"""The benchmark's press releases: N of them, the same for the same N, written twice.

Once as newsroom releases (YAML front matter, ``releases/<year>/<slug>.md``) and once as
plain Pelican articles with the same titles, summaries, dates, topics, tags and bodies. The
phrases come from ``phrases.yml``; slugs and front matter values are written with the same
helpers as ``invoke new`` (``newsroom.newfile``), so the files look like an author's.
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from newsroom.newfile import format_date, slugify, yaml_text

ROOT = Path(__file__).resolve().parent.parent
PHRASES = Path(__file__).resolve().parent / "phrases.yml"
DATA_SOURCES = (ROOT / "content" / "data", ROOT / "tests" / "fixtures" / "basic" / "data")
DATA_FILES = ("company.yml", "topics.yml", "contacts.yml", "boilerplates.yml")
#: The newsroom's home zone (pelicanconf.py), used as the plain site's TIMEZONE.
SITE_ZONE = "Europe/Berlin"
FIRST_DAY = date(2020, 1, 6)
LAST_DAY = date(2025, 12, 31)
MIN_WORDS, MAX_WORDS = 300, 700
TOPIC_COUNT = 5


class GenerateFailed(Exception):
    """The releases cannot be generated; the message says what is missing."""


#: The phrase pools, by name (``phrases.yml``).
P: dict[str, Any] = yaml.safe_load(PHRASES.read_text("utf-8"))


# --- the generated releases ---------------------------------------------------------------


@dataclass(frozen=True)
class SiteData:
    """What the generator needs from the newsroom's data files."""

    folder: Path
    company: str
    topics: dict[str, str]  # key -> display name, the topics releases are spread over
    contacts: tuple[str, ...]
    boilerplates: tuple[str, ...]


@dataclass(frozen=True)
class Release:
    slug: str
    title: str
    summary: str
    body: str
    date: datetime  # aware, in the zone the author wrote
    topic: str
    topic_name: str
    tags: tuple[str, ...]
    subtitle: str | None
    dateline: str
    contacts: tuple[str, ...]
    boilerplate: str | None
    forward_looking: bool
    updates: tuple[tuple[datetime, str], ...]

    @property
    def folder(self) -> str:
        return f"{self.date.year:04d}"


def site_data() -> SiteData:
    """The first complete data folder: the repository's own content, else the test fixture."""
    for folder in DATA_SOURCES:
        if all((folder / name).is_file() for name in DATA_FILES):
            break
    else:
        raise GenerateFailed("No complete data folder (company, topics, contacts, boilerplates).")

    def read(name: str) -> dict[str, Any]:
        return yaml.safe_load((folder / name).read_text("utf-8")) or {}

    topics = {str(k): str(v.get("name", k)) for k, v in read("topics.yml").items()}
    preferred = [k for k in ("financial-results", "products", "partnerships") if k in topics]
    preferred += [k for k in ("sustainability", "corporate") if k in topics]
    chosen = (preferred + [k for k in topics if k not in preferred])[:TOPIC_COUNT]
    return SiteData(
        folder=folder,
        company=str(read("company.yml").get("name", "Aldercrest")),
        topics={k: topics[k] for k in chosen},
        contacts=tuple(str(k) for k in read("contacts.yml")),
        boilerplates=tuple(str(k) for k in read("boilerplates.yml")),
    )


KINDS = ("financial", "products", "partnerships", "sustainability", "corporate")
_KIND_OF_TOPIC = {
    "financial-results": "financial",
    "products": "products",
    "partnerships": "partnerships",
    "sustainability": "sustainability",
    "corporate": "corporate",
}
_FIELD = re.compile(r"\{(\w+)\}")
_WORD = re.compile(r"[^\W_][\w'’.,%-]*")


class Writer:
    """Fills the phrase templates for one release: some values stay fixed within a release."""

    def __init__(self, rng: random.Random, company: str, when: datetime) -> None:
        self.rng = rng
        pick = rng.choice
        period, short = _period(when)
        self.fixed: dict[str, str] = {
            "co": company,
            "period": period,
            "short": short,
            "period_or_year": period if rng.random() < 0.5 else str(when.year),
            "year": str(when.year),
            "old_year": str(when.year - rng.randint(3, 8)),
            "next_year": str(when.year + 1),
            "target_year": str(rng.choice((2035, 2040, 2045))),
            "month": f"{(when + timedelta(days=rng.randint(20, 90))):%B %Y}",
            "product": pick(P["products"]),
            "version": f"{rng.randint(3, 9)}.{rng.randint(0, 4)}",
            "feature": pick(P["features"]),
            "segment": pick(P["segments"]),
            "customer": pick(P["customers"]),
            "partner": pick(P["partners"]),
            "target": pick(P["targets"]),
            "project": pick(P["projects"]),
            "city": pick(P["cities"]),
            "fair": pick(P["fairs"]),
            "metric": pick(P["metrics"]),
            "person": self.name(),
            "other": self.name(),
            "role": pick(P["roles"]),
            "Pronoun": pick(("She", "He")),
        }
        self.fixed["Metric"] = self.fixed["metric"][0].upper() + self.fixed["metric"][1:]
        self.fresh: dict[str, Callable[[], str]] = {
            "pct": lambda: str(rng.randint(2, 38)),
            "margin": lambda: f"{rng.uniform(8, 19):.1f}",
            "amount": lambda: f"{rng.randint(180, 4800):,}",
            "small": lambda: str(rng.randint(2, 9)),
            "order": lambda: str(rng.randint(12, 480)),
            "driver": lambda: self.fill(pick(P["drivers"])),
        }

    def fill(self, template: str) -> str:
        def value(match: re.Match[str]) -> str:
            name = match[1]
            return self.fixed[name] if name in self.fixed else self.fresh[name]()

        return _FIELD.sub(value, template)

    def paragraph(self, first: str | None = None, sentences: int = 3) -> str:
        picked = self.rng.sample(P["sentences"], sentences)
        return " ".join(self.fill(s) for s in ([first] if first else []) + picked)

    def name(self) -> str:
        return f"{self.rng.choice(P['first_names'])} {self.rng.choice(P['last_names'])}"

    def quote(self) -> str:
        said = self.name()
        text = " ".join(self.fill(q) for q in self.rng.sample(P["quotes"], 2))
        return f'"{text[:-1]}," said {said}, {self.rng.choice(P["roles"])} of {self.fixed["co"]}.'

    def bullets(self, kind: str) -> str:
        items = self.rng.sample(P["bullets"][kind], self.rng.randint(3, 5))
        intro = self.rng.choice(P["bullet_intros"][kind])
        lines = [intro, ""] + [f"- {self.fill(b)}" for b in items]
        return "\n".join(lines)

    def table(self, kind: str) -> str:
        rng = self.rng
        column = self.fixed["period"] if kind == "financial" else self.fixed["year"]
        previous = "Previous release" if kind == "products" else "Prior year"
        lines = [f"| | Unit | {column[0].upper()}{column[1:]} | {previous} | Change |"]
        lines.append("|---|---|--:|--:|--:|")
        rows = P["tables"][kind]
        for row in rng.sample(rows, rng.randint(3, len(rows))):
            label, unit, low, high = row["label"], row["unit"], row["low"], row["high"]
            now = rng.uniform(low, high)
            before = min(high, now / (1 + rng.uniform(-0.12, 0.25)))
            change = (now / before - 1) * 100
            digits = 2 if high < 10 else 0 if high >= 1000 else 1
            lines.append(
                f"| {label} | {unit} | {now:,.{digits}f} | {before:,.{digits}f} | {change:+.1f}% |"
            )
        return "\n".join(lines)


def _period(when: datetime) -> tuple[str, str]:
    """The reporting period a results release published on ``when`` covers: long, short."""
    year, month = when.year, when.month
    if month <= 3:
        return f"fiscal year {year - 1}", f"full-year {year - 1}"
    if month <= 6:
        return f"the first quarter of {year}", f"Q1 {year}"
    if month <= 9:
        return f"the first half of {year}", f"first-half {year}"
    return f"the first nine months of {year}", f"nine-month {year}"


def words(text: str) -> int:
    return len(_WORD.findall(text))


def body_of(writer: Writer, kind: str) -> str:
    """A release body of MIN_WORDS to MAX_WORDS words: lead, quote, sections, table, list."""
    rng = writer.rng
    blocks = [
        writer.paragraph(writer.fill(rng.choice(P["leads"][kind])), sentences=1),
        writer.paragraph(sentences=rng.randint(2, 3)),
        writer.quote(),
    ]
    headings = list(P["headings"][kind])
    rng.shuffle(headings)
    if kind in ("financial", "sustainability") or rng.random() < 0.3:
        blocks += [f"## {headings.pop()}", writer.table(kind)]
    if rng.random() < 0.75:
        blocks += [f"## {headings.pop()}", writer.bullets(kind)]
    if rng.random() < 0.5:
        blocks.append(writer.quote())
    target = rng.randint(MIN_WORDS, MAX_WORDS)
    count = sum(words(b) for b in blocks)
    while count < target:
        extra = writer.paragraph(sentences=rng.randint(2, 4))
        if count >= MIN_WORDS and count + words(extra) > MAX_WORDS:
            break
        if headings and rng.random() < 0.25:
            blocks.append(f"## {headings.pop()}")
        blocks.append(extra)
        count += words(extra)
    return "\n\n".join(blocks) + "\n"


def _date(rng: random.Random) -> datetime:
    zone = rng.choices(list(P["zones"]), weights=[z["weight"] for z in P["zones"].values()])[0]
    day = FIRST_DAY + timedelta(days=rng.randint(0, (LAST_DAY - FIRST_DAY).days))
    if day.weekday() >= 5:  # press releases go out on working days
        day -= timedelta(days=day.weekday() - 4)
    hour, minute = (int(p) for p in rng.choice(P["times"]).split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone))


def generate(count: int, site: SiteData) -> list[Release]:
    """``count`` releases, the same for the same count (seeded with it)."""
    rng = random.Random(count)
    topic_keys = list(site.topics)
    kinds = {k: _KIND_OF_TOPIC.get(k, KINDS[i % len(KINDS)]) for i, k in enumerate(topic_keys)}
    weights = [{"financial": 1.0}.get(kinds[k], 2.0) for k in topic_keys]
    slugs: set[str] = set()
    releases = []
    for _ in range(count):
        topic = rng.choices(topic_keys, weights=weights)[0]
        kind = kinds[topic]
        when = _date(rng)
        for _attempt in range(50):  # a newsroom rarely repeats a headline
            writer = Writer(rng, site.company, when)
            title = writer.fill(rng.choice(P["titles"][kind]))
            title = title[0].upper() + title[1:]
            slug = base = slugify(title)
            if slug not in slugs:
                break
        suffix = 2
        while slug in slugs:
            slug = f"{base}-{suffix}"
            suffix += 1
        slugs.add(slug)
        body = body_of(writer, kind)
        summary = body.split("\n", 1)[0].split(". ")
        summary_text = summary[0] + "." if len(summary) > 1 else summary[0]
        tags = rng.sample(P["tags"], rng.randint(1, 5))
        forward_looking = rng.random() < (0.3 if kind == "financial" else 0.01)
        updates = []
        if rng.random() < 0.04:
            later = when
            for _ in range(rng.randint(1, 2)):
                later = (later + timedelta(days=rng.randint(1, 20))).replace(
                    hour=rng.randint(10, 16), minute=rng.choice((0, 15, 30, 45))
                )
                updates.append((later, rng.choice(P["update_notes"])))
        contacts = ()
        if site.contacts and rng.random() < 0.7:
            contacts = tuple(rng.sample(site.contacts, min(len(site.contacts), rng.randint(1, 2))))
        boilerplate = None
        if len(site.boilerplates) > 1 and rng.random() < 0.15:
            boilerplate = rng.choice(site.boilerplates)
        releases.append(
            Release(
                slug=slug,
                title=title,
                summary=summary_text,
                body=body,
                date=when,
                topic=topic,
                topic_name=site.topics[topic],
                tags=tuple(tags),
                subtitle=writer.paragraph(sentences=1)[:-1] if rng.random() < 0.3 else None,
                dateline=rng.choice(P["zones"][str(when.tzinfo)]["datelines"]),
                contacts=contacts,
                boilerplate=boilerplate,
                forward_looking=forward_looking,
                updates=tuple(updates),
            )
        )
    return releases


def newsroom_file(r: Release) -> str:
    lines = ["---", f"title: {yaml_text(r.title)}"]
    if r.subtitle:
        lines.append(f"subtitle: {yaml_text(r.subtitle)}")
    lines += [
        f"date: {format_date(r.date, SITE_ZONE)}",
        f"dateline: {r.dateline}",
        f"category: {r.topic}",
        f"tags: [{', '.join(r.tags)}]",
        f"summary: {yaml_text(r.summary)}",
    ]
    if r.contacts:
        lines.append(f"contacts: [{', '.join(r.contacts)}]")
    if r.boilerplate:
        lines.append(f"boilerplate: {r.boilerplate}")
    if r.forward_looking:
        lines.append("forward_looking: true")
    if r.updates:
        lines.append("updates:")
        for when, note in r.updates:
            lines += [f"  - date: {format_date(when, SITE_ZONE)}", f"    note: {yaml_text(note)}"]
    lines.append("---")
    return "\n".join(lines) + "\n" + r.body


def plain_file(r: Release) -> str:
    local = r.date.astimezone(ZoneInfo(SITE_ZONE))
    return (
        f"Title: {r.title}\n"
        f"Date: {local:%Y-%m-%d %H:%M}\n"
        f"Category: {r.topic_name}\n"
        f"Tags: {', '.join(r.tags)}\n"
        f"Slug: {r.slug}\n"
        f"Summary: {r.summary}\n"
        "\n" + r.body
    )


PLAIN_SETTINGS = """\
SITENAME = "Plain Pelican"
SITEURL = ""
PATH = {path!r}
OUTPUT_PATH = {output!r}
TIMEZONE = {zone!r}
DEFAULT_LANG = "en"
PLUGINS = []
LOAD_CONTENT_CACHE = False
FEED_ALL_ATOM = None
FEED_ATOM = None
FEED_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
"""


def write_sites(releases: Sequence[Release], site: SiteData, work: Path) -> tuple[Path, Path]:
    """The newsroom content folder and the plain Pelican settings file, both under ``work``."""
    newsroom = work / "newsroom"
    shutil.copytree(site.folder, newsroom / "data")
    media = site.folder.parent / "media"
    if media.is_dir():  # the company logo and other site-wide files the theme may show
        shutil.copytree(media, newsroom / "media")
    plain = work / "plain"
    for r in releases:
        for folder, text in ((newsroom / "releases", newsroom_file(r)), (plain, plain_file(r))):
            target = folder / r.folder / f"{r.slug}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, "utf-8")
    conf = work / "plainconf.py"
    conf.write_text(
        PLAIN_SETTINGS.format(path=str(plain), output=str(work / "out-plain"), zone=SITE_ZONE),
        "utf-8",
    )
    return newsroom, conf
