"""One way in: a page, fetched now, stored before or imported, becomes a capture, staged
observations, and the sets it showed whole.

The crawl pipeline, ``parlwatch reparse`` and ``parlwatch import warc`` all call ``Ingest.add``;
none of them decides on its own what a page is worth. Two functions hold the rules:

- ``read_page``: what one page contributes, and its outcome (ok / http-error / network-error /
  layout-missing / gone). Rules about a single page (which sets it shows whole, a page whose
  encoding is broken, a redirect off the site) belong there.
- ``Ingest.settled``: what a run as a whole may conclude before its batch is applied. Rules
  about a run (a partial run removes nothing it did not re-read, removals that need
  corroboration) belong there.

Everything is written through the store's API (``Archive.record_capture`` and an
``ObservationBatch`` applied by ``Archive.finish_crawl``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crawler.items import (
    GONE,
    HTTP_ERROR,
    LAYOUT_MISSING,
    NETWORK_ERROR,
    OK,
    Page,
    PageReading,
)
from crawler.observations import news_key, observations_from_records, scopes_of_sets
from crawler.urls import canonical_url
from store.archive import Archive
from store.captures import CaptureRecord, body_digest
from store.diff import content_hash
from store.observations import Observation, ObservationBatch

if TYPE_CHECKING:  # a spider is a site's pure parser; the spiders themselves call read_page
    from crawler.spiders.base import ArchiveSpider


def is_html(content_type: str | None) -> bool:
    """A body worth parsing: HTML or XML (no Content-Type: assume HTML, as browsers do)."""
    kind = (content_type or "text/html").lower()
    return "html" in kind or "xml" in kind


def read_page(page: Page, parser: ArchiveSpider) -> PageReading:
    """What ``page`` contributes, and its outcome: the one place that decides both.

    A 304, or a body identical to the one the archive knew, confirms the page's entity without
    parsing; a 2xx HTML body is parsed; a 404/410 of a news page says the item is gone.
    """
    reading = PageReading()
    status, known = page.status, page.known
    unchanged_body = (
        status == 200
        and known is not None
        and page.body is not None
        and known.digest == body_digest(page.body)
    )
    if status == 304 or unchanged_body:
        key = _page_entity(page)
        reading.confirms = [key] if key else []
    elif status is not None and 200 <= status < 300 and page.body is not None:
        if is_html(page.content_type):
            reading = _read_body(page, parser)
    elif status in (404, 410) and page.role == "news":
        reading.gone = [news_key(page.site, page.language, page.url)]
    reading.outcome = _outcome(status, reading)
    return reading


def _page_entity(page: Page) -> str | None:
    """The entity a page stands for as a whole: the one the archive knew it by, else (a page
    imported without that knowledge) a news item's own key."""
    if page.known is not None:
        return page.known.key
    return news_key(page.site, page.language, page.url) if page.role == "news" else None


def _read_body(page: Page, parser: ArchiveSpider) -> PageReading:
    parsed = parser.parse_page(
        page.body or b"",
        page.url,
        page.language or "",
        page.content_type,
        page.role,
        fetched_at=page.fetched_at,
    )
    return PageReading(parsed.records, parsed.missing, parsed.errors, parsed.complete_sets)


def _outcome(status: int | None, reading: PageReading) -> str:
    if status is None:
        return NETWORK_ERROR
    if status >= 400:
        return GONE if reading.gone else HTTP_ERROR
    return LAYOUT_MISSING if reading.missing else OK


def outcome_text(page: Page, reading: PageReading) -> str:
    """``ok``, or why the page cannot be used, in words for a crawl's reason."""
    if reading.outcome == OK:
        return OK
    if page.status is None:
        return f"fetch failed ({page.error})"
    if page.status >= 400:
        return f"HTTP {page.status}"
    return "expected content missing: " + ", ".join(reading.missing)


def capture_record(page: Page, reading: PageReading) -> CaptureRecord:
    return CaptureRecord(
        url=page.url,
        canonical_url=canonical_url(page.url),
        fetched_at=page.fetched_at,
        status=page.status,
        body=page.body,
        headers=page.headers,
        request_headers=page.request_headers,
        language=page.language,
        error=page.error,
        outcome=reading.outcome,
        parse_errors=reading.errors,
    )


@dataclass
class KnownHistory:
    """What the archive held before a run that re-reads its own captures (``reparse``)."""

    current: dict[str, str]  # entity key -> content hash of its current version
    members: dict[str, set[str]]  # scope -> its present entities
    reread: set[str] = field(default_factory=set)  # entities whose captures the run reads


@dataclass
class Ingested:
    capture_id: int | None
    reading: PageReading
    observations: list[Observation]


class Ingest:
    """The pages of one run (a crawl, a reparse, one imported group), for one crawl row.

    ``add`` records each page's capture (unless it is one already) and stages what it
    contributes; ``settled`` is the batch for ``Archive.finish_crawl``. With ``history`` (a
    re-read of stored captures), a reading equal to an entity's current version confirms it, and
    a set shown whole removes its absent members only when every one of them was re-read.
    """

    def __init__(
        self,
        archive: Archive,
        crawl_id: int,
        parser: ArchiveSpider,
        history: KnownHistory | None = None,
    ) -> None:
        self.archive = archive
        self.crawl_id = crawl_id
        self.parser = parser
        self.history = history
        self.batch = ObservationBatch()

    def add(self, page: Page, reading: PageReading | None = None) -> Ingested:
        """Record and stage ``page``; ``reading`` when the caller already read it (a spider)."""
        reading = reading or read_page(page, self.parser)
        capture_id = page.capture_id
        if capture_id is None:
            capture_id = self.archive.record_capture(self.crawl_id, capture_record(page, reading))
        observations = observations_from_records(
            page.site, reading.records, page.fetched_at, capture_id
        )
        current = self.history.current if self.history else {}
        for obs in observations:
            if current.get(obs.key) == content_hash(obs.content):
                self.batch.confirm(obs.key, obs.observed_at, obs.capture_id)
            else:
                self.batch.add(obs)
        for scope in scopes_of_sets(page.site, page.language, reading.complete_sets):
            self.batch.mark_complete(scope, page.fetched_at)
        for key in reading.confirms:
            self.batch.confirm(key, page.fetched_at, capture_id)
        for key in reading.gone:
            self.batch.mark_gone(key, page.fetched_at, capture_id)
        return Ingested(capture_id, reading, observations)

    def settled(self) -> ObservationBatch:
        """The staged batch, with what the run as a whole may not conclude taken out."""
        if self.history is not None:
            for scope in list(self.batch.complete_scopes):
                if not self.history.members.get(scope, set()) <= self.history.reread:
                    del self.batch.complete_scopes[scope]
        return self.batch
