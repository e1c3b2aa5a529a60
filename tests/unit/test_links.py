"""Links and pictures in release text: where they lead, and whether it is live by then.

The fixture site's releases: first-product (2026-03-02), with-files (2026-06-01, with
plant.png and factsheet.pdf), q4-results (2025), embargoed-launch (2026-12-03 07:00
Europe/Berlin, after the build instant). The case below goes live on 2026-07-01.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support import Site

P = "releases/2026/case.md"
HEAD = (
    "---\ntitle: Example opens a lab\ndate: 2026-07-01 09:00 Europe/Berlin\n"
    "category: products\nsummary: A new lab.\n---\nThe lab opened.\n\n"
)
LINE = 9  # the first line after HEAD
FORM_FIX = (
    "Link a file of this release by its name (fact-sheet.pdf), and another release, page or "
    "shared file by its address (/news/2026/hamburg-lab/, /media/logo.png)."
)
EMBARGOED = (
    "links to /news/2026/embargoed-launch/, which goes live on December 3, 2026, 07:00 CET. "
    "Give both the same instant, or add the link once it is live."
)
NOTHING = "Correct the address: copy it from the address bar of the published page."
UPLOAD = f"Upload the picture into {P[:-3]}/ and write just its file name."


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "[figures]({filename}../2025/q4-results.md)",
            f'"{{filename}}../2025/q4-results.md" uses a link form ({{filename}}) the newsroom '
            f"does not read. {FORM_FIX}",
            id="pelican-filename",
        ),
        pytest.param(
            '<a href=\'{filename}/media/R&D.png?"><script src="/media/stats.js"></script>'
            "<a x=\"'>figures</a>",
            '"{filename}/media/R&D.png?"><script src="/media/stats.js"></script><a x="" uses a '
            f"link form ({{filename}}) the newsroom does not read. {FORM_FIX}",
            id="pelican-filename-injection",
        ),
        pytest.param(
            "![x]({static}/../../../etc/passwd)",
            f'"{{static}}/../../../etc/passwd" uses a link form ({{static}}) the newsroom does '
            f"not read. {FORM_FIX}",
            id="pelican-static-escape",
        ),
        pytest.param(
            "[deck](|attach|deck.pdf)",
            f'"|attach|deck.pdf" uses a link form ({{attach}}) the newsroom does not read. '
            f"{FORM_FIX}",
            id="pelican-attach-bars",
        ),
        pytest.param("[launch](/news/2026/embargoed-launch/)", EMBARGOED, id="embargoed-page"),
        pytest.param(
            "[launch](../embargoed-launch/index.html)",
            EMBARGOED.replace("launch/,", "launch/index.html,"),
            id="embargoed-page-relative",
        ),
        pytest.param(
            "[launch](https://newsroom.example.com/news/2026/embargoed-launch/)",
            EMBARGOED,
            id="embargoed-page-absolute",
        ),
        pytest.param(
            "[launch](/news/2026/%65mbargoed-launch)",
            EMBARGOED.replace("launch/,", "launch,"),
            id="embargoed-page-encoded",
        ),
        pytest.param(
            "[launch](/news//2026/./x/../embargoed-launch%2F#top)",
            EMBARGOED,
            id="embargoed-page-dot-segments",
        ),
        pytest.param(
            "[launch](//newsroom.example.com/news/2026/embargoed-launch/?utm=1)",
            EMBARGOED,
            id="embargoed-page-protocol-relative",
        ),
        pytest.param(
            "[data](/api/releases/2026/embargoed-launch.json)",
            EMBARGOED.replace(
                "/news/2026/embargoed-launch/,", "/api/releases/2026/embargoed-launch.json,"
            ),
            id="embargoed-api-record",
        ),
        pytest.param(
            "[card](https://newsroom.example.com/feeds/embargoed-launch.atom.xml)",
            EMBARGOED.replace("/news/2026/embargoed-launch/,", "/feeds/embargoed-launch.atom.xml,"),
            id="embargoed-name-in-any-address",
        ),
        pytest.param(
            '<a href="&#47;news&#47;2026&#47;embargoed-launch&#47;">launch</a>',
            EMBARGOED,
            id="embargoed-page-entities",
        ),
        pytest.param(
            "[deals](/topics/acquisitions/)",
            '"/topics/acquisitions/" links to /topics/acquisitions/, but no topic page is '
            "published at that address. Use the address of a topic that has releases, like "
            "/topics/products/.",
            id="missing-topic",
        ),
        pytest.param(
            '<img src="//[::1" alt="">',
            '"//[::1" is not a web address. Copy the address from the browser\'s address bar.',
            id="unreadable-address",
        ),
        pytest.param(
            "[x](/media/" + "a" * 5000 + ")",
            f'"/media/{"a" * 70}…" links to /media/{"a" * 70}…, but there is no such file in '
            "content/media/. Upload the file to content/media/, or correct the address (capital "
            "letters count).",
            id="name-too-long",
        ),
        pytest.param(
            "[x](/media/%00x)",
            '"/media/%00x" links to /media/%00x, but there is no such file in content/media/. '
            "Upload the file to content/media/, or correct the address (capital letters count).",
            id="nul-in-name",
        ),
        pytest.param(
            "[plant](/news/2026/with-files/plant-480w.png)",
            '"/news/2026/with-files/plant-480w.png" links to '
            "/news/2026/with-files/plant-480w.png, but no such file is published with "
            "releases/2026/with-files.md. List the file under attachments (or as the image) of "
            "the release, with the file in its folder, or correct the name (capital letters "
            "count).",
            id="unpublished-variant",
        ),
        pytest.param(
            "[sheet](notes.pdf)",
            '"notes.pdf" links to /news/2026/case/notes.pdf, but no such file is published '
            "with this release. List the file under attachments (or as the image) of the "
            "release, with the file in its folder, or correct the name (capital letters count).",
            id="own-file-not-listed",
        ),
        pytest.param(
            "[old](/news/2026/no-such-release/)",
            f'"/news/2026/no-such-release/" links to /news/2026/no-such-release/, but nothing is '
            f"published at that address. {NOTHING}",
            id="missing-release",
        ),
        pytest.param(
            "[old](/news/2026/no-such-release/deck.pdf)",
            f'"/news/2026/no-such-release/deck.pdf" links to /news/2026/no-such-release/deck.pdf,'
            f" but nothing is published at that address. {NOTHING}",
            id="missing-release-file",
        ),
        pytest.param(
            "[logo](/media/logo.png)",
            '"/media/logo.png" links to /media/logo.png, but there is no such file in '
            "content/media/. Upload the file to content/media/, or correct the address "
            "(capital letters count).",
            id="missing-media",
        ),
        pytest.param(
            "[conf](/media/%2e%2e/%2e%2e/pelicanconf.py)",
            '"/media/%2e%2e/%2e%2e/pelicanconf.py" links to /pelicanconf.py, but nothing is '
            f"published at that address. {NOTHING}",
            id="media-escape-encoded",
        ),
        pytest.param(
            "[keys](../../../../../etc/passwd)",
            f'"../../../../../etc/passwd" links to /etc/passwd, but nothing is published at that '
            f"address. {NOTHING}",
            id="relative-escape",
        ),
        pytest.param(
            "![chart](https://tracker.example/pixel.gif)",
            '"https://tracker.example/pixel.gif" is a picture on another web site: readers\' '
            f"browsers do not load it. {UPLOAD}",
            id="external-image",
        ),
        pytest.param(
            '<img src="//tracker.example/pixel.gif" alt="">',
            '"//tracker.example/pixel.gif" is a picture on another web site: readers\' browsers '
            f"do not load it. {UPLOAD}",
            id="protocol-relative-image",
        ),
        pytest.param(
            '<img src="\\\\tracker.example\\pixel.gif" alt="">',
            '"\\\\tracker.example\\pixel.gif" is a picture on another web site: readers\' '
            f"browsers do not load it. {UPLOAD}",
            id="backslash-image",
        ),
        pytest.param(
            '<img src=" \t//tracker.example/p.gif" alt="">',
            '"//tracker.example/p.gif" is a picture on another web site: readers\' browsers do '
            f"not load it. {UPLOAD}",
            id="spaced-protocol-relative-image",
        ),
    ],
)
def test_link_problems(problems_for: Callable[[str], list[str]], body: str, expected: str) -> None:
    assert problems_for(HEAD + body + "\n") == [f"{P}:{LINE}: body: {expected}"]


@pytest.mark.parametrize(
    "body",
    [
        "[first](/news/2026/first-product/)",
        "[first](../first-product/)",
        "[first](/news/2026/first-product)",
        "[first](/news/2026/first-product/index.html)",
        "[plant](/news/2026/with-files/plant.png) and [sheet](../with-files/factsheet.pdf)",
        "[2025](/news/2025/q4-results/)",
        "[about](/about/) [home](/) [topic](/topics/products/) [news](/news/2026/)",
        "[feed](/feeds/all.atom.xml) [record](/disclosures/)",
        "[web](https://example.org/news/2026/unrelated/) [mail](mailto:press@example.com)",
        "[note](#fn:1) [same page](?utm=x)",
        "[broken but harmless](http://[bad/) ![](<>)",
        "![own](../first-product/) is a link, ![picture](/media/logo.svg)",
    ],
)
def test_links_that_lead_somewhere_public(
    site: Site, problems_for: Callable[[str], list[str]], body: str
) -> None:
    site.write("media/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert problems_for(HEAD + body + "\n") == []


def test_a_release_may_link_what_goes_live_with_it(
    problems_for: Callable[[str], list[str]],
) -> None:
    same = HEAD.replace("2026-07-01 09:00 Europe/Berlin", "2026-12-03 07:00 Europe/Berlin")
    assert problems_for(same + "[launch](/news/2026/embargoed-launch/)\n") == []


def test_a_draft_is_never_a_link_target(
    site: Site, problems_for: Callable[[str], list[str]]
) -> None:
    site.write("releases/2026/plans.md", HEAD.replace("---\nThe", "status: draft\n---\nThe"))
    assert problems_for(HEAD + "[plans](/news/2026/plans/)\n") == [
        f"{P}:{LINE}: body: links to /news/2026/plans/, which is releases/2026/plans.md, a "
        "draft that is not published. Publish that release first, or remove the link."
    ]


def test_an_update_note_links_from_its_own_date(
    problems_for: Callable[[str], list[str]],
) -> None:
    text = HEAD.replace(
        "---\nThe",
        "updates:\n  - date: 2026-07-02 10:00 Europe/Berlin\n"
        "    note: See [the launch](/news/2026/embargoed-launch/).\n---\nThe",
    )
    assert problems_for(text) == [f"{P}:6: updates[1].note: {EMBARGOED}"]
    later = text.replace("2026-07-02 10:00", "2026-12-04 10:00")
    assert problems_for(later) == []


def test_a_page_links_from_the_build_instant(site: Site) -> None:
    site.write(
        "pages/about.md",
        "---\ntitle: About\n---\nWe make examples.\n\n[Soon](/news/2026/embargoed-launch/)\n",
    )
    assert [p.text() for p in site.load().problems] == [f"pages/about.md:6: body: {EMBARGOED}"]


def test_shared_text_is_checked_too(site: Site) -> None:
    boilerplates = site.path / "data/boilerplates.yml"
    boilerplates.write_text(
        boilerplates.read_text("utf-8")
        + "tracked:\n  title: About\n  text: Us ![](https://tracker.example/p.gif)\n",
        encoding="utf-8",
    )
    company = site.path / "data/company.yml"
    company.write_text(
        company.read_text("utf-8").replace(
            "Actual results may differ.",
            "Actual results may differ.\n  See [the launch](/news/2026/embargoed-launch/).",
        ),
        encoding="utf-8",
    )
    assert [p.text() for p in site.load().problems] == [
        'data/boilerplates.yml:6: tracked.text: "https://tracker.example/p.gif" is a picture '
        "on another web site: readers' browsers do not load it. Upload the picture into "
        "content/media/ and write its address, like /media/picture.jpg.",
        f"data/company.yml:9: safe_harbor: {EMBARGOED}",
    ]


def test_thousands_of_broken_links_are_counted_not_each_found(
    problems_for: Callable[[str], list[str]],
) -> None:
    body = "".join(f"[{i}](/gone/{i})\n\n" for i in range(3000))
    found = problems_for(HEAD + body)
    assert len(found) == 51
    assert found[50] == (
        f'{P}:{LINE + 98}: body: "/gone/49" links to /gone/49, but nothing is published at that '
        f"address. {NOTHING}"
    )
    assert found[0] == (
        f"{P}:7: body: 2950 more links here lead nowhere, or not yet. Correct the links above, "
        "then run the check again to see the rest."
    )


def test_a_topic_page_exists_from_its_first_release(
    site: Site, problems_for: Callable[[str], list[str]]
) -> None:
    topics = site.path / "data/topics.yml"
    topics.write_text(
        topics.read_text("utf-8") + "deals:\n  name: Deals\n  description: Mergers.\n"
        "  translations: {de: {name: Übernahmen, description: Fusionen.}}\n",
        encoding="utf-8",
    )
    embargoed = site.path / "releases/2026/embargoed-launch.md"
    embargoed.write_text(
        embargoed.read_text("utf-8").replace("category: products", "category: deals"),
        encoding="utf-8",
    )
    assert problems_for(HEAD + "[deals](/topics/deals/page/2/)\n") == [
        f"{P}:{LINE}: body: links to /topics/deals/page/2/, the page of a topic whose first "
        "release goes live on December 3, 2026, 07:00 CET. Give both the same instant, or add "
        "the link once it is live."
    ]


URLISH = st.lists(
    st.sampled_from([*"/\\.%:?#@[]{}|&;=- \t\x00aZ09ü", "%2e", "..", "//", "%00", "%2F"]),
    max_size=12,
).map("".join)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    prefix=st.sampled_from(
        ["", "/", "/news/2026/", "/media/", "/topics/", "//", "https://", "../"]
    ),
    rest=URLISH,
    form=st.sampled_from(['<a href="{}">x</a>', '<img src="{}" alt="">', "[x]({})", "[x](<{}>)"]),
)
def test_any_address_gets_an_answer_in_words(
    problems_for: Callable[[str], list[str]], prefix: str, rest: str, form: str
) -> None:
    address = (prefix + rest).replace('"', "")
    for problem in problems_for(HEAD + form.format(address) + "\n"):
        assert problem.startswith(f"{P}:") and "Traceback" not in problem
