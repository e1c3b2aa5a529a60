"""The plugin's modules import only downward, as DESIGN's "Layers" orders them.

Every import is read from the source with ``ast``, those inside functions too, so a cycle
cannot hide behind a late import. A module missing from ``LAYERS`` fails the test: a new
module is placed on purpose.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "plugins" / "newsroom"

#: Lower numbers are imported by higher ones, never the other way round; modules of one
#: layer may import each other, without a cycle.
LAYERS: dict[str, int] = {
    # 0. Leaves: problems, dates, language labels, sanitizing, and what they stand on.
    **dict.fromkeys(
        ["characters", "problems", "zones", "dates", "i18n", "typography", "sanitize"], 0
    ),
    **dict.fromkeys(["yaml_traps", "yamlguard", "urls", "hosting", "buildinfo", "parallel"], 0),
    **dict.fromkeys(["inline_skip", "membership", "outfolder", "lazy"], 0),
    # Which release bodies a page reads while it renders.
    "bodies": 0,
    # Files put in place whole or written by another process, processes that end with the
    # build, and a build run in a child process of its own: the standard library.
    **dict.fromkeys(["atomic", "orphans", "filewriter", "forked"], 0),
    # Drawing a share card: Pillow and the leaves, so that a fresh interpreter draws them lightly.
    "card_drawing": 0,
    # 1. Settings and models, and what works on models alone.
    **dict.fromkeys(["settings", "models", "translations", "withheld", "schedule"], 1),
    **dict.fromkeys(["fingerprint", "sharing", "catalogs", "golive", "pagelangs", "cache"], 1),
    # 2. The reader and the schema: one file in, values or problems out.
    **dict.fromkeys(["frontmatter", "schema", "files", "imaging", "release_images"], 2),
    **dict.fromkeys(["releases", "factsheet", "sitedata", "links", "newfile", "datalangs"], 2),
    # 3. The check: all content at once (content.load), the data files, git history.
    **dict.fromkeys(["content", "mediakit", "history", "summary", "rehearsal"], 3),
    # 4. The build state, and the page-language helpers of templates, read by every output;
    # the last build's pages, which the writer takes.
    **dict.fromkeys(["state", "localized", "pagerecord"], 4),
    # 5. The time gate.
    "timegate": 5,
    # 6. The outputs.
    **dict.fromkeys(["api", "archives", "assets", "cms", "disclosures", "feeds"], 6),
    **dict.fromkeys(["headers", "languages", "mediakit_build", "search", "share_images"], 6),
    **dict.fromkeys(["search_page", "share_cards"], 6),
    **dict.fromkeys(["markup", "sitemaps", "structured", "taxonomies", "withdrawals"], 6),
    # 7. The Pelican glue that wires them, and Pelican's writer that renders them.
    **dict.fromkeys(["plugin", "rendering", "__init__"], 7),
    # 8. What the tasks call.
    **dict.fromkeys(["commands", "manifest", "monitor"], 8),
}
#: Below the build state, nothing needs Pelican: the check runs without a build.
NO_PELICAN_BELOW = LAYERS["state"]


def imports(path: Path) -> tuple[set[str], set[str]]:
    """The package's own modules and the top-level third-party packages ``path`` imports."""
    own: set[str] = set()
    other: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                own.add(node.module.split(".")[0])
            else:
                own.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            other.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            other.update(alias.name.split(".")[0] for alias in node.names)
    own.discard("__future__")
    return own, other


GRAPH = {path.stem: imports(path) for path in sorted(PACKAGE.glob("*.py"))}


def test_every_module_has_a_layer() -> None:
    assert sorted(set(GRAPH) - set(LAYERS)) == []
    assert sorted(set(LAYERS) - set(GRAPH)) == []


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_point_down(module: str) -> None:
    upward = sorted(
        f"{module} ({LAYERS[module]}) imports {name} ({LAYERS[name]})"
        for name in GRAPH[module][0]
        if LAYERS.get(name, 99) > LAYERS[module]
    )
    assert upward == []


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if LAYERS[m] < NO_PELICAN_BELOW))
def test_the_check_does_not_import_pelican(module: str) -> None:
    assert "pelican" not in GRAPH[module][1]


def test_the_share_cards_drawing_process_loads_only_leaves() -> None:
    """card_drawing.py runs in a fresh interpreter beside the build, in about 30 MB: what it
    imports of the package, and through it, is Pillow and the standard library alone."""
    reached: set[str] = set()
    waiting = ["card_drawing"]
    while waiting:
        module = waiting.pop()
        if module not in reached:
            reached.add(module)
            waiting.extend(GRAPH[module][0])
    assert sorted(reached) == ["atomic", "card_drawing", "orphans"]
    other = set().union(*(GRAPH[module][1] for module in reached))
    assert sorted(other - set(sys.stdlib_module_names)) == ["PIL"]


def test_no_cycles() -> None:
    cycles: list[list[str]] = []
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycles.append([*path[path.index(module) :], module])
            return
        if module in done:
            return
        for name in sorted(GRAPH[module][0]):
            if name in GRAPH:
                visit(name, [*path, module])
        done.add(module)

    for module in sorted(GRAPH):
        visit(module, [])
    assert [" -> ".join(cycle) for cycle in cycles] == []
