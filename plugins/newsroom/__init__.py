"""Masthead's newsroom plugin for Pelican: checked releases in, a gated newsroom out."""

from __future__ import annotations

from pelican import signals

from . import disclosures, plugin


def register() -> None:
    # Check every file first: a build with any content error must not start.
    signals.initialized.connect(plugin.initialized)
    # Serve the checked releases and pages to Pelican instead of re-parsing them.
    signals.readers_init.connect(plugin.readers_init)
    # Company, topics and contacts for every template.
    signals.generator_init.connect(plugin.generator_init)
    # The time gate, before Pelican derives topics, tags, archives and pagination.
    signals.article_generator_pretaxonomy.connect(plugin.apply_time_gate)
    # Release images and attachments, for public releases only, once all is written.
    signals.finalized.connect(plugin.copy_release_files)
    # The disclosure record is a generator of its own: Pelican runs it after the articles
    # generator (so after the time gate) and hands it the writer, like any other page.
    signals.get_generators.connect(disclosures.get_generators)
    # The build instant, read by the scheduled redeploy (invoke due).
    signals.finalized.connect(plugin.write_build_record)


__all__ = ["register"]
