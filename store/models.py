"""SQLAlchemy models of the archive.

The shape follows git-history and EDGI web-monitoring: every fetch is a ``Capture`` (failed ones
too), bodies are stored once per digest in ``Blob``, an ``Entity`` is a thing with a stable key
whose content changes over time as ``Version`` rows (a new version only when the content hash
changes). A ``Transition`` is one change, as web-monitoring-db models it: the entity going from
one version to the next (or appearing, or going) as one crawl saw it; each field that changed in
it is a ``Change`` row.
"""

from __future__ import annotations

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
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


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


class Capture(Base):
    """One fetch of one URL: successful, an HTTP error, or a network failure."""

    __tablename__ = "capture"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    crawl_id: Mapped[int | None] = mapped_column(ForeignKey("crawl.id"), index=True)
    url: Mapped[str] = mapped_column(Text, index=True)
    canonical_url: Mapped[str] = mapped_column(Text, index=True)
    language: Mapped[str | None] = mapped_column(String(10))
    fetched_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    status: Mapped[int | None] = mapped_column(Integer)  # None: no HTTP response at all
    error: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str | None] = mapped_column(String(200))
    etag: Mapped[str | None] = mapped_column(String(200))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    http_date: Mapped[str | None] = mapped_column(String(100))
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    request_headers: Mapped[dict] = mapped_column(JSON, default=dict)
    digest: Mapped[str | None] = mapped_column(ForeignKey("blob.digest"), index=True)
    # ok / http-error / network-error / layout-missing (parsed, expected block absent)
    outcome: Mapped[str] = mapped_column(String(30), default="ok")
    parse_errors: Mapped[list] = mapped_column(JSON, default=list)

    blob: Mapped[Blob | None] = relationship()


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
    content: Mapped[dict] = mapped_column(JSON)
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
