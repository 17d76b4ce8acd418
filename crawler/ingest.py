"""One way in: a page, fetched now, stored before or imported, becomes a capture, staged
observations, and the sets it showed whole.

The crawl pipeline, ``parlwatch reparse`` and ``parlwatch import warc`` all call ``Ingest.add``;
none of them decides on its own what a page is worth. The rules live in three places:

- ``crawler.page_reading.read_page``: what one page contributes, and its outcome (ok /
  http-error / network-error / layout-missing / gone / bad-encoding / off-site / redirect).
  Rules about a single page belong there.
- ``Ingest.add`` adds what the run knows: a page showing a set sharply smaller than the archive
  holds is ``shrunk`` (its observations apply, its sets are held back).
- ``Ingest.settled``: what a run as a whole may conclude before its batch is applied. A set is
  complete only when every page its site declares for it came back whole in the run
  (``crawler.completeness``); a re-read removes nothing it did not re-read. (Removals that need
  corroboration over two complete observations are the store's to add, in
  ``store.versions.apply_batch``: this batch's ``complete_scopes`` are the observations it
  would count.)

Everything is written through the store's API (``Archive.record_capture`` and an
``ObservationBatch`` applied by ``Archive.finish_crawl``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from crawler.completeness import PageFact, SetLedger
from crawler.items import OK, SHRUNK, Page, PageReading
from crawler.observations import observations_from_records
from crawler.page_reading import outcome_text, read_page
from crawler.registry import load_registry
from crawler.urls import canonical_url
from store.archive import Archive
from store.captures import CaptureRecord, record_captures
from store.diff import content_hash
from store.observations import Observation, ObservationBatch

if TYPE_CHECKING:  # a spider is a site's pure parser
    from crawler.spiders.base import ArchiveSpider


def partial_reason(failed: int) -> str:
    """The reason of a partial crawl (or import); ``stats.failed_pages`` names the pages."""
    return (
        f"{failed} page(s) did not come back whole: what was seen applies; "
        "the sets they carry removed nothing"
    )


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


_HASHES_MAX = 4096  # distinct contents kept by Ingest._content_hash (the block's are a few)


@dataclass
class _Pending:
    """A page added but not yet written: its capture (``record``, unless it is stored already)
    and what it contributes, staged once the capture has its id."""

    record: CaptureRecord | None
    capture_id: int | None
    observations: list[Observation]
    confirms: list[str]
    gone: list[str]
    fetched_at: datetime


class Ingested:
    """What ``Ingest.add`` made of a page. Its capture is written with the next batch; asking
    for ``capture_id`` before then writes the batch now."""

    def __init__(
        self, ingest: Ingest, pending: _Pending, reading: PageReading, observations: list
    ) -> None:
        self._ingest = ingest
        self._pending = pending
        self.reading = reading
        self.observations: list[Observation] = observations

    @property
    def capture_id(self) -> int | None:
        if self._pending.capture_id is None and self._pending.record is not None:
            self._ingest.flush()
        return self._pending.capture_id


class Ingest:
    """The pages of one run (a crawl, a reparse, one imported group), for one crawl row.

    ``add`` records each page's capture (unless it is one already) and stages what it
    contributes; ``settled`` is the batch for ``Archive.finish_crawl``, with complete only the
    sets whose declared pages all came back whole (``held_back`` says why the others are not).
    With ``history`` (a re-read of stored captures), a reading equal to an entity's current
    version confirms it, and a set shown whole removes its absent members only when every one
    of them was re-read.

    Captures are written in batches, one transaction each (``batch_pages`` pages, or whatever
    came in ``batch_seconds``; ``flush`` writes what is pending, ``settled`` does too), and what a
    page contributes is staged, in the order the pages came, once its capture has an id. A
    process killed mid-crawl loses at most the last batch's captures, and no history.
    """

    batch_pages = 200
    batch_seconds = 1.0

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
        self.ledgers: dict[str, SetLedger] = {}
        self.held_back: dict[str, str] = {}
        self.pending: list[_Pending] = []
        self.last_flush = time.monotonic()
        self._hashes: dict[str, str] = {}  # see _content_hash

    def ledger(self, site: str) -> SetLedger:
        """The site's ledger, with what the archive held before this run."""
        if site not in self.ledgers:
            config = load_registry().get(site)
            rules = config.sets if config is not None else ()
            self.ledgers[site] = SetLedger(site, rules, self.archive.present_entities(site))
        return self.ledgers[site]

    def add(self, page: Page, reading: PageReading | None = None) -> Ingested:
        """Record and stage ``page``; ``reading`` when the caller already read it (a spider)."""
        reading = reading or read_page(page, self.parser)
        ledger = self.ledger(page.site)
        country = self._page_country(page)
        observations = observations_from_records(page.site, reading.records, page.fetched_at, None)
        if reading.outcome == OK and reading.parsed:
            shrunk = ledger.shrink(page.language, page.role, country, observations)
            if shrunk is not None:
                reading.outcome, reading.problem = SHRUNK, f"sharply shrunk: {shrunk}"
                reading.errors.append(reading.problem)
        shows = frozenset(reading.complete_sets) if reading.parsed else None
        why = outcome_text(page, reading)
        ledger.add(
            PageFact(
                page.url, page.language, page.role, country, reading.outcome, why,
                page.fetched_at, shows,
            )
        )  # fmt: skip
        record = capture_record(page, reading) if page.capture_id is None else None
        pending = _Pending(
            record, page.capture_id, observations, reading.confirms, reading.gone, page.fetched_at
        )
        self.pending.append(pending)
        if page.capture_id is not None and len(self.pending) == 1:
            self.flush()  # nothing to write: stage it now
        elif self.flush_due():
            self.flush()
        return Ingested(self, pending, reading, observations)

    def flush_due(self) -> bool:
        """A batch is full, or has waited long enough."""
        return bool(self.pending) and (
            len(self.pending) >= self.batch_pages
            or time.monotonic() - self.last_flush >= self.batch_seconds
        )

    def flush(self) -> None:
        """Write the pending captures in one transaction, then stage what their pages showed."""
        pending, self.pending = self.pending, []
        self.last_flush = time.monotonic()
        to_write = [p for p in pending if p.record is not None]
        ids = record_captures(self.archive.sessions, self.crawl_id, [p.record for p in to_write])
        for item, capture_id in zip(to_write, ids, strict=True):
            item.capture_id = capture_id
        for item in pending:
            self._stage(item)

    def _stage(self, item: _Pending) -> None:
        current = self.history.current if self.history else {}
        for obs in item.observations:
            obs.capture_id = item.capture_id
            known = current.get(obs.key)  # hashed only when there is something to compare
            if known is not None and known == self._content_hash(obs.content):
                self.batch.confirm(obs.key, obs.observed_at, obs.capture_id)
            else:
                self.batch.add(obs)
        for key in item.confirms:
            self.batch.confirm(key, item.fetched_at, item.capture_id)
        for key in item.gone:
            self.batch.mark_gone(key, item.fetched_at, item.capture_id)

    def _content_hash(self, content: dict) -> str:
        """``content_hash``, memoised by the content's ``repr``: the site-wide block's records
        recur on every page a re-read reads. (A content written in any way differently, even 1
        against 1.0 or True, or a tuple against a list, is hashed on its own.)"""
        text = repr(content)
        digest = self._hashes.get(text)
        if digest is None:
            if len(self._hashes) >= _HASHES_MAX:
                self._hashes.clear()
            digest = self._hashes[text] = content_hash(content)
        return digest

    def _page_country(self, page: Page) -> str | None:
        """The country a page is about, as its site's spider tells from the URL (so a page that
        failed has one too); for a parser that cannot tell, the site's own country."""
        page_country = getattr(self.parser, "page_country", None)
        if page_country is not None:
            return page_country(page.url, page.role)
        config = load_registry().get(page.site)
        return config.country if config is not None else None

    def failed_pages(self) -> list[PageFact]:
        """The run's pages that did not come back whole, in the order they came."""
        return [p for ledger in self.ledgers.values() for p in ledger.failed_pages()]

    def settled(self) -> ObservationBatch:
        """The staged batch, with complete only the sets the run as a whole saw whole."""
        self.flush()
        observed: dict[str, set[str | None]] = {}
        for obs in self.batch.observations.values():
            observed.setdefault(obs.scope, set()).add(obs.country)
        for ledger in self.ledgers.values():
            settled = ledger.settle(observed)
            for scope, when in settled.complete.items():
                self.batch.mark_complete(scope, when, settled.except_countries.get(scope))
            self.held_back.update(settled.held_back)
        if self.history is not None:
            for scope in list(self.batch.complete_scopes):
                if not self.history.members.get(scope, set()) <= self.history.reread:
                    del self.batch.complete_scopes[scope]
                    self.held_back[scope] = "not every entity it holds was re-read"
        return self.batch
