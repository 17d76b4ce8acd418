"""A page exactly as captured at or before a moment: the stored bytes, checked against their
digest, with the capture that proves when they were served.

A 304 capture has no body of its own: the server said the page was unchanged since the capture
whose validators we sent, so its body is the latest full capture of the same URL and language
before it (the same rule a WARC revisit record follows).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from archive.capture_index import (
    CaptureRow,
    capture_headers,
    capture_languages,
    capture_query,
    capture_row,
    index_query,
)
from archive.url_match import exact_url_condition
from store.archive import Archive
from store.tables import blob, body_digest, capture, full_capture_conditions, read_body


class SnapshotError(LookupError):
    """No capture answers the question; the message says why."""


class AmbiguousLanguage(SnapshotError):
    def __init__(self, url: str, languages: dict) -> None:
        self.languages = languages
        listed = ", ".join(
            f"{lang or 'unknown'} ({count} captures, latest {when.isoformat(timespec='seconds')}Z)"
            for lang, (count, when) in sorted(languages.items(), key=lambda kv: str(kv[0]))
        )
        super().__init__(
            f"{url} was captured in several languages: {listed}; choose one with --language"
        )


class IntegrityError(RuntimeError):
    """A stored body does not match its digest."""


@dataclass
class Snapshot:
    capture: CaptureRow  # the capture at or before the moment asked for
    body_capture: CaptureRow  # where the bytes come from (itself, unless a 304)
    body: bytes
    headers: dict[str, str]  # the response headers of ``capture``
    skipped: list[CaptureRow] = field(default_factory=list)  # later captures without a page

    @property
    def digest(self) -> str:
        return self.body_capture.digest or ""


def _page_like(row: CaptureRow, any_status: bool) -> bool:
    if row.status is None:
        return False
    if row.status == 304:
        return True
    return row.digest is not None and (any_status or 200 <= row.status < 300)


def find_snapshot(
    archive: Archive,
    url: str,
    at: datetime,
    language: str | None = None,
    any_status: bool = False,
) -> Snapshot:
    """The latest 2xx (or 304) capture of exactly ``url`` at or before ``at``, with its body.

    Raises ``AmbiguousLanguage`` when ``language`` is None and the URL was captured in several,
    ``SnapshotError`` when nothing was captured by then, ``IntegrityError`` when the stored
    bytes do not hash to the recorded digest.
    """
    of_url = exact_url_condition(archive, url)  # the URL's ids, looked up once
    if language is None:
        languages = capture_languages(archive, of_url, until=at)
        if len(languages) > 1:
            raise AmbiguousLanguage(url, languages)
        language = next(iter(languages), None)
    c = capture.c
    query = capture_query().where(of_url, c.fetched_at <= at)
    if language is not None:
        query = query.where(c.language == language)
    query = query.order_by(c.fetched_at.desc(), c.id.desc())
    with archive.engine.connect() as connection:
        skipped = []
        for found in _newest_first(connection, query):
            row = capture_row(found)
            if not _page_like(row, any_status):
                skipped.append(row)
                continue
            body_row = row if row.status != 304 else last_full_capture(connection, row)
            if body_row is None:
                raise SnapshotError(
                    f"capture {row.id} is a 304 but no earlier full capture of {row.url} exists"
                )
            body = _body(connection, body_row)
            return Snapshot(row, body_row, body, capture_headers(found)[0], skipped)
    first = _first_after(archive, of_url, at, language)
    hint = f"; the first capture is at {first.isoformat(timespec='seconds')}Z" if first else ""
    lang = f" in {language!r}" if language else ""
    raise SnapshotError(f"no capture of {url}{lang} at or before {at.isoformat()}Z{hint}")


def _body(connection: Any, row: CaptureRow) -> bytes:
    """The stored bytes of ``row``, checked against its digest."""
    query = select(blob.c.compression, blob.c.data).where(blob.c.digest == row.digest)
    stored = connection.execute(query).first()
    if stored is None:
        raise IntegrityError(f"body {row.digest} of capture {row.id} is missing")
    body = read_body(stored)
    if body_digest(body) != row.digest:
        raise IntegrityError(
            f"body of capture {row.id} hashes to {body_digest(body)}, "
            f"not {row.digest}: the archive is damaged (run `parlwatch verify`)"
        )
    return body


def _newest_first(connection: Any, query: Select, batch: int = 20) -> Iterator[Any]:
    """The rows of ``query`` in batches of ``batch``: a snapshot is nearly always the first
    row, and a URL crawled daily for years has thousands of captures to load otherwise."""
    offset = 0
    while True:
        rows = connection.execute(query.limit(batch).offset(offset)).all()
        yield from rows
        if len(rows) < batch:
            return
        offset += batch


def last_full_capture(connection: Any, row: CaptureRow) -> CaptureRow | None:
    """The full capture a 304 stands for (``store.tables.full_capture_conditions``), as a row.
    ``connection``: a Core connection or an ORM session."""
    conditions = full_capture_conditions(row.canonical_url, row.language, row.fetched_at, row.id)
    c = capture.c
    query = index_query().where(*conditions).order_by(c.fetched_at.desc(), c.id.desc())
    full = connection.execute(query.limit(1)).first()
    return None if full is None else capture_row(full)


def _first_after(archive: Archive, of_url: ColumnElement[bool], at: datetime, language: str | None):
    c = capture.c
    query = select(c.fetched_at).where(of_url, c.fetched_at > at)
    if language is not None:
        query = query.where(c.language == language)
    with archive.engine.connect() as connection:
        return connection.scalar(query.order_by(c.fetched_at).limit(1))
