"""The CSTO Parliamentary Assembly site: English at pacsto.org, Russian at paodkb.org."""

from __future__ import annotations

import re
from datetime import datetime

from crawler.items import ParseOutcome
from crawler.parsers import parse_pacsto_page
from crawler.parsers.lexicon import find_country
from crawler.parsers.regions import country_slug
from crawler.registry import site_config
from crawler.spiders.base import ArchiveSpider
from store import entities
from store.entities.member import Member
from store.entities.news import News

SITE = site_config("pacsto")  # its hosts and languages, from crawler/sites.toml

# Types of the site-wide delegations block: all of them are seen whenever the block parses.
BLOCK_TYPES = entities.block_types()


class PacstoSpider(ArchiveSpider):
    """Home page, news and country pages of the assembly site, in both languages.

    ``-a base_url=http://127.0.0.1:8000`` crawls a replica or mirror that serves both languages
    from one host (chosen by ``Accept-Language``, as the live CMS does).
    """

    name = SITE.id
    site_id = SITE.id
    languages = SITE.language_codes
    default_base_urls = SITE.base_urls
    critical_roles = ("root",)

    def link_patterns(self, language: str) -> list[tuple[str, re.Pattern[str]]]:
        return [
            ("news", re.compile(r"/events/[^/?#]+/?")),
            ("list", re.compile(r"/events/?(?:\?page=(?P<page>\d+))?")),
            ("country", re.compile(r"/countries/[^/?#]+/?")),
        ]

    def page_country(self, url: str, role: str) -> str | None:
        """A country page's country, from its slug (``/countries/russian-federation``)."""
        slug = country_slug(url) if role == "country" else None
        return find_country(slug.replace("-", " ").replace("_", " ")) if slug else None

    def parse_page(
        self,
        body: bytes,
        url: str,
        language: str,
        content_type: str | None,
        role: str,
        fetched_at: datetime | None = None,
    ) -> ParseOutcome:
        result = parse_pacsto_page(body, url, language=language, content_type=content_type)
        for record in result.records:
            if isinstance(record, News):
                record.about_assembly = True  # the assembly's own news, by definition
        complete = [] if "delegations" in result.missing else list(BLOCK_TYPES)
        if role == "country" and "members" not in result.missing:
            countries = {r.country for r in result.records if isinstance(r, Member)}
            complete += [f"member/{country}" for country in sorted(countries)]
        return ParseOutcome(result.records, result.missing, result.errors, complete)
