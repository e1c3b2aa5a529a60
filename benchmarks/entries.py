"""What taking a picture from its cache costs: a plain look (``is_file``), the check the
build makes (``imaging.whole``), and Pillow's ``verify()`` for comparison, each on a file
of each kind the caches hold, made by the build's own encoders; and which of them notice a
file cut short.

    python benchmarks/entries.py      (or: invoke bench --entries)
"""

from __future__ import annotations

import sys
import tempfile
import timeit
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "plugins") not in sys.path:
    sys.path[:0] = [str(ROOT / "plugins"), str(ROOT)]

from PIL import Image, ImageDraw  # noqa: E402

from newsroom import imaging  # noqa: E402
from newsroom.card_drawing import Card, Fonts, render  # noqa: E402

#: Calls timed in a round; the best of ROUNDS rounds is reported, the least disturbed.
CALLS = 2000
ROUNDS = 5


def photo(width: int, height: int, fmt: str) -> bytes:
    """A release image's narrower copy: a picture with detail, encoded as the build does."""
    image = Image.new("RGB", (width, height), (11, 93, 90))
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 37):
        draw.line((x, 0, width - x, height), fill=(224, 165, 38), width=3)
    return imaging.encode(image, fmt)


def verify(path: Path) -> bool:
    try:
        with Image.open(path) as image:
            image.verify()
    except (OSError, SyntaxError):
        return False
    return True


def main() -> int:
    card = Card(
        "Example reports its results", "1 June 2026", "Products", "Example", None, Fonts.load()
    )
    files = {
        "card.png": render(card),
        "1200.jpg": photo(1200, 800, "JPEG"),
        "1200.webp": photo(1200, 800, "WEBP"),
    }
    checks: dict[str, Callable[[Path], bool]] = {
        "is_file": Path.is_file,
        "whole": imaging.whole,
        "verify()": verify,
    }
    print(
        "| file | bytes | "
        + " | ".join(f"{name} µs" for name in checks)
        + " | cut short: noticed by |"
    )
    print("|---|---|" + "---|" * (len(checks) + 1))
    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            path, cut = Path(folder) / name, Path(folder) / f"cut-{name}"
            path.write_bytes(data)
            times = []
            for check in checks.values():
                rounds = timeit.repeat(lambda: check(path), number=CALLS, repeat=ROUNDS)  # noqa: B023
                times.append(f"{min(rounds) / CALLS * 1e6:.1f}")
            noticed = []
            for label, cut_at in (("half", len(data) // 2), ("last byte", len(data) - 1)):
                cut.write_bytes(data[:cut_at])
                found = [check_name for check_name, check in checks.items() if not check(cut)]
                noticed.append(f"{label}: {', '.join(found) or 'none'}")
            print(f"| {name} | {len(data):,} | " + " | ".join(times) + f" | {'; '.join(noticed)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
