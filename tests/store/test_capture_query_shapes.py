"""The capture index's query shapes for big archives give the same answers as the plain ones,
on SQLite and PostgreSQL: a prefix match read in time order (past ``_MANY`` captures), and a
snapshot that reads its candidates newest first in batches."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

import archive.capture_index as capture_index
from archive.capture_index import query_captures, resume_point
from archive.snapshots import find_snapshot
from store.captures import CaptureRecord, record_captures

BASE = "http://127.0.0.1:9"
START = datetime(2026, 1, 1, 12, 0, 0)


def _capture(path: str, day: int, status: int | None = 200, body: bytes | None = None):
    return CaptureRecord(
        url=f"{BASE}{path}",
        canonical_url=f"{BASE}{path}",
        fetched_at=START + timedelta(days=day),
        status=status,
        body=body if body is not None else (f"{path} {day}".encode() if status == 200 else None),
        headers={"Content-Type": "text/html"} if status is not None else {},
        language="en",
        error=None if status is not None else "connection refused",
        outcome="ok" if status is not None else "failed",
    )


@pytest.fixture
def daily(archive):
    """Ten pages under /events/ and one elsewhere, crawled daily for 30 days."""
    records = [
        _capture(path, day)
        for day in range(30)
        for path in [*(f"/events/item-{n}" for n in range(10)), "/about/"]
    ]
    record_captures(archive.sessions, None, records)
    return archive


@pytest.mark.parametrize("limit", [7, -7, None])
@pytest.mark.parametrize("match, url", [("prefix", f"{BASE}/events/"), ("host", BASE)])
def test_a_match_read_in_time_order_lists_what_the_plain_query_lists(
    daily, monkeypatch, match, url, limit
):
    plain = [(c.id, c.canonical_url) for c in query_captures(daily, url, match, limit=limit)]
    monkeypatch.setattr(capture_index, "_MANY", 5)  # every match counts as "many" now
    in_time_order = [
        (c.id, c.canonical_url) for c in query_captures(daily, url, match, limit=limit)
    ]
    assert in_time_order == plain
    assert len(plain) == (abs(limit) if limit else (300 if match == "prefix" else 330))
    if match == "prefix":
        assert all("/events/" in canon for _, canon in plain)


def test_a_snapshot_looks_past_a_long_run_of_failed_captures(archive):
    page = "/events/item-1"
    good = _capture(page, 0, body=b"<html>the page</html>")
    failures = [_capture(page, day, status=None) for day in range(1, 46)]  # > two batches
    record_captures(archive.sessions, None, [good, *failures])
    snapshot = find_snapshot(archive, f"{BASE}{page}", START + timedelta(days=60), "en")
    assert snapshot.body == b"<html>the page</html>"
    assert len(snapshot.skipped) == 45
    assert snapshot.skipped[0].fetched_at == START + timedelta(days=45)


@pytest.mark.parametrize("many", [False, True])
@pytest.mark.parametrize(
    "match, url",
    [("exact", f"{BASE}/events/item-1"), ("prefix", f"{BASE}/events/"), ("host", BASE)],
)
def test_pages_resumed_after_their_last_capture_make_the_whole_listing(
    daily, monkeypatch, match, url, many
):
    """Keyset pages (``resume_point``: after the last capture of a page, in (time, id) order)
    list every capture once, in order, whichever way the database reads the match."""
    if many:
        monkeypatch.setattr(capture_index, "_MANY", 5)  # read in time order
    whole = [c.id for c in query_captures(daily, url, match)]
    assert len(whole) >= 30
    pages, after = [], None
    while True:
        page = query_captures(daily, url, match, limit=7, after=after)
        pages.append([c.id for c in page])
        if len(page) < 7:
            break
        after = resume_point(daily, page[-1].id)
    assert [i for page in pages for i in page] == whole
    assert all(len(page) == 7 for page in pages[:-1])
    with pytest.raises(LookupError):
        resume_point(daily, 10**9)
    with pytest.raises(ValueError):
        query_captures(daily, url, match, limit=-7, after=resume_point(daily, whole[0]))


def test_a_urls_captures_are_read_by_its_ids_from_the_url_time_index(daily):
    """One URL's captures come from ``ix_capture_url_time`` by the URL's ids (looked up
    first): a sub-select let PostgreSQL walk the whole time index for a small limit."""
    from sqlalchemy import inspect

    from archive.url_match import exact_url_condition

    indexes = {i["name"]: i["column_names"] for i in inspect(daily.engine).get_indexes("capture")}
    assert indexes["ix_capture_url_time"] == ["url_id", "fetched_at", "id"]
    assert "ix_capture_url_id" not in indexes
    never = exact_url_condition(daily, f"{BASE}/events/never-captured")
    assert str(never.compile(compile_kwargs={"literal_binds": True})) == "false"
    assert query_captures(daily, f"{BASE}/events/never-captured", limit=1) == []
    one = exact_url_condition(daily, f"{BASE}/events/item-3")
    assert "capture.url_id = " in str(one.compile(compile_kwargs={"literal_binds": True}))
    other_form = _capture("/events/item-3", 40)
    other_form.url = other_form.url.replace("http://", "HTTP://")  # the same page, as fetched
    record_captures(daily.sessions, None, [other_form])
    two = exact_url_condition(daily, f"{BASE}/events/item-3")
    assert " IN (" in str(two.compile(compile_kwargs={"literal_binds": True}))
    assert len(query_captures(daily, f"{BASE}/events/item-3")) == 31
