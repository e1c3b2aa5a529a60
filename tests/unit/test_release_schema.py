"""Every mistake an author can make in a release file, and the exact words they see."""

from __future__ import annotations

from collections.abc import Callable

import pytest

P = "releases/2026/case.md"

VALID = {
    "title": "Example opens a lab",
    "date": "2026-11-02 09:00 Europe/Berlin",
    "category": "products",
    "summary": "A new lab in Hamburg.",
}


def release(body: str = "The lab opens today.", **fields: str | None) -> str:
    """A release file with VALID fields, changed by ``fields`` (None removes one)."""
    merged = {**VALID, **fields}
    lines = [
        f"{k}: {v}" if not v.startswith("\n") else f"{k}:{v}"
        for k, v in merged.items()
        if v is not None
    ]
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


CASES = [
    pytest.param(release(), [], id="valid"),
    pytest.param(
        release(title=None),
        [
            f"{P}:1: title: this required field is missing. Add a line like title: "
            "Example opens new research lab in Hamburg."
        ],
        id="missing-title",
    ),
    pytest.param(
        release(title='""'),
        [
            f"{P}:2: title: this is empty. Write it after the colon, like title: "
            "Example opens new research lab in Hamburg."
        ],
        id="empty-title",
    ),
    pytest.param(
        release(titel="Example opens a lab", title=None),
        [
            f"{P}:1: title: this required field is missing. Add a line like title: "
            "Example opens new research lab in Hamburg.",
            f"{P}:5: titel: this is not a field I know. Did you mean title? The fields you can use "
            "here are: title, subtitle, date, dateline, category, tags, summary, lang, "
            "translation_key, contacts, boilerplate, forward_looking, image, attachments, "
            "updates, status, withdrawal.",
        ],
        id="unknown-field-typo",
    ),
    pytest.param(
        release(date="2026-02-30 09:00 Europe/Berlin"),
        [
            f'{P}:3: date: "2026-02-30 09:00 Europe/Berlin" is not a real date (February 2026 has '
            "28 days). Write it like 2026-03-02 09:00 Europe/Berlin."
        ],
        id="impossible-date",
    ),
    pytest.param(
        release(date="2026-11-23 09:00"),
        [
            f'{P}:3: date: "2026-11-23 09:00" has no timezone, so the moment of publication is '
            "unclear. Add the timezone, like 2026-11-23 09:00 Europe/Berlin."
        ],
        id="no-timezone",
    ),
    pytest.param(
        release(date="2026-11-23"),
        [
            f'{P}:3: date: "2026-11-23" has no time of day and no timezone. Write the exact moment '
            "of publication, like 2026-11-23 09:00 Europe/Berlin."
        ],
        id="no-time",
    ),
    pytest.param(
        release(date="2026-13-02 09:00"),
        [
            f'{P}:3: date: "2026-13-02 09:00" has month 13, but months run from 1 to 12. Write '
            "the date as year-month-day, like 2026-02-13 09:00 Europe/Berlin."
        ],
        id="day-and-month-swapped-no-timezone",
    ),
    pytest.param(
        release(date="2026-31-12 17:30 UTC"),
        [
            f'{P}:3: date: "2026-31-12 17:30 UTC" has month 31, but months run from 1 to 12. '
            "Write the date as year-month-day, like 2026-12-31 17:30 UTC."
        ],
        id="day-and-month-swapped",
    ),
    pytest.param(
        release(date="2026-14-14 09:00 UTC"),
        [
            f'{P}:3: date: "2026-14-14 09:00 UTC" has month 14, but months run from 1 to 12. '
            "Write the date as year-month-day, like 2026-11-23 09:00 UTC."
        ],
        id="impossible-month",
    ),
    pytest.param(
        release(date="2026-02-30"),
        [
            f'{P}:3: date: "2026-02-30" is not a real date (February 2026 has 28 days). Write it '
            "like 2026-03-02 09:00 Europe/Berlin."
        ],
        id="impossible-date-no-time",
    ),
    pytest.param(
        release(date="2026-11-23 25:00"),
        [
            f'{P}:3: date: "2026-11-23 25:00" is not a real time of day. Use 24-hour time from '
            "00:00 to 23:59, like 2026-11-23 09:00 Europe/Berlin."
        ],
        id="impossible-time-no-timezone",
    ),
    pytest.param(
        release(date="2026-02-30T09:00:00+01:00"),
        [
            f'{P}:3: date: "2026-02-30T09:00:00+01:00" is not a real date (February 2026 has 28 '
            "days). Write it like 2026-03-02 09:00 +01:00."
        ],
        id="impossible-date-with-offset",
    ),
    pytest.param(
        release(date="2026-13-02T09:00+25:00"),
        [
            f'{P}:3: date: "2026-13-02T09:00+25:00" has an offset, +25:00, that no place on Earth '
            "uses. Use an offset between -12:00 and +14:00, or a zone name like Europe/Berlin."
        ],
        id="impossible-offset-first",
    ),
    pytest.param(
        release(date="2026-11-23 09:00:30"),
        [
            f'{P}:3: date: "2026-11-23 09:00:30" has no timezone, so the moment of publication is '
            "unclear. Add the timezone, like 2026-11-23 09:00:30 Europe/Berlin."
        ],
        id="no-timezone-with-seconds",
    ),
    pytest.param(
        release(date="2026-11-23 09:00 Europe/Berln"),
        [
            f'{P}:3: date: "2026-11-23 09:00 Europe/Berln" names a timezone, "Europe/Berln", that I '
            "do not know. Did you mean Europe/Berlin? Use a zone name from the IANA list, such as "
            "Europe/Berlin, America/New_York or Asia/Tokyo (abbreviations like CET or EST are "
            "ambiguous)."
        ],
        id="unknown-zone",
    ),
    pytest.param(
        release(date="23.11.2026 09:00"),
        [
            f'{P}:3: date: "23.11.2026 09:00" is not a date and time I can read. Write it like '
            "2026-11-23 09:00 Europe/Berlin (year-month-day, 24-hour time, zone)."
        ],
        id="unreadable-date",
    ),
    pytest.param(
        release(date="2026-03-29 02:30 Europe/Berlin"),
        [
            f'{P}:3: date: "2026-03-29 02:30 Europe/Berlin" does not exist: the clocks in '
            "Europe/Berlin skip that hour for daylight saving time. Use a time after the change, "
            "like 2026-03-29 03:30 Europe/Berlin."
        ],
        id="dst-gap",
    ),
    pytest.param(
        release(date="2026-10-25 02:30 Europe/Berlin"),
        [
            f'{P}:3: date: "2026-10-25 02:30 Europe/Berlin" happens twice in Europe/Berlin, because '
            "the clocks go back that night. Write it with the offset you mean: "
            "2026-10-25T02:30:00+02:00 (first time) or 2026-10-25T02:30:00+01:00 (second time)."
        ],
        id="dst-ambiguous",
    ),
    pytest.param(
        release(date="2026-11-23T09:00:00+25:00"),
        [
            f'{P}:3: date: "2026-11-23T09:00:00+25:00" has an offset, +25:00, that no place on Earth '
            "uses. Use an offset between -12:00 and +14:00, or a zone name like Europe/Berlin."
        ],
        id="impossible-offset",
    ),
    pytest.param(
        release(category="product"),
        [
            f'{P}:4: category: "product" is not one of the site\'s topics (content/data/topics.yml). '
            "Did you mean products? Use one of: financial-results, products."
        ],
        id="unknown-topic",
    ),
    pytest.param(
        release(contacts="[press, presss]"),
        [
            f'{P}:6: contacts[2]: "presss" is not one of the media contacts '
            "(content/data/contacts.yml). Did you mean press? Use one of: ir, press."
        ],
        id="unknown-contact",
    ),
    pytest.param(
        release(boilerplate="corporate"),
        [
            f'{P}:6: boilerplate: "corporate" is not one of the boilerplates '
            "(content/data/boilerplates.yml). Use one of: default."
        ],
        id="unknown-boilerplate",
    ),
    pytest.param(
        release(title="[Example, opens]"),
        [
            f"{P}:2: title: this should be text, not a list. Write it on one line, like title: "
            "Example opens new research lab in Hamburg."
        ],
        id="title-is-a-list",
    ),
    pytest.param(
        release(forward_looking="maybe"),
        [
            f'{P}:6: forward_looking: "maybe" is not true or false. Write forward_looking: true or '
            "forward_looking: false."
        ],
        id="not-a-boolean",
    ),
    pytest.param(
        release(status="final"),
        [
            f'{P}:6: status: "final" is not draft, published or withdrawn. Write status: draft to keep the '
            "release unpublished, or remove the line."
        ],
        id="unknown-status",
    ),
    pytest.param(
        release(lang="fr"),
        [f'{P}:6: lang: "fr" is not one of the site\'s languages. Use one of: de, en.'],
        id="unknown-language",
    ),
    pytest.param(
        release(summary="x" * 401),
        [
            f"{P}:5: summary: this is 401 characters long; the limit is 400. Shorten it; put the "
            "detail in the body of the release."
        ],
        id="summary-too-long",
    ),
    pytest.param(
        release(image="photo.jpg"),
        [
            f"{P}:6: image: this should be a group of fields (file:, alt:, caption:, credit:), not "
            '"photo.jpg". Write each field on its own line, indented under this one.'
        ],
        id="image-not-a-group",
    ),
    pytest.param(
        release(image="\n  file: lab.jpg"),
        [
            f"{P}:7: image.alt: this required field is missing. Add a line like alt: "
            "Engineers testing the new grid controller.",
            f'{P}:7: image.file: "lab.jpg" was not found in releases/2026/case/. Upload the file '
            "to releases/2026/case/, or correct the file name (capital letters count).",
        ],
        id="image-missing-alt-and-file",
    ),
    pytest.param(
        release(image="\n  file: ../../secret.jpg\n  alt: A photo"),
        [
            f'{P}:7: image.file: "../../secret.jpg" should be just a file name, without folders. '
            "Write it like file: photo.jpg and put the file in releases/2026/case/."
        ],
        id="image-path-escape",
    ),
    pytest.param(
        release(attachments="\n  - file: tool.exe\n    title: Tool"),
        [
            f'{P}:7: attachments[1].file: "tool.exe" is not a file type the newsroom publishes '
            "here. Use one of these types: jpg, jpeg, png, gif, webp, svg, pdf, csv, txt, zip, "
            "docx, xlsx, pptx, mp3, mp4."
        ],
        id="attachment-type",
    ),
    pytest.param(
        release(updates="\n  - date: 2026-11-01 09:00 Europe/Berlin\n    note: Fixed."),
        [
            f"{P}:6: updates[1].date: an update cannot be dated before the release itself. "
            "Use a date after 2026-11-02 09:00 Europe/Berlin."
        ],
        id="update-before-release",
    ),
    pytest.param(
        release(updates="\n  - note: Fixed."),
        [
            f"{P}:7: updates[1].date: this required field is missing. Add a line like date: "
            "2026-11-24 10:00 Europe/Berlin."
        ],
        id="update-without-date",
    ),
    pytest.param(
        release(body=""),
        [
            f"{P}:6: body: the release has no text after the front matter. Write the release below "
            "the closing --- line."
        ],
        id="empty-body",
    ),
    pytest.param(
        release(date="2025-11-02 09:00 Europe/Berlin"),
        [
            f"{P}:3: warning: date: the release is dated 2025 but its file is in the 2026 folder. "
            "Move new releases to the 2025 folder; a published release keeps its folder, because "
            "the folder is part of its web address."
        ],
        id="folder-year-mismatch-warns",
    ),
    pytest.param(
        "---\ntitle: Example: a new chapter\ndate: 2026-11-02 09:00 Europe/Berlin\n---\nText\n",
        [
            f"{P}:2: a value on this line contains a colon followed by a space, which YAML reads as a "
            'new field. Put the whole value in double quotes: title: "Example: a new chapter".'
        ],
        id="yaml-unquoted-colon",
    ),
    pytest.param(
        '---\ntitle: "Example opens a lab\ndate: 2026-11-02 09:00 Europe/Berlin\n---\nText\n',
        [
            f"{P}:2: a quote opened on this line is never closed. Add the closing quote at the end "
            "of the value."
        ],
        id="yaml-unclosed-quote",
    ),
    pytest.param(
        "---\ntitle: Example\n\tdate: 2026-11-02 09:00 Europe/Berlin\n---\nText\n",
        [f"{P}:3: this line is indented with a tab character. Indent with spaces instead of tabs."],
        id="yaml-tab",
    ),
    pytest.param(
        "title: Example\n\nText\n",
        [
            f"{P}:1: the file does not start with front matter (a line with three dashes, ---). "
            "Start the file with ---, then the fields such as title: and date:, then another --- "
            "line, then the text of the release."
        ],
        id="no-front-matter",
    ),
    pytest.param(
        "---\ntitle: Example\n\nText\n",
        [
            f"{P}:1: the front matter is never closed: no second line with three dashes (---). "
            "Add a line with just --- after the last field, before the text of the release."
        ],
        id="front-matter-unclosed",
    ),
    pytest.param(
        release().replace("category: products", "category: products\ncategory: products"),
        [
            f"{P}:5: category: this field appears twice (first on line 4). Keep only one of the two "
            "lines."
        ],
        id="duplicate-field",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_release_problems(problems_for, text: str, expected: list[str]) -> None:
    assert problems_for(text) == expected


WITHDRAWN_HEAD = (
    "---\ntitle: T\ndate: 2026-01-05 09:00 Europe/Berlin\ncategory: products\nsummary: S.\n"
)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            "status: withdrawn\n",
            "releases/2026/case.md:6: withdrawal: a withdrawn release needs the date and the "
            "reason of its withdrawal. Add them below status: withdrawn, like withdrawal: "
            "{date: 2026-11-24 10:00 Europe/Berlin, reason: Withdrawn at the request of the "
            "court.}.",
        ),
        (
            "withdrawal:\n  date: 2026-02-01 09:00 Europe/Berlin\n  reason: Court order.\n",
            "releases/2026/case.md:6: withdrawal: a withdrawal is given but the release is not "
            "marked as withdrawn. Write status: withdrawn to take the release down, or remove "
            "the withdrawal.",
        ),
        (
            "status: withdrawn\nwithdrawal:\n  date: 2026-01-05 08:00 Europe/Berlin\n"
            "  reason: Court order.\n",
            "releases/2026/case.md:7: withdrawal.date: a release cannot be withdrawn before it "
            "went live. Use a date after 2026-01-05 09:00 Europe/Berlin.",
        ),
    ],
    ids=["no withdrawal", "no status", "before the release"],
)
def test_a_withdrawal_is_complete(
    problems_for: Callable[[str], list[str]], fields: str, expected: str
) -> None:
    assert problems_for(f"{WITHDRAWN_HEAD}{fields}---\nText.\n") == [expected]
