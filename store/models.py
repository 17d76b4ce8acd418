"""SQLAlchemy models of the archive.

The shape follows git-history and EDGI web-monitoring: every fetch is a ``Capture`` (failed ones
too), bodies are stored once per digest in ``Blob``, an ``Entity`` is a thing with a stable key
whose content changes over time as ``Version`` rows (a new version only when the content hash
changes). A ``Transition`` is one change, as web-monitoring-db models it: the entity going from
one version to the next (or appearing, or going) as one crawl saw it; each field that changed in
it is a ``Change`` row.
"""

from __future__ import annotations

import json
import zlib
from datetime import datetime

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.hybrid import Comparator, hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator


class Base(DeclarativeBase):
    pass


# zlib's default: level 9 makes a news item's content no smaller and takes 15 % longer
CONTENT_COMPRESSION_LEVEL = 6


def pack_content(content: object) -> bytes:
    """A version's content as stored: compact UTF-8 JSON (keys in their order), zlib-compressed.

    Every content is compressed, the smallest too (one format, no flag): websites' records
    (~130 bytes of JSON) come out 12 % smaller in all, though one that does not compress grows
    by zlib's few bytes of framing; a news item's title and body 58-73 % smaller."""
    text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"), CONTENT_COMPRESSION_LEVEL)


def content_text(packed: bytes) -> str:
    """The JSON text of a stored content (``pack_content``'s inverse, before parsing)."""
    return zlib.decompress(packed).decode("utf-8")


class PackedJSON(TypeDecorator):
    """A JSON value stored as ``pack_content`` bytes: read and written as the value itself, in
    the ORM and in Core queries alike. To read the stored bytes (and parse each distinct text
    once), select ``type_coerce(column, LargeBinary)`` and decode with ``content_text``."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: object, dialect: Dialect) -> bytes | None:
        return None if value is None else pack_content(value)

    def process_result_value(self, value: bytes | None, dialect: Dialect) -> object:
        return None if value is None else json.loads(content_text(value))


class Crawl(Base):
    """One run of one spider."""

    __tablename__ = "crawl"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    spider: Mapped[str] = mapped_column(String(100), index=True)
    started: Mapped[datetime] = mapped_column(DateTime)
    finished: Mapped[datetime | None] = mapped_column(DateTime)
    # running / finished / partial / failed / interrupted / abandoned
    status: Mapped[str] = mapped_column(String(20), default="running")
    reason: Mapped[str | None] = mapped_column(Text)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    stats: Mapped[dict] = mapped_column(JSON, default=dict)
    # the process running the crawl, and when it last said it was alive (``store.liveness``)
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None] = mapped_column(Integer)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)


class Blob(Base):
    """A response body, stored once per distinct SHA-256 digest, zlib-compressed."""

    __tablename__ = "blob"

    digest: Mapped[str] = mapped_column(String(80), primary_key=True)  # "sha256:<hex>"
    size: Mapped[int] = mapped_column(Integer)
    compression: Mapped[str] = mapped_column(String(10), default="zlib")
    data: Mapped[bytes] = mapped_column(LargeBinary)


class CaptureUrl(Base):
    """A URL as fetched and its canonical form, stored once; every capture of it points here."""

    __tablename__ = "capture_url"
    __table_args__ = (UniqueConstraint("url", "canonical_url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str] = mapped_column(Text, index=True)


class HeaderSet(Base):
    """A set of HTTP headers (names in order), stored once per digest. The values that differ
    from page to page or fetch to fetch are left out (null): the ``Date`` and Content-Length
    (the capture's ``http_date`` and ``content_length``) and the
    validators (ETag and Last-Modified, or sent back as If-None-Match and If-Modified-Since:
    the capture's ``Validators``), so that pages share their header sets."""

    __tablename__ = "header_set"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    headers: Mapped[dict] = mapped_column(JSON)  # {name: value or null}
    content_type: Mapped[str | None] = mapped_column(String(200))


class Validators(Base):
    """An ETag and Last-Modified pair, stored once: a page's 200, its 304s and the conditional
    requests asking for it all point at the same row."""

    __tablename__ = "validators"
    __table_args__ = (UniqueConstraint("etag", "last_modified"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(200))
    last_modified: Mapped[str | None] = mapped_column(String(100))


class _UrlOf(Comparator):
    """``Capture.url`` / ``Capture.canonical_url`` in SQL: comparisons become a look-up of the
    matching URL ids (the ``capture_url`` indexes answer it); elsewhere the URL itself."""

    def __init__(self, capture: type, column: str) -> None:
        self.capture, self.column = capture, column
        url_column = getattr(CaptureUrl, column)
        super().__init__(
            select(url_column)
            .where(CaptureUrl.id == capture.url_id)
            .scalar_subquery()
            .label(column)
        )

    def operate(self, op, *other, **kwargs):  # type: ignore[no-untyped-def]
        if op in _COMPARISONS:
            url_column = getattr(CaptureUrl, self.column)
            matching = select(CaptureUrl.id).where(op(url_column, *other, **kwargs))
            return self.capture.url_id.in_(matching)
        return op(self.expression, *other, **kwargs)

    def reverse_operate(self, op, other, **kwargs):  # type: ignore[no-untyped-def]
        return op(other, self.expression, **kwargs)


_COMPARISONS = {
    operators.eq, operators.ne, operators.lt, operators.le, operators.gt, operators.ge,
    operators.like_op, operators.not_like_op, operators.in_op, operators.not_in_op,
    operators.startswith_op, operators.between_op, operators.is_, operators.is_not,
}  # fmt: skip


class Capture(Base):
    """One fetch of one URL: successful, an HTTP error, or a network failure.

    Lean (issue 17): the URL is an id into ``capture_url`` and the headers ids into
    ``header_set``; ``url``, ``canonical_url``, ``headers``, ``request_headers``,
    ``content_type``, ``etag`` and ``last_modified`` read as they did (in SQL too)."""

    __tablename__ = "capture"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    crawl_id: Mapped[int | None] = mapped_column(ForeignKey("crawl.id"), index=True)
    url_id: Mapped[int] = mapped_column(ForeignKey("capture_url.id"), index=True)
    language: Mapped[str | None] = mapped_column(String(10))
    fetched_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    status: Mapped[int | None] = mapped_column(Integer)  # None: no HTTP response at all
    error: Mapped[str | None] = mapped_column(Text)
    http_date: Mapped[str | None] = mapped_column(String(100))
    content_length: Mapped[str | None] = mapped_column(String(20))  # the header, as sent
    header_set_id: Mapped[int | None] = mapped_column(ForeignKey("header_set.id"))
    validators_id: Mapped[int | None] = mapped_column(ForeignKey("validators.id"))
    request_header_set_id: Mapped[int | None] = mapped_column(ForeignKey("header_set.id"))
    request_validators_id: Mapped[int | None] = mapped_column(ForeignKey("validators.id"))
    digest: Mapped[str | None] = mapped_column(ForeignKey("blob.digest"), index=True)
    # ok / http-error / network-error / layout-missing (parsed, expected block absent)
    outcome: Mapped[str] = mapped_column(String(30), default="ok")
    parse_errors: Mapped[list] = mapped_column(JSON, default=list)

    blob: Mapped[Blob | None] = relationship()
    url_row: Mapped[CaptureUrl] = relationship(lazy="joined", innerjoin=True)
    header_set: Mapped[HeaderSet | None] = relationship(foreign_keys=[header_set_id], lazy="joined")
    validators: Mapped[Validators | None] = relationship(
        foreign_keys=[validators_id], lazy="joined"
    )
    request_header_set: Mapped[HeaderSet | None] = relationship(
        foreign_keys=[request_header_set_id]
    )
    request_validators: Mapped[Validators | None] = relationship(
        foreign_keys=[request_validators_id]
    )

    @hybrid_property
    def url(self) -> str:
        return self.url_row.url

    @url.inplace.comparator
    @classmethod
    def _url_comparator(cls) -> _UrlOf:
        return _UrlOf(cls, "url")

    @hybrid_property
    def canonical_url(self) -> str:
        return self.url_row.canonical_url

    @canonical_url.inplace.comparator
    @classmethod
    def _canonical_url_comparator(cls) -> _UrlOf:
        return _UrlOf(cls, "canonical_url")

    @property
    def headers(self) -> dict[str, str]:
        """The response headers as received, in their order."""
        pair = self.validators
        volatile = {
            "date": self.http_date,
            "content-length": self.content_length,
            "etag": pair.etag if pair else None,
            "last-modified": pair.last_modified if pair else None,
        }
        return _filled(self.header_set, volatile)

    @property
    def request_headers(self) -> dict[str, str]:
        """The request headers as sent, in their order."""
        pair = self.request_validators
        volatile = {
            "if-none-match": pair.etag if pair else None,
            "if-modified-since": pair.last_modified if pair else None,
        }
        return _filled(self.request_header_set, volatile)

    @hybrid_property
    def content_type(self) -> str | None:
        return self.header_set.content_type if self.header_set else None

    @content_type.inplace.expression
    @classmethod
    def _content_type_expression(cls):  # type: ignore[no-untyped-def]
        return _header_field(cls, HeaderSet.content_type)

    @hybrid_property
    def etag(self) -> str | None:
        return self.validators.etag if self.validators else None

    @etag.inplace.expression
    @classmethod
    def _etag_expression(cls):  # type: ignore[no-untyped-def]
        return _validator(cls, Validators.etag)

    @hybrid_property
    def last_modified(self) -> str | None:
        return self.validators.last_modified if self.validators else None

    @last_modified.inplace.expression
    @classmethod
    def _last_modified_expression(cls):  # type: ignore[no-untyped-def]
        return _validator(cls, Validators.last_modified)


def _filled(header_set: HeaderSet | None, volatile: dict[str, str | None]) -> dict[str, str]:
    stored = header_set.headers if header_set else {}
    return {k: volatile.get(k.lower()) if v is None else v for k, v in stored.items()}


def _header_field(capture: type, column):  # type: ignore[no-untyped-def]
    query = select(column).where(HeaderSet.id == capture.header_set_id)
    return query.scalar_subquery().label(column.key)


def _validator(capture: type, column):  # type: ignore[no-untyped-def]
    query = select(column).where(Validators.id == capture.validators_id)
    return query.scalar_subquery().label(column.key)


class Entity(Base):
    """A thing tracked over time, e.g. ``pacsto/en/delegation/RU``."""

    __tablename__ = "entity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(500), unique=True)
    type: Mapped[str] = mapped_column(String(40), index=True)
    # the set this entity belongs to, observed completely or not at all, e.g. pacsto/en/delegation
    scope: Mapped[str] = mapped_column(String(200), index=True)
    site: Mapped[str] = mapped_column(String(60), index=True)
    language: Mapped[str | None] = mapped_column(String(10))
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    first_seen: Mapped[datetime] = mapped_column(DateTime)
    last_seen: Mapped[datetime] = mapped_column(DateTime)
    # present / removed
    state: Mapped[str] = mapped_column(String(20), default="present")
    # a present entity that complete observations of its set lacked, not yet confirmed removed
    # (``store.versions``): when the first and the latest of them saw it missing, the first's
    # crawl, and how many did
    missing_since: Mapped[datetime | None] = mapped_column(DateTime)
    missing_last: Mapped[datetime | None] = mapped_column(DateTime)
    missing_crawl_id: Mapped[int | None] = mapped_column(Integer)
    missing_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    versions: Mapped[list[Version]] = relationship(
        back_populates="entity", order_by="Version.id", cascade="all, delete-orphan"
    )


class Version(Base):
    """The content of an entity between two content changes."""

    __tablename__ = "version"
    __table_args__ = (Index("ix_version_entity_current", "entity_id", "superseded_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id"), index=True)
    crawl_id: Mapped[int | None] = mapped_column(ForeignKey("crawl.id"), index=True)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("capture.id"))
    content_hash: Mapped[str] = mapped_column(String(80))
    # compressed (``PackedJSON``): an article's text is most of what a first crawl adds
    content: Mapped[dict] = mapped_column(PackedJSON)
    first_seen: Mapped[datetime] = mapped_column(DateTime)
    last_seen: Mapped[datetime] = mapped_column(DateTime)
    last_capture_id: Mapped[int | None] = mapped_column(ForeignKey("capture.id"))
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime)
    parser_version: Mapped[str | None] = mapped_column(String(40))

    entity: Mapped[Entity] = relationship(back_populates="versions")


class Transition(Base):
    """One change of one entity, detected by one crawl: previous version -> new version.

    ``previous_version_id`` is None for an entity that appeared, ``version_id`` None for one
    that went. ``change`` is ``added``, ``modified`` or ``removed``; its field changes are its
    ``fields``. How much it matters is decided when it is read (``store.entities``' rules, with
    the analysts' synonyms), so that a corrected rule applies to the whole history.
    """

    __tablename__ = "transition"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id"), index=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawl.id"), index=True)
    previous_version_id: Mapped[int | None] = mapped_column(ForeignKey("version.id"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("version.id"))
    detected_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    change: Mapped[str] = mapped_column(String(20))  # added / modified / removed

    entity: Mapped[Entity] = relationship()
    fields: Mapped[list[Change]] = relationship(
        back_populates="transition", order_by=lambda: [Change.field, Change.id]
    )


class Change(Base):
    """One changed field of one entity, detected by one crawl: a part of a ``Transition``."""

    __tablename__ = "change"
    __table_args__ = (UniqueConstraint("entity_id", "version_id", "field", "change"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transition_id: Mapped[int] = mapped_column(ForeignKey("transition.id"), index=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id"), index=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawl.id"), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("version.id"))
    previous_version_id: Mapped[int | None] = mapped_column(ForeignKey("version.id"))
    detected_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    change: Mapped[str] = mapped_column(String(20))  # added / modified / removed
    field: Mapped[str] = mapped_column(String(300))
    old: Mapped[object | None] = mapped_column(JSON)
    new: Mapped[object | None] = mapped_column(JSON)
    category: Mapped[str] = mapped_column(String(20))

    entity: Mapped[Entity] = relationship()
    transition: Mapped[Transition] = relationship(back_populates="fields")


class Memento(Base):
    """A capture a web archive holds, as ``parlwatch backfill`` listed and fetched it: the
    backfill's state (what is fetched already is never fetched again) and each backfilled
    capture's provenance (the archive's replay URL of it)."""

    __tablename__ = "memento"
    __table_args__ = (UniqueConstraint("source", "url", "timestamp"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(500))  # the CDX server's URL
    replay_url: Mapped[str] = mapped_column(Text)  # raw (id_) replay URL: the provenance
    url: Mapped[str] = mapped_column(Text)
    timestamp: Mapped[str] = mapped_column(String(14))
    archive_digest: Mapped[str | None] = mapped_column(String(200), index=True)
    status: Mapped[int | None] = mapped_column(Integer)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    digest: Mapped[str | None] = mapped_column(ForeignKey("blob.digest"))
    error: Mapped[str | None] = mapped_column(Text)
    fetched: Mapped[bool] = mapped_column(default=False)  # False: its payload was reused
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("capture.id"), index=True)
