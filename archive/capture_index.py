"""The capture index: every fetch of a URL, in the Wayback CDX server's vocabulary.

URLs are matched as ``archive.url_match`` says (``exact``, ``prefix``, ``host``, ``domain``,
on their canonical form). ``from``/``to`` take 1–14 digit timestamps
padded the CDX way (``2025`` -> from 2025-01-01 00:00:00 / to 2025-12-31 23:59:59) or dates.
``collapse="digest"`` drops a capture whose content is the one just before it (per URL and
language): a run of identical captures shows once, a page that changes back shows again. A 304
re-confirms the content before it, so it collapses into it.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select

from archive.url_match import canonical_match, exact_url_condition, url_condition
from store.archive import Archive
from store.tables import (
    blob,
    capture,
    capture_canonical_url,
    capture_url,
    capture_url_of,
    crawl,
    header_field_of,
    request_headers,
    response_headers,
    url_ids,
    validator_of,
)

_ISO_FRACTION = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}\.\d{1,6}Z?$")
_ISO_LIKE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2}(?:[T ]\d{2}(?::\d{2}(?::\d{2})?)?)?)?)?Z?$")


def timestamp14(value: datetime) -> str:
    return value.strftime("%Y%m%d%H%M%S")


def parse_timestamp(value: str, upper: bool = False) -> datetime | None:
    """A CDX timestamp (1–14 digits) or an ISO date/time -> naive UTC, padded down or up.

    ``2025-06-01`` with ``upper`` is the last second of that day, as ``to=20250601`` is on the
    CDX server. Returns None when ``value`` is neither (the caller may try a looser parser).
    """
    value = value.strip()
    if _ISO_FRACTION.match(value):
        return datetime.fromisoformat(value.removesuffix("Z"))
    if _ISO_LIKE.match(value):
        value = re.sub(r"\D", "", value)
    if not value.isdigit() or not 1 <= len(value) <= 14:
        return None
    low = (value + "00000101000000"[len(value) :])[:14]
    base = datetime.strptime(low, "%Y%m%d%H%M%S")
    if not upper:
        return base
    unit = len(value)
    if unit <= 4:
        nxt = base.replace(year=base.year + 1)
    elif unit <= 6:
        nxt = (base.replace(day=28) + timedelta(days=4)).replace(day=1)
    else:
        step = {8: timedelta(days=1), 10: timedelta(hours=1), 12: timedelta(minutes=1)}
        nxt = base + step.get(unit + unit % 2, timedelta(seconds=1))
    return nxt - timedelta(microseconds=1)


@dataclass
class CaptureRow:
    """One capture as the index lists it."""

    id: int
    crawl_id: int | None
    spider: str | None
    url: str
    canonical_url: str
    language: str | None
    fetched_at: datetime
    status: int | None
    digest: str | None
    mime: str | None
    length: int | None
    outcome: str
    error: str | None

    @property
    def timestamp(self) -> str:
        return timestamp14(self.fetched_at)

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)  # its fields, in order: asdict's deep copy is for nesting
        data["fetched_at"] = self.fetched_at.isoformat() + "Z"
        data["timestamp"] = self.timestamp
        return data


# the columns the index lists (never the headers: a row stays small at a million captures)
_INDEX_COLUMNS = (
    capture.c.id,
    capture.c.crawl_id,
    crawl.c.spider,
    capture_url_of.expression,
    capture_canonical_url.expression,
    capture.c.language,
    capture.c.fetched_at,
    capture.c.status,
    capture.c.digest,
    header_field_of(capture.c.header_set_id, "content_type"),
    blob.c.size,
    capture.c.outcome,
    capture.c.error,
)

# what a capture's headers are made of (``capture_headers``), each a look-up by id: a join
# apiece would make PostgreSQL's planner weigh eight tables' join orders (25 ms a query)
_HEADER_COLUMNS = (
    header_field_of(capture.c.header_set_id, "headers", "header_set"),
    capture.c.http_date,
    capture.c.content_length,
    validator_of(capture.c.validators_id, "etag"),
    validator_of(capture.c.validators_id, "last_modified"),
    header_field_of(capture.c.request_header_set_id, "headers", "request_header_set"),
    validator_of(capture.c.request_validators_id, "etag", "if_none_match"),
    validator_of(capture.c.request_validators_id, "last_modified", "if_modified_since"),
)


def _with_crawl_and_size(query: Select) -> Select:
    return query.outerjoin(blob, blob.c.digest == capture.c.digest).outerjoin(
        crawl, crawl.c.id == capture.c.crawl_id
    )


def index_query() -> Select:
    """Captures as index rows (``capture_row``)."""
    return _with_crawl_and_size(select(*_INDEX_COLUMNS))


def capture_row(row: Any) -> CaptureRow:
    """The index row of a row of ``index_query`` or of ``capture_query``."""
    (id_, crawl_id, spider, url, canon, language, fetched_at, status, digest, ctype, size) = row[
        :11
    ]
    return CaptureRow(
        id=id_,
        crawl_id=crawl_id,
        spider=spider,
        url=url,
        canonical_url=canon,
        language=language,
        fetched_at=fetched_at,
        status=status,
        digest=digest,
        mime=(ctype or "").split(";")[0].strip() or None,
        length=size,
        outcome=row[11],
        error=row[12],
    )


def capture_query() -> Select:
    """Captures as index rows (``capture_row``) followed by what their headers are made of
    (``capture_headers``): what a snapshot or a WARC record needs."""
    return _with_crawl_and_size(select(*_INDEX_COLUMNS, *_HEADER_COLUMNS))


def capture_headers(row: Any) -> tuple[dict[str, str], dict[str, str]]:
    """The response and request headers of a ``capture_query`` row, as received and sent."""
    response = response_headers(
        row.header_set, row.http_date, row.content_length, row.etag, row.last_modified
    )
    request = request_headers(row.request_header_set, row.if_none_match, row.if_modified_since)
    return response, request


def query_captures(archive: Archive, url: str, *args: Any, **kwargs: Any) -> list[CaptureRow]:
    """Captures of ``url`` oldest first, as a list (``iter_captures``, whose arguments it takes,
    streams them)."""
    return list(iter_captures(archive, url, *args, **kwargs))


def iter_captures(
    archive: Archive,
    url: str,
    match: str = "exact",
    since: datetime | None = None,
    until: datetime | None = None,
    collapse: str | None = None,
    status: int | str | None = None,
    language: str | None = None,
    limit: int | None = None,
    after: tuple[datetime, int] | None = None,
) -> Iterator[CaptureRow]:
    """Captures of ``url`` oldest first, yielded as the database returns them: a listing of a
    million captures is never held whole (only a negative ``limit``'s last N rows are, to be
    turned around). ``status`` may be ``"none"`` for network failures; ``after`` (a
    ``resume_point``) starts the listing after that capture: the next page.

    The URL is found through the canonical URL's index; the limit is the database's (or, with
    ``collapse``, rows are read as a stream until it is reached)."""
    if collapse and collapse != "digest":
        raise ValueError("only --collapse digest is supported")
    dialect = archive.engine.dialect.name
    if canonical_match(url, match)[1] == "exact":
        condition = exact_url_condition(archive, url)
    else:
        condition = url_condition(url, match, dialect)
        if _many_captures(archive, condition):
            condition = _in_time_order(url, match, dialect)
    c = capture.c
    query = index_query().where(condition)
    if since is not None:
        query = query.where(c.fetched_at >= since)
    if until is not None:
        query = query.where(c.fetched_at <= until)
    if after is not None:
        if limit and limit < 0:
            raise ValueError("a listing of the last captures has no next page to resume")
        at, capture_id = after
        # a range on the time index, then the tie on the id: (fetched_at, id) after the key
        query = query.where(c.fetched_at >= at, or_(c.fetched_at > at, c.id > capture_id))
    if status is not None:
        none = str(status).lower() in ("none", "null", "-", "error")
        query = query.where(c.status.is_(None) if none else c.status == int(status))
    if language:
        query = query.where(c.language == language)
    newest_first = bool(limit and limit < 0 and not collapse)
    if newest_first:
        query = query.order_by(c.fetched_at.desc(), c.id.desc())
    else:
        query = query.order_by(c.fetched_at, c.id)
    if limit and not collapse:
        query = query.limit(abs(limit))
    if not limit or collapse:
        # a stream (a server-side cursor on PostgreSQL) only when the rows are unbounded: a
        # cursor is planned for its first rows, which at a million captures picks a scan of
        # the time index over the URL's own index and made a --limit 100 look-up 30x slower
        query = query.execution_options(yield_per=1000)
    with archive.engine.connect() as connection:
        rows = (capture_row(row) for row in connection.execute(query))
        if collapse and limit and limit < 0:
            yield from deque(collapse_digest_stream(rows), maxlen=-limit)
        elif collapse:
            yield from _collapsed(rows, limit or None)
        elif newest_first:
            yield from reversed(list(rows))
        else:
            yield from rows


def resume_point(archive: Archive, capture_id: int) -> tuple[datetime, int]:
    """Where a listing resumes after capture ``capture_id`` (the last one a page listed): its
    place in the listing's order. Raises ``LookupError`` for an id no capture has."""
    query = select(capture.c.fetched_at).where(capture.c.id == capture_id)
    with archive.engine.connect() as connection:
        at = connection.scalar(query)
    if at is None:
        raise LookupError(f"no capture {capture_id} in this archive")
    return at, capture_id


# Past this many captures, a match is read in time order rather than found and sorted.
_MANY = 5000


def _in_time_order(url: str, match: str, dialect: str) -> ColumnElement[bool]:
    """The condition for a match that covers much of the table, written so that the database
    reads captures in time order (the fetched_at index) and keeps what matches, rather than
    find them all by URL and sort them: the URL is matched as an expression, so that no URL
    index drives the plan. SQLite does this with a per-row look-up of the URL; PostgreSQL is
    given the set of URL ids instead, which it checks per row from a cache (the per-row
    subquery made it estimate millions of rows and spend 30 ms compiling the plan with JIT).
    """
    if dialect == "sqlite":
        return url_condition(url, match, dialect, capture_canonical_url.concat(""))
    urls = url_condition(url, match, dialect, capture_url.c.canonical_url.concat(""))
    return capture.c.url_id.in_(url_ids(urls))


def _many_captures(archive: Archive, condition: ColumnElement[bool]) -> bool:
    """Does ``condition`` match at least ``_MANY`` captures? (Counted on the index, up to
    ``_MANY``: quick however big the table.)"""
    probe = select(capture.c.id).where(condition).limit(_MANY).subquery()
    with archive.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(probe)) >= _MANY


def _collapsed(rows: Iterable[CaptureRow], limit: int | None) -> Iterator[CaptureRow]:
    for n, row in enumerate(collapse_digest_stream(rows), start=1):
        yield row
        if limit is not None and n >= limit:
            return


def collapse_digest(rows: list[CaptureRow]) -> list[CaptureRow]:
    """Drop each row whose content equals the previous row's of the same URL and language."""
    return list(collapse_digest_stream(rows))


def collapse_digest_stream(rows: Iterable[CaptureRow]) -> Iterator[CaptureRow]:
    """``collapse_digest`` as a stream."""
    previous: dict[tuple[str, str | None], object] = {}
    for row in rows:
        group = (row.canonical_url, row.language)
        if row.status == 304 and group in previous:
            continue  # "not modified": the content before it, confirmed
        content = row.digest or ("no-body", row.status, row.error)
        if previous.get(group) != content:
            yield row
        previous[group] = content


def capture_languages(
    archive: Archive, of_url: ColumnElement[bool], until: datetime | None = None
) -> dict:
    """{language: (number of captures, latest capture time)} of the captures ``of_url`` picks
    (an ``exact_url_condition``)."""
    c = capture.c
    query = select(c.language, func.count(), func.max(c.fetched_at)).where(of_url)
    if until is not None:
        query = query.where(c.fetched_at <= until)
    query = query.group_by(c.language).order_by(func.min(c.id))  # first seen first
    with archive.engine.connect() as connection:
        rows = connection.execute(query)
        return {language: (count, latest) for language, count, latest in rows}
