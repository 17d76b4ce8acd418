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

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from archive.capture_index import (
    CaptureRow,
    capture_languages,
    capture_query,
    capture_row,
    url_condition,
)
from store.archive import Archive
from store.captures import body_digest, last_full_capture_at, read_body
from store.models import Blob, Capture


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
    if language is None:
        languages = capture_languages(archive, url, until=at)
        if len(languages) > 1:
            raise AmbiguousLanguage(url, languages)
        language = next(iter(languages), None)
    query = capture_query().where(url_condition(url), Capture.fetched_at <= at)
    if language is not None:
        query = query.where(Capture.language == language)
    query = query.order_by(Capture.fetched_at.desc(), Capture.id.desc())
    with archive.session() as session:
        skipped = []
        for capture, size, spider in _newest_first(session, query):
            row = capture_row(capture, size, spider)
            if not _page_like(row, any_status):
                skipped.append(row)
                continue
            body_row = row if row.status != 304 else last_full_capture(session, capture)
            if body_row is None:
                raise SnapshotError(
                    f"capture {row.id} is a 304 but no earlier full capture of {row.url} exists"
                )
            blob = session.get(Blob, body_row.digest)
            if blob is None:
                raise IntegrityError(f"body {body_row.digest} of capture {body_row.id} is missing")
            body = read_body(blob)
            if body_digest(body) != body_row.digest:
                raise IntegrityError(
                    f"body of capture {body_row.id} hashes to {body_digest(body)}, "
                    f"not {body_row.digest}: the archive is damaged (run `parlwatch verify`)"
                )
            return Snapshot(row, body_row, body, dict(capture.headers or {}), skipped)
    first = _first_after(archive, url, at, language)
    hint = f"; the first capture is at {first.isoformat(timespec='seconds')}Z" if first else ""
    lang = f" in {language!r}" if language else ""
    raise SnapshotError(f"no capture of {url}{lang} at or before {at.isoformat()}Z{hint}")


def _newest_first(session: Session, query: Select, batch: int = 20) -> Iterator[Any]:
    """The rows of ``query`` in batches of ``batch``: a snapshot is nearly always the first
    row, and a URL crawled daily for years has thousands of captures to load otherwise."""
    offset = 0
    while True:
        rows = session.execute(query.limit(batch).offset(offset)).all()
        yield from rows
        if len(rows) < batch:
            return
        offset += batch


def last_full_capture(session: Session, capture: Capture | CaptureRow) -> CaptureRow | None:
    """The full capture a 304 stands for (``store.captures.last_full_capture_at``), as a row."""
    full = last_full_capture_at(
        session, capture.canonical_url, capture.language, capture.fetched_at, capture.id
    )
    if full is None:
        return None
    return capture_row(*session.execute(capture_query().where(Capture.id == full.id)).one())


def _first_after(archive: Archive, url: str, at: datetime, language: str | None):
    query = select(Capture.fetched_at).where(url_condition(url), Capture.fetched_at > at)
    if language is not None:
        query = query.where(Capture.language == language)
    with archive.session() as session:
        return session.scalar(query.order_by(Capture.fetched_at).limit(1))
