"""The home of a delegation's plenipotentiary representative, one per country and language.

"Plenipotentiary representative of the Republic of Belarus: NAME", a line of the assembly's
site-wide delegations block, keyed ``pacsto/en/representative/BY``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from store.entities.base import EntityType, language_note
from store.entities.record import DIFF, QUOTE, Field, Record
from store.entities.significance import SUBSTANTIVE

if TYPE_CHECKING:
    from store.transitions import Transition


class Representative(Record):
    TYPE = "representative"

    name = Field[str | None]("person", says=QUOTE, shows=DIFF)
    role = Field[str | None]("wording", says=QUOTE, shows=DIFF)  # the line's label, as written


class RepresentativeType(EntityType):
    record = Representative
    category = "person"
    in_block = True
    whole = (SUBSTANTIVE, "a plenipotentiary representative was {done}")

    def title(self, t: Transition, country: str) -> str:
        return f"{country} plenipotentiary representative{language_note(t)}"

    def who(self, record: Record) -> str | None:
        return record.name if isinstance(record, Representative) else None

    def role(self, record: Record) -> str | None:
        return record.role if isinstance(record, Representative) else None


HOME = RepresentativeType()
