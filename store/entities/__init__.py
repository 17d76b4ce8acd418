"""One home per entity type, and the registry that finds them.

``delegation``, ``representative``, ``website``, ``member`` and ``news`` each live in a module
of this package (see ``base.EntityType`` for what a home holds). Everything that needs to know
about a type — the crawl's observations, the diff stage, the reports, the CLI's choices — asks
the registry, so the list of types and their knowledge are written once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from store.entities import delegation, member, news, representative, website
from store.entities.base import EntityType, Identifiers
from store.entities.record import Record

# In report order: the assembly's delegation facts first, then people, then news.
HOMES: dict[str, EntityType] = {
    home.name: home
    for home in (
        delegation.HOME,
        representative.HOME,
        website.HOME,
        member.HOME,
        news.HOME,
    )
}
TYPES: list[str] = list(HOMES)


def home(entity_type: str) -> EntityType:
    """The home of ``entity_type``; ``KeyError`` for a type nobody declared."""
    return HOMES[entity_type]


def block_types() -> list[str]:
    """The types the assembly's site-wide delegations block shows: all seen when it parses."""
    return [name for name, h in HOMES.items() if h.in_block]


def record_of(data: Mapping[str, Any]) -> Record:
    """A parsed record (a dict with ``type``) as its type's typed record."""
    if isinstance(data, Record):
        return data
    return home(data["type"]).record(data)


__all__ = ["HOMES", "TYPES", "EntityType", "Identifiers", "Record", "block_types", "home"]
