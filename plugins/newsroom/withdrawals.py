"""Withdrawn releases: a notice at the release's address, and nothing of it anywhere else.

A published release sometimes has to come down (a court order, the wrong release). Its file
stays, marked ``status: withdrawn`` with the date and reason: the time gate takes it out of
every list from that instant (``BuildState.withdrawn``), this generator writes a notice at its
permanent address saying what was withdrawn, when and why, the Atom feeds announce the
deletion (feeds.py, RFC 6721) and the record keeps the original entry (disclosures.py).
"""

from __future__ import annotations

from pelican import Pelican
from pelican.generators import Generator
from pelican.writers import Writer

from .state import state_of


class WithdrawalGenerator(Generator):
    """Writes the notice page of each release withdrawn by the build instant."""

    def generate_output(self, writer: Writer) -> None:
        for release in state_of(self.settings).withdrawn:
            writer.write_file(
                f"{release.url}index.html",
                self.get_template("withdrawn"),
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                # The page of a public release would take this address only by a bug: an
                # error, not a silent skip.
                override_output=True,
                release=release,
                page_lang=release.lang,
            )


def get_generators(pelican: Pelican) -> type[Generator]:
    return WithdrawalGenerator
