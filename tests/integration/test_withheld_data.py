"""Data and media made for an embargoed release stay out of the site until its instant."""

from __future__ import annotations

import gzip
from pathlib import Path

import yaml
from file_samples import PNG

from support import Site

BEFORE = "2026-12-03T05:59:59Z"  # one second before the embargoed release (07:00 Berlin)
AT = "2026-12-03T06:00:00Z"
FAR = "2030-01-01T00:00:00Z"
LOGO = PNG + b"the target's logo"


def prepare(site: Site) -> None:
    """An acquisition under embargo, with its own topic, contact, boilerplate and logo."""
    for name, entry in (
        (
            "topics",
            {
                "quokkaqz-acquisitions": {
                    "name": "Quokkaqztopic",
                    "description": "Quokkaqzdescription",
                    # Their German versions are withheld with them.
                    "translations": {
                        "de": {"name": "Quokkaqzthema", "description": "Quokkaqzbeschreibung"}
                    },
                }
            },
        ),
        (
            "contacts",
            {
                "quokkaqz-deal": {
                    "name": "Quokkaqzcontact",
                    "role": "Deal desk",
                    "email": "deal@example.com",
                    "translations": {"de": {"role": "Quokkaqzrolle"}},
                },
                "quokkaqz-draft": {
                    "name": "Quokkaqzdraftcontact",
                    "role": "Draft",
                    "email": "d@example.com",
                    "translations": {"de": {"role": "Quokkaqzentwurf"}},
                },
            },
        ),
        (
            "boilerplates",
            {"quokkaqz-target": {"title": "Quokkaqzabout", "text": "Quokkaqzboilertext"}},
        ),
    ):
        path = site.path / "data" / f"{name}.yml"
        path.write_text(path.read_text() + yaml.safe_dump(entry), encoding="utf-8")
    site.write("media/quokkaqz-target-logo.png", LOGO)
    site.write("media/shared-chart.png", PNG)
    site.write("pages/media-contacts.md", "---\ntitle: Media contacts\ntemplate: contacts\n---\n")
    site.write(
        "pages/de/media-contacts.md", "---\ntitle: Medienkontakte\ntemplate: contacts\n---\n"
    )
    release = site.path / "releases/2026/embargoed-launch.md"
    release.write_text(
        release.read_text()
        .replace("category: products", "category: quokkaqz-acquisitions")
        .replace("tags:", "contacts: [quokkaqz-deal, ir]\nboilerplate: quokkaqz-target\ntags:")
        + "\n![The target's logo](/media/quokkaqz-target-logo.png) and a [chart](/media/shared-chart.png)\n",
        encoding="utf-8",
    )
    site.write(
        "releases/2026/quokkaqz-draft.md",
        "---\ntitle: Draft\ndate: 2026-01-05 09:00 Europe/Berlin\ncategory: products\n"
        "contacts: [quokkaqz-draft, press]\nstatus: draft\nsummary: Not yet.\n---\nDraft text.\n",
    )
    public = site.path / "releases/2026/first-product.md"
    public.write_text(public.read_text() + "\n![Chart](/media/shared-chart.png)\n", "utf-8")


def everything(output: Path) -> dict[str, bytes]:
    """Every file's bytes, gzip-compressed ones (the search index) unpacked; pictures are
    left out of ``texts`` (their pixels could hold any short token by chance)."""
    found = {}
    for path in sorted(output.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            found[str(path.relative_to(output))] = (
                gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
            )
    return found


def texts(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in files.items() if b"\x00" not in data[:1024]}


def test_data_and_media_only_an_embargoed_release_uses_are_nowhere_before_it(
    site: Site, tmp_path: Path
) -> None:
    prepare(site)
    out = tmp_path / "out"
    site.build(out, as_of=BEFORE)
    files = everything(out)
    for name, data in texts(files).items():
        assert b"quokkaqz" not in data.lower(), name
    assert not [name for name in files if "quokkaqz" in name]
    assert LOGO not in files.values()
    # What public releases, pages and the company use is still there.
    assert (out / "media/shared-chart.png").is_file()
    contacts = files["media-contacts/index.html"].decode()
    assert "Pat Press" in contacts and "Ira Investor" in contacts
    config = yaml.safe_load(files["admin/config.yml"])
    fields = {f["name"]: f for f in config["collections"][0]["fields"]}
    assert [o["value"] for o in fields["category"]["options"]] == ["financial-results", "products"]
    assert [o["value"] for o in fields["contacts"]["options"]] == ["ir", "press"]
    assert [o["value"] for o in fields["boilerplate"]["options"]] == ["default"]


def test_they_go_live_with_the_release_and_a_draft_keeps_its_own(
    site: Site, tmp_path: Path
) -> None:
    prepare(site)
    for as_of in (AT, FAR):
        out = tmp_path / as_of[:4]
        site.build(out, as_of=as_of)
        files = everything(out)
        assert (out / "media/quokkaqz-target-logo.png").read_bytes() == LOGO
        contacts = files["media-contacts/index.html"].decode()
        assert "Quokkaqzcontact" in contacts and "Quokkaqzdraftcontact" not in contacts
        config = files["admin/config.yml"].decode()
        assert (
            "quokkaqz-acquisitions" in config
            and "quokkaqz-target" in config
            and "quokkaqz-deal" in config
        )
        assert "quokkaqz-draft" not in config
        assert not any(b"Quokkaqzdraftcontact" in data for data in texts(files).values())


def test_a_preview_shows_everything(site: Site, tmp_path: Path) -> None:
    prepare(site)
    out = tmp_path / "out"
    site.build(out, as_of=BEFORE, NEWSROOM_PREVIEW=True)
    assert (out / "media/quokkaqz-target-logo.png").is_file()
    assert "Quokkaqzdraftcontact" in (out / "media-contacts/index.html").read_text()
