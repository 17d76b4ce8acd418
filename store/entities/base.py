"""What an entity type's home declares, and what every type does alike unless its home says more.

A home (``store/entities/<type>.py``) is the one place that knows one type of entity: its record
and fields (with their categories and report words), its key, what is not versioned, how much a
change matters and how a change is said. The diff stage, the crawl's observations and the
reports ask the home (through the registry in ``store.entities``) instead of keeping tables of
their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

from store.compare import FieldChange, as_json, canonical, field_changes
from store.compare import content_hash as hash_of
from store.entities.record import Field, Record, Struct
from store.entities.significance import (
    SUBSTANTIVE,
    Verdict,
    field_verdict,
    highest,
    leaf_of,
)
from store.entities.synonyms import Synonyms
from store.entities.words import Part, flat

if TYPE_CHECKING:
    from store.transitions import Transition


@dataclass(frozen=True)
class Identifiers:
    """How the words of a record become parts of a key: the crawler's rules for people and URLs
    (a person's key words, a page's path), handed to the homes, which say what they apply to."""

    person: Callable[[str], str]
    path: Callable[[str], str]


class EntityType:
    """The home of one entity type. Subclasses set ``record`` and ``category`` at least."""

    record: ClassVar[type[Record]]
    category: ClassVar[str] = "text"  # of the entity as a whole appearing or going
    # each country's set is a scope of its own (a country page lists one delegation's members)
    scoped_by_country: ClassVar[bool] = False
    in_block: ClassVar[bool] = False  # shown by the assembly's site-wide delegations block
    # significance of the entity appearing or going, and its reason (see ``whole_verdict``)
    whole: ClassVar[tuple[str, str]] = (SUBSTANTIVE, "an item was {done}")

    @property
    def name(self) -> str:
        return self.record.TYPE

    # -- identity and versions ----------------------------------------------------------------

    def key(self, site: str, record: Record, ids: Identifiers) -> str:
        """The stable key: ``{site}/{language}/{type}/{id}``, never the host or port."""
        return f"{site}/{record.language or 'xx'}/{self.name}/{record.country}"

    @property
    def unversioned(self) -> frozenset[str]:
        """Keys that identify the entity or say where it was seen, not what it says."""
        return frozenset(n for n, f in self.record.FIELDS.items() if not f.versioned)

    def content(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """What is versioned: the record without its unversioned keys, as plain JSON."""
        skip = self.unversioned
        return as_json({k: v for k, v in record.items() if k not in skip})

    def load(self, content: Mapping[str, Any] | None) -> Record | None:
        """Stored content (or a parsed record) as this type's typed record."""
        return self.record.view(content)

    def comparable(self, content: Mapping[str, Any]) -> dict[str, Any]:
        """``content`` without what is kept as evidence only (``Field(compared=False)``)."""
        out = as_json(content)
        for name, declared in self.record.FIELDS.items():
            if declared.evidence_only:
                out.pop(name, None)
            elif declared.items is not None and isinstance(out.get(name), list):
                skip = {n for n, f in declared.items.FIELDS.items() if f.evidence_only}
                out[name] = [
                    {k: v for k, v in item.items() if k not in skip}
                    if isinstance(item, dict)
                    else item
                    for item in out[name]
                ]
        return out

    def canonical(self, content: Mapping[str, Any]) -> Any:
        """What makes two versions the same: the compared fields, lists without their order."""
        return canonical(self.comparable(content))

    def content_hash(self, content: Mapping[str, Any]) -> str:
        return hash_of(self.canonical(content))

    def field(self, name: str) -> Field[Any] | None:
        """A field of the record or of the structs it lists (a chamber's ``count``)."""
        found = self.record.FIELDS.get(name)
        if found is not None:
            return found
        for declared in self.record.FIELDS.values():
            if declared.items is not None and name in declared.items.FIELDS:
                return declared.items.FIELDS[name]
        return None

    def category_of(self, parts: list[Any]) -> str:
        """The category of a field path; the entity as a whole takes the type's category."""
        for part in reversed(parts):
            if isinstance(part, str):
                declared = self.field(part)
                return declared.category if declared is not None else "text"
        return self.category

    def compare(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FieldChange]:
        """The field changes from ``old`` to ``new``, as the diff stage records them."""
        return field_changes(self.comparable(old), self.comparable(new), self.category_of)

    def pairs(self, old: Record | None, new: Record | None) -> list[Any]:
        """Items of the two versions paired for a report (a delegation's chambers)."""
        return []

    # -- significance -------------------------------------------------------------------------

    def judge(self, t: Transition, synonyms: Synonyms) -> Verdict:
        if t.change in ("added", "removed") or t.old is None or t.new is None:
            return self.whole_verdict(t.change == "added")
        return highest(self.verdicts(t, synonyms))

    def verdicts(self, t: Transition, synonyms: Synonyms) -> list[Verdict]:
        return [self.field_verdict(f) for f in t.fields]

    def field_verdict(self, change: FieldChange) -> Verdict:
        return field_verdict(leaf_of(change.field), change.category, change.old, change.new)

    def whole_verdict(self, added: bool) -> Verdict:
        level, template = self.whole
        words = {
            "verb": "joined" if added else "left",
            "verb2": "count from now on" if added else "no longer count",
            "done": "listed" if added else "no longer listed",
            "news": "published" if added else "withdrawn (its page answered 'gone')",
        }
        return Verdict(level, template.format(**words))

    # -- words --------------------------------------------------------------------------------

    def title(self, t: Transition, country: str) -> str:
        """The entity in words ("Russian Federation delegation (en)"); ``country`` is its
        country's name."""
        return f"{t.type} {t.entity}"

    def group(self, t: Transition, country: str, site_name: str | None) -> tuple[str, str]:
        """(key, heading) of what a change is listed under in a report: the entity itself."""
        return t.entity, self.title(t, country)

    def modified(self, t: Transition) -> list[Part] | None:
        """A statement of its own for a modified entity; ``None``: say it field by field."""
        return None

    def field_by_field(self, t: Transition, parts: list[Part]) -> list[Part]:
        """The field-by-field statement, as the type wants it framed."""
        return parts

    def who(self, record: Record) -> str | None:
        """Who or what the entity is, in a few words, when it is listed or no longer is."""
        return None

    def role(self, record: Record) -> str | None:
        return None

    def appeared(self, t: Transition) -> list[Part]:
        record = t.new_record or self.record()
        again = " again" if t.old is not None else ""
        role = self.role(record)
        parts: list[Part] = [("t", f"now listed{again}: "), ("s", flat(self.who(record) or ""))]
        return parts + ([("t", " ("), ("s", flat(role)), ("t", ")")] if role else [])

    def disappeared(self, t: Transition) -> list[Part]:
        record = t.old_record or self.record()
        return [("t", "no longer listed: "), ("s", flat(self.who(record) or ""))]

    def said_fields(self) -> tuple[Field[Any], ...]:
        """The fields a field-by-field statement names, in the order it names them."""
        return _declared(self.record, "says")

    def shown_fields(self) -> tuple[Field[Any], ...]:
        """The fields whose evidence a report shows, in order."""
        return _declared(self.record, "shows")


@cache  # a report asks for each change; the declarations never change
def _declared(record: type[Record], words: str) -> tuple[Field[Any], ...]:
    """The fields of ``record`` that have ``words`` (``says`` or ``shows``), in order."""
    return tuple(f for f in record.FIELDS.values() if getattr(f, words))


def language_note(t: Transition) -> str:
    """ " (en)" for the assembly's pages; " (duma_ru, ru)" for a national site's."""
    if t.site != "pacsto":
        return f" ({t.site}, {t.language})" if t.language else f" ({t.site})"
    return f" ({t.language})" if t.language else ""


__all__ = ["EntityType", "Field", "Identifiers", "Record", "Struct", "language_note"]
