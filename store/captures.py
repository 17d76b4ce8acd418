"""Captures and their bodies: every fetch is kept; a body is stored once per digest."""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from store.models import Blob, Capture

ARCHIVIST_HEADERS = ("etag", "last-modified", "date", "content-type")


@dataclass
class CaptureRecord:
    """What the crawler saw for one fetch, in plain values (the store never imports Scrapy)."""

    url: str
    fetched_at: datetime
    status: int | None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    request_headers: dict[str, str] = field(default_factory=dict)
    language: str | None = None
    canonical_url: str | None = None
    error: str | None = None
    outcome: str = "ok"
    parse_errors: list[str] = field(default_factory=list)


def body_digest(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


def store_body(session: Session, body: bytes) -> tuple[str, bool]:
    """Store ``body`` unless a blob with its digest exists; returns (digest, newly stored)."""
    digest = body_digest(body)
    if session.get(Blob, digest) is not None:
        return digest, False
    session.add(Blob(digest=digest, size=len(body), compression="zlib", data=zlib.compress(body)))
    session.flush()
    return digest, True


def read_body(blob: Blob) -> bytes:
    if blob.compression == "zlib":
        return zlib.decompress(blob.data)
    return blob.data


def _capture_values(crawl_id: int | None, record: CaptureRecord, digest: str | None) -> dict:
    headers = {k.lower(): v for k, v in record.headers.items()}
    return {
        "crawl_id": crawl_id,
        "url": record.url,
        "canonical_url": record.canonical_url or record.url,
        "language": record.language,
        "fetched_at": record.fetched_at,
        "status": record.status,
        "error": record.error,
        "content_type": headers.get("content-type"),
        "etag": headers.get("etag"),
        "last_modified": headers.get("last-modified"),
        "http_date": headers.get("date"),
        "headers": headers,
        "request_headers": record.request_headers,
        "digest": digest,
        "outcome": record.outcome,
        "parse_errors": record.parse_errors,
    }


def add_capture(session: Session, crawl_id: int | None, record: CaptureRecord) -> Capture:
    """Add one capture row (and its body blob when new)."""
    digest = store_body(session, record.body)[0] if record.body is not None else None
    capture = Capture(**_capture_values(crawl_id, record, digest))
    session.add(capture)
    session.flush()
    return capture


def record_captures(
    sessions: sessionmaker, crawl_id: int | None, records: list[CaptureRecord]
) -> list[int]:
    """Store several fetches in one transaction and a few statements (one commit, not one per
    page; bodies the archive holds already are not stored again); their ids in order."""
    if not records:
        return []
    digests = [body_digest(r.body) if r.body is not None else None for r in records]
    bodies = {d: r.body for d, r in zip(digests, records, strict=True) if d is not None}
    with sessions.begin() as session:
        held = set(session.scalars(select(Blob.digest).where(Blob.digest.in_(list(bodies)))))
        new = [
            {"digest": d, "size": len(b), "compression": "zlib", "data": zlib.compress(b)}
            for d, b in bodies.items()
            if d not in held
        ]
        if new:
            session.execute(insert(Blob), new)
        rows = [_capture_values(crawl_id, r, d) for r, d in zip(records, digests, strict=True)]
        returning = insert(Capture).returning(Capture.id, sort_by_parameter_order=True)
        return list(session.scalars(returning, rows))


def last_full_capture_at(
    session: Session,
    canonical_url: str,
    language: str | None,
    at: datetime,
    exclude_id: int | None = None,
) -> Capture | None:
    """The latest 2xx capture with a body of this URL and language at or before ``at``.

    It is the page a 304 at ``at`` stands for (the server said nothing changed since), as a WARC
    revisit points to it; ``exclude_id`` leaves out the capture asking.
    """
    query = select(Capture).where(
        Capture.canonical_url == canonical_url,
        Capture.language.is_(None) if language is None else Capture.language == language,
        Capture.fetched_at <= at,
        Capture.digest.is_not(None),
        Capture.status >= 200,
        Capture.status < 300,
    )
    if exclude_id is not None:
        query = query.where(Capture.id != exclude_id)
    query = query.order_by(Capture.fetched_at.desc(), Capture.id.desc()).limit(1)
    return session.scalars(query).first()


@dataclass(frozen=True)
class SiblingCapture:
    """A capture made by the same crawl, in the same language, as another one."""

    id: int
    url: str
    fetched_at: datetime
    status: int | None


def sibling_captures(session: Session, capture_ids: set[int]) -> dict[int, list[SiblingCapture]]:
    """For each capture id, the successful captures of its crawl in its language (it included).

    A fact shown on every page of a site (the assembly's delegations block) is seen in many
    captures of one crawl; a report picks from these the page that shows it best.
    """
    if not capture_ids:
        return {}
    asked = session.execute(
        select(Capture.id, Capture.crawl_id, Capture.language).where(Capture.id.in_(capture_ids))
    ).all()
    crawls = {crawl for _id, crawl, _language in asked if crawl is not None}
    found = session.execute(
        select(Capture.id, Capture.crawl_id, Capture.language, Capture.url, Capture.fetched_at,
               Capture.status)
        .where(Capture.crawl_id.in_(crawls or {-1}))
        .where((Capture.status.between(200, 299)) | (Capture.status == 304))
        .order_by(Capture.id)
    ).all()  # fmt: skip
    by_crawl: dict[tuple[int, str | None], list[SiblingCapture]] = {}
    for cid, crawl, language, url, fetched_at, status in found:
        by_crawl.setdefault((crawl, language), []).append(
            SiblingCapture(cid, url, fetched_at, status)
        )
    return {cid: by_crawl.get((crawl, language), []) for cid, crawl, language in asked}
