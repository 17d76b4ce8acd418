"""A delegation's chambers before and after a change, paired, with the words the site used.

A delegation version holds its sentence (``text``) and one dict per chamber (``count``,
``member_title``, ``member_role``, ``chamber``). Reports pair the old and new chambers the way
the diff stage does, and quote each chamber's phrase from the sentence itself ("12 members of
the Federation Council of the Russian Federation"), rebuilding it from the dict only when the
sentence does not contain it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from store.report_queries import aligned

ROLE_NOUNS = {"deputy": "deputies", "senator": "senators", "member": "members"}
# What separates one chamber's phrase from the next in a sentence.
_JOINER = re.compile(r"(?:,|;|\s+(?:and|и)\s*)$", re.I)


@dataclass(frozen=True)
class ChamberPair:
    old: dict | None
    new: dict | None
    old_phrase: str | None
    new_phrase: str | None

    @property
    def count_changed(self) -> bool:
        return _count(self.old) != _count(self.new)

    @property
    def label_changed(self) -> bool:
        keys = ("member_title", "chamber")
        return any(_get(self.old, k) != _get(self.new, k) for k in keys)


def _get(chamber: dict | None, key: str):
    return chamber.get(key) if chamber else None


def _count(chamber: dict | None) -> int | None:
    value = _get(chamber, "count")
    return value if isinstance(value, int) else None


def chamber_pairs(old: dict, new: dict) -> list[ChamberPair]:
    """Old and new chambers paired item by item; an unpaired one has ``None`` on one side."""
    old_chambers = list(old.get("chambers") or [])
    new_chambers = list(aligned(old_chambers, list(new.get("chambers") or [])))
    old_phrases = chamber_phrases(old.get("text") or "", old_chambers)
    new_phrases = chamber_phrases(new.get("text") or "", new_chambers)
    pairs = []
    for i in range(max(len(old_chambers), len(new_chambers))):
        o = old_chambers[i] if i < len(old_chambers) else None
        n = new_chambers[i] if i < len(new_chambers) else None
        pairs.append(
            ChamberPair(o, n, old_phrases[i] if o else None, new_phrases[i] if n else None)
        )
    return pairs


def chamber_phrases(text: str, chambers: list[dict]) -> list[str]:
    """Each chamber's phrase as the sentence words it, in the order of ``chambers``."""
    text = " ".join(text.split())
    starts: list[tuple[int, int]] = []  # (position in text, chamber index)
    taken: set[int] = set()
    for index, chamber in enumerate(chambers):
        title, count = chamber.get("member_title"), chamber.get("count")
        if not title or not isinstance(count, int):
            continue
        pattern = rf"(?<!\w){count}\s+{re.escape(title)}(?!\w)"
        for match in re.finditer(pattern, text):
            if match.start() not in taken:  # two chambers may share "6 deputies"
                taken.add(match.start())
                starts.append((match.start(), index))
                break
    phrases = [rebuild_phrase(c) for c in chambers]
    starts.sort()
    for n, (start, index) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(text)
        phrase = text[start:end].strip().rstrip(".")
        while _JOINER.search(phrase):
            phrase = _JOINER.sub("", phrase).strip()
        phrases[index] = phrase
    return phrases


def rebuild_phrase(chamber: dict) -> str:
    """ "12 members Federation Council" when the sentence cannot be quoted."""
    words = [str(chamber.get("count") or "?"), chamber.get("member_title") or ""]
    if chamber.get("chamber"):
        words.append(chamber["chamber"])
    return " ".join(w for w in words if w)


def role_noun(chamber: dict | None, count: int | None = None) -> str:
    """English plural for a chamber's members ("deputies"), whatever the page's language."""
    noun = ROLE_NOUNS.get(_get(chamber, "member_role") or "", "members")
    return noun[:-3] + "y" if count == 1 and noun.endswith("ies") else noun


def delta(old: int | None, new: int | None) -> str:
    """``−1`` / ``+2`` (a real minus sign, as typeset)."""
    if old is None or new is None:
        return ""
    diff = new - old
    return f"+{diff}" if diff > 0 else f"\u2212{-diff}" if diff < 0 else "±0"
