"""A live progress line for interactive crawls; silent when stderr is not a terminal.

Enabled with ``EXTENSIONS = {"crawler.progress.CrawlProgress": 500}``; it removes itself
(``NotConfigured``) under the scheduler, in CI, in pipes and when ``PARLWATCH_PROGRESS`` is
false, so logs are never filled with redraws. One line per spider: pages done out of pages
queued so far (the total grows as links are found), failed pages, records parsed, elapsed time.
"""

from __future__ import annotations

import sys
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.items import GONE, OK, PageItem
from store.wording import plural

_shared: dict[str, Any] = {"progress": None, "users": 0}


def _progress():
    """One rich display per process, shared by the spiders crawled side by side."""
    if _shared["progress"] is None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        _shared["progress"] = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.fields[site]:<12}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
        )
        _shared["progress"].start()
    _shared["users"] += 1
    return _shared["progress"]


def _release() -> None:
    _shared["users"] -= 1
    if _shared["users"] <= 0 and _shared["progress"] is not None:
        _shared["progress"].stop()
        _shared["progress"] = None
        _shared["users"] = 0


class CrawlProgress:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.task = None
        self.pages = self.failed = self.records = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        if not crawler.settings.getbool("PARLWATCH_PROGRESS", True) or not sys.stderr.isatty():
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.progress = _progress()
        self.task = self.progress.add_task("crawl", total=None, site=spider.name, detail="")

    def item_scraped(self, item: Any, response: Any = None, spider: Any = None) -> None:
        if not isinstance(item, PageItem) or self.task is None:
            return
        self.pages += 1
        self.failed += item.outcome not in (OK, GONE)
        self.records += len(item.reading.records)
        queued = self.crawler.stats.get_value("scheduler/enqueued", 0)
        self.progress.update(
            self.task,
            completed=self.pages,
            total=max(queued, self.pages),
            detail=f"{self.failed} failed, {plural(self.records, 'record')}",
        )

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task is None:
            return
        self.progress.update(
            self.task,
            total=self.pages,
            detail=f"{self.failed} failed, {plural(self.records, 'record')} — {reason}",
        )
        self.task = None
        _release()
