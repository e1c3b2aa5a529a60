"""The editor at /admin/, driven in Chromium against a git repository on this machine.

The sample newsroom is copied into a fresh repository; the development server serves its
build under the editor's own CSP and passes /api/v1 to decap-server (tools/editor_backend.py),
as ``invoke serve --editor`` does. Releases are written through the form, saved on the
editor's ``cms/…`` branches like pull requests, merged, and then checked with the real
``invoke check``. Nothing may leave 127.0.0.1, and the page may not break its CSP.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from newsroom import commands
from newsroom.dates import parse_instant
from support import AS_OF, ROOT, git
from tools import devserver, editor_backend

pytestmark = pytest.mark.browser

# The guide's screenshots (docs/authoring.md) are taken here: `invoke screenshots` runs these
# tests with MASTHEAD_SCREENSHOTS set to docs/images, so they show the editor as it is.
SCREENSHOTS = os.environ.get("MASTHEAD_SCREENSHOTS")
SAMPLE = "content/releases/2026/q3-2026-quarterly-statement.md"
TITLE = "Aldercrest opens grid software lab in Kiel"
SLUG = "aldercrest-opens-grid-software-lab-in-kiel"
TITLE_DE = "Aldercrest eröffnet Labor für Netzsoftware in Kiel"
SLUG_DE = "aldercrest-eroffnet-labor-fur-netzsoftware-in-kiel"
SUMMARY = "Aldercrest has opened a lab in Kiel: 40 engineers, #1 for grid software."
#: The new release's day: months after the test runs, so it is embargoed whenever it runs.
AHEAD = f"{datetime.now(UTC) + timedelta(days=120):%Y-%m-%d}"
YEAR = AHEAD[:4]
# What the form writes for the new release: no empty field, the file names plain, the date
# in the project's own form and in the zone chosen, the year folder the date's.
EXPECTED = f"""\
---
title: {TITLE}
date: {AHEAD} 09:30 America/New_York
category: products
summary: "Aldercrest has opened a lab in Kiel: 40 engineers, #1 for grid software."
lang: en
translation_key: kiel-lab
image:
  file: kiel.jpg
  alt: Engineers at screens in the new Kiel lab
attachments:
  - file: kiel-fact-sheet.pdf
    title: Fact sheet (PDF)
status: published
---
The lab opens with 40 engineers.
"""


IT_GIT = ["git", "-c", "user.name=IT", "-c", "user.email=it@example.com"]


@dataclass
class Editor:
    url: str
    repo: Path


@pytest.fixture(scope="module")
def editor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Editor]:
    """A repository holding the sample newsroom, served with the editor's local backend.

    Shared by the tests below to keep them quick: each writes releases of its own.
    """
    tmp_path = tmp_path_factory.mktemp("editor")
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copytree(ROOT / "content", repo / "content")
    shutil.copy(ROOT / ".gitignore", repo / ".gitignore")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "Sample newsroom")
    output = tmp_path / "output"

    def build() -> tuple[bool, str]:
        settings = commands.pelican_settings(
            ROOT / "pelicanconf.py",
            as_of=AS_OF,
            output=output,
            content=repo / "content",
            extra={"NEWSROOM_ROOT": str(repo)},
        )
        commands.build(settings)
        return True, ""

    try:
        backend = editor_backend.running(repo)
        api = backend.__enter__()
    except editor_backend.EditorBackendError as err:
        pytest.fail(str(err))
    server = devserver.DevServer(output, [], build, port=0, editor_api=api)
    server.start()
    try:
        assert server.problems == "", server.problems
        yield Editor(server.url, repo)
    finally:
        server.stop()
        backend.__exit__(None, None, None)


@pytest.fixture
def admin(browser: object, editor: Editor) -> Iterator[object]:
    """The editor's page; afterwards, no request left loopback and no CSP rule was broken."""
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1366, "height": 900}, locale="en-GB"
    )
    context.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation', "
        "(e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} at "
        "${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`));"
    )
    page = context.new_page()
    outside: list[str] = []
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    # The requests passed on to decap-server and not answered yet (see idle()).
    forwarded: list[object] = []

    def route(r: object) -> None:
        url = r.request.url  # type: ignore[attr-defined]
        if url.startswith((editor.url, "data:", "blob:")):
            if url == f"{editor.url}/api/v1":
                forwarded.append(r.request)  # type: ignore[attr-defined]
            r.continue_()  # type: ignore[attr-defined]
        else:
            outside.append(url)
            r.abort()  # type: ignore[attr-defined]

    def answered(request: object) -> None:
        if request in forwarded:
            forwarded.remove(request)

    page.route("**/*", route)
    page.on("requestfinished", answered)
    page.on("requestfailed", answered)
    page.errors = errors  # type: ignore[attr-defined]
    page.forwarded = forwarded  # type: ignore[attr-defined]
    response = page.goto(f"{editor.url}/admin/")
    # The editor runs under a policy that lets no text run as code (tools/vendor_cms.py).
    policy = response.headers["content-security-policy"].split("; ")  # type: ignore[attr-defined]
    assert "script-src 'self'" in policy, policy
    assert not any("unsafe-eval" in directive for directive in policy), policy
    # The local backend needs no account: "Login" opens the repository on this machine.
    page.get_by_role("button", name="Login").click(timeout=30_000)
    page.get_by_role("link", name="Press releases").first.wait_for(timeout=30_000)
    yield page
    violations = page.evaluate("window.__csp")
    idle(page)  # decap-server goes on with a request whose page is closed
    context.close()
    assert outside == [], f"requests left 127.0.0.1: {outside}"
    assert violations == [], f"CSP violations: {violations}"
    assert errors == [], errors


def test_decap_checks_the_configuration_the_build_writes(browser: object, editor: Editor) -> None:
    """Decap's own configuration check, which /admin/ skips because it compiles its schema
    with ``new Function`` (tools/vendor_cms.py), run unchanged on the configuration the
    editor loaded, in a page allowed to compile: it passes, and it still finds mistakes."""
    context = browser.new_context(bypass_csp=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith(editor.url) else r.abort()
    )
    page.goto(f"{editor.url}/admin/")
    page.wait_for_function("typeof window.NEWSROOM_VALIDATE_CMS_CONFIG === 'function'")
    found = page.evaluate(
        """async () => {
            const check = (...config) => {
                try { window.NEWSROOM_VALIDATE_CMS_CONFIG(...config); return "valid"; }
                catch (error) { return error.message; }
            };
            const text = await (await fetch("config.yml")).text();
            const read = () => jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA });
            const broken = read();
            delete broken.backend;
            const topic = broken.collections[0].fields.find((f) => f.name === "category");
            delete topic.options;
            // What settings.py refuses in NEWSROOM_CMS_BACKEND, Decap refuses too.
            const backend = { name: "github", auth_scope: "admin", cms_label_prefix: "",
                              open_authoring: "yes" };
            return [check(), check(broken), check({ ...read(), backend })];
        }"""
    )
    context.close()
    with urllib.request.urlopen(f"{editor.url}/admin/config.yml") as answer:
        config = yaml.safe_load(answer.read())
    fields = [f["name"] for f in config["collections"][0]["fields"]]
    topic = f"collections[0].fields[{fields.index('category')}]"
    assert found[0] == "valid"
    # Decap's words (ajv-keywords then adds a line naming a wrong case of its select).
    assert found[1].splitlines()[:2] == [
        "config must have required property 'backend'",
        f"'{topic}' must have required property 'options'",
    ]
    assert found[2].splitlines() == [
        "'backend.auth_scope' must be equal to one of the allowed values",
        "'backend.cms_label_prefix' must NOT have fewer than 1 characters",
        "'backend.open_authoring' must be boolean",
    ]


def field(page: object, name: str, index: int = 0) -> object:
    """A form control by its field name: Decap gives each the id <name>-field-<n>."""
    return page.locator(f'[id^="{name}-field-"]').nth(index)  # type: ignore[attr-defined]


def choose(page: object, name: str, option: str) -> None:
    """Pick an option of a select field by typing it, as a keyboard user would."""
    field(page, name).click()  # type: ignore[attr-defined]
    page.keyboard.type(option)  # type: ignore[attr-defined]
    page.keyboard.press("Enter")  # type: ignore[attr-defined]


def set_instant(date_input: object, date: str, time: str, zone: str) -> None:
    """Fill the publication-time widget: its date, its time and its zone."""
    box = date_input.locator("xpath=..")  # type: ignore[attr-defined]
    date_input.fill(date)  # type: ignore[attr-defined]
    box.get_by_label("Time", exact=True).fill(time)
    box.get_by_label("Time zone").select_option(zone)


def upload(page: object, button: str, file: Path) -> None:
    """Choose a file through the editor's media dialog: upload it, then select it."""
    page.get_by_role("button", name=button).click()  # type: ignore[attr-defined]
    page.locator('input[type="file"]').set_input_files(str(file))  # type: ignore[attr-defined]
    page.get_by_role("button", name="Choose selected").click()  # type: ignore[attr-defined]


def new_release(page: object, url: str) -> None:
    """Open an empty form (a fresh page load: the editor keeps the last entry's body)."""
    page.goto(f"{url}/admin/#/collections/releases/new")  # type: ignore[attr-defined]
    page.reload()  # type: ignore[attr-defined]
    field(page, "title").wait_for(timeout=30_000)  # type: ignore[attr-defined]
    assert field(page, "title").input_value() == ""  # type: ignore[attr-defined]


def save(page: object) -> None:
    """Click Save and wait for the local backend to have written the entry."""

    def persisted(response: object) -> bool:
        body = response.request.post_data or ""  # type: ignore[attr-defined]
        return response.url.endswith("/api/v1") and '"action":"persistEntry"' in body  # type: ignore[attr-defined]

    with page.expect_response(persisted, timeout=60_000) as answer:  # type: ignore[attr-defined]
        page.get_by_role("button", name="Save", exact=True).click()  # type: ignore[attr-defined]
    assert answer.value.ok, answer.value.text()


def shot(page: object, name: str) -> None:
    """A screenshot for the guide, when asked for one."""
    if SCREENSHOTS:
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"))  # type: ignore[attr-defined]


def branch_file(repo: Path, branch: str, path: str) -> bytes:
    return subprocess.run(
        ["git", "-C", str(repo), "show", f"{branch}:{path}"], capture_output=True, check=True
    ).stdout


def idle(page: object) -> None:
    """Wait until decap-server has answered every request the page sent it.

    decap-server runs ``git checkout`` for every request, reads included, so a git command of
    the test at the same time fails with "cannot lock ref 'HEAD'", and a file read then may
    come from a ``cms/…`` branch. Once the page has nothing in flight, the repository is the
    test's until its next Playwright call: the page's next request waits in the route handler
    (admin()), which Playwright's synchronous API runs only inside one of its calls.
    """
    forwarded: list[object] = page.forwarded  # type: ignore[attr-defined]
    deadline = time.monotonic() + 60
    while forwarded:
        assert time.monotonic() < deadline, f"decap-server did not answer: {forwarded}"
        page.wait_for_timeout(20)  # type: ignore[attr-defined]  # lets the answers arrive


def merge_all(page: object, repo: Path) -> list[str]:
    """Merge every branch the editor saved to, as IT merges the pull requests (and, as
    GitHub does then, delete the branch: the editor lists open branches as its workflow)."""
    idle(page)
    listed = subprocess.run(
        ["git", "-C", str(repo), "branch", "--format=%(refname:short)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    branches = [b for b in listed if b.startswith("cms/")]
    for branch in branches:
        merged = subprocess.run(
            [*IT_GIT, "-C", str(repo), "merge", "-q", "--no-edit", branch],
            capture_output=True,
            text=True,
            check=False,
        )
        assert merged.returncode == 0, merged.stderr
        git(repo, "branch", "-q", "-d", branch)
    return branches


def invoke_check(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", "check", "--content", str(repo / "content")],
        cwd=ROOT,
        env={**os.environ, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_new_release_and_its_german_translation_pass_the_check(
    admin: object, editor: Editor, tmp_path: Path
) -> None:
    page = admin
    files = tmp_path / "upload"
    files.mkdir()
    shutil.copy(ROOT / "content/media/kit/grid-controller.jpg", files / "kiel.jpg")
    pdf = ROOT / "content/releases/2026/q3-2026-quarterly-statement/q3-2026-fact-sheet.pdf"
    shutil.copy(pdf, files / "kiel-fact-sheet.pdf")

    new_release(page, editor.url)
    field(page, "title").fill(TITLE)  # type: ignore[attr-defined]
    # A new release starts as a draft, in the site's zone.
    assert "draft" in field(page, "status").locator("xpath=../..").inner_text()  # type: ignore[attr-defined]
    date = field(page, "date")
    assert date.locator("xpath=..").get_by_label("Time zone").input_value() == "Europe/Berlin"  # type: ignore[attr-defined]
    set_instant(date, AHEAD, "09:30", "America/New_York")
    choose(page, "category", "products")
    summary = field(page, "summary")
    summary.fill(SUMMARY)  # type: ignore[attr-defined]
    field(page, "translation_key").fill("kiel-lab")  # type: ignore[attr-defined]
    choose(page, "status", "published")
    upload(page, "Choose an image", files / "kiel.jpg")
    field(page, "alt").fill("Engineers at screens in the new Kiel lab")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Add attachments").click()  # type: ignore[attr-defined]
    upload(page, "Choose a file", files / "kiel-fact-sheet.pdf")
    # The attachment's title: the second "title" field, after the release's own.
    field(page, "title", 1).fill("Fact sheet (PDF)")  # type: ignore[attr-defined]
    page.locator('[data-slate-editor="true"]').click()  # type: ignore[attr-defined]
    page.keyboard.type("The lab opens with 40 engineers.")  # type: ignore[attr-defined]
    # The preview pane shows the release in the theme's styles, bannered as embargoed.
    preview = page.frame_locator("iframe").first  # type: ignore[attr-defined]
    banner = preview.locator(".embargo-banner")
    assert banner.inner_text() == f"EMBARGOED UNTIL {AHEAD} 09:30 AMERICA/NEW_YORK"
    assert banner.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    field(page, "title").scroll_into_view_if_needed()  # type: ignore[attr-defined]
    shot(page, "editor-new-release")
    # A summary longer than the check allows (400 characters) is refused before saving.
    summary.fill("x" * 401)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Save", exact=True).click()  # type: ignore[attr-defined]
    page.get_by_text("At most 400 characters.").wait_for()  # type: ignore[attr-defined]
    # Decap leaves the refused save's promise rejected without a reason; nothing else failed.
    assert set(page.errors) <= {"undefined"}, page.errors  # type: ignore[attr-defined]
    page.errors.clear()  # type: ignore[attr-defined]
    summary.fill(SUMMARY)  # type: ignore[attr-defined]
    save(page)

    new_release(page, editor.url)
    field(page, "title").fill(TITLE_DE)  # type: ignore[attr-defined]
    set_instant(field(page, "date"), AHEAD, "09:30", "America/New_York")
    choose(page, "category", "products")
    field(page, "summary").fill("Aldercrest hat in Kiel ein Labor für Netzsoftware eröffnet.")  # type: ignore[attr-defined]
    choose(page, "lang", "de")
    field(page, "translation_key").fill("kiel-lab")  # type: ignore[attr-defined]
    choose(page, "status", "published")
    page.locator('[data-slate-editor="true"]').click()  # type: ignore[attr-defined]
    page.keyboard.type("Das Labor startet mit 40 Ingenieurinnen und Ingenieuren.")  # type: ignore[attr-defined]
    save(page)

    written = branch_file(
        editor.repo, f"cms/releases/{YEAR}/{SLUG}", f"content/releases/{YEAR}/{SLUG}.md"
    )
    assert written.decode() == EXPECTED
    branches = merge_all(page, editor.repo)
    assert sorted(branches) == sorted(
        [f"cms/releases/{YEAR}/{SLUG}", f"cms/releases/{YEAR}/{SLUG_DE}"]
    )
    folder = editor.repo / f"content/releases/{YEAR}" / SLUG
    assert sorted(p.name for p in folder.iterdir()) == ["kiel-fact-sheet.pdf", "kiel.jpg"]
    assert (folder / "kiel.jpg").read_bytes() == (files / "kiel.jpg").read_bytes()
    german = (editor.repo / f"content/releases/{YEAR}" / f"{SLUG_DE}.md").read_text()
    assert "lang: de\ntranslation_key: kiel-lab\n" in german
    done = invoke_check(editor.repo)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_correction_changes_only_the_lines_it_adds(admin: object, editor: Editor) -> None:
    page = admin
    idle(page)
    original = (editor.repo / SAMPLE).read_bytes()
    page.get_by_text("Aldercrest grows revenue by 22% in the third quarter of 2026").click()  # type: ignore[attr-defined]
    field(page, "subtitle").wait_for(timeout=30_000)  # type: ignore[attr-defined]
    # The stored date, in the project's form, is read into the three controls.
    date = field(page, "date")
    assert date.input_value() == "2026-11-05"  # type: ignore[attr-defined]
    box = date.locator("xpath=..")  # type: ignore[attr-defined]
    assert box.get_by_label("Time", exact=True).input_value() == "07:00"
    assert box.get_by_label("Time zone").input_value() == "Europe/Berlin"
    # Nothing changed, nothing to save: the file cannot be rewritten by opening it.
    assert page.get_by_role("button", name="Save", exact=True).is_disabled()  # type: ignore[attr-defined]
    page.get_by_role("button", name="Add updates after publication").click()  # type: ignore[attr-defined]
    set_instant(field(page, "date", 1), "2026-11-24", "10:00", "Europe/Berlin")
    field(page, "note").fill("Corrected the order intake figure in the second paragraph.")  # type: ignore[attr-defined]
    shot(page, "editor-correction")
    save(page)

    saved = branch_file(editor.repo, "cms/releases/2026/q3-2026-quarterly-statement", SAMPLE)
    added = (
        b"updates:\n"
        b"  - date: 2026-11-24 10:00 Europe/Berlin\n"
        b"    note: Corrected the order intake figure in the second paragraph.\n"
    )
    head, body = original.split(b"\n---\n", 1)
    assert saved == head + b"\n" + added + b"---\n" + body
    merge_all(page, editor.repo)
    done = invoke_check(editor.repo)
    assert done.returncode == 0, done.stdout + done.stderr


def _with_summary(text: str, summary: str) -> str:
    """The file with its summary field (and any continuation lines) rewritten."""
    return re.sub(
        r"^summary:.*\n(?:[ \t]+.*\n)*", f"summary: {summary}\n", text, count=1, flags=re.M
    )


def test_every_sample_release_reads_and_writes_back_byte_for_byte(admin: object) -> None:
    """The editor's file format, as Decap calls it, on every sample release: read and
    written back unchanged it is the same file; with one field changed, only that field's
    lines differ (flow lists, quotes and long lines of the others stay as written)."""
    samples = sorted((ROOT / "content" / "releases").glob("*/*.md"))
    texts = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in samples}
    summary = "A corrected summary."
    written = admin.evaluate(  # type: ignore[attr-defined]
        """([texts, summary]) => {
            const { fromFile, toFile } = CMS.getCustomFormats()["newsroom-frontmatter"].formatter;
            return Object.fromEntries(Object.entries(texts).map(([path, text]) => [
                path,
                [
                    toFile(fromFile(text)),
                    toFile({ ...fromFile(text), summary }),
                    fromFile(text).newsroom_instant,
                ],
            ]));
        }""",
        [texts, summary],
    )
    assert len(texts) >= 20
    # A file that nests YAML aliases (a few lines standing for billions of values) is
    # refused at once instead of hanging the page.
    nested = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{b}: &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]\n"
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
    refused = admin.evaluate(  # type: ignore[attr-defined]
        """(text) => {
            const { fromFile } = CMS.getCustomFormats()["newsroom-frontmatter"].formatter;
            try { fromFile(text); return null; } catch (error) { return error.message; }
        }""",
        f"---\ntitle: T\n{nested}---\nBody.\n",
    )
    assert refused == "This file repeats a group with a YAML alias (*): open it in GitHub's editor."
    for path, text in texts.items():
        same, edited, instant = written[path]
        assert same == text, path
        assert edited == _with_summary(text, summary), path
        # The list sorts by the instant the check reads, which is never written to the file.
        date = re.search(r"^date: *(.+?) *$", text, flags=re.M)
        assert date, path
        expected = parse_instant(date.group(1)).astimezone(UTC).isoformat(timespec="milliseconds")
        assert instant == expected.replace("+00:00", "Z"), path


#: Two releases on one day, 08:00 in Berlin (07:00 UTC) and, later, 07:30 in New York (12:30
#: UTC): by their dates' text they would be listed the wrong way round.
ZONES_APART = {
    "zone-order-berlin": ("Aldercrest opens a Berlin office", "2026-11-20 08:00 Europe/Berlin"),
    "zone-order-new-york": ("Aldercrest opens a Boston lab", "2026-11-20 07:30 America/New_York"),
}
EMBARGOED_TITLE = "Aldercrest opens a Kiel test field"


def test_the_list_is_newest_first_with_each_release_state(admin: object, editor: Editor) -> None:
    cards = admin.locator("main h2")  # type: ignore[attr-defined]
    cards.nth(5).wait_for(timeout=30_000)
    shot(admin, "editor-list")  # the guide's picture: the sample newsroom as it is
    idle(admin)
    # Embargoed for weeks from whenever the test runs, so the state shown never expires.
    ahead = datetime.now(ZoneInfo("Europe/Berlin")) + timedelta(days=60)
    embargoed = f"{ahead:%Y-%m-%d} 09:15 Europe/Berlin"
    releases = {**ZONES_APART, "embargo-ahead": (EMBARGOED_TITLE, embargoed)}
    for slug, (title, date) in releases.items():
        path = editor.repo / f"content/releases/{date[:4]}/{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"---\ntitle: {title}\ndate: {date}\ncategory: corporate\n"
            f"summary: {title}.\n---\n{title}.\n",
            encoding="utf-8",
        )
    git(editor.repo, "add", ".")
    git(editor.repo, "commit", "-qm", "Two releases hours apart in different zones, one ahead")
    admin.reload()  # type: ignore[attr-defined]
    for title, _ in releases.values():
        cards.filter(has_text=title).wait_for(timeout=30_000)
    texts = cards.all_inner_texts()
    assert [t for t in texts if t.startswith(EMBARGOED_TITLE)] == [
        f"{EMBARGOED_TITLE} · embargoed until {embargoed}"
    ]
    assert any(t.endswith("· 2026-11-30 07:30 Europe/Berlin · draft") for t in texts)
    assert any(t.endswith("· 2026-11-05 07:00 Europe/Berlin · live") for t in texts)
    dates = [re.search(r"(\d{4}-\d\d-\d\d)", t) for t in texts]
    days = [d.group(1) for d in dates if d]
    assert days == sorted(days, reverse=True)
    titles = [t.split(" · ")[0] for t in texts]
    apart = [t for t in titles if t in {title for title, _ in ZONES_APART.values()}]
    assert apart == ["Aldercrest opens a Boston lab", "Aldercrest opens a Berlin office"]


def test_a_date_written_with_an_offset_opens_as_it_is(admin: object, editor: Editor) -> None:
    """A release dated 2025-05-14T07:30:00+02:00 shows that date and time, and stays so."""
    url = f"{editor.url}/admin/#/collections/releases/entries/2025/cx800-substation-controller"
    admin.goto(url)  # type: ignore[attr-defined]
    date = field(admin, "date")
    date.wait_for(timeout=30_000)  # type: ignore[attr-defined]
    assert date.input_value() == "2025-05-14"  # type: ignore[attr-defined]
    box = date.locator("xpath=..")  # type: ignore[attr-defined]
    assert box.get_by_label("Time", exact=True).input_value() == "07:30"
    assert admin.get_by_role("button", name="Save", exact=True).is_disabled()  # type: ignore[attr-defined]
    preview = admin.frame_locator("iframe").first  # type: ignore[attr-defined]
    assert preview.locator("time").inner_text() == "2025-05-14T07:30:00+02:00"


def test_a_file_the_editor_cannot_read_is_never_saved_over(admin: object, editor: Editor) -> None:
    """Broken front matter opens as an empty form: filled in and saved, it must be refused,
    never written over what the file holds."""
    page = admin
    broken = editor.repo / "content/releases/2026/broken-front-matter.md"
    text = (
        b"---\ntitle: Aldercrest: a colon too many\n  date: [unclosed\n---\nThe body she wrote.\n"
    )
    idle(page)
    broken.write_bytes(text)
    git(editor.repo, "add", ".")
    git(editor.repo, "commit", "-qm", "A release with broken front matter")
    page.goto(f"{editor.url}/admin/#/collections/releases/entries/2026/broken-front-matter")  # type: ignore[attr-defined]
    page.reload()  # type: ignore[attr-defined]
    field(page, "title").wait_for(timeout=30_000)  # type: ignore[attr-defined]
    field(page, "title").fill("A headline typed into the empty form")  # type: ignore[attr-defined]
    set_instant(field(page, "date"), "2026-11-20", "09:00", "Europe/Berlin")
    choose(page, "category", "products")
    field(page, "summary").fill("A summary typed into the empty form.")  # type: ignore[attr-defined]
    page.locator('[data-slate-editor="true"]').click()  # type: ignore[attr-defined]
    page.keyboard.type("A body typed into the empty form.")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Save", exact=True).click()  # type: ignore[attr-defined]
    page.get_by_text("The editor could not read this file").first.wait_for(timeout=30_000)  # type: ignore[attr-defined]
    idle(page)
    assert broken.read_bytes() == text
    branches = subprocess.run(
        ["git", "branch", "--list", "cms/*"], cwd=editor.repo, capture_output=True, text=True
    ).stdout
    assert "broken-front-matter" not in branches
    # Decap leaves the file it cannot read and the refused save as rejected promises, with
    # no reason ("undefined") or the bare error object ("Object"); nothing else failed.
    assert set(page.errors) <= {"undefined", "Object"}, page.errors  # type: ignore[attr-defined]
    page.errors.clear()  # type: ignore[attr-defined]
