"""Changes in words a person would write.

A statement is a list of parts: ``("t", ...)`` is the report's own wording, ``("s", ...)`` is
scraped text, which every format escapes its own way. Details are the evidence under a
statement: word diffs of sentences, titles and bodies, and old / new values. The words of each
entity type, and which of its fields are said and shown how, are its home's
(``store/entities/``); this module puts them together field by field.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from reports.worddiff import Piece, changed_words, shorten, word_diff
from store.countries import COUNTRIES
from store.entities import EntityType
from store.entities.record import ADDRESS, DIFF, EDIT, EXCERPT, LINK, LINK_ONLY, VALUE, Field
from store.entities.words import Part, flat, plain, quote, quoted_change
from store.transitions import Transition

COUNTRY_NAMES = {country.code: country.name_en for country in COUNTRIES}
NO_COUNTRY = "CSTO Parliamentary Assembly (no country)"
EXCERPT_CHARS = 280


@dataclass
class Detail:
    """One line of evidence: a word diff (``pieces``) or a value, possibly a link."""

    label: str
    pieces: list[Piece] | None = None
    value: str | None = None
    link: str | None = None


def country_name(code: str | None) -> str:
    return COUNTRY_NAMES.get(code or "", code or NO_COUNTRY)


def entity_title(t: Transition) -> str:
    """The entity in words: "Russian Federation delegation (en)", "News (ru): 'title'"."""
    return t.home.title(t, country_name(t.country))


def group_of(t: Transition, site_name: str | None = None) -> tuple[str, str]:
    """(key, heading) of the entity heading a change goes under; members under their list."""
    return t.home.group(t, country_name(t.country), site_name)


def statement(t: Transition) -> list[Part]:
    """What happened, in one sentence."""
    if t.old is not None and t.new is not None:
        own = t.home.modified(t)  # a type that says a change as a whole (a delegation)
        if own is not None:
            return own
    if t.change == "added" or t.old is None:
        return t.home.appeared(t)
    if t.change == "removed" or t.new is None:
        return t.home.disappeared(t)
    return _field_by_field(t)


def _field_by_field(t: Transition) -> list[Part]:
    """Each field that changed, in the order its home names them."""
    old, new = t.old_record, t.new_record
    assert old is not None and new is not None  # a modified entity (see ``statement``)
    parts: list[Part] = []
    for declared in t.home.said_fields():
        a, b = old.get(declared.name), new.get(declared.name)
        if a == b:
            continue
        parts.append(("t", "; " if parts else ""))
        if declared.says == ADDRESS:
            if a is None:
                parts += [("t", f"{declared.label} added: "), ("s", flat(b))]
            elif b is None:
                parts += [("t", f"{declared.label} removed (was "), ("s", flat(a)), ("t", ")")]
            else:
                changed = [("t", f"{declared.label} changed: "), ("s", flat(a)), ("t", " -> ")]
                parts += [*changed, ("s", flat(b))]
        elif declared.says == EDIT:
            words = changed_words(word_diff(a, b))
            plural = "s" if words != 1 else ""
            parts.append(("t", f"{declared.label} edited ({words} word{plural} changed)"))
        else:
            parts += [("t", f"{declared.label} changed — ")] + quoted_change(a, b)
    return t.home.field_by_field(t, parts) or [("t", "edited")]


def details(t: Transition) -> list[Detail]:
    """The evidence: diffs of the texts that changed, values that appeared or went."""
    old, new = t.old_record, t.new_record
    if old is not None and new is not None:
        diffed, listed = _shown_when_modified(t.home)
        out = []
        for declared in diffed:
            a, b = old.get(declared.name), new.get(declared.name)
            if a != b and (a or b):
                out.append(Detail(declared.label or "", shorten(word_diff(_str(a), _str(b)))))
        for declared in listed:
            a, b = old.get(declared.name), new.get(declared.name)
            if a != b:
                out.append(Detail(f"{declared.label} before", value=a))
                out.append(Detail(f"{declared.label} now", value=b))
        return out
    shown = t.home.shown_fields()
    record = new if new is not None else old
    label = "as listed" if new is not None else "as last seen"
    out = []
    for declared in (f for f in shown if f.shows in (DIFF, LINK, VALUE)):
        if value := declared.value_in(record):
            out.append(Detail(f"{declared.label} ({label})", value=_str(value)))
    for declared in (f for f in shown if f.shows == EXCERPT):
        if value := declared.value_in(record):
            excerpt = quote(value, EXCERPT_CHARS)[1:-1]
            out.append(Detail(f"{declared.label} ({label})", value=excerpt))
    return out


@cache  # a report shows 100k changes of a few types
def _shown_when_modified(home: EntityType) -> tuple[tuple[Field[Any], ...], tuple[Field[Any], ...]]:
    """A type's shown fields whose change is a word diff, and those shown before and now."""
    shown = home.shown_fields()
    diffed = tuple(f for f in shown if f.shows in (DIFF, EXCERPT))
    return diffed, tuple(f for f in shown if f.shows in (LINK, LINK_ONLY))


def _str(value: object) -> str:
    return "" if value is None else str(value)


__all__ = ["Detail", "Part", "country_name", "details", "group_of", "plain", "statement"]
