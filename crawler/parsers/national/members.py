"""Parse a chamber's page on its delegation to the CSTO Parliamentary Assembly.

Works on tables, lists, cards and plain paragraphs alike: people are found by what their names look
like (:mod:`.persons`), roles by the words around them, and the delegation among all the people on
the page by its structure - the group of records that carries delegation roles, plus the groups
next to it under the page's delegation heading. Nav links and headlines are never names.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

from crawler.names import clean_name
from store.entities.member import Member

from ..errors import MemberListNotFound
from ..lexicon import MORE
from ..textlines import NATIONAL, Line, element_text, flatten, lines_within, parse_html
from ..tree import absolute_url, base_href, common_ancestor, contains, links, tag_of
from .persons import Person, clean_role, find_people, tail_elements
from .roles import (
    KNOWN_CHAMBERS,
    chamber_only,
    chambers_in,
    is_role_label,
    is_staff,
    role_match,
    role_of,
)

_ANCHOR = re.compile(r"делегаци|delegation|одкб|csto|ассамбле|assembly", re.I)
_CONTACT = re.compile(r"(?:тел|телефон|факс|e-?mail|эл\.\s*почта|phone|fax)\b|@|\+\d", re.I)
_SENTENCE = re.compile(r"(?<=[^\W\d_]{3}[.!?;])\s+")
_FILE = re.compile(r"\.(?:pdf|docx?|rtf|jpe?g|png|gif|webp|zip)$", re.I)


def _noise(line: Line) -> bool:
    text = line.text
    if not re.search(r"[^\W\d_]", text) or MORE.fullmatch(text) or _CONTACT.search(text):
        return True
    return line.link_ratio > 0.9 and not role_of(text)


class _Page:
    """The people on a page, grouped by the element their records sit in, and lookups around
    a person's record: the lines before it (section labels, chamber headings) and after it."""

    def __init__(self, lines: list[Line], people: list[Person]) -> None:
        self.lines = lines
        self.groups: list[tuple[Any, list[Person]]] = []
        for p in people:
            parent = p.record.getparent()
            group = next((g for c, g in self.groups if c is parent), None)
            if group is None:
                self.groups.append((parent, [p]))
            else:
                group.append(p)
        self.span = {}
        for p in people:
            inside = [ln.index for ln in lines_within(lines, p.record)]
            self.span[id(p)] = inside or [p.line.index]
        self.in_record = {i for indexes in self.span.values() for i in indexes}
        self.starts = sorted(min(v) for v in self.span.values())
        self.names = {p.name for p in people}
        # ``Line.index`` numbers all lines of the page, chrome included; ``lines`` may lack some
        self.indexes = [ln.index for ln in lines]

    def _pos(self, index: int) -> int:
        """The position in ``self.lines`` of the first line numbered ``index`` or later."""
        return bisect_left(self.indexes, index)

    def before(self, person: Person) -> list[Line]:
        """Lines before the person's record that belong to no record, nearest first."""
        start = self._pos(min(self.span[id(person)]))
        return [ln for ln in reversed(self.lines[:start]) if ln.index not in self.in_record]

    def following(self, person: Person) -> list[Line]:
        """Lines between the person's record and the next record, within its container: the
        role of a name in a flat ``<dt>``/``<dd>`` or ``<h3>``/``<p>`` sequence."""
        end = max(self.span[id(person)])
        next_start = next((i for i in self.starts if i > end), None)
        stop = self._pos(next_start) if next_start is not None else len(self.lines)
        parent = person.record.getparent()
        out = []
        for ln in self.lines[self._pos(end + 1) : stop][:4]:
            if ln.index in self.in_record or not contains(parent, ln.block):
                break
            if ln.heading and not role_of(ln.text):
                break
            out.append(ln)
        return out

    def label_for(self, person: Person) -> str | None:
        for ln in self.before(person)[:30]:
            if is_role_label(ln.text) and ln.heading != 1:
                return clean_role(ln.text)
            if ln.heading or chamber_only(ln.text):
                return None
        return None

    def sentence_role(self, person: Person) -> tuple[str, str] | None:
        """A role given in running text: "Руководитель делегации — Председатель Палаты
        представителей Иванов И.И." above a plain list of names."""
        for ln in self.lines:
            if ln.index in self.in_record or person.name not in ln.text:
                continue
            for sentence in _SENTENCE.split(ln.text):
                others = [n for n in self.names if n != person.name and n in sentence]
                if person.name in sentence and not others:
                    found = role_match(sentence.replace(person.name, " "))
                    if found:
                        return found
        return None

    def chamber_heading(self, person: Person) -> str | None:
        for ln in self.before(person):
            if ln.link_ratio < 0.5 and (ln.heading or len(ln.text) <= 80):
                found = chambers_in(ln.text)
                if len(found) == 1:
                    return found[0]
        return None


def _role(person: Person, page: _Page, labelled: bool) -> tuple[str, str | None, bool]:
    """(canonical role, role as written, whether the page gave a role at all).

    ``labelled``: the person's group is introduced by section labels ("Члены делегации:"), so a
    role comes from the nearest label above; otherwise from the lines right after the name.
    """
    if person.label:
        return role_of(person.remainder or "") or "member", person.remainder, True
    texts = [person.remainder] if person.remainder else []
    extra = person.extra + ([] if labelled else person.tail)
    texts += [ln.text for ln in extra if not _noise(ln) and not chamber_only(ln.text)]
    for text in texts:
        role = role_of(text)
        if role:
            return role, clean_role(text), True
    label = page.label_for(person) if labelled else None
    if label:
        return role_of(label) or "member", label, True
    mentioned = page.sentence_role(person)
    if mentioned:
        return mentioned[0], mentioned[1], True
    return "member", clean_role(texts[0]) if texts else None, False


def _chamber(person: Person, role_text: str | None, page: _Page) -> str | None:
    """The chamber the page names for the person: a column, a section heading, the role text."""
    for ln in person.extra + person.tail:
        if chamber_only(ln.text):
            return chamber_only(ln.text)
    found = chambers_in(role_text or "")
    return page.chamber_heading(person) or (found[0] if len(found) == 1 else None)


def _profile(person: Person, base: str, sole: bool, tail: list[Any]) -> str | None:
    """The name's own link, else a "Подробнее" / photo link in its record (or right after it)."""
    around = [a for a in (person.element, *person.element.iterancestors()) if tag_of(a) == "a"]
    scope = person.record if sole else person.element
    named = [a for a in links(scope) if clean_name(element_text(a)) == person.name]
    more = []
    if sole:
        scopes = [person.record, *tail]
        for a in (a for scope in scopes for a in links(scope)):
            text = element_text(a)
            if (text and MORE.fullmatch(text)) or (not text and a.find(".//img") is not None):
                more.append(a)
    for a in around + named + more:
        url = absolute_url(base, a.get("href"))
        if url and not _FILE.search(url.split("?")[0]):
            return url
    return None


def _select(page: _Page, roles: dict[int, bool], roles_required: bool) -> list[Person]:
    """The delegation among everyone named: groups with roles (or, without any role on the page,
    groups of names after a delegation heading), and the groups next to them."""
    groups = [g for _, g in page.groups]
    anchors = [ln for ln in page.lines if _ANCHOR.search(ln.text) and ln.link_ratio < 0.5]
    core = [g for g in groups if any(roles[id(p)] for p in g)]
    if not core and (roles_required or not anchors):
        return []
    if not core:
        first = anchors[0].index if anchors else -1
        core = [g for g in groups if len(g) >= 2 and g[0].line.index > first]
    if not core:
        return []
    start = min(g[0].line.index for g in core)
    anchor = next((ln for ln in reversed(anchors) if ln.index < start), None)
    region = common_ancestor(
        [g[0].record.getparent() for g in core] + ([anchor.block] if anchor else [])
    )
    chosen = []
    for g in groups:
        near = contains(region, g[0].record) and (anchor is None or g[0].line.index > anchor.index)
        if any(g is c for c in core) or (near and (len(g) >= 2 or g[0].strength == 2)):
            chosen.extend(g)
    return sorted(chosen, key=lambda p: (p.line.index, p.order))


def _attempt(
    root: Any, lines: list[Line], chrome: bool
) -> tuple[_Page, list[Person], dict[int, tuple[str, str | None, bool]], list[Person]]:
    """Find, describe and select people among ``lines``; with ``chrome``, only role-bearing."""
    people = find_people(root, lines, chrome)
    page = _Page(lines, people)
    roles = {}
    for _, group in page.groups:
        labelled = page.label_for(group[0]) is not None
        for p in group:
            p.tail = [] if labelled else page.following(p)
            roles[id(p)] = _role(p, page, labelled)
    chosen = _select(page, {k: v[2] for k, v in roles.items()}, roles_required=chrome)
    return page, people, roles, chosen


def parse_member_list(
    html: str, url: str, *, site: str, country: str, chamber: str | None, language: str
) -> list[Member]:
    """Members of the chamber's delegation to the CSTO PA, in page order.

    Raises :class:`MemberListNotFound` when the page lists no plausible set of persons.
    ``chamber`` is the page's own chamber for a person when the page names several chambers (a
    Tajik page with Majlisi Milli and Majlisi Namoyandagon sections or column), as the canonical
    English name (:data:`.roles.CHAMBERS`); otherwise the ``chamber`` argument.
    """
    root = parse_html(html)
    if root is None:
        raise MemberListNotFound(url, "empty page")
    everything = flatten(root, NATIONAL)
    content = [ln for ln in everything if not ln.chrome]
    page, people, roles, chosen = _attempt(root, content, chrome=False)
    if not chosen:  # a list placed in an <aside> or <nav>: only with delegation roles
        page, people, roles, chosen = _attempt(root, everything, chrome=True)
    if not chosen:
        raise MemberListNotFound(url, "no list of persons found")
    chambers = {id(p): _chamber(p, roles[id(p)][1], page) for p in chosen}
    named = {c for c in chambers.values() if c}
    use_named = len(named) >= 2 or bool(named and chamber not in KNOWN_CHAMBERS)
    tails = {id(p): tail_elements(p, people) for p in chosen if p.tail}
    base = base_href(root, url)
    records: list[Member] = []
    seen: set[str] = set()
    for p in chosen:
        role, role_text, _ = roles[id(p)]
        if p.name in seen or is_staff(role_text or ""):
            continue
        seen.add(p.name)
        sole = not any(o is not p and o.record is p.record for o in people)
        records.append(
            Member(
                type="member",
                country=country,
                chamber=(chambers[id(p)] or chamber) if use_named else chamber,
                name=p.name,
                role=role,
                role_text=role_text,
                source=site,
                language=language,
                profile_url=_profile(p, base, sole, tails.get(id(p), [])),
                position=len(records) + 1,
            )
        )
    return records
