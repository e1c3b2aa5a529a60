"""A new release file that passes the check as soon as it exists (``invoke new``).

Authors start from a file the newsroom already accepts, so the first message they see is
about their own words, never about the template. It is a draft: it cannot go live by mistake.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from yaml.nodes import ScalarNode

from .dates import parse_instant
from .frontmatter import mapping_items, read_data, split
from .settings import NewsroomSettings
from .yaml_traps import as_value

MAX_SLUG = 60
FALLBACK_SLUG = "new-release"
# Spelled out as German, Danish and Nordic readers expect, before the accents are dropped.
SPELLED = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "Ä": "Ae",
        "Ö": "Oe",
        "Ü": "Ue",
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "Ae",
        "ø": "oe",
        "Ø": "Oe",
        "å": "aa",
        "Å": "Aa",
        "œ": "oe",
        "Œ": "Oe",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Đ": "D",
        "đ": "d",
        "ł": "l",
        "Ł": "L",
        "&": " and ",
    }
)
# A value YAML would read as something other than the plain text the author typed.
SUMMARY = "One or two sentences that say what happened, for lists, feeds and link previews."
BODY = """\
Write the release here, below the closing --- line. The first paragraph says who did what,
where and when; the page shows the title and the date above it.

"Add a quote from a spokesperson or an executive," said Name Surname, Role.
"""


class NewFileError(ValueError):
    """The file cannot be created as asked; the message says what to do instead."""


def slugify(headline: str, max_length: int = MAX_SLUG) -> str:
    """The file name (and web address) for a headline: lowercase ascii words and hyphens.

    Cut at a word boundary, so an address never ends in half a word.
    """
    spelled = unicodedata.normalize("NFC", headline).translate(SPELLED)
    ascii_text = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower().replace("'", ""))
    slug = ""
    for word in words:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > max_length:
            break
        slug = longer
    if not slug and words:  # one word longer than the limit
        slug = words[0][:max_length]
    return slug or FALLBACK_SLUG


def free_path(folder: Path, slug: str) -> Path:
    """``<slug>.md`` in ``folder``, or ``<slug>-2.md`` … when that name is taken."""
    number = 1
    while True:
        name = slug if number == 1 else f"{slug}-{number}"
        candidate = folder / f"{name}.md"
        if not candidate.exists() and not (folder / name).exists():
            return candidate
        number += 1


def yaml_text(value: str) -> str:
    """One line of front matter text, quoted only when YAML would misread it."""
    return as_value(" ".join(value.split()))


def format_date(when: datetime, site_zone: str) -> str:
    """``2026-11-23 09:00 Europe/Berlin``; an offset only for a time the clock change repeats.

    A named zone is kept as the author wrote it; a bare offset is shown in the site's zone.
    """
    zone = getattr(when.tzinfo, "key", None)
    if zone is None:
        zone = site_zone
        when = when.astimezone(ZoneInfo(zone))
    local = when.replace(second=0, microsecond=0)
    other = local.replace(fold=1 - local.fold)
    if other.utcoffset() != local.utcoffset():  # ambiguous: the checker would refuse it
        return local.isoformat(timespec="minutes")
    return f"{local:%Y-%m-%d %H:%M} {zone}"


def parse_date(text: str, site_zone: str) -> datetime:
    """The go-live instant from ``--date``, with the checker's own words when it is wrong."""
    try:
        return parse_instant(text, site_zone)
    except ValueError as err:
        fix = getattr(err, "fix", f"Write it like 2026-11-23 09:00 {site_zone}")
        raise NewFileError(f"--date: {err}. {fix}.") from None


def topic_keys(data_dir: Path) -> list[str]:
    """The topic keys in ``topics.yml``, in the order the file lists them."""
    path = data_dir / "topics.yml"
    try:
        # The checker's reader: no references, no deep nesting, no size beyond the limit.
        doc = read_data(str(path), path.read_bytes(), NewsroomSettings.max_file_bytes)
    except OSError as err:
        raise NewFileError(f"{path} cannot be read: {err}") from None
    if doc.problems or doc.meta is None:
        found = doc.problems[0].text() if doc.problems else "it is empty"
        raise NewFileError(f"{path} cannot be read: {found} Run invoke check.")
    keys = [name for name, _, _ in mapping_items(doc.meta)]
    if not keys:
        raise NewFileError(f"{path} defines no topics; add one first.")
    return keys


def render(headline: str, when: datetime, site_zone: str, topic: str) -> str:
    """The file's text: a draft with every required field filled in."""
    return (
        "---\n"
        f"title: {yaml_text(headline)}\n"
        f"date: {format_date(when, site_zone)}\n"
        f"category: {topic}\n"
        f"summary: {SUMMARY}\n"
        "status: draft\n"
        "---\n"
        f"{BODY}"
    )


def create(
    releases: Path,
    data_dir: Path,
    headline: str,
    site_zone: str,
    when: datetime,
    topic: str | None = None,
) -> Path:
    """Write the new release under ``releases/<year>/`` and return its path."""
    if not headline.strip():
        raise NewFileError('Give the headline, like: invoke new "Aldercrest opens a lab"')
    keys = topic_keys(data_dir)
    if topic is None:
        topic = keys[0]
    elif topic not in keys:
        raise NewFileError(f'--topic: "{topic}" is not a topic. Use one of: {", ".join(keys)}.')
    if getattr(when.tzinfo, "key", None) is None:
        when = when.astimezone(ZoneInfo(site_zone))
    folder = releases / f"{when.year:04d}"
    folder.mkdir(parents=True, exist_ok=True)
    path = free_path(folder, slugify(headline))
    with path.open("x", encoding="utf-8") as file:  # never overwrite, even in a race
        file.write(render(headline, when, site_zone, topic))
    return path


def now_in(zone: str) -> datetime:
    """Now, to the minute, in the site's zone."""
    return datetime.now(ZoneInfo(zone)).replace(second=0, microsecond=0)


def translate(source: Path, lang: str, languages: Sequence[str]) -> Path:
    """Start a translation of ``source``: ``<name>-<lang>.md`` beside it, as a draft.

    The copy keeps the date, topic and text (to be translated), and both files get the same
    ``translation_key``, so the check links them from the start. It is a draft, so an
    untranslated copy can never go live.
    """
    if lang not in languages:
        raise NewFileError(
            f'--lang: "{lang}" is not one of the site\'s languages. '
            f"Use one of: {', '.join(languages)}."
        )
    try:
        text = source.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise NewFileError(f"{source} cannot be read: {err}") from None
    doc = split(str(source), text)
    if doc.meta is None or any(p.is_error for p in doc.problems):
        raise NewFileError(f"{source} has problems: run invoke check and fix them first.")
    # The fields as the checker reads them; their lines, to copy the rest as the author wrote it.
    fields = {name: (line, node) for name, line, node in mapping_items(doc.meta)}
    values = {n: str(node.value) for n, (_, node) in fields.items() if isinstance(node, ScalarNode)}
    if (values.get("lang") or languages[0]) == lang:
        raise NewFileError(f"{source} is already in {lang}: name another language.")
    key = values.get("translation_key") or source.stem
    target = source.with_name(f"{source.stem}-{lang.lower()}.md")
    if target.exists():
        raise NewFileError(f"{target} already exists: translate in that file.")
    lines = text.split("\n")
    end = doc.body_line - 2  # the closing ---
    replaced = {fields[n][0] - 1 for n in ("lang", "translation_key", "status") if n in fields}
    kept = [line for i, line in enumerate(lines[1:end], start=1) if i not in replaced]
    front = [*kept, f"lang: {lang}", f"translation_key: {key}", "status: draft"]
    with target.open("x", encoding="utf-8") as file:
        file.write("\n".join(["---", *front, *lines[end:]]))
    if "translation_key" not in fields:
        lines.insert(1, f"translation_key: {key}")
        source.write_text("\n".join(lines), encoding="utf-8")
    return target
