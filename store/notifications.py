"""Notification targets and the record of what was sent, kept in the archive database.

Targets sit beside the schedules, so a scheduler on any host of a shared archive notifies the
same people. Each (target, crawl) pair is claimed with an atomic insert before anything is sent:
the scheduler and ``parlwatch crawl`` may both try to notify about one crawl, and exactly one
of them sends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from store.archive import Archive, utcnow
from store.models import Base

# delivery statuses
SENDING, SENT, FAILED, NOTHING = "sending", "sent", "failed", "nothing-to-send"


class NotifyTarget(Base):
    """Where to send a crawl's changes: an http(s) webhook, or any Apprise URL."""

    __tablename__ = "notify_target"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    url: Mapped[str] = mapped_column(Text)
    # empty lists mean "all"
    categories: Mapped[list] = mapped_column(JSON, default=list)
    countries: Mapped[list] = mapped_column(JSON, default=list)
    sites: Mapped[list] = mapped_column(JSON, default=list)
    min_level: Mapped[str | None] = mapped_column(String(20))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class NotifyDelivery(Base):
    """One target told (or not) about one crawl."""

    __tablename__ = "notify_delivery"
    __table_args__ = (UniqueConstraint("target_id", "crawl_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("notify_target.id"), index=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawl.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=SENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    changes: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


@dataclass(frozen=True)
class Target:
    id: int
    name: str
    url: str
    categories: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    min_level: str | None = None
    enabled: bool = True


def _target(row: NotifyTarget) -> Target:
    return Target(
        row.id,
        row.name,
        row.url,
        list(row.categories or []),
        list(row.countries or []),
        list(row.sites or []),
        row.min_level,
        row.enabled,
    )


def add_target(
    archive: Archive,
    name: str,
    url: str,
    categories: list[str] | None = None,
    countries: list[str] | None = None,
    sites: list[str] | None = None,
    min_level: str | None = None,
) -> Target:
    """Store a target; raises ``ValueError`` when the name is taken."""
    try:
        with archive.sessions.begin() as session:
            row = NotifyTarget(
                name=name,
                url=url,
                categories=categories or [],
                countries=[c.upper() for c in countries or []],
                sites=sites or [],
                min_level=min_level,
                created_at=utcnow(),
            )
            session.add(row)
            session.flush()
            return _target(row)
    except IntegrityError as exc:
        raise ValueError(f"a target named {name!r} exists already") from exc


def list_targets(archive: Archive, enabled_only: bool = False) -> list[Target]:
    query = select(NotifyTarget).order_by(NotifyTarget.id)
    if enabled_only:
        query = query.where(NotifyTarget.enabled.is_(True))
    with archive.session() as session:
        return [_target(row) for row in session.scalars(query)]


def remove_target(archive: Archive, name: str) -> bool:
    """Delete a target and its delivery records."""
    with archive.sessions.begin() as session:
        row = session.scalar(select(NotifyTarget).where(NotifyTarget.name == name))
        if row is None:
            return False
        session.execute(delete(NotifyDelivery).where(NotifyDelivery.target_id == row.id))
        session.delete(row)
        return True


def claim_delivery(archive: Archive, target_id: int, crawl_id: int) -> int | None:
    """Reserve the right to notify ``target_id`` about ``crawl_id``; None if already taken."""
    try:
        with archive.sessions.begin() as session:
            row = NotifyDelivery(target_id=target_id, crawl_id=crawl_id, started_at=utcnow())
            session.add(row)
            session.flush()
            return row.id
    except IntegrityError:
        return None


def finish_delivery(
    archive: Archive,
    delivery_id: int,
    status: str,
    attempts: int,
    changes: int,
    error: str | None = None,
) -> None:
    with archive.sessions.begin() as session:
        row = session.get(NotifyDelivery, delivery_id)
        if row is None:
            return
        row.status, row.attempts, row.changes = status, attempts, changes
        row.error = error[:2000] if error else None
        row.finished_at = utcnow()


@dataclass(frozen=True)
class Delivery:
    target: str
    crawl_id: int
    status: str
    attempts: int
    changes: int
    error: str | None


def list_deliveries(archive: Archive, crawl_id: int | None = None) -> list[Delivery]:
    query = (
        select(NotifyDelivery, NotifyTarget.name)
        .join(NotifyTarget, NotifyTarget.id == NotifyDelivery.target_id)
        .order_by(NotifyDelivery.id)
    )
    if crawl_id is not None:
        query = query.where(NotifyDelivery.crawl_id == crawl_id)
    with archive.session() as session:
        return [
            Delivery(name, d.crawl_id, d.status, d.attempts, d.changes, d.error)
            for d, name in session.execute(query)
        ]
