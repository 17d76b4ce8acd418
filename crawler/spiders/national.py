"""National parliament sites: one spider per registry entry, all of this one class.

``crawler/sites.toml`` describes each site; this module makes a Spider subclass per entry so that
``scrapy crawl house_by`` and ``parlwatch crawl house_by`` both work, and adding a site is a
registry entry, not a copy of a spider.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response

from crawler.feeds import read_feed, read_sitemap
from crawler.items import Listed, PageItem, ParseOutcome
from crawler.parsers.kind import is_unavailable, kind_by_content
from crawler.parsers.national import (
    ArticleNotFound,
    MemberListNotFound,
    decode_html,
    parse_article,
    parse_member_list,
)
from crawler.registry import SiteConfig, national_sites
from crawler.spiders.base import LISTING_ROLES, ArchiveSpider
from crawler.stale import RegistryWatch, page_problem

# roles of the pages that list a site's news for machines (crawler/feeds.py)
FEED, SITEMAP = "feed", "sitemap"


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
        feeds = [
            (path, role) for path, role in ((paths.feed, FEED), (paths.sitemap, SITEMAP)) if path
        ]
        return [
            (paths.home, "root"),
            *feeds,
            (paths.news_list, "list"),
            (paths.delegation, "delegation"),
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registry_watch = RegistryWatch()

    async def parse_response(self, response: Response):
        """``ArchiveSpider.parse_response``, watching the registry's own pages on the way."""
        async for item in super().parse_response(response):
            if isinstance(item, PageItem):
                self.watch(item, response)
            yield item

    def watch(self, item: PageItem, response: Response) -> None:
        """Note a delegation page or news list that is not where the registry says (4xx, a
        redirect elsewhere, no member list), and news lists read whole."""
        page, meta = item.page, response.meta
        if page.role not in ("delegation", "list", FEED, SITEMAP):
            return
        language = meta["language"]
        paths = self.site.languages[language]
        asked = meta.get("redirect_urls", [response.url])[0]
        registry_path = {"delegation": paths.delegation, "list": paths.news_list}.get(page.role)
        if registry_path is None or urlsplit(asked).path != urlsplit(registry_path).path:
            if page.role in (FEED, SITEMAP) and response.status == 200:
                self.registry_watch.lists_read += 1
            return
        refused = (meta.get("redirect_refused") or (None,))[0]
        problem = page_problem(response.status, asked, response.url, refused)
        if (
            problem is None
            and page.role == "delegation"
            and "members" in item.reading.missing
            and not is_unavailable(decode_html(response.body, page.content_type))
        ):
            problem = "holds no member list"
        if problem is None and page.role == "list" and response.status == 200:
            self.registry_watch.lists_read += 1
        if problem is not None:
            name = "delegation" if page.role == "delegation" else "news_list"
            self.registry_watch.sign(f"{self.site.id}/{language}", name, registry_path, problem)

    def follow_links(self, response: Response, language: str, from_role: str = "page"):
        for request in self.links_of(response, language, from_role):
            if request.meta["role"] == "news" and from_role in (*LISTING_ROLES, FEED, SITEMAP):
                self.registry_watch.news_links += 1
            yield request

    def links_of(self, response: Response, language: str, from_role: str):
        """A feed's or a sitemap's articles (the feed's titles and dates their evidence), else
        the page's links (``ArchiveSpider.follow_links``)."""
        if from_role not in (FEED, SITEMAP):
            yield from super().follow_links(response, language, from_role)
            return
        base = self.base_urls[language]
        pattern = self.site.languages[language].article_pattern
        if from_role == FEED:
            entries = read_feed(response.body, response.url)
        else:  # newest first, when the sitemap dates its URLs
            entries = sorted(read_sitemap(response.body)[1], key=lambda e: e.published or "")[::-1]
        limit = self.settings.getint("PARLWATCH_MAX_FEED_ITEMS", 30)
        taken = 0
        for entry in entries:
            parts = urlsplit(entry.url)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if taken >= limit or not pattern.fullmatch(target):
                continue
            taken += 1
            # a sitemap's date is the page's last change, no publication date: no evidence
            listed = Listed(entry.title, entry.published) if from_role == FEED else None
            yield self.page_request(base + target, language, "news", listed=listed)

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
