"""What templates need to present a page in its language: the words, the links, the switcher.

Every template can ask for the language of the page it renders (``page_language()``), the
address of one of the newsroom's own pages in that language (``lang_url("media-kit/")``:
``de/media-kit/`` on a German page), a data entry's words in it (``contact|tr("role")``),
a date written its way (``day|day_text``), and the links of the language switcher: to this
very page in each language where it has versions, else to each language's list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from pelican.generators import Generator
from pelican.writers import Writer

from .i18n import Catalogs, format_day, language_name
from .models import text_in
from .pagelangs import localized
from .translations import LanguageLink, list_url

#: The context keys of the newsroom's own pages that are written in every language, each
#: set by the generator that writes the page (so each address has one source).
OWN_PAGES = ("media_kit_url", "disclosures_url", "follow_url", "search_url")


def install(
    env: Environment, catalogs: Catalogs, languages: Sequence[str], archives_url: str
) -> None:
    """The labels (i18n.py) and the helpers above, in one generator's template environment.

    The home page and the archive lead to each language's list (languages.py).
    """
    catalogs.install(env)
    first = languages[0]

    def lang_of(context: Context) -> str:
        return catalogs.page_lang(context)

    def own_pages(context: Context) -> set[str]:
        return {str(context[key]) for key in OWN_PAGES if context.get(key)}

    def lists(context: Context) -> set[str]:
        """The languages with a list page: none while fewer than two have releases."""
        return {link.lang for link in context.get("language_lists", ())}

    def list_pages(context: Context, lang: str) -> set[str]:
        """The topic, tag and year pages written in ``lang`` (taxonomies.py), by the address
        of the first language's."""
        found: set[str] = context.get("list_page_urls", {}).get(lang, set())
        return found

    def url_in(url: str, lang: str, context: Context) -> str:
        if lang == first:
            return url
        if url in ("", archives_url):
            return list_url(lang) if lang in lists(context) else url
        if url in own_pages(context) or url in list_pages(context, lang):
            return localized(url, lang, languages)
        return url  # a page the language has no version of (a paginated list's next page)

    @pass_context
    def page_language(context: Context) -> str:
        return lang_of(context)

    @pass_context
    def lang_url(context: Context, url: str) -> str:
        return url_in(url, lang_of(context), context)

    @pass_context
    def tr(context: Context, item: object, field: str) -> Any:
        return text_in(item, field, lang_of(context))

    @pass_context
    def day_text(context: Context, value: date) -> str:
        return format_day(value, lang_of(context))

    @pass_context
    def switch_links(context: Context) -> list[LanguageLink]:
        """This page in every language, or each language's list where it has no version."""
        if len(languages) < 2:
            return []
        article = context.get("article")
        versions = {link.lang: link.url for link in getattr(article, "alternates", ())}
        page = context.get("page")
        if page is not None and getattr(page, "newsroom_page", None) is not None:
            versions = {p.lang: p.url for p in context["pages"] if p.slug == page.slug}
        output = str(context.get("output_file", ""))
        base = output.removesuffix("index.html")
        lang = lang_of(context)
        if lang != first:
            base = base.removeprefix(f"{lang}/")
        if base in own_pages(context):
            versions = {code: url_in(base, code, context) for code in languages}
        elif any(base in list_pages(context, code) for code in languages):
            versions = {
                code: url_in(base, code, context)
                for code in languages
                if base in list_pages(context, code)
            }
        if any(output == f"{list_url(code)}index.html" for code in lists(context)):
            versions = {code: list_url(code) for code in lists(context)}  # list to list
        return [
            LanguageLink(code, language_name(code), versions.get(code) or url_in("", code, context))
            for code in languages
        ]

    filters: dict[str, Callable[..., Any]] = {"tr": tr, "day_text": day_text}
    env.filters.update(filters)
    env.globals.update(page_language=page_language, lang_url=lang_url, switch_links=switch_links)


def write_each_language(
    generator: Generator,
    writer: Writer,
    save_as: str,
    template: str,
    languages: Sequence[str],
    **values: Any,
) -> None:
    """One of the newsroom's own pages, once in each language (``de/`` + ``save_as``...)."""
    for lang in languages:
        writer.write_file(
            localized(save_as, lang, languages),
            generator.get_template(template),
            generator.context,
            relative_urls=generator.settings["RELATIVE_URLS"],
            # Pages write with override_output, which would make Pelican skip this file in
            # silence if a page took the address; claiming it too turns that into an error.
            override_output=True,
            page_lang=lang,
            **values,
        )
