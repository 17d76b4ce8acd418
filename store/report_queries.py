"""The store's read API for analyst reports (``parlwatch report``).

Reports describe a change as a whole: a transition (``store.transitions``), one entity's field
changes from one crawl together, with the full content of the version before and after, and
the captures each came from. These functions gather that in a few queries; they never write.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import LargeBinary, Text, and_, case, cast, or_, select, type_coerce

from store.archive import Archive
from store.compare import FieldChange, as_json
from store.diff import diff_versions
from store.entities.delegation import Delegation
from store.models import Capture, Change, Crawl, Entity, Version, content_text
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
    conditions = []
    if since is not None:
        conditions.append(TransitionRow.detected_at >= since)
    if until is not None:
        conditions.append(TransitionRow.detected_at < until)
    if countries:
        wanted = Entity.country.in_([c.upper() for c in countries])
        if country_sites:
            wanted = or_(wanted, and_(Entity.country.is_(None), Entity.site.in_(country_sites)))
        conditions.append(wanted)
    if sites:
        conditions.append(Entity.site.in_(sites))
    if types:
        conditions.append(Entity.type.in_(types))
    query = select(
        TransitionRow.id,
        TransitionRow.crawl_id,
        TransitionRow.detected_at,
        TransitionRow.change,
        TransitionRow.version_id,
        TransitionRow.previous_version_id,
        Entity.key,
        Entity.type,
        Entity.site,
        Entity.language,
        Entity.country,
    ).join(Entity, TransitionRow.entity_id == Entity.id)
    query = query.where(*conditions).order_by(
        TransitionRow.detected_at, TransitionRow.crawl_id, Entity.key, TransitionRow.id
    )
    json_values = _JsonValues()
    with archive.session() as session:
        found = [  # positional: a third of the cost of naming 16 arguments, 100k times
            Transition(
                key, type_, site, language, country, crawl_id, detected_at, change, version_id,
                previous_id, None, None, None, None, [], None, None, id_,
            )
            for (
                id_, crawl_id, detected_at, change, version_id, previous_id,
                key, type_, site, language, country,
            ) in session.connection().execute(query).all()
        ]  # fmt: skip
        _attach_versions(session, found, json_values)
        _attach_fields(session, found, conditions, json_values)
    return found


class _JsonValues:
    """JSON column values parsed once per distinct text: a report reads the same long texts
    (an article's body, before and after) from several rows. Each row gets its own copy of a
    mapping or list (``as_json``: a JSON value's deep copy, at a third of ``deepcopy``'s cost)."""

    def __init__(self) -> None:
        self.parsed: dict[str, object] = {}

    def __call__(self, text: str | None) -> object:
        if text is None:
            return None
        if text not in self.parsed:
            self.parsed[text] = json.loads(text)
        value = self.parsed[text]
        return as_json(value) if isinstance(value, dict | list) else value


def _in_chunks(ids: list[int], size: int = 10_000) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)] or [[]]


def _attach_fields(
    session, sets: list[Transition], conditions: list, json_values: _JsonValues
) -> None:
    """Each transition's field changes, in the order ``Transition.fields`` lists them: the
    changes of the transitions that ``conditions`` select, read in one query (a list of 100k
    ids in chunks cost more to bind than to read).

    A change of a top-level field, or of the whole entity, holds values its two versions hold
    too (``store.versions`` records them from the versions' content; versions never change):
    an edited article's text, before and after. Those values are taken from the versions the
    transitions carry (``_attach_versions``) instead of being read and parsed again; only a
    change deeper in a record (``chambers[1].count``) is read with its values."""
    by_id = {s.id: s for s in sets}
    top_level = and_(Change.field != "", ~Change.field.contains("."), ~Change.field.contains("["))
    derived = or_(top_level, and_(Change.field == "", Change.change != "modified"))
    rows = session.connection().execute(
        select(
            Change.transition_id, Change.change, Change.field, derived,
            case((derived, None), else_=cast(Change.old, Text)),
            case((derived, None), else_=cast(Change.new, Text)), Change.category,
        )
        .join(TransitionRow, Change.transition_id == TransitionRow.id)
        .join(Entity, TransitionRow.entity_id == Entity.id)
        .where(*conditions)
        .order_by(Change.transition_id, Change.field, Change.id)
    ).all()  # fmt: skip
    for transition_id, change, field, from_versions, old, new, category in rows:
        found = by_id.get(transition_id)
        if found is None:  # a transition stored since the first query read them
            continue
        if from_versions:
            values = _values_in_versions(found, change, field)
        else:
            values = (json_values(old), json_values(new))
        found.fields.append(FieldChange(change, field, *values, category))


def _values_in_versions(t: Transition, change: str, field: str) -> tuple[Any, Any]:
    """A top-level field's (old, new) values, or the whole entity's, as ``store.versions``
    recorded them from the transition's two versions (each a foreign key: always there)."""
    if field == "":  # an entity that appeared or went (never "modified"): its content
        return (as_json(t.old) if change == "removed" else None), as_json(t.new)
    old = None if change == "added" or t.old is None else t.old.get(field)
    new = None if change == "removed" or t.new is None else t.new.get(field)
    return _own_copy(old), _own_copy(new)


def _own_copy(value: Any) -> Any:
    """Each row its own copy of a mapping or list (as ``_JsonValues`` gives); text as it is."""
    return as_json(value) if type(value) in (dict, list) else value


def _attach_versions(session, sets: list[Transition], json_values: _JsonValues) -> None:
    """Each transition's two versions, as the typed records of its entity's type (see
    ``Transition.old``), and the captures they came from.

    A version is made a record once, however many transitions hold it (the new version of
    one edit is the old one of the next): a transition's ``old_record`` is its ``old``."""
    homes = {i: s.home for s in sets for i in (s.version, s.previous_version) if i is not None}
    ids = sorted(homes)
    versions: dict[int, tuple] = {}
    raw_content = type_coerce(Version.content, LargeBinary)  # the stored (compressed) bytes
    for chunk in _in_chunks(ids):
        for id_, content, content_hash, capture_id, last_capture_id in session.connection().execute(
            select(
                Version.id, raw_content, Version.content_hash, Version.capture_id,
                Version.last_capture_id,
            ).where(Version.id.in_(chunk or [-1]))
        ):  # fmt: skip
            text = content_text(content)  # decompressed each, parsed once per distinct text
            record = homes[id_].load(json_values(text))
            versions[id_] = (record, content_hash, capture_id, last_capture_id)
    capture_ids = sorted({i for v in versions.values() for i in (v[2], v[3]) if i is not None})
    captures: dict[int, CaptureRef] = {}
    for chunk in _in_chunks(capture_ids):
        for id_, url, fetched_at, status in session.connection().execute(
            select(Capture.id, Capture.url, Capture.fetched_at, Capture.status).where(
                Capture.id.in_(chunk or [-1])
            )
        ):
            captures[id_] = CaptureRef(id_, url, fetched_at, status)
    for s in sets:
        old = versions.get(s.previous_version) if s.previous_version else None
        new = versions.get(s.version) if s.version else None
        s.with_records(old and old[0], new and new[0])
        if old is not None:
            s.old_hash = old[1]
            s.before = captures.get(old[3] or old[2] or -1)
        if new is not None:
            s.new_hash = new[1]
            s.after = captures.get(new[2] or -1)
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
