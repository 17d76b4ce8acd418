"""The home of a member of a delegation, as a chamber or the assembly lists them.

Keyed by the person (``duma_ru/ru/member/<name words>``: transliterated, without patronymic), so
a new role is a change of ``role``, not a new person, and one person has one key suffix in every
language and on every site. A place in the list is not versioned: it shifts whenever someone
above joins or leaves. Each country's list is a set of its own, complete or not on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from store.entities.base import EntityType, Identifiers, language_note
from store.entities.record import DIFF, EDIT, LINK_ONLY, QUOTE, Field, Record
from store.entities.significance import SUBSTANTIVE, Verdict, leaf_of
from store.entities.words import Part, flat

if TYPE_CHECKING:
    from store.compare import FieldChange
    from store.transitions import Transition


class Member(Record):
    """A national chamber's list gives ``role``, ``role_text`` and ``profile_url``; the
    assembly's country pages give ``post`` and ``biography``."""

    TYPE = "member"

    name = Field[str | None]("person", says=QUOTE, shows=DIFF)
    role = Field[str | None]("wording", says=QUOTE, shows=DIFF)  # head / deputy-head / member
    post = Field[str | None]("person", says=QUOTE)
    biography = Field[str | None]("text", says=EDIT)
    chamber = Field[str | None]("wording", says=QUOTE)
    role_text = Field[str | None]("text", label="role as written", says=QUOTE)
    profile_url = Field[str | None]("link", label="profile link", says=QUOTE, shows=LINK_ONLY)
    position = Field[int | None]("text", versioned=False)
    source = Field[str | None]("text", versioned=False)  # the site that lists them


class MemberType(EntityType):
    record = Member
    category = "person"
    scoped_by_country = True
    whole = (SUBSTANTIVE, "a person was {done} on the chamber's list")

    def key(self, site: str, record: Record, ids: Identifiers) -> str:
        assert isinstance(record, Member)
        return f"{site}/{record.language or 'xx'}/member/{ids.person(record.name or '')}"

    def field_verdict(self, change: FieldChange) -> Verdict:
        if leaf_of(change.field) == "role":
            return Verdict(SUBSTANTIVE, f"a different role ({change.old!r} -> {change.new!r})")
        return super().field_verdict(change)

    def title(self, t: Transition, country: str) -> str:
        record = t.new_record or t.old_record
        name = record.name if isinstance(record, Member) else None
        return f"{name or t.entity}{language_note(t)}"

    def group(self, t: Transition, country: str, site_name: str | None) -> tuple[str, str]:
        """A national chamber's members go together, under their list."""
        where = ", ".join(x for x in (t.site, t.language) if x)
        return f"{t.site}/{t.language}/members", f"{site_name or t.site} member list ({where})"

    def who(self, record: Record) -> str | None:
        return record.name if isinstance(record, Member) else None

    def role(self, record: Record) -> str | None:
        return record.role if isinstance(record, Member) else None

    def field_by_field(self, t: Transition, parts: list[Part]) -> list[Part]:
        """ "NAME: post changed — ...": the member is named first."""
        new = t.new_record
        if not isinstance(new, Member) or not new.name:
            return parts
        return [("s", flat(new.name)), ("t", ": ")] + [p for p in parts if p != ("t", "")]


HOME = MemberType()
