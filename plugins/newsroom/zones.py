"""Which IANA time zone an author meant, from the city and country she wrote.

Zone names use one city per time zone (``Europe/Berlin`` for all of Germany), so an author
who writes the city she is in, ``Europe/Hamburg``, gets nothing from spelling similarity
(it is closest to ``Europe/Luxembourg``). CLDR, through Babel, knows the names of every
country and every zone's city in many languages, and which zones each country uses: with
the country from the zone or the dateline (``HAMBURG, Germany``), the suggestion is that
country's zone.
"""

from __future__ import annotations

import difflib
import unicodedata
from functools import cache
from zoneinfo import available_timezones

from babel import Locale
from babel.core import get_global

# Languages whose country and city names an author is likely to write.
_LOCALES = ("en", "de", "fr", "es", "it", "nl", "pt", "pl", "sv", "da", "fi", "nb", "cs")


def zone_hint(name: str, place: str = "", home: str = "") -> str:
    """A sentence that names the zone the author most likely meant, or "" when none fits.

    ``place`` is the release's dateline, ``home`` the newsroom's own zone.
    """
    zones = _zone_ids()
    lowered = {z.lower(): z for z in zones}
    if name.lower() in lowered:
        return f"Did you mean {lowered[name.lower()]}? "
    parts = [p for p in name.replace("_", " ").split("/") if p.strip()]
    city = _plain(parts[-1]) if parts else ""
    if city in _cities():
        return f"Did you mean {_cities()[city]}? "
    words = [*parts, *place.split(",")]
    for word in reversed(words):
        country = _countries().get(_plain(word))
        if country is not None:
            return _country_hint(country, city)
    close = difflib.get_close_matches(city, list(_cities()), n=1, cutoff=0.8)
    if close:
        return f"Did you mean {_cities()[close[0]]}? "
    home_country = get_global("zone_territories").get(home)
    if home_country and parts and home.split("/")[0] == parts[0] and city:
        return (
            f"Zone names use one city per time zone, and {parts[-1].strip()} is not one of them; "
            f"for a place in {_country_name(home_country)}, use {home}. "
        )
    return ""


def _country_hint(country: str, city: str) -> str:
    zones = _zones_of(country)
    if not zones:
        return ""
    named = _country_name(country)
    for zone in zones:
        if city and city == _plain(_city_of(zone)):
            return f"Did you mean {zone}? "
    if len(zones) == 1:
        return f"Did you mean {zones[0]}, the time zone of {named}? "
    listed = ", ".join(zones[:-1]) + f" or {zones[-1]}"
    return f"{named} has several time zones: did you mean {listed}? "


def _zones_of(country: str) -> list[str]:
    """The country's zones, one per time zone (Europe/Berlin, not also Europe/Busingen)."""
    meta = get_global("meta_zones")
    golden = set(get_global("windows_zone_mapping").values())
    known = _zone_ids()
    chosen: dict[str, str] = {}
    for zone in get_global("territory_zones").get(country, ()):
        if zone not in known:
            continue
        kind = meta.get(zone, zone)
        if kind not in chosen or (zone in golden and chosen[kind] not in golden):
            chosen[kind] = zone
    return list(chosen.values())


def _city_of(zone: str) -> str:
    return zone.split("/")[-1].replace("_", " ")


def _country_name(code: str) -> str:
    return str(Locale("en").territories.get(code, code))


def _plain(text: str) -> str:
    """Lowercase, without accents and extra spaces: "São  Paulo" and "sao paulo" match."""
    decomposed = unicodedata.normalize("NFKD", text.replace("_", " ").replace("-", " "))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split()).strip(" .")


@cache
def _zone_ids() -> frozenset[str]:
    return frozenset(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))


@cache
def _cities() -> dict[str, str]:
    """Every zone's city, in each language (Wien, Vienne, Vienna), mapped to the zone."""
    cities: dict[str, str] = {}
    aliases = get_global("zone_aliases")
    for code in _LOCALES:
        for zone, names in Locale(code).time_zones.items():
            zone = aliases.get(zone, zone)
            if zone in _zone_ids() and names.get("city"):
                cities.setdefault(_plain(names["city"]), zone)
    for zone in sorted(_zone_ids()):
        cities.setdefault(_plain(_city_of(zone)), zone)
    return cities


@cache
def _countries() -> dict[str, str]:
    """Country names in each language and their codes (DE, DEU, UK), mapped to the code."""
    zones = get_global("territory_zones")
    countries: dict[str, str] = {}
    for code in _LOCALES:
        for territory, name in Locale(code).territories.items():
            if territory in zones:
                countries.setdefault(_plain(name), territory)
    for territory in zones:
        countries.setdefault(territory.lower(), territory)
    for alias, targets in get_global("territory_aliases").items():
        if alias.isalpha() and targets and targets[0] in zones:
            countries.setdefault(alias.lower(), targets[0])
    return countries
