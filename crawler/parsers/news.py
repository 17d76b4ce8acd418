"""The news item of an ``/events/<slug>`` page, found by structure: a heading next to a date,
followed by paragraphs, excluding page chrome and the delegations block."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

import dateparser

from .blocklines import (
    inert_line,
    looks_like_block_line,
    parse_delegation_sentence,
    parse_representative,
    parse_website,
    split_segments,
)
from .errors import BlockNotFound
from .text import detect_language
from .textlines import Document, Line
from .tree import ancestors

_MONTH = r"[A-Za-zА-Яа-яЁё]{3,}\.?"
_DATE = re.compile(
    rf"(?<![\d.])(?:\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}"
    r"|\d{1,2}[./]\d{1,2}[./]\d{4}|\d{4}-\d{2}-\d{2})(?!\d)"
)
_NOT_DATE_WORDS = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?|\b(?:г|года?|year)\b\.?|[^\w\s]", re.I)
DATE_SETTINGS = {
    "DATE_ORDER": "DMY",  # "05.03.2026" is 5 March
    "PREFER_DAY_OF_MONTH": "first",
    "REQUIRE_PARTS": ["day", "month", "year"],
}
_FOOTER_START = re.compile(r"(?:©|\(c\)|copyright\b|все права)", re.I)
_TERMINAL = ('.', '!', '?', '…', '"', '»', ')')  # fmt: skip


_MONTH_NUMBERS = {
    name: number
    for number, names in enumerate(
        [
            "january января январь", "february февраля февраль", "march марта март",
            "april апреля апрель", "may мая май", "june июня июнь", "july июля июль",
            "august августа август", "september сентября сентябрь", "october октября октябрь",
            "november ноября ноябрь", "december декабря декабрь",
        ],
        start=1,
    )
    for name in names.split()
}  # fmt: skip
_PLAIN_DATE = re.compile(
    r"(?P<d>\d{1,2})\s+(?P<mon>\w+),?\s+(?P<y>\d{4})"
    r"|(?P<mon2>[A-Za-z]+)\s+(?P<d2>\d{1,2}),?\s+(?P<y2>\d{4})"
    r"|(?P<d3>\d{1,2})[./](?P<m3>\d{1,2})[./](?P<y3>\d{4})"
)


def _plain_date(value: str) -> date | None:
    """A date written out in full ("28 May 2025", "May 28, 2025", "28 мая 2025",
    "28.05.2025"): read directly, as dateparser reads it (day first) but without its cost; None
    for any other form, which is left to dateparser."""
    m = _PLAIN_DATE.fullmatch(value)
    if m is None:
        return None
    if m["d3"]:
        day, month, year = int(m["d3"]), int(m["m3"]), int(m["y3"])
    else:
        month = _MONTH_NUMBERS.get((m["mon"] or m["mon2"]).lower(), 0)
        day, year = int(m["d"] or m["d2"]), int(m["y"] or m["y2"])
    try:
        return date(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=8192)
def parse_date(text: str) -> str | None:
    """First date in ``text`` as ISO ``YYYY-MM-DD`` (day-month-year order), else ``None``."""
    for m in _DATE.finditer(text):
        value = m.group()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return date.fromisoformat(value).isoformat()
            except ValueError:
                continue
        if (plain := _plain_date(value)) is not None:
            return plain.isoformat()
        parsed = dateparser.parse(value, languages=["en", "ru"], settings=DATE_SETTINGS)
        if parsed is not None:
            return parsed.date().isoformat()
    return None


def date_of_line(line: Line) -> str | None:
    """The date of a line that is (almost) only a date, e.g. "28 May 2025" or "28.05.2025 14:30".

    Body sentences that mention a date ("On November 27, 2025, at the summit...") do not count.
    """
    if len(line.text) > 80:
        return None
    if line.datetime and (iso := parse_date(line.datetime)):
        return iso
    if len(line.text) > 60 or not _DATE.search(line.text):
        return None
    leftover = _NOT_DATE_WORDS.sub(" ", _DATE.sub(" ", line.text)).split()
    return parse_date(line.text) if len(leftover) <= 3 else None


@lru_cache(maxsize=16384)  # the block's lines recur on every page
def is_block_line(text: str) -> bool:
    """True when a text line holds a line of the delegations block (never article text)."""
    if inert_line(text):  # none of its segments starts like a block line
        return False
    return any(
        parse_delegation_sentence(s) or parse_representative(s) or parse_website(s)
        or looks_like_block_line(s)
        for s in split_segments(text)
    )  # fmt: skip


def _paragraph_like(line: Line) -> bool:
    text = line.text
    return line.link_ratio < 0.5 and (
        len(text) >= 60 or (len(text) >= 20 and text.endswith(_TERMINAL))
    )


_NON_WORD = re.compile(r"\W+")


@lru_cache(maxsize=4096)  # a title is compared with every line after it
def _key(text: str) -> str:
    return _NON_WORD.sub(" ", text).strip().casefold()


def _near_date(content: list[Line], k: int, dates: dict[int, str]) -> tuple[Line | None, bool]:
    """The date line right after (preferred) or right before ``content[k]``, and which side.

    At most one short, non-heading line may stand between them ("Title / Photo / 28 May").
    """
    for step in (1, -1):
        for j in (k + step, k + 2 * step):
            if not 0 <= j < len(content):
                break
            if content[j].index in dates:
                return content[j], step == 1
            if content[j].heading or _paragraph_like(content[j]):
                break
    return None, False


def _drop_teaser_title(body: list[str]) -> None:
    if body and len(body[-1]) < 120 and not body[-1].endswith(_TERMINAL):
        body.pop()


BLOCK = "news"


def _cell(line: Line) -> Any:
    return next((el for el in ancestors(line.block) if el.tag in ("td", "th")), None)


def _beside(a: Line, b: Line) -> bool:
    """``a`` and ``b`` sit in two cells of one table row: a side column (an old layout's
    sidebar with bold names) is not the article's title, nor its date's or text's."""
    cell_a, cell_b = _cell(a), _cell(b)
    return (
        cell_a is not None
        and cell_b is not None
        and cell_a is not cell_b
        and cell_a.getparent() is cell_b.getparent()
    )


@dataclass
class NewsArticle:
    """The news item :func:`read_article` found: its record, the index of its title line (for
    merging in page order) and the problems seen on the way."""

    index: int
    record: dict
    errors: list[str] = field(default_factory=list)


def read_article(doc: Document) -> NewsArticle:
    """Find the article: heading + date + paragraphs; raises :class:`BlockNotFound`."""
    errors: list[str] = []
    lines = doc.lines
    block = [is_block_line(ln.text) for ln in lines]
    skip = [bool(ln.chrome) or b for ln, b in zip(lines, block, strict=True)]
    # A <header> outside <article>/<main> is usually the site's, but some pages put the
    # article heading and date in one: its lines may still be the title (with a penalty).
    content = [ln for ln in lines if not block[ln.index] and ln.chrome in (None, "header")]
    dates = {ln.index: d for ln in content if (d := date_of_line(ln))}
    best = _best_title(doc, content, dates)
    if best is None:
        raise BlockNotFound(BLOCK, "no heading with a date or paragraphs after it")
    title_line, date_line = best
    body = _body(lines, skip, dates, title_line)
    published = dates.get(date_line.index) if date_line else None
    if published is None and (len(body) < 2 or sum(map(len, body)) < 200):
        raise BlockNotFound(BLOCK, f"undated heading {title_line.text[:80]!r} without text")
    if not body:
        errors.append(f"{BLOCK}: article {title_line.text[:80]!r} has no text")
    record = {
        "type": "news",
        "url": doc.url,
        "language": detect_language(" ".join([title_line.text, *body])),
        "title": title_line.text,
        "published": published,
        "body": "\n\n".join(body),
    }
    return NewsArticle(title_line.index, record, errors)


def _best_title(
    doc: Document, content: list[Line], dates: dict[int, str]
) -> tuple[Line, Line | None] | None:
    page_title = _key(doc.title or "")
    best: tuple[float, Line, Line | None] | None = None
    for k, line in enumerate(content):
        if line.index in dates or not 8 <= len(line.text) <= 300 or line.text.endswith(":"):
            continue
        date_line, after = _near_date(content, k, dates)
        if date_line is not None and _beside(line, date_line):
            date_line, after = None, False  # a sidebar's bold name above the article's date
        if not line.heading and date_line is None:
            continue
        score = {1: 3, 2: 2, 3: 1}.get(line.heading, 0) - (line.link_ratio > 0.5)
        score -= 2 * (line.chrome == "header")
        score += 3 if after else 2 if date_line else 0
        score += 2 * any(
            _paragraph_like(ln) and not _beside(line, ln) for ln in content[k + 1 : k + 7]
        )
        score += 2 * (len(line.text) >= 15 and _key(line.text) in page_title)
        if best is None or score > best[0]:
            best = (score, line, date_line)
    if best is None or best[0] < 4:
        return None
    return best[1], best[2]


def _body(lines: list[Line], skip: list[bool], dates: dict[int, str], title: Line) -> list[str]:
    """Paragraphs after the title inside the smallest element holding title and text."""
    following = lines[title.index + 1 :]
    first = next(
        (ln for ln in following if not skip[ln.index] and _paragraph_like(ln)
         and _key(ln.text) != _key(title.text)),
        None,
    )  # fmt: skip
    if first is None:
        return []
    # lxml keeps one proxy object per node while it is referenced: identity tests are safe
    title_chain = ancestors(title.block)
    container = next(el for el in ancestors(first.block) if el in title_chain)
    body: list[str] = []
    for pos, line in enumerate(following):
        if container not in ancestors(line.block):
            break  # an element's lines are contiguous: we have left the article
        if skip[line.index]:
            if body and not line.chrome:
                break  # the delegations block after the article text
            continue
        if _key(line.text) == _key(title.text):
            continue
        if line.index in dates:
            if body:  # another item's date: drop its short title already taken
                _drop_teaser_title(body)
                break
            continue
        if body and _FOOTER_START.match(line.text):
            break
        if body and _next_item(line, following[pos + 1 :], dates):
            break
        if body and line.heading and (line.heading <= 2 or _dated(following, pos, dates)):
            break  # "Other news" section, or the next item's heading
        if line.link_ratio > 0.5 and len(line.text) < 100:
            continue  # "Back to news", share buttons, tags
        body.append(line.text)
    return body


def _dated(following: list[Line], pos: int, dates: dict[int, str]) -> bool:
    return any(ln.index in dates for ln in following[pos + 1 : pos + 3])


def _next_item(line: Line, rest: list[Line], dates: dict[int, str]) -> bool:
    """True for a short unpunctuated line followed by a date: another item's title."""
    if len(line.text) > 200 or line.text.endswith(_TERMINAL):
        return False
    return bool(rest) and rest[0].index in dates
