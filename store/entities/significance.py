"""How much a change matters: the levels, a verdict, and the rules every entity type shares.

Levels, highest first: ``substantive`` (a seat count, a person, a chamber, a representative),
``wording`` (the same facts in other words), ``routine`` (the ordinary flow of a site: a news
item published or withdrawn) and ``minor`` (a link, formatting, order). A site publishes news
every day; counting each item as substantive would drown the one seat change that matters.
Each type's home adds its own rules (a delegation's chambers, a member's role); a change takes
the highest level of its parts and the explanation of the part that decided it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from store.compare import common_ends

LEVELS = ("minor", "routine", "wording", "substantive")  # ascending
MINOR, ROUTINE, WORDING, SUBSTANTIVE = LEVELS


def rank(level: str) -> int:
    return LEVELS.index(level)


@dataclass(frozen=True)
class Verdict:
    level: str
    why: str


def fold(text: object) -> str:
    """Text without case, punctuation or spacing differences: what "formatting only" ignores."""
    return _fold(text) if isinstance(text, str) else _fold(str(text or ""))


@lru_cache(maxsize=2048)  # a version's text is folded as the new one, then as the old one
def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return " ".join(_NOT_WORD.sub(" ", text).split())


_NOT_WORD = re.compile(r"[\W_]+")


def same_folded(old: object, new: object) -> bool:
    """``fold(old) == fold(new)``, folding only what lies between the spaces the two texts
    share around their difference (an article's edit is a sentence, its text a page). Exact:
    NFKC never joins a character to an ASCII space, case folding and the word split go
    character by character, so a shared head or tail ending at a space folds to the same
    words on both sides."""
    if not (isinstance(old, str) and isinstance(new, str)):
        return fold(old) == fold(new)
    if old == new:
        return True
    head, tail = common_ends(old, new)
    start = max(old.rfind(" ", 0, head), 0)
    end = old.find(" ", len(old) - tail)
    if end < 0:
        return _fold(old[start:]) == _fold(new[start:])
    return _fold(old[start:end]) == _fold(new[start : len(new) - (len(old) - end)])


@lru_cache(maxsize=4096)  # a report asks for the same few field paths for every change
def leaf_of(field: str) -> str:
    """``chambers[1].member_title`` -> ``member_title``."""
    return re.sub(r"\[\d+\]", "", field).rsplit(".", 1)[-1]


def text_verdict(old: object, new: object, what: str) -> Verdict:
    return _text_verdict(same_folded(old, new), what)


@lru_cache(maxsize=256)  # one verdict per wording: a report judges 100k edits with a few
def _text_verdict(formatting_only: bool, what: str) -> Verdict:
    if formatting_only:
        return Verdict(MINOR, f"formatting only: {what} differs in spacing, punctuation or case")
    return Verdict(WORDING, f"{what} was reworded; no count or person changed")


_WHAT = {"title": "the title", "body": "the text", "label": "the label", "role": "the role"}


def field_verdict(leaf: str, category: str, old: object, new: object) -> Verdict:
    """The rule for one changed field, by its name and category."""
    if leaf == "name":
        if sorted(fold(old).split()) == sorted(fold(new).split()):
            return Verdict(MINOR, "the same name written differently")
        return Verdict(SUBSTANTIVE, f"a different person ({old!r} -> {new!r})")
    if leaf == "position":
        return Verdict(MINOR, "the order of the list changed")
    if category in ("seats", "person"):
        return Verdict(SUBSTANTIVE, f"{leaf} changed ({old!r} -> {new!r})")
    if category == "link":
        return Verdict(MINOR, "a link changed; the text did not")
    if category == "date":
        return Verdict(WORDING, f"a date changed ({old} -> {new})")
    return text_verdict(old, new, _WHAT.get(leaf, f"the {leaf}"))


def highest(verdicts: list[Verdict]) -> Verdict:
    """The verdict of the highest level; the first of them when several share it."""
    if len(verdicts) == 1:
        return verdicts[0]
    verdicts = verdicts or [Verdict(MINOR, "no field of interest changed")]
    top = max(rank(v.level) for v in verdicts)
    return next(v for v in verdicts if rank(v.level) == top)
