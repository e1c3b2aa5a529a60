"""Property: for random releases in random zones and a random build instant, nothing of an
embargoed release is anywhere in the output, and every public one is everywhere it belongs."""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from support import FIXTURES, Site

# Half-hour and 45-minute offsets, both hemispheres' DST rules, and a zone without DST.
ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Adelaide",
    "Asia/Kathmandu",
    "America/St_Johns",
    "Pacific/Chatham",
    "Asia/Tokyo",
    "UTC",
]
START = datetime(2026, 1, 1, tzinfo=UTC)
# Around the 2026 DST changes in Europe and the US, where local times skip and repeat.
DST_DAYS = [
    datetime(2026, 3, 8, tzinfo=UTC),
    datetime(2026, 3, 29, tzinfo=UTC),
    datetime(2026, 10, 25, tzinfo=UTC),
    datetime(2026, 11, 1, tzinfo=UTC),
]

instants = st.one_of(
    st.integers(0, 364 * 24 * 60).map(lambda m: START + timedelta(minutes=m)),
    st.tuples(st.sampled_from(DST_DAYS), st.integers(-180, 180)).map(
        lambda t: t[0] + timedelta(minutes=t[1])
    ),
)
# In either language: a German release has its own topic, tag and year pages (/de/...).
release = st.tuples(
    instants,
    st.sampled_from(ZONES),
    st.sampled_from(["products", "financial-results"]),
    st.sampled_from(["en", "de"]),
)


def write(site: Site, index: int, when: datetime, zone: str, topic: str, lang: str) -> str:
    token = f"zq{index}x"
    local = when.astimezone(ZoneInfo(zone))
    # The offset form is exact even where the local wall-clock time is ambiguous.
    stamp = local.isoformat(timespec="minutes")
    site.write(
        f"releases/{local.year}/{token}.md",
        f"---\ntitle: Headline {token}\ndate: {stamp}\ncategory: {topic}\nlang: {lang}\n"
        f"tags: [tag-{token}]\nsummary: Summary {token}.\n---\nBody {token}.\n",
    )
    return token


@example(
    releases=[(START, "Asia/Kathmandu", "products", "de")], as_of=START
)  # exactly at its instant
@example(
    releases=[(START + timedelta(seconds=60), "Pacific/Chatham", "products", "de")], as_of=START
)
# New Year a minute apart: Berlin is already in 2026 while New York is still in 2025.
@example(
    releases=[
        (START, "Europe/Berlin", "products", "en"),
        (START + timedelta(minutes=1), "America/New_York", "products", "de"),
    ],
    as_of=START + timedelta(days=1),
)
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(releases=st.lists(release, min_size=1, max_size=4), as_of=instants)
def test_time_gate(releases: list[tuple[datetime, str, str, str]], as_of: datetime) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Site(Path(tmp) / "site")
        shutil.copytree(FIXTURES / "basic", site.path)
        shutil.rmtree(site.path / "releases" / "2026" / "with-files")
        (site.path / "releases" / "2026" / "with-files.md").unlink()
        tokens = {write(site, i, *r): (r[0], r[3]) for i, r in enumerate(releases)}
        out = Path(tmp) / "out"
        site.build(out, as_of=as_of.isoformat())
        files = {
            p: p.read_text("utf-8")
            for p in out.rglob("*")
            if p.suffix in {".html", ".json", ".xml", ".txt"}
        }
        everything = "\n".join(files.values())
        names = "\n".join(str(p.relative_to(out)) for p in out.rglob("*"))
        for token, (when, lang) in tokens.items():
            if when <= as_of:
                page = next(t for p, t in files.items() if p.parent.name == token)
                assert f"Body {token}." in page
                for listing in ("topics", "tags", "news"):
                    # A German release is on the German topic, tag and year pages.
                    lists = [
                        t
                        for p, t in files.items()
                        if listing in p.parts
                        and p.parent.name != token
                        and (lang == "en" or p.relative_to(out).parts[0] == "de")
                    ]
                    assert any(token in t for t in lists), (listing, lang)
            else:
                assert token not in everything and token not in names, (token, when, as_of)
