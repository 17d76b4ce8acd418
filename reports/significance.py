"""How much a change matters, decided by fixed rules and explained in one line.

Levels, highest first: ``substantive`` (a seat count, a person, a chamber, a news item
published or withdrawn), ``wording`` (the same facts in other words: a label, a title, a
sentence) and ``minor`` (a link, formatting, order). A change takes the highest level of its
parts, and the explanation of the part that decided it. Which labels name the same body lives
in ``reports/synonyms.toml`` (see that file and docs/reports.md).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from reports.chambers import ChamberPair, chamber_pairs, delta
from store.report_queries import ChangeSet

SYNONYMS_FILE = Path(__file__).with_name("synonyms.toml")
LEVELS = ("minor", "wording", "substantive")  # ascending
MINOR, WORDING, SUBSTANTIVE = LEVELS


def rank(level: str) -> int:
    return LEVELS.index(level)


@dataclass(frozen=True)
class Verdict:
    level: str
    why: str


@dataclass(frozen=True)
class Body:
    id: str
    country: str
    name: str
    note: str
    chamber: dict[str, list[str]] = field(default_factory=dict)
    implied_by_title: dict[str, list[str]] = field(default_factory=dict)
    titles: dict[str, list[str]] = field(default_factory=dict)


def fold(text: object) -> str:
    """Text without case, punctuation or spacing differences: what "formatting only" ignores."""
    text = unicodedata.normalize("NFKC", str(text or "")).casefold().replace("ё", "е")
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


class Synonyms:
    """The bodies and word forms of ``synonyms.toml``."""

    def __init__(self, bodies: list[Body], forms: dict[tuple[str, str], str]) -> None:
        self.bodies = bodies
        self.forms = forms  # (language, folded form) -> word

    @classmethod
    def load(cls, path: Path = SYNONYMS_FILE) -> Synonyms:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        bodies = [Body(**entry) for entry in data.get("body", [])]
        forms = {
            (entry["language"], fold(form)): entry["word"]
            for entry in data.get("form", [])
            for form in entry["forms"]
        }
        return cls(bodies, forms)

    def body(self, country: str | None, language: str | None, chamber: dict | None) -> Body | None:
        """The body a chamber phrase names: by its chamber name, else by an implying title."""
        if not chamber:
            return None
        lang = language or ""
        name, title = fold(chamber.get("chamber")), fold(chamber.get("member_title"))
        for body in self.bodies:
            if body.country != country:
                continue
            if name and any(fold(n) in name for n in body.chamber.get(lang, [])):
                return body
            if not name and title in {fold(t) for t in body.implied_by_title.get(lang, [])}:
                return body
        return None

    def body_key(self, country: str | None, language: str | None, chamber: dict | None) -> str:
        body = self.body(country, language, chamber)
        return body.id if body else fold((chamber or {}).get("chamber"))

    def word(self, language: str | None, form: object) -> str | None:
        return self.forms.get((language or "", fold(form)))


@cache
def default_synonyms() -> Synonyms:
    return Synonyms.load()


def judge(cs: ChangeSet, synonyms: Synonyms | None = None) -> Verdict:
    """The significance of one change set, with the reason."""
    synonyms = synonyms or default_synonyms()
    if cs.change in ("added", "removed") or cs.old is None or cs.new is None:
        return _whole(cs)
    if cs.type == "delegation":
        verdicts = _delegation(cs, synonyms)
    else:
        verdicts = [_field(cs.type, f.field, f.category, f.old, f.new) for f in cs.fields]
    verdicts = verdicts or [Verdict(MINOR, "no field of interest changed")]
    top = max(rank(v.level) for v in verdicts)
    return next(v for v in verdicts if rank(v.level) == top)


_WHOLE = {
    "delegation": (SUBSTANTIVE, "a delegation {verb} the assembly's list: its seats {verb2}"),
    "representative": (SUBSTANTIVE, "a plenipotentiary representative was {done}"),
    "member": (SUBSTANTIVE, "a person was {done} on the chamber's list"),
    "news": (SUBSTANTIVE, "a news item was {news}"),
    "website": (MINOR, "a website line was {done}: links are minor"),
}


def _whole(cs: ChangeSet) -> Verdict:
    added = cs.change == "added"
    level, template = _WHOLE.get(cs.type, (SUBSTANTIVE, "an item was {done}"))
    words = {
        "verb": "joined" if added else "left",
        "verb2": "count from now on" if added else "no longer count",
        "done": "listed" if added else "no longer listed",
        "news": "published" if added else "withdrawn (its page answered 'gone')",
    }
    return Verdict(level, template.format(**words))


def _delegation(cs: ChangeSet, synonyms: Synonyms) -> list[Verdict]:
    assert cs.old is not None and cs.new is not None
    out: list[Verdict] = []
    old_seats, new_seats = cs.old.get("seats"), cs.new.get("seats")
    if old_seats != new_seats:
        change = f"{old_seats} -> {new_seats}, {delta(old_seats, new_seats)}"
        out.append(Verdict(SUBSTANTIVE, f"the seat count changed ({change})"))
    # The most telling reason first: a synonym's note explains more than a grammatical form.
    chambers = [_chamber(pair, cs, synonyms) for pair in chamber_pairs(cs.old, cs.new)]
    out += [v for v, _ in sorted(chambers, key=lambda item: item[1])]
    if fold(cs.old.get("parliament")) != fold(cs.new.get("parliament")):
        out.append(Verdict(WORDING, "the parliament is named differently; its seats are not"))
    for key in ("wording", "text"):
        if cs.old.get(key) != cs.new.get(key):
            out.append(_text_verdict(cs.old.get(key), cs.new.get(key), "the sentence"))
    return out


def _chamber(pair: ChamberPair, cs: ChangeSet, synonyms: Synonyms) -> tuple[Verdict, int]:
    """The verdict on one chamber, and how specific its reason is (lower: more)."""
    if pair.old is None or pair.new is None:
        side = "added to" if pair.old is None else "dropped from"
        return Verdict(SUBSTANTIVE, f"a chamber was {side} the delegation"), 0
    if pair.count_changed:
        old, new = pair.old.get("count"), pair.new.get("count")
        return Verdict(SUBSTANTIVE, f"a chamber's seats changed ({old} -> {new})"), 0
    if not pair.label_changed:
        if pair.old.get("member_role") != pair.new.get("member_role"):
            return Verdict(WORDING, "members are called differently; count and body unchanged"), 3
        return Verdict(MINOR, "no change in this chamber"), 4
    country, lang = cs.country, cs.language
    old_key = synonyms.body_key(country, lang, pair.old)
    new_key = synonyms.body_key(country, lang, pair.new)
    count = pair.new.get("count")
    if old_key != new_key:
        return Verdict(
            SUBSTANTIVE,
            f"same count ({count}) but another body: {pair.old_phrase!r} -> {pair.new_phrase!r}"
            " (not the same body in reports/synonyms.toml)",
        ), 0
    body = synonyms.body(country, lang, pair.new) or synonyms.body(country, lang, pair.old)
    name = body.name if body else (pair.new.get("chamber") or "the delegation")
    old_title, new_title = pair.old.get("member_title"), pair.new.get("member_title")
    word = synonyms.word(lang, old_title)
    if word and word == synonyms.word(lang, new_title) and old_key and old_key == new_key:
        reason, specific = f"{old_title!r} and {new_title!r} are forms of one word ({word})", 2
    elif body is not None:
        reason, specific = body.note, 0
    else:
        reason, specific = f"only the label changed ({old_title!r} -> {new_title!r})", 1
    return Verdict(WORDING, f"same count ({count}) and same body ({name}): {reason}"), specific


def _field(entity_type: str, name: str, category: str, old: object, new: object) -> Verdict:
    leaf = re.sub(r"\[\d+\]", "", name).rsplit(".", 1)[-1]
    if leaf == "name":
        if sorted(fold(old).split()) == sorted(fold(new).split()):
            return Verdict(MINOR, "the same name written differently")
        return Verdict(SUBSTANTIVE, f"a different person ({old!r} -> {new!r})")
    if entity_type == "member" and leaf == "role":
        return Verdict(SUBSTANTIVE, f"a different role ({old!r} -> {new!r})")
    if leaf == "position":
        return Verdict(MINOR, "the order of the list changed")
    if category in ("seats", "person"):
        return Verdict(SUBSTANTIVE, f"{leaf} changed ({old!r} -> {new!r})")
    if category == "link":
        return Verdict(MINOR, "a link changed; the text did not")
    if category == "date":
        return Verdict(WORDING, f"a date changed ({old} -> {new})")
    what = {"title": "the title", "body": "the text", "label": "the label", "role": "the role"}
    return _text_verdict(old, new, what.get(leaf, f"the {leaf}"))


def _text_verdict(old: object, new: object, what: str) -> Verdict:
    if fold(old) == fold(new):
        return Verdict(MINOR, f"formatting only: {what} differs in spacing, punctuation or case")
    return Verdict(WORDING, f"{what} was reworded; no count or person changed")
