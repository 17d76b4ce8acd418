"""Captures with everything a WARC writer needs: headers sent and received, crawl, body."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from archive.capture_index import CaptureRow, capture_headers, capture_query, capture_row
from store.archive import Archive
from store.models import Blob, Crawl
from store.tables import body_digest, capture, read_body


@dataclass
class FullCapture:
    row: CaptureRow
    headers: dict[str, str]
    request_headers: dict[str, str]


@dataclass
class CrawlInfo:
    id: int
    spider: str
    status: str
    started: datetime
    finished: datetime | None
    reason: str | None
    params: dict


def site_of_spider(spider: str | None) -> str | None:
    """``pacsto``, ``reparse:pacsto`` and ``import:pacsto`` all belong to the site ``pacsto``."""
    return spider.split(":")[-1] if spider else None


def export_captures(
    archive: Archive, since: datetime | None = None, site: str | None = None
) -> Iterator[FullCapture]:
    """Captures in fetch order (optionally since a time, of one site), yielded as they are
    read: an archive of a million captures is never held whole."""
    query = capture_query()
    if since is not None:
        query = query.where(capture.c.fetched_at >= since)
    query = query.order_by(capture.c.fetched_at, capture.c.id).execution_options(yield_per=1000)
    with archive.engine.connect() as connection:
        for found in connection.execute(query):
            row = capture_row(found)
            if site and site_of_spider(row.spider) != site:
                continue
            yield FullCapture(row, *capture_headers(found))


def crawl_infos(archive: Archive, ids: set[int] | None = None) -> dict[int, CrawlInfo]:
    """The crawls ``ids`` (every crawl when None: there is one a run, a few thousand at most)."""
    query = select(Crawl) if ids is None else select(Crawl).where(Crawl.id.in_(ids))
    with archive.session() as session:
        return {
            c.id: CrawlInfo(c.id, c.spider, c.status, c.started, c.finished, c.reason, c.params)
            for c in session.scalars(query)
        }


class BodyMissing(LookupError):
    pass


def load_body(archive: Archive, digest: str) -> bytes:
    """The stored bytes of ``digest``; raises when missing or when they do not hash to it."""
    with archive.session() as session:
        blob = session.get(Blob, digest)
        if blob is None:
            raise BodyMissing(f"no stored body {digest}")
        body = read_body(blob)
    if body_digest(body) != digest:
        raise BodyMissing(f"stored body {digest} is damaged (hashes to {body_digest(body)})")
    return body
