"""Topic, tag, year and 404 pages in each of the site's other languages (``/de/topics/…``).

Pelican writes these pages once, in the site's first language, listing one version of each
piece of news. A German reader who follows a topic from a German page gets the topic's page
in German instead, listing the German releases: every topic that has a page has one in each
language (empty if no release of the language is in it yet, so no link leaves the
language); tags and years have one where the language's releases have that tag or year.
A tag only a translation has is listed here alone, not on the first language's pages.

Only releases past the time gate are in the context, so a German release under embargo adds
no page, tag or count here. A topic's page in a language links that topic's feed in the
language, which lists the same releases (feeds.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pelican import Pelican
from pelican.generators import Generator
from pelican.writers import Writer

from .pagelangs import localized
from .state import state_of
from .timegate import YearLink

#: The 404 page of each language; hosts that serve a 404 page by folder find it there
#: (docs/self-hosting.md).
NOT_FOUND_SAVE_AS = "404.html"


@dataclass(frozen=True)
class ListPage:
    """One page to write in a language: where, with which template and which releases."""

    lang: str
    save_as: str
    url: str
    template: str
    #: Its address without the language's prefix: the first language's page, where it has one.
    base: str
    articles: tuple[Any, ...] = ()
    values: tuple[tuple[str, Any], ...] = ()


class LanguageTaxonomiesGenerator(Generator):
    """Writes the topic, tag, year and 404 pages of every language after the first."""

    pages: list[ListPage]

    def generate_context(self) -> None:
        # Runs after the articles generator (the time gate) and the language lists.
        languages = state_of(self.settings).settings.languages
        if len(languages) < 2:
            self.pages = []
            return
        by_language = self.context.get("articles_by_language", {})
        s = self.settings
        years = self.context.get("period_archives", {}).get("year", [])
        first = {
            s["CATEGORIES_URL"],
            s["TAGS_URL"],
            *(c.url for c, _ in self.context["categories"]),
            *(t.url for t, _ in self.context["tags"]),
            *(y["url"] for y in years),
        }
        self.pages = []
        urls: dict[str, set[str]] = {languages[0]: first}
        for lang in languages[1:]:
            pages = self._pages(lang, by_language.get(lang, []), languages)
            urls[lang] = {p.base for p in pages if p.template != "404"}
            self.pages += pages
        # lang_url (localized.py) leads a page's links to these versions, and the switcher
        # from each to the others.
        self.context["list_page_urls"] = urls
        self.context["language_list_pages"] = self.pages

    def _pages(self, lang: str, articles: list[Any], languages: tuple[str, ...]) -> list[ListPage]:
        """The pages of one language, each given what its template lists in that language."""
        s = self.settings

        def page(url: str, save_as: str, template: str, items: Any = (), **values: Any) -> ListPage:
            return ListPage(
                lang,
                localized(save_as, lang, languages),
                localized(url, lang, languages),
                template,
                url,
                tuple(items),
                tuple(values.items()),
            )

        categories = [
            (c, [a for a in articles if a.release.topic.key == c.slug])
            for c, _ in self.context["categories"]
        ]
        tags: dict[Any, list[Any]] = {}
        for article in articles:
            for tag in getattr(article, "tags", []):
                tags.setdefault(tag, []).append(article)
        years: dict[int, list[Any]] = {}
        for article in articles:
            years.setdefault(article.release.year, []).append(article)
        year_url, year_save_as = s["YEAR_ARCHIVE_URL"], s["NEWSROOM_YEAR_SAVE_AS"]
        year_links = [
            YearLink(year, localized(year_url.format(date=group[-1].date), lang, languages))
            for year, group in sorted(years.items(), reverse=True)
        ]
        local = {
            "categories": categories,
            "tags": sorted(tags.items(), key=lambda t: t[0].name),
            "release_years": year_links,
        }
        pages = [
            # The indexes change with any release of the language (the sitemap's lastmod).
            page(s["CATEGORIES_URL"], s["CATEGORIES_SAVE_AS"], "categories", articles, **local),
            page(s["TAGS_URL"], s["TAGS_SAVE_AS"], "tags", articles, **local),
            page("", NOT_FOUND_SAVE_AS, "404", **local),
        ]
        pages += [
            page(c.url, c.save_as, "category", items, category=c, **local)
            for c, items in categories
        ]
        pages += [page(t.url, t.save_as, "tag", items, tag=t, **local) for t, items in tags.items()]
        for year, group in sorted(years.items(), reverse=True):
            day = group[-1].date
            pages.append(
                page(
                    year_url.format(date=day),
                    year_save_as.format(date=day),
                    "period_archives",
                    group,
                    period=(year,),
                    period_num=(year,),
                    **local,
                )
            )
        return pages

    def generate_output(self, writer: Writer) -> None:
        paginated = self.settings["PAGINATED_TEMPLATES"]
        for page in self.pages:
            articles = list(page.articles)
            writer.write_file(
                page.save_as,
                self.get_template(page.template),
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                paginated={"articles": articles, "dates": articles}
                if page.template in paginated
                else None,
                template_name=page.template,
                url=page.url,
                page_lang=page.lang,
                articles=articles,
                dates=articles,
                **dict(page.values),
            )


def get_generators(pelican: Pelican) -> type[Generator]:
    return LanguageTaxonomiesGenerator
