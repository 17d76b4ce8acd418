"""The difference between two versions of an entity, one row per changed field.

The comparison itself is generic (``store.compare``: canonical form, list alignment, deepdiff);
what a field's category is and what is not versioned is its type's home's (``store.entities``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from store.compare import FieldChange
from store.entities import HOMES, EntityType, Record


class _AnyType(EntityType):
    """Content of no declared type: every field is text, and what any type keeps as evidence
    only is not compared (so a content hash is the same whether its type is given or not)."""

    record = Record

    def comparable(self, content: Mapping[str, Any]) -> dict[str, Any]:
        out = super().comparable(content)
        for home in HOMES.values():
            out = home.comparable(out)
        return out


_ANY = _AnyType()


def home_of(entity_type: str | None) -> EntityType:
    return HOMES.get(entity_type or "", _ANY)


def diff_versions(
    old: Mapping[str, Any], new: Mapping[str, Any], entity_type: str | None = None
) -> list[FieldChange]:
    """Field-level changes from ``old`` to ``new``, in a stable order."""
    return home_of(entity_type).compare(old, new)


def content_hash(content: Mapping[str, Any], entity_type: str | None = None) -> str:
    """SHA-256 of the canonical JSON form of ``content`` (what makes two versions the same)."""
    return home_of(entity_type).content_hash(content)


__all__ = ["FieldChange", "content_hash", "diff_versions", "home_of"]
