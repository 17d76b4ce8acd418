"""The capture index: every fetch of a URL, in the Wayback CDX server's vocabulary.

URLs are matched on their canonical form (``capture.canonical_url``, made by
``crawler.urls.canonical_url``), so ``http://www.pacsto.org/``, ``https://pacsto.org`` and
``pacsto.org/`` find the same captures. Loopback replicas keep their port and speak http.

``match``: ``exact`` (the default), ``prefix`` (every URL starting with it), ``host`` (every URL
on that host) or ``domain`` (the host and its subdomains); a trailing ``*`` means prefix and a
leading ``*.`` means domain, as on the CDX server. ``from``/``to`` take 1–14 digit timestamps
padded the CDX way (``2025`` -> from 2025-01-01 00:00:00 / to 2025-12-31 23:59:59) or dates.
``collapse="digest"`` drops a capture whose content is the one just before it (per URL and
language): a run of identical captures shows once, a page that changes back shows again. A 304
re-confirms the content before it, so it collapses into it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, Select, or_, select

from crawler.urls import canonical_url
from store.archive import Archive
from store.models import Blob, Capture, Crawl

MATCH_TYPES = ("exact", "prefix", "host", "domain")
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


def with_scheme(url: str) -> str:
    return url if "://" in url else "http://" + url


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def url_condition(url: str, match: str = "exact") -> ColumnElement[bool]:
    """The SQL condition on ``Capture.canonical_url`` for ``url`` under ``match``."""
    url = url.strip()
    if url.endswith("*"):
        url, match = url.rstrip("*"), "prefix"
    if url.split("://", 1)[-1].startswith("*."):
        url, match = url.replace("*.", "", 1), "domain"
    if match not in MATCH_TYPES:
        raise ValueError(f"match must be one of {', '.join(MATCH_TYPES)}")
    canon = canonical_url(with_scheme(url))
    column = Capture.canonical_url
    if match == "exact":
        return column == canon
    if match == "prefix":
        return column.like(_like_escape(canon) + "%", escape="\\")
    parts = urlsplit(canon)
    host = column.like(_like_escape(f"{parts.scheme}://{parts.netloc}/") + "%", escape="\\")
    if match == "host":
        return host
    sub = _like_escape(f"{parts.scheme}://") + "%" + _like_escape(f".{parts.netloc}/") + "%"
    return or_(host, column.like(sub, escape="\\"))


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
        data = asdict(self)
        data["fetched_at"] = self.fetched_at.isoformat() + "Z"
        data["timestamp"] = self.timestamp
        return data


def capture_row(capture: Capture, size: int | None, spider: str | None) -> CaptureRow:
    return CaptureRow(
        id=capture.id,
        crawl_id=capture.crawl_id,
        spider=spider,
        url=capture.url,
        canonical_url=capture.canonical_url,
        language=capture.language,
        fetched_at=capture.fetched_at,
        status=capture.status,
        digest=capture.digest,
        mime=(capture.content_type or "").split(";")[0].strip() or None,
        length=size,
        outcome=capture.outcome,
        error=capture.error,
    )


def capture_query() -> Select:
    return (
        select(Capture, Blob.size, Crawl.spider)
        .outerjoin(Blob, Blob.digest == Capture.digest)
        .outerjoin(Crawl, Crawl.id == Capture.crawl_id)
    )


def query_captures(
    archive: Archive,
    url: str,
    match: str = "exact",
    since: datetime | None = None,
    until: datetime | None = None,
    collapse: str | None = None,
    status: int | str | None = None,
    language: str | None = None,
    limit: int | None = None,
) -> list[CaptureRow]:
    """Captures of ``url`` oldest first. ``status`` may be ``"none"`` for network failures;
    a negative ``limit`` keeps the last N rows."""
    query = capture_query().where(url_condition(url, match))
    if since is not None:
        query = query.where(Capture.fetched_at >= since)
    if until is not None:
        query = query.where(Capture.fetched_at <= until)
    if status is not None:
        none = str(status).lower() in ("none", "null", "-", "error")
        query = query.where(Capture.status.is_(None) if none else Capture.status == int(status))
    if language:
        query = query.where(Capture.language == language)
    query = query.order_by(Capture.fetched_at, Capture.id)
    with archive.session() as session:
        rows = [capture_row(c, size, spider) for c, size, spider in session.execute(query)]
    if collapse == "digest":
        rows = collapse_digest(rows)
    elif collapse:
        raise ValueError("only --collapse digest is supported")
    if limit:
        rows = rows[:limit] if limit > 0 else rows[limit:]
    return rows


def collapse_digest(rows: list[CaptureRow]) -> list[CaptureRow]:
    """Drop each row whose content equals the previous row's of the same URL and language."""
    previous: dict[tuple[str, str | None], object] = {}
    kept = []
    for row in rows:
        group = (row.canonical_url, row.language)
        if row.status == 304 and group in previous:
            continue  # "not modified": the content before it, confirmed
        content = row.digest or ("no-body", row.status, row.error)
        if previous.get(group) != content:
            kept.append(row)
        previous[group] = content
    return kept


def capture_languages(archive: Archive, url: str, until: datetime | None = None) -> dict:
    """{language: (number of captures, latest capture time)} for the exact URL."""
    query = select(Capture.language, Capture.fetched_at).where(url_condition(url))
    if until is not None:
        query = query.where(Capture.fetched_at <= until)
    out: dict[str | None, tuple[int, datetime]] = {}
    with archive.session() as session:
        for language, when in session.execute(query):
            count, latest = out.get(language, (0, when))
            out[language] = (count + 1, max(latest, when))
    return out
