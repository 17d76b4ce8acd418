"""Tenures derived from observations (the Popolo idea, mySociety parlparse's rules).

A member's tenure starts when the member is first seen; a member seen in the first crawl of a
list has an unknown start (we only know they were there by then). It ends at the first finished
crawl whose list was parsed whole without them (the ``removed`` change); a return opens a new
tenure. Failed crawls and unparsable pages record no removal, so they end nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from store.archive import Archive
from store.entities.member import Member
from store.models import Entity, Transition, Version


@dataclass
class Tenure:
    entity: str
    name: str
    country: str | None
    chamber: str | None
    source: str  # site id
    language: str | None
    role: str | None
    first_seen: datetime
    start: datetime | None  # None: already there when first crawled, start unknown
    end: datetime | None  # None: still there at the last finished crawl

    def active_at(self, when: datetime) -> bool:
        begun = (self.start or self.first_seen) <= when
        return begun and (self.end is None or when < self.end)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("first_seen", "start", "end"):
            data[key] = data[key].isoformat(timespec="seconds") + "Z" if data[key] else None
        return data


def member_tenures(
    archive: Archive, country: str | None = None, source: str | None = None
) -> list[Tenure]:
    """Every tenure of every member entity, ordered by source, start and name."""
    query = select(Entity).where(Entity.type == "member")
    if country:
        query = query.where(Entity.country == country.upper())
    if source:
        query = query.where(Entity.site == source)
    tenures: list[Tenure] = []
    with archive.session() as session:
        for entity in session.scalars(query.order_by(Entity.key)):
            tenures.extend(_entity_tenures(session, entity))
    tenures.sort(key=lambda t: (t.source, t.country or "", t.start or t.first_seen, t.name))
    return tenures


def members_at(
    archive: Archive, when: datetime, country: str | None = None, source: str | None = None
) -> list[Tenure]:
    """Tenures open at ``when``."""
    return [t for t in member_tenures(archive, country, source) if t.active_at(when)]


def _entity_tenures(session, entity: Entity) -> list[Tenure]:
    versions = list(entity.versions)
    if not versions:
        return []
    events = session.execute(
        select(Transition.change, Transition.detected_at, Transition.version_id)
        .where(Transition.entity_id == entity.id, Transition.change != "modified")
        .order_by(Transition.detected_at, Transition.id)
    ).all()
    first_seen_of = {v.id: v.first_seen for v in versions}
    added_first = any(e.change == "added" and e.version_id == versions[0].id for e in events)
    tenures: list[Tenure] = []
    current: Tenure | None = None
    if not added_first:
        current = _tenure(entity, versions[0], versions[0].first_seen, None)
    for change, detected_at, version_id in events:
        if change == "added":
            seen = first_seen_of.get(version_id, detected_at)
            version = next((v for v in versions if v.id == version_id), versions[-1])
            current = _tenure(entity, version, seen, seen)
        elif change == "removed" and current is not None:
            current.end = detected_at
            tenures.append(current)
            current = None
    if current is not None:
        latest = Member(versions[-1].content)
        current.role = latest.role
        current.name = latest.name or current.name
        tenures.append(current)
    return tenures


def _tenure(entity: Entity, version: Version, first_seen: datetime, start: datetime | None):
    member = Member(version.content)
    return Tenure(
        entity=entity.key,
        name=member.name or "",
        country=entity.country,
        chamber=member.chamber,
        source=entity.site,
        language=entity.language,
        role=member.role,
        first_seen=first_seen,
        start=start,
        end=None,
    )
