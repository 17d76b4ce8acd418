"""Run one crawl in this process (a Twisted reactor runs once per process: one crawl per call)."""

from __future__ import annotations

import os

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.urls import is_loopback
from store.archive import CrawlSummary

# A replica on this machine needs no politeness; it would only slow the tests and the demo.
LOOPBACK_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "DOWNLOAD_TIMEOUT": 10,
}


def crawl_settings(
    db_url: str | None = None, base_url: str | None = None, overrides: dict | None = None
) -> Settings:
    """The project settings, with the archive URL and loopback relaxations applied."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    if db_url:
        settings.set("PARLWATCH_DB", db_url, priority="cmdline")
    if base_url and is_loopback(base_url):
        settings.setdict(LOOPBACK_SETTINGS, priority="cmdline")
    settings.setdict(overrides or {}, priority="cmdline")
    return settings


def run_crawls(
    spiders: list[str],
    base_urls: dict[str, str] | None = None,
    db_url: str | None = None,
    overrides: dict | None = None,
    **spider_args: object,
) -> dict[str, CrawlSummary | None]:
    """Crawl each of ``spiders`` once, side by side in this process; one crawl row each.

    ``base_urls`` maps a spider to a replica or mirror URL. Returns each spider's summary (None
    for one that never opened).
    """
    base_urls = base_urls or {}
    loopback = bool(base_urls) and all(is_loopback(url) for url in base_urls.values())
    settings = crawl_settings(
        db_url, next(iter(base_urls.values())) if loopback else None, overrides
    )
    if len(spiders) > 1 and not _parse_workers_chosen(overrides):
        # several sites side by side: a worker each would be a process (~100 MB) per site
        settings.set("PARLWATCH_PARSE_WORKERS", 0, priority="cmdline")
    process = CrawlerProcess(settings)
    crawlers = {}
    for name in spiders:
        crawler = process.create_crawler(name)
        args = dict(spider_args)
        if name in base_urls:
            args["base_url"] = base_urls[name]
        process.crawl(crawler, **args)
        crawlers[name] = crawler
    process.start()
    return {name: getattr(c, "parlwatch_summary", None) for name, c in crawlers.items()}


def _parse_workers_chosen(overrides: dict | None) -> bool:
    """Did the user set the parse workers (``-s`` or the environment), or is it the default?"""
    return "PARLWATCH_PARSE_WORKERS" in (overrides or {}) or bool(
        os.environ.get("PARLWATCH_PARSE_WORKERS", "").strip()
    )


def run_crawl(
    spider: str,
    base_url: str | None = None,
    db_url: str | None = None,
    overrides: dict | None = None,
    **spider_args: object,
) -> CrawlSummary | None:
    """Crawl ``spider`` once; returns the crawl's summary (None if it never opened)."""
    base_urls = {spider: base_url} if base_url else None
    return run_crawls([spider], base_urls, db_url, overrides, **spider_args)[spider]
