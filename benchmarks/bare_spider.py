"""A bare Scrapy spider: what crawling the assembly site costs with nothing done to the pages.

Same start pages, link patterns, list-page cap, request headers and settings as ``parlwatch
crawl`` on loopback, minus the archive: no item pipeline, no progress line, no conditional
requests, no parsing. The ratio parlwatch / bare is the pipeline's overhead.

The benchmark takes the settings from ``crawler.runner.crawl_settings`` (``crawler/settings.py``
plus ``LOOPBACK_SETTINGS``) and the pages and patterns from the pacsto spider, in its own
process (``bare_spec``), and hands them over as JSON: the bare crawl process imports Scrapy and
this module only, as a bare Scrapy project would, not parlwatch's parsers and archive.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response
from scrapy.settings import BaseSettings, Settings


def bare_spec(base_url: str, overrides: dict[str, Any]) -> dict[str, Any]:
    """parlwatch's settings for a crawl of ``base_url``, and the pacsto spider's start pages and
    link patterns per language (run in the benchmark's process, not in the bare one)."""
    from crawler.runner import crawl_settings
    from crawler.spiders.pacsto import PacstoSpider

    settings = crawl_settings(None, base_url, overrides)
    chosen = {}
    for name, value in settings.items():
        if settings.getpriority(name) > 0:  # set by the project or for this crawl
            chosen[name] = value.copy_to_dict() if isinstance(value, BaseSettings) else value
    spider = PacstoSpider(base_url=base_url)
    return {
        "settings": chosen,
        "base_urls": spider.base_urls,
        "start_pages": {lang: spider.start_pages(lang) for lang in spider.base_urls},
        "link_patterns": {
            lang: [(role, pattern.pattern) for role, pattern in spider.link_patterns(lang)]
            for lang in spider.base_urls
        },
    }


class BareSpider(scrapy.Spider):
    """Fetches the pages ``parlwatch crawl pacsto`` fetches on a first crawl, and counts them."""

    name = "bare"

    def __init__(self, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base_urls: dict[str, str] = spec["base_urls"]
        self.start_pages = spec["start_pages"]
        self.patterns = {
            lang: [(role, re.compile(pattern)) for role, pattern in patterns]
            for lang, patterns in spec["link_patterns"].items()
        }
        self.pages = 0
        self.failures = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for lang, base in self.base_urls.items():
            for path, role in self.start_pages[lang]:
                yield self.page_request(base + path, lang, role)

    def page_request(self, url: str, language: str, role: str) -> scrapy.Request:
        return scrapy.Request(
            url,
            headers={"Accept-Language": language},
            callback=self.parse_page,
            errback=self.on_error,
            meta={"language": language, "role": role},
        )

    def parse_page(self, response: Response) -> Iterator[scrapy.Request]:
        self.pages += 1
        if response.status < 300:
            yield from self.follow_links(response, response.meta["language"])

    def on_error(self, failure: Any) -> None:
        self.pages += 1
        self.failures += 1

    def follow_links(self, response: Response, language: str) -> Iterator[scrapy.Request]:
        """The link following of ``crawler.spiders.base.ArchiveSpider.follow_links``."""
        base = urlsplit(self.base_urls[language])
        max_pages = self.settings.getint("PARLWATCH_MAX_LIST_PAGES", 3)
        for href in response.css("a::attr(href)").getall():
            url = urljoin(response.url, href.strip()).split("#")[0]
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or parts.netloc != base.netloc:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            for role, pattern in self.patterns[language]:
                match = pattern.fullmatch(target)
                if match is None:
                    continue
                page = match.groupdict().get("page")
                if page is None or int(page) <= max_pages:
                    yield self.page_request(url, language, role)
                break


def run_bare(spec: dict[str, Any]) -> dict[str, int]:
    """Crawl once in this process; returns pages fetched (robots.txt aside) and failures."""
    settings = Settings()
    settings.setdict(spec["settings"], priority="project")
    # without the archive's components, and without loading parlwatch's spiders by name
    settings.setdict({"ITEM_PIPELINES": {}, "EXTENSIONS": {}, "SPIDER_MODULES": []}, "cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, spec=spec)
    process.start()
    spider = crawler.spider
    return {"pages": spider.pages, "failures": spider.failures}
