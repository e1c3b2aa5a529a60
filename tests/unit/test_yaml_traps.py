"""Nothing an author writes is lost or changed silently: each YAML trap, its exact message,
and the message's own fix, applied the way an author would, passes the check."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from PIL import Image

from newsroom import commands
from newsroom.problems import Problem
from support import ROOT, Site

P = "releases/2026/case.md"
BASE = [
    "title: Example opens a lab",
    "date: 2026-11-02 09:00 Europe/Berlin",
    "category: products",
    "summary: A new lab in Hamburg.",
]


def release(*lines: str, replace: dict[str, str] | None = None, body: str = "") -> str:
    """A valid release with some of its lines replaced (by field name) and lines added."""
    front = []
    for line in BASE:
        name = line.split(":")[0]
        if replace and name in replace:
            front.append(replace[name])
        else:
            front.append(line)
    text = body or "The lab opens today.\n"
    return "---\n" + "\n".join([*front, *lines]) + "\n---\n" + text


def check(site: Site, text: str) -> list[Problem]:
    """Write the release and run what ``invoke check`` runs, on the fixture site."""
    site.write(P, text)
    settings = commands.pelican_settings(ROOT / "pelicanconf.py", content=site.path)
    newsroom = commands.check(settings, site.path)
    return [p for p in newsroom.problems if p.path == P]


CASES = [
    pytest.param(
        release(replace={"title": "title: Aldercrest opens #1 grid software lab in Hamburg"}),
        [
            f'{P}:2: YAML reads " #" and everything after it as a note, so this value would be '
            'published as "Aldercrest opens". Put the whole value in double quotes: title: '
            '"Aldercrest opens #1 grid software lab in Hamburg".'
        ],
        id="comment-cuts-title",
    ),
    pytest.param(
        release(replace={"summary": "summary: Aldercrest is the #1 supplier # in Europe"}),
        [
            f'{P}:5: YAML reads " #" and everything after it as a note, so this value would be '
            'published as "Aldercrest is the". Put the whole value in double quotes: summary: '
            '"Aldercrest is the #1 supplier # in Europe".'
        ],
        id="comment-cuts-summary",
    ),
    pytest.param(
        release(replace={"summary": "summary: #1 in grid software"}),
        [
            f'{P}:5: YAML reads " #" and everything after it as a note, so this value is empty. '
            'Put the whole value in double quotes: summary: "#1 in grid software".',
            f"{P}:5: summary: this is empty. Write it after the colon, like summary: One or two "
            "sentences that say what happened.",
        ],
        id="comment-empties-summary",
    ),
    pytest.param(
        release(replace={"summary": "summary: Aldercrest is\n  #1 in grid software"}),
        [
            f'{P}:6: this line belongs to the value above, but YAML reads " #" and everything '
            "after it as a note and drops it. Write the whole value on one line, in double "
            'quotes: summary: "Aldercrest is #1 in grid software".'
        ],
        id="comment-line-inside-value",
    ),
    pytest.param(
        release(replace={"title": 'title: "GridLab" #1 in Hamburg'}),
        [
            f'{P}:2: YAML reads " #" and everything after it as a note, so this value would be '
            'published as "GridLab". Put the whole value in single quotes: title: \'"GridLab" '
            "#1 in Hamburg'."
        ],
        id="comment-after-quotes",
    ),
    pytest.param(
        release("tags:\n  - grid #1", "# status: draft"),
        [
            f'{P}:7: YAML reads " #" and everything after it as a note, so this value would be '
            'published as "grid". Put the whole value in double quotes: - "grid #1".',
            f'{P}:8: warning: "# status: draft" is a note: YAML reads a # after a space as the '
            "start of a note, which is never published. Delete the line.",
        ],
        id="comment-in-list-and-note-line",
    ),
    pytest.param(
        release("status: draft # until legal approves"),
        [
            f'{P}:6: warning: "# until legal approves" after the status is a note: YAML reads " #" '
            "and everything after it as a note, which is never published. Delete it, from the # "
            "to the end of the line."
        ],
        id="note-after-a-named-value",
    ),
    pytest.param(
        release("tags: [grid, hydrogen] # keywords"),
        [
            f'{P}:6: warning: "# keywords" is a note: YAML reads a # after a space as the start of '
            "a note, which is never published. Delete it, from the # to the end of the line."
        ],
        id="note-after-list",
    ),
    pytest.param(
        release(replace={"title": "title: Example opens lab#42 in C# and F#"}),
        [],
        id="hash-inside-words-is-text",
    ),
    pytest.param(
        release(replace={"title": "title: @Aldercrest opens a lab"}),
        [
            f"{P}:2: a value on this line starts with @, a character YAML reserves. Put the whole "
            'value in double quotes: title: "@Aldercrest opens a lab".'
        ],
        id="at-sign",
    ),
    pytest.param(
        release(replace={"title": "title: `GridPilot` opens"}),
        [
            f"{P}:2: a value on this line starts with `, a character YAML reserves. Put the whole "
            'value in double quotes: title: "`GridPilot` opens".'
        ],
        id="backtick",
    ),
    pytest.param(
        release(replace={"summary": "summary: %20 more orders"}),
        [
            f"{P}:5: a value on this line starts with %, a character YAML reserves. Put the whole "
            'value in double quotes: summary: "%20 more orders".'
        ],
        id="percent",
    ),
    pytest.param(
        release(replace={"title": "title: - Aldercrest opens a lab"}),
        [
            f'{P}:2: a value on this line starts with "- ", which YAML reads as the start of a '
            'list. Put the whole value in double quotes: title: "- Aldercrest opens a lab".'
        ],
        id="dash-start",
    ),
    pytest.param(
        release(replace={"title": "title: !important Aldercrest opens a lab"}),
        [
            f"{P}:2: YAML reads !important as a type marker, not as text, and drops it. Put the "
            'whole value in double quotes: title: "!important Aldercrest opens a lab".'
        ],
        id="tag",
    ),
    pytest.param(
        release(replace={"summary": "summary: &lab A new lab"}),
        [
            f"{P}:5: summary: a value on this line starts with &, which YAML reads as a name "
            "for the value (&lab) so that it can be repeated elsewhere; the newsroom's files "
            'do not use such references. Put the whole value in double quotes: summary: "&lab '
            'A new lab".'
        ],
        id="anchor",
    ),
    pytest.param(
        release(replace={"title": "title: 0800"}),
        [
            f"{P}:2: title: YAML reads 0800 on its own as a number, not as text. Put it in double "
            'quotes: title: "0800".'
        ],
        id="leading-zero-number",
    ),
    pytest.param(
        release("subtitle: yes", "dateline: off"),
        [
            f"{P}:6: subtitle: YAML reads yes on its own as true or false, not as text. Put it in "
            'double quotes: subtitle: "yes".',
            f"{P}:7: dateline: YAML reads off on its own as true or false, not as text. Put it in "
            'double quotes: dateline: "off".',
        ],
        id="yes-and-off",
    ),
    pytest.param(
        release("subtitle: ~", "dateline: null"),
        [
            f"{P}:6: subtitle: YAML reads ~ on its own as no value at all, not as text. Delete the "
            'line to leave subtitle out, or put it in double quotes: subtitle: "~".',
            f"{P}:7: dateline: YAML reads null on its own as no value at all, not as text. Delete "
            'the line to leave dateline out, or put it in double quotes: dateline: "null".',
        ],
        id="nothing",
    ),
    pytest.param(
        release("subtitle: 2026-01-01"),
        [
            f"{P}:6: subtitle: YAML reads 2026-01-01 on its own as a date, not as text. Put it in "
            'double quotes: subtitle: "2026-01-01".'
        ],
        id="date-where-text-is-wanted",
    ),
    pytest.param(
        release("tags: [1_000, 0x10, 12:30, .inf, 1e3, 6.10, 2026, 4.5]"),
        [
            f"{P}:6: tags[{n}]: YAML reads {v} on its own as a number, not as text. Put it in "
            f'double quotes: "{v}".'
            for n, v in enumerate(["1_000", "0x10", "12:30", ".inf", "1e3", "6.10"], start=1)
        ],
        id="numbers-that-change",
    ),
    pytest.param(
        release("tags: 2026, 0800", "subtitle: '0800'", 'dateline: "yes"'),
        [],
        id="quoted-or-inside-text-is-fine",
    ),
    pytest.param(
        release("image:\n  file: photo.jpg\n  alt: A photo\n  credit: “Photo: Aldercrest”"),
        [
            f"{P}:9: this value contains a colon followed by a space, and its curly quotes “ ” "
            'are read as part of the text, not as quotes. Use straight quotes: credit: "Photo: '
            'Aldercrest".'
        ],
        id="curly-quotes-with-colon",
    ),
    pytest.param(
        release("image:\n  file: photo.jpg\n  alt: A photo\n  caption: “The new lab”"),
        [
            f"{P}:9: warning: image.caption: the curly quotes “ ” around the value are published "
            "as part of it. If they are not part of the text, remove them: caption: The new lab."
        ],
        id="curly-quotes-warn",
    ),
    pytest.param(
        release(replace={"title": 'title: "GridLab" opens in Hamburg'}),
        [
            f'{P}:2: the value starts with a quote, so YAML reads only "GridLab" as the value and '
            'cannot place the rest, "opens in Hamburg". Put the whole value in single quotes: '
            "title: '\"GridLab\" opens in Hamburg'."
        ],
        id="quote-then-text",
    ),
    pytest.param(
        release(replace={"title": "title: 'Aldercrest''s' lab opens"}),
        [
            f"{P}:2: the value starts with a quote, so YAML reads only 'Aldercrest''s' as the value "
            'and cannot place the rest, "lab opens". Put the whole value in double quotes: title: '
            "\"'Aldercrest''s' lab opens\"."
        ],
        id="single-quote-then-text",
    ),
    pytest.param(
        release("subtitle:The lab adds 120 jobs"),
        [
            f'{P}:6: there is no space after the colon in "subtitle:The", so YAML does not read '
            "this line as a field. Put a space after the colon: subtitle: The lab adds 120 "
            "jobs."
        ],
        id="no-space-after-colon-last-line",
    ),
    pytest.param(
        release(replace={"title": "title:Example opens a lab"}),
        [
            f'{P}:2: there is no space after the colon in "title:Example", so YAML does not read '
            "this line as a field. Put a space after the colon: title: Example opens a lab."
        ],
        id="no-space-after-colon-first-line",
    ),
    pytest.param(
        release("image:\n  file: photo.jpg\n  alt: A photo of the lab\n   caption: The lab"),
        [
            f"{P}:9: this line is indented further than alt: on the line above, so YAML reads it "
            "as more of the alt text. Start caption: with 2 spaces, the same as alt:."
        ],
        id="over-indented",
    ),
    pytest.param(
        release("attachments:\n  - file: report.pdf\n     title: The report"),
        [
            f"{P}:8: this line is indented further than file: on the line above, so YAML reads "
            "it as more of the file text. Start title: with 4 spaces, the same as file:."
        ],
        id="over-indented-in-a-list",
    ),
    pytest.param(
        release("  subtitle: The lab adds 120 jobs"),
        [
            f"{P}:6: this line is indented further than summary: on the line above, so YAML reads "
            "it as more of the summary text. Start subtitle: at the beginning of the line, like "
            "summary:."
        ],
        id="over-indented-top-level",
    ),
    pytest.param(
        release("tags: [grid #1, hydrogen]"),
        [
            f'{P}:6: the list item "grid #1" needs quotes: YAML reads " #" and everything after '
            "it as a note, which cuts the list short. Put that item in double quotes: tags: "
            '["grid #1", hydrogen].'
        ],
        id="comment-in-brackets",
    ),
    pytest.param(
        release("tags: [grid, @home]"),
        [
            f'{P}:6: the list item "@home" needs quotes: YAML reserves its first character, @. '
            'Put that item in double quotes: tags: [grid, "@home"].'
        ],
        id="reserved-in-brackets",
    ),
    pytest.param(
        release("subtitle: The #1 lab\n  for grid software"),
        [
            f'{P}:6: YAML reads " #" and everything after it as a note, so the value ends there '
            "and the lines under it cannot continue it. Write the whole value on one line, in "
            'double quotes: subtitle: "The #1 lab for grid software".'
        ],
        id="comment-then-more-lines",
    ),
    pytest.param(
        release("  subtitle:The lab adds 120 jobs"),
        [
            f"{P}:6: this line is indented further than summary: on the line above, so YAML reads "
            "it as more of the summary text. Start subtitle: at the beginning of the line, like "
            "summary:, with a space after the colon: subtitle: The lab adds 120 jobs."
        ],
        id="over-indented-and-no-space-joins-the-value-above",
    ),
    pytest.param(
        release(replace={"title": "title: [Update] Aldercrest opens a lab"}),
        [
            f"{P}:2: the value starts with a list, so YAML reads only [Update] as the value and "
            'cannot place the rest, "Aldercrest opens a lab". Put the whole value in double '
            'quotes: title: "[Update] Aldercrest opens a lab".'
        ],
        id="brackets-then-text",
    ),
]

# Messages that name the real cause of other mistakes (a wrong zone, field or heading).
CAUSES = [
    pytest.param(
        release(
            "dateline: HAMBURG, Germany",
            replace={"date": "date: 2026-12-02 07:00 Europe/Hamburg"},
        ),
        [
            f'{P}:3: date: "2026-12-02 07:00 Europe/Hamburg" names a timezone, "Europe/Hamburg", '
            "that I do not know. Did you mean Europe/Berlin, the time zone of Germany? Use a zone "
            "name from the IANA list, such as Europe/Berlin, America/New_York or Asia/Tokyo "
            "(abbreviations like CET or EST are ambiguous)."
        ],
        id="zone-by-the-datelines-country",
    ),
    pytest.param(
        release("dateline: LYON, France", replace={"date": "date: 2026-12-02 07:00 Europe/Lyon"}),
        [
            f'{P}:3: date: "2026-12-02 07:00 Europe/Lyon" names a timezone, "Europe/Lyon", that I '
            "do not know. Did you mean Europe/Paris, the time zone of France? Use a zone name "
            "from the IANA list, such as Europe/Berlin, America/New_York or Asia/Tokyo "
            "(abbreviations like CET or EST are ambiguous)."
        ],
        id="zone-by-another-country",
    ),
    pytest.param(
        release(replace={"date": "date: 2026-12-02 07:00 Europe/Hamburg"}),
        [
            f'{P}:3: date: "2026-12-02 07:00 Europe/Hamburg" names a timezone, "Europe/Hamburg", '
            "that I do not know. Zone names use one city per time zone, and Hamburg is not one of "
            "them; for a place in Germany, use Europe/Berlin. Use a zone name from the IANA list, "
            "such as Europe/Berlin, America/New_York or Asia/Tokyo (abbreviations like CET or EST "
            "are ambiguous)."
        ],
        id="zone-without-a-country",
    ),
    pytest.param(
        release(replace={"date": "date: 2026-12-02 07:00 Europe/Wien"}),
        [
            f'{P}:3: date: "2026-12-02 07:00 Europe/Wien" names a timezone, "Europe/Wien", that I '
            "do not know. Did you mean Europe/Vienna? Use a zone name from the IANA list, such as "
            "Europe/Berlin, America/New_York or Asia/Tokyo (abbreviations like CET or EST are "
            "ambiguous)."
        ],
        id="zone-city-in-another-language",
    ),
    pytest.param(
        release(replace={"category": "topic: products"}),
        [
            f"{P}:4: topic: this is not a field I know. Did you mean category? That field is named "
            "category in this file. The fields you can use here are: title, subtitle, date, "
            "dateline, category, tags, summary, lang, translation_key, contacts, boilerplate, "
            "forward_looking, image, attachments, updates, status, withdrawal."
        ],
        id="topic-means-category",
    ),
    pytest.param(
        release(body="# Example opens a lab\n\nThe lab opens today.\n"),
        [
            f'{P}:7: warning: body: the heading "Example opens a lab" at the top of the text is '
            "left out: the page shows the title above the text already. Delete the line # Example "
            "opens a lab (for a subheading, start it with ## instead)."
        ],
        id="headline-repeated-in-the-text",
    ),
    pytest.param(
        release("tags: [grid, {a: b}]"),
        [
            f"{P}:6: tags[2]: this should be text, not a group of fields. Write it on one line, "
            "like grid software."
        ],
        id="list-item-example",
    ),
]
CASES += CAUSES


@pytest.fixture
def files(site: Site) -> Site:
    """The fixture site with a picture and a report in the test release's folder."""
    site.write("releases/2026/case/photo.jpg", _photo())
    site.write("releases/2026/case/report.pdf", b"%PDF-1.4\n")
    return site


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_trap_messages(files: Site, text: str, expected: list[str]) -> None:
    assert [p.text() for p in check(files, text)] == expected


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_each_fix_passes_the_check(files: Site, text: str, expected: list[str]) -> None:
    before = check(files, text)
    for problem in before:
        fixed = apply_fix(text, problem)
        after = check(files, fixed)
        same = (problem.rule, problem.field, problem.message)
        assert not any((p.rule, p.field, p.message) == same for p in after), fixed
        assert len(after) < len(before), fixed
        if len(before) == 1:
            assert [p.text() for p in after] == [], fixed


# A suggested line at the end of a fix: "…: title: "…"", "…, like summary: …", "…: - "…"".
SUGGESTION = re.compile(r"(?:: |like )((?:- )?[A-Za-z_][\w-]*: .*|- .*|[\"'].*)$")


def apply_fix(text: str, problem: Problem) -> str:
    """Do what the fix says, as an author reading it would; fails on a fix it cannot follow."""
    lines = text.split("\n")
    at = problem.line - 1
    fix = problem.fix
    zone = re.search(r"\b[A-Z][a-z]+/[A-Za-z_]+", fix)
    unknown = re.search(r'names a timezone, "([^"]+)"', problem.message)
    if fix.startswith("Delete the line"):
        del lines[at]
    elif unknown and zone:
        lines[at] = lines[at].replace(unknown[1], zone[0])
    elif renamed := re.match(r"Did you mean (\w+)\?", fix):
        lines[at] = re.sub(r"^(\s*)[\w-]+:", rf"\g<1>{renamed[1]}:", lines[at])
    elif fix.startswith("Delete it, from the # to the end of the line"):
        lines[at] = lines[at][: lines[at].index(" #")]
    elif indent := re.match(r"Start (\S+): (?:with (\d+) spaces?|at the beginning)", fix):
        lines[at] = " " * int(indent[2] or 0) + lines[at].lstrip()
        if suggested := SUGGESTION.search(fix):  # "…, with a space after the colon: a: b"
            _replace(lines, at, suggested[1])
    elif problem.field.endswith("]") and (item := re.search(r"like (.+)$", fix)):
        lines[at] = re.sub(r"\{[^{}]*\}", item[1], lines[at], count=1)  # the group in the list
    elif suggested := SUGGESTION.search(fix):
        _replace(lines, at, suggested[1])
    else:
        raise AssertionError(f"no fix to follow in: {fix}")
    return "\n".join(lines)


def _replace(lines: list[str], at: int, new: str) -> None:
    if new[0] in "\"'":  # a list item, quoted where it stands
        bare = re.escape(new[1:-1])
        lines[at] = re.sub(rf"(?<![\w\"']){bare}(?![\w\"'])", new, lines[at], count=1)
        return
    key = new.removeprefix("- ").split(":")[0]
    row = next(
        n
        for n in range(at, -1, -1)
        if lines[n].strip().removeprefix("- ").startswith(f"{key}:") or new.startswith("- ")
    )
    line = lines[row]
    indent = len(line) - len(line.lstrip(" "))
    dash = "- " if line.strip().startswith("- ") and not new.startswith("- ") else ""
    lines[row] = " " * indent + dash + new
    while row + 1 < len(lines) and len(lines[row + 1]) - len(lines[row + 1].lstrip()) > indent:
        del lines[row + 1]


def _photo() -> bytes:
    out = BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "JPEG")
    return out.getvalue()


def _field_mistakes() -> list[object]:
    """Each release field left empty, written as a group, and (when required) left out."""
    from newsroom.releases import release_schema
    from newsroom.settings import NewsroomSettings

    params = []
    for name, spec in release_schema(NewsroomSettings()).items():
        kept = [line for line in BASE if not line.startswith(f"{name}:")]
        for mistake in (f'{name}: ""', f"{name}: {{a: b}}", f"{name}: [{{a: b}}]", None):
            if mistake is None and not spec.required:
                continue
            lines = [*kept, mistake] if mistake else kept
            text = "---\n" + "\n".join(lines) + "\n---\nThe lab opens today.\n"
            params.append(pytest.param(text, id=f"{name}-{mistake or 'missing'}"))
    return params


@pytest.mark.parametrize("text", _field_mistakes())
def test_every_example_in_a_message_passes_the_check(files: Site, text: str) -> None:
    """The examples that messages show (``credit: "Photo: …"``) are valid where they are shown."""
    for problem in check(files, text):
        nested = "." in problem.field and problem.rule == "field-missing"
        if not SUGGESTION.search(problem.fix) or problem.field.endswith("]") or nested:
            continue
        lines = text.split("\n")
        if problem.rule == "field-missing":
            lines.insert(-3, SUGGESTION.search(problem.fix)[1])
            fixed = "\n".join(lines)
        else:
            fixed = apply_fix(text, problem)
        field = problem.field.split(".")[0].split("[")[0]
        left = [p.text() for p in check(files, fixed) if p.field.startswith(field)]
        assert left == [], (problem.text(), fixed)


# Fixes that are instructions without a line to copy ("Shorten it", "Upload the file").
NO_LINE_TO_COPY = {
    "field-too-long", "body-empty", "front-matter-missing", "front-matter-unclosed",
    "asset-missing", "asset-type", "asset-path", "update-before-release", "date-folder",
    "field-type", "date-dst-ambiguous", "date-offset",
}  # fmt: skip


def _schema_cases() -> list[object]:
    from test_release_schema import CASES as SCHEMA_CASES

    return [case for case in SCHEMA_CASES if case.values[1]]


@pytest.mark.parametrize(("text", "expected"), _schema_cases())
def test_each_fix_of_the_release_checks_passes_too(
    files: Site, text: str, expected: list[str]
) -> None:
    """The older messages (dates, topics, duplicates) are followed back to a valid file too."""
    problems = [p for p in check(files, text) if p.rule not in NO_LINE_TO_COPY]
    for problem in problems:
        fixed = follow_value_fix(text, problem)
        same = (problem.rule, problem.field, problem.message)
        after = check(files, fixed)
        assert not any((p.rule, p.field, p.message) == same for p in after), fixed


def follow_value_fix(text: str, problem: Problem) -> str:
    """Like ``apply_fix``, and also: a suggested value, a missing line, a duplicate line, a
    tab, a closing quote."""
    lines = text.split("\n")
    at = problem.line - 1
    fix = problem.fix
    key = problem.field.split(".")[-1].split("[")[0]
    value = re.search(r"like (.+?)(?: \(.*\))?$", fix)
    choice = re.search(r"(?:Did you mean (\S+)\?|Use one of: ([^,]+)|Write \w+: (\S+) )", fix)
    if problem.rule == "field-duplicate":
        del lines[at]
    elif problem.rule == "yaml-tab":
        lines[at] = lines[at].replace("\t", "")
    elif problem.rule == "yaml-unclosed-quote":
        lines[at] += '"'
    elif problem.rule == "field-missing" and value:
        item = re.match(r"^(\s*- |\s*)", lines[at])
        indent = " " * len(item[1]) if "." in problem.field else ""
        lines.insert(at + 1 if indent else lines.index("---", 1), indent + value[1])
    elif problem.rule in {"field-unknown-value", "field-format"} and choice:
        meant = next(group for group in choice.groups() if group)
        lines[at] = re.sub(r"[\w-]+(?=\W*$)", meant, lines[at])  # the value: the last word
    elif value and not re.match(r"[A-Za-z_][\w-]*: ", value[1]):
        lines[at] = f"{key}: {value[1]}"  # a date or other value, written the way it should be
    else:
        return apply_fix(text, problem)
    return "\n".join(lines)


def _guide_examples() -> list[str]:
    guide = (ROOT / "docs/authoring.md").read_text("utf-8") + (ROOT / "README.md").read_text(
        "utf-8"
    )
    spans = re.findall(r"(?<!`)`([^`\n]+)`(?!`)", guide)
    return sorted({s for s in spans if re.match(r"(title|subtitle|summary): \S", s)})


@pytest.mark.parametrize("example", _guide_examples())
def test_every_example_line_in_the_guide_passes_the_check(files: Site, example: str) -> None:
    name = example.split(":")[0]
    text = release(replace={name: example}) if name != "subtitle" else release(example)
    assert [p.text() for p in check(files, text)] == []
