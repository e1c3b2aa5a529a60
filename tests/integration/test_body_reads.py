"""Every way a release body reaches a page notes the read (bodies.py).

A rebuild keeps the pages that read no changed body (pagerecord.py), so a value worked out
from a body that a template can reach without a read being noted would leave a stale page.
Two builds of one site that differ only in one release's body: everything each page's
template receives (its context, and through it Pelican's articles and translations, the
newsroom's releases, the record, the lists) is compared attribute by attribute, and a value
may differ only where reading it noted a read of a body. A body-derived field added without
``bodies.body_field`` (or the like) fails here.

The API's files are taken the same way (api.py): each is made in both builds, and may differ
only where making it noted a read of the edited body.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import functools
import re
import types
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import Any

import pytest

from newsroom import api, bodies, rendering
from newsroom.lazy import OnFirstUse
from newsroom.settings import INTERNAL
from support import Site, with_releases

EDITED = "releases/2025/numbered-2.md"
#: Plain values, compared as they are.
VALUES = (
    str,
    bytes,
    int,
    float,
    complex,
    bool,
    type(None),
    datetime.date,
    datetime.time,
    datetime.timedelta,
    datetime.tzinfo,
    PurePath,
    decimal.Decimal,
    enum.Enum,
    re.Pattern,
)
#: Code and machinery, not data: the same code in both builds.
CODE = (
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
    types.ModuleType,
    functools.partial,
    type,
)
#: Objects of these packages are the build's machinery (templates, loggers, processes).
MACHINERY = ("jinja2", "logging", "threading", "subprocess", "concurrent", "queue", "blinker")
MACHINERY += ("babel", "markdown", "PIL", "_io", "io", "multiprocessing", "pelican.readers")
#: Pelican puts the clock's time in a page's ``url_format`` when it has no date (the
#: newsroom's page addresses name no date), and warns on reading ``filename``.
NOT_DATA = {"url_format", "filename"}


def pages_of(site: Site, out: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What each page's template receives in a build of ``site``, in the order Pelican
    asked for the pages: the writer's recorded pages, just before they are rendered."""
    found: list[dict[str, Any]] = []
    render_pending = rendering.Writer.render_pending

    def seen(writer: rendering.Writer) -> None:
        found.extend(
            {"template": p.template.name, "target": p.target, **p.values, **p.own}
            for p in writer._pages
        )
        render_pending(writer)

    with monkeypatch.context() as patched:
        patched.setattr(rendering.Writer, "render_pending", seen)
        site.build(out)
    return found


def api_files_of(
    site: Site, out: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, tuple[str, set[str]]]:
    """Each file of the API in a build of ``site``, by path: its text, and the bodies noted
    while it was made (by the generator's own files, before it writes them)."""
    found: dict[str, tuple[str, set[str]]] = {}
    generate_output = api.ApiGenerator.generate_output

    def seen(generator: api.ApiGenerator, writer: Any) -> None:
        for files in (generator.lists, generator.records):
            for index in range(len(files)):
                with bodies.reading() as reads:
                    file = files.file(index)
                assert file.path == files.path(index)
                found[file.path] = (file.text, set(reads))
        generate_output(generator, writer)

    with monkeypatch.context() as patched:
        patched.setattr(api.ApiGenerator, "generate_output", seen)
        site.build(out)
    return found


def attributes(item: Any) -> Iterator[str]:
    """The names a template may read of ``item``: its own and its class's properties."""
    names = dict.fromkeys(getattr(item, "__dict__", {}))
    for cls in type(item).__mro__:
        for name, value in vars(cls).items():
            if isinstance(value, property) or name in getattr(cls, "__slots__", ()):
                names.setdefault(name)
    yield from (n for n in names if not n.startswith("__"))


def read(item: Any, name: str) -> tuple[bool, Any]:
    """``item.name`` and whether reading it read a body, the first time and again (a value
    kept after the first read, as Pelican memoizes a page's content, must note it too);
    None for what cannot be read."""
    noted = []
    value = None
    for _ in range(2):
        with bodies.reading() as reads:
            try:
                value = getattr(item, name)
            except Exception:  # a property that does not apply here: nothing a page shows
                value = None
        noted.append(bool(reads))
    return all(noted), value


def differences(a: Any, b: Any, where: str, seen: set[tuple[int, int]]) -> Iterator[str]:
    """Where ``a`` and ``b`` differ, but for values whose reading read a body."""
    if a is b or (id(a), id(b)) in seen:
        return
    seen.add((id(a), id(b)))
    if type(a) is not type(b):
        yield f"{where}: {type(a).__name__} / {type(b).__name__}"
    elif isinstance(a, VALUES):
        if a != b:
            yield where
    elif isinstance(a, CODE) or type(a).__module__.startswith(MACHINERY):
        return
    elif isinstance(a, OnFirstUse):
        (noted, va), (noted_b, vb) = read(a, "value"), read(b, "value")
        if not (noted or noted_b):
            yield from differences(va, vb, f"{where}()", seen)
    elif isinstance(a, dict):
        if list(a) != list(b):
            yield f"{where}: keys"
        for key in a:
            if key in b and key not in INTERNAL:
                yield from differences(a[key], b[key], f"{where}[{key!r}]", seen)
    elif isinstance(a, (list, tuple)):
        if len(a) != len(b):
            yield f"{where}: length"
        for index, (x, y) in enumerate(zip(a, b, strict=False)):
            yield from differences(x, y, f"{where}[{index}]", seen)
    elif isinstance(a, (set, frozenset)):
        if a != b:
            yield where
    else:
        for name in attributes(a):
            if name in NOT_DATA:
                continue
            (noted, va), (noted_b, vb) = read(a, name), read(b, name)
            if not (noted or noted_b):
                yield from differences(va, vb, f"{where}.{name}", seen)


def test_only_the_noted_reads_of_a_body_differ_between_two_builds(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_releases(site, 12)
    # Both builds find an output to empty, as an invoke build does (DELETE_OUTPUT_DIRECTORY).
    (tmp_path / "out").mkdir()
    (tmp_path / "out/earlier.html").write_text("<p>an earlier build</p>\n", encoding="utf-8")
    before = pages_of(site, tmp_path / "out", monkeypatch)
    with (site.path / EDITED).open("a", encoding="utf-8") as release:
        release.write("\nA paragraph added, with [a link](https://example.com/more).\n")
    after = pages_of(site, tmp_path / "out", monkeypatch)
    assert [p["target"] for p in before] == [p["target"] for p in after]
    seen: set[tuple[int, int]] = set()
    found = [
        difference
        for a, b in zip(before, after, strict=True)
        for difference in differences(a, b, str(a["target"]), seen)
    ]
    assert "\n".join(found) == ""
    # The edit reached the pages: the comparison did look at it.
    edited = next(p for p in after if p["target"].endswith("numbered-2/index.html"))
    assert "A paragraph added" in edited["article"].content
    assert dataclasses.is_dataclass(edited["article"].release)


def test_an_api_file_differs_only_where_it_read_the_edited_body(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_releases(site, 12)
    before = api_files_of(site, tmp_path / "out", monkeypatch)
    with (site.path / EDITED).open("a", encoding="utf-8") as release:
        release.write("\nA paragraph added, with [a link](https://example.com/more).\n")
    after = api_files_of(site, tmp_path / "out", monkeypatch)
    assert list(before) == list(after)

    def read_it(path: str) -> bool:
        return any(s.endswith(EDITED) for s in before[path][1] | after[path][1])

    assert [p for p in before if before[p][0] != after[p][0] and not read_it(p)] == []
    # The edit reached the API, in the one file that read it.
    assert [p for p in before if before[p][0] != after[p][0]] == [
        "api/releases/2025/numbered-2.json"
    ]
    assert [p for p in before if read_it(p)] == ["api/releases/2025/numbered-2.json"]
