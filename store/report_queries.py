"""The store's read API for analyst reports (``parlwatch report``).

Reports describe a change as a whole: a transition (``store.transitions``), one entity's field
changes from one crawl together, with the full content of the version before and after, and
the captures each came from. These functions gather that in a few queries; they never write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from store.archive import Archive
from store.compare import FieldChange
from store.diff import diff_versions
from store.entities.delegation import Delegation
from store.models import Capture, Crawl, Entity, Version
from store.models import Transition as TransitionRow
from store.queries import CrawlRow
from store.transitions import CaptureRef, Transition

ChangeSet = Transition  # the name reports used before a change was stored as a transition


@dataclass(frozen=True)
class SeatPoint:
    """A delegation's seat count from ``start`` until ``end`` (None: still current)."""

    entity: str
    country: str | None
    language: str | None
    seats: int | None
    start: datetime
    end: datetime | None


def change_sets(
    archive: Archive,
    since: datetime | None = None,
    until: datetime | None = None,
    countries: list[str] | None = None,
    sites: list[str] | None = None,
    types: list[str] | None = None,
    country_sites: list[str] | None = None,
) -> list[Transition]:
    """The transitions detected in [since, until), oldest first, each with its field changes.

    With ``countries``, entities without a country (a national site's news) match when their
    site is one of ``country_sites``.
    """
    query = (
        select(TransitionRow, Entity)
        .join(Entity, TransitionRow.entity_id == Entity.id)
        .options(selectinload(TransitionRow.fields))
    )
    if since is not None:
        query = query.where(TransitionRow.detected_at >= since)
    if until is not None:
        query = query.where(TransitionRow.detected_at < until)
    if countries:
        wanted = Entity.country.in_([c.upper() for c in countries])
        if country_sites:
            wanted = or_(wanted, and_(Entity.country.is_(None), Entity.site.in_(country_sites)))
        query = query.where(wanted)
    if sites:
        query = query.where(Entity.site.in_(sites))
    if types:
        query = query.where(Entity.type.in_(types))
    query = query.order_by(
        TransitionRow.detected_at, TransitionRow.crawl_id, Entity.key, TransitionRow.id
    )
    with archive.session() as session:
        found = [
            Transition(
                entity=entity.key,
                type=entity.type,
                site=entity.site,
                language=entity.language,
                country=entity.country,
                crawl=row.crawl_id,
                detected_at=row.detected_at,
                change=row.change,
                version=row.version_id,
                previous_version=row.previous_version_id,
                old=None,
                new=None,
                old_hash=None,
                new_hash=None,
                fields=[
                    FieldChange(c.change, c.field, c.old, c.new, c.category) for c in row.fields
                ],
                id=row.id,
            )
            for row, entity in session.execute(query)
        ]
        _attach_versions(session, found)
    return found


def _attach_versions(session, sets: list[Transition]) -> None:
    ids = {i for s in sets for i in (s.version, s.previous_version) if i is not None}
    versions = {
        v.id: v for v in session.scalars(select(Version).where(Version.id.in_(ids or {-1})))
    }
    capture_ids = {
        i for v in versions.values() for i in (v.capture_id, v.last_capture_id) if i is not None
    }
    captures = {
        c.id: c for c in session.scalars(select(Capture).where(Capture.id.in_(capture_ids or {-1})))
    }
    for s in sets:
        old = versions.get(s.previous_version) if s.previous_version else None
        new = versions.get(s.version) if s.version else None
        if old is not None:
            s.old, s.old_hash = old.content, old.content_hash
            s.before = _ref(captures.get(old.last_capture_id or old.capture_id or -1))
        if new is not None:
            s.new, s.new_hash = new.content, new.content_hash
            s.after = _ref(captures.get(new.capture_id or -1))
        elif s.before is not None:
            s.after = _gone_capture(session, s.crawl, s.before)


def _gone_capture(session, crawl_id: int, last_seen: CaptureRef) -> CaptureRef | None:
    """The fetch of the removed entity's page, in the removing crawl, that answered 404/410."""
    seen = session.get(Capture, last_seen.id)
    if seen is None:
        return None
    capture = session.scalars(
        select(Capture)
        .where(
            Capture.crawl_id == crawl_id,
            Capture.canonical_url == seen.canonical_url,
            Capture.status.in_([404, 410]),
        )
        .order_by((Capture.language == seen.language).desc(), Capture.id.desc())
        .limit(1)
    ).first()
    return _ref(capture)


def _ref(capture: Capture | None) -> CaptureRef | None:
    if capture is None:
        return None
    return CaptureRef(capture.id, capture.url, capture.fetched_at, capture.status)


def crawls_between(
    archive: Archive,
    since: datetime | None = None,
    until: datetime | None = None,
    spiders: list[str] | None = None,
) -> list[CrawlRow]:
    """Crawls started in [since, until), failed ones included, oldest first."""
    query = select(Crawl).order_by(Crawl.started, Crawl.id)
    if since is not None:
        query = query.where(Crawl.started >= since)
    if until is not None:
        query = query.where(Crawl.started < until)
    if spiders:
        query = query.where(Crawl.spider.in_(spiders))
    with archive.session() as session:
        return [CrawlRow.from_model(c) for c in session.scalars(query)]


def seat_history(
    archive: Archive,
    site: str = "pacsto",
    until: datetime | None = None,
    countries: list[str] | None = None,
) -> list[SeatPoint]:
    """Every version of every delegation of ``site`` seen before ``until``, oldest first."""
    query = (
        select(Entity, Version)
        .join(Version, Version.entity_id == Entity.id)
        .where(Entity.type == "delegation", Entity.site == site)
        .order_by(Entity.key, Version.first_seen, Version.id)
    )
    if until is not None:
        query = query.where(Version.first_seen < until)
    if countries:
        query = query.where(Entity.country.in_([c.upper() for c in countries]))
    with archive.session() as session:
        points = []
        for entity, version in session.execute(query):
            end = version.superseded_at
            if end is None and entity.state == "removed":
                end = version.last_seen
            seats = Delegation.view(version.content).seats
            points.append(
                SeatPoint(
                    entity=entity.key,
                    country=entity.country,
                    language=entity.language,
                    seats=seats if isinstance(seats, int) else None,
                    start=version.first_seen,
                    end=end,
                )
            )
        return points


def net_field_changes(old: dict, new: dict, entity_type: str) -> list[FieldChange]:
    """The field changes from ``old`` straight to ``new``, as the diff stage would record them."""
    return diff_versions(old, new, entity_type)
