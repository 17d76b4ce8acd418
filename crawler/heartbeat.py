"""The running crawl's heartbeat: its process says it is alive while the spider runs.

Enabled with ``EXTENSIONS = {"crawler.heartbeat.CrawlHeartbeat": 100}``. Every
``PARLWATCH_HEARTBEAT`` seconds (``store.archive.HEARTBEAT_INTERVAL`` by default; 0 turns it
off) it touches the heartbeat of the spider's running crawl row of this process (the row the
pipeline started, found by spider, host and pid), so that another command can tell a crawl
still running on another host from one whose process died (``Archive.close_dead_crawls``).
"""

from __future__ import annotations

import logging

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from store.archive import HEARTBEAT_INTERVAL, Archive

log = logging.getLogger(__name__)


class CrawlHeartbeat:
    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.archive: Archive | None = None
        self.spider: str | None = None
        self.loop: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlHeartbeat:
        interval = crawler.settings.getfloat(
            "PARLWATCH_HEARTBEAT", HEARTBEAT_INTERVAL.total_seconds()
        )
        if interval <= 0:
            raise NotConfigured("PARLWATCH_HEARTBEAT is 0")
        extension = cls(crawler, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.archive = Archive(self.crawler.settings.get("PARLWATCH_DB"))
        self.spider = spider.name
        self.loop = LoopingCall(self.beat)
        self.loop.start(self.interval, now=False)

    def beat(self) -> None:
        """One heartbeat; a database that is briefly unavailable must not stop the crawl."""
        if self.archive is None or self.spider is None:
            return
        try:
            self.archive.heartbeat(self.spider)
        except Exception:  # noqa: BLE001 (the next beat tries again)
            log.warning("crawl heartbeat of %s failed", self.spider, exc_info=True)

    def spider_closed(self, spider: Spider) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.archive is not None:
            self.archive.engine.dispose()
            self.archive = None
