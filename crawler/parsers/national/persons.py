"""Finding the people named on a page, and the part of the page that describes each of them.

Two ways a name shows up:

- an element whose whole text is a name: ``<h3>``, ``<td>``, ``<li>``, ``<a>``, ``<b>`` ... (a card,
  a table cell, a list item, a link to the profile);
- a line of text that starts or ends with a name: "Иванов И.И. — руководитель делегации",
  "Руководитель делегации: Иванов И.И.", "Члены делегации: Петров П.П., Сидоров С.С.".

Each person's *record* is the largest element around the name that names nobody else and holds
no foreign heading (the table row, the list item, the card), found by climbing the tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from crawler.names import clean_name, name_strength

from ..lexicon import MORE
from ..textlines import Line, element_text, in_chrome, lines_within
from ..tree import BLOCK_TAGS, contains, tag_of
from .roles import is_role_label, role_of

# fmt: off
NAME_TAGS = frozenset({
    "a", "b", "strong", "span", "em", "i", "u", "font", "small", "cite", "label", "h1", "h2", "h3",
    "h4", "h5", "h6", "td", "th", "li", "p", "div", "dt", "dd", "figcaption",
})
# fmt: on
_SEPARATORS = (" — ", " – ", " - ", " -- ", ": ", ":", ", ", " (", " | ", "|", " / ", "; ")
_ROLE_STRIP = " \t—–-:,;|/()[]."
MAX_RECORD_LINES = 12


@dataclass(eq=False)
class Person:
    """One name found on the page, with where it sits."""

    name: str
    strength: int  # 1 weak (two capitalised words), 2 strong
    element: Any  # element holding the name (for a name inside a line of text: the line's block)
    line: Line  # the line the name is on (its first line)
    owned: list[Line]  # lines that are nothing but the name
    remainder: str | None = None  # the rest of the name's line ("руководитель делегации")
    label: bool = False  # ``remainder`` is a "Role: names" label
    order: int = 0  # order of the names within one line
    record: Any = None
    extra: list[Line] = field(default_factory=list)  # the record's other lines (sole name only)
    tail: list[Line] = field(default_factory=list)  # lines after the record (flat sequences)


def clean_role(text: str | None) -> str | None:
    text = (text or "").strip(_ROLE_STRIP)
    if text.count("(") < text.count(")"):
        text = text.replace(")", "")
    return text or None


def _block_of(el: Any) -> Any:
    for node in (el, *el.iterancestors()):
        if tag_of(node) in BLOCK_TAGS:
            return node
    return el


def _without_more_links(text: str, scope: Any) -> str:
    """``text`` without the "Подробнее" / "Биография" link texts of ``scope`` glued to it."""
    for a in scope.iter("a"):
        label = element_text(a)
        if label and MORE.fullmatch(label) and label != text:
            text = text.replace(label, " ")
    return text


def _around(text: str, name: str) -> tuple[str | None, bool]:
    """What a line says besides ``name``: (the role part, whether it is a leading label)."""
    if name not in text:
        return None, False
    before, after = (clean_role(part) for part in text.split(name, 1))
    if before and role_of(before):
        return before, True
    return (after or before), False


def _element_people(root: Any, lines: list[Line], chrome: bool) -> list[Person]:
    found: list[Person] = []
    seen: set[int] = set()
    for el in root.iter():
        if tag_of(el) not in NAME_TAGS or any(id(a) in seen for a in el.iterancestors()):
            continue
        raw = el.text_content()
        if not raw.strip() or len(raw) > 150:
            continue
        name = clean_name(element_text(el))
        strength = name_strength(name)
        if not strength or (not chrome and in_chrome(el)):
            continue
        block = _block_of(el)
        if block is el:
            owned = lines_within(lines, el)
            if not owned:
                continue
            line, remainder, is_label = owned[0], None, False
        else:
            candidates = [ln for ln in lines if ln.block is block]
            line = next((ln for ln in candidates if name in ln.text), None) or next(
                (ln for ln in candidates if name.split()[0] in ln.text), None
            )
            if line is None:
                continue
            remainder, is_label = _around(_without_more_links(line.text, line.block), name)
            owned = [line] if remainder is None else []
        seen.add(id(el))
        found.append(Person(name, strength, el, line, owned, remainder, is_label))
    return found


def split_line(text: str) -> list[tuple[str, str | None, bool]]:
    """Names in one line of text: ``[(name, rest of the line, rest_is_a_label)]``."""
    text = text.strip()
    if len(text) > 300:
        return []
    name = clean_name(text)
    if name_strength(name):
        return [(name, None, False)]
    label = re.match(r"^(?P<label>[^:—–]{3,60}?)\s*(?::|—|–| - )\s*(?P<rest>.+)$", text)
    if label and role_of(label["label"]):
        parts = [clean_name(p) for p in re.split(r"[,;]\s*|\s+и\s+|\s+and\s+", label["rest"])]
        if all(name_strength(p) for p in parts if p):
            return [(p, label["label"], True) for p in parts if p]
        inner = split_line(label["rest"])
        if len(inner) == 1:
            return [(inner[0][0], label["label"], True)]
    for sep in _SEPARATORS:
        if sep not in text:
            continue
        left, right = text.split(sep, 1)
        if name_strength(clean_name(left)) and clean_role(right):
            return [(clean_name(left), clean_role(right), False)]
        left, right = text.rsplit(sep, 1)
        if name_strength(clean_name(right)) and clean_role(left):
            return [(clean_name(right), clean_role(left), False)]
    tokens = text.split()
    for n in (4, 3, 2):  # "Иванов Иван Иванович Руководитель делегации" (spans, no separator)
        head, rest = " ".join(tokens[:n]), " ".join(tokens[n:])
        if len(tokens) > n and name_strength(clean_name(head)) and role_of(rest):
            return [(clean_name(head), clean_role(rest), False)]
    return []


def _line_people(lines: list[Line], taken: set[int]) -> list[Person]:
    found = []
    for line in lines:
        if line.index in taken:
            continue
        for order, (name, rest, is_label) in enumerate(split_line(line.text)):
            owned = [line] if rest is None else []
            found.append(Person(name, name_strength(name), line.block, line, owned, rest, is_label))
            found[-1].order = order
    return found


def _climb(person: Person, people: list[Person], lines: list[Line]) -> Any:
    el = person.element
    while True:
        parent = el.getparent()
        if parent is None or tag_of(parent) in ("body", "html"):
            return el
        if any(o is not person and contains(parent, o.element) for o in people):
            return el
        inside = lines_within(lines, parent)
        if len(inside) > MAX_RECORD_LINES:
            return el
        for ln in inside:
            foreign = ln.heading and ln is not person.line and ln not in person.owned
            if foreign and not is_role_label(ln.text) and not role_of(ln.text):
                return el
        el = parent


def tail_elements(person: Person, people: list[Person]) -> list[Any]:
    """Siblings after a person's record up to the next person (flat name / role / link runs)."""
    out = []
    for sibling in person.record.itersiblings():
        if any(contains(sibling, o.element) for o in people):
            break
        out.append(sibling)
    return out


def find_people(root: Any, lines: list[Line], chrome: bool = False) -> list[Person]:
    """Every name in ``lines`` (page chrome too if ``chrome``), with its record, in page order."""
    people = _element_people(root, lines, chrome)
    taken = {ln.index for p in people for ln in [p.line, *p.owned]}
    people += _line_people(lines, taken)
    people.sort(key=lambda p: (p.line.index, p.order))
    for person in people:
        person.record = _climb(person, people, lines)
    for person in people:
        if any(o is not person and o.record is person.record for o in people):
            continue
        if not contains(person.record, person.line.block):
            # an inline record (<a><span>Name</span><span>Role</span></a>) on a shared line
            text = _without_more_links(element_text(person.record), person.record)
            person.remainder, person.label = _around(text, person.name)
        skip = {id(person.line), *map(id, person.owned)}
        person.extra = [ln for ln in lines_within(lines, person.record) if id(ln) not in skip]
    return people
