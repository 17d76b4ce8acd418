"""The capture side of the archive as SQLAlchemy Core tables, and the SQL that reads a capture.

The read commands (``captures``, ``snapshot``, ``timemap``) need only these tables and Core
queries: they import this module, never ``sqlalchemy.orm`` or ``store.models``, and so run a
quarter fewer instructions (issue 17: at a million captures a command's time is start-up).
``store.models`` maps its ORM classes onto these same tables (``__table__``), so each table is
declared here once; the tables of entities, versions and changes stay declared in the models.

A capture stores its URL as an id into ``capture_url`` and its headers as ids into
``header_set`` and ``validators`` (issue 17's lean captures); the expressions below read them
back in SQL, and ``Capture``'s hybrid attributes use the same ones.
"""

from __future__ import annotations

import hashlib
import zlib
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Label,
    LargeBinary,
    MetaData,
    Select,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.operators import ColumnOperators

metadata = MetaData()

# One run of one spider.
crawl = Table(
    "crawl",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("spider", String(100), index=True, nullable=False),
    Column("started", DateTime, nullable=False),
    Column("finished", DateTime),
    # running / finished / partial / failed / interrupted / abandoned
    Column("status", String(20), default="running", nullable=False),
    Column("reason", Text),
    Column("params", JSON, default=dict, nullable=False),
    Column("stats", JSON, default=dict, nullable=False),
    # the process running the crawl, and when it last said it was alive (``store.archive``)
    Column("host", String(255)),
    Column("pid", Integer),
    Column("heartbeat_at", DateTime),
)

# A response body, stored once per distinct SHA-256 digest, zlib-compressed.
blob = Table(
    "blob",
    metadata,
    Column("digest", String(80), primary_key=True),  # "sha256:<hex>"
    Column("size", Integer, nullable=False),
    Column("compression", String(10), default="zlib", nullable=False),
    Column("data", LargeBinary, nullable=False),
)

# A URL as fetched and its canonical form, stored once; every capture of it points here.
capture_url = Table(
    "capture_url",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False),
    Column("canonical_url", Text, index=True, nullable=False),
    UniqueConstraint("url", "canonical_url"),
)

# A set of HTTP headers (names in order), stored once per digest. The values that differ from
# page to page or fetch to fetch are left out (null): the ``Date`` and Content-Length (the
# capture's ``http_date`` and ``content_length``) and the validators (ETag and Last-Modified,
# or sent back as If-None-Match and If-Modified-Since: the capture's ``validators``), so that
# pages share their header sets.
header_set = Table(
    "header_set",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("digest", String(64), unique=True, nullable=False),
    Column("headers", JSON, nullable=False),  # {name: value or null}
    Column("content_type", String(200)),
)

# An ETag and Last-Modified pair, stored once: a page's 200, its 304s and the conditional
# requests asking for it all point at the same row.
validators = Table(
    "validators",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("etag", String(200)),
    Column("last_modified", String(100)),
    UniqueConstraint("etag", "last_modified"),
)

# One fetch of one URL: successful, an HTTP error, or a network failure.
capture = Table(
    "capture",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("crawl_id", Integer, ForeignKey("crawl.id"), index=True),
    Column("url_id", Integer, ForeignKey("capture_url.id"), nullable=False),
    Column("language", String(10)),
    Column("fetched_at", DateTime, index=True, nullable=False),
    Column("status", Integer),  # None: no HTTP response at all
    Column("error", Text),
    Column("http_date", String(100)),
    Column("content_length", String(20)),  # the header, as sent
    Column("header_set_id", Integer, ForeignKey("header_set.id")),
    Column("validators_id", Integer, ForeignKey("validators.id")),
    Column("request_header_set_id", Integer, ForeignKey("header_set.id")),
    Column("request_validators_id", Integer, ForeignKey("validators.id")),
    Column("digest", String(80), ForeignKey("blob.digest"), index=True),
    # ok / http-error / network-error / layout-missing (parsed, expected block absent)
    Column("outcome", String(30), default="ok", nullable=False),
    Column("parse_errors", JSON, default=list, nullable=False),
    # a URL's captures in time order (migration 0011): every look-up by URL reads its own rows
    Index("ix_capture_url_time", "url_id", "fetched_at", "id"),
)


def url_ids(condition: ColumnElement[bool]) -> Select:
    """The ids of the ``capture_url`` rows meeting ``condition`` (a condition on its columns)."""
    return select(capture_url.c.id).where(condition)


def url_of(url_id: Any, column: str) -> Label:
    """``capture_url.<column>`` ("url" or "canonical_url") of ``url_id``, as a scalar subquery
    labelled ``column``: one capture's URL, read by its id."""
    url_column = capture_url.c[column]
    return select(url_column).where(capture_url.c.id == url_id).scalar_subquery().label(column)


# the comparisons ``UrlOf`` answers from the ``capture_url`` indexes
URL_COMPARISONS = {
    operators.eq, operators.ne, operators.lt, operators.le, operators.gt, operators.ge,
    operators.like_op, operators.not_like_op, operators.in_op, operators.not_in_op,
    operators.startswith_op, operators.between_op, operators.is_, operators.is_not,
}  # fmt: skip


class UrlOf(ColumnOperators):
    """A capture's ``url`` or ``canonical_url`` in SQL: a comparison becomes a look-up of the
    matching URL ids (``capture.url_id IN (SELECT id FROM capture_url WHERE ...)``, which the
    ``capture_url`` indexes answer); any other use is the URL itself (``url_of``)."""

    def __init__(self, url_id: Any, column: str) -> None:
        self.url_id, self.column = url_id, column
        self.expression = url_of(url_id, column)

    def operate(self, op, *other, **kwargs):  # type: ignore[no-untyped-def]
        if op in URL_COMPARISONS:
            if any(_is_sql(value) for value in other):
                # another capture's URL is a sub-select of its own, nested in this one's: the
                # inner one would lose its correlation with the outer query (``known_pages``
                # once got every page the last capture's digest that way, and PostgreSQL
                # refused it): join ``capture_url`` for each side instead
                raise TypeError(
                    f"a capture's {self.column} is compared with values only; to compare two "
                    "captures' URLs, join capture_url for each"
                )
            url_column = capture_url.c[self.column]
            return self.url_id.in_(url_ids(op(url_column, *other, **kwargs)))
        return op(self.expression, *other, **kwargs)

    def reverse_operate(self, op, other, **kwargs):  # type: ignore[no-untyped-def]
        return op(other, self.expression, **kwargs)


def _is_sql(value: Any) -> bool:
    """An SQL expression (a column, a sub-select), not a value or a list of values."""
    return isinstance(value, ClauseElement | ColumnOperators) or hasattr(
        value, "__clause_element__"
    )


# ``capture``'s URLs, as ``Capture.url`` and ``Capture.canonical_url`` read in the ORM
capture_url_of = UrlOf(capture.c.url_id, "url")
capture_canonical_url = UrlOf(capture.c.url_id, "canonical_url")


# a capture that holds a page of its own: a 2xx with a body
FULL_BODY = (capture.c.digest.is_not(None), capture.c.status >= 200, capture.c.status < 300)


def full_capture_conditions(
    canonical_url: str, language: str | None, at: datetime, exclude_id: int | None = None
) -> list[ColumnElement[bool]]:
    """The captures a 304 of ``canonical_url`` in ``language`` at ``at`` may stand for: the
    2xx captures with a body of the same URL and language at or before ``at`` (the latest of
    them is the page the server said had not changed), ``exclude_id`` (the 304) left out."""
    c = capture.c
    conditions = [
        capture_canonical_url == canonical_url,
        c.language.is_(None) if language is None else c.language == language,
        c.fetched_at <= at,
        *FULL_BODY,
    ]
    if exclude_id is not None:
        conditions.append(c.id != exclude_id)
    return conditions


def body_digest(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


def read_body(stored: Any) -> bytes:
    """The bytes of a ``blob`` row (an ORM ``Blob`` or a Core row with its columns)."""
    if stored.compression == "zlib":
        return zlib.decompress(stored.data)
    return stored.data


def header_field_of(header_set_id: Any, column: str, name: str | None = None) -> Label:
    """``header_set.<column>`` of ``header_set_id``, as a scalar subquery labelled ``name``
    (else ``column``)."""
    field = header_set.c[column]
    query = select(field).where(header_set.c.id == header_set_id)
    return query.scalar_subquery().label(name or column)


def validator_of(validators_id: Any, column: str, name: str | None = None) -> Label:
    """``validators.<column>`` ("etag" or "last_modified") of ``validators_id``, likewise."""
    field = validators.c[column]
    query = select(field).where(validators.c.id == validators_id)
    return query.scalar_subquery().label(name or column)


def filled_headers(
    stored: dict[str, str | None] | None, volatile: dict[str, str | None]
) -> dict[str, str]:
    """Headers as sent or received, in their order: a header set's stored names and values,
    its left-out (null) values taken from ``volatile`` (by lower-case name)."""
    return {k: volatile.get(k.lower()) if v is None else v for k, v in (stored or {}).items()}


def response_headers(
    stored: dict | None,
    http_date: str | None,
    content_length: str | None,
    etag: str | None,
    last_modified: str | None,
) -> dict[str, str]:
    """A capture's response headers from its header set, its own values and its validators."""
    volatile = {
        "date": http_date,
        "content-length": content_length,
        "etag": etag,
        "last-modified": last_modified,
    }
    return filled_headers(stored, volatile)


def request_headers(
    stored: dict | None, if_none_match: str | None, if_modified_since: str | None
) -> dict[str, str]:
    """A capture's request headers from its header set and the validators it sent back."""
    volatile = {"if-none-match": if_none_match, "if-modified-since": if_modified_since}
    return filled_headers(stored, volatile)
