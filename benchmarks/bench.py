"""Build time and memory of the newsroom against plain Pelican, on the same N releases.

Both sites get the same generated press releases (same titles, summaries, dates, topics,
tags and Markdown bodies). The newsroom builds them through ``invoke build`` with the
repository's settings, theme and plugin; the plain site is Pelican with its default theme
and default settings. Each build runs in its own child process, so the wall time, CPU time
and peak memory of one build never include the other.

    python benchmarks/bench.py --count 1000 [--repeat 3] [--keep] [--profile]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work"
DATA_SOURCES = (ROOT / "content" / "data", ROOT / "tests" / "fixtures" / "basic" / "data")
DATA_FILES = ("company.yml", "topics.yml", "contacts.yml", "boilerplates.yml")
#: Every generated release is dated before this instant, so both sites publish all of them.
AS_OF = "2030-01-01T00:00:00Z"
#: The newsroom's home zone (pelicanconf.py), used as the plain site's TIMEZONE.
SITE_ZONE = "Europe/Berlin"
FIRST_DAY = date(2020, 1, 6)
LAST_DAY = date(2025, 12, 31)
MIN_WORDS, MAX_WORDS = 300, 700
TOPIC_COUNT = 5

# --- phrase pools -------------------------------------------------------------------------

ZONES: dict[str, tuple[float, tuple[str, ...]]] = {
    "Europe/Berlin": (0.6, ("HAMBURG", "MUNICH", "BERLIN", "FRANKFURT")),
    "America/New_York": (0.25, ("BOSTON", "NEW YORK", "PHILADELPHIA")),
    "Asia/Singapore": (0.15, ("SINGAPORE",)),
}
TIMES = ("07:00", "07:30", "08:00", "08:30", "09:00", "10:00", "11:30", "14:00", "16:30")

TAGS = (
    "grid software", "substation automation", "distributed energy", "flexibility",
    "cybersecurity", "digital twin", "cloud", "software as a service", "artificial intelligence",
    "control rooms", "protection", "IEC 61850", "interoperability", "grid codes",
    "transmission", "distribution", "utilities", "cooperatives", "framework agreement",
    "orders", "partnership", "research", "universities", "start-ups", "standards",
    "offshore wind", "solar", "battery storage", "hydrogen", "e-mobility", "heat pumps",
    "quarterly results", "annual results", "outlook", "dividend", "share buyback",
    "capital markets day", "annual general meeting", "executive board", "supervisory board",
    "appointments", "acquisition", "emissions", "science-based targets", "supply chain",
    "circular economy", "green financing", "sustainability report", "diversity",
    "apprenticeships", "training", "Europe", "North America", "Asia-Pacific", "Hamburg",
    "Munich", "Boston", "Singapore", "trade fair", "product launch", "software release",
)  # fmt: skip

FIRST_NAMES = (
    "Anna", "Markus", "Henrike", "Lukas", "Jennifer", "Priya", "Thomas", "Claudia", "Daniel",
    "Sophie", "Michael", "Laura", "Stefan", "Julia", "Wei Jie", "Mei Ling", "Robert", "Sarah",
    "Jonas", "Katharina", "David", "Emily", "Tobias", "Rachel", "Felix", "Hannah", "Andrew",
)  # fmt: skip
LAST_NAMES = (
    "Keller", "Brandt", "Sommerfeld", "Hoffmann", "Walsh", "Raman", "Becker", "Schubert",
    "Lim", "Tan", "Müller", "Fischer", "Weber", "O'Connor", "Hartmann", "Krüger", "Nguyen",
    "Wagner", "Lindqvist", "Brennan", "Chandra", "Voss", "Albrecht", "Sullivan", "Koh",
)  # fmt: skip
ROLES = (
    "Chief Executive Officer", "Chief Financial Officer", "Chief Technology Officer",
    "Chief Operating Officer", "Head of Product Management", "Head of Sustainability",
    "President of Aldercrest Grid Inc.", "Managing Director Asia-Pacific",
    "Head of Research and Development", "Chief Information Security Officer",
)  # fmt: skip
CUSTOMERS = (
    "Nordhavn Netz", "Rheinland Verteilnetz", "Great Lakes Power Cooperative",
    "Pacific Crest Utilities", "Straits Energy Grid", "Alpenstrom Netze", "Baltic Grid Operator",
    "Hudson Valley Electric", "Iberia Red Eléctrica", "Tasman Power Networks",
    "Vltava Distribuce", "Lowlands Netbeheer", "Mid-Atlantic Transmission",
    "Carolina Public Power", "Nordic Transmission Company", "Danube Grid Services",
    "Ostsee Energie Netz", "Lake Country Electric Membership", "Sunda Power Distribution",
    "Ardennes Réseau", "Cascadia Grid Authority", "Thames Valley Networks",
    "Silesia Power Networks", "Hanseatic Verteilnetz", "Bluegrass Transmission",
    "Adriatic Grid Operator",
)  # fmt: skip
PARTNERS = (
    "Solvane Analytics", "Kestrel Cloud", "Helix Power Electronics", "Brightline Robotics",
    "Technical University of Munich", "Fraunhofer Institute for Energy Systems",
    "National University of Singapore", "Northeastern Energy Lab", "Cobalt Secure",
    "Meridian Battery Systems",
)  # fmt: skip
PRODUCTS = (
    "GridPilot", "FlexHub", "CX-400 substation controller", "CX-600 bay controller",
    "GridPilot Cloud", "FlexHub Market Connect", "GridWatch analytics suite",
    "SecureGate remote access service", "OutageSense fault locator", "PlanView network planner",
)  # fmt: skip
SEGMENTS = (
    "transmission system operators", "distribution system operators", "municipal utilities",
    "electric cooperatives", "industrial grids", "renewable plant operators",
    "charging network operators",
)  # fmt: skip
CITIES = (
    "Hamburg", "Munich", "Boston", "Singapore", "Leipzig", "Lisbon", "Austin", "Melbourne",
    "Gdańsk", "Utrecht", "Raleigh", "Kuala Lumpur", "Aarhus", "Vienna",
)  # fmt: skip
TARGETS = (
    "Solvane Analytics", "Helix Power Electronics", "Cobalt Secure", "Gridlake Software",
    "Voltaris Field Services", "Northbridge Metering", "Kelpie Control Systems",
)  # fmt: skip
FAIRS = ("E-world energy & water", "DistribuTECH", "Enlit Europe", "Asia Clean Energy Summit")

TITLES: dict[str, tuple[str, ...]] = {
    "financial": (
        "{co} reports {short} results with {metric} up {pct} percent",
        "{co} grows {metric} by {pct} percent in {short}",
        "{co} confirms outlook as {short} {metric} rises {pct} percent",
        "{short} results: {co} lifts {metric} {pct} percent on demand from {segment}",
        "{co} proposes higher dividend as {short} {metric} climbs {pct} percent",
    ),
    "products": (
        "{co} launches {product} {version} for {segment}",
        "{co} introduces {product} {version} with {feature}",
        "New {product} {version} brings {feature} to {segment}",
        "{co} unveils {product} {version} at {fair} {year}",
        "{co} adds {feature} to {product}",
    ),
    "partnerships": (
        "{customer} selects {co} {product} for {project}",
        "{co} wins framework agreement with {customer} for {project}",
        "{co} and {partner} partner on {feature}",
        "{customer} extends {product} contract with {co} by {small} years",
        "{co} to supply {product} for {customer} {project}",
        "{co} wins EUR {order} million order from {customer}",
        "{customer} awards {co} EUR {order} million contract for {project}",
    ),
    "sustainability": (
        "{co} cuts scope 1 and 2 emissions by {pct} percent in {year}",
        "{co} publishes {year} sustainability report",
        "{co} sources {pct} percent renewable electricity at {city} site",
        "{co} sets {target_year} target for supplier emissions",
        "{co} helped customers connect {amount} megawatts of renewables in {year}",
    ),
    "corporate": (
        "{co} appoints {person} as {role}",
        "{co} opens new office in {city}",
        "{co} shareholders approve all proposals at {year} Annual General Meeting",
        "{co} to create {small}0 engineering jobs in {city}",
        "{co} completes acquisition of {target}",
        "{co} names {person} to lead its {city} site",
        "{co} invests EUR {order} million in new {city} campus",
    ),
}

FEATURES = (
    "forecast-based congestion management", "automatic fault isolation",
    "zero-trust remote access", "a digital twin of the low-voltage grid",
    "flexibility trading for aggregators", "cloud-hosted outage management",
    "IEC 61850 edition 2.1 support", "machine-learning load forecasts",
    "dynamic line rating", "voltage control for rooftop solar",
)  # fmt: skip
PROJECTS = (
    "its grid control centre modernisation", "the digitalisation of 140 substations",
    "its offshore wind connection programme", "a regional flexibility market",
    "its distributed energy resource platform", "the renewal of its SCADA system",
    "a statewide outage management rollout", "its smart meter data platform",
)  # fmt: skip
METRICS = ("revenue", "order intake", "adjusted EBITA", "software revenue", "free cash flow")
HEADINGS = {
    "financial": ("Results at a glance", "Business development", "Outlook", "Dividend"),
    "products": ("What is new", "Availability", "Key features", "Technical data"),
    "partnerships": ("About the project", "Scope of delivery", "Milestones", "Next steps"),
    "sustainability": ("Key figures", "Progress against targets", "Next steps", "Method"),
    "corporate": ("Background", "About the appointment", "The new site", "Key facts"),
}
LEADS = {
    "financial": (
        "{co} today published its results for {period}. {Metric} rose {pct} percent to "
        "EUR {amount} million, driven by {driver}.",
        "{co} continued its growth in {period}: {metric} increased by {pct} percent to "
        "EUR {amount} million, while the adjusted EBITA margin reached {margin} percent.",
    ),
    "products": (
        "{co} today launched {product} {version}, a new release that gives {segment} "
        "{feature}. The release is available to customers worldwide from {month}.",
        "With {product} {version}, {co} brings {feature} to {segment}. The company presents "
        "the release for the first time at {fair} in {city}.",
    ),
    "partnerships": (
        "{customer} has selected {co} to deliver {product} for {project}. The contract "
        "covers software licences, engineering and {small} years of support services.",
        "{co} and {partner} have agreed to work together on {feature}. The companies will "
        "develop and test the solution with {segment} in Europe and North America.",
    ),
    "sustainability": (
        "{co} reduced its scope 1 and 2 greenhouse gas emissions by {pct} percent in {year} "
        "compared with the 2019 base year, the company said in its sustainability report.",
        "{co} today set out how it will reach net-zero emissions across its value chain by "
        "{target_year}, building on a {pct} percent reduction in its own emissions.",
    ),
    "corporate": (
        "The supervisory board of {co} has appointed {person} as {role} with effect from "
        "{month}. {Pronoun} succeeds {other}, who is retiring after {small}0 years.",
        "{co} today opened a new office in {city}. The site will employ around {small}00 "
        "people by the end of {next_year}, mainly in software engineering and services.",
    ),
}
DRIVERS = (
    "strong demand for grid automation in Europe", "large software orders from {segment}",
    "the ramp-up of substation projects in North America", "recurring software revenue",
    "favourable currency effects", "a record quarter in Asia-Pacific",
)  # fmt: skip
SENTENCES = (
    "Grid operators are investing heavily in automation as they connect more wind and "
    "solar generation to networks that were built for a few large power stations.",
    "Demand from {segment} remained high throughout the period, particularly for projects "
    "that combine software, controllers and long-term services.",
    "{co} expects the market for grid software to grow by around {small} percent a year "
    "until the end of the decade.",
    "The company has more than doubled its software engineering capacity since {old_year} "
    "and now employs around {amount} developers worldwide.",
    "Customers in {small} countries already use {product} to monitor and control their "
    "networks around the clock.",
    "Cybersecurity remains a priority: every release is tested by an independent "
    "laboratory and certified under IEC 62443 before it is delivered.",
    "The project will be delivered in {small} phases, with the first substations going "
    "live in {next_year}.",
    "Training for the customer's control-room engineers takes place at the {city} "
    "training centre, which includes a full replica of a modern control room.",
    "Order backlog at the end of the period stood at EUR {amount} million, which gives "
    "good visibility for the coming quarters.",
    "Research and development expenses rose to {margin} percent of revenue, reflecting "
    "investment in cloud services and artificial intelligence.",
    "The new functions are included in the standard maintenance agreement, so existing "
    "customers can install them without additional licence fees.",
    "{co} will present the results of the pilot at {fair} in {next_year}.",
    "Electricity networks will have to carry far more power in the coming years as "
    "heating and transport are electrified.",
    "The companies plan to make the interfaces available as open specifications so that "
    "other suppliers can connect their products.",
    "More than {small}00 employees took part in volunteering projects in their local "
    "communities during the year.",
    "All sites in Germany and Singapore now run on renewable electricity, and the Boston "
    "campus will follow in {next_year}.",
    "Suppliers representing {pct} percent of purchasing volume have committed to "
    "science-based emissions targets.",
    "The appointment is part of a broader plan to strengthen the company's presence "
    "close to its customers.",
)  # fmt: skip
QUOTES = (
    "We are very pleased with the progress we made in {period_or_year}.",
    "Our customers need software they can rely on every second of every day.",
    "This is an important step for the energy transition in the region.",
    "Grids are becoming the backbone of a renewable energy system, and we want to make "
    "them smarter, faster and more secure.",
    "The project shows what is possible when operators, suppliers and researchers work "
    "together from the first day.",
    "We are investing in our people, our products and our sites to keep growing "
    "profitably.",
    "Reducing our own footprint is the basis for credible work with our customers.",
    "With this release, control-room teams can see problems before they happen.",
    "We look forward to working with the team for many years to come.",
)  # fmt: skip
BULLET_INTROS = {
    "financial": ("Highlights of the period:", "The main figures at a glance:"),
    "products": ("The release includes:", "What customers get:"),
    "partnerships": ("The agreement covers:", "The scope of delivery includes:"),
    "sustainability": ("Progress in the year:", "The main measures:"),
    "corporate": ("Key facts:", "At a glance:"),
}
BULLETS = {
    "financial": (
        "{Metric} up {pct}% to EUR {amount} million",
        "Adjusted EBITA margin of {margin}%",
        "Free cash flow of EUR {small}{small} million",
        "Software share of revenue at {pct}%",
        "Order backlog of EUR {amount} million",
        "Outlook for {year} confirmed",
    ),
    "products": (
        "{feature} for {segment}",
        "Support for {product} on premises and in the cloud",
        "Open interfaces to third-party systems",
        "Certified information security under IEC 62443",
        "Upgrades from earlier releases without downtime",
        "New user interface for control-room operators",
    ),
    "partnerships": (
        "Software licences for {product}",
        "Engineering, commissioning and training by local teams in {city}",
        "{small} years of software maintenance and 24/7 support",
        "Integration with the customer's existing control systems",
        "A joint test laboratory in {city}",
    ),
    "sustainability": (
        "Emissions intensity down {pct}% per million euros of revenue",
        "{pct}% of electricity from renewable sources",
        "Company car fleet {pct}% electric",
        "Supplier code of conduct signed by {pct}% of suppliers",
        "Recycling rate of {pct}% at production sites",
    ),
    "corporate": (
        "{pct}% of new hires in engineering roles",
        "Around {small}00 new jobs by {next_year}",
        "Training centre with a full control-room replica",
        "Certified information security management under ISO/IEC 27001",
        "Office certified to a green building standard",
    ),
}
#: Rows of the table in a release body: label, unit, lowest and highest value.
TABLES: dict[str, tuple[tuple[str, str, float, float], ...]] = {
    "financial": (
        ("Order intake", "EUR million", 200, 1600), ("Revenue", "EUR million", 200, 1400),
        ("Adjusted EBITA", "EUR million", 20, 220), ("Free cash flow", "EUR million", 10, 160),
        ("Earnings per share", "EUR", 0.4, 5.5), ("Employees", "number", 3000, 5200),
    ),
    "sustainability": (
        ("Scope 1 emissions", "t CO2e", 800, 6000), ("Scope 2 emissions", "t CO2e", 100, 4000),
        ("Renewable electricity", "%", 60, 100), ("Waste recycled", "%", 50, 95),
        ("Business travel", "t CO2e", 500, 3000), ("Employees trained", "number", 900, 4800),
    ),
    "products": (
        ("Data points per server", "thousand", 100, 900), ("Failover time", "seconds", 1, 20),
        ("Supported protocols", "number", 8, 30), ("Screen refresh", "milliseconds", 50, 500),
        ("Substations per system", "number", 200, 4000),
    ),
    "partnerships": (
        ("Substations covered", "number", 20, 400), ("Control centres", "number", 1, 6),
        ("Contract term", "years", 3, 15), ("Customer engineers trained", "number", 20, 300),
    ),
    "corporate": (
        ("Employees at the site", "number", 50, 900), ("Office space", "square metres", 800, 9000),
        ("Training places", "number", 10, 60), ("Languages spoken", "number", 5, 30),
    ),
}  # fmt: skip
UPDATE_NOTES = (
    "Corrected the order intake figure in the table.",
    "Added the conference call replay link.",
    "Corrected the spelling of a partner's name.",
    "Updated the availability date of the release.",
    "Clarified the scope of the agreement in the second paragraph.",
)


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
        raise BenchFailed("No complete data folder (company, topics, contacts, boilerplates).")

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
            "product": pick(PRODUCTS),
            "version": f"{rng.randint(3, 9)}.{rng.randint(0, 4)}",
            "feature": pick(FEATURES),
            "segment": pick(SEGMENTS),
            "customer": pick(CUSTOMERS),
            "partner": pick(PARTNERS),
            "target": pick(TARGETS),
            "project": pick(PROJECTS),
            "city": pick(CITIES),
            "fair": pick(FAIRS),
            "metric": pick(METRICS),
            "person": f"{pick(FIRST_NAMES)} {pick(LAST_NAMES)}",
            "other": f"{pick(FIRST_NAMES)} {pick(LAST_NAMES)}",
            "role": pick(ROLES),
            "Pronoun": pick(("She", "He")),
        }
        self.fixed["Metric"] = self.fixed["metric"][0].upper() + self.fixed["metric"][1:]
        self.fresh: dict[str, Callable[[], str]] = {
            "pct": lambda: str(rng.randint(2, 38)),
            "margin": lambda: f"{rng.uniform(8, 19):.1f}",
            "amount": lambda: f"{rng.randint(180, 4800):,}",
            "small": lambda: str(rng.randint(2, 9)),
            "order": lambda: str(rng.randint(12, 480)),
            "driver": lambda: self.fill(pick(DRIVERS)),
        }

    def fill(self, template: str) -> str:
        def value(match: re.Match[str]) -> str:
            name = match[1]
            return self.fixed[name] if name in self.fixed else self.fresh[name]()

        return _FIELD.sub(value, template)

    def paragraph(self, first: str | None = None, sentences: int = 3) -> str:
        picked = self.rng.sample(SENTENCES, sentences)
        return " ".join(self.fill(s) for s in ([first] if first else []) + picked)

    def quote(self) -> str:
        said = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
        text = " ".join(self.fill(q) for q in self.rng.sample(QUOTES, 2))
        return f'"{text[:-1]}," said {said}, {self.rng.choice(ROLES)} of {self.fixed["co"]}.'

    def bullets(self, kind: str) -> str:
        items = self.rng.sample(BULLETS[kind], self.rng.randint(3, 5))
        lines = [self.rng.choice(BULLET_INTROS[kind]), ""] + [f"- {self.fill(b)}" for b in items]
        return "\n".join(lines)

    def table(self, kind: str) -> str:
        rng = self.rng
        column = self.fixed["period"] if kind == "financial" else self.fixed["year"]
        previous = "Previous release" if kind == "products" else "Prior year"
        lines = [f"| | Unit | {column[0].upper()}{column[1:]} | {previous} | Change |"]
        lines.append("|---|---|--:|--:|--:|")
        rows = TABLES[kind]
        for label, unit, low, high in rng.sample(rows, rng.randint(3, len(rows))):
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
        writer.paragraph(writer.fill(rng.choice(LEADS[kind])), sentences=1),
        writer.paragraph(sentences=rng.randint(2, 3)),
        writer.quote(),
    ]
    headings = list(HEADINGS[kind])
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


def slugify(text: str, limit: int = 70) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug


def _date(rng: random.Random) -> datetime:
    zone = rng.choices(list(ZONES), weights=[w for w, _ in ZONES.values()])[0]
    day = FIRST_DAY + timedelta(days=rng.randint(0, (LAST_DAY - FIRST_DAY).days))
    if day.weekday() >= 5:  # press releases go out on working days
        day -= timedelta(days=day.weekday() - 4)
    hour, minute = (int(p) for p in rng.choice(TIMES).split(":"))
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
            title = writer.fill(rng.choice(TITLES[kind]))
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
        tags = rng.sample(TAGS, rng.randint(1, 5))
        forward_looking = rng.random() < (0.3 if kind == "financial" else 0.01)
        updates = []
        if rng.random() < 0.04:
            later = when
            for _ in range(rng.randint(1, 2)):
                later = (later + timedelta(days=rng.randint(1, 20))).replace(
                    hour=rng.randint(10, 16), minute=rng.choice((0, 15, 30, 45))
                )
                updates.append((later, rng.choice(UPDATE_NOTES)))
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
                dateline=rng.choice(ZONES[str(when.tzinfo)][1]),
                contacts=contacts,
                boilerplate=boilerplate,
                forward_looking=forward_looking,
                updates=tuple(updates),
            )
        )
    return releases


_YAML_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"


def yaml_text(value: str) -> str:
    """A one-line YAML value as an author would write it, quoted only where YAML needs it."""
    plain = (
        value
        and value == value.strip()
        and value[0] not in _YAML_INDICATORS
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
    )
    return value if plain else json.dumps(value, ensure_ascii=False)


def instant(value: datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M} {value.tzinfo}"


def newsroom_file(r: Release) -> str:
    lines = ["---", f"title: {yaml_text(r.title)}"]
    if r.subtitle:
        lines.append(f"subtitle: {yaml_text(r.subtitle)}")
    lines += [
        f"date: {instant(r.date)}",
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
            lines += [f"  - date: {instant(when)}", f"    note: {yaml_text(note)}"]
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


# --- measuring the builds -----------------------------------------------------------------


class BenchFailed(Exception):
    """A build or the setup failed; the message says what to look at."""


#: What a published file is for, by its folder or ending; the first match wins.
CATEGORIES: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("search", lambda path: path.startswith("pagefind/")),
    ("feeds", lambda path: path.startswith("feeds/") or path.endswith((".atom.xml", ".rss.xml"))),
    ("pictures", lambda path: path.lower().endswith(
        (".png", ".jpg", ".jpeg", ".webp", ".gif", ".svg", ".avif", ".ico"))),
    ("downloads", lambda path: path.lower().endswith(
        (".pdf", ".zip", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".csv"))),
    ("pages", lambda path: path.endswith(".html")),
    ("data", lambda path: path.endswith((".json", ".xml"))),  # JSON API, record, sitemaps
)  # fmt: skip
OTHER = "other"  # stylesheets, scripts, fonts, robots.txt


def category(path: str) -> str:
    """The category of a file, by its path inside the output (with ``/`` separators)."""
    return next((name for name, matches in CATEGORIES if matches(path)), OTHER)


@dataclass(frozen=True)
class Measure:
    wall: float
    cpu: float
    peak_kib: int
    files: int
    bytes: int
    #: Per category: (files, bytes).
    categories: dict[str, tuple[int, int]]


def output_size(output: Path) -> tuple[dict[str, tuple[int, int]], set[str]]:
    """Files and bytes per category, and the names of the pages (to find every release's)."""
    counts: dict[str, list[int]] = {}
    published = set()
    for folder, _, names in os.walk(output):
        for file in names:
            path = os.path.join(folder, file)
            tally = counts.setdefault(category(os.path.relpath(path, output)), [0, 0])
            tally[0] += 1
            tally[1] += os.path.getsize(path)
            published.add(file[:-5] if file != "index.html" else os.path.basename(folder))
    return {name: (files, size) for name, (files, size) in counts.items()}, published


def child(
    name: str, args: list[str], cwd: Path, output: Path, logs: Path, slugs: Sequence[str]
) -> Measure:
    """Run one build in its own process; its time and memory, and what it wrote."""
    shutil.rmtree(output, ignore_errors=True)
    out_log, err_log = logs / f"{name}.out", logs / f"{name}.err"
    with out_log.open("wb") as out, err_log.open("wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        _show(f"{name} build failed (exit code {process.returncode})", out_log, err_log)
        raise BenchFailed(f"The {name} build failed; its output is above.")
    categories, published = output_size(output)
    files = sum(f for f, _ in categories.values())
    size = sum(b for _, b in categories.values())
    missing = [s for s in slugs if s not in published]
    if missing:
        _show(f"{name} build wrote no page for {len(missing)} releases", out_log, err_log)
        raise BenchFailed(f"The {name} build is missing pages, like {missing[0]}.")
    return Measure(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, files, size, categories)


def _show(title: str, *logs: Path, lines: int = 40) -> None:
    print(f"\n{title}:", file=sys.stderr)
    for log in logs:
        text = log.read_text("utf-8", errors="replace").splitlines()
        if not text:
            continue
        print(f"--- {log.name} ({len(text)} lines)", file=sys.stderr)
        shown = text if len(text) <= 2 * lines else [*text[:lines], "...", *text[-lines:]]
        print("\n".join(shown), file=sys.stderr)


def _problems(log: Path, content: Path) -> list[str]:
    """The problems (warnings) the newsroom build reported about the generated content."""
    shown = os.path.relpath(content, ROOT)
    text = log.read_text("utf-8", errors="replace").splitlines()
    return [line for line in text if line.startswith(shown)]


def median(values: Sequence[Measure]) -> Measure:
    return Measure(
        statistics.median(m.wall for m in values),
        statistics.median(m.cpu for m in values),
        int(statistics.median(m.peak_kib for m in values)),
        values[-1].files,
        values[-1].bytes,
        values[-1].categories,
    )


def table(count: int, repeat: int, newsroom: Measure, plain: Measure) -> str:
    mib = 1024 * 1024
    head = f"{'':18}{'wall s':>9}{'CPU s':>9}{'peak MB':>9}{'files':>8}{'output MB':>11}"
    rows = [head]
    for label, m in (("newsroom", newsroom), ("plain Pelican", plain)):
        rows.append(
            f"{label:18}{m.wall:9.2f}{m.cpu:9.2f}{m.peak_kib / 1024:9.1f}{m.files:8d}"
            f"{m.bytes / mib:11.1f}"
        )
    ratios = (
        newsroom.wall / plain.wall,
        newsroom.cpu / plain.cpu,
        newsroom.peak_kib / plain.peak_kib,
    )
    rows.append(f"{'newsroom ÷ plain':18}" + "".join(f"{r:8.2f}x" for r in ratios))
    rows += ["", *size_table(newsroom, plain)]
    runs = "1 run" if repeat == 1 else f"median of {repeat} runs"
    machine = (
        f"{os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}, "
        f"Pelican {metadata.version('pelican')}"
    )
    return "\n".join([f"N = {count} releases, {runs} per build; {machine}", *rows])


def _ratio(a: float, b: float) -> str:
    return f"{a / b:8.2f}x" if b else f"{'-':>9}"


def size_table(newsroom: Measure, plain: Measure) -> list[str]:
    """The output of both builds by category: files and MB, and the newsroom's ratio."""
    mib = 1024 * 1024
    rows = [
        f"{'output by category':18}{'newsroom':>20}{'plain Pelican':>20}{'newsroom ÷ plain':>20}",
        f"{'':18}" + f"{'files':>9}{'MB':>11}" * 2 + f"  {'files':>9}{'MB':>9}",
    ]
    names = [name for name, _ in CATEGORIES] + [OTHER]
    for name in [*names, "total"]:
        if name == "total":
            (nf, nb), (pf, pb) = (newsroom.files, newsroom.bytes), (plain.files, plain.bytes)
        else:
            nf, nb = newsroom.categories.get(name, (0, 0))
            pf, pb = plain.categories.get(name, (0, 0))
        rows.append(
            f"{name:18}{nf:9d}{nb / mib:11.1f}{pf:9d}{pb / mib:11.1f}"
            f"  {_ratio(nf, pf)}{_ratio(nb, pb)}"
        )
    return rows


def _profile(prof: Path, args: list[str]) -> list[str]:
    """The same command under cProfile (``python -m cProfile -o prof -m ...``)."""
    return [args[0], "-m", "cProfile", "-o", str(prof), *args[1:]]


def _print_profile(name: str, prof: Path, top: int = 15) -> None:
    import pstats

    print(f"\n{name}: top {top} functions by own time ({prof})")
    stats = pstats.Stats(str(prof), stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(top)


def run(count: int, keep: bool = False, repeat: int = 1, profile: bool = False) -> str:
    """Generate, build both sites ``repeat`` times, and return the printed table."""
    if count < 1 or repeat < 1:
        raise BenchFailed("--count and --repeat must be at least 1.")
    WORK.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"n{count}-", dir=WORK))
    try:
        started = time.perf_counter()
        site = site_data()
        releases = generate(count, site)
        content, conf = write_sites(releases, site, work)
        total_words = sum(words(r.body) for r in releases)
        print(
            f"Generated {count} releases ({total_words // count} words on average, "
            f"data from {site.folder.relative_to(ROOT)}) in {time.perf_counter() - started:.1f} s"
        )
        slugs = [r.slug for r in releases]
        del releases
        python = sys.executable
        builds = {
            "newsroom": (
                [python, "-m", "invoke", "build", "--content", str(content),
                 "--output", str(work / "out-newsroom"), "--as-of", AS_OF],
                ROOT,
                work / "out-newsroom",
            ),
            "plain": (
                [python, "-m", "pelican", str(work / "plain"), "-o", str(work / "out-plain"),
                 "-s", str(conf), "--fatal", "errors"],
                work,
                work / "out-plain",
            ),
        }  # fmt: skip
        results: dict[str, list[Measure]] = {name: [] for name in builds}
        for index in range(repeat):
            order = list(builds) if index % 2 == 0 else list(reversed(builds))
            for name in order:
                args, cwd, output = builds[name]
                if profile:
                    args = _profile(work / f"{name}.prof", args)
                results[name].append(child(name, args, cwd, output, work, slugs))
                print(f"  {name} build {index + 1}: {results[name][-1].wall:.1f} s", flush=True)
        warnings = _problems(work / "newsroom.out", content)
        if warnings:
            print(f"\nThe newsroom reported {len(warnings)} problems, first ones:")
            print("\n".join(warnings[:10]))
        if profile:
            for name in builds:
                _print_profile(name, work / f"{name}.prof")
            print("\nTimes below include cProfile's overhead: compare them only with each other.")
        report = table(count, repeat, median(results["newsroom"]), median(results["plain"]))
        print()
        print(report)
        return report
    finally:
        if keep:
            print(f"\nKept {work.relative_to(ROOT)}/")
        else:
            shutil.rmtree(work, ignore_errors=True)


def main(count: int = 1000, keep: bool = False, repeat: int = 1, profile: bool = False) -> int:
    """Run the benchmark and print its table; 0 on success, 1 when a build failed."""
    try:
        run(count, keep=keep, repeat=repeat, profile=profile)
    except BenchFailed as err:
        print(err, file=sys.stderr)
        return 1
    return 0


def _arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=1000, help="releases to generate")
    parser.add_argument("--repeat", type=int, default=1, help="builds of each site (median)")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites")
    parser.add_argument("--profile", action="store_true", help="run both builds under cProfile")
    return parser.parse_args(argv)


if __name__ == "__main__":
    options = _arguments()
    sys.exit(main(options.count, options.keep, options.repeat, options.profile))
