"""Parsed records -> observations of entities with stable keys (pure, no I/O).

Keys are independent of the host and port a site was crawled from (a replica on a random port,
a mirror, the live host), so that one thing keeps one history.
"""

from __future__ import annotations

import re
from datetime import datetime

from crawler.names import person_key
from crawler.urls import page_path
from store.observations import Observation

# Record fields that are not versioned: they identify the entity (type, language, country), or
# say where it was seen. A news item's URL is its key (by path) and its capture's URL; in the
# content it would make every mirror a change. A member's place in the list shifts whenever
# someone above is added or leaves: that is the list's change, not the member's.
_UNVERSIONED_FIELDS = {"type", "language", "country", "part"}
_UNVERSIONED_FIELDS_BY_TYPE = {
    # "Вчера, 16:40" is the same date written differently tomorrow: the resolved date is kept
    "news": {"url", "published_text"},
    "member": {"position", "source"},
}


def slug(text: str) -> str:
    """A readable key part: lower case, words joined by hyphens (Cyrillic kept)."""
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-_")


_WEBSITE_LABEL_PREFIX = re.compile(
    r"^\s*(?:official\s+)?(?:web\s*site|site)\s+(?:of\s+)?(?:the\s+)?|^\s*(?:официальный\s+)?сайт\s+",
    re.IGNORECASE,
)


def news_key(site: str, language: str | None, url: str) -> str:
    """A news item is keyed by its path: the same item on any host or port is one entity."""
    return f"{site}/{language or 'xx'}/news{page_path(url)}"


def entity_key(site: str, record: dict) -> str:
    kind = record["type"]
    lang = record.get("language") or "xx"
    if kind == "news":
        return news_key(site, lang, record["url"])
    if kind == "member":
        return f"{site}/{lang}/member/{person_key(record['name'])}"
    if kind == "website":
        label = _WEBSITE_LABEL_PREFIX.sub("", record["label"])
        return f"{site}/{lang}/website/{record['country']}/{slug(label)}"
    return f"{site}/{lang}/{kind}/{record['country']}"


def record_content(record: dict) -> dict:
    """What is versioned: the record without its identity fields."""
    skip = _UNVERSIONED_FIELDS | _UNVERSIONED_FIELDS_BY_TYPE.get(record["type"], set())
    return {k: v for k, v in record.items() if k not in skip}


def observations_from_records(
    site: str, records: list[dict], observed_at: datetime, capture_id: int | None
) -> list[Observation]:
    return [
        Observation(
            key=entity_key(site, record),
            type=record["type"],
            scope=scope_of(site, record.get("language"), record["type"], record.get("country")),
            site=site,
            content=record_content(record),
            observed_at=observed_at,
            capture_id=capture_id,
            language=record.get("language"),
            country=record.get("country"),
            part=record.get("part"),
        )
        for record in records
    ]


# Entity types whose sets are published per country (a country page lists one delegation's
# members): each country's list is a scope of its own, complete or not on its own.
SCOPED_BY_COUNTRY = {"member"}


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
    return f"{scope}/{country}" if kind in SCOPED_BY_COUNTRY and country else scope
