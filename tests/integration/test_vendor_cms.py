"""``invoke vendor-cms``: the committed editor files are what npm's pinned packages give, edited.

The edits to Decap's script (tools/vendor_cms.py, DECAP_PATCHES) let /admin/ run without
'unsafe-eval'; they must apply to exactly the text they were written for, or stop the update.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from pathlib import Path

import pytest

from tools import vendor_cms

DECAP = next(p for p in vendor_cms.PACKAGES if p.name == "decap-cms")
EDIT = DECAP.patches[0]


def test_the_vendored_files_are_rebuilt_byte_for_byte_from_npm(tmp_path: Path) -> None:
    if shutil.which("npm") is None:
        pytest.fail("npm is missing: python3 bootstrap.py test installs Node.js")
    written = vendor_cms.vendor(tmp_path / "vendor")
    committed = {p.name: p.read_bytes() for p in vendor_cms.TARGET.iterdir()}
    rebuilt = {p.name: p.read_bytes() for p in written.iterdir()}
    assert sorted(rebuilt) == sorted(committed)
    assert [name for name in rebuilt if rebuilt[name] != committed[name]] == []
    script = rebuilt["decap-cms.js"].decode()
    for old, new in EDIT.edits:
        assert old not in script
        assert script.count(new) == 1
    listed = (written / "VENDORED.txt").read_text(encoding="utf-8")
    assert f"  decap-cms.js {hashlib.sha256(rebuilt['decap-cms.js']).hexdigest()}\n" in listed
    assert f"patched ({EDIT.why}); upstream SHA-256 {EDIT.upstream}\n" in listed


def _upstream() -> dict[str, bytes]:
    """A few bytes standing in for Decap's script; the edits below name their SHA-256."""
    text = b"a=Vs()(o,e);!function(e){...}(a);const s=1;"
    return {"decap-cms.js": text}


def _edit(*edits: tuple[str, str], upstream: str | None = None) -> vendor_cms.Patch:
    digest = hashlib.sha256(_upstream()["decap-cms.js"]).hexdigest()
    return dataclasses.replace(EDIT, edits=edits, upstream=upstream or digest)


def test_an_edit_applies_once_and_is_listed() -> None:
    files = _upstream()
    lines = vendor_cms.patch(files, (_edit(("!function(e){...}(a)", "(g=function(e=a){...})")),))
    assert files["decap-cms.js"] == b"a=Vs()(o,e);(g=function(e=a){...});const s=1;"
    assert lines == [f"  decap-cms.js patched ({EDIT.why}); upstream SHA-256 {_edit().upstream}"]


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        (
            _edit(("x", "y"), upstream="0" * 64),
            "decap-cms.js has SHA-256 {digest}, not {zeros} that the patch was written for: "
            "check the edits in tools/vendor_cms.py against the new file",
        ),
        (
            _edit(("new Function", "")),
            "decap-cms.js: the patch expects 'new Function' once, found it 0 times",
        ),
        (_edit(("e)", "")), "decap-cms.js: the patch expects 'e)' once, found it 2 times"),
    ],
)
def test_an_edit_that_does_not_fit_stops_the_update(patch: vendor_cms.Patch, message: str) -> None:
    files = _upstream()
    before = dict(files)
    with pytest.raises(vendor_cms.VendorError) as raised:
        vendor_cms.patch(files, (patch,))
    digest = hashlib.sha256(before["decap-cms.js"]).hexdigest()
    assert str(raised.value) == message.format(digest=digest, zeros="0" * 64)
    assert files == before
