"""The home of a news item: the assembly's own, or a national parliament's.

Keyed by its page's path (``pacsto/ru/news/events/<slug>``), so the same item on any host or
port is one entity; the URL itself is not versioned (every mirror would be a change). An item
is withdrawn only when its own page answers 404 or 410.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from store.entities.base import EntityType, Identifiers, language_note
from store.entities.record import DIFF, EDIT, EXCERPT, QUOTE, VALUE, Field, Record
from store.entities.significance import ROUTINE
from store.entities.words import Part, flat, quote

if TYPE_CHECKING:
    from store.transitions import Transition


class News(Record):
    TYPE = "news"

    url = Field[str | None]("link", versioned=False)
    title = Field[str | None]("text", says=QUOTE, shows=DIFF)
    published = Field[str | None]("date", label="date", says=QUOTE, shows=VALUE)  # ISO date
    # "Вчера, 16:40" is the same date written differently tomorrow: the resolved date is kept
    published_text = Field[str | None]("text", versioned=False)
    body = Field[str | None]("text", label="text", says=EDIT, shows=EXCERPT)
    about_assembly = Field[bool | None]("text")  # the item concerns the CSTO PA


class NewsType(EntityType):
    record = News
    category = "text"
    whole = (ROUTINE, "a news item was {news}: the ordinary flow of the site")

    def key(self, site: str, record: Record, ids: Identifiers) -> str:
        assert isinstance(record, News)
        return self.key_of_url(site, record.language, record.url or "", ids)

    def key_of_url(self, site: str, language: str | None, url: str, ids: Identifiers) -> str:
        """A news item is keyed by its path: the same item on any host or port is one entity."""
        return f"{site}/{language or 'xx'}/news{ids.path(url)}"

    def title(self, t: Transition, country: str) -> str:
        record = t.new_record or t.old_record
        title = record.title if isinstance(record, News) else None
        return f"News{language_note(t)}: {quote(title, 90)}"

    def appeared(self, t: Transition) -> list[Part]:
        again = " again" if t.old is not None else ""
        new = t.new_record
        assert isinstance(new, News)
        return [
            ("t", f"published{again} ({new.published or 'undated'}): '"),
            ("s", flat(new.title)),
            ("t", "'"),
        ]

    def disappeared(self, t: Transition) -> list[Part]:
        old = t.old_record or News()
        assert isinstance(old, News)
        gone = f" (its page answered {t.after.status})" if t.after else ""
        return [("t", "withdrawn: '"), ("s", flat(old.title)), ("t", f"'{gone}")]


HOME = NewsType()
