"""The fact sheet in media-kit.yml: every mistake an author can make, in the exact words shown."""

from __future__ import annotations

from datetime import date

import pytest

from newsroom.factsheet import Fact
from support import Site

P = "data/media-kit.yml"


def problems(site: Site, text: str) -> list[str]:
    site.write("data/media-kit.yml", text)
    # English only: the German versions have tests of their own (test_data_languages.py).
    return [p.text() for p in site.load(languages=("en",)).problems if p.path == P]


def sheet(*items: str, as_of: str = "2026-09-30") -> str:
    """A facts section; each item is the text of one list entry, lines joined by "|"."""
    lines = ["facts:", f"  as_of: {as_of}", "  items:"]
    for item in items:
        first, *rest = item.split("|")
        lines.append(f"    - {first}")
        lines += [f"      {line}" for line in rest]
    return "\n".join(lines) + "\n"


CASES = [
    pytest.param(sheet("label: Employees|value: '4,810'"), [], id="valid"),
    pytest.param(
        sheet("label: Employees"),
        [
            f"{P}:4: facts.items[1].value: this required field is missing. Add a line like value: 2,400."
        ],
        id="missing-value",
    ),
    pytest.param(
        sheet("label: Employees|value:"),
        [
            f"{P}:5: facts.items[1].value: this is empty. Write it after the colon, like value: "
            "2,400."
        ],
        id="empty-value",
    ),
    pytest.param(
        sheet("label: Employees|value: '4,810'", as_of="30/09/2026"),
        [
            f'{P}:2: facts.as_of: "30/09/2026" is not a date I can read. Write it as '
            "year-month-day, like 2026-09-30."
        ],
        id="as-of-unreadable",
    ),
    pytest.param(
        sheet("label: Employees|value: '4,810'", as_of="2026-02-30"),
        [
            f'{P}:2: facts.as_of: "2026-02-30" is not a real date (February 2026 has 28 days). '
            "Write it as year-month-day, like 2026-02-28."
        ],
        id="as-of-impossible",
    ),
    pytest.param(
        sheet("label: Revenue|value: EUR 1 billion|as_of: 2025-13-31"),
        [
            f'{P}:6: facts.items[1].as_of: "2025-13-31" has month 13, but months run from 1 to '
            "12. Write it as year-month-day, like 2026-09-30."
        ],
        id="fact-as-of-impossible-month",
    ),
    pytest.param(
        "facts:\n  items:\n    - label: Founded\n      value: '1998'\n",
        [f"{P}:2: facts.as_of: this required field is missing. Add a line like as_of: 2026-09-30."],
        id="missing-as-of",
    ),
    pytest.param(
        "facts:\n  as_of: 2026-09-30\n  items: Employees\n",
        [
            f'{P}:3: facts.items: this should be a list, not "Employees". Start each fact on its '
            "own line with a dash: - label: Employees."
        ],
        id="items-not-a-list",
    ),
    pytest.param(
        sheet("label: Employees|value: '4,810'|sauce: HR"),
        [
            f"{P}:6: facts.items[1].sauce: this is not a field I know. Did you mean source? The "
            "fields you can use here are: label, value, note, source, as_of, translations."
        ],
        id="unknown-field",
    ),
    pytest.param(
        sheet("label: Ticker symbol|value: ALDR"),
        [
            f'{P}:4: facts.items[1].label: "Ticker symbol" is already in the fact sheet, from '
            "company.yml. Delete this entry; to change it, edit ticker in data/company.yml."
        ],
        id="repeats-company-fact",
    ),
    pytest.param(
        sheet("label: legal NAME|value: Example AG"),
        [
            f'{P}:4: facts.items[1].label: "legal NAME" is already in the fact sheet, from '
            "company.yml. Delete this entry; to change it, edit legal_name in data/company.yml."
        ],
        id="repeats-company-fact-any-case",
    ),
    pytest.param(
        sheet(
            "label: Employees|value: '4,810'",
            "label: Founded|value: '1998'",
            "label: Employees|value: '4,900'",
        ),
        [
            f'{P}:8: facts.items[3].label: "Employees" is listed twice, first as facts.items[1]. '
            "Keep one of the two entries, or give each its own label."
        ],
        id="listed-twice",
    ),
    pytest.param(
        sheet("label: " + "Revenue " * 10 + "|value: '1'"),
        [
            f"{P}:4: facts.items[1].label: this is 79 characters long; the limit is 60. Shorten "
            "it; put the detail in the body of the release."
        ],
        id="label-too-long",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_fact_sheet_problems(site: Site, text: str, expected: list[str]) -> None:
    assert problems(site, text) == expected


def test_company_basics_come_first_and_only_when_set(site: Site) -> None:
    # The fixture company has no headquarters or ISIN: an author may list a headquarters.
    site.write(
        "data/media-kit.yml",
        sheet(
            "label: Headquarters|value: Hamburg, Germany",
            "label: Employees|value: '4,810'|note: Full-time|source: Q3 report|as_of: 2026-09-29",
        ),
    )
    kit = site.load(languages=("en",)).media_kit
    assert kit is not None and kit.facts is not None
    assert kit.facts.as_of == date(2026, 9, 30)
    assert kit.facts.title == "Fact sheet"
    assert kit.facts.facts == (
        Fact("Legal name", "Example Industries AG", field="legal_name"),
        Fact("Website", "https://www.example.com", url="https://www.example.com", field="website"),
        Fact(
            "Stock exchange",
            "Frankfurt Stock Exchange",
            field="exchange",
            texts=(("de", (("value", "Frankfurter Wertpapierbörse"),)),),
        ),
        Fact("Ticker symbol", "EXMP", field="ticker"),
        Fact("Headquarters", "Hamburg, Germany"),
        Fact("Employees", "4,810", "Full-time", "Q3 report", date(2026, 9, 29)),
    )
