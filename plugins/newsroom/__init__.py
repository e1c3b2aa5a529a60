"""Masthead's newsroom plugin for Pelican: checked releases in, a gated newsroom out."""

from __future__ import annotations


def register() -> None:
    # Imported when Pelican registers the plugin, not with the package: every command imports
    # the package (invoke new, invoke check), and only a build needs Pelican and the outputs.
    from pelican import signals

    from . import (
        api,
        archives,
        assets,
        cms,
        disclosures,
        feeds,
        headers,
        languages,
        markup,
        mediakit_build,
        membership,
        plugin,
        rendering,
        search_page,
        share_images,
        sitemaps,
        structured,
        taxonomies,
        timegate,
        withdrawals,
    )

    # Check every file first: a build with any content error must not start.
    signals.initialized.connect(plugin.initialized)
    # Serve the checked releases and pages to Pelican instead of re-parsing them.
    signals.readers_init.connect(plugin.readers_init)
    # A release's article notes which page reads its body (bodies.py).
    signals.content_object_init.connect(plugin.track_bodies)
    # Company, topics and contacts for every template.
    signals.generator_init.connect(plugin.generator_init)
    # The theme's indentation is for people: pages are written without it.
    signals.generator_init.connect(markup.unindent_templates)
    # The time gate, before Pelican derives topics, tags, archives and pagination.
    signals.article_generator_pretaxonomy.connect(timegate.apply_time_gate)
    # From then on the share cards to show are known: a process starts drawing them.
    signals.article_generator_pretaxonomy.connect(share_images.draw_ahead)
    # In a large build it ends before anything is written, at the peak of memory.
    signals.all_generators_finalized.connect(share_images.stop_ahead)
    # Pelican's context lives until the pages are written: a forked build's collector
    # leaves it alone from now on (forked.freeze).
    signals.all_generators_finalized.connect(plugin.freeze_context)
    # Pelican's own copy of media/ takes only files the check passed, never through a link.
    signals.static_generator_finalized.connect(assets.guard_static_files)
    # Pages are rendered on every core once all are asked for (rendering.py): first thing
    # on finalized, since the handlers below read them.
    signals.get_writer.connect(rendering.get_writer)
    signals.finalized.connect(rendering.render_pages)
    # Release images and attachments, for public releases only, once all is written.
    signals.finalized.connect(assets.copy_release_files)
    # Year archive pages, grouped by each release's own year (see archives.py).
    signals.get_generators.connect(archives.get_generators)
    # The disclosure record is a generator of its own: Pelican runs it after the articles
    # generator (so after the time gate) and hands it the writer, like any other page.
    signals.get_generators.connect(disclosures.get_generators)
    # Feeds and the follow page, a generator too: its context (the feed addresses) is
    # ready before any page is written, so every page links its feeds.
    signals.get_generators.connect(feeds.get_generators)
    # Open Graph, Twitter card and JSON-LD of each release, once the gate has run (finalized
    # fires after pretaxonomy) and before any page is written.
    signals.article_generator_finalized.connect(structured.attach)
    # Topic, tag and author lists that answer "is this release in it" at once: Pelican asks
    # it of every release for every list as it writes their pages (membership.py).
    signals.article_generator_finalized.connect(membership.index_taxonomies)
    # The release pages' folders, made by another process while the lists are built.
    signals.article_generator_finalized.connect(rendering.make_folders_ahead)
    # A list page per language, once the gate has split releases from their translations.
    signals.get_generators.connect(languages.get_generators)
    # Topic, tag, year and 404 pages in each other language, from those lists.
    signals.get_generators.connect(taxonomies.get_generators)
    # The JSON API and the sitemaps are generators too, written from the same gated lists.
    signals.get_generators.connect(api.get_generators)
    signals.get_generators.connect(sitemaps.get_generators)
    # The notice pages of withdrawn releases, at the addresses their pages had.
    signals.get_generators.connect(withdrawals.get_generators)
    # Share images of public releases, drawn or taken from the cache, once all is written.
    signals.finalized.connect(share_images.write_share_images)
    # The build instant, read by the scheduled redeploy (invoke due).
    signals.finalized.connect(plugin.write_build_record)
    # The search page, and the security headers as a _headers file (see headers.py).
    signals.get_generators.connect(search_page.get_generators)
    # The media kit page, its image versions and album zips (mediakit_build.py).
    signals.get_generators.connect(mediakit_build.get_generators)
    signals.finalized.connect(headers.write_headers)
    # The search index last: Pagefind reads the release pages as written (see search.py).
    signals.finalized.connect(search_page.build_index)
    # The editor for PR staff at /admin/, its form made from the release table (cms.py).
    signals.finalized.connect(cms.write_admin_files)


__all__ = ["register"]
