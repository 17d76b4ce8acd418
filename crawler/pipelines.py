"""The pipeline between spiders and the store.

When the spider opens, the pipeline starts a crawl row and hands the spider the pages the
archive already holds, to re-check. Each page then goes in by the one ingest path
(``crawler.ingest.Ingest.add``): its capture is written with the next batch (every 200 pages,
or each second, so a crawl waiting on slow pages still has what it fetched on disk), what it
contributes is staged.
When the spider closes, the crawl is judged and its observations are applied to the history in
one transaction, or dropped if the crawl failed: ``finished`` when every page came back whole,
``partial`` when the start pages did but others did not (what was seen applies; the sets those
pages carry remove nothing; ``stats.failed_pages`` names them), ``failed`` when a start page
did not.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, datetime
from typing import Any

from scrapy import signals

from crawler.ingest import Ingest, outcome_text, partial_reason
from crawler.items import OK, SHRUNK, PageItem
from crawler.stale import registry_stats
from store.archive import FAILED, FINISHED, INTERRUPTED, PARTIAL, Archive, CrawlSummary
from store.observations import ObservationBatch
from store.queries import known_pages
from store.release import RELEASE

# Scrapy close reasons that mean someone stopped the crawl rather than it breaking.
INTERRUPT_REASONS = {"shutdown", "cancelled"}


class ArchivePipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.archive: Archive | None = None
        self.crawl_id: int | None = None
        self.ingest: Ingest | None = None
        self.pages: Counter[str] = Counter()
        self.records: Counter[str] = Counter()
        self.critical_pages: dict[str, str] = {}
        self.usable_critical: set[str] = set()
        self.summary: CrawlSummary | None = None
        self.flush_timer: asyncio.TimerHandle | None = None

    @classmethod
    def from_crawler(cls, crawler) -> ArchivePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.archive = Archive(self.crawler.settings.get("PARLWATCH_DB"))
        params = {
            "base_urls": getattr(spider, "base_urls", {}),
            "languages": list(getattr(spider, "crawl_languages", ())),
            "parlwatch": RELEASE,
        }
        self.crawl_id = self.archive.start_crawl(spider.name, params)
        self.ingest = Ingest(self.archive, self.crawl_id, spider)
        self._schedule_flush()
        if getattr(spider, "site_id", ""):
            spider.recheck_pages = known_pages(self.archive, spider.site_id, "news")

    def _schedule_flush(self) -> None:
        """Write pending captures each ``Ingest.batch_seconds`` even when no page comes in
        (only under a running event loop: the asyncio reactor Scrapy uses)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self.flush_timer = loop.call_later(Ingest.batch_seconds, self._flush_and_reschedule)

    def _flush_and_reschedule(self) -> None:
        if self.ingest is None:
            return
        if self.ingest.flush_due():
            self.ingest.flush()
        self._schedule_flush()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem) or self.ingest is None:
            return item
        page = item.page
        ingested = self.ingest.add(page, item.reading)
        self.pages[ingested.reading.outcome] += 1
        if page.role in getattr(self.crawler.spider, "critical_roles", ("root",)):
            name = f"{page.role} {page.language}"
            self.critical_pages[name] = outcome_text(page, ingested.reading)
            # a shrunk page is usable: only the sets it carries are held back
            if ingested.reading.outcome in (OK, SHRUNK):
                self.usable_critical.add(name)
        self.records.update(obs.type for obs in ingested.observations)
        return item

    def spider_closed(self, spider, reason: str) -> None:
        if self.archive is None or self.ingest is None or self.crawl_id is None:
            return
        if self.flush_timer is not None:
            self.flush_timer.cancel()
        status, why = self.judge(reason)
        batch = self.ingest.settled()
        failed = [p.to_dict() for p in self.ingest.failed_pages()]
        if status == FINISHED and failed:
            status, why = PARTIAL, partial_reason(len(failed))
        stats = {
            "pages": sum(self.pages.values()),
            "pages_by_outcome": dict(self.pages),
            "records_by_type": dict(self.records),
            "entities_by_type": _entities_by_type(batch),
            "critical_pages": self.critical_pages,
            "failed_pages": failed,
            # the sets this crawl saw whole (a removal's evidence), and those it held back
            "complete_sets": sorted(batch.complete_scopes),
            "incomplete_sets": self.ingest.held_back,
            "scrapy": _json_stats(self.crawler.stats.get_stats()),
            **registry_stats(self.archive, spider, self.crawl_id),  # a stale sites.toml entry
        }
        self.summary = self.archive.finish_crawl(
            self.crawl_id, status, batch, stats, why, parser_version=RELEASE
        )
        self.crawler.parlwatch_summary = self.summary

    def judge(self, reason: str) -> tuple[str, str | None]:
        """Failed unless the spider ended normally and every critical page came back usable
        (``spider_closed`` then makes it partial when other pages did not come back whole).

        Critical pages are the spider's ``critical_roles`` (the home page, a delegation page) in
        each language crawled.
        """
        if reason in INTERRUPT_REASONS:
            return INTERRUPTED, f"crawl stopped ({reason})"
        if reason != "finished":
            return FAILED, f"spider closed: {reason}"
        spider = self.crawler.spider
        expected = [
            f"{role} {lang}"
            for role in getattr(spider, "critical_roles", ("root",))
            for lang in getattr(spider, "crawl_languages", ()) or ("?",)
        ]
        problems = [
            f"{page}: {self.critical_pages.get(page, 'not fetched')}"
            for page in expected
            if page not in self.usable_critical
        ]
        if problems:
            return FAILED, "page not usable — " + "; ".join(problems)
        return FINISHED, None


def _entities_by_type(batch: ObservationBatch) -> dict[str, int]:
    """Distinct entities the crawl saw, or confirmed unchanged (304), by type.

    Unlike ``records_by_type`` this does not depend on how many pages were parsed again rather
    than answered 304, so crawls can be compared by it (``crawler.monitoring``).
    """
    kinds = Counter(obs.type for obs in batch.observations.values())
    for key in batch.confirmed.keys() - batch.observations.keys():
        kinds[key.split("/")[2]] += 1  # keys are {site}/{language}/{type}/...
    return dict(kinds)


def _json_stats(stats: dict) -> dict:
    out: dict[str, Any] = {}
    for key, value in stats.items():
        if isinstance(value, datetime | date):
            value = value.isoformat()
        elif not isinstance(value, str | int | float | bool | type(None)):
            value = str(value)
        out[key] = value
    return out
