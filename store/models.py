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
)
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.hybrid import Comparator, hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from store import tables


class Base(DeclarativeBase):
    # the capture side's tables are declared in ``store.tables`` (Core, for the read commands)
    metadata = tables.metadata


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
    """One run of one spider (``store.tables.crawl``)."""

    __table__ = tables.crawl

    id: Mapped[int]
    spider: Mapped[str]
    started: Mapped[datetime]
    finished: Mapped[datetime | None]
    status: Mapped[str]
    reason: Mapped[str | None]
    params: Mapped[dict]
    stats: Mapped[dict]
    host: Mapped[str | None]
    pid: Mapped[int | None]
    heartbeat_at: Mapped[datetime | None]


class Blob(Base):
    """A response body, stored once per distinct SHA-256 digest, zlib-compressed."""

    __table__ = tables.blob

    digest: Mapped[str]
    size: Mapped[int]
    compression: Mapped[str]
    data: Mapped[bytes]


class CaptureUrl(Base):
    """A URL as fetched and its canonical form, stored once; every capture of it points here."""

    __table__ = tables.capture_url

    id: Mapped[int]
    url: Mapped[str]
    canonical_url: Mapped[str]


class HeaderSet(Base):
    """A set of HTTP headers (names in order), stored once per digest, the values that differ
    from fetch to fetch left out (``store.tables.header_set``)."""

    __table__ = tables.header_set

    id: Mapped[int]
    digest: Mapped[str]
    headers: Mapped[dict]
    content_type: Mapped[str | None]


class Validators(Base):
    """An ETag and Last-Modified pair, stored once."""

    __table__ = tables.validators

    id: Mapped[int]
    etag: Mapped[str | None]
    last_modified: Mapped[str | None]


class _UrlOf(tables.UrlOf, Comparator):
    """``tables.UrlOf`` as the comparator of ``Capture.url`` / ``Capture.canonical_url``."""

    def __init__(self, capture: type, column: str) -> None:
        tables.UrlOf.__init__(self, capture.url_id, column)


class Capture(Base):
    """One fetch of one URL: successful, an HTTP error, or a network failure.

    Lean (issue 17): the URL is an id into ``capture_url`` and the headers ids into
    ``header_set``; ``url``, ``canonical_url``, ``headers``, ``request_headers``,
    ``content_type``, ``etag`` and ``last_modified`` read as they did (in SQL too)."""

    __table__ = tables.capture

    id: Mapped[int]
    crawl_id: Mapped[int | None]
    url_id: Mapped[int]
    language: Mapped[str | None]
    fetched_at: Mapped[datetime]
    status: Mapped[int | None]
    error: Mapped[str | None]
    http_date: Mapped[str | None]
    content_length: Mapped[str | None]
    header_set_id: Mapped[int | None]
    validators_id: Mapped[int | None]
    request_header_set_id: Mapped[int | None]
    request_validators_id: Mapped[int | None]
    digest: Mapped[str | None]
    outcome: Mapped[str]
    parse_errors: Mapped[list]

    blob: Mapped[Blob | None] = relationship()
    url_row: Mapped[CaptureUrl] = relationship(lazy="joined", innerjoin=True)
    header_set: Mapped[HeaderSet | None] = relationship(
        foreign_keys=[tables.capture.c.header_set_id], lazy="joined"
    )
    validators: Mapped[Validators | None] = relationship(
        foreign_keys=[tables.capture.c.validators_id], lazy="joined"
    )
    request_header_set: Mapped[HeaderSet | None] = relationship(
        foreign_keys=[tables.capture.c.request_header_set_id]
    )
    request_validators: Mapped[Validators | None] = relationship(
        foreign_keys=[tables.capture.c.request_validators_id]
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
        return tables.response_headers(
            self.header_set.headers if self.header_set else None,
            self.http_date,
            self.content_length,
            pair.etag if pair else None,
            pair.last_modified if pair else None,
        )

    @property
    def request_headers(self) -> dict[str, str]:
        """The request headers as sent, in their order."""
        pair = self.request_validators
        return tables.request_headers(
            self.request_header_set.headers if self.request_header_set else None,
            pair.etag if pair else None,
            pair.last_modified if pair else None,
        )

    @hybrid_property
    def content_type(self) -> str | None:
        return self.header_set.content_type if self.header_set else None

    @content_type.inplace.expression
    @classmethod
    def _content_type_expression(cls):  # type: ignore[no-untyped-def]
        return tables.header_field_of(cls.header_set_id, "content_type")

    @hybrid_property
    def etag(self) -> str | None:
        return self.validators.etag if self.validators else None

    @etag.inplace.expression
    @classmethod
    def _etag_expression(cls):  # type: ignore[no-untyped-def]
        return tables.validator_of(cls.validators_id, "etag")

    @hybrid_property
    def last_modified(self) -> str | None:
        return self.validators.last_modified if self.validators else None

    @last_modified.inplace.expression
    @classmethod
    def _last_modified_expression(cls):  # type: ignore[no-untyped-def]
        return tables.validator_of(cls.validators_id, "last_modified")


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
    __table_args__ = (
        UniqueConstraint("entity_id", "version_id", "field", "change"),
        # a transition's changes in order with what a report reads of them (migration 0012)
        Index("ix_change_transition_fields", "transition_id", "field", "id", "change", "category"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transition_id: Mapped[int] = mapped_column(ForeignKey("transition.id"))
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
