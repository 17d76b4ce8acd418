"""Parse a news article page: title, publication date, body text, and whether it is about the
CSTO Parliamentary Assembly.

The body is found first, as the element richest in paragraph-like text (sentences that are not
links); the title is then the most prominent heading just before it, which is never the site name
in the page header; the date is the date line next to the title. The body runs from the title to
the first "related news" / "share" / copyright marker or run of links, chrome and captions skipped.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from store.entities.news import News

from ..errors import ArticleNotFound
from ..textlines import NATIONAL, Line, flatten, parse_html
from ..tree import common_ancestor, contains
from .dates import date_line, find_date
from .news import GENERIC, SIDE_BLOCK

ASSEMBLY = re.compile(
    r"одкб|csto|collective\s+security\s+treaty\s+organi[sz]ation|"
    r"организаци\w*\s+договора\s+о\s+коллективной\s+безопасности",
    re.I,
)
_STOP = re.compile(
    r"(?:читайте\s+также|смотрите\s+также|см\.\s+также|другие\s+(?:новости|материалы)|похожие|"
    r"популярн|последние\s+новости|все\s+новости|новости\s+по\s+теме|по\s+теме|related|see\s+also|"
    r"more\s+news|other\s+news|latest\s+news|popular|most\s+read|share|поделиться|теги|метки|"
    r"tags|комментари|comments|вернуться|назад\s+к|back\s+to)\b",
    re.I,
)
_META = re.compile(
    r"(?:просмотр\w*|views?|печать|версия\s+для\s+печати|распечатать|print|размер\s+шрифта|"
    r"фото\s*:|photo\s*:|источник\s+фото|автор\s+фото|фото\s+\S+$|photo\s+by)",
    re.I,
)
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|все\s+права\s+защищены|all\s+rights\s+reserved", re.I)
_UNAVAILABLE = re.compile(
    r"техническ\w+\s+(?:работ|обслуживани)|на\s+обслуживании|maintenance|временно\s+недоступ|"
    r"temporarily\s+unavailable|страниц\w*\s+не\s+(?:найден|существует)|page\s+not\s+found|"
    r"not\s+found|\b404\b|under\s+construction",
    re.I,
)
_WORDS = re.compile(r"[^\W_]+")
_LEVEL_BONUS = {1: 8, 2: 5, 3: 3, 4: 1}


def _meta(text: str) -> bool:
    """Views counter, print / share buttons, photo credits: page furniture, not text."""
    return bool(_META.match(text)) and len(text) < 80


def _text_line(line: Line) -> bool:
    if line.heading or line.caption or line.chrome or line.link_ratio >= 0.5:
        return False
    text = line.text
    return not (_COPYRIGHT.search(text) or _meta(text) or date_line(text))


def _paragraph_like(line: Line, relaxed: bool = False) -> bool:
    """A sentence of running text; ``relaxed``: any short sentence (for very short articles)."""
    text = line.text
    if not _text_line(line):
        return False
    if relaxed:
        words = re.findall(r"[^\W\d_]{2,}", text)
        return len(words) >= 3 and bool(re.search(r"[.!?…]$", text))
    return len(text) >= 80 or (
        len(text) >= 30 and len(text.split()) >= 4 and bool(re.search(r"[.!?…»\"”]$", text))
    )


def _best_container(paragraphs: list[Line]) -> Any:
    scores: dict[int, list] = {}
    for line in paragraphs:
        parent = line.block.getparent()
        targets = [(parent, 1.0)] if parent is not None else [(line.block, 1.0)]
        if parent is not None and parent.getparent() is not None:
            targets.append((parent.getparent(), 0.5))
        for el, weight in targets:
            scores.setdefault(id(el), [el, 0.0])[1] += weight * len(line.text)
    return max(scores.values(), key=lambda pair: pair[1])[0]


def _meta_titles(root: Any) -> list[set[str]]:
    """Word sets of ``og:title`` and ``<title>``: the article title usually shares most words."""
    texts = [m.get("content", "") for m in root.iter("meta") if m.get("property") == "og:title"]
    texts += [t.text_content() for t in root.iter("title")]
    return [set(_WORDS.findall(t.casefold())) for t in texts if t.strip()]


def _home_link(line: Line) -> bool:
    """A heading that links to a section root ("/", "/ru/mazhilis") is the site's name."""
    for a in line.block.iter("a"):
        path = urlsplit(a.get("href") or "").path
        if len([s for s in path.split("/") if s]) <= 2 and not re.search(r"\d", path):
            return True
    return False


def _title_line(lines: list[Line], anchor: Line, best: Any, root: Any) -> Line | None:
    """The heading before the body with the best score: prominent, close to the body, inside
    the body's container, sharing words with ``<title>``, not followed by a menu."""
    metas = _meta_titles(root)
    near = best.getparent() if best.getparent() is not None else best
    best_score, chosen = None, None
    for line in lines[: anchor.index]:
        text = line.text
        words = set(_WORDS.findall(text.casefold()))
        overlap = max((len(words & m) / len(words) for m in metas if words), default=0)
        # without a heading element, a line repeating the <title> (a bold "title" div) will do
        weak = line.link_ratio > 0.2 or len(words) < 2 or overlap < 0.7 or len(text) > 300
        if not 1 <= line.heading <= 4 and weak:
            continue
        if GENERIC.fullmatch(text) or date_line(text):
            continue
        if SIDE_BLOCK.search(text) and len(text) < 40 or not re.search(r"[^\W\d_]", text):
            continue
        between = lines[line.index + 1 : anchor.index]
        score = _LEVEL_BONUS.get(line.heading, 0) - len(between) - 1
        score -= 2 * sum(1 for ln in between if ln.link_ratio >= 0.5)
        score -= 10 if line.chrome else 0
        score -= 6 if _home_link(line) else 0
        score += 3 if contains(near, line.block) else 0
        score += 6 * overlap
        if best_score is None or score > best_score:
            best_score, chosen = score, line
    return chosen


def _body(
    lines: list[Line], start: int, anchor: Line, region: Any
) -> tuple[list[Line], list[Line]]:
    """Body lines after line ``start`` (the title); and the date-like lines met on the way
    there and just after the body ("Дата публикации: 12.03.2026" under the text)."""
    out: list[Line] = []
    dated: list[Line] = []
    run = 0
    end = len(lines)
    for line in lines[start + 1 :]:
        started = line.index >= anchor.index
        text = line.text
        if started and not contains(region, line.block):
            end = line.index
            break
        if line.chrome or line.caption or _meta(text):
            continue
        if (_STOP.match(text) and len(text) < 60) or (line.heading and SIDE_BLOCK.search(text)):
            if started:
                end = line.index
                break
            continue
        if _COPYRIGHT.search(text) and len(text) < 200:
            end = line.index
            break
        if line.link_ratio >= 0.5:
            run += 1
            if started and run >= 3:
                end = line.index
                break
            continue
        run = 0
        if date_line(text) or not re.search(r"[^\W\d_]", text):
            dated.append(line)
            continue
        lead = not line.heading and (_paragraph_like(line) or contains(region, line.block))
        if started or lead:
            out.append(line)
    while out and out[-1].heading:
        out.pop()
    return out, dated + [ln for ln in lines[end : end + 5] if not ln.chrome]


def _with_joined(lines: list[Line]) -> list[tuple[Line, str]]:
    """Each line with its text, then with the next short lines (a date set in separate blocks:
    ``<div>12</div><div>марта 2026</div>``)."""
    out = []
    for i, line in enumerate(lines):
        out.append((line, line.text))
        parts = [line.text]
        for nxt in lines[i + 1 : i + 3]:
            if len(parts[-1]) > 20 or len(nxt.text) > 20 or nxt.index != line.index + len(parts):
                break
            parts.append(nxt.text)
            out.append((line, " ".join(parts)))
    return out


def _published(
    lines: list[Line], title: Line, anchor: Line, later: list[Line], root: Any, **kw: Any
) -> tuple[str | None, str | None]:
    """(raw, ISO) publication date: a date line (or ``<time>``) under the title, else just above
    it, else under the body, else a ``published`` meta tag."""
    after = [ln for ln in lines[title.index + 1 : anchor.index] if not ln.chrome]
    before = [ln for ln in reversed(lines[max(0, title.index - 3) : title.index]) if not ln.chrome]
    for line, text in _with_joined(after + before + later):
        if line.link_ratio >= 0.5:
            continue
        found = date_line(text, **kw)
        stamp = find_date(line.datetime, **kw) if line.datetime else None
        if stamp:  # a <time datetime> is exact; the visible text may say "вчера"
            return (found[0] if found else line.datetime), stamp[1]
        if found:
            return found[0], found[1]
    for el in root.iter("meta", "time"):
        key = el.get("property") or el.get("itemprop") or el.get("name") or ""
        value = el.get("content") or el.get("datetime") or ""
        if re.search(r"published|datepublished|^date$|dc\.date", key, re.I) and value:
            found = find_date(value, **kw)
            if found:
                return value, found[1]
    return None, None


def parse_article(
    html: str,
    url: str,
    *,
    language: str,
    fetched_at: datetime | None = None,
    date_order: str = "DMY",
) -> News:
    """The article on a news page; raises :class:`ArticleNotFound` without a heading and body.

    Returns a ``News`` record (``store/entities/news.py``): ``type``, ``url``, ``language``,
    ``title``, ``published`` (ISO date or None), ``published_text`` (raw or None), ``body``
    (paragraphs separated by a blank line), ``about_assembly``.
    """
    root = parse_html(html)
    if root is None:
        raise ArticleNotFound(url, "empty page")
    lines = flatten(root, NATIONAL)
    paragraphs = [ln for ln in lines if _paragraph_like(ln)]
    paragraphs = paragraphs or [ln for ln in lines if _paragraph_like(ln, relaxed=True)]
    if not paragraphs:
        raise ArticleNotFound(url, "no article text")
    best = _best_container(paragraphs)
    anchor = next(ln for ln in paragraphs if contains(best, ln.block))
    title = _title_line(lines, anchor, best, root)
    if title is None:
        raise ArticleNotFound(url, "no article heading")
    between = [ln for ln in paragraphs if title.index < ln.index < anchor.index]
    if between and any(1 <= ln.heading <= 4 for ln in lines[between[-1].index : anchor.index]):
        # the densest text is another section (a sidebar): the body is what follows the title
        anchor, best = between[0], between[0].block
    region = common_ancestor([title.block, best])
    body, later = _body(lines, title.index, anchor, region)
    text = "\n\n".join(line.text for line in body)
    if not body or (len(text) < 400 and _UNAVAILABLE.search(f"{title.text} {text}")):
        raise ArticleNotFound(url, f"not an article ({title.text!r})")
    kw = {"fetched_at": fetched_at, "date_order": date_order}
    published_text, published = _published(lines, title, anchor, later, root, **kw)
    return News(
        type="news",
        url=url,
        language=language,
        title=title.text,
        published=published,
        published_text=published_text,
        body=text,
        about_assembly=bool(ASSEMBLY.search(f"{title.text}\n{text}")),
    )
