"""The home of a national delegation to the assembly: its sentence, seats and chambers.

"Delegation of the Federal Assembly of the Russian Federation to the CSTO PA consists of 10
deputies of the State Duma and 12 senators of the Russian Federation." One delegation per
country and language, keyed ``pacsto/en/delegation/RU``. Its chambers are paired old to new
once per change (``pairs``), and that pairing serves both its significance and its words: a
chamber's seats, its body (``store/entities/synonyms.py``) and the phrase the site used, which
each chamber keeps from the parser (rebuilt from its fields for content that has none).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from store.compare import aligned
from store.entities.base import EntityType, language_note
from store.entities.record import DIFF, Field, Record, Struct
from store.entities.significance import (
    MINOR,
    SUBSTANTIVE,
    WORDING,
    Verdict,
    fold,
    text_verdict,
)
from store.entities.synonyms import Synonyms
from store.entities.words import Part, delta, quoted_change

if TYPE_CHECKING:
    from store.transitions import Transition

ROLE_NOUNS = {"deputy": "deputies", "senator": "senators", "member": "members"}


class Chamber(Struct):
    """One chamber's share of a delegation: "12 senators of the Russian Federation"."""

    count = Field[int | None]("seats")
    member_title = Field[str | None]("wording")  # "senators", "депутатами"
    member_role = Field[str | None]("wording")  # deputy / senator / member
    chamber = Field[str | None]("wording")  # "State Duma", None when the phrase names none
    # the sentence's own words for it, as the parser cut them out ("12 senators of the Russian
    # Federation"): evidence for reports, not compared (the sentence is)
    phrase = Field[str | None]("wording", compared=False)


class Delegation(Record):
    TYPE = "delegation"

    parliament = Field[str | None]("wording")
    wording = Field[str | None]("wording")  # "consists of", "is represented by"
    seats = Field[int | None]("seats")
    chambers = Field[list[Chamber]]("text", items=Chamber)
    text = Field[str | None]("text", label="sentence", shows=DIFF)


@dataclass(frozen=True)
class ChamberPair:
    """An old chamber and the new one it became (``None`` on the side where it is missing)."""

    old: Chamber | None
    new: Chamber | None
    old_phrase: str | None
    new_phrase: str | None

    @property
    def count_changed(self) -> bool:
        return _count(self.old) != _count(self.new)

    @property
    def label_changed(self) -> bool:
        old, new = self.old or Chamber(), self.new or Chamber()
        return old.member_title != new.member_title or old.chamber != new.chamber


def _count(chamber: Chamber | None) -> int | None:
    value = chamber.count if chamber else None
    return value if isinstance(value, int) else None


class DelegationType(EntityType):
    record = Delegation
    category = "seats"
    in_block = True
    whole = (SUBSTANTIVE, "a delegation {verb} the assembly's list: its seats {verb2}")

    def pairs(self, old: Record | None, new: Record | None) -> list[ChamberPair]:
        """Old and new chambers paired item by item, as the diff stage pairs them."""
        if not isinstance(old, Delegation) or not isinstance(new, Delegation):
            return []
        old_chambers = list(old.chambers or [])
        new_chambers = [Chamber(c) for c in aligned(old_chambers, list(new.chambers or []))]
        pairs = []
        for i in range(max(len(old_chambers), len(new_chambers))):
            o = old_chambers[i] if i < len(old_chambers) else None
            n = new_chambers[i] if i < len(new_chambers) else None
            pairs.append(ChamberPair(o, n, phrase_of(o), phrase_of(n)))
        return pairs

    # -- significance -------------------------------------------------------------------------

    def verdicts(self, t: Transition, synonyms: Synonyms) -> list[Verdict]:
        old, new = t.old_record, t.new_record
        assert isinstance(old, Delegation) and isinstance(new, Delegation)
        out: list[Verdict] = []
        if old.seats != new.seats:
            change = f"{old.seats} -> {new.seats}, {delta(old.seats, new.seats)}"
            out.append(Verdict(SUBSTANTIVE, f"the seat count changed ({change})"))
        # The most telling reason first: a synonym's note explains more than a grammatical form.
        chambers = [_chamber_verdict(pair, t, synonyms) for pair in t.pairs]
        out += [v for v, _ in sorted(chambers, key=lambda item: item[1])]
        if fold(old.parliament) != fold(new.parliament):
            out.append(Verdict(WORDING, "the parliament is named differently; its seats are not"))
        if old.wording != new.wording:
            out.append(text_verdict(old.wording, new.wording, "the sentence"))
        if old.text != new.text:
            out.append(text_verdict(old.text, new.text, "the sentence"))
        return out

    # -- words --------------------------------------------------------------------------------

    def title(self, t: Transition, country: str) -> str:
        return f"{country} delegation{language_note(t)}"

    def appeared(self, t: Transition) -> list[Part]:
        again = " again" if t.old is not None else ""
        new = t.new_record
        return [("t", f"listed{again} with {new.seats if new else None} seats")]

    def disappeared(self, t: Transition) -> list[Part]:
        old = t.old_record
        return [("t", f"no longer listed (had {old.seats if old else None} seats)")]

    def modified(self, t: Transition) -> list[Part] | None:
        old, new = t.old_record, t.new_record
        assert isinstance(old, Delegation) and isinstance(new, Delegation)
        parts: list[Part] = []
        pairs: list[ChamberPair] = t.pairs
        if old.seats != new.seats:
            noun = role_noun(pairs[0].new) if len(pairs) == 1 else "seats"
            parts.append(("t", f"{old.seats} -> {new.seats} {noun}, {delta(old.seats, new.seats)}"))
            moved = (
                [p for p in pairs if p.count_changed and p.old and p.new] if len(pairs) > 1 else []
            )
            for n, pair in enumerate(moved):
                assert pair.old is not None and pair.new is not None
                a, b = pair.old.count, pair.new.count
                where = pair.new.chamber or pair.new_phrase or ""
                parts += [("t", " (" if n == 0 else "; "), ("s", where)]
                parts.append(
                    ("t", f": {a} -> {b}, {delta(a, b)}" + (")" if n == len(moved) - 1 else ""))
                )
        elif any(p.count_changed for p in pairs):
            parts.append(("t", f"seats unchanged ({new.seats}) but redistributed"))
        reworded = [p for p in pairs if p.label_changed and not p.count_changed]
        added = [p for p in pairs if p.old is None or p.new is None]
        verb_changed = old.wording != new.wording
        if reworded or verb_changed or added:
            parts.append(("t", "; wording changed — " if parts else "wording changed — "))
            quoted = [(p.old_phrase, p.new_phrase) for p in reworded + added]
            if verb_changed:
                quoted.append((old.wording, new.wording))
            for n, (a, b) in enumerate(quoted):
                parts += [("t", ", " if n else "")] + quoted_change(a, b)
        if old.seats == new.seats:
            if not parts:
                parts.append(("t", "sentence edited"))
            parts.append(("t", f"; seats unchanged ({new.seats})"))
        return parts


def _chamber_verdict(pair: ChamberPair, t: Transition, synonyms: Synonyms) -> tuple[Verdict, int]:
    """The verdict on one chamber, and how specific its reason is (lower: more)."""
    if pair.old is None or pair.new is None:
        side = "added to" if pair.old is None else "dropped from"
        return Verdict(SUBSTANTIVE, f"a chamber was {side} the delegation"), 0
    if pair.count_changed:
        old, new = pair.old.count, pair.new.count
        return Verdict(SUBSTANTIVE, f"a chamber's seats changed ({old} -> {new})"), 0
    if not pair.label_changed:
        if pair.old.member_role != pair.new.member_role:
            return Verdict(WORDING, "members are called differently; count and body unchanged"), 3
        return Verdict(MINOR, "no change in this chamber"), 4
    country, lang = t.country, t.language
    old_key = synonyms.body_key(country, lang, pair.old)
    new_key = synonyms.body_key(country, lang, pair.new)
    count = pair.new.count
    if old_key != new_key:
        return Verdict(
            SUBSTANTIVE,
            f"same count ({count}) but another body: {pair.old_phrase!r} -> {pair.new_phrase!r}"
            " (not the same body in reports/synonyms.toml)",
        ), 0
    body = synonyms.body(country, lang, pair.new) or synonyms.body(country, lang, pair.old)
    name = body.name if body else (pair.new.chamber or "the delegation")
    old_title, new_title = pair.old.member_title, pair.new.member_title
    word = synonyms.word(lang, old_title)
    if word and word == synonyms.word(lang, new_title) and old_key and old_key == new_key:
        reason, specific = f"{old_title!r} and {new_title!r} are forms of one word ({word})", 2
    elif body is not None:
        reason, specific = body.note, 0
    else:
        reason, specific = f"only the label changed ({old_title!r} -> {new_title!r})", 1
    return Verdict(WORDING, f"same count ({count}) and same body ({name}): {reason}"), specific


def phrase_of(chamber: Chamber | None) -> str | None:
    """The chamber as the sentence words it."""
    if chamber is None:
        return None
    return chamber.phrase or rebuild_phrase(chamber)


def rebuild_phrase(chamber: Chamber) -> str:
    """ "12 members Federation Council" for a chamber that kept no phrase."""
    words = [str(chamber.count or "?"), chamber.member_title or ""]
    if chamber.chamber:
        words.append(chamber.chamber)
    return " ".join(w for w in words if w)


def role_noun(chamber: Chamber | None, count: int | None = None) -> str:
    """English plural for a chamber's members ("deputies"), whatever the page's language."""
    noun = ROLE_NOUNS.get((chamber.member_role if chamber else None) or "", "members")
    return noun[:-3] + "y" if count == 1 and noun.endswith("ies") else noun


HOME = DelegationType()
__all__ = ["HOME", "Chamber", "ChamberPair", "Delegation"]
