"""Parse a news list page: the articles it links to, and the other pages of the list.

An article link is any link whose path fullmatches the site's ``article`` pattern. Its *item* is
the largest element around the link that links to no other article (the list item, the table row,
the card); the item gives the title and the date. In flat lists (date, heading, teaser as
siblings) a date line between two items is given to the one it belongs to. Links in page chrome
and in "popular / related news" blocks are not the list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from ..errors import NewsListNotFound
from ..lexicon import MORE
from ..text import normalize_text
from ..textlines import NATIONAL, element_text, flatten, in_chrome, lines_within, parse_html
from ..tree import absolute_url, base_href, common_ancestor, contains, links, tag_of
from .dates import date_line, find_date

SIDE_BLOCK = re.compile(
    r"популярн|самое\s+читаем|самые\s+читаем|читаемое|most\s+(?:read|popular|viewed)|popular|"
    r"читайте\s+также|смотрите\s+также|see\s+also|related|похожие|по\s+теме|рекомендуем|"
    r"другие\s+новости|other\s+news|more\s+news",
    re.I,
)
GENERIC = re.compile(
    r"новости|news|главная|home|пресс-центр|press\s+cent(?:er|re)|лента\s+новостей|события|"
    r"events|публикации|материалы|актуально|media|все\s+новости|all\s+news|архив|archive",
    re.I,
)
_PAGE_PARAM = re.compile(r"(?i)page|p|pg|pn|pagen_\d+|start|offset|from|страница")
_PAGE_PATH = re.compile(r"(?i)/(?:page|p|стр)[/-]?\d+/?$")
_PAGER_TEXT = re.compile(
    r"\d{1,4}|[«»‹›<>←→]+|(?:след\w*|пред\w*|далее|назад|вперед|вперёд|next|prev\w*|"
    r"older|newer|last|first|последн\w*|перв\w*)\W*",
    re.I,
)


MAX_ITEM_CHARS = 1200


@dataclass
class NewsList:
    """``items``: the articles, in page order; ``next_pages``: other pages of the list.

    Behaves as the list of items (iteration, ``len``, indexing), so callers that expect a plain
    list of records keep working.
    """

    items: list[dict[str, Any]] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index):
        return self.items[index]


def _is_article(pattern: re.Pattern[str], url: str) -> bool:
    path = urlsplit(url).path
    return bool(pattern.fullmatch(path) or pattern.fullmatch(unquote(path)))


def _key(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    return host, parts.path.rstrip("/") or "/", parts.query


class _Articles:
    """Which articles each element links to (the proxies are kept, so their ids stay valid)."""

    def __init__(self, pairs: list[tuple[Any, tuple]]) -> None:
        self.keys: dict[int, set[tuple]] = {}
        self._keep: list[Any] = []
        for a, key in pairs:
            for node in (a, *a.iterancestors()):
                self._keep.append(node)
                self.keys.setdefault(id(node), set()).add(key)

    def others(self, el: Any, key: tuple) -> bool:
        return bool(self.keys.get(id(el), set()) - {key})


def _item_element(link: Any, key: tuple, articles: _Articles) -> Any:
    """The largest element around ``link`` that links to no other article (and is no bigger
    than a teaser: a page with a single article link must not make the whole page its item)."""
    el = link
    while True:
        parent = el.getparent()
        if parent is None or tag_of(parent) in ("body", "html"):
            return el
        if articles.others(parent, key):
            return el
        if any(not contains(h1, link) for h1 in parent.iter("h1")):
            return el  # the page heading: the whole list, not an item
        if len(parent.text_content()) > MAX_ITEM_CHARS:
            return el
        el = parent


def _usable_title(text: str) -> bool:
    if not text or MORE.fullmatch(text) or GENERIC.fullmatch(text):
        return False
    found = find_date(text)
    return found is None or len(text) - len(found[0]) > 15


def _title(item: Any, item_links: list[Any]) -> str:
    """The item's title: a heading holding the link, else the link text, else the item's
    heading (links that say "Подробнее"), else the link's ``title`` or image ``alt``."""
    headings = [ln for ln in flatten(item, NATIONAL) if ln.heading and _usable_title(ln.text)]
    for line in headings:
        if any(contains(line.block, a) for a in item_links):
            return line.text
    best = ""
    for a in item_links:
        text = next((ln.text for ln in flatten(a, NATIONAL) if _usable_title(ln.text)), "")
        if len(text) > len(best):
            best = text
    if best:
        return best
    if headings:
        return headings[0].text
    for a in item_links:
        text = (a.get("title") or "").strip()
        text = text or next((img.get("alt", "").strip() for img in a.iter("img")), "")
        if text:
            return normalize_text(text, straight_quotes=False)
    return ""


def _date(item: Any, title: str, **kw: Any) -> tuple[str, str] | None:
    """(raw, ISO) date of an item: a date line, else a ``<time datetime>``, else a date set in
    separate blocks (``<div>12</div><div>марта 2026</div>``), else a date in the teaser or title."""
    lines = [ln.text for ln in flatten(item, NATIONAL) if ln.text != title]
    for text in lines:
        if found := date_line(text, **kw):
            return found
    for time in item.iter("time"):
        value = time.get("datetime")
        if value and (found := find_date(value, **kw)):
            return value, found[1]
    for text in [" ".join(lines), *lines, title]:
        if found := find_date(text, **kw):
            return found
    return None


def _orphan_dates(elements: list[Any], **kw: Any) -> list[tuple[str, str] | None]:
    """Flat lists (date, heading, teaser as siblings): for each item, the (raw, ISO) date line
    between it and its neighbour - before it or after it, whichever the page does."""
    container = common_ancestor(elements)
    lines = [ln for ln in flatten(container, NATIONAL) if not ln.chrome]
    spans = []
    for el in elements:
        inside = [ln.index for ln in lines_within(lines, el)]
        spans.append((min(inside, default=-1), max(inside, default=-1)))
    in_items = {i for start, end in spans for i in range(start, end + 1) if start >= 0}
    dated = {}
    for ln in lines:
        if ln.index not in in_items and (f := date_line(ln.text, **kw)):
            dated[ln.index] = f
    if not dated:
        return [None] * len(elements)
    before, after = [], []
    for i, (start, end) in enumerate(spans):
        low = spans[i - 1][1] if i else -1
        high = spans[i + 1][0] if i + 1 < len(spans) else end + 4
        earlier = [j for j in sorted(dated, reverse=True) if low < j < start]
        before.append(dated[earlier[0]] if earlier else None)
        after.append(next((dated[j] for j in sorted(dated) if end < j < high), None))
    return before if sum(map(bool, before)) >= sum(map(bool, after)) else after


def _is_side_block(root: Any, article_links: list[Any]) -> list[Any]:
    """Containers of "popular / related news" blocks that the main list is not part of."""
    blocks = []
    for line in flatten(root, NATIONAL):
        if not (line.heading or len(line.text) < 40) or not SIDE_BLOCK.search(line.text):
            continue
        el = line.block
        while el is not None and not any(contains(el, a) for a in article_links):
            el = el.getparent()
        if el is not None and not all(contains(el, a) for a in article_links):
            blocks.append(el)
    return blocks


def _page_number(key: tuple[str, str, str]) -> int:
    """The page number a list URL shows (1 when it names none)."""
    found = _PAGE_PATH.search(key[1])
    if found:
        return int(re.sub(r"\D", "", found[0]))
    numbers = [int(v) for k, v in parse_qsl(key[2]) if _PAGE_PARAM.fullmatch(k) and v.isdigit()]
    return numbers[0] if numbers else 1


def _pages(root: Any, base: str, url: str, article: re.Pattern[str]) -> list[str]:
    """Other pages of the list: links to the same list path with another page number."""
    here = _key(url)
    list_path = _PAGE_PATH.sub("", here[1]).rstrip("/")
    found: list[str] = []
    for a in links(root):
        target = absolute_url(base, a.get("href"))
        if not target or _is_article(article, target):
            continue
        key = _key(target)
        if key[0] != here[0] or key == here or target in found:
            continue
        path = _PAGE_PATH.sub("", key[1]).rstrip("/")
        if path != list_path:
            continue
        params = parse_qsl(key[2])
        paging = [k for k, v in params if _PAGE_PARAM.fullmatch(k) and v.isdigit()]
        paged = bool(_PAGE_PATH.search(key[1]) or paging)
        label = element_text(a) or a.get("aria-label") or a.get("title") or ""
        pager = paged or (_PAGER_TEXT.fullmatch(label) and len(paging) == len(params))
        if pager and _page_number(key) != _page_number(here):
            found.append(target)
    return found


def parse_news_list(
    html: str,
    url: str,
    *,
    article_pattern: str,
    fetched_at: datetime | None = None,
    date_order: str = "DMY",
) -> NewsList:
    """Articles a news list page links to, plus its pagination; see :class:`NewsList`.

    Each item: ``{"url", "title", "published" (ISO date or None), "date_text" (raw or None)}``.
    Raises :class:`NewsListNotFound` when no link in the page content matches ``article_pattern``.
    """
    root = parse_html(html)
    if root is None:
        raise NewsListNotFound(url, "empty page")
    article = re.compile(article_pattern)
    base = base_href(root, url)
    found: list[tuple[Any, str]] = []
    for a in links(root):
        target = absolute_url(base, a.get("href"))
        if target and _is_article(article, target) and not in_chrome(a):
            found.append((a, target))
    side = _is_side_block(root, [a for a, _ in found])
    found = [(a, t) for a, t in found if not any(contains(b, a) for b in side)]
    if not found:
        raise NewsListNotFound(url, f"no link matches {article_pattern!r}")
    pairs = [(a, _key(t)) for a, t in found]
    by_key: dict[tuple, tuple[str, list[Any]]] = {}
    for (a, key), (_, target) in zip(pairs, found, strict=True):
        by_key.setdefault(key, (target, []))[1].append(a)
    found_items: list[tuple[str, str, tuple[str, str] | None]] = []
    elements = []
    kw = {"fetched_at": fetched_at, "date_order": date_order}
    articles = _Articles(pairs)
    for key, (target, item_links) in by_key.items():
        item = _item_element(item_links[0], key, articles)
        title = _title(item, item_links)
        found_items.append((target, title, _date(item, title, **kw)))
        elements.append(item)
    if any(date is None for _, _, date in found_items):
        orphans = _orphan_dates(elements, **kw)
        found_items = [
            (target, title, date or orphan)
            for (target, title, date), orphan in zip(found_items, orphans, strict=True)
        ]
    items = [{"url": target, "title": title, "published": date and date[1],
              "date_text": date and date[0]} for target, title, date in found_items]  # fmt: skip
    return NewsList(items, _pages(root, base, url, article))
