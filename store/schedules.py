"""Crawl schedules and per-site crawl locks, kept in the archive database.

Schedules live beside the history they produce, so they survive restarts and travel with the
archive: a SQLite file copied to another machine, or one PostgreSQL database that several
scheduler hosts share. The store only keeps the rows; when a schedule is next due is computed by
``parlwatch.scheduling`` and handed in.

A lock is one ``crawl_lock`` row per site, taken with an atomic insert (the primary key makes a
second insert fail) and kept alive by a heartbeat that pushes ``expires_at`` forward. A holder
that dies stops beating; once its row has expired anyone may delete it and take the site.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Integer,
    String,
    Text,
    delete,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from store.archive import Archive, utcnow
from store.models import Base


class Schedule(Base):
    """When to crawl which sites: an interval or a cron expression, in a timezone."""

    __tablename__ = "schedule"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sites: Mapped[list] = mapped_column(JSON)
    every_seconds: Mapped[int | None] = mapped_column(Integer)
    cron: Mapped[str | None] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(60), default="UTC")
    # "HH:MM-HH:MM" in ``timezone``: runs due outside it wait for its next opening
    window: Mapped[str | None] = mapped_column(String(20))
    jitter_seconds: Mapped[int] = mapped_column(Integer, default=0)
    # site -> base URL of a replica or mirror; sites not named crawl their live URLs
    base_urls: Mapped[dict] = mapped_column(JSON, default=dict)
    languages: Mapped[str | None] = mapped_column(String(60))
    # -s KEY=VALUE crawl settings (setting -> value as typed), passed to each crawl it starts
    settings: Mapped[dict | None] = mapped_column(JSON)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    next_run_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)  # naive UTC
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_result: Mapped[str | None] = mapped_column(Text)


class CrawlLock(Base):
    """Who is crawling a site right now; at most one row per site."""

    __tablename__ = "crawl_lock"

    site: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(Text)


# -- schedules ---------------------------------------------------------------------------------


def add_schedule(archive: Archive, **fields: object) -> Schedule:
    """Store a new schedule; ``fields`` are ``Schedule`` columns (``next_run_at`` included)."""
    with archive.sessions.begin() as session:
        fields.setdefault("created_at", utcnow())
        schedule = Schedule(**fields)
        session.add(schedule)
        session.flush()
        return schedule


def list_schedules(archive: Archive, enabled_only: bool = False) -> list[Schedule]:
    query = select(Schedule).order_by(Schedule.id)
    if enabled_only:
        query = query.where(Schedule.enabled.is_(True))
    with archive.session() as session:
        return list(session.scalars(query))


def get_schedule(archive: Archive, schedule_id: int) -> Schedule | None:
    with archive.session() as session:
        return session.get(Schedule, schedule_id)


def set_enabled(
    archive: Archive, schedule_id: int, enabled: bool, next_run_at: datetime | None
) -> bool:
    """Pause or resume; a resumed schedule starts afresh from ``next_run_at``."""
    with archive.sessions.begin() as session:
        schedule = session.get(Schedule, schedule_id)
        if schedule is None:
            return False
        schedule.enabled = enabled
        schedule.next_run_at = next_run_at
        return True


def remove_schedule(archive: Archive, schedule_id: int) -> bool:
    with archive.sessions.begin() as session:
        return session.execute(delete(Schedule).where(Schedule.id == schedule_id)).rowcount > 0


def claim_run(
    archive: Archive,
    schedule_id: int,
    due_at: datetime | None,
    next_run_at: datetime,
    now: datetime,
) -> bool:
    """Take a due run: move ``next_run_at`` on, unless another scheduler already did.

    The update only matches while the row still says ``due_at``, so when several schedulers
    share one database exactly one of them starts the run.
    """
    same_due = Schedule.next_run_at.is_(None) if due_at is None else Schedule.next_run_at == due_at
    with archive.sessions.begin() as session:
        result = session.execute(
            update(Schedule)
            .where(Schedule.id == schedule_id, same_due, Schedule.enabled.is_(True))
            .values(next_run_at=next_run_at, last_run_at=now)
        )
        return result.rowcount == 1


def record_result(archive: Archive, schedule_id: int, text: str) -> None:
    with archive.sessions.begin() as session:
        session.execute(
            update(Schedule).where(Schedule.id == schedule_id).values(last_result=text[:2000])
        )


# -- locks -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LockInfo:
    site: str
    holder: str
    acquired_at: datetime
    expires_at: datetime
    note: str | None


def acquire_lock(
    archive: Archive, site: str, holder: str, ttl: float, note: str | None = None
) -> bool:
    """Take the lock on ``site`` for ``ttl`` seconds; False when someone else holds it."""
    now = utcnow()
    try:
        with archive.sessions.begin() as session:
            session.add(
                CrawlLock(
                    site=site,
                    holder=holder,
                    acquired_at=now,
                    expires_at=now + timedelta(seconds=ttl),
                    note=note,
                )
            )
    except IntegrityError:
        return False
    return True


def expire_locks(archive: Archive, site: str | None = None) -> list[LockInfo]:
    """Delete locks whose holder stopped beating; returns them (their crawls may be stale)."""
    now = utcnow()
    conditions = [CrawlLock.expires_at < now]
    if site is not None:
        conditions.append(CrawlLock.site == site)
    with archive.sessions.begin() as session:
        stale = [_info(lock) for lock in session.scalars(select(CrawlLock).where(*conditions))]
        for lock in stale:
            # delete only the row we saw: a fresh lock taken meanwhile has a later expiry
            session.execute(
                delete(CrawlLock).where(
                    CrawlLock.site == lock.site, CrawlLock.expires_at == lock.expires_at
                )
            )
    return stale


def heartbeat(archive: Archive, holder: str, ttl: float) -> int:
    """Push the expiry of every lock ``holder`` holds ``ttl`` seconds ahead; returns how many."""
    with archive.sessions.begin() as session:
        result = session.execute(
            update(CrawlLock)
            .where(CrawlLock.holder == holder)
            .values(expires_at=utcnow() + timedelta(seconds=ttl))
        )
        return result.rowcount


def release_lock(archive: Archive, site: str, holder: str) -> bool:
    with archive.sessions.begin() as session:
        result = session.execute(
            delete(CrawlLock).where(CrawlLock.site == site, CrawlLock.holder == holder)
        )
        return result.rowcount > 0


def list_locks(archive: Archive) -> list[LockInfo]:
    with archive.session() as session:
        return [_info(lock) for lock in session.scalars(select(CrawlLock).order_by(CrawlLock.site))]


def _info(lock: CrawlLock) -> LockInfo:
    return LockInfo(lock.site, lock.holder, lock.acquired_at, lock.expires_at, lock.note)
