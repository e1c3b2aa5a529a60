"""invoke check against hostile and careless content: each fixture is the attack, and the
check answers with the exact line an author sees, never a traceback or a later failure."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from file_samples import picture
from invoke import Context, Exit
from PIL import Image

import tasks
from newsroom.problems import display_path
from support import ROOT, Site

HEAD = "---\ntitle: T\ndate: {date}\ncategory: products\nsummary: S.\n{extra}---\n{body}\n"
CASE = "releases/2026/case.md"
FIX_CHARACTER = "Delete it: retype the text around it, or paste the text again as plain text."


def release(date: str = "2026-05-04 09:00 Europe/Berlin", extra: str = "", body: str = "B.") -> str:
    return HEAD.format(date=date, extra=extra, body=body)


def run_check(site: Site, capsys: pytest.CaptureFixture[str], github: bool = False) -> list[str]:
    """The real task's output, with paths shown from the site's folder; [] means it passed."""
    try:
        tasks.check(Context(), github=github, content=str(site.path))
        passed = True
    except Exit as err:
        assert err.code == 1
        passed = False
    out = capsys.readouterr().out.replace(display_path(site.path, ROOT) + "/", "")
    lines = out.splitlines()
    assert passed == lines[-1].startswith("All good"), out
    return [] if passed else lines[:-1]


def bomb(levels: int = 8) -> str:
    """A "billion laughs": nine references per level, 9**8 values in under 600 bytes."""
    names = "abcdefghij"
    lines = [f"{names[0]}: &{names[0]} [" + ",".join(['"lol"'] * 9) + "]"]
    for i in range(1, levels):
        refs = ",".join([f"*{names[i - 1]}"] * 9)
        lines.append(f"{names[i]}: &{names[i]} [{refs}]")
    return "\n".join(lines) + "\n"


REFERENCE_FIX = (
    "Write the value out in full wherever it is needed; if a value itself starts with & or *, "
    "put the whole value in double quotes."
)

# (what is tried, the release file, the exact lines the check prints for it)
RELEASE_CASES = [
    (
        "a date in year 0",
        release("0000-01-01 09:00 Europe/Berlin"),
        [
            f'{CASE}:3: date: "0000-01-01 09:00 Europe/Berlin" is in the year 0; dates must be '
            "between 1970 and 2200. Check the year, and write it like 2026-11-23 09:00 "
            "Europe/Berlin."
        ],
    ),
    (
        "the first day of the calendar in Tokyo, before UTC begins",
        release("0001-01-01 00:00 Asia/Tokyo"),
        [
            f'{CASE}:3: date: "0001-01-01 00:00 Asia/Tokyo" is in the year 1; dates must be '
            "between 1970 and 2200. Check the year, and write it like 2026-11-23 09:00 "
            "Asia/Tokyo."
        ],
    ),
    (
        "the last second of the calendar, behind UTC",
        release("9999-12-31T23:59:59-12:00"),
        [
            f'{CASE}:3: date: "9999-12-31T23:59:59-12:00" is in the year 9999; dates must be '
            "between 1970 and 2200. Check the year, and write it like 2026-11-23 09:00 "
            "-12:00."
        ],
    ),
    (
        "an update in year 0",
        release(extra="updates:\n  - date: 0000-02-30 09:00 UTC\n    note: Fixed.\n"),
        [
            f'{CASE}:7: updates[1].date: "0000-02-30 09:00 UTC" is in the year 0; dates must '
            "be between 1970 and 2200. Check the year, and write it like 2026-11-23 09:00 "
            "UTC."
        ],
    ),
    (
        "flow nesting 5,000 levels deep",
        release(extra="tags: " + "[" * 5000 + "]" * 5000 + "\n"),
        [
            f"{CASE}:6: tags: lists and groups are nested more than 20 levels deep here. A "
            "release needs at most three levels (like updates:, then - date:); remove the "
            "extra brackets or indentation."
        ],
    ),
    (
        "block nesting deeper than any release needs",
        release(extra="image:\n" + "".join(f"{'  ' * i}- \n" for i in range(1, 30))),
        [
            f"{CASE}:26: image: lists and groups are nested more than 20 levels deep here. A "
            "release needs at most three levels (like updates:, then - date:); remove the "
            "extra brackets or indentation."
        ],
    ),
    (
        "an alias bomb",
        "---\n" + bomb() + "---\nB.\n",
        [
            f"{CASE}:2: a: a value on this line starts with &, which YAML reads as a name for "
            "the value (&a) so that it can be repeated elsewhere; the newsroom's files do not "
            f"use such references. {REFERENCE_FIX}"
        ],
    ),
    (
        "an alias without its anchor",
        release(extra="subtitle: *headline\n"),
        [
            f"{CASE}:6: subtitle: a value on this line starts with *, which YAML reads as a "
            "reference to another value (*headline); references are not used in the "
            'newsroom\'s files. Put the whole value in double quotes: subtitle: "*headline".'
        ],
    ),
    (
        "a merge key",
        release(extra="image:\n  <<: {file: a.png}\n  alt: A\n"),
        [
            f"{CASE}:7: image: << on this line asks YAML to copy fields from elsewhere (a "
            "merge key); the newsroom's files do not use it. Write the fields out in full."
        ],
    ),
    (
        "a NUL written as an escape in the title",
        release(extra='subtitle: "Big\\0news"\n'),
        [
            f"{CASE}:6: subtitle: this line contains a NUL character (U+0000), which cannot "
            f"be published. {FIX_CHARACTER}"
        ],
    ),
    (
        "a bell character in a tag",
        release(extra='tags: [ok, "ring\\a"]\n'),
        [
            f"{CASE}:6: tags[2]: this line contains an invisible control character (U+0007), "
            f"which cannot be published. {FIX_CHARACTER}"
        ],
    ),
    (
        "a lone surrogate",
        release(extra='dateline: "\\ud800"\n'),
        [
            f"{CASE}:6: dateline: this line contains a broken character, half of a pair "
            f"(U+D800), which cannot be published. {FIX_CHARACTER}"
        ],
    ),
    (
        "a non-character",
        release(extra='subtitle: "\\uFFFF"\n'),
        [
            f"{CASE}:6: subtitle: this line contains a code that is not a character (U+FFFF), "
            f"which cannot be published. {FIX_CHARACTER}"
        ],
    ),
    (
        "a right-to-left override that reverses how a title reads",
        release(extra="subtitle: Profit \u202eup 30%\n"),
        [
            f"{CASE}:6: this line contains a text-direction control character (U+202E), "
            f"which cannot be published. {FIX_CHARACTER}"
        ],
    ),
    (
        "a next-line character (C1) in the summary's line",
        release(extra="dateline: HAMBURG\x85\n"),
        [
            f"{CASE}:6: this line contains a next-line character (U+0085), which cannot be "
            f"published. {FIX_CHARACTER}"
        ],
    ),
    (
        "a soft line break pasted into the front matter",
        release(extra="subtitle: one\x0btwo\n"),
        [
            f"{CASE}:6: this line contains a vertical tab, a word processor's soft line break "
            f"(U+000B), which cannot be published. {FIX_CHARACTER}"
        ],
    ),
    (
        "an escape character in the text",
        release(body="Fine.\n\nColour \x1b[31mred\x1b[0m."),
        [
            f"{CASE}:9: body: this line contains an escape character (U+001B), which cannot be "
            f"published. {FIX_CHARACTER}"
        ],
    ),
    (
        "HTML codes for control characters, which Markdown passes and the sanitizer decodes",
        release(body="Price &#128;5, fine.\n\nA &#x1b;[31m code and a &#11 tab."),
        [
            f'{CASE}:9: body: this line contains "&#x1b;", the code for an escape character '
            f"(U+001B), which cannot be published. {FIX_CHARACTER}"
        ],
    ),
    (
        "an HTML code for a non-character in an update's note",
        release(extra='updates:\n  - date: 2026-05-05 09:00 UTC\n    note: "Fixed &#xFFFF;."\n'),
        [
            f'{CASE}:8: this line contains "&#xFFFF;", the code for a code that is not a '
            f"character (U+FFFF), which cannot be published. {FIX_CHARACTER}"
        ],
    ),
    (
        "front matter far larger than fields need",
        release(extra="# padding\n" * 7000),
        [
            f"{CASE}:2: the front matter (between the --- lines) is 68 KB; it may be at most "
            "64 KB. Keep only the fields there, and put the text of the release below the "
            "closing --- line."
        ],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [pytest.param(text, expected, id=name) for name, text, expected in RELEASE_CASES],
)
def test_hostile_release_is_refused_in_words(
    site: Site, capsys: pytest.CaptureFixture[str], text: str, expected: list[str]
) -> None:
    site.write(CASE, text)
    assert [line for line in run_check(site, capsys) if line.startswith(CASE)] == expected


def test_alias_bomb_is_small_and_refused_before_it_expands(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "---\n" + bomb() + "title: T\n---\nB.\n"
    assert len(text.encode()) < 600
    site.write(CASE, text)
    lines = run_check(site, capsys)
    assert [line for line in lines if line.startswith(CASE)] == [
        f"{CASE}:2: a: a value on this line starts with &, which YAML reads as a name for the "
        "value (&a) so that it can be repeated elsewhere; the newsroom's files do not use "
        f"such references. {REFERENCE_FIX}"
    ]


def test_a_folder_named_like_a_release_is_reported(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    site.write("releases/2026/x.md/photo.jpg", picture("jpeg"))
    site.write("pages/team.md/notes.txt", "x")
    assert run_check(site, capsys) == [
        "pages/team.md: this is a folder, but its name ends in .md like a release or page "
        "file. Rename the folder: a release's pictures and downloads go in a folder named "
        "like the release without .md, such as team/.",
        "releases/2026/x.md: this is a folder, but its name ends in .md like a release or "
        "page file. Rename the folder: a release's pictures and downloads go in a folder "
        "named like the release without .md, such as x/.",
    ]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 2), "navy").save(out, format="PNG")
    return out.getvalue()


COMPANY = "data/company.yml"


@pytest.mark.parametrize(
    ("logo", "files", "expected"),
    [
        pytest.param(
            "../secrets.png",
            {},
            'logo: "../secrets.png" is not a file in the media folder. Put the logo in '
            "content/media/ and write its path from the content folder, like logo: media/logo.svg.",
            id="outside the content folder",
        ),
        pytest.param(
            "media/../data/company.yml",
            {},
            'logo: "media/../data/company.yml" is not a file in the media folder. Put the '
            "logo in content/media/ and write its path from the content folder, like logo: "
            "media/logo.svg.",
            id="climbing out of media",
        ),
        pytest.param(
            "media/logo.png",
            {},
            'logo: "media/logo.png" was not found. Upload the logo to content/media/, or '
            "correct the path (capital letters count).",
            id="missing",
        ),
        pytest.param(
            "media/logo.png",
            {"media/logo.png": b"<html>not a picture</html>"},
            'logo: "media/logo.png" is not a usable picture: it cannot be opened as a '
            "picture; it may be damaged. Save it again as JPEG or PNG in your image "
            "program, and replace the file.",
            id="not a PNG",
        ),
        pytest.param(
            "media/logo.svg",
            {"media/logo.svg": _png()},
            'logo: "media/logo.svg" is not an SVG picture. Export the logo again as SVG from '
            "your drawing program, and replace the file.",
            id="not an SVG",
        ),
        pytest.param(
            "media/logo.html",
            {"media/logo.html": "<svg/>"},
            'logo: "media/logo.html" is not a picture type the newsroom can show as a logo. '
            "Use one of these types: svg, png, jpg, jpeg, webp, gif.",
            id="not a picture type",
        ),
    ],
)
def test_company_logo_is_checked(
    site: Site,
    capsys: pytest.CaptureFixture[str],
    logo: str,
    files: dict[str, bytes | str],
    expected: str,
) -> None:
    for name, data in files.items():
        site.write(name, data)
    company = (site.path / COMPANY).read_text()
    site.write(COMPANY, company + f"logo: {logo}\n")
    line = len(company.splitlines()) + 1
    # Shown from the repository in real use (content/media/); here from the site's folder.
    expected = expected.replace("content/media/", "media/")
    assert [p for p in run_check(site, capsys) if p.startswith(COMPANY)] == [
        f"{COMPANY}:{line}: {expected}"
    ]


def test_a_real_logo_passes(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    site.write("media/logo.png", _png())
    site.write(COMPANY, (site.path / COMPANY).read_text() + "logo: media/logo.png\n")
    assert run_check(site, capsys) == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            "products: &p\n  name: P\n  description: D\n",
            "data/topics.yml:1: products: a value on this line starts with &, which YAML reads "
            "as a name for the value (&p) so that it can be repeated elsewhere; the newsroom's "
            f"files do not use such references. {REFERENCE_FIX}",
            id="anchor",
        ),
        pytest.param(
            "products:\n  name: P\n  description: D\nother:\n  <<: {name: O}\n  description: D\n",
            "data/topics.yml:5: other: << on this line asks YAML to copy fields from elsewhere "
            "(a merge key); the newsroom's files do not use it. Write the fields out in full.",
            id="merge key",
        ),
    ],
)
def test_data_files_refuse_references(
    site: Site, capsys: pytest.CaptureFixture[str], data: str, expected: str
) -> None:
    site.write("data/topics.yml", data)
    lines = [p for p in run_check(site, capsys) if p.startswith("data/topics.yml")]
    assert lines == [expected]


def test_soft_line_breaks_in_the_text_become_line_breaks(
    site: Site, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    site.write(
        CASE,
        release(
            "2026-12-24 09:00 Europe/Berlin",  # embargoed at the build instant of the tests
            body="First line\x0bsecond line.\n\n| Item | Note |\n|---|---|\n| a | one\x0btwo |",
        ),
    )
    assert run_check(site, capsys) == []
    site.build(tmp_path / "out", as_of="2026-12-24T08:00:00Z")
    page = (tmp_path / "out/news/2026/case/index.html").read_text()
    assert "<p>First line<br>second line.</p>" in page
    assert "<td>one<br>two</td>" in page


def test_dates_at_the_limits_pass_and_build(
    site: Site, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The extreme offsets at both ends of the accepted years: the check's own build (as of
    the last instant) and a build as of the first one both work."""
    site.write("releases/2200/last.md", release("2200-12-31T23:59:59-12:00"))
    site.write("releases/1970/first.md", release("1970-01-01T00:00:00+14:00"))
    assert run_check(site, capsys) == []
    site.build(tmp_path / "out", as_of="1970-01-01T00:00:00Z")
    assert (tmp_path / "out/news/1970/first/index.html").is_file()


def test_as_of_beyond_the_calendar_is_a_plain_message() -> None:
    with pytest.raises(Exit) as stopped:
        tasks.build(Context(), as_of="9999-12-31T23:59:59-12:00", output="unused")
    assert stopped.value.message == (
        '--as-of: "9999-12-31T23:59:59-12:00" is in the year 9999; dates must be between 1970 '
        "and 2200. Check the year, and write it like 2026-11-23 09:00 -12:00."
    )


FORGED = 'category: "nope\\n::stop-commands::x\\n::notice ::All checks passed"\n'


def test_github_annotations_cannot_be_forged(
    site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    site.write(
        CASE,
        "---\ntitle: T\ndate: 2026-05-04 09:00 Europe/Berlin\n" + FORGED + "summary: S.\n---\nB.\n",
    )
    lines = run_check(site, capsys, github=True)
    assert lines == [
        f'{CASE}:4: category: "nope\\n::stop-commands::x\\n::notice ::All checks passed" is '
        "not one of the site's topics (content/data/topics.yml). Use one of: "
        "financial-results, products.",
        f'::error file={CASE},line=4,title=category%3A field-unknown-value::"nope%0A::stop-'
        "commands::x%0A::notice ::All checks passed\" is not one of the site's topics "
        "(content/data/topics.yml). Use one of: financial-results, products.",
    ]
    # The runner reads a command from any line that starts with :: after leading spaces.
    commands = [line for line in lines if line.lstrip().startswith("::")]
    assert commands == [lines[1]]


def test_a_field_name_with_a_line_break_stays_on_its_line(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    site.write(CASE, release(extra='"x\\n::warning ::forged": 1\n'))
    lines = run_check(site, capsys, github=True)
    assert not any(line.lstrip().startswith("::warning") for line in lines)
    assert any(line.startswith(f"{CASE}:6: x\\n::warning ::forged: ") for line in lines)


def _theme_failing_on(tmp_path: Path, template: str, condition: str) -> Path:
    """A settings file whose theme fails where ``condition`` holds: a stand-in for any
    failure the check's other rules do not know yet, to see the rehearsal name its file."""
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    page = theme / "templates" / template
    page.write_text(
        f"{{% if {condition} %}}{{{{ no_such_value }}}}{{% endif %}}\n" + page.read_text()
    )
    settings = tmp_path / "failingconf.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"THEME = {str(theme)!r}\nPLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
    )
    return settings


def test_check_names_each_release_a_later_build_fails_on(
    site: Site, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The check builds the site as it will be when the last release is live, so a release
    that would stop builds only from its own instant stops the pull request instead."""
    for name in ("boom", "second-boom"):
        site.write(
            f"releases/2100/{name}.md",
            "---\ntitle: Boom\ndate: 2100-01-04 09:00 Europe/Berlin\ncategory: products\n"
            "summary: S.\n---\nB.\n",
        )
    settings = _theme_failing_on(tmp_path, "article.html", 'article.title == "Boom"')
    with pytest.raises(Exit):
        tasks.check(Context(), settings=str(settings), content=str(site.path))
    out = capsys.readouterr().out.replace(display_path(site.path, ROOT) + "/", "")
    failure = "(UndefinedError: 'no_such_value' is undefined)"
    fix = (
        "Look for unusual characters or values in it; if you find nothing, ask IT and show "
        "them this message (the check built the site as of 2100-01-04 08:00 UTC)."
    )
    assert out.splitlines() == [
        f"releases/2100/boom.md: the site cannot be built once this release is live {failure}. "
        + fix,
        f"releases/2100/second-boom.md: the site cannot be built once this release is live "
        f"{failure}. {fix}",
        "2 errors in 2 files. Fix the errors above, then run the check again.",
    ]


def test_check_names_the_shared_data_when_no_release_is_to_blame(
    site: Site, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    settings = _theme_failing_on(tmp_path, "base.html", "company.ticker")
    with pytest.raises(Exit):
        tasks.check(Context(), settings=str(settings), content=str(site.path))
    out = capsys.readouterr().out.replace(display_path(site.path, ROOT) + "/", "")
    assert out.splitlines()[0].startswith(
        "data: the site cannot be built with the shared data (UndefinedError: 'no_such_value' "
        "is undefined). Look for unusual characters"
    )


def test_check_output_survives_hostile_file_names(site: Site) -> None:
    """Through the command line as CI runs it, printing to a strict UTF-8 stream: a file
    name holding a line break or a byte that is not UTF-8 stays on its own line."""
    folder = site.path / "releases" / "2026"
    (folder / "a\n::notice ::forged.md").write_text("---\ntitle: T\n---\nB.\n")
    with open(os.fsencode(folder) + b"/b\xff.md", "wb") as file:
        file.write(b"---\ntitle: T\n---\nB.\n")
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "check", "--github", "--content", str(site.path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8:strict", "GITHUB_ACTIONS": "true"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "8 errors in 2 files. Fix the errors above, then run the check again."
    commands = [line for line in lines if line.lstrip().startswith("::")]
    assert len(commands) == 8 and all(line.startswith("::error file=") for line in commands)
    assert any('the file name "a\\n::notice ::forged.md" cannot be used' in x for x in lines)
    assert any('the file name "b\\udcff.md" cannot be used' in x for x in lines)


def test_a_fact_sheet_day_in_year_zero_is_a_message(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    site.write(
        "data/media-kit.yml",
        "facts:\n  title: Fact sheet\n  as_of: 0000-01-01\n  items:\n    - label: Founded\n"
        '      value: "1998"\n',
    )
    assert run_check(site, capsys) == [
        'data/media-kit.yml:3: facts.as_of: "0000-01-01" is in the year 0; dates must be '
        "between 1970 and 2200. Check the year, and write it as year-month-day, like "
        "2026-09-30."
    ]
