"""Parsed records -> observations of entities with stable keys (pure, no I/O).

Each record is read as its type's typed record, and its type's home (``store.entities``) says
what its key is, what of it is versioned and which set it belongs to. Keys are independent of
the host and port a site was crawled from (a replica on a random port, a mirror, the live
host), so that one thing keeps one history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from crawler.names import person_key
from crawler.urls import page_path
from store import entities
from store.observations import Observation

# The crawler's rules for the words keys are made of: a person's name words, a page's path.
IDENTIFIERS = entities.Identifiers(person=person_key, path=page_path)


def news_key(site: str, language: str | None, url: str) -> str:
    """A news item is keyed by its path: the same item on any host or port is one entity."""
    return entities.news.HOME.key_of_url(site, language, url, IDENTIFIERS)


def entity_key(site: str, record: Mapping[str, Any]) -> str:
    typed = entities.record_of(record)
    return entities.home(typed.type).key(site, typed, IDENTIFIERS)


def record_content(record: Mapping[str, Any]) -> dict[str, Any]:
    """What is versioned: the record without its identity fields."""
    typed = entities.record_of(record)
    return entities.home(typed.type).content(typed)


def observations_from_records(
    site: str,
    records: Iterable[Mapping[str, Any]],
    observed_at: datetime,
    capture_id: int | None,
) -> list[Observation]:
    observations = []
    for record in map(entities.record_of, records):
        home = entities.home(record.type)
        observations.append(
            Observation(
                key=home.key(site, record, IDENTIFIERS),
                type=record.type,
                scope=scope_of(site, record.language, record.type, record.country),
                site=site,
                content=home.content(record),
                observed_at=observed_at,
                capture_id=capture_id,
                language=record.language,
                country=record.country,
                part=record.part,
            )
        )
    return observations


def scopes_of_sets(site: str, language: str | None, complete_sets: list[str]) -> list[str]:
    """A page's complete sets ("delegation", "member/RU") as scopes of the archive."""
    scopes = []
    for entry in complete_sets:
        kind, _, country = entry.partition("/")
        scopes.append(scope_of(site, language, kind, country or None))
    return scopes


def scope_of(site: str, language: str | None, kind: str, country: str | None = None) -> str:
    """The set an entity belongs to: ``pacsto/en/delegation``, ``duma_ru/ru/member/RU``."""
    scope = f"{site}/{language or 'xx'}/{kind}"
    scoped = kind in entities.HOMES and entities.home(kind).scoped_by_country
    return f"{scope}/{country}" if scoped and country else scope
