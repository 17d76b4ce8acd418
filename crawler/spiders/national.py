"""National parliament sites: one spider per registry entry, all of this one class.

``crawler/sites.toml`` describes each site; this module makes a Spider subclass per entry so that
``scrapy crawl house_by`` and ``parlwatch crawl house_by`` both work, and adding a site is a
registry entry, not a copy of a spider.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from crawler.items import ParseOutcome
from crawler.parsers.kind import kind_by_content
from crawler.parsers.national import (
    ArticleNotFound,
    MemberListNotFound,
    decode_html,
    parse_article,
    parse_member_list,
)
from crawler.registry import SiteConfig, national_sites
from crawler.spiders.base import ArchiveSpider


def _path_regex(template: str) -> str:
    """``/ru/news/?page={n}`` -> a regex matching it with the page number as group ``page``."""
    head, _, tail = template.partition("{n}")
    return re.escape(head) + r"(?P<page>\d+)" + re.escape(tail)


class NationalSiteSpider(ArchiveSpider):
    """Home page, paginated news list, news articles and the CSTO PA delegation page."""

    site: SiteConfig
    critical_roles = ("root", "delegation")

    def start_pages(self, language: str) -> list[tuple[str, str]]:
        paths = self.site.languages[language]
        return [(paths.home, "root"), (paths.news_list, "list"), (paths.delegation, "delegation")]

    def link_patterns(self, language: str) -> list[tuple[str, re.Pattern[str]]]:
        paths = self.site.languages[language]
        return [
            ("news", paths.article_pattern),
            ("list", re.compile(_path_regex(paths.news_page))),
            ("list", re.compile(re.escape(paths.news_list))),
        ]

    def page_country(self, url: str, role: str) -> str | None:
        """Every page of a national chamber's site is about its own country."""
        return self.site.country

    def parse_page(
        self,
        body: bytes,
        url: str,
        language: str,
        content_type: str | None,
        role: str,
        fetched_at: datetime | None = None,
    ) -> ParseOutcome:
        """``fetched_at`` resolves relative dates ("вчера"); a reparse passes the capture time."""
        if role not in ("news", "delegation", "page"):
            return ParseOutcome()
        html = decode_html(body, content_type)
        if role == "page":  # a URL no registry pattern names: its kind by what it says
            role = kind_by_content(html, url, self.site.date_order).kind
            if not role:
                return ParseOutcome()
        if role == "delegation":
            try:
                members = parse_member_list(
                    html,
                    url,
                    site=self.site.id,
                    country=self.site.country,
                    chamber=self.site.chamber,
                    language=language,
                )
            except MemberListNotFound as exc:
                return ParseOutcome(missing=["members"], errors=[str(exc)])
            return ParseOutcome(records=members, complete_sets=[f"member/{self.site.country}"])
        try:
            article = parse_article(
                html,
                url,
                language=language,
                fetched_at=fetched_at or datetime.now(UTC).replace(tzinfo=None),
                date_order=self.site.date_order,
            )
        except ArticleNotFound as exc:
            return ParseOutcome(missing=["news"], errors=[str(exc)])
        return ParseOutcome(records=[article])


def _spider_class(site: SiteConfig) -> type[NationalSiteSpider]:
    attrs = {
        "name": site.id,
        "site_id": site.id,
        "site": site,
        "languages": site.language_codes,
        "default_base_urls": site.base_urls,
        "date_order": site.date_order,
        "__doc__": f"{site.name} ({site.base_url}), from crawler/sites.toml.",
        "__module__": __name__,
    }
    class_name = "".join(part.title() for part in site.id.split("_")) + "Spider"
    return type(class_name, (NationalSiteSpider,), attrs)


# the registry's national sites crawled by this generic spider (not those naming their own)
NATIONAL_SPIDERS = {
    site_id: _spider_class(site) for site_id, site in national_sites().items() if not site.spider
}
globals().update({cls.__name__: cls for cls in NATIONAL_SPIDERS.values()})
