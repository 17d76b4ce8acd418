"""A change as the reports read it: one entity going from one version to the next.

web-monitoring-db models a change as the pair of versions it lies between, with its diff and
its significance inside; so does this. A ``Transition`` holds both versions' content (and their
typed records), the field changes the diff stage recorded, the captures it came from, and, once
asked, how much it matters. A delegation's chambers are paired once here, for both the
significance rules and the words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from store.compare import FieldChange
from store.diff import home_of
from store.entities import EntityType, Record
from store.entities.significance import Verdict
from store.entities.synonyms import Synonyms

V = TypeVar("V")


class _once(Generic[V]):  # a decorator, lower case like cached_property
    """``functools.cached_property`` without its lock (Python 3.11 takes one on every first
    read): a report reads the typed records of 100k changes, once each, in one thread."""

    def __init__(self, compute: Callable[[Any], V]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __get__(self, obj: Any, owner: type | None = None) -> V:
        if obj is None:
            return self  # type: ignore[return-value]
        value = obj.__dict__[self.name] = self.compute(obj)
        return value


@dataclass(frozen=True)
class CaptureRef:
    """Where and when a version was seen: the fetch a report links to."""

    id: int
    url: str
    fetched_at: datetime
    status: int | None


@dataclass
class Transition:
    """All field changes of one entity detected by one crawl, with both versions' content.

    ``old`` is None for an entity that appeared, ``new`` None for one that was removed; read
    from the archive (``store.report_queries``), each is its type's record already, and is
    its ``old_record`` / ``new_record``.
    ``before`` is the last capture that showed the old version; ``after`` the capture the new
    version came from (for a removal: the fetch that answered "gone", when there was one).
    ``id`` is the stored transition's (None for a net change made of several).
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
    id: int | None = None

    def with_records(self, old: Record | None, new: Record | None) -> None:
        """Both versions, already their type's records (a report reads them so): they are
        ``old_record`` and ``new_record`` at once, not loaded again on first read."""
        self.old, self.new = old, new
        self.old_record = old  # what ``_once`` would store on first read
        self.new_record = new

    @_once
    def home(self) -> EntityType:
        return home_of(self.type)

    @_once
    def old_record(self) -> Record | None:
        return self.home.load(self.old)

    @_once
    def new_record(self) -> Record | None:
        return self.home.load(self.new)

    @_once
    def pairs(self) -> list[Any]:
        """The items of both versions paired (a delegation's chambers), once per change."""
        return self.home.pairs(self.old_record, self.new_record)

    def significance(self, synonyms: Synonyms) -> Verdict:
        """How much this change matters, and why, by its type's rules."""
        return self.home.judge(self, synonyms)
