"""One entity through time: its versions, the captures they came from, and what changed.

Two clocks are kept apart. ``first_seen``/``last_seen``/``superseded_at`` are when *we* saw the
content (capture times); a news item's ``published`` is the date the content itself carries.
A version's ``cause`` says who made it: ``site`` (a crawl saw the site change), ``import`` (an
imported web-archive capture) or ``parser`` (``parlwatch reparse``: the same captures read by a
newer parser), taken from the spider name of the crawl that wrote it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from store.archive import Archive
from store.diff import home_of
from store.models import Capture, Change, Crawl, Entity, Version


def cause_of(spider: str | None) -> str:
    """``reparse:<site>`` -> parser, ``import:<site>`` -> import, a site's spider -> site."""
    prefix = (spider or "").split(":", 1)[0]
    return {"reparse": "parser", "import": "import"}.get(prefix, "site")


def content_date_fields(entity_type: str) -> list[str]:
    """The fields of a type that hold a date the content carries (a news item's ``published``)."""
    fields = home_of(entity_type).record.FIELDS
    return [name for name, declared in fields.items() if declared.category == "date"]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="microseconds") + "Z" if value is not None else None


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value.removesuffix("Z"))


@dataclass
class CaptureRef:
    id: int
    url: str
    fetched_at: str
    status: int | None
    digest: str | None


@dataclass
class VersionRow:
    number: int
    id: int
    content_hash: str
    content: dict
    first_seen: str
    last_seen: str
    superseded_at: str | None
    capture: CaptureRef | None
    last_capture: CaptureRef | None
    crawl: int | None
    spider: str | None
    cause: str
    parser_version: str | None
    content_dates: dict[str, Any]
    changes: list[dict] = field(default_factory=list)


@dataclass
class EntityHistory:
    key: str
    type: str
    site: str
    language: str | None
    country: str | None
    state: str
    first_seen: str
    last_seen: str
    versions: list[VersionRow]
    removals: list[dict]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ref(capture: Capture | None) -> CaptureRef | None:
    if capture is None:
        return None
    return CaptureRef(
        capture.id, capture.url, _iso(capture.fetched_at) or "", capture.status, capture.digest
    )


def find_keys(archive: Archive, text: str, limit: int = 10) -> list[str]:
    """Entity keys containing ``text``: suggestions when a key is mistyped."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    query = select(Entity.key).where(Entity.key.like(f"%{escaped}%", escape="\\"))
    with archive.session() as session:
        return list(session.scalars(query.order_by(Entity.key).limit(limit)))


def entity_history(archive: Archive, key: str) -> EntityHistory:
    """Every version of the entity ``key``, oldest first; ``LookupError`` when unknown."""
    with archive.session() as session:
        entity = session.scalars(select(Entity).where(Entity.key == key)).first()
        if entity is None:
            raise LookupError(key)
        spiders = dict(session.execute(select(Crawl.id, Crawl.spider)).all())
        changes: dict[int | None, list[dict]] = {}
        removals = []
        for change in session.scalars(
            select(Change).where(Change.entity_id == entity.id).order_by(Change.id)
        ):
            row = {
                "change": change.change,
                "field": change.field,
                "old": change.old,
                "new": change.new,
                "category": change.category,
                "crawl": change.crawl_id,
                "detected_at": _iso(change.detected_at),
                "cause": cause_of(spiders.get(change.crawl_id)),
                "transition": change.transition_id,
            }
            if change.version_id is None:
                removals.append(row)
            else:
                changes.setdefault(change.version_id, []).append(row)
        dates = content_date_fields(entity.type)
        versions = []
        for number, version in enumerate(
            session.scalars(
                select(Version).where(Version.entity_id == entity.id).order_by(Version.id)
            ),
            start=1,
        ):
            spider = spiders.get(version.crawl_id)
            versions.append(
                VersionRow(
                    number=number,
                    id=version.id,
                    content_hash=version.content_hash,
                    content=version.content,
                    first_seen=_iso(version.first_seen) or "",
                    last_seen=_iso(version.last_seen) or "",
                    superseded_at=_iso(version.superseded_at),
                    capture=_ref(session.get(Capture, version.capture_id))
                    if version.capture_id
                    else None,
                    last_capture=_ref(session.get(Capture, version.last_capture_id))
                    if version.last_capture_id
                    else None,
                    crawl=version.crawl_id,
                    spider=spider,
                    cause=cause_of(spider),
                    parser_version=version.parser_version,
                    content_dates={
                        k: version.content[k] for k in dates if version.content.get(k) is not None
                    },
                    changes=changes.get(version.id, []),
                )
            )
        return EntityHistory(
            key=entity.key,
            type=entity.type,
            site=entity.site,
            language=entity.language,
            country=entity.country,
            state=entity.state,
            first_seen=_iso(entity.first_seen) or "",
            last_seen=_iso(entity.last_seen) or "",
            versions=versions,
            removals=removals,
        )


@dataclass
class EntityAt:
    """The entity as it stood at ``at``: a version, or why there is none."""

    history: EntityHistory
    at: datetime
    version: VersionRow | None
    status: str  # current / not-yet-seen / removed
    note: str


def entity_at(archive: Archive, key: str, at: datetime) -> EntityAt:
    """The version in force at ``at``: first seen at or before it and not yet superseded.

    Between two crawls the archive cannot know more than "as last seen", so a version stands
    until the capture that replaced it.
    """
    history = entity_history(archive, key)
    chosen = None
    for row in history.versions:
        superseded = _dt(row.superseded_at) if row.superseded_at else None
        if _dt(row.first_seen) <= at and (superseded is None or at < superseded):
            chosen = row
    if chosen is not None:
        note = f"version {chosen.number}, seen from {chosen.first_seen} to {chosen.last_seen}"
        return EntityAt(history, at, chosen, "current", note)
    if not history.versions or at < _dt(history.versions[0].first_seen):
        first = history.versions[0].first_seen if history.versions else history.first_seen
        return EntityAt(history, at, None, "not-yet-seen", f"first seen {first}")
    last = history.versions[-1]
    return EntityAt(history, at, None, "removed", f"removed at {last.superseded_at}")
