"""A list page per language (``/de/``): its releases, with labels and dates in that language.

Each language also has its own feeds (feeds.py); which version of a translated release
the other lists show is decided in translations.py.
"""

from __future__ import annotations

from typing import Any

from pelican import Pelican
from pelican.generators import Generator
from pelican.writers import Writer

from .i18n import language_name
from .state import state_of
from .translations import LIST_SAVE_AS, LIST_TEMPLATE, LanguageLink, list_url


class LanguageListsGenerator(Generator):
    """Writes ``/<lang>/``: the releases in one language, newest first, in that language."""

    lists: list[tuple[str, list[Any]]]

    def generate_context(self) -> None:
        # Runs after the articles generator: the time gate has already split the releases.
        state = state_of(self.settings)
        languages = state.settings.languages
        everything = [*self.context.get("articles", []), *self.context["release_translations"]]
        everything.sort(key=lambda a: (a.date, a.release.source), reverse=True)
        lists = [(lang, [a for a in everything if a.release.lang == lang]) for lang in languages]
        # Each language's topic, tag and year pages list the same (taxonomies.py).
        self.context["articles_by_language"] = dict(lists)
        # Only while more than one language has public releases: a single list would repeat
        # the archive, and no switcher would link to it.
        self.lists = [(lang, articles) for lang, articles in lists if articles]
        if len(self.lists) < 2:
            self.lists = []
        self.context["language_lists"] = [
            LanguageLink(lang, language_name(lang), list_url(lang)) for lang, _ in self.lists
        ]
        self.context["language_articles"] = self.lists

    def generate_output(self, writer: Writer) -> None:
        template = self.get_template(LIST_TEMPLATE)
        for lang, articles in self.lists:
            writer.write_file(
                LIST_SAVE_AS.format(lang=lang),
                template,
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                paginated={"articles": articles, "dates": articles},
                template_name=LIST_TEMPLATE,
                url=list_url(lang),
                page_lang=lang,
                language=language_name(lang),
                articles=articles,
                dates=articles,
                override_output=True,
            )


def get_generators(pelican: Pelican) -> type[Generator]:
    return LanguageListsGenerator
