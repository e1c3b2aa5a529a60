"""The company fact sheet of the media kit: the ``facts`` section of ``media-kit.yml``.

Authors list figures (employees, revenue, founding year) with their date; the company's
basics (legal name, headquarters, listing) come from ``company.yml``, so they are written
once and a fact sheet never disagrees with the footer or the structured data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from yaml.nodes import Node

from .frontmatter import line_of
from .models import Company, Texts, texts_of
from .schema import (
    Context,
    Field,
    _AlreadyReported,
    by_language,
    day,
    entries,
    parse_mapping,
    text,
)

#: The company.yml fields a fact sheet shows, with their labels, in this order.
COMPANY_FACTS = (
    ("legal_name", "Legal name"),
    ("headquarters", "Headquarters"),
    ("website", "Website"),
    ("exchange", "Stock exchange"),
    ("ticker", "Ticker symbol"),
    ("isin", "ISIN"),
)


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    note: str | None = None
    source: str | None = None
    as_of: date | None = None
    #: Set when the value is an address readers can follow (the website).
    url: str | None = None
    #: The company.yml field it comes from (its label is the theme's, in every language).
    field: str | None = None
    #: The words in the site's other languages (models.text_in).
    texts: Texts = ()


@dataclass(frozen=True)
class FactSheet:
    title: str
    as_of: date
    facts: tuple[Fact, ...]
    texts: Texts = ()


FACT: dict[str, Field] = {
    "label": Field(text(60, "Employees"), "Employees", "What the figure is", True),
    "value": Field(text(200, "2,400"), "2,400", "The figure, as readers should see it", True),
    "note": Field(text(300, "Full-time equivalents"), "Full-time equivalents", "Explanation"),
    "source": Field(
        text(200, "Interim report Q3 2026"), "Interim report Q3 2026", "Where it is published"
    ),
    "as_of": Field(day, "2026-09-30", "The date the figure is true on, if not the sheet's"),
}
FACT["translations"] = Field(
    by_language(
        {k: FACT[k] for k in ("label", "value", "note", "source")},
        "{de: {label: Mitarbeitende, value: 2.400}}",
    ),
    "{de: {label: Mitarbeitende, value: 2.400}}",
    "The words in other languages",
)


def company_facts(company: Company) -> tuple[Fact, ...]:
    """The basics from company.yml that the company has filled in."""
    facts = []
    for name, label in COMPANY_FACTS:
        value = getattr(company, name)
        if value:
            texts = tuple(
                (lang, tuple((k, v) for k, v in fields if k == name))
                for lang, fields in company.texts
                if any(k == name for k, _ in fields)
            )
            url = value if name == "website" else None
            facts.append(Fact(label, value, url=url, field=name, texts=_as_value(texts)))
    return tuple(facts)


def _as_value(texts: Texts) -> Texts:
    """A company field's translations, as the translations of a fact's value."""
    return tuple((lang, tuple(("value", v) for _, v in fields)) for lang, fields in texts)


def schema(company: Company, company_display: str) -> dict[str, Field]:
    """The ``facts`` section: a title, the sheet's date, and the author's facts."""
    return {
        "title": Field(text(80, "Fact sheet"), "Fact sheet", "Section title", default="Fact sheet"),
        "as_of": Field(day, "2026-09-30", "The date the figures are true on", True),
        "translations": Field(
            by_language({"title": Field(text(80, "…"), "…", "", True)}, "{de: {title: …}}"),
            "{de: {title: Daten und Fakten}}",
            "The title in other languages",
        ),
        "items": Field(
            entries(
                _fact(company, company_display),
                "Start each fact on its own line with a dash: - label: Employees",
            ),
            "- label: Employees",
            "Facts",
            True,
        ),
    }


def _fact(company: Company, company_display: str) -> Any:
    """One fact; its label must be new. Made per check, so ``seen`` starts empty."""
    from_company = {
        label.casefold(): name for name, label in COMPANY_FACTS if getattr(company, name)
    }
    seen: dict[str, str] = {}

    def parse(node: Node, ctx: Context, name: str) -> Fact:
        values = parse_mapping(node, FACT, ctx, prefix=f"{name}.", start_line=line_of(node))
        if values is None:
            raise _AlreadyReported()
        key = values["label"].casefold()
        if key in from_company:
            ctx.report(
                line_of(node),
                f"{name}.label",
                f'"{values["label"]}" is already in the fact sheet, from company.yml',
                f"Delete this entry; to change it, edit {from_company[key]} in {company_display}",
                "fact-duplicate",
            )
            raise _AlreadyReported()
        if key in seen:
            ctx.report(
                line_of(node),
                f"{name}.label",
                f'"{values["label"]}" is listed twice, first as {seen[key]}',
                "Keep one of the two entries, or give each its own label",
                "fact-duplicate",
            )
            raise _AlreadyReported()
        seen[key] = name
        texts = texts_of(values.pop("translations"))
        return Fact(**values, texts=texts)

    return parse


def build(values: dict[str, Any], company: Company) -> FactSheet:
    """The sheet as readers see it: the company's basics first, then the author's facts."""
    facts = (*company_facts(company), *values["items"])
    return FactSheet(values["title"], values["as_of"], facts, texts_of(values["translations"]))
