"""Captures and their bodies: every fetch is kept; a body is stored once per digest."""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from store.models import Blob, Capture, CaptureUrl, HeaderSet, Validators
from store.tables import FULL_BODY, body_digest

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


def store_body(session: Session, body: bytes) -> tuple[str, bool]:
    """Store ``body`` unless a blob with its digest exists; returns (digest, newly stored)."""
    digest = body_digest(body)
    if session.get(Blob, digest) is not None:
        return digest, False
    session.add(Blob(digest=digest, size=len(body), compression="zlib", data=zlib.compress(body)))
    session.flush()
    return digest, True


RESPONSE_VOLATILE = {"date": None, "content-length": None, "etag": 0, "last-modified": 1}
REQUEST_VOLATILE = {"if-none-match": 0, "if-modified-since": 1}


def header_set_values(
    headers: dict[str, str], volatile: dict[str, int | None]
) -> tuple[dict, tuple[str | None, str | None]]:
    """A ``header_set`` row for ``headers`` (names as given, in order; the ``volatile`` ones'
    values left out, as the capture keeps them), keyed by the digest of what it stores; and the
    (ETag, Last-Modified) pair among them (``volatile``'s 0 and 1)."""
    stored: dict[str, str | None] = {}
    pair: list[str | None] = [None, None]
    for name, value in headers.items():
        key = name.lower()
        stored[name] = None if key in volatile else value
        if volatile.get(key) is not None:
            pair[volatile[key]] = value
    text = json.dumps(list(stored.items()), ensure_ascii=False, separators=(",", ":"))
    row = {
        "digest": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "headers": stored,
        "content_type": stored.get("content-type"),
    }
    return row, (pair[0], pair[1])


def header_set_ids(
    session: Session, header_sets: list[dict[str, str]], volatile: dict[str, int | None]
) -> list[tuple[int, int | None]]:
    """The ``header_set`` and ``validators`` ids of each of ``header_sets`` (stored when new)."""
    rows = [header_set_values(h, volatile) for h in header_sets]
    wanted = {row["digest"]: row for row, _pair in rows}
    ids = _held(session, HeaderSet.digest, HeaderSet.id, list(wanted))
    new = [row for digest, row in wanted.items() if digest not in ids]
    if new:
        session.execute(insert(HeaderSet), new)
        ids |= _held(session, HeaderSet.digest, HeaderSet.id, [r["digest"] for r in new])
    pairs = validator_ids(session, [pair for _row, pair in rows])
    return [(ids[row["digest"]], pairs[n]) for n, (row, _pair) in enumerate(rows)]


def validator_ids(session: Session, pairs: list[tuple[str | None, str | None]]) -> list[int | None]:
    """The ``validators`` id of each (ETag, Last-Modified) pair (stored when new; None for a
    response or request without either)."""
    wanted = {p for p in pairs if p != (None, None)}
    ids: dict[tuple, int] = {}
    etags = list({etag for etag, _date in wanted})
    query = select(Validators.etag, Validators.last_modified, Validators.id)
    for start in range(0, len(etags), 500):
        chunk = [e for e in etags[start : start + 500] if e is not None]
        condition = Validators.etag.in_(chunk)
        if None in etags[start : start + 500]:
            condition = condition | Validators.etag.is_(None)
        found = session.execute(query.where(condition))
        ids.update({(e, d): i for e, d, i in found if (e, d) in wanted})
    new = [p for p in dict.fromkeys(pairs) if p in wanted and p not in ids]
    if new:
        rows = [{"etag": e, "last_modified": d} for e, d in new]
        returning = insert(Validators).returning(Validators.id, sort_by_parameter_order=True)
        ids.update(zip(new, session.scalars(returning, rows), strict=True))
    return [ids.get(pair) for pair in pairs]


def url_ids(session: Session, urls: list[tuple[str, str]]) -> list[int]:
    """The ``capture_url`` id of each (url, canonical url) (stored when new)."""
    wanted = set(urls)
    query = select(CaptureUrl.url, CaptureUrl.canonical_url, CaptureUrl.id)
    ids = {}
    for start in range(0, len(urls), 500):
        chunk = {u for u, _c in urls[start : start + 500]}
        found = session.execute(query.where(CaptureUrl.url.in_(chunk)))
        ids.update({(u, c): i for u, c, i in found if (u, c) in wanted})
    new = [{"url": u, "canonical_url": c} for u, c in dict.fromkeys(urls) if (u, c) not in ids]
    if new:
        inserted = session.scalars(
            insert(CaptureUrl).returning(CaptureUrl.id, sort_by_parameter_order=True), new
        )
        ids.update(zip([(r["url"], r["canonical_url"]) for r in new], inserted, strict=True))
    return [ids[pair] for pair in urls]


def _held(session: Session, key, value, keys: list) -> dict:  # type: ignore[no-untyped-def]
    found: dict = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(session.execute(select(key, value).where(key.in_(chunk))).all())
    return found


def _capture_rows(
    session: Session, crawl_id: int | None, records: list[CaptureRecord], digests: list
) -> list[dict]:
    urls = url_ids(session, [(r.url, r.canonical_url or r.url) for r in records])
    received = [{k.lower(): v for k, v in r.headers.items()} for r in records]
    responses = header_set_ids(session, received, RESPONSE_VOLATILE)
    requests = header_set_ids(session, [r.request_headers for r in records], REQUEST_VOLATILE)
    rows = []
    for n, (record, digest) in enumerate(zip(records, digests, strict=True)):
        headers = {k.lower(): v for k, v in record.headers.items()}
        rows.append({
            "crawl_id": crawl_id,
            "url_id": urls[n],
            "language": record.language,
            "fetched_at": record.fetched_at,
            "status": record.status,
            "error": record.error,
            "http_date": headers.get("date"),
            "content_length": headers.get("content-length"),
            "header_set_id": responses[n][0],
            "validators_id": responses[n][1],
            "request_header_set_id": requests[n][0],
            "request_validators_id": requests[n][1],
            "digest": digest,
            "outcome": record.outcome,
            "parse_errors": record.parse_errors,
        })  # fmt: skip
    return rows


def add_capture(session: Session, crawl_id: int | None, record: CaptureRecord) -> Capture:
    """Add one capture row (and its body blob when new)."""
    digest = store_body(session, record.body)[0] if record.body is not None else None
    capture = Capture(**_capture_rows(session, crawl_id, [record], [digest])[0])
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
        rows = _capture_rows(session, crawl_id, records, digests)
        returning = insert(Capture).returning(Capture.id, sort_by_parameter_order=True)
        return list(session.scalars(returning, rows))


def last_full_captures(
    session: Session, captures: list[Capture], chunk: int = 500
) -> dict[int, Capture | None]:
    """The full capture each of ``captures`` stands for (``store.tables.full_capture_conditions``
    at its own time, itself left out; the latest of them): capture id -> that capture. One
    query per ``chunk`` URLs instead of one per capture (a reparse reads hundreds of 304s)."""
    urls = sorted({c.canonical_url for c in captures})
    full: dict[tuple[str, str | None], list[Capture]] = {}
    for start in range(0, len(urls), chunk):
        query = select(Capture).where(
            Capture.canonical_url.in_(urls[start : start + chunk]), *FULL_BODY
        )
        for row in session.scalars(query):
            full.setdefault((row.canonical_url, row.language), []).append(row)
    found: dict[int, Capture | None] = {}
    for capture in captures:
        candidates = [
            row
            for row in full.get((capture.canonical_url, capture.language), [])
            if row.fetched_at <= capture.fetched_at and row.id != capture.id
        ]
        found[capture.id] = max(candidates, key=lambda r: (r.fetched_at, r.id), default=None)
    return found


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
