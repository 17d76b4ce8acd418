"""Full-text search over news titles and bodies: the latest version of every news item.

On SQLite the index is an FTS5 table, ``news_fts``, kept beside the archive's tables and brought
up to date incrementally at each search (rows whose entity has a newer version are replaced), so
it never needs a separate build step and never goes stale. Ranking is FTS5's bm25 with a title
match weighted 10 times a body match. Each word of the query matches as a prefix (Russian
inflects: ``сенатор`` finds ``сенаторы``); ``"a phrase"`` matches as written.

Elsewhere (PostgreSQL), or when SQLite lacks FTS5, the fallback reads the latest news versions
and matches and ranks them in Python with the same rules and weights (``ILIKE`` would depend on
the server's collation to fold Cyrillic case): fine for an archive of thousands of items.

Withdrawn items (removed entities) stay searchable: their last version is what they said.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from store.archive import Archive
from store.models import Entity, Version

TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0
_TERM = re.compile(r'"([^"]+)"|(\w+)', re.UNICODE)


@dataclass
class SearchHit:
    key: str
    site: str
    language: str | None
    title: str
    published: str | None  # the item's own date
    first_seen: str  # when we first saw this version
    state: str  # present / removed (withdrawn)
    score: float
    snippet: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def query_terms(query: str) -> list[tuple[str, bool]]:
    """``'senators "model law"'`` -> [("senators", True), ("model law", False)] (prefix?)."""
    return [(phrase or word, not phrase) for phrase, word in _TERM.findall(query)]


def fts_query(query: str) -> str:
    parts = []
    for term, prefix in query_terms(query):
        quoted = '"' + term.replace('"', "") + '"'
        parts.append(quoted + ("*" if prefix else ""))
    return " ".join(parts)


def _latest_versions():
    latest = (
        select(func.max(Version.id).label("vid"))
        .join(Entity, Entity.id == Version.entity_id)
        .where(Entity.type == "news")
        .group_by(Version.entity_id)
        .subquery()
    )
    return (
        select(Entity, Version)
        .join(Version, Version.entity_id == Entity.id)
        .join(latest, latest.c.vid == Version.id)
    )


def _keep(entity: Entity, version: Version, language, site, since) -> bool:
    if language and entity.language != language:
        return False
    if site and entity.site != site:
        return False
    if since is not None:
        published = version.content.get("published")
        when = published or version.first_seen.date().isoformat()
        return when >= since.date().isoformat()
    return True


def _hit(entity: Entity, version: Version, score: float, snippet: str) -> SearchHit:
    return SearchHit(
        key=entity.key,
        site=entity.site,
        language=entity.language,
        title=version.content.get("title") or "",
        published=version.content.get("published"),
        first_seen=version.first_seen.isoformat(timespec="seconds") + "Z",
        state=entity.state,
        score=round(score, 4),
        snippet=" ".join(snippet.split()),
    )


def search_news(
    archive: Archive,
    query: str,
    language: str | None = None,
    site: str | None = None,
    since: datetime | None = None,
    limit: int = 20,
    method: str | None = None,
) -> list[SearchHit]:
    """News items matching ``query``, best first. ``since`` filters on the item's published
    date (its first-seen date when it has none). ``method``: fts5 / fallback (default: auto)."""
    if not query_terms(query):
        return []
    chosen = method or ("fts5" if _fts5_available(archive) else "fallback")
    if chosen == "fts5":
        try:
            return _search_fts5(archive, query, language, site, since)[:limit]
        except OperationalError:  # e.g. a read-only archive cannot refresh its index
            if method == "fts5":
                raise
    return _search_fallback(archive, query, language, site, since)[:limit]


def _fts5_available(archive: Archive) -> bool:
    if archive.engine.dialect.name != "sqlite":
        return False
    with archive.engine.connect() as conn:
        options = {row[0] for row in conn.execute(text("PRAGMA compile_options"))}
    return "ENABLE_FTS5" in options


def refresh_index(archive: Archive) -> int:
    """Bring ``news_fts`` up to date with the latest news versions; returns rows (re)indexed."""
    with archive.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE VIRTUAL TABLE IF NOT EXISTS news_fts USING fts5("
                "title, body, key UNINDEXED, version_id UNINDEXED, "
                "tokenize = 'unicode61 remove_diacritics 2')"
            )
        )
        indexed = dict(conn.execute(text("SELECT key, version_id FROM news_fts")).all())
        current = {e.key: (e, v) for e, v in _rows(conn)}
        stale = [k for k, vid in indexed.items() if k not in current or current[k][1].id != vid]
        for key in stale:
            conn.execute(text("DELETE FROM news_fts WHERE key = :key"), {"key": key})
        fresh = [k for k in current if k not in indexed or k in stale]
        for key in fresh:
            _entity, version = current[key]
            conn.execute(
                text(
                    "INSERT INTO news_fts (title, body, key, version_id) "
                    "VALUES (:title, :body, :key, :vid)"
                ),
                {
                    "title": version.content.get("title") or "",
                    "body": version.content.get("body") or "",
                    "key": key,
                    "vid": version.id,
                },
            )
    return len(fresh)


def _rows(conn):
    from sqlalchemy.orm import Session

    with Session(bind=conn) as session:
        return list(session.execute(_latest_versions()))


def _search_fts5(archive, query, language, site, since) -> list[SearchHit]:
    refresh_index(archive)
    sql = text(
        "SELECT key, bm25(news_fts, :tw, :bw) AS score, "
        "snippet(news_fts, -1, '[', ']', '…', 16) AS snip "
        "FROM news_fts WHERE news_fts MATCH :q ORDER BY score"
    )
    with archive.engine.connect() as conn:
        matches = conn.execute(
            sql, {"tw": TITLE_WEIGHT, "bw": BODY_WEIGHT, "q": fts_query(query)}
        ).all()
    with archive.session() as session:
        rows = {e.key: (e, v) for e, v in session.execute(_latest_versions())}
    hits = []
    for key, score, snip in matches:
        if key in rows and _keep(*rows[key], language, site, since):
            hits.append(_hit(*rows[key], -score, snip))
    return hits


def _search_fallback(archive, query, language, site, since) -> list[SearchHit]:
    terms = query_terms(query)
    with archive.session() as session:
        rows = session.execute(_latest_versions()).all()
    hits = []
    for entity, version in rows:
        if not _keep(entity, version, language, site, since):
            continue
        score, snippet = _score(version.content, terms)
        if score > 0:
            hits.append(_hit(entity, version, score, snippet))
    return sorted(hits, key=lambda h: -h.score)


def _pattern(term: str, prefix: bool) -> re.Pattern[str]:
    return re.compile(r"\b" + re.escape(term) + (r"\w*" if prefix else r"\b"), re.IGNORECASE)


def _score(content: dict, terms: list[tuple[str, bool]]) -> tuple[float, str]:
    title, body = content.get("title") or "", content.get("body") or ""
    score = 0.0
    for term, prefix in terms:
        pattern = _pattern(term, prefix)
        found = len(pattern.findall(title)) * TITLE_WEIGHT + len(pattern.findall(body))
        if not found:
            return 0.0, ""  # every term must match, as in FTS5
        score += found
    patterns = [_pattern(t, p) for t, p in terms]
    in_body = any(p.search(body) for p in patterns)
    return score, _snippet(body if in_body else title, patterns)


def _snippet(textual: str, patterns: list[re.Pattern[str]], width: int = 60) -> str:
    first = min((m.start() for p in patterns if (m := p.search(textual))), default=0)
    start, end = max(0, first - width), min(len(textual), first + width)
    piece = textual[start:end]
    for pattern in patterns:
        piece = pattern.sub(lambda m: f"[{m.group(0)}]", piece)
    return ("…" if start else "") + " ".join(piece.split()) + ("…" if end < len(textual) else "")
