"""No silent edits: invoke check --against compares with what git says was published.

Each case edits the fixture site in a real git repository and runs the real check against
``main``, asserting the exact lines authors see: every change to a published release is
refused with a plain message, or declared and dated now.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from newsroom import commands
from support import check_against, git, published

Q4 = "content/releases/2025/q4-results.md"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return published(tmp_path)


def problems(repo: Path, ref: str = "main") -> list[str]:
    return [p.text() for p in check_against(repo, ref).problems]


def edit(repo: Path, path: str, old: str, new: str) -> None:
    file = repo / path
    file.write_text(file.read_text().replace(old, new))


def test_unchanged_content_passes(repo: Path) -> None:
    assert problems(repo) == []


def test_changed_text_without_an_update_is_refused(repo: Path) -> None:
    edit(repo, Q4, "EUR 1.1 billion", "EUR 1.2 billion")
    assert problems(repo) == [
        f"{Q4}:13: body: this release was published on 2025-12-15 07:30 UTC+01:00 and its text "
        "changed since, but there is no new entry under updates. Tell readers what changed: add "
        "an entry at the end of updates, indented like this:\\n"
        "  - date: 2026-11-23 13:00 Europe/Berlin\\n"
        "    note: Corrected the text."
    ]


def _follow(front: str, fix: str) -> str:
    """Add the update to the front matter exactly as the message shows it."""
    if "\n" in fix:  # lines to add, at the end of the updates list or of the fields
        return front + "\n" + fix.split("\n", 1)[1]
    if "after a comma: " in fix:
        entry = fix.split("after a comma: ", 1)[1]
        return re.sub(r"^(updates:.*)\]$", rf"\1, {entry}]", front, count=1, flags=re.M)
    line = fix.rsplit("updates: ", 1)[1]
    return re.sub(r"^updates:.*$", f"updates: {line}", front, count=1, flags=re.M)


BLOCK = (
    "updates:\n  - date: 2025-12-16 10:00 Europe/Berlin\n    note: Corrected the revenue figure.\n"
)
UPDATES_STYLES = [
    pytest.param(
        BLOCK,
        "Tell readers what changed: add an entry at the end of updates, indented like this:\n"
        "  - date: 2026-11-23 13:00 Europe/Berlin\n    note: Corrected the text.",
        id="block-like-the-file",
    ),
    pytest.param(
        "updates: [{date: 2025-12-16 10:00 Europe/Berlin, note: Corrected the revenue figure.}]\n",
        "Tell readers what changed: add an entry inside the square brackets of updates, after a "
        'comma: {date: 2026-11-23 13:00 Europe/Berlin, note: "Corrected the text."}',
        id="square-brackets-like-the-file",
    ),
    pytest.param(
        "",
        "Tell readers what changed: add these lines to the fields, indented like this:\n"
        "updates:\n  - date: 2026-11-23 13:00 Europe/Berlin\n    note: Corrected the text.",
        id="no-updates-yet",
    ),
    pytest.param(
        "updates: []\n",
        "Tell readers what changed with an entry under updates: updates: [{date: 2026-11-23 "
        '13:00 Europe/Berlin, note: "Corrected the text."}]',
        id="empty-list",
    ),
]


@pytest.mark.parametrize(("updates", "expected"), UPDATES_STYLES)
def test_the_update_example_is_in_the_files_own_style_and_passes(
    repo: Path, updates: str, expected: str
) -> None:
    edit(repo, Q4, BLOCK, updates)
    git(repo, "commit", "-qam", "style", "--allow-empty")
    edit(repo, Q4, "EUR 1.1 billion", "EUR 1.2 billion")
    newsroom = check_against(repo, "HEAD")
    (problem,) = newsroom.problems
    assert problem.fix == expected
    file = repo / Q4
    front, fence, body = file.read_text().removeprefix("---\n").partition("\n---\n")
    file.write_text("---\n" + _follow(front, problem.fix) + fence + body)
    assert problems(repo, "HEAD") == []


def test_changed_title_with_a_new_update_passes(repo: Path) -> None:
    edit(repo, Q4, "title: Example reports Q4 2025 results", "title: Example reports Q4 results")
    edit(
        repo,
        Q4,
        "    note: Corrected the revenue figure.",
        "    note: Corrected the revenue figure.\n"
        "  - date: 2026-11-23 13:00 Europe/Berlin\n    note: Shortened the headline.",
    )
    assert problems(repo) == []


def test_renamed_release_keeps_its_address(repo: Path) -> None:
    old = repo / Q4
    old.rename(old.with_name("q4-2025-results.md"))
    assert problems(repo) == [
        f"{Q4}: this release is public at /news/2025/q4-results/ and must stay there, but the file "
        "is gone (it looks renamed to content/releases/2025/q4-2025-results.md). Restore "
        f"{Q4} under its old name: published addresses never change. To correct a release, "
        "edit it and add an entry under updates; to take it down, keep the file and write "
        "status: withdrawn with a withdrawal (date and reason)."
    ]


def test_deleting_a_published_release_points_to_withdrawal(repo: Path) -> None:
    (repo / Q4).unlink()
    assert problems(repo) == [
        f"{Q4}: this release is public at /news/2025/q4-results/ and must stay there, but the "
        f"file is gone. Restore {Q4} under its old name: published addresses never change. To "
        "correct a release, edit it and add an entry under updates; to take it down, keep the "
        "file and write status: withdrawn with a withdrawal (date and reason)."
    ]


def test_embargoed_release_may_still_change_freely(repo: Path) -> None:
    path = "content/releases/2026/embargoed-launch.md"
    edit(repo, path, "Embargoed body text.", "Rewritten before anyone saw it.")
    (repo / path).rename(repo / "content/releases/2026/launch.md")
    assert problems(repo) == []


def test_unknown_ref_is_explained(repo: Path) -> None:
    with pytest.raises(commands.BuildFailed) as err:
        problems(repo, "no-such-branch")
    assert "--against: git cannot read the content at 'no-such-branch'" in str(err.value)


FILES = "content/releases/2026/with-files.md"
FIRST = "content/releases/2026/first-product.md"
NOW = "2026-11-23 13:00 Europe/Berlin"  # AS_OF in the site's zone
ADD_UPDATE = "    note: Corrected the revenue figure.\n"


def declare(repo: Path, path: str, when: str = NOW, note: str = "Corrected.") -> None:
    """Add an update entry dated ``when`` to a release (after its existing ones, if any)."""
    file = repo / path
    text = file.read_text()
    entry = f"  - date: {when}\n    note: {note}\n"
    if "updates:\n" in text:
        text = text.replace(ADD_UPDATE, ADD_UPDATE + entry)
    else:
        head, _, body = text[4:].partition("---\n")
        text = f"---\n{head}updates:\n{entry}---\n{body}"
    file.write_text(text)


def undeclared(path: str, line: int, field: str, what: str, published: str, first: str) -> str:
    # The example is written the way the file writes its fields: an entry at the end of a
    # block list of updates, or the whole list when the release has none yet.
    if path == Q4:
        fix = (
            "Tell readers what changed: add an entry at the end of updates, indented like "
            f"this:\\n  - date: {NOW}\\n    note: Corrected the {first}."
        )
    else:
        fix = (
            "Tell readers what changed: add these lines to the fields, indented like this:"
            f"\\nupdates:\\n  - date: {NOW}\\n    note: Corrected the {first}."
        )
    return (
        f"{path}:{line}: {field}: this release was published on {published} and its {what} "
        f"changed since, but there is no new entry under updates. {fix}"
    )


def replace_bytes(repo: Path, name: str) -> None:
    file = repo / "content/releases/2026/with-files" / name
    file.write_bytes(file.read_bytes() + b"\0")


Q4_DAY = "2025-12-15 07:30 UTC+01:00"
FILES_DAY = "2026-06-01 10:00 EDT"
FIRST_DAY = "2026-03-02 09:00 CET"

EDITS: list[tuple[str, Callable[[Path], None], str, int, str, str, str]] = [
    # (case, edit, file, line, field, what changed, published on)
    ("dateline", lambda r: edit(r, FIRST, "dateline: HAMBURG", "dateline: BERLIN"),
     FIRST, 4, "dateline", "dateline", FIRST_DAY),
    ("dateline removed", lambda r: edit(r, FIRST, "dateline: HAMBURG\n", ""),
     FIRST, 8, "dateline", "dateline", FIRST_DAY),
    ("forward_looking removed", lambda r: edit(r, Q4, "forward_looking: true\n", ""),
     Q4, 12, "forward_looking", "forward_looking", Q4_DAY),
    ("subtitle added", lambda r: edit(r, FIRST, "summary:", "subtitle: New.\nsummary:"),
     FIRST, 7, "subtitle", "subtitle", FIRST_DAY),
    ("image bytes", lambda r: replace_bytes(r, "plant.png"),
     FILES, 6, "image", "image", FILES_DAY),
    ("image alt", lambda r: edit(r, FILES, "alt: The new plant", "alt: A plant"),
     FILES, 6, "image", "image alt text", FILES_DAY),
    ("image caption", lambda r: edit(r, FILES, "  alt: The new plant", "  alt: The new plant\n"
     "  caption: Ohio"), FILES, 6, "image", "image caption", FILES_DAY),
    ("attachment bytes", lambda r: replace_bytes(r, "factsheet.pdf"),
     FILES, 9, "attachments", "attachments", FILES_DAY),
    ("attachment title", lambda r: edit(r, FILES, "Plant fact sheet", "Fact sheet"),
     FILES, 9, "attachments", "attachments", FILES_DAY),
    ("attachment removed", lambda r: edit(r, FILES, "attachments:\n  - file: factsheet.pdf\n"
     "    title: Plant fact sheet\n", ""), FILES, 10, "attachments", "attachments", FILES_DAY),
    ("contacts", lambda r: edit(r, Q4, "contacts: [ir]", "contacts: [press]"),
     Q4, 8, "contacts", "contacts", Q4_DAY),
    ("boilerplate named", lambda r: edit(r, FIRST, "tags:", "boilerplate: default\ntags:"),
     FIRST, 0, "", "", FIRST_DAY),
    ("text and title", lambda r: (
        edit(r, FIRST, "**first**", "first"),
        edit(r, FIRST, "title: Example launches", "title: Example ships")),
     FIRST, 2, "title", "title and text", FIRST_DAY),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "line", "field", "what", "path", "published"),
    [(e[1], e[3], e[4], e[5], e[2], e[6]) for e in EDITS],
    ids=[e[0] for e in EDITS],
)
def test_a_change_to_what_was_published_needs_an_update(
    repo: Path,
    change: Callable[[Path], None],
    line: int,
    field: str,
    what: str,
    path: str,
    published: str,
) -> None:
    change(repo)
    if not what:  # naming the boilerplate the release already showed changes nothing readers see
        assert problems(repo) == []
        return
    first = what.split(" and ")[0]
    assert problems(repo) == [undeclared(path, line, field, what, published, first)]
    declare(repo, path)
    assert problems(repo) == []


def test_topic_and_tags_may_change_without_an_update(repo: Path) -> None:
    edit(repo, FIRST, "category: products", "category: financial-results")
    edit(repo, FIRST, "tags: [launch, widgets]", "tags: [launch]")
    assert problems(repo) == []


MOVED_DATE = (
    "{path}:3: date: this release went live on {was} ({utc} UTC) and that instant cannot change. "
    "Put back date: {was}. To tell readers about a correction, add an entry under updates."
)


@pytest.mark.parametrize(
    ("path", "date", "was", "utc"),
    [
        (Q4, "2025-12-14T07:30:00+01:00", "2025-12-15T07:30+01:00", "2025-12-15 06:30"),
        (Q4, "2025-12-15 07:31 Europe/Berlin", "2025-12-15T07:30+01:00", "2025-12-15 06:30"),
        (
            FIRST,
            "2099-03-02 09:00 Europe/Berlin",
            "2026-03-02 09:00 Europe/Berlin",
            "2026-03-02 08:00",
        ),
        (FIRST, "2026-03-02 09:00 UTC", "2026-03-02 09:00 Europe/Berlin", "2026-03-02 08:00"),
    ],
    ids=["a day earlier", "a minute later", "to 2099", "other zone"],
)
def test_the_instant_a_release_went_live_never_changes(
    repo: Path,
    path: str,
    date: str,
    was: str,
    utc: str,
) -> None:
    text = (repo / path).read_text()
    edit(repo, path, next(x for x in text.splitlines() if x.startswith("date:")), f"date: {date}")
    found = [p for p in problems(repo) if ": warning: " not in p]
    assert found == [MOVED_DATE.format(path=path, was=was, utc=utc)]


@pytest.mark.parametrize(
    ("date", "same"),
    [
        ("2025-12-15 07:30 Europe/Berlin", False),  # the record and the page show the zone
        ("2025-12-15T06:30:00Z", False),
        ("2025-12-15T07:30+01:00", True),
        ("2025-12-15 07:30:00 +01:00", True),
    ],
)
def test_the_same_instant_must_keep_its_zone(repo: Path, date: str, same: bool) -> None:
    edit(repo, Q4, "date: 2025-12-15T07:30:00+01:00", f"date: {date}")
    found = problems(repo)
    if same:
        assert found == []
    else:
        assert found == [
            MOVED_DATE.format(path=Q4, was="2025-12-15T07:30+01:00", utc="2025-12-15 06:30")
        ]


def test_the_language_never_changes(repo: Path) -> None:
    edit(repo, FIRST, "summary:", "lang: de\nsummary:")
    assert problems(repo) == [
        f"{FIRST}:7: lang: this release went live on 2026-03-02 09:00 Europe/Berlin in the "
        "language en, and its language cannot change. Put back lang: en. To publish it in "
        "another language, add a translation (invoke translate)."
    ]


BACKDATED = (
    "the new entry: it is dated {when}, before this change was begun (the published version is "
    "from 2026-11-23 11:00 UTC). Date it when you make the change, like date: "
    f"{NOW}."
)
FUTURE = (
    "the new entry: it is dated {when}, which is later than now. Date it when you make the "
    f"change, like date: {NOW}; readers must see a correction together with the change it "
    "explains."
)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2025-12-15 07:31 Europe/Berlin", BACKDATED),  # one minute after publication
        ("2026-11-23 11:54 Europe/Berlin", BACKDATED),  # six minutes before the commit
        ("2099-01-01 00:00 Europe/Berlin", FUTURE),
        ("2026-11-23 13:06 Europe/Berlin", FUTURE),  # six minutes ahead
        ("2026-11-23 11:56 Europe/Berlin", None),  # clocks may disagree by a few minutes
        ("2026-11-23 13:04 Europe/Berlin", None),
        ("2026-11-23 12:00 Europe/Berlin", None),
    ],
)
def test_a_new_update_is_dated_now(repo: Path, when: str, expected: str | None) -> None:
    edit(repo, Q4, "EUR 1.1 billion", "EUR 1.2 billion")
    declare(repo, Q4, when)
    found = problems(repo)
    if expected is None:
        assert found == []
    else:
        assert found == [f"{Q4}:9: updates: " + expected.format(when=when)]


@pytest.mark.parametrize(
    "change",
    [
        ("    note: Corrected the revenue figure.", "    note: Corrected the revenue."),
        ("  - date: 2025-12-16 10:00", "  - date: 2025-12-16 11:00"),
        ("updates:\n  - date: 2025-12-16 10:00 Europe/Berlin\n" + ADD_UPDATE, ""),
    ],
    ids=["note", "date", "removed"],
)
def test_published_updates_never_change(repo: Path, change: tuple[str, str]) -> None:
    edit(repo, Q4, *change)
    declare(repo, Q4)
    line = 9
    assert (
        f"{Q4}:{line}: updates: the entry dated 2025-12-16 10:00 Europe/Berlin was published and "
        "has been changed or removed. Put it back exactly as it was: readers and regulators rely "
        "on the history. To correct it, add a new entry under updates." in problems(repo)
    )


def test_a_release_published_by_this_change_cannot_be_backdated(repo: Path) -> None:
    path = "content/releases/2026/embargoed-launch.md"
    text = (repo / path).read_text()
    date = next(line for line in text.splitlines() if line.startswith("date:"))
    edit(repo, path, date, "date: 2026-01-05 09:00 Europe/Berlin")
    assert problems(repo) == [
        f"{path}:3: date: this release is published by this change but dated 2026-01-05 09:00 "
        "Europe/Berlin, so the record would say it went live before it did. Date it when it "
        f"goes live, like date: {NOW}, or later to schedule it."
    ]
    edit(repo, path, "date: 2026-01-05 09:00 Europe/Berlin", "date: 2026-11-23 12:58 Europe/Berlin")
    assert problems(repo) == []


def undeclared_data(path: str, what: str, releases: str) -> str:
    return (
        f"{path}: this change alters the {what} shown on {releases}, but "
        "content/data/changes.yml has no new entry. Tell readers what changed with a new entry in "
        f'content/data/changes.yml, for example: changes: [{{date: {NOW}, note: "Updated the '
        f'{what}."}}] (if the file has entries already, add yours to that list).'
    )


DATA_EDITS = [
    (
        "contacts.yml",
        ("email: ir@example.com", "email: investors@example.com"),
        "content/data/contacts.yml",
        "contacts",
        f"1 published release ({Q4})",
    ),
    (
        "company.yml",
        ("contacts: [press]", "contacts: [ir]"),
        "content/data/company.yml",
        "contacts",
        f"2 published releases ({FIRST}, {FILES})",
    ),
    (
        "company.yml",
        ("Actual results may differ.", "Actual results may vary."),
        "content/data/company.yml",
        "safe-harbor statement",
        f"1 published release ({Q4})",
    ),
    (
        "boilerplates.yml",
        ("for **everyone**", "for everyone"),
        "content/data/boilerplates.yml",
        "boilerplate",
        f"3 published releases ({Q4}, {FIRST}, {FILES})",
    ),
]


@pytest.mark.parametrize(("name", "change", "path", "what", "releases"), DATA_EDITS)
def test_a_data_change_that_alters_published_releases_is_declared(
    repo: Path,
    name: str,
    change: tuple[str, str],
    path: str,
    what: str,
    releases: str,
) -> None:
    edit(repo, f"content/data/{name}", *change)
    assert problems(repo) == [undeclared_data(path, what, releases)]
    log = repo / "content/data/changes.yml"
    log.write_text(f"changes:\n  - date: 2026-11-23 11:30 UTC\n    note: Updated the {what}.\n")
    assert problems(repo) == []


def test_a_data_change_no_published_release_shows_needs_nothing(repo: Path) -> None:
    contacts = repo / "content/data/contacts.yml"
    contacts.write_text(
        contacts.read_text()
        + "new:\n  name: N\n  role: R\n  email: n@example.com\n  translations: {de: {role: R}}\n"
    )
    edit(repo, "content/data/contacts.yml", "phone: +49 40 5550 1000", "phone: +49 40 5550 2000")
    assert problems(repo) == [
        undeclared_data(
            "content/data/contacts.yml", "contacts", f"2 published releases ({FIRST}, {FILES})"
        )
    ]
    edit(repo, "content/data/contacts.yml", "phone: +49 40 5550 2000", "phone: +49 40 5550 1000")
    assert problems(repo) == []


def test_the_data_change_log_is_dated_honestly_and_kept(repo: Path) -> None:
    log = repo / "content/data/changes.yml"
    log.write_text("changes:\n  - date: 2026-01-01 09:00 Europe/Berlin\n    note: Old.\n")
    assert problems(repo) == [
        "content/data/changes.yml:1: changes: "
        + BACKDATED.format(when="2026-01-01 09:00 Europe/Berlin")
    ]


WITHDRAW = (
    "status: withdrawn\nwithdrawal:\n  date: {when}\n"
    "  reason: Withdrawn at the request of the court of Hamburg.\n---\n"
)


def withdraw(repo: Path, path: str, when: str = NOW) -> None:
    file = repo / path
    head, _, body = file.read_text()[4:].partition("---\n")
    file.write_text(f"---\n{head}{WITHDRAW.format(when=when)}{body}")


def test_a_withdrawal_dated_now_passes_and_stays(repo: Path) -> None:
    withdraw(repo, FIRST)
    assert problems(repo) == []
    git(repo, "commit", "-qam", "Withdrawn")
    text = (repo / FIRST).read_text()
    (repo / FIRST).write_text(text.replace(WITHDRAW.format(when=NOW), "---\n"))
    assert problems(repo) == [
        f"{FIRST}:9: withdrawal: the entry dated {NOW} was published and has been changed or "
        "removed. Put it back exactly as it was: readers and regulators rely on the history. "
        "A withdrawn release stays withdrawn; to publish the news again, add a new release."
    ]


@pytest.mark.parametrize(
    ("when", "expected"),
    [("2026-04-01 09:00 Europe/Berlin", BACKDATED), ("2099-01-01 00:00 Europe/Berlin", FUTURE)],
)
def test_a_withdrawal_is_dated_now(repo: Path, when: str, expected: str) -> None:
    withdraw(repo, FIRST, when)
    assert problems(repo) == [f"{FIRST}:9: withdrawal: " + expected.format(when=when)]
