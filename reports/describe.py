"""Change sets in words a person would write.

A statement is a list of parts: ``("t", ...)`` is the report's own wording, ``("s", ...)`` is
scraped text, which every format escapes its own way. Details are the evidence under a
statement: word diffs of sentences, titles and bodies, and old / new values.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.chambers import chamber_pairs, delta, role_noun
from reports.worddiff import Piece, changed_words, quote, shorten, word_diff
from store.countries import COUNTRIES
from store.report_queries import ChangeSet

Part = tuple[str, str]

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


def entity_title(cs: ChangeSet) -> str:
    """The entity in words: "Russian Federation delegation (en)", "News (ru): 'title'"."""
    content = cs.new or cs.old or {}
    lang = f" ({cs.language})" if cs.language else ""
    if cs.site != "pacsto":  # a national site's own pages
        lang = f" ({cs.site}, {cs.language})" if cs.language else f" ({cs.site})"
    country = country_name(cs.country)
    if cs.type == "delegation":
        return f"{country} delegation{lang}"
    if cs.type == "representative":
        return f"{country} plenipotentiary representative{lang}"
    if cs.type == "website":
        return f"{country} website line{lang}: {quote(content.get('label'))}"
    if cs.type == "news":
        return f"News{lang}: {quote(content.get('title'), 90)}"
    if cs.type == "member":
        return f"{content.get('name') or cs.entity}{lang}"
    return f"{cs.type} {cs.entity}"


def group_of(cs: ChangeSet, site_name: str | None = None) -> tuple[str, str]:
    """(key, heading) of the entity heading a change goes under; members under their list."""
    if cs.type == "member":
        where = ", ".join(x for x in (cs.site, cs.language) if x)
        return f"{cs.site}/{cs.language}/members", f"{site_name or cs.site} member list ({where})"
    return cs.entity, entity_title(cs)


def statement(cs: ChangeSet) -> list[Part]:
    """What happened, in one sentence."""
    if cs.type == "delegation" and cs.old is not None and cs.new is not None:
        return _delegation(cs.old, cs.new)
    if cs.change == "added" or cs.old is None:
        return _appeared(cs)
    if cs.change == "removed" or cs.new is None:
        return _disappeared(cs)
    return _modified(cs)


def _delegation(old: dict, new: dict) -> list[Part]:
    parts: list[Part] = []
    pairs = chamber_pairs(old, new)
    old_seats, new_seats = old.get("seats"), new.get("seats")
    if old_seats != new_seats:
        noun = role_noun(pairs[0].new) if len(pairs) == 1 else "seats"
        parts.append(("t", f"{old_seats} -> {new_seats} {noun}, {delta(old_seats, new_seats)}"))
        moved = [p for p in pairs if p.count_changed and p.old and p.new] if len(pairs) > 1 else []
        for n, pair in enumerate(moved):
            assert pair.old is not None and pair.new is not None
            a, b = pair.old.get("count"), pair.new.get("count")
            where = pair.new.get("chamber") or pair.new_phrase or ""
            parts += [("t", " (" if n == 0 else "; "), ("s", where)]
            parts.append(
                ("t", f": {a} -> {b}, {delta(a, b)}" + (")" if n == len(moved) - 1 else ""))
            )
    elif any(p.count_changed for p in pairs):
        parts.append(("t", f"seats unchanged ({new_seats}) but redistributed"))
    reworded = [p for p in pairs if p.label_changed and not p.count_changed]
    added = [p for p in pairs if p.old is None or p.new is None]
    verb_changed = old.get("wording") != new.get("wording")
    if reworded or verb_changed or added:
        parts.append(("t", "; wording changed — " if parts else "wording changed — "))
        quoted = [(p.old_phrase, p.new_phrase) for p in reworded + added]
        if verb_changed:
            quoted.append((old.get("wording"), new.get("wording")))
        for n, (a, b) in enumerate(quoted):
            parts += [("t", ", " if n else "")] + _quoted_change(a, b)
    if old_seats == new_seats:
        if not parts:
            parts.append(("t", "sentence edited"))
        parts.append(("t", f"; seats unchanged ({new_seats})"))
    return parts


def _quoted_change(old: object, new: object) -> list[Part]:
    return [("t", "'"), ("s", _flat(old)), ("t", "' -> '"), ("s", _flat(new)), ("t", "'")]


def _flat(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _appeared(cs: ChangeSet) -> list[Part]:
    content = cs.new or {}
    again = " again" if cs.old is not None else ""
    if cs.type == "delegation":
        return [("t", f"listed{again} with {content.get('seats')} seats")]
    if cs.type == "news":
        return [
            ("t", f"published{again} ({content.get('published') or 'undated'}): '"),
            ("s", _flat(content.get("title"))),
            ("t", "'"),
        ]
    if cs.type == "website":
        return [("t", f"website line listed{again}: "), ("s", _flat(content.get("url")))]
    who = content.get("name") or content.get("label") or ""
    role = content.get("role")
    parts: list[Part] = [("t", f"now listed{again}: "), ("s", _flat(who))]
    return parts + ([("t", " ("), ("s", _flat(role)), ("t", ")")] if role else [])


def _disappeared(cs: ChangeSet) -> list[Part]:
    content = cs.old or {}
    if cs.type == "delegation":
        return [("t", f"no longer listed (had {content.get('seats')} seats)")]
    if cs.type == "news":
        gone = f" (its page answered {cs.after.status})" if cs.after else ""
        return [("t", "withdrawn: '"), ("s", _flat(content.get("title"))), ("t", f"'{gone}")]
    who = content.get("name") or content.get("label") or content.get("url") or ""
    return [("t", "no longer listed: "), ("s", _flat(who))]


def _modified(cs: ChangeSet) -> list[Part]:
    old, new = cs.old or {}, cs.new or {}
    parts: list[Part] = []
    for key in [k for k in _KEY_ORDER if old.get(k) != new.get(k)]:
        parts.append(("t", "; " if parts else ""))
        a, b = old.get(key), new.get(key)
        if key == "url":
            if a is None:
                parts += [("t", "address added: "), ("s", _flat(b))]
            elif b is None:
                parts += [("t", "address removed (was "), ("s", _flat(a)), ("t", ")")]
            else:
                parts += [
                    ("t", "address changed: "),
                    ("s", _flat(a)),
                    ("t", " -> "),
                    ("s", _flat(b)),
                ]
        elif key in ("body", "biography"):
            words = changed_words(word_diff(a, b))
            what = "text" if key == "body" else "biography"
            parts.append(("t", f"{what} edited ({words} word{'s' if words != 1 else ''} changed)"))
        else:
            parts += [("t", f"{_LABELS.get(key, key)} changed — ")] + _quoted_change(a, b)
    if cs.type == "member" and new.get("name"):
        parts = [("s", _flat(new["name"])), ("t", ": ")] + [p for p in parts if p != ("t", "")]
    return parts or [("t", "edited")]


_KEY_ORDER = ["name", "role", "post", "title", "published", "label", "url", "body", "biography",
              "chamber", "role_text", "profile_url", "position"]  # fmt: skip
_LABELS = {"published": "date", "role_text": "role as written", "profile_url": "profile link"}


def details(cs: ChangeSet) -> list[Detail]:
    """The evidence: diffs of the texts that changed, values that appeared or went."""
    old, new = cs.old, cs.new
    if old is not None and new is not None:
        out = []
        for key in ("text", "title", "body", "name", "role", "label"):
            if old.get(key) != new.get(key) and (old.get(key) or new.get(key)):
                pieces = word_diff(_str(old.get(key)), _str(new.get(key)))
                out.append(Detail(_DETAIL_LABELS.get(key, key), shorten(pieces)))
        for key in ("url", "profile_url"):
            if old.get(key) != new.get(key):
                name = "address" if key == "url" else "profile link"
                out.append(Detail(f"{name} before", value=old.get(key)))
                out.append(Detail(f"{name} now", value=new.get(key)))
        return out
    content = new if new is not None else old or {}
    label = "as listed" if new is not None else "as last seen"
    out = []
    for key in ("text", "title", "name", "role", "label", "url", "published"):
        if content.get(key):
            out.append(
                Detail(f"{_DETAIL_LABELS.get(key, key)} ({label})", value=_str(content[key]))
            )
    if content.get("body"):
        out.append(Detail(f"text ({label})", value=quote(content["body"], EXCERPT_CHARS)[1:-1]))
    return out


_DETAIL_LABELS = {"text": "sentence", "body": "text", "published": "date", "url": "address"}


def _str(value: object) -> str:
    return "" if value is None else str(value)


def plain(parts: list[Part]) -> str:
    return "".join(text for _, text in parts)
