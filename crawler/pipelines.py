"""The pipeline between spiders and the store.

Each page is recorded as a capture at once; its records are staged as observations. When the
spider closes, the crawl is judged (did every start page come back whole?) and its observations
are applied to the history in one transaction, or dropped if the crawl failed.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

from scrapy import signals

from crawler.items import OK, PageItem
from crawler.observations import observations_from_records, scopes_of_sets
from store.archive import FAILED, FINISHED, INTERRUPTED, Archive, CrawlSummary
from store.captures import CaptureRecord
from store.observations import ObservationBatch
from store.release import RELEASE

# Scrapy close reasons that mean someone stopped the crawl rather than it breaking.
INTERRUPT_REASONS = {"shutdown", "cancelled"}


class ArchivePipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.archive: Archive | None = None
        self.crawl_id: int | None = None
        self.batch = ObservationBatch()
        self.pages: Counter[str] = Counter()
        self.records: Counter[str] = Counter()
        self.critical_pages: dict[str, str] = {}
        self.summary: CrawlSummary | None = None

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

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem) or self.archive is None:
            return item
        capture_id = self.archive.record_capture(self.crawl_id, _capture_record(item))
        self.pages[item.outcome] += 1
        if item.role in getattr(self.crawler.spider, "critical_roles", ("root",)):
            self.critical_pages[f"{item.role} {item.language}"] = _describe(item)
        for obs in observations_from_records(item.site, item.records, item.fetched_at, capture_id):
            self.batch.add(obs)
            self.records[obs.type] += 1
        for scope in scopes_of_sets(item.site, item.language, item.complete_sets):
            self.batch.mark_complete(scope, item.fetched_at)
        for key in item.confirms:
            self.batch.confirm(key, item.fetched_at, capture_id)
        for key in item.gone:
            self.batch.mark_gone(key, item.fetched_at, capture_id)
        return item

    def spider_closed(self, spider, reason: str) -> None:
        if self.archive is None or self.crawl_id is None:
            return
        status, why = self.judge(reason)
        stats = {
            "pages": sum(self.pages.values()),
            "pages_by_outcome": dict(self.pages),
            "records_by_type": dict(self.records),
            "entities_by_type": _entities_by_type(self.batch),
            "critical_pages": self.critical_pages,
            "scrapy": _json_stats(self.crawler.stats.get_stats()),
        }
        self.summary = self.archive.finish_crawl(
            self.crawl_id, status, self.batch, stats, why, parser_version=RELEASE
        )
        self.crawler.parlwatch_summary = self.summary

    def judge(self, reason: str) -> tuple[str, str | None]:
        """Finished only when the spider ended normally and every critical page came back whole.

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
            if self.critical_pages.get(page) != OK
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


def _capture_record(item: PageItem) -> CaptureRecord:
    return CaptureRecord(
        url=item.url,
        canonical_url=item.canonical_url,
        fetched_at=item.fetched_at,
        status=item.status,
        body=item.body,
        headers=item.headers,
        request_headers=item.request_headers,
        language=item.language,
        error=item.error,
        outcome=item.outcome,
        parse_errors=item.parse_errors,
    )


def _describe(item: PageItem) -> str:
    if item.outcome == OK:
        return OK
    if item.status is None:
        return f"fetch failed ({item.error})"
    if item.status >= 400:
        return f"HTTP {item.status}"
    return "expected content missing: " + ", ".join(item.missing)


def _json_stats(stats: dict) -> dict:
    out: dict[str, Any] = {}
    for key, value in stats.items():
        if isinstance(value, datetime | date):
            value = value.isoformat()
        elif not isinstance(value, str | int | float | bool | type(None)):
            value = str(value)
        out[key] = value
    return out
