"""Store helpers for histories built from imported captures (``parlwatch import warc``).

Imported captures may be older than what the archive already knows. The store already ignores
an observation older than an entity's latest version; ``guard_older_batch`` extends that rule to
what it cannot see per entity, so that old captures never move the history backwards:

- a scope marked complete by an old page does not remove entities seen after that page;
- a "gone" (404/410) older than the entity's last sighting removes nothing;
- an entity unknown to the archive, observed in a scope the archive has newer knowledge of, is
  not created as present now (it may well have left since): the capture is kept, the
  observation is counted as stale.

``backdate_crawl`` gives a synthetic crawl the times of the captures it stands for, so its
changes are dated when the web archive saw them, not when they were imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from store.archive import Archive
from store.models import Change, Crawl, Entity, Transition
from store.observations import ObservationBatch


@dataclass
class GuardResult:
    stale_new: int = 0
    scopes_kept_open: int = 0
    gone_ignored: int = 0


def guard_older_batch(archive: Archive, batch: ObservationBatch) -> GuardResult:
    """Drop from ``batch`` what is older than the archive's newest knowledge (see above)."""
    result = GuardResult()
    scopes = {o.scope for o in batch.observations.values()} | set(batch.complete_scopes)
    with archive.session() as session:
        newest = dict(
            session.execute(
                select(Entity.scope, func.max(Entity.last_seen))
                .where(Entity.scope.in_(scopes), Entity.state == "present")
                .group_by(Entity.scope)
            ).all()
        )
        known = set(
            session.scalars(select(Entity.key).where(Entity.key.in_(list(batch.observations))))
        )
        last_seen = dict(
            session.execute(
                select(Entity.key, Entity.last_seen).where(Entity.key.in_(list(batch.gone)))
            ).all()
        )
    for key, obs in list(batch.observations.items()):
        if key not in known and obs.scope in newest and obs.observed_at < newest[obs.scope]:
            del batch.observations[key]
            result.stale_new += 1
    for scope, when in list(batch.complete_scopes.items()):
        if scope in newest and when < newest[scope]:
            del batch.complete_scopes[scope]
            result.scopes_kept_open += 1
    for key, (when, _capture) in list(batch.gone.items()):
        if key in last_seen and when < last_seen[key]:
            del batch.gone[key]
            result.gone_ignored += 1
    return result


def backdate_crawl(archive: Archive, crawl_id: int, started: datetime, finished: datetime) -> None:
    """Set a synthetic crawl's times, and its changes' detection time, to its captures' times."""
    with archive.sessions.begin() as session:
        crawl = session.get(Crawl, crawl_id)
        if crawl is None:
            raise LookupError(f"no crawl {crawl_id}")
        crawl.started, crawl.finished = started, finished
        for table in (Transition, Change):
            session.execute(
                update(table).where(table.crawl_id == crawl_id).values(detected_at=finished)
            )
