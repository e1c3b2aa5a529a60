"""Vendor the editor's browser files into theme/static/admin/vendor/ (``invoke vendor-cms``).

The packages are fetched once, with npm, by whoever updates them; the files are committed, so
building the site needs Python only and the editor is served from the site itself, never from
a CDN. Each package's tarball SHA-256 is pinned here: a different file stops the update.

Decap CMS is split into chunks that its main script loads on demand from its own folder, so
every chunk is copied next to it (source maps are left out).

Decap's main script is edited (``DECAP_PATCHES``) so that /admin/ runs without
``'unsafe-eval'``. Decap checks its configuration with ajv, which compiles the JSON schema
into JavaScript with ``new Function`` on every page load: the edit keeps that check, unchanged,
as ``window.NEWSROOM_VALIDATE_CMS_CONFIG`` instead of calling it, and the browser tests call it
on the configuration the build writes (tests/browser/test_admin.py), in a page allowed to
compile. A bundled library's ``eval`` that can only fail in a browser is left out. Each edit
names the exact text it replaces, once, and the upstream file's SHA-256: on a new Decap
version the update stops until the edits are checked against the new script.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "theme" / "static" / "admin" / "vendor"


@dataclass(frozen=True)
class Patch:
    """Exact edits of one vendored file: each ``old`` text must occur in it exactly once."""

    file: str
    #: SHA-256 of the upstream file the edits were written for.
    upstream: str
    edits: tuple[tuple[str, str], ...]
    why: str


# The two places where Decap, loading /admin/, runs text as code (found by running the browser
# tests under a script-src without 'unsafe-eval' and listening for securitypolicyviolation):
# 1. decap-cms-core's validateConfig, inlined in loadConfig as `!function(e){...}(a)`, compiles
#    its schema with ajv: it is assigned to a global instead of being called, and checks the
#    configuration Decap loaded (`a`) when called without one.
# 2. @iarna/toml asks for Node's util.inspect with eval("require(...)") inside a try; in a
#    browser there is no require, so `_custom` stays undefined with or without the eval.
DECAP_PATCHES = (
    Patch(
        "decap-cms.js",
        "7c1efd6b616b4786e279aeef194dd21649a72058d3bc8d1f78901b574610dfb8",
        (
            (
                "a=Vs()(o,e);!function(e){const t=new(nl())({allErrors:!0,",
                "a=Vs()(o,e);(window.NEWSROOM_VALIDATE_CMS_CONFIG=function(e=a){const t=new(nl())"
                "({allErrors:!0,",
            ),
            (
                "new rf([e])}})}(a);const s=function(e){",
                "new rf([e])}})});const s=function(e){",
            ),
            (
                "let _custom;try{const utilInspect=eval(\"require('util').inspect\");"
                "_custom=utilInspect.custom}catch(e){}",
                "let _custom;",
            ),
        ),
        "no eval or new Function on load: the configuration check is kept for the tests",
    ),
)


@dataclass(frozen=True)
class Package:
    """One npm package: the pinned tarball and the files taken from it."""

    name: str
    version: str
    sha256: str
    #: Glob patterns of tarball members that are copied, flat, into the vendor folder.
    files: tuple[str, ...]
    license: str
    patches: tuple[Patch, ...] = ()


PACKAGES = (
    # The editor: main script, its chunks and WebAssembly, and the licenses it bundles.
    Package(
        "decap-cms",
        "3.16.3",
        "f1c0055411ebdbd5b7c77a835a68b92b5467622585838f8496223b27eee116d1",
        (
            "package/dist/decap-cms.js",
            "package/dist/*.decap-cms.js",
            "package/dist/*.wasm",
            "package/dist/decap-cms.js.LICENSE.txt",
        ),
        "MIT",
        DECAP_PATCHES,
    ),
    # YAML reading for newsroom-editor.js (Decap does not expose its own parser).
    Package(
        "js-yaml",
        "4.1.0",
        "0dae332559cf22b21c26ea70e732afd8303ff99412f9c3d9d209faa8882cf2ca",
        ("package/dist/js-yaml.min.js", "package/LICENSE"),
        "MIT",
    ),
)


class VendorError(Exception):
    """A package could not be fetched, or it is not the pinned file."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch(package: Package, folder: Path, npm: str) -> dict[str, bytes]:
    """The selected files of the pinned tarball, by the name they get in the vendor folder."""
    spec = f"{package.name}@{package.version}"
    result = subprocess.run(
        [npm, "pack", spec, "--silent", "--pack-destination", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    tarballs = list(folder.glob(f"{package.name}-{package.version}.tgz"))
    if result.returncode != 0 or len(tarballs) != 1:
        raise VendorError(f"npm pack {spec} failed: {result.stderr.strip()}")
    digest = sha256(tarballs[0].read_bytes())
    if digest != package.sha256:
        raise VendorError(f"{spec} has SHA-256 {digest}, not the pinned {package.sha256}")
    files: dict[str, bytes] = {}
    with tarfile.open(tarballs[0]) as archive:
        for member in archive.getmembers():
            if member.isfile() and any(fnmatch(member.name, p) for p in package.files):
                name = Path(member.name).name
                if name == "LICENSE":
                    name = f"{package.name}.LICENSE.txt"
                extracted = archive.extractfile(member)
                assert extracted is not None
                files[name] = extracted.read()
    for pattern in package.files:
        if "*" not in pattern and Path(pattern).name not in files and "LICENSE" not in pattern:
            raise VendorError(f"{pattern} is missing from {spec}")
    return files


def patch(files: dict[str, bytes], patches: tuple[Patch, ...]) -> list[str]:
    """Apply each edit to the fetched files in place; the lines VENDORED.txt says them with."""
    lines = []
    for item in patches:
        if item.file not in files:
            raise VendorError(f"{item.file}, which a patch edits, was not fetched")
        digest = sha256(files[item.file])
        if digest != item.upstream:
            raise VendorError(
                f"{item.file} has SHA-256 {digest}, not {item.upstream} that the patch was "
                "written for: check the edits in tools/vendor_cms.py against the new file"
            )
        text = files[item.file].decode("utf-8")
        for old, new in item.edits:
            found = text.count(old)
            if found != 1:
                raise VendorError(
                    f"{item.file}: the patch expects {old!r} once, found it {found} times"
                )
            text = text.replace(old, new)
        files[item.file] = text.encode("utf-8")
        lines.append(f"  {item.file} patched ({item.why}); upstream SHA-256 {item.upstream}")
    return lines


def vendor(target: Path = TARGET, npm: str = "npm") -> Path:
    """Fetch every pinned package and replace the vendor folder with the files taken."""
    if shutil.which(npm) is None:
        raise VendorError("npm was not found: install Node.js to update the vendored editor")
    taken: dict[str, bytes] = {}
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        for package in PACKAGES:
            files = fetch(package, Path(tmp), npm)
            applied = patch(files, package.patches)
            taken.update(files)
            lines.append(
                f"{package.name}@{package.version} ({package.license} license), "
                f"tarball SHA-256 {package.sha256}:"
            )
            lines += [f"  {name} {sha256(data)}" for name, data in sorted(files.items())]
            lines += applied
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name, data in taken.items():
        (target / name).write_bytes(data)
    lines.append("Written by `invoke vendor-cms` (tools/vendor_cms.py); do not edit by hand.")
    (target / "VENDORED.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":
    try:
        print(f"Wrote {vendor().relative_to(ROOT)}")
    except VendorError as err:
        sys.exit(str(err))
