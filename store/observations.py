"""What one crawl observed, staged in memory until the crawl ends.

Nothing here touches the database: a crawl's observations are applied together when it
finishes (``store.versions.apply_batch``), or dropped when it fails, as Browsertrix only joins a
crawl's data to the shared index when the crawl commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Observation:
    """One entity as seen in one capture."""

    key: str  # stable entity key, e.g. "pacsto/en/delegation/RU"
    type: str  # delegation / representative / website / news / member
    scope: str  # the set the entity belongs to, e.g. "pacsto/en/delegation"
    site: str
    content: dict
    observed_at: datetime
    capture_id: int | None = None
    language: str | None = None
    country: str | None = None
    # which part of a page it came from, when one page shows one fact twice (the site-wide
    # block and a country page): two parts that disagree are reported, not silently merged
    part: str | None = None


@dataclass
class ObservationBatch:
    """The observations of one crawl, one per entity key.

    The delegations block is site-wide, so the same entity is seen on every page: the batch keeps
    the most recent observation per key and counts the pages that disagreed with it. A fact shown
    by two parts of the site (the block and a country page) keeps the block's observation as the
    version and records the disagreement between parts, if any.
    """

    observations: dict[str, Observation] = field(default_factory=dict)
    complete_scopes: dict[str, datetime] = field(default_factory=dict)
    # scope -> countries whose entities a complete scope does not judge (their own page failed)
    except_countries: dict[str, set[str]] = field(default_factory=dict)
    gone: dict[str, tuple[datetime, int | None]] = field(default_factory=dict)
    confirmed: dict[str, tuple[datetime, int | None]] = field(default_factory=dict)
    conflicts: int = 0
    # key -> {part: content} for facts whose parts disagreed in this crawl
    disagreements: dict[str, dict[str, dict]] = field(default_factory=dict)
    # key -> {part: its latest observation}, parts in the order first seen; the first of
    # part_order wins the version
    by_part: dict[str, dict[str, Observation]] = field(default_factory=dict)
    part_order: tuple[str, ...] = ("block",)

    def add(self, obs: Observation) -> None:
        if obs.part is not None:
            self._add_part(obs)
        current = self.observations.get(obs.key)
        if current is not None and current.part == obs.part and current.content != obs.content:
            self.conflicts += 1
        if current is None or self._preferred(obs, current):
            self.observations[obs.key] = obs

    def _rank(self, part: str | None) -> int:
        return self.part_order.index(part) if part in self.part_order else len(self.part_order)

    def _preferred(self, obs: Observation, current: Observation) -> bool:
        """The block outranks a country page; within one part, the latest observation wins."""
        mine, theirs = self._rank(obs.part or "block"), self._rank(current.part or "block")
        if mine != theirs:
            return mine < theirs
        return obs.observed_at >= current.observed_at

    def _add_part(self, obs: Observation) -> None:
        """Keep the latest observation per part; parts of one fact that differ disagree."""
        seen = self.by_part.setdefault(obs.key, {})
        previous = seen.get(obs.part)
        if previous is None or obs.observed_at >= previous.observed_at:
            seen[obs.part] = obs
        parts = {part: o.content for part, o in seen.items()}
        if len({repr(sorted(c.items())) for c in parts.values()}) > 1:
            self.disagreements[obs.key] = parts
        else:
            self.disagreements.pop(obs.key, None)

    def mark_complete(
        self, scope: str, observed_at: datetime, except_countries: set[str] | None = None
    ) -> None:
        """``scope`` was parsed whole at ``observed_at`` (but for the entities of
        ``except_countries``): its absent entities count as missing."""
        previous = self.complete_scopes.get(scope)
        self.complete_scopes[scope] = max(previous, observed_at) if previous else observed_at
        if except_countries:
            self.except_countries.setdefault(scope, set()).update(except_countries)

    def mark_gone(self, key: str, observed_at: datetime, capture_id: int | None) -> None:
        """The entity's own page answered a definite 'not found' (e.g. a news item's 404)."""
        self.gone[key] = (observed_at, capture_id)

    def confirm(self, key: str, observed_at: datetime, capture_id: int | None) -> None:
        """The entity's page was fetched again and had not changed (304 or identical body)."""
        previous = self.confirmed.get(key)
        if previous is None or observed_at >= previous[0]:
            self.confirmed[key] = (observed_at, capture_id)

    def __len__(self) -> int:
        return len(self.observations)
