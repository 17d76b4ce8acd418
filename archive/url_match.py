"""Which captured URLs a URL asks for: the matches of the Wayback CDX server, as SQL.

URLs are matched on their canonical form (``capture.canonical_url``, made by
``crawler.urls.canonical_url``), so ``http://www.pacsto.org/``, ``https://pacsto.org`` and
``pacsto.org/`` find the same captures. Loopback replicas keep their port and speak http.

``match``: ``exact`` (the default), ``prefix`` (every URL starting with it), ``host`` (every URL
on that host) or ``domain`` (the host and its subdomains); a trailing ``*`` means prefix and a
leading ``*.`` means domain, as on the CDX server.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, and_, false, or_

from crawler.urls import canonical_url
from store.archive import Archive
from store.tables import capture, capture_canonical_url, capture_url, url_ids

MATCH_TYPES = ("exact", "prefix", "host", "domain")


def with_scheme(url: str) -> str:
    return url if "://" in url else "http://" + url


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _starts_with(column: Any, prefix: str, ranged: bool) -> ColumnElement[bool]:
    """``column`` starts with ``prefix``. ``ranged``: as a range, which the column's index
    answers (SQLite's LIKE scans the whole table); only where strings compare by code point
    (SQLite's binary collation), not under a database's language collation."""
    if not ranged or not prefix:
        return column.like(_like_escape(prefix) + "%", escape="\\")
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(column >= prefix, column < upper)


def url_condition(
    url: str, match: str = "exact", dialect: str | None = None, column: Any = None
) -> ColumnElement[bool]:
    """The SQL condition on a capture's canonical URL (or ``column``, an expression of it) for
    ``url`` under ``match``; on SQLite (``dialect``) prefix and host matches use the index."""
    ranged = dialect == "sqlite"
    canon, match = canonical_match(url, match)
    column = capture_canonical_url if column is None else column
    if match == "exact":
        return column == canon
    if match == "prefix":
        return _starts_with(column, canon, ranged)
    parts = urlsplit(canon)
    host = _starts_with(column, f"{parts.scheme}://{parts.netloc}/", ranged)
    if match == "host":
        return host
    sub = _like_escape(f"{parts.scheme}://") + "%" + _like_escape(f".{parts.netloc}/") + "%"
    return or_(host, column.like(sub, escape="\\"))


def canonical_match(url: str, match: str) -> tuple[str, str]:
    """``url`` in canonical form and the match it asks for: a trailing ``*`` means prefix, a
    leading ``*.`` domain, as on the CDX server."""
    url = url.strip()
    if url.endswith("*"):
        url, match = url.rstrip("*"), "prefix"
    if url.split("://", 1)[-1].startswith("*."):
        url, match = url.replace("*.", "", 1), "domain"
    if match not in MATCH_TYPES:
        raise ValueError(f"match must be one of {', '.join(MATCH_TYPES)}")
    return canonical_url(with_scheme(url)), match


def exact_url_condition(archive: Archive, url: str) -> ColumnElement[bool]:
    """The captures of exactly ``url``, by the ids of its ``capture_url`` rows, looked up first.

    Given as ids rather than a sub-select, the database reads one URL's captures in (time, id)
    order from ``ix_capture_url_time``; with a sub-select, PostgreSQL answered a small limit by
    walking the whole time index for that URL's rows (300 ms at a million captures for a URL
    never captured, or first captured lately)."""
    canon, _ = canonical_match(url, "exact")
    with archive.engine.connect() as connection:
        ids = connection.scalars(url_ids(capture_url.c.canonical_url == canon)).all()
    if not ids:
        return false()
    return capture.c.url_id == ids[0] if len(ids) == 1 else capture.c.url_id.in_(ids)
