"""What every parlwatch spider shares: per-language base URLs, page items, failure captures,
link following by path patterns, and re-checking pages the archive already holds.

A subclass names its site, languages and default base URLs, its start pages, which paths it
follows (``link_patterns``), and the pure parser for a page (``parse_page``). Everything it
fetches becomes a ``PageItem``: the capture (successful or not) plus the parser's records.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.items import PageItem
from crawler.observations import news_key
from crawler.urls import canonical_url
from store.archive import utcnow


@dataclass
class ParseOutcome:
    """What a spider's parser made of one page."""

    records: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # sets this page showed whole (so absent members were removed): an entity type
    # ("delegation"), or type/country for types published per country ("member/RU")
    complete_sets: list[str] = field(default_factory=list)


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

    # -- requests ---------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for lang, base in self.base_urls.items():
            for path, role in self.start_pages(lang):
                yield self.page_request(base + path, lang, role)
        for request in self.recheck_requests():
            yield request

    def page_request(
        self, url: str, language: str, role: str, known: dict | None = None
    ) -> scrapy.Request:
        headers = {"Accept-Language": language}
        if known and known.get("etag"):
            headers["If-None-Match"] = known["etag"]
        if known and known.get("last_modified"):
            headers["If-Modified-Since"] = known["last_modified"]
        return scrapy.Request(
            url,
            headers=headers,
            callback=self.parse_response,
            errback=self.on_fetch_error,
            meta={"language": language, "role": role, "known": known},
        )

    def recheck_requests(self) -> list[scrapy.Request]:
        """Known news pages, fetched again (conditionally) so edits and withdrawals are seen."""
        from store.archive import Archive
        from store.queries import known_pages

        archive = Archive(self.settings.get("PARLWATCH_DB"))
        try:
            pages = known_pages(archive, self.site_id, "news")
        finally:
            archive.engine.dispose()
        requests = []
        for page in pages:
            if page["language"] not in self.base_urls:
                continue
            url = self.base_urls[page["language"]] + page["path"]
            requests.append(self.page_request(url, page["language"], "news", known=page))
        return requests

    # -- responses --------------------------------------------------------------------------

    def parse_response(self, response: Response):
        meta = response.meta
        item = self.page_item(response.url, meta["language"], meta["role"], response.status)
        item.body = response.body if response.status != 304 else None
        item.headers = headers_dict(response.headers)
        item.request_headers = headers_dict(response.request.headers)
        known = meta.get("known") or {}
        if response.status == 304 or (
            response.status == 200 and known.get("digest") == _digest(response.body)
        ):
            item.confirms = [known["key"]] if known.get("key") else []
        elif response.status < 300 and _is_html(item.headers):
            outcome = self.parse_page(
                response.body,
                response.url,
                meta["language"],
                item.headers.get("content-type"),
                meta["role"],
                fetched_at=item.fetched_at,
            )
            item.records, item.missing = outcome.records, outcome.missing
            item.parse_errors, item.complete_sets = outcome.errors, outcome.complete_sets
        elif response.status in (404, 410) and meta["role"] == "news":
            item.gone = [news_key(self.site_id, meta["language"], response.url)]
        yield item
        if response.status < 300 and not item.missing:
            yield from self.follow_links(response, meta["language"])

    def on_fetch_error(self, failure: Failure):
        request = failure.request
        item = self.page_item(request.url, request.meta["language"], request.meta["role"], None)
        item.error = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        item.request_headers = headers_dict(request.headers)
        yield item

    def page_item(self, url: str, language: str, role: str, status: int | None) -> PageItem:
        return PageItem(
            site=self.site_id,
            url=url,
            canonical_url=canonical_url(url),
            language=language,
            role=role,
            fetched_at=utcnow(),
            status=status,
        )

    def follow_links(self, response: Response, language: str):
        base = urlsplit(self.base_urls[language])
        patterns = self.link_patterns(language)
        max_pages = self.settings.getint("PARLWATCH_MAX_LIST_PAGES", 3)
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
                if page is None or int(page) <= max_pages:
                    yield self.page_request(url, language, role)
                break


def _digest(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


def _is_html(headers: dict[str, str]) -> bool:
    content_type = headers.get("content-type", "text/html").lower()
    return "html" in content_type or "xml" in content_type
