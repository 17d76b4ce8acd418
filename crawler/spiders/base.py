"""What every parlwatch spider shares: per-language base URLs, page items, failure captures,
link following by path patterns, and re-checking pages the archive already holds.

A subclass names its site, languages and default base URLs, its start pages, which paths it
follows (``link_patterns``), the country a page is about (``page_country``), and the pure parser
for a page (``parse_page``). Everything it fetches becomes a ``PageItem``: the page (fetched or
not) and what it contributes, as ``crawler.page_reading.read_page`` decides. An article linked
from the home page or a news list carries how that list showed it (``Listed``), for ``read_page`` to
cross-check; a redirect off the site is never followed (``crawler.middlewares``), and a page
that ended up on another host anyway is recorded as a failure under the URL that was asked for.
The spider only crawls: it never opens the archive. The pages to re-check are handed to it in
``recheck_pages`` before it starts (the archive pipeline does so when the spider opens, under
``parlwatch crawl`` and ``scrapy crawl`` alike).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.items import OK, Listed, Page, PageItem, PageReading, ParseOutcome
from crawler.page_reading import read_page, same_site
from crawler.parse_pool import ParsePool
from crawler.parsers.national import ParseError, decode_html, parse_news_list
from crawler.urls import canonical_url
from store.archive import utcnow
from store.queries import KnownPage

# roles of the pages whose news links carry how the page listed each article
LISTING_ROLES = ("root", "list")


def headers_dict(headers: Any) -> dict[str, str]:
    """Scrapy headers -> {lower-case name: last value} as text."""
    out: dict[str, str] = {}
    for key, values in headers.items():
        name = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        value = values[-1] if isinstance(values, list | tuple) else values
        out[name.lower()] = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return out


class ArchiveSpider(scrapy.Spider):
    site_id: str = ""
    languages: tuple[str, ...] = ("ru",)
    default_base_urls: dict[str, str] = {}
    # roles of the pages whose failure fails the whole crawl
    critical_roles: tuple[str, ...] = ("root",)
    # pages the archive already holds, fetched again after the start pages (set before start)
    recheck_pages: list[KnownPage] = []
    # how the site writes numeric dates, for the dates of its news lists
    date_order: str = "DMY"

    def __init__(
        self,
        base_url: str | None = None,
        languages: str | Iterable[str] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        per_language = {
            key.removeprefix("base_url_"): kwargs.pop(key)
            for key in list(kwargs)
            if key.startswith("base_url_")
        }
        super().__init__(*args, **kwargs)
        if isinstance(languages, str):
            languages = [lang.strip() for lang in languages.split(",") if lang.strip()]
        self.crawl_languages = tuple(languages or self.languages)
        unknown = set(self.crawl_languages) - set(self.languages)
        if unknown:
            raise ValueError(f"{self.name} has no language(s) {sorted(unknown)}")
        # one host for every language (a replica, a mirror), or one per language (-a base_url_en=…)
        self.base_urls = {
            lang: (per_language.get(lang) or base_url or self.default_base_urls[lang]).rstrip("/")
            for lang in self.crawl_languages
        }

    # -- what a subclass provides ---------------------------------------------------------

    def start_pages(self, language: str) -> list[tuple[str, str]]:
        """(path, role) pairs to fetch first in ``language``."""
        return [("/", "root")]

    def link_patterns(self, language: str) -> list[tuple[str, re.Pattern[str]]]:
        """(role, pattern) pairs: a link whose path+query fullmatches is followed in that role.

        A pattern may capture the page number of a paginated list as a group named ``page``.
        """
        return []

    def parse_page(
        self,
        body: bytes,
        url: str,
        language: str,
        content_type: str | None,
        role: str,
        fetched_at: datetime | None = None,
    ) -> ParseOutcome:
        """The site's pure parser on one page; ``fetched_at`` anchors relative dates."""
        raise NotImplementedError

    def page_country(self, url: str, role: str) -> str | None:
        """The country a page is about (for the sets it carries), told from its URL alone so
        that a page that failed has one too; None for a page about no one country."""
        return None

    # -- requests ---------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for lang, base in self.base_urls.items():
            for path, role in self.start_pages(lang):
                yield self.page_request(base + path, lang, role)
        for request in self.recheck_requests():
            yield request

    def page_request(
        self,
        url: str,
        language: str,
        role: str,
        known: KnownPage | None = None,
        listed: Listed | None = None,
    ) -> scrapy.Request:
        headers = {"Accept-Language": language}
        if known and known.etag:
            headers["If-None-Match"] = known.etag
        if known and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        return scrapy.Request(
            url,
            headers=headers,
            callback=self.parse_response,
            errback=self.on_fetch_error,
            meta={"language": language, "role": role, "known": known, "listed": listed},
        )

    def known_page(self, url: str, language: str) -> KnownPage | None:
        """The archive's knowledge of ``url`` in ``language`` (a re-check page), if any.

        A link found on a list page may reach the duplicate filter before the page's re-check
        request does; carrying the validators on it too keeps that fetch conditional.
        """
        pages, by_url = getattr(self, "_known_by_url", (None, {}))
        if pages is not self.recheck_pages:  # built once per list handed over
            by_url = {
                (page.language, canonical_url(self.base_urls[page.language] + page.path)): page
                for page in self.recheck_pages
                if page.language in self.base_urls
            }
            self._known_by_url = (self.recheck_pages, by_url)
        return by_url.get((language, canonical_url(url)))

    def recheck_requests(self) -> list[scrapy.Request]:
        """Known news pages, fetched again (conditionally) so edits and withdrawals are seen."""
        return [
            self.page_request(
                self.base_urls[page.language] + page.path, page.language, "news", page
            )
            for page in self.recheck_pages
            if page.language in self.base_urls
        ]

    # -- responses --------------------------------------------------------------------------

    async def parse_response(self, response: Response):
        meta = response.meta
        asked = meta.get("redirect_urls", [response.url])[0]
        if not same_site(response.url, self.base_urls[meta["language"]]):
            # followed off the site after all (a meta refresh): a failure of the page asked for
            page = self.fetched_page(asked, meta, None)
            page.redirect_to = response.url
            page.error = f"redirected off the site to {response.url}"
            yield PageItem(page, await self.read(page))
            return
        page = self.fetched_page(response.url, meta, response.status)
        page.body = response.body if response.status != 304 else None
        page.headers = headers_dict(response.headers)
        page.request_headers = headers_dict(response.request.headers)
        refused = meta.get("redirect_refused")
        if refused is not None:  # a redirect crawler.middlewares did not follow
            page.redirect_to, page.error = refused
        reading = await self.read(page)
        yield PageItem(page, reading)
        if response.status < 300 and reading.outcome == OK:
            for request in self.follow_links(response, meta["language"], meta["role"]):
                yield request

    async def read(self, page: Page) -> PageReading:
        """``read_page`` on ``page``: in the parse pool when the crawl has one
        (``PARLWATCH_PARSE_WORKERS``, see ``crawler.parse_pool``) and the page has a body to
        parse, else here (a 304 or a failure needs no parser: no round trip to a worker)."""
        pool = self.parse_pool()
        if pool is None or page.body is None:
            return read_page(page, self)
        return await pool.read(page)

    def parse_pool(self) -> ParsePool | None:
        if not hasattr(self, "_parse_pool"):
            settings = getattr(self, "settings", None)
            workers = settings.getint("PARLWATCH_PARSE_WORKERS", 0) if settings else 0
            self._parse_pool = ParsePool(self.site_id, workers) if workers > 0 else None
        return self._parse_pool

    def closed(self, reason: str) -> None:
        pool = getattr(self, "_parse_pool", None)
        if pool is not None:
            pool.close()

    def on_fetch_error(self, failure: Failure):
        request = failure.request
        page = self.fetched_page(request.url, request.meta, None)
        page.error = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        page.request_headers = headers_dict(request.headers)
        yield PageItem(page, read_page(page, self))

    def fetched_page(self, url: str, meta: dict, status: int | None) -> Page:
        return Page(
            site=self.site_id,
            url=url,
            language=meta["language"],
            role=meta["role"],
            fetched_at=utcnow(),
            status=status,
            known=meta.get("known"),
            listed=meta.get("listed"),
        )

    def listed_articles(self, response: Response, language: str) -> dict[str, Listed]:
        """Canonical URL -> how the page lists that article (its link text and date)."""
        pattern = next((p for role, p in self.link_patterns(language) if role == "news"), None)
        if pattern is None:
            return {}
        try:
            items = parse_news_list(
                decode_html(response.body, response.headers.get("Content-Type", b"").decode()),
                response.url,
                article_pattern=pattern.pattern,
                fetched_at=utcnow(),
                date_order=self.date_order,
            )
        except ParseError:
            return {}
        return {
            canonical_url(item["url"]): Listed(item["title"] or None, item["published"])
            for item in items
        }

    def follow_links(self, response: Response, language: str, from_role: str = "page"):
        base = urlsplit(self.base_urls[language])
        patterns = self.link_patterns(language)
        max_pages = self.settings.getint("PARLWATCH_MAX_LIST_PAGES", 3)
        listed = self.listed_articles(response, language) if from_role in LISTING_ROLES else {}
        for href in response.css("a::attr(href)").getall():
            url = urljoin(response.url, href.strip()).split("#")[0]
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or parts.netloc != base.netloc:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            for role, pattern in patterns:
                match = pattern.fullmatch(target)
                if match is None:
                    continue
                page = match.groupdict().get("page")
                if page is None or max_pages <= 0 or int(page) <= max_pages:
                    evidence = known = None
                    if role == "news":
                        evidence = listed.get(canonical_url(url))
                        known = self.known_page(url, language)
                    yield self.page_request(url, language, role, known, evidence)
                break
