"""Vendor the editor's browser bundle into theme/static/admin/ (run by ``invoke vendor-cms``).

The bundle is fetched once, with npm, by whoever updates it; it is committed, so building the
site needs Python only and the editor is served from the site itself, never from a CDN.
The bundle's SHA-256 is pinned here: a different file stops the update.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@sveltia/cms"
VERSION = "0.221.1"
#: The one file the admin page loads with a plain <script src>.
BUNDLE = "package/dist/sveltia-cms.js"
SHA256 = "2fc783907e1a4a70783f155cc28435c70b8f79792f2aab75e787984e84aa413a"
LICENSE = "package/LICENSE.txt"

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "theme" / "static" / "admin"


class VendorError(Exception):
    """The bundle could not be fetched, or it is not the pinned file."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def vendor(target: Path = TARGET, npm: str = "npm") -> Path:
    """Fetch the pinned package, check the bundle and write it (with its license) to target."""
    if shutil.which(npm) is None:
        raise VendorError("npm was not found: install Node.js to update the vendored editor")
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            [npm, "pack", f"{PACKAGE}@{VERSION}", "--silent", "--pack-destination", tmp],
            capture_output=True,
            text=True,
            check=False,
        )
        tarballs = list(Path(tmp).glob("*.tgz"))
        if result.returncode != 0 or len(tarballs) != 1:
            raise VendorError(f"npm pack {PACKAGE}@{VERSION} failed: {result.stderr.strip()}")
        with tarfile.open(tarballs[0]) as archive:
            bundle = _read(archive, BUNDLE)
            license_text = _read(archive, LICENSE)
    digest = sha256(bundle)
    if digest != SHA256:
        raise VendorError(
            f"{BUNDLE} of {PACKAGE}@{VERSION} has SHA-256 {digest}, not the pinned {SHA256}"
        )
    target.mkdir(parents=True, exist_ok=True)
    out = target / Path(BUNDLE).name
    out.write_bytes(bundle)
    (target / "LICENSE.txt").write_bytes(license_text)
    (target / "VENDORED.txt").write_text(
        f"{out.name}: {PACKAGE}@{VERSION} ({BUNDLE}), {len(bundle)} bytes,\n"
        f"SHA-256 {digest}, MIT license (LICENSE.txt).\n"
        "Written by `invoke vendor-cms` (tools/vendor_cms.py); do not edit by hand.\n",
        encoding="utf-8",
    )
    return out


def _read(archive: tarfile.TarFile, name: str) -> bytes:
    member = archive.extractfile(name)
    if member is None:
        raise VendorError(f"{name} is missing from the package")
    return member.read()


if __name__ == "__main__":
    try:
        print(f"Wrote {vendor().relative_to(ROOT)}")
    except VendorError as err:
        sys.exit(str(err))
