"""Year archive pages, grouped by the year each release carries in its own zone.

Pelican groups its period archives by walking the releases in order of their instant, so
two releases a minute apart across a New Year that falls at different instants in
different zones (Berlin 01:00 on 1 January, New York 19:01 on 31 December) split one
year into two groups, written to the same file. Grouping by year first cannot.
"""

from __future__ import annotations

from typing import Any

from pelican import Pelican
from pelican.generators import Generator
from pelican.writers import Writer

from .state import state_of


class YearArchivesGenerator(Generator):
    """Writes ``YEAR_ARCHIVE_SAVE_AS`` for every year that has public releases."""

    years: list[dict[str, Any]]

    def generate_context(self) -> None:
        # Runs after the articles generator, so the time gate has already run.
        articles = self.context.get("articles", [])
        grouped: dict[int, list[Any]] = {}
        for article in articles:  # newest first, and stays so within each year
            grouped.setdefault(article.release.year, []).append(article)
        options = state_of(self.settings).settings  # only in a newsroom build
        save_as, url = options.year_save_as, options.year_url
        assert save_as is not None and url is not None  # plugin.initialized checks them
        self.years = [
            {
                "period": (year,),
                "period_num": (year,),
                "articles": group,
                "dates": group,
                "save_as": save_as.format(date=group[-1].date),
                "url": url.format(date=group[-1].date),
            }
            for year, group in sorted(grouped.items(), reverse=True)
        ]
        # In Pelican's own shape, for the sitemaps and any other reader of the context.
        self.context["period_archives"] = {"year": self.years}

    def generate_output(self, writer: Writer) -> None:
        template = self.get_template("period_archives")
        for archive in self.years:
            writer.write_file(
                archive["save_as"],
                template,
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                articles=archive["articles"],
                dates=archive["dates"],
                period=archive["period"],
                period_num=archive["period_num"],
                url=archive["url"],
                template_name="period_archives",
                blog=True,
            )


def get_generators(pelican: Pelican) -> type[Generator]:
    return YearArchivesGenerator
