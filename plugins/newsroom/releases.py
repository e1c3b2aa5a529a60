"""The release file: its field table, and the checks that turn one file into a Release."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup
from unidecode import unidecode
from yaml.nodes import Node, ScalarNode

from . import characters, files, imaging, sanitize
from .frontmatter import Document, mapping_items
from .models import Attachment, Image, Release, SiteData, Update
from .problems import Severity
from .release_images import with_variants
from .schema import (
    Context,
    Field,
    Invalid,
    Limits,
    _scalar,
    boolean,
    file_type,
    group,
    instant,
    list_of,
    markdown_text,
    one_of,
    parse_mapping,
    pattern,
    text,
)
from .settings import NewsroomSettings

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: Pelican's default SLUG_REGEX_SUBSTITUTIONS, which tag addresses are made with.
TAG_SUBSTITUTIONS = ((r"[^\w\s-]", ""), (r"(?u)\A\s*", ""), (r"(?u)\s*\Z", ""), (r"[-\s]+", "-"))
#: The link-preview picture the build writes beside a release's page (share_images.py).
SHARE_IMAGE = re.compile(r"share-[0-9a-f]{16}\.png")
YEAR = re.compile(r"\d{4}")
IMAGE_TYPES = (".jpg", ".jpeg", ".png", ".webp", ".gif")
#: Every type the newsroom publishes (files.py decides by the file's content).
ATTACHMENT_TYPES = tuple(files.TYPES)


def asset(types: tuple[str, ...], example: str) -> Any:
    """A file that sits in the release's own folder, named by its plain file name."""

    def parse(node: Node, ctx: Context, name: str) -> str:
        value = _scalar(node, name, example, "a file name").strip()
        where = ctx.assets_display or "the release's folder"
        if "/" in value or "\\" in value or value.startswith("."):
            raise Invalid(
                f'"{value}" should be just a file name, without folders',
                f"Write it like {name.split('.')[-1]}: {example} and put the file in {where}/",
                "asset-path",
            )
        file_type(value, types, "file type the newsroom publishes here")
        if ctx.locate(value) is None:
            elsewhere = " (nor in the folders of its translations)" if ctx.shared else ""
            raise Invalid(
                f'"{value}" was not found in {where}/{elsewhere}',
                f"Upload the file to {where}/, or correct the file name (capital letters count)",
                "asset-missing",
            )
        return value

    parse.limits = Limits(types=types)  # type: ignore[attr-defined]
    return parse


@dataclass(frozen=True)
class Picture:
    """A lead image file that was found and decoded, with the size readers see."""

    file: str
    width: int
    height: int


_image_file = asset(IMAGE_TYPES, "photo.jpg")


def picture(node: Node, ctx: Context, name: str) -> Picture:
    """A file in the release's folder that decodes as a picture: its size goes on the page."""
    file = _image_file(node, ctx, name)
    path = ctx.locate(file)
    assert path is not None  # asset() found the file
    decoded = imaging.readable(path, file)
    return Picture(file, decoded.width, decoded.height)


picture.limits = Limits(types=IMAGE_TYPES)  # type: ignore[attr-defined]


def _lead_image(file: Picture, alt: str, caption: str | None, credit: str | None) -> Image:
    return Image(file.file, alt, caption, credit, width=file.width, height=file.height)


IMAGE: dict[str, Field] = {
    "file": Field(picture, "photo.jpg", "Image file name", True),
    "alt": Field(
        text(300, "Engineers testing the new grid controller"),
        "Engineers testing the new grid controller",
        "What the picture shows, for people who cannot see it",
        True,
    ),
    "caption": Field(text(300, "The controller in the Hamburg lab"), "…", "Shown under the image"),
    "credit": Field(
        text(100, "Photo: Example Industries"),
        '"Photo: Example Industries"',
        "Photographer or owner",
    ),
}

ATTACHMENT: dict[str, Field] = {
    "file": Field(asset(ATTACHMENT_TYPES, "report.pdf"), "report.pdf", "File name", True),
    "title": Field(text(150, "Q3 2026 interim report"), "Q3 2026 interim report", "", True),
}

UPDATE: dict[str, Field] = {
    "date": Field(instant, "2026-11-24 10:00 Europe/Berlin", "When the update was made", True),
    "note": Field(
        markdown_text(2000, "Corrected the revenue figure in the second paragraph."),
        "Corrected the revenue figure in the second paragraph.",
        "What changed, for readers",
        True,
    ),
}


WITHDRAWAL: dict[str, Field] = {
    "date": Field(instant, "2026-11-24 10:00 Europe/Berlin", "When it was taken down", True),
    "reason": Field(
        markdown_text(2000, "Withdrawn at the request of the court of Hamburg."),
        "Withdrawn at the request of the court of Hamburg.",
        "Why, for readers",
        True,
    ),
}


def dated_note(date: Any, note: str) -> Update:
    """An entry under updates (or in the data change log): when, and what changed."""
    return Update(date, sanitize.render(note))


def _topics(ctx: Context) -> Any:
    return ctx.lookups["topics"]


def _contacts(ctx: Context) -> Any:
    return ctx.lookups["contacts"]


def _boilerplates(ctx: Context) -> Any:
    return ctx.lookups["boilerplates"]


def _languages(ctx: Context) -> Any:
    return ctx.lookups["languages"]


def release_schema(settings: NewsroomSettings) -> dict[str, Field]:
    """The release fields, in the order the author guide lists them."""
    return {
        "title": Field(
            text(settings.title_max, "Example opens new research lab in Hamburg"),
            "Example opens new research lab in Hamburg",
            "The headline",
            required=True,
        ),
        "subtitle": Field(
            text(300, "The lab adds 120 engineering jobs"),
            "The lab adds 120 engineering jobs",
            "A second headline line",
        ),
        "date": Field(
            instant,
            f"2026-11-23 09:00 {settings.timezone}",
            "The exact moment of publication, with its timezone",
            required=True,
        ),
        "dateline": Field(text(60, "HAMBURG, Germany"), "HAMBURG, Germany", "The city line"),
        "category": Field(
            one_of(_topics, "site's topics (content/data/topics.yml)", "products"),
            "products",
            "The topic",
            required=True,
            # The site says "topic"; the field keeps Pelican's name, which feeds and the API
            # also use, so a release written either way would have two spellings to check.
            aliases=("topic", "topics"),
        ),
        "tags": Field(
            list_of(text(40, "grid software"), "grid software, hydrogen"),
            "[grid software, hydrogen]",
            "Keywords",
            aliases=("keywords",),
        ),
        "summary": Field(
            text(settings.summary_max, "One or two sentences that say what happened."),
            "One or two sentences that say what happened.",
            "Shown in lists, feeds and link previews",
            required=True,
        ),
        "lang": Field(
            one_of(_languages, "site's languages", settings.lang),
            settings.lang,
            "Language",
            default=settings.lang,
        ),
        "translation_key": Field(
            pattern(
                SLUG.pattern,
                "a short name in lowercase letters, digits and hyphens",
                "gridpilot-6-launch",
                "Write the same key in the release and in each of its translations, like "
                "translation_key: gridpilot-6-launch",
            ),
            "gridpilot-6-launch",
            "Links a release to its translations: the same key in each language version",
        ),
        "contacts": Field(
            list_of(
                one_of(_contacts, "media contacts (content/data/contacts.yml)", "media-relations"),
                "media-relations",
            ),
            "[media-relations]",
            "Media contacts, by key",
        ),
        "boilerplate": Field(
            one_of(_boilerplates, "boilerplates (content/data/boilerplates.yml)", "default"),
            "default",
            "The 'About the company' text, by key",
        ),
        "forward_looking": Field(boolean, "true", "Adds the safe-harbor statement", default=False),
        "image": Field(group(IMAGE, _lead_image), "{file: photo.jpg, alt: …}", "Lead image"),
        "attachments": Field(
            list_of(
                group(ATTACHMENT, Attachment),
                "{file: report.pdf, title: Q3 report}",
                allow_comma_text=False,
            ),
            "[{file: report.pdf, title: Q3 report}]",
            "Downloads",
            default=(),
        ),
        "updates": Field(
            list_of(
                group(UPDATE, dated_note),
                "{date: 2026-11-24 10:00 Europe/Berlin, note: Corrected the second paragraph.}",
                allow_comma_text=False,
            ),
            "[{date: 2026-11-24 10:00 Europe/Berlin, note: …}]",
            "Changes after publication",
            default=(),
        ),
        "status": Field(
            pattern(
                r"draft|published|withdrawn",
                "draft, published or withdrawn",
                "draft",
                "Write status: draft to keep the release unpublished, or remove the line",
            ),
            "draft",
            "draft keeps the release off the site; withdrawn takes a published one down",
            default="published",
        ),
        "withdrawal": Field(
            group(WITHDRAWAL, lambda date, reason: dated_note(date, reason)),
            "{date: 2026-11-24 10:00 Europe/Berlin, reason: …}",
            "With status: withdrawn, when and why the release was taken down",
        ),
    }


def body_characters(doc: Document, ctx: Context) -> None:
    """An error for each line of the body holding a character that cannot be published;
    soft line breaks are not among them (``render_body`` turns them into line breaks)."""
    for line, what in characters.lines_with(doc.body, doc.body_line, characters.SOFT_BREAK):
        ctx.report(line, "body", what, characters.FIX, "text-character")


# "# Headline" on the first line of the text: a Markdown heading of the top level.
_TOP_HEADING = re.compile(r"#[ \t]+(?P<text>.*?)[ \t#]*")


def render_body(doc: Document, ctx: Context, lang: str | None = None) -> str:
    """The body as safe HTML; a warning for each kind of markup the sanitizer removed."""
    body_characters(doc, ctx)
    lines = characters.soft_breaks(doc.body).split("\n")
    first = next((n for n, line in enumerate(lines) if line.strip()), None)
    top = _TOP_HEADING.fullmatch(lines[first].strip()) if first is not None else None
    if first is not None and top is not None:
        # The page shows the title as its only top-level heading; a second one would be
        # stripped to stray text by the sanitizer, so the line is left out, and said so.
        ctx.report(
            doc.body_line + first,
            "body",
            f'the heading "{top["text"]}" at the top of the text is left out: the page '
            "shows the title above the text already",
            f"Delete the line {lines[first].strip()} (for a subheading, start it with ## instead)",
            "body-heading",
            Severity.WARNING,
        )
        lines[first] = ""
    try:
        body_html, removals = sanitize.render_checked("\n".join(lines), doc.body_line, lang)
    except sanitize.TooDeep:
        ctx.report(
            doc.body_line,
            "body",
            "the text puts lists or quotes inside each other too many levels deep to be read",
            "Use a few levels at most: start fewer lines with - or >, or with spaces before them",
            "body-too-deep",
        )
        return ""
    for removal in removals:
        ctx.report(
            removal.line,
            "body",
            f"{removal.what} was removed",
            "Classes and ids belong to the site's own design, so that no text can pass for "
            "its banners; delete it"
            if removal.styling
            else "Scripts, frames, forms and event handlers are never published; "
            "delete it, or link to the material instead",
            "body-html-removed",
            Severity.WARNING,
        )
    return body_html


def load_release(
    doc: Document,
    file: Path,
    site: SiteData,
    settings: NewsroomSettings,
    shared: tuple[Path, ...] = (),
) -> tuple[Release | None, Context]:
    """Check one release file against the table and the site's data; build the Release.

    ``shared`` are the folders of its translations, whose files it may use as well.
    """
    year, slug = file.parent.name, file.stem
    assets = file.parent / slug
    ctx = Context(
        doc.path,
        zone_example=settings.timezone,
        lookups={
            "topics": site.topics,
            "contacts": site.contacts,
            "boilerplates": site.boilerplates,
            "languages": dict.fromkeys(settings.languages),
        },
        assets=assets,
        assets_display=str(Path(doc.path).parent / slug),
        place=_dateline(doc),
        shared=shared,
    )
    ctx.problems.extend(doc.problems)
    if not YEAR.fullmatch(year):
        ctx.report(
            0,
            "",
            f"release files go in a year folder, not in {file.parent.name}/",
            f"Move the file into {Path(doc.path).parent.parent}/<year>/, like "
            f"content/releases/2026/{slug}.md",
            "file-location",
        )
    if not SLUG.fullmatch(slug):
        suggestion = "-".join(re.findall(r"[a-z0-9]+", slug.lower())) or "new-release"
        ctx.report(
            0,
            "",
            f'the file name "{file.name}" cannot be used in a web address',
            f"Rename it to {suggestion}.md (lowercase letters, digits and hyphens)",
            "file-name",
        )
    if doc.meta is None:
        return None, ctx
    values = parse_mapping(doc.meta, release_schema(settings), ctx)
    lang = values.get("lang") if values else None
    body_html = render_body(doc, ctx, lang if isinstance(lang, str) else settings.lang)
    if not doc.body.strip():
        ctx.report(
            doc.body_line - 1,
            "body",
            "the release has no text after the front matter",
            "Write the release below the closing --- line",
            "body-empty",
        )
    if values is None or not doc.body.strip() or any(p.is_error for p in ctx.problems):
        return None, ctx

    date = values["date"]
    for index, update in enumerate(values["updates"], start=1):
        if update.date <= date:
            ctx.report(
                field_line(doc, "updates"),
                f"updates[{index}].date",
                "an update cannot be dated before the release itself",
                f"Use a date after {date:%Y-%m-%d %H:%M} {settings.timezone}",
                "update-before-release",
            )
    _check_withdrawal(doc, values, date, ctx, settings)
    if YEAR.fullmatch(year) and str(date.year) != year:
        ctx.report(
            field_line(doc, "date"),
            "date",
            f"the release is dated {date.year} but its file is in the {year} folder",
            f"Move new releases to the {date.year} folder; a published release keeps its "
            "folder, because the folder is part of its web address",
            "date-folder",
            Severity.WARNING,
        )
    if any(p.is_error for p in ctx.problems):
        return None, ctx

    url = settings.release_url.format(year=year, slug=slug, lang=values["lang"])
    contact_keys = values["contacts"] or site.company.contacts
    image = with_variants(values["image"], url) if values["image"] else None
    _check_names(doc, ctx, values["tags"] or (), image, values["attachments"])
    if any(p.is_error for p in ctx.problems):
        return None, ctx
    used = [a.file for a in values["attachments"]]
    if values["image"]:
        used.append(values["image"].file)
    paths = {name: ctx.locate(name) or assets / name for name in used}
    attachments = tuple(
        Attachment(a.file, a.title, url=f"{url}{a.file}", size_bytes=paths[a.file].stat().st_size)
        for a in values["attachments"]
    )
    updates = tuple(
        dataclasses.replace(u, lang=values["lang"])
        for u in sorted(values["updates"], key=lambda u: u.date)
    )
    release = Release(
        source=doc.path,
        slug=slug,
        url=url,
        title=values["title"],
        subtitle=values["subtitle"],
        date=date,
        dateline=values["dateline"],
        summary=values["summary"],
        topic=site.topics[values["category"]],
        tags=values["tags"] or (),
        lang=values["lang"],
        body_html=body_html,
        # Shared texts in the release's language (the check requires every version).
        boilerplate=site.boilerplates[
            values["boilerplate"] or site.company.boilerplate
        ].in_language(values["lang"]),
        contacts=tuple(site.contacts[k].in_language(values["lang"]) for k in contact_keys),
        safe_harbor_html=(
            site.company.safe_harbor_for(values["lang"]) if values["forward_looking"] else None
        ),
        image=image,
        attachments=attachments,
        updates=updates,
        draft=values["status"] == "draft",
        withdrawal=values["withdrawal"]
        and dataclasses.replace(values["withdrawal"], lang=values["lang"]),
        asset_dir=assets,
        shared_files=tuple(
            (name, path) for name, path in sorted(paths.items()) if path.parent != assets
        ),
        translation_key=values["translation_key"],
    )
    return release, ctx


@lru_cache(maxsize=4096)
def tag_slug(tag: str) -> str:
    """The part of a tag's address Pelican makes from it (``pelican.utils.slugify``)."""
    # Kept per tag: thousands of releases share a few hundred tags.
    value = unidecode(unicodedata.normalize("NFKC", Markup(tag).striptags()))
    for search, replacement in TAG_SUBSTITUTIONS:
        value = re.sub(search, replacement, value, flags=re.IGNORECASE)
    return value.lower().strip()


def _check_names(
    doc: Document,
    ctx: Context,
    tags: tuple[str, ...],
    image: Image | None,
    attachments: tuple[Attachment, ...],
) -> None:
    """Names that would give no address, or take the name of a file the build writes."""
    for index, tag in enumerate(tags, start=1):
        if not re.search(r"[a-z0-9]", tag_slug(tag)):
            ctx.report(
                field_line(doc, "tags"),
                f"tags[{index}]",
                f'"{tag}" has no letter or digit, so the tag cannot have a web address',
                "Use a word, like grid software, or remove the tag",
                "tag-address",
            )
    made = {Path(v.url).name.casefold() for v in image.variants} if image else set()
    for index, attachment in enumerate(attachments, start=1):
        name = attachment.file.casefold()
        if name in made or SHARE_IMAGE.fullmatch(name):
            what = "a smaller copy of the lead image" if name in made else "the link preview"
            ctx.report(
                field_line(doc, "attachments"),
                f"attachments[{index}].file",
                f'"{attachment.file}" is the name the build gives {what}, so one file '
                "would replace the other",
                f"Rename the attachment, for example to {_other_name(attachment.file)}",
                "name-reserved",
            )


def _other_name(file: str) -> str:
    path = Path(file)
    return f"{path.stem}-download{path.suffix}"


def _dateline(doc: Document) -> str:
    """The dateline as written, read before the fields are checked: it names the place."""
    items = mapping_items(doc.meta) if doc.meta is not None else []
    node = next((value for name, _, value in items if name == "dateline"), None)
    return node.value if isinstance(node, ScalarNode) else ""


def _check_withdrawal(
    doc: Document, values: dict[str, Any], date: Any, ctx: Context, settings: NewsroomSettings
) -> None:
    """status: withdrawn and a withdrawal (date and reason) go together, after the release."""
    zone = settings.timezone
    withdrawal = values["withdrawal"]
    if values["status"] == "withdrawn" and withdrawal is None:
        ctx.report(
            field_line(doc, "status"),
            "withdrawal",
            "a withdrawn release needs the date and the reason of its withdrawal",
            "Add them below status: withdrawn, like withdrawal: {date: "
            f"2026-11-24 10:00 {zone}, reason: Withdrawn at the request of the court.}}",
            "field-missing",
        )
    elif withdrawal is not None and values["status"] != "withdrawn":
        ctx.report(
            field_line(doc, "withdrawal"),
            "withdrawal",
            "a withdrawal is given but the release is not marked as withdrawn",
            "Write status: withdrawn to take the release down, or remove the withdrawal",
            "field-unknown-value",
        )
    elif withdrawal is not None and withdrawal.date <= date:
        ctx.report(
            field_line(doc, "withdrawal"),
            "withdrawal.date",
            "a release cannot be withdrawn before it went live",
            f"Use a date after {date:%Y-%m-%d %H:%M} {zone}",
            "update-before-release",
        )


def field_line(doc: Document, name: str) -> int:
    """The line of a top-level field; 1 when the field is not there."""
    assert doc.meta is not None
    for key, _ in doc.meta.value:
        if key.value == name:
            return key.start_mark.line + 1
    return 1
