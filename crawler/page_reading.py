"""What one page contributes, and its outcome: the rules about a single page.

``read_page`` is the one place that decides them, for crawls, ``parlwatch reparse`` and every
importer (each calls it through ``crawler.ingest.Ingest``, or through parse workers,
``crawler.parse_pool``). It is pure: a page as fetched (its body, headers and what the archive
knew of it) in, a ``PageReading`` out, no I/O.

- A page whose text is not its edition's (a wrong charset, mojibake, the other language's
  script) is never parsed.
- A redirect that was not followed (off the site, a loop) is a failed page.
- Every record's language is the one the page was requested in.
- A news article's title and date must agree with how the list that linked to it showed them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from crawler.edition import edition_problem
from crawler.items import (
    BAD_ENCODING,
    GONE,
    HTTP_ERROR,
    LAYOUT_MISSING,
    NETWORK_ERROR,
    OFF_SITE,
    OK,
    REDIRECT,
    Listed,
    Page,
    PageReading,
)
from crawler.observations import news_key
from store.captures import body_digest

if TYPE_CHECKING:  # a spider is a site's pure parser; the spiders themselves call read_page
    from crawler.spiders.base import ArchiveSpider


def is_html(content_type: str | None) -> bool:
    """A body worth parsing: HTML or XML (no Content-Type: assume HTML, as browsers do)."""
    kind = (content_type or "text/html").lower()
    return "html" in kind or "xml" in kind


_DEFAULT_PORTS = {"http": 80, "https": 443}


def same_site(url: str, base_url: str) -> bool:
    """Is ``url`` on the site at ``base_url``? http and https, and ``www.``, of one host are one
    site; another host, or another port, is not."""
    a, b = urlsplit(url), urlsplit(base_url)
    if (a.hostname or "").removeprefix("www.") != (b.hostname or "").removeprefix("www."):
        return False
    port_a = a.port or _DEFAULT_PORTS.get(a.scheme)
    port_b = b.port or _DEFAULT_PORTS.get(b.scheme)
    defaults = set(_DEFAULT_PORTS.values())
    return port_a == port_b or (port_a in defaults and port_b in defaults)


def read_page(page: Page, parser: ArchiveSpider) -> PageReading:
    """What ``page`` contributes, and its outcome: the one place that decides both.

    A 304, or a body identical to the one the archive knew, confirms the page's entity without
    parsing; a 2xx HTML body in its edition's text is parsed; a 404/410 of a news page says the
    item is gone; a redirect that reached us (not followed: off the site, a loop) is a failure.
    """
    reading = PageReading()
    status, known = page.status, page.known
    unchanged_body = (
        status == 200
        and known is not None
        and page.body is not None
        and known.digest == body_digest(page.body)
    )
    target = _redirect_target(page)
    if target is not None:
        off_site = not same_site(target, page.url)
        reading.outcome = OFF_SITE if off_site else REDIRECT
        reading.problem = (
            f"redirected off the site to {target}"
            if off_site
            else f"redirect to {target} not followed ({page.error or f'HTTP {status}'})"
        )
        return reading
    if status == 304 or unchanged_body:
        key = _page_entity(page)
        reading.confirms = [key] if key else []
    elif status is not None and 200 <= status < 300 and page.body is not None:
        if is_html(page.content_type):
            problem = edition_problem(page.body, page.content_type, page.language)
            if problem is not None and page.role != "sitemap":  # a sitemap: URLs, no text
                reading.problem = f"not the {page.language or '?'} edition's text: {problem}"
                reading.errors = [f"encoding: {reading.problem}"]
                reading.outcome = BAD_ENCODING
                return reading
            reading = _read_body(page, parser)
    elif status in (404, 410) and page.role == "news":
        reading.gone = [news_key(page.site, page.language, page.url)]
    reading.outcome = _outcome(status, reading)
    return reading


def _redirect_target(page: Page) -> str | None:
    """Where a page that redirects (and was not followed) points; None for any other page."""
    if page.redirect_to is not None:
        return page.redirect_to
    if page.status is not None and 300 <= page.status < 400 and page.status != 304:
        return urljoin(page.url, page.headers.get("location", ""))
    return None


def _page_entity(page: Page) -> str | None:
    """The entity a page stands for as a whole: the one the archive knew it by, else (a page
    imported without that knowledge) a news item's own key."""
    if page.known is not None:
        return page.known.key
    return news_key(page.site, page.language, page.url) if page.role == "news" else None


def _read_body(page: Page, parser: ArchiveSpider) -> PageReading:
    """The parser's records, in the edition the page was requested in (never a guess from the
    text: a page taken for the other edition would overwrite that edition's entities), and
    cross-checked with how a news list showed the article."""
    parsed = parser.parse_page(
        page.body or b"",
        page.url,
        page.language or "",
        page.content_type,
        page.role,
        fetched_at=page.fetched_at,
    )
    reading = PageReading(parsed.records, parsed.missing, list(parsed.errors), parsed.complete_sets)
    reading.parsed = True
    if page.language:  # unknown only for an imported capture no header or host placed
        for record in reading.records:
            record["language"] = page.language
    if page.listed is not None:
        reading.errors += cross_check(reading.records, page.listed)
    return reading


def _title_words(text: str | None) -> str:
    return re.sub(r"\W+", " ", text or "").strip().casefold()


def same_title(article: str | None, listed: str) -> bool:
    """The list's link text names the article's title: equal as words (case, punctuation and
    spacing aside), or a shortened form of it ("A long title…")."""
    short = _title_words(listed.rstrip(" .…"))
    full = _title_words(article)
    return bool(short) and (full == short or full.startswith(short))


def cross_check(records: list[dict], listed: Listed) -> list[str]:
    """Make news records agree with the list that linked to them: where the article's own parse
    disagrees, the list's title or date is kept. Returns the warnings for the capture."""
    warnings = []
    for record in records:
        if record.get("type") != "news":
            continue
        if listed.title and not same_title(record.get("title"), listed.title):
            warnings.append(
                f"news: title {record.get('title')!r} disagrees with the list's "
                f"{listed.title!r}; the list's is kept"
            )
            record["title"] = listed.title
        if listed.published and record.get("published") != listed.published:
            warnings.append(
                f"news: date {record.get('published')} disagrees with the list's "
                f"{listed.published}; the list's is kept"
            )
            record["published"] = listed.published
    return warnings


def _outcome(status: int | None, reading: PageReading) -> str:
    if status is None:
        return NETWORK_ERROR
    if status >= 400:
        return GONE if reading.gone else HTTP_ERROR
    return LAYOUT_MISSING if reading.missing else OK


def outcome_text(page: Page, reading: PageReading) -> str:
    """``ok``, or why the page cannot be used, in words for a crawl's reason."""
    if reading.outcome == OK:
        return OK
    if reading.problem is not None:
        return reading.problem
    if page.status is None:
        return f"fetch failed ({page.error})"
    if page.status >= 400:
        return f"HTTP {page.status}"
    return "expected content missing: " + ", ".join(reading.missing)
