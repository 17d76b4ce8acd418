"""The diff stage: turn a finished crawl's observations into versions and changes.

Rules (git-history's, plus what a research archive needs):
- a new version only when the content hash changes; otherwise the current version's last-seen
  time advances;
- the first crawl that sees a scope (e.g. ``pacsto/en/news``) is a baseline: its entities get
  versions but no ``added`` change; entities that appear later are ``added``;
- an entity is ``removed`` only when ``confirmations`` consecutive complete observations of its
  scope lacked it (the removal is dated at the first of them, and belongs to that crawl), or at
  once when its own page answered a definite "gone" (404/410). Until then it stays present,
  "missing, unconfirmed" (``Entity.missing_since``); seen again, it is simply present again, and
  no change is recorded at all. The count comes from ``$PARLWATCH_REMOVAL_CONFIRMATIONS``
  (default 2; 1 removes on the first complete observation that lacks it). Observations are
  counted by their time, so a re-read of the same captures (``reparse``) counts nothing twice;
- an observation older than the entity's current version never replaces it.

Each change is one ``Transition`` row (previous version -> new version) with one ``Change`` row
per changed field; what the fields are, their categories and what makes two versions the same
come from the entity type's home (``store.entities``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from store.compare import FieldChange
from store.diff import home_of
from store.models import Change, Crawl, Entity, Transition, Version
from store.observations import Observation, ObservationBatch
from store.removals import (  # noqa: F401  (their home is store.removals; still read from here)
    DEFAULT_REMOVAL_CONFIRMATIONS,
    REMOVAL_CONFIRMATIONS_ENV,
    removal_confirmations,
)


@dataclass
class ApplyResult:
    new_versions: int = 0
    unchanged: int = 0
    changes: int = 0
    added: int = 0
    removed: int = 0
    stale: int = 0
    missing: int = 0  # lacked by this complete observation, removal not yet confirmed
    returned: int = 0  # missing before, seen again: present, no change recorded
    # removals this batch confirmed that belong to an earlier crawl: [crawl id, entity key]
    confirmed_removals: list[list] = field(default_factory=list)


@dataclass(frozen=True)
class Missing:
    """A present entity that complete observations of its set lacked, not yet removed."""

    key: str
    type: str
    site: str
    language: str | None
    country: str | None
    last_seen: datetime
    since: datetime  # the first complete observation that lacked it
    crawl_id: int | None  # that observation's crawl (the removal's, once confirmed)
    count: int  # complete observations that lacked it so far


def missing_entities(session: Session) -> list[Missing]:
    """Every entity missing, unconfirmed, oldest first."""
    query = (
        select(Entity)
        .where(Entity.state == "present", Entity.missing_since.is_not(None))
        .order_by(Entity.missing_since, Entity.key)
    )
    return [
        Missing(
            e.key, e.type, e.site, e.language, e.country, e.last_seen,
            e.missing_since, e.missing_crawl_id, e.missing_count,
        )
        for e in session.scalars(query)
    ]  # fmt: skip


def current_version(session: Session, entity: Entity) -> Version | None:
    return session.scalars(
        select(Version)
        .where(Version.entity_id == entity.id, Version.superseded_at.is_(None))
        .order_by(Version.id.desc())
        .limit(1)
    ).first()


def apply_batch(
    session: Session,
    crawl: Crawl,
    batch: ObservationBatch,
    parser_version: str | None = None,
    confirmations: int = DEFAULT_REMOVAL_CONFIRMATIONS,
) -> ApplyResult:
    """Write the versions and changes of ``batch``; the caller commits (all or nothing)."""
    result = ApplyResult()
    known_scopes = _known_scopes(session, {o.scope for o in batch.observations.values()})
    observations = sorted(batch.observations.values(), key=lambda o: o.key)
    entities = _entities(session, [obs.key for obs in observations])
    for obs in observations:
        scope_known = obs.scope in known_scopes
        entity = entities.get(obs.key)
        _apply_observation(session, crawl, obs, entity, scope_known, parser_version, result)
    _confirm_all(
        session,
        [
            (key, when, capture_id)
            for key, (when, capture_id) in sorted(batch.confirmed.items())
            if key not in batch.observations
        ],
        result,
    )
    seen = set(batch.observations) | set(batch.confirmed)
    for scope, when in sorted(batch.complete_scopes.items()):
        unjudged = batch.except_countries.get(scope, set())
        for entity in session.scalars(
            select(Entity).where(Entity.scope == scope, Entity.state == "present")
        ):
            if entity.country in unjudged:  # its own page failed in this run
                continue
            if entity.key not in seen and entity.last_seen <= when:  # an older page cannot
                _missing(session, crawl, entity, when, confirmations, result)  # show it gone
    for key, (when, _capture_id) in sorted(batch.gone.items()):
        entity = session.scalars(select(Entity).where(Entity.key == key)).first()
        if (
            entity is not None
            and entity.state == "present"
            and key not in seen
            and entity.last_seen <= when
        ):
            _remove(session, crawl, entity, when, result)
    return result


def _missing(
    session: Session,
    crawl: Crawl,
    entity: Entity,
    when: datetime,
    confirmations: int,
    result: ApplyResult,
) -> None:
    """A complete observation at ``when`` lacked ``entity``: one more towards its removal."""
    first, last = entity.missing_since, entity.missing_last
    if first is not None and last is not None and first <= when <= last:
        return  # an observation already counted (a re-read of the same captures)
    if first is None or when < first:
        entity.missing_since, entity.missing_crawl_id = when, crawl.id
    entity.missing_last = max(last or when, when)
    entity.missing_count = (entity.missing_count or 0) + 1
    if entity.missing_count < confirmations:
        result.missing += 1
        return
    since = entity.missing_since
    first_crawl = session.get(Crawl, entity.missing_crawl_id) or crawl
    _remove(session, first_crawl, entity, since, result)
    if first_crawl.id != crawl.id:
        result.confirmed_removals.append([first_crawl.id, entity.key])


def _clear_missing(entity: Entity, when: datetime, result: ApplyResult) -> None:
    """``entity`` was seen at ``when``: missing since before then, it never went."""
    if entity.missing_since is not None and when >= entity.missing_since:
        entity.missing_since = entity.missing_last = entity.missing_crawl_id = None
        entity.missing_count = 0
        result.returned += 1


# entities per look-up (well under SQLite's 999 bound parameters)
_CHUNK = 500


def _entities(session: Session, keys: list[str]) -> dict[str, Entity]:
    """The entities of ``keys`` that exist, by key, read ``_CHUNK`` at a time."""
    found: dict[str, Entity] = {}
    for start in range(0, len(keys), _CHUNK):
        query = select(Entity).where(Entity.key.in_(keys[start : start + _CHUNK]))
        found.update((entity.key, entity) for entity in session.scalars(query))
    return found


def _confirm_all(
    session: Session, confirms: list[tuple[str, datetime, int | None]], result: ApplyResult
) -> None:
    """Entities seen unchanged (``(key, when, capture id)``, a 304 or the same body): their
    current versions were last seen then. Read a few hundred at a time, and the versions
    without their contents, which a confirmation leaves alone: a recrawl confirms nearly every
    entity of the site, and two queries for each (and an article's content decompressed) were
    most of its closing."""
    for start in range(0, len(confirms), _CHUNK):
        chunk = confirms[start : start + _CHUNK]
        entities = _entities(session, [key for key, _, _ in chunk])
        present = [entity.id for entity in entities.values() if entity.state == "present"]
        currents = _current_versions(session, present)
        for key, when, capture_id in chunk:
            entity = entities.get(key)
            if entity is None or entity.state != "present":
                continue
            current = currents.get(entity.id)
            if current is None or when < current.last_seen:
                continue
            _clear_missing(entity, when, result)
            current.last_seen = when
            current.last_capture_id = capture_id
            entity.last_seen = max(entity.last_seen, when)
            result.unchanged += 1


def _current_versions(session: Session, entity_ids: list[int]) -> dict[int, Version]:
    """``current_version`` of each entity (the newest not superseded), contents deferred."""
    if not entity_ids:
        return {}
    query = (
        select(Version)
        .options(defer(Version.content))
        .where(Version.entity_id.in_(entity_ids), Version.superseded_at.is_(None))
        .order_by(Version.id)
    )
    return {version.entity_id: version for version in session.scalars(query)}


def _known_scopes(session: Session, scopes: set[str]) -> set[str]:
    if not scopes:
        return set()
    rows = session.scalars(select(Entity.scope).where(Entity.scope.in_(scopes)).distinct())
    return set(rows)


def _apply_observation(
    session: Session,
    crawl: Crawl,
    obs: Observation,
    entity: Entity | None,
    scope_known: bool,
    parser_version: str | None,
    result: ApplyResult,
) -> None:
    """``obs`` applied to its ``entity`` (None: it has none yet)."""
    home = home_of(obs.type)
    digest = home.content_hash(obs.content)
    if entity is None:
        entity = Entity(
            key=obs.key,
            type=obs.type,
            scope=obs.scope,
            site=obs.site,
            language=obs.language,
            country=obs.country,
            first_seen=obs.observed_at,
            last_seen=obs.observed_at,
        )
        session.add(entity)
        session.flush()
        version = _new_version(session, entity, crawl, obs, digest, parser_version)
        if scope_known:
            _add_transition(session, crawl, entity, None, version, "added", [])
            result.added += 1
            result.changes += 1
        result.new_versions += 1
        return

    if _is_stale(session, entity, obs.observed_at):
        result.stale += 1
        return
    current = current_version(session, entity)
    entity.last_seen = max(entity.last_seen, obs.observed_at)
    _clear_missing(entity, obs.observed_at, result)
    reappeared = entity.state == "removed"
    entity.state = "present"
    if entity.country is None:
        entity.country = obs.country
    if current is not None and current.content_hash == digest and not reappeared:
        current.last_seen = max(current.last_seen, obs.observed_at)
        current.last_capture_id = obs.capture_id
        result.unchanged += 1
        return
    if current is not None:
        current.superseded_at = obs.observed_at
    version = _new_version(session, entity, crawl, obs, digest, parser_version)
    result.new_versions += 1
    if reappeared or current is None:
        _add_transition(session, crawl, entity, current, version, "added", [])
        result.added += 1
        result.changes += 1
        return
    fields = home.compare(current.content, obs.content)
    _add_transition(session, crawl, entity, current, version, "modified", fields)
    result.changes += len(fields)


def _is_stale(session: Session, entity: Entity, observed_at: datetime) -> bool:
    """An observation older than what the history already holds must not move it backwards."""
    latest = session.scalars(
        select(Version).where(Version.entity_id == entity.id).order_by(Version.id.desc()).limit(1)
    ).first()
    if latest is None:
        return False
    return observed_at < max(latest.first_seen, latest.superseded_at or latest.first_seen)


def _new_version(
    session: Session,
    entity: Entity,
    crawl: Crawl,
    obs: Observation,
    digest: str,
    parser_version: str | None,
) -> Version:
    version = Version(
        entity_id=entity.id,
        crawl_id=crawl.id,
        capture_id=obs.capture_id,
        last_capture_id=obs.capture_id,
        content_hash=digest,
        content=obs.content,
        first_seen=obs.observed_at,
        last_seen=obs.observed_at,
        parser_version=parser_version,
    )
    session.add(version)
    session.flush()
    return version


def _remove(
    session: Session, crawl: Crawl, entity: Entity, when: datetime, result: ApplyResult
) -> None:
    current = current_version(session, entity)
    entity.state = "removed"
    entity.missing_since = entity.missing_last = entity.missing_crawl_id = None
    entity.missing_count = 0
    if current is not None:
        current.superseded_at = when
    _add_transition(session, crawl, entity, current, None, "removed", [])
    result.removed += 1
    result.changes += 1


def _add_transition(
    session: Session,
    crawl: Crawl,
    entity: Entity,
    previous: Version | None,
    version: Version | None,
    change: str,
    fields: list[FieldChange],
) -> None:
    """One change of ``entity``: a transition and its field changes. An entity that appears or
    goes is one field change of the whole entity (field ``""``), with its content as the value.
    A new version whose fields compare equal records no change, as before transitions."""
    if change == "modified" and not fields:
        return
    if change != "modified":
        old = previous.content if previous is not None and change == "removed" else None
        new = version.content if version is not None else None
        category = home_of(entity.type).category
        fields = [FieldChange(change, "", old, new, category)]
    transition = Transition(
        entity_id=entity.id,
        crawl_id=crawl.id,
        previous_version_id=previous.id if previous is not None else None,
        version_id=version.id if version is not None else None,
        detected_at=crawl.finished or crawl.started,
        change=change,
    )
    session.add(transition)
    session.flush()
    for fc in fields:
        session.add(
            Change(
                transition_id=transition.id,
                entity_id=entity.id,
                crawl_id=crawl.id,
                version_id=transition.version_id,
                previous_version_id=transition.previous_version_id,
                detected_at=transition.detected_at,
                change=fc.change,
                field=fc.field,
                old=fc.old,
                new=fc.new,
                category=fc.category,
            )
        )
