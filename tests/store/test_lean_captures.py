"""Lean captures (migration 0005): URLs, header sets and validators are stored once, and a
capture reads back exactly what was recorded."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from store.captures import CaptureRecord, record_captures
from store.models import Capture, CaptureUrl, HeaderSet, Validators

URL = "http://127.0.0.1:9/events/item-1"
CANONICAL = "http://127.0.0.1:9/events/item-1/"
SENT = {
    "Accept-Language": "ru",
    "Accept": "text/html",
    "User-Agent": "parlwatch/test",
}


def _full(when: str, body: bytes) -> CaptureRecord:
    return CaptureRecord(
        url=URL,
        canonical_url=CANONICAL,
        fetched_at=datetime.fromisoformat(when),
        status=200,
        body=body,
        headers={
            "Content-Length": str(len(body)),
            "Server": "nginx",
            "Date": f"Thu, 03 Dec 2026 {when[11:19]} GMT",
            "ETag": '"e1"',
            "Last-Modified": "Sun, 01 Nov 2026 09:00:00 GMT",
            "Content-Type": "text/html; charset=utf-8",
        },
        request_headers=dict(SENT),
        language="ru",
    )


def _not_modified(when: str) -> CaptureRecord:
    return CaptureRecord(
        url=URL,
        canonical_url=CANONICAL,
        fetched_at=datetime.fromisoformat(when),
        status=304,
        headers={
            "content-length": "0",
            "server": "nginx",
            "date": f"Thu, 03 Dec 2026 {when[11:19]} GMT",
            "etag": '"e1"',
            "last-modified": "Sun, 01 Nov 2026 09:00:00 GMT",
        },
        request_headers={
            **SENT,
            "If-None-Match": '"e1"',
            "If-Modified-Since": "Sun, 01 Nov 2026 09:00:00 GMT",
        },
        language="ru",
    )


def test_captures_read_back_what_was_recorded_and_repeats_cost_no_new_rows(archive):
    records = [
        _full("2026-12-03 10:00:00", b"<html>one</html>"),
        _not_modified("2026-12-04 10:00:01"),
        _not_modified("2026-12-05 10:00:02"),
        _full("2026-12-06 10:00:03", b"<html>three!</html>"),
    ]
    ids = record_captures(archive.sessions, None, records[:2])
    ids += record_captures(archive.sessions, None, records[2:])
    with archive.session() as session:
        stored = {c.id: c for c in session.scalars(select(Capture).where(Capture.id.in_(ids)))}
        for capture_id, record in zip(ids, records, strict=True):
            capture = stored[capture_id]
            want = {k.lower(): v for k, v in record.headers.items()}
            assert list(capture.headers.items()) == list(want.items()), "values and order"
            sent = {k: v for k, v in record.request_headers.items()}
            assert list(capture.request_headers.items()) == list(sent.items())
            assert (capture.url, capture.canonical_url) == (URL, CANONICAL)
            assert capture.etag == '"e1"'
            assert capture.last_modified == "Sun, 01 Nov 2026 09:00:00 GMT"
        assert stored[ids[0]].content_type == "text/html; charset=utf-8"
        assert stored[ids[1]].content_type is None
        count = {
            model.__name__: session.scalar(select(func.count()).select_from(model))
            for model in (CaptureUrl, HeaderSet, Validators)
        }
        found = session.scalars(select(Capture.id).where(Capture.canonical_url == CANONICAL))
        assert sorted(found) == sorted(ids), "the URL is matched in SQL"
        prefix = Capture.canonical_url.like("http://127.0.0.1:9/events/%")
        other = Capture.url.startswith("http://127.0.0.1:9/news/")
        assert session.scalar(select(func.count()).where(prefix)) == len(ids)
        assert session.scalar(select(func.count()).where(other)) == 0
        listed = session.execute(
            select(Capture.url, Capture.etag).where(Capture.id == ids[1])
        ).one()
        assert tuple(listed) == (URL, '"e1"'), "the columns as SQL expressions"
    # one URL; header sets: the 200s' (lengths apart), the 304s', the plain and the
    # conditional request; one ETag/Last-Modified pair for all four
    assert count == {"CaptureUrl": 1, "HeaderSet": 4, "Validators": 1}
