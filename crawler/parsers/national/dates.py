"""Finding and parsing publication dates in Russian and English.

Regular expressions cover the forms the parliament sites use ("12.03.2026", "2026-03-12 14:30",
"12 марта 2026 г.", "March 12, 2026", "вчера, 14:30", "2 дня назад"); dateparser is the fallback
for anything else. Relative dates resolve against ``fetched_at``, a naive UTC datetime: the date
is the UTC date, not the site's local one.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

_RU_MONTHS = {
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "ма": 5, "июн": 6, "июл": 7, "авг": 8, "сен": 9,
    "окт": 10, "ноя": 11, "дек": 12,
}  # fmt: skip
_EN_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<mon>январ[ья]|феврал[ья]|марта?|апрел[ья]|ма[йя]|июн[ья]|июл[ья]|августа?|"
    r"сентябр[ья]|октябр[ья]|ноябр[ья]|декабр[ья]|янв|фев|мар|апр|авг|сент?|окт|нояб?|дек|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?"
)
_TIME = r"(?:\s*(?:,|в|at|\||—|–|-)?\s*\d{1,2}:\d{2}(?::\d{2})?)?"
_YEAR_SUFFIX = r"(?:\s*(?:года|год|г)\b\.?)?"
_PATTERNS = [
    (
        "iso",
        r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
        r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?",
    ),
    ("ymd", r"\b(?P<y>\d{4})[./](?P<m>\d{1,2})[./](?P<d>\d{1,2})\b" + _TIME),
    ("num", r"\b(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})\b" + _TIME),
    ("dmy", r"\b(?P<d>\d{1,2})\s*" + _MONTH + r"\s*,?\s*(?P<y>\d{4})\b" + _YEAR_SUFFIX + _TIME),
    ("mdy", _MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b" + _TIME),
    (
        "rel",
        r"(?<![\w-])(?P<word>позавчера|вчера|сегодня|yesterday|today)(?![\w-])" + _TIME,
    ),
    (
        "ago",
        r"(?:(?P<n>\d+)\s+)?(?P<unit>минут[уы]?|minutes?|час(?:а|ов)?|hours?|дн(?:я|ей)|день|"
        r"days?|недел[июь]|weeks?)\s+(?:назад|ago)\b",
    ),
]
_REGEXES = [(kind, re.compile(rx, re.I)) for kind, rx in _PATTERNS]
# Every pattern above needs a digit or one of these words: text with neither holds no date.
_MAY_HOLD_DATE = re.compile(r"\d|позавчера|вчера|сегодня|yesterday|today|назад|ago", re.I)


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


_WORD_DAYS = {"сегодня": 0, "today": 0, "вчера": 1, "yesterday": 1, "позавчера": 2}


def _month(name: str) -> int:
    name = name.lower().rstrip(".")
    table = _RU_MONTHS if re.match(r"[а-яё]", name) else _EN_MONTHS
    return next(n for prefix, n in table.items() if name.startswith(prefix))


def _relative(kind: str, m: re.Match[str], base: datetime) -> date:
    if kind == "rel":
        return (base - timedelta(days=_WORD_DAYS[m["word"].lower()])).date()
    n, unit = int(m["n"] or 1), m["unit"].lower()
    if unit.startswith(("мин", "min")):
        delta = timedelta(minutes=n)
    elif unit.startswith(("час", "hour")):
        delta = timedelta(hours=n)
    elif unit.startswith(("нед", "week")):
        delta = timedelta(weeks=n)
    else:
        delta = timedelta(days=n)
    return (base - delta).date()


def _to_date(kind: str, m: re.Match[str], base: datetime, date_order: str) -> date:
    if kind in ("rel", "ago"):
        return _relative(kind, m, base)
    year = int(m["y"])
    if year < 100:
        year += 2000
    if kind == "num":
        a, b = int(m["a"]), int(m["b"])
        day, month = (b, a) if date_order.upper().startswith("M") else (a, b)
        return date(year, month, day)
    month = _month(m["mon"]) if "mon" in m.re.groupindex else int(m["m"])
    return date(year, month, int(m["d"]))


def find_date(
    text: str, *, fetched_at: datetime | None = None, date_order: str = "DMY"
) -> tuple[str, str] | None:
    """The first date expression in ``text``: ``(raw text, ISO date)``, or None.

    Only expressions with a year (or relative ones) count: "12 марта" inside a sentence is not a
    publication date.
    """
    if not _MAY_HOLD_DATE.search(text):
        return None
    base = fetched_at or _utcnow()
    found: list[tuple[int, str, re.Match[str]]] = []
    for kind, rx in _REGEXES:
        found.extend((m.start(), kind, m) for m in rx.finditer(text))
    for _, kind, m in sorted(found, key=lambda f: (f[0], -len(f[2][0]))):
        try:
            value = _to_date(kind, m, base, date_order)
        except (ValueError, StopIteration):
            continue
        if 1990 <= value.year <= base.year + 1:
            return m[0].strip(" ,|"), value.isoformat()
    return None


def date_line(text: str, **kw: Any) -> tuple[str, str] | None:
    """``find_date`` for a line that is a date plus at most a few words ("Опубликовано:
    12.03.2026 | Просмотров: 15"), not a sentence that mentions a date."""
    found = find_date(text, **kw)
    if not found:
        return None
    rest = text.replace(found[0], " ", 1).strip()
    return found if len(rest.split()) <= 6 and not rest.endswith((".", "!", "?")) else None


def parse_date(
    text: str,
    *,
    fetched_at: datetime | None = None,
    languages: tuple[str, ...] | list[str] = ("ru", "en"),
    date_order: str = "DMY",
) -> str | None:
    """ISO date ("2026-03-12") of the date in ``text``, or None.

    Fast path: the regular expressions of :func:`find_date`. Fallback: dateparser, with the site's
    ``DATE_ORDER``, ``RELATIVE_BASE=fetched_at`` and a year required (year-less dates are not
    publication dates on these sites).
    """
    if not text or not text.strip():
        return None
    found = find_date(text, fetched_at=fetched_at, date_order=date_order)
    if found:
        return found[1]
    if len(text) > 80 or not re.search(r"\d", text):
        return None
    import dateparser  # slow to import; only needed for unusual forms

    settings = {
        "DATE_ORDER": date_order.upper(),
        "RELATIVE_BASE": fetched_at or _utcnow(),
        "PREFER_DAY_OF_MONTH": "first",
        "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "REQUIRE_PARTS": ["day", "month", "year"],
    }
    parsed = dateparser.parse(text.strip(), languages=list(languages), settings=settings)
    return parsed.date().isoformat() if parsed else None
