"""The members of a country page's delegation: its list of names and its biography cards.

The list is a paragraph of names separated by commas (and "и" / "and" before the last one),
possibly after a label ("Members of the delegation:", "Состав делегации:"), or a run of lines of
one name each. A card is a line holding only a name (a heading, or followed by a post), then the
post ("Deputy of the House of Representatives, ...", "депутат Палаты представителей ..."), then the
biography paragraphs. Names are recognised as the national parsers recognise them
(:mod:`crawler.names`: 2-4 capitalised words, ALL-CAPS surnames, patronymics), list and card names
are matched with :func:`same_person`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from crawler.names import clean_name, name_strength, same_person

from .lexicon import CHAMBER_PHRASE, LIST_LABEL, MORE, POST_START
from .news import is_block_line
from .text import detect_language
from .textlines import Line
from .tree import ancestors, common_ancestor

_SPLIT = re.compile(r"\s*[,;]\s*|\s+(?:и|and)\s+")
_SUFFIX = re.compile(r"\s+[-–—]\s+")  # "A, B - члены Совета ПА ОДКБ."
_FOOTER = re.compile(r"(?:©|\(c\)|copyright\b|все права)", re.I)
_MAX_POST = 300
BLOCK = "members"


def person_name(text: str) -> str | None:
    """``text`` as one person's name (numbering and trailing punctuation dropped), else None."""
    if len(text) > 80:
        return None
    name = clean_name(text)
    return name if name_strength(name) else None


def is_list_label(text: str) -> bool:
    """ "Members of the delegation:", "Состав делегации" - a label, not a name."""
    label = re.sub(r"\s*\([^()]*\)\s*$", "", text.strip().rstrip(":").strip())  # "(5)"
    return bool(LIST_LABEL.fullmatch(label))


def split_names(text: str) -> tuple[bool, list[str]] | None:
    """``(labelled, names)`` for a line listing names: two or more, or one after a label."""
    labelled = False
    head, colon, rest = text.partition(":")
    if colon and is_list_label(head):
        labelled, text = True, rest
    text = _SUFFIX.split(text.strip(), maxsplit=1)[0]
    names = [person_name(part) for part in _SPLIT.split(text.strip(" ;,")) if part]
    if not names or None in names or (len(names) < 2 and not labelled):
        return None
    return labelled, [n for n in names if n]


def is_post(text: str) -> bool:
    return len(text) <= _MAX_POST and bool(POST_START.match(text))


def is_member_line(line: Line) -> bool:
    """A line only a country page's content has: its heading, a name list, a name heading."""
    if line.chrome:
        return False
    if line.heading == 1 or split_names(line.text) is not None:
        return True
    return bool(line.heading and person_name(line.text))


@dataclass
class _Card:
    line: Line
    name: str
    post: str | None = None
    body: list[str] = field(default_factory=list)


@dataclass
class Members:
    """What :func:`read_members` found: the member records, each with the index of the line
    it comes from (none when the page has neither a name list nor a card), and the problems."""

    records: list[tuple[int, dict]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_members(lines: list[Line], country: str | None) -> Members:
    """Members named on a country page. ``lines``: the page content in order, without the
    delegations block and page chrome."""
    return _MemberReader(lines).read(country)


class _MemberReader:
    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.errors: list[str] = []

    def read(self, country: str | None) -> Members:
        lines = self.lines
        heads = {i for i in range(len(lines)) if self._card_head(lines, i)}
        box = common_ancestor([lines[i].block for i in heads]) if len(heads) > 1 else None
        listed: list[str] = []
        cards: list[_Card] = []
        list_at, last, labelled = None, -2, False
        i = 0
        while i < len(lines):
            line = lines[i]
            if i in heads:
                card, i = self._card(lines, i, heads, box)
                cards.append(card)
                continue
            names = self._names(lines, i, heads, labelled or last == i - 1)
            if names:
                if listed and last != i - 1:
                    self.errors.append(f"{BLOCK}: second name list ignored: {line.text[:80]!r}")
                else:
                    listed += names
                    list_at = line.index if list_at is None else list_at
                    last = i
            labelled = not names and is_list_label(line.text)
            i += 1
        records = self._records(listed, list_at, cards, country)
        return Members(records, self.errors)

    @staticmethod
    def _card_head(lines: list[Line], i: int) -> bool:
        if not person_name(lines[i].text) or is_block_line(lines[i].text):
            return False
        nxt = lines[i + 1].text if i + 1 < len(lines) else ""
        return bool(lines[i].heading) or is_post(nxt)

    def _names(self, lines: list[Line], i: int, heads: set[int], after_list: bool) -> list[str]:
        text = lines[i].text
        if is_block_line(text):
            return []
        found = split_names(text)
        if found:
            return found[1]
        single = person_name(text)
        if single is None:
            return []
        nxt = i + 1 < len(lines) and i + 1 not in heads and person_name(lines[i + 1].text)
        return [single] if after_list or nxt else []

    @staticmethod
    def _card(lines: list[Line], i: int, heads: set[int], box: Any) -> tuple[_Card, int]:
        head = lines[i]
        card = _Card(head, person_name(head.text) or head.text)
        j = i + 1
        if j < len(lines) and j not in heads and is_post(lines[j].text):
            card.post = lines[j].text
            j += 1
        while j < len(lines):
            line = lines[j]
            if j in heads or is_block_line(line.text) or _FOOTER.match(line.text):
                break
            if line.heading and (not head.heading or line.heading <= head.heading):
                break
            if box is not None and box not in ancestors(line.block):
                break
            if split_names(line.text):
                break
            if not MORE.fullmatch(line.text) and not (
                line.link_ratio > 0.5 and len(line.text) < 100
            ):
                card.body.append(line.text)
            j += 1
        return card, j

    def _records(
        self, listed: list[str], list_at: int | None, cards: list[_Card], country: str | None
    ) -> list[tuple[int, dict]]:
        matched: list[_Card | None] = [None] * len(listed)
        extra: list[_Card] = []
        for card in cards:
            k = next(
                (k for k, name in enumerate(listed)
                 if matched[k] is None and same_person(name, card.name)),
                None,
            )  # fmt: skip
            if k is not None:
                matched[k] = card
            elif any(same_person(c.name, card.name) for c in [*extra, *filter(None, matched)]):
                self.errors.append(f"{BLOCK}: second card for {card.name!r} ignored")
            else:
                extra.append(card)
        people = [*zip(listed, matched, strict=True), *((c.name, c) for c in extra)]
        starts = [list_at] if list_at is not None else []
        at = min(starts + [c.line.index for c in cards], default=0)
        return [
            (at, _member(country, name, position, card))
            for position, (name, card) in enumerate(people, start=1)
        ]


def _member(country: str | None, name: str, position: int, card: _Card | None) -> dict:
    post = card.post if card else None
    chamber = CHAMBER_PHRASE.search(post) if post else None
    return {
        "type": "member",
        "country": country,
        "language": detect_language(f"{name} {post or ''}"),
        "name": name,
        "position": position,
        "post": post,
        "chamber": chamber[0] if chamber else None,
        "source": "pacsto",
        "biography": "\n\n".join(card.body) if card and card.body else None,
    }
