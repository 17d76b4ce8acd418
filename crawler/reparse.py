"""``parlwatch reparse``: read the stored captures again with the current parsers.

History is append-only. A reparse re-reads, for every present entity of a site, the capture
that last confirmed its current version (a 304 is read through the full capture it confirmed),
and compares what the current parser makes of it with the stored version:

- the same content hash: nothing is written (the version is only re-confirmed);
- a different one: a new version, first seen at that capture's time, with field changes, all
  written by a crawl row whose spider is ``reparse:<site>``. ``parlwatch history`` and the
  ``cause`` of a change (``parser``) tell such changes from the site's own changes;
- a page the new parser cannot read changes nothing (as in a crawl).

Each capture goes in by the crawl's own path (``crawler.ingest.Ingest.add``), told what the
archive held (``KnownHistory``) and that the capture is already stored. The pages are read
(``crawler.page_reading.read_page``) here or by parse workers (``crawler.parse_pool``): the reading
is the same, only where it is computed changes.

Versions record ``PARSER_VERSION``; older versions keep the parser version that made them.
A second reparse with the same parser finds nothing to do and says so.
"""

from __future__ import annotations

import sys
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.ingest import Ingest, KnownHistory
from crawler.items import Page
from crawler.page_reading import is_html
from crawler.parse_pool import ParsePool
from crawler.spiders.base import ArchiveSpider
from crawler.stored_pages import PARSER_VERSION, role_of, site_spider
from store.archive import FINISHED, Archive
from store.captures import last_full_captures
from store.models import Blob, Capture, Entity, Version
from store.tables import read_body


@dataclass
class ReparseResult:
    site: str
    crawl_id: int
    parser_version: str
    captures: int = 0
    unreadable: list[str] = field(default_factory=list)
    new_versions: int = 0
    changes: int = 0
    added: int = 0
    removed: int = 0
    unchanged: int = 0

    @property
    def changed_anything(self) -> bool:
        return bool(self.new_versions or self.changes)


def reparse_site(
    archive: Archive,
    site: str,
    since: datetime | None = None,
    parser_version: str = PARSER_VERSION,
    workers: int = 0,
) -> ReparseResult:
    """Reparse the captures behind ``site``'s current versions (those fetched since ``since``),
    the pages read here or, with ``workers``, by that many parse workers
    (``crawler.parse_pool``) while this process reads the archive and stages what they read."""
    spider = site_spider(site)
    history, last_capture = _current_state(archive, site)
    wanted = sorted(set(last_capture.values()))
    with archive.session() as session:
        captures = [
            capture
            for start in range(0, len(wanted), _CHUNK)
            for capture in session.scalars(
                select(Capture).where(Capture.id.in_(wanted[start : start + _CHUNK]))
            )
        ]
    captures = [c for c in captures if since is None or c.fetched_at >= since]
    captures.sort(key=lambda c: (c.fetched_at, c.id))
    ids = {c.id for c in captures}
    history.reread = {key for key, cid in last_capture.items() if cid in ids}
    crawl_id = archive.start_crawl(
        f"reparse:{site}",
        {"parser_version": parser_version, "since": since.isoformat() if since else None},
    )
    result = ReparseResult(site, crawl_id, parser_version, captures=len(captures))
    ingest = Ingest(archive, crawl_id, spider, history)
    pool = ParsePool(site, workers, _START) if workers > 0 else None
    read: deque[tuple[list[Capture], list[Page | None], list[Future | None]]] = deque()
    try:
        for start in range(0, len(captures), _CHUNK):
            chunk = captures[start : start + _CHUNK]
            with archive.session() as session:  # one read session per chunk, not per page
                pages = _stored_pages(session, spider, site, chunk)
            # with a pool, the workers read this chunk while the previous one is staged here
            futures = [pool.submit(p) if pool and p else None for p in pages]
            read.append((chunk, pages, futures))
            if pool is None or len(read) > 1:
                _add_chunk(ingest, result, *read.popleft())
        while read:
            _add_chunk(ingest, result, *read.popleft())
    finally:
        if pool is not None:
            pool.close()
    batch = ingest.settled()
    summary = archive.finish_crawl(
        crawl_id,
        FINISHED,
        batch,
        {
            "pages": len(captures),
            "unreadable": result.unreadable,
            "incomplete_sets": ingest.held_back,
        },
        parser_version=parser_version,
    )
    stats = summary.stats
    result.new_versions = stats.get("history/new_versions", 0)
    result.changes = stats.get("history/changes", 0)
    result.added = stats.get("history/added", 0)
    result.removed = stats.get("history/removed", 0)
    result.unchanged = stats.get("history/unchanged", 0)
    return result


def _add_chunk(
    ingest: Ingest,
    result: ReparseResult,
    chunk: list[Capture],
    pages: list[Page | None],
    futures: list[Future | None],
) -> None:
    """Each page of ``chunk`` into ``ingest`` (read here, or by the pool that ``futures`` come
    from: the reading is the same), in the order of the captures."""
    for capture, page, future in zip(chunk, pages, futures, strict=True):
        if page is None:
            result.unreadable.append(f"capture {capture.id}: no stored body")
            continue
        reading = ingest.add(page, future.result() if future is not None else None).reading
        if reading.missing:
            result.unreadable.append(f"capture {capture.id} {capture.url}: {reading.errors}")


def _current_state(archive: Archive, site: str) -> tuple[KnownHistory, dict[str, int]]:
    """The site's present entities (content hashes, scopes), and {key: id of the capture behind
    its current version}."""
    query = (
        select(
            Entity.key,
            Entity.scope,
            Version.content_hash,
            func.coalesce(Version.last_capture_id, Version.capture_id),
        )
        .join(Version, Version.entity_id == Entity.id)
        .where(Entity.site == site, Entity.state == "present", Version.superseded_at.is_(None))
    )
    history, last_capture = KnownHistory(current={}, members={}), {}
    with archive.session() as session:
        for key, scope, digest, capture_id in session.execute(query):
            history.current[key] = digest
            history.members.setdefault(scope, set()).add(key)
            if capture_id is not None:
                last_capture[key] = capture_id
    return history, last_capture


_CHUNK = 200  # captures read per query and per session
# how parse workers start: forked on Linux (no reactor runs here; they start at once, with this
# process's imports and parser), elsewhere spawned (macOS and Windows default to it)
_START = "fork" if sys.platform.startswith("linux") else "spawn"


def _stored_pages(
    session: Session, spider: ArchiveSpider, site: str, captures: list[Capture]
) -> list[Page | None]:
    """The pages ``captures`` stand for, as fetched then: each its own body, or for a 304 (or a
    capture without a body) the last full capture's; None where there is no HTML body to read.
    The full captures and the bodies are read a chunk at a time, not a query per capture."""
    revisits = [c for c in captures if c.status == 304 or c.digest is None]
    sources = last_full_captures(session, revisits) if revisits else {}
    chosen = {c.id: sources.get(c.id, c) for c in captures}
    digests = sorted({s.digest for s in chosen.values() if s is not None and s.digest})
    blobs = {
        blob.digest: blob
        for start in range(0, len(digests), _CHUNK)
        for blob in session.scalars(
            select(Blob).where(Blob.digest.in_(digests[start : start + _CHUNK]))
        )
    }
    return [_stored_page(spider, site, c, chosen[c.id], blobs) for c in captures]


def _stored_page(
    spider: ArchiveSpider,
    site: str,
    capture: Capture,
    source: Capture | None,
    blobs: dict[str, Blob],
) -> Page | None:
    """The page ``capture`` stands for, read from ``source`` (itself, or the full capture a 304
    stands for); None when there is no HTML body to read."""
    if source is None or source.digest is None or not is_html(source.content_type):
        return None
    if source.status is None or not 200 <= source.status < 300:
        return None
    blob = blobs.get(source.digest)
    if blob is None:
        return None
    return Page(
        site=site,
        url=capture.url,
        language=capture.language,
        role=role_of(spider, capture.url, capture.language or ""),
        fetched_at=capture.fetched_at,
        status=source.status,
        body=read_body(blob),
        headers={"content-type": source.content_type} if source.content_type else {},
        capture_id=capture.id,
    )


def sites_with_history(archive: Archive) -> list[str]:
    with archive.session() as session:
        return sorted(session.scalars(select(Entity.site).distinct()))
