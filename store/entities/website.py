"""The home of a website line: "Official website of the Kyrgyz Republic: http://kenesh.kg".

A country may list several, so a line is keyed by its country and label, without the words
every label starts with: ``pacsto/en/website/KG/kyrgyz-republic``. An address is a link: its
changes are minor.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from store.entities.base import EntityType, Identifiers, language_note
from store.entities.record import ADDRESS, DIFF, LINK, QUOTE, Field, Record
from store.entities.significance import MINOR
from store.entities.words import Part, flat, quote

if TYPE_CHECKING:
    from store.transitions import Transition

_LABEL_PREFIX = re.compile(
    r"^\s*(?:official\s+)?(?:web\s*site|site)\s+(?:of\s+)?(?:the\s+)?|^\s*(?:официальный\s+)?сайт\s+",
    re.IGNORECASE,
)


def slug(text: str) -> str:
    """A readable key part: lower case, words joined by hyphens (Cyrillic kept)."""
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-_")


class Website(Record):
    TYPE = "website"

    label = Field[str | None]("wording", says=QUOTE, shows=DIFF)
    url = Field[str | None]("link", label="address", says=ADDRESS, shows=LINK)


class WebsiteType(EntityType):
    record = Website
    category = "link"
    in_block = True
    whole = (MINOR, "a website line was {done}: links are minor")

    def key(self, site: str, record: Record, ids: Identifiers) -> str:
        assert isinstance(record, Website)
        label = _LABEL_PREFIX.sub("", record.label or "")
        return f"{site}/{record.language or 'xx'}/website/{record.country}/{slug(label)}"

    def title(self, t: Transition, country: str) -> str:
        record = t.new_record or t.old_record
        label = record.label if isinstance(record, Website) else None
        return f"{country} website line{language_note(t)}: {quote(label)}"

    def who(self, record: Record) -> str | None:
        return record.label or record.url if isinstance(record, Website) else None

    def appeared(self, t: Transition) -> list[Part]:
        again = " again" if t.old is not None else ""
        new = t.new_record
        url = new.url if isinstance(new, Website) else None
        return [("t", f"website line listed{again}: "), ("s", flat(url))]


HOME = WebsiteType()
