"""The store's read API for analyst reports (``parlwatch report``).

Reports describe a change as a whole: one entity's field changes from one crawl together, with
the full content of the version before and after, and the captures each came from. These
functions gather that in a few queries; they never write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select

from store.archive import Archive
from store.diff import align, diff_versions
from store.models import Capture, Change, Crawl, Entity, Version
from store.queries import CrawlRow


@dataclass(frozen=True)
class CaptureRef:
    """Where and when a version was seen: the fetch a report links to."""

    id: int
    url: str
    fetched_at: datetime
    status: int | None


@dataclass(frozen=True)
class FieldChange:
    change: str  # added / modified / removed
    field: str  # "" for the entity as a whole
    old: Any
    new: Any
    category: str


@dataclass
class ChangeSet:
    """All field changes of one entity detected by one crawl, with both versions' content.

    ``old`` is None for an entity that appeared, ``new`` None for one that was removed.
    ``before`` is the last capture that showed the old version; ``after`` the capture the new
    version came from (for a removal: the fetch that answered "gone", when there was one).
    """

    entity: str
    type: str
    site: str
    language: str | None
    country: str | None
    crawl: int
    detected_at: datetime
    change: str  # added / modified / removed
    version: int | None
    previous_version: int | None
    old: dict | None
    new: dict | None
    old_hash: str | None
    new_hash: str | None
    fields: list[FieldChange] = field(default_factory=list)
    before: CaptureRef | None = None
    after: CaptureRef | None = None


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
) -> list[ChangeSet]:
    """Changes detected in [since, until), grouped per entity and crawl, oldest first.

    With ``countries``, entities without a country (a national site's news) match when their
    site is one of ``country_sites``.
    """
    query = select(Change, Entity).join(Entity, Change.entity_id == Entity.id)
    if since is not None:
        query = query.where(Change.detected_at >= since)
    if until is not None:
        query = query.where(Change.detected_at < until)
    if countries:
        wanted = Entity.country.in_([c.upper() for c in countries])
        if country_sites:
            wanted = or_(wanted, and_(Entity.country.is_(None), Entity.site.in_(country_sites)))
        query = query.where(wanted)
    if sites:
        query = query.where(Entity.site.in_(sites))
    if types:
        query = query.where(Entity.type.in_(types))
    query = query.order_by(Change.detected_at, Change.crawl_id, Entity.key, Change.field)
    sets: dict[tuple, ChangeSet] = {}
    with archive.session() as session:
        for change, entity in session.execute(query):
            ident = (entity.id, change.crawl_id, change.version_id, change.previous_version_id)
            found = sets.get(ident)
            if found is None:
                found = sets[ident] = ChangeSet(
                    entity=entity.key,
                    type=entity.type,
                    site=entity.site,
                    language=entity.language,
                    country=entity.country,
                    crawl=change.crawl_id,
                    detected_at=change.detected_at,
                    change="modified",
                    version=change.version_id,
                    previous_version=change.previous_version_id,
                    old=None,
                    new=None,
                    old_hash=None,
                    new_hash=None,
                )
            if change.field == "" and change.change in ("added", "removed"):
                found.change = change.change
            found.fields.append(
                FieldChange(change.change, change.field, change.old, change.new, change.category)
            )
        _attach_versions(session, list(sets.values()))
    return list(sets.values())


def _attach_versions(session, sets: list[ChangeSet]) -> None:
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
            seats = version.content.get("seats")
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
    return [
        FieldChange(fc.change, fc.field, fc.old, fc.new, fc.category)
        for fc in diff_versions(old, new, entity_type)
    ]


def aligned(old: Any, new: Any) -> Any:
    """``new`` with its lists of records ordered to pair item by item with ``old``'s."""
    result, complete = align(old, new)
    return result if complete else new
