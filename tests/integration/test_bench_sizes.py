"""invoke bench's size table, measured on a real build of the fixture site."""

from __future__ import annotations

import os
from pathlib import Path

from benchmarks import bench
from support import Site


def test_every_written_file_is_counted_once_in_its_category(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out)
    categories, published = bench.output_size(out)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert sum(n for n, _ in categories.values()) == len(files)
    assert sum(b for _, b in categories.values()) == sum(os.path.getsize(p) for p in files)
    assert {"q4-results", "first-product", "with-files"} <= published

    def of(path: str) -> str:
        assert (out / path).is_file(), path
        return bench.category(path)

    cards = [p.relative_to(out).as_posix() for p in out.glob("news/*/*/share-*.png")]
    assert len(cards) == 2 and {of(card) for card in cards} == {"pictures"}
    assert of("news/2026/with-files/plant.png") == "pictures"
    assert of("news/2026/with-files/factsheet.pdf") == "downloads"
    assert of("news/2025/q4-results/index.html") == "pages"
    assert of("tags/launch/index.html") == "pages"
    assert of("feeds/topics/products.atom.xml") == "feeds"
    assert of("feeds/all.json") == "feeds"
    assert of("pagefind/en/0/pagefind.js") == "search"
    assert of("api/releases/2025/q4-results.json") == "data"
    assert of("disclosures.json") == "data"
    assert of("theme/css/newsroom.css") == "other"
    assert of("robots.txt") == "other"
    # Search files are the index's, whatever their ending.
    assert {bench.category(p.relative_to(out).as_posix()) for p in out.glob("pagefind/**/*.*")} == {
        "search"
    }
