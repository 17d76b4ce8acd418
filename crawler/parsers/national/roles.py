"""What the words around a name say: a delegation role ("руководитель делегации", "Deputy
Head") and a chamber ("Совет Федерации", "Majlisi Milli"), in Russian and English."""

from __future__ import annotations

import re

# -- roles ---------------------------------------------------------------------------------------

_DELEG = r"(?:парламентск\w+\s+)?делегаци\w*"
_EN_DELEG = r"(?:of\s+)?(?:the\s+)?(?:parliamentary\s+)?delegation"
_ROLE_SEARCH = [
    ("deputy_head", rf"заместител\w*\s+(?:руководител|глав|председател)\w*\s+{_DELEG}"),
    ("deputy_head", rf"(?:deputy|vice)[\s-]+(?:head|chair\w*|leader)\s+{_EN_DELEG}"),
    ("head", rf"(?:руководител|глав|председател)\w*\s+{_DELEG}"),
    ("head", rf"(?:head|chair\w*|leader)\s+{_EN_DELEG}|delegation\s+(?:head|leader)"),
    ("member", rf"член\w*\s+{_DELEG}|members?\s+{_EN_DELEG}"),
]
_ROLE_BARE = [
    ("deputy_head", r"(?:перв\w+\s+)?заместител\w*(?:\s+(?:руководител|глав)\w*)?"),
    ("deputy_head", r"(?:first\s+)?(?:deputy|vice)[\s-]+(?:head|leader)s?"),
    ("head", r"руководител\w*|глава|head|leader"),
    ("member", r"член\w*|members?"),
]
_ROLE_SEARCH_RX = [(role, re.compile(rx, re.I)) for role, rx in _ROLE_SEARCH]
_ROLE_BARE_RX = [(role, re.compile(rx, re.I)) for role, rx in _ROLE_BARE]


def _bare(text: str) -> str:
    return text.strip().strip(":;,.()[]–—- ").strip()


def role_match(text: str) -> tuple[str, str] | None:
    """(canonical role, the words naming it) for the delegation role named in ``text``."""
    for role, rx in _ROLE_SEARCH_RX:
        m = rx.search(text)
        if m:
            return role, m[0]
    bare = _bare(text)
    for role, rx in _ROLE_BARE_RX:
        if rx.fullmatch(bare):
            return role, bare
    return None


def role_of(text: str) -> str | None:
    """Canonical delegation role named in ``text``: "head", "deputy_head", "member" or None."""
    found = role_match(text)
    return found[0] if found else None


_STAFF = re.compile(
    rf"(?:секретар|помощник|консультант|референт|советник|сотрудник)\w*\s+(?:\w+\s+)?{_DELEG}|"
    rf"(?:secretary|assistant|advis[eo]r|staff)\s+{_EN_DELEG}|секретариат|secretariat",
    re.I,
)


def is_staff(text: str) -> bool:
    """The delegation's staff ("ответственный секретарь делегации"), not a member."""
    return bool(_STAFF.search(text)) and role_of(_STAFF.sub(" ", text)) is None


def is_role_label(text: str) -> bool:
    """A line that is only a role ("Члены делегации:", "Deputy Head") - a section label."""
    bare = _bare(text)
    if not bare or len(bare) > 60:
        return False
    return any(rx.fullmatch(bare) for _, rx in _ROLE_SEARCH_RX + _ROLE_BARE_RX)


# -- chambers ------------------------------------------------------------------------------------

CHAMBERS = [
    ("Majlisi Milli", r"маджлиси\s+милл[иӣ]|majlisi\s+milli"),
    ("Majlisi Namoyandagon", r"маджлиси\s+намояндагон|majlisi\s+namoyandagon"),
    ("House of Representatives", r"палат\w*\s+представителей|house\s+of\s+representatives"),
    ("Council of the Republic", r"совет\w*\s+республики|council\s+of\s+the\s+republic"),
    ("State Duma", r"государственн\w*\s+дум\w*|state\s+duma"),
    ("Federation Council", r"совет\w*\s+федерации|federation\s+council"),
    ("Mazhilis", r"\bмажилис(?:а|е|ом|у)?\b|\bmazhilis\b"),
    ("Senate", r"\bсенат(?:а|е|ом|у)?\b|\bsenate\b"),
    ("Jogorku Kenesh", r"жогорку\s+кенеш\w*|jogorku\s+kenesh"),
]
_CHAMBER_RX = [(name, re.compile(rx, re.I)) for name, rx in CHAMBERS]
KNOWN_CHAMBERS = frozenset(name for name, _ in CHAMBERS)


def chambers_in(text: str) -> list[str]:
    """Canonical (English) names of the chambers ``text`` mentions, in canonical order."""
    return [name for name, rx in _CHAMBER_RX if rx.search(text)]


def chamber_only(text: str) -> str | None:
    """The chamber a line consists of ("Маджлиси милли", "Депутаты Сената"), else None."""
    found = [(name, rx) for name, rx in _CHAMBER_RX if rx.search(text)]
    if len(found) != 1 or role_of(text):
        return None
    rest = found[0][1].sub(" ", text)
    return found[0][0] if len(re.findall(r"[^\W\d_]+", rest)) <= 2 else None
