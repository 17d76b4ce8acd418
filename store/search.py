"""Full-text search over news titles and bodies, with Russian and English morphology.

Russian inflects ("Дума", "Думы", "Думе"; "сенатор", "сенаторы"), so words are compared by
their Snowball stem: Cyrillic words with the Russian stemmer, Latin ones with the English one,
whatever the item's language (as PostgreSQL's ``russian`` configuration does). "Дума" and
"Думы" find the same items. Each word of a query also matches as a prefix of a stem
(``chairman`` finds "chairmanship"); ``"a phrase"`` matches its words in order.

The index is ``news_search`` (made by migration 0006): one row per news item, its latest
version's title and body and a ``document``, brought up to date incrementally at each search
(rows whose item has a newer version are replaced), so it needs no build step and never goes
stale. Matching and ranking happen in the database:

- PostgreSQL: ``document`` is a ``tsvector`` (title weight A, body D) made with the ``russian``
  or ``english`` configuration by the item's language (``simple`` for others), with a GIN
  index; the query is ``to_tsquery`` in the same configuration, ranked by ``ts_rank`` (a title
  match 10 times a body match), snippets by ``ts_headline``.
- SQLite: ``document`` holds the stemmed words, and an FTS5 table, ``news_stems`` (a derived
  index, rebuilt from ``news_search`` when missing), indexes the stemmed title and body; ranking
  is FTS5's bm25 with the same weights.
- SQLite without FTS5: the same stems matched and ranked in Python (the fallback).

Withdrawn items (removed entities) stay searchable: their last version is what they said.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, func, select, text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapped, mapped_column

from store.archive import Archive
from store.models import Base, Entity, Version

TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0
_TERM = re.compile(r'"([^"]+)"|(\w+)', re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
CONFIGS = {"ru": "russian", "en": "english"}  # PostgreSQL text search configuration by language
METHODS = ("postgres", "fts5", "fallback")


class NewsSearch(Base):
    """The search index: one row per news item, its latest version's words."""

    __tablename__ = "news_search"
    __table_args__ = (Index("ix_news_search_document", "document", postgresql_using="gin"),)

    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id"), primary_key=True)
    version_id: Mapped[int] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # PostgreSQL: the tsvector; SQLite: the stemmed words of title and body
    document: Mapped[str | None] = mapped_column(TSVECTOR().with_variant(Text(), "sqlite"))


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


@cache
def _stemmer(language: str):
    import snowballstemmer

    return snowballstemmer.stemmer(language)


def stem(word: str) -> str:
    """A word's Snowball stem, lower-case, ``ё`` as ``е``: Russian for Cyrillic, else English."""
    word = word.lower().replace("ё", "е")
    if word.isdigit():
        return word
    return _stemmer("russian" if _CYRILLIC.search(word) else "english").stemWord(word)


def stems(textual: str | None) -> list[str]:
    return [stem(w) for w in _WORD.findall(textual or "")]


def query_terms(query: str) -> list[tuple[str, bool]]:
    """``'senators "model law"'`` -> [("senators", True), ("model law", False)] (prefix?)."""
    return [(phrase or word, not phrase) for phrase, word in _TERM.findall(query)]


def stemmed_terms(query: str) -> list[tuple[list[str], bool]]:
    """Each term of ``query`` as its stems (a phrase has several) and whether it is a prefix."""
    terms = [(stems(term), prefix) for term, prefix in query_terms(query)]
    return [(words, prefix) for words, prefix in terms if words]


def fts_query(query: str) -> str:
    """The FTS5 query over stems: ``senators "model law"`` -> ``"senat"* "model law"``."""
    return " ".join(
        '"' + " ".join(words) + '"' + ("*" if prefix else "")
        for words, prefix in stemmed_terms(query)
    )


def ts_query(query: str) -> str:
    """The PostgreSQL ``to_tsquery`` text: each word's prefix ``:*``, a phrase with ``<->``."""
    parts = []
    for term, prefix in query_terms(query):
        words = [re.sub(r"[^\w]", "", w) for w in _WORD.findall(term)]
        words = [w for w in words if w]
        if words:
            parts.append(" <-> ".join(words) + (":*" if prefix else ""))
    return " & ".join(parts)


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
    date (its first-seen date when it has none). ``method``: postgres / fts5 / fallback
    (default: postgres on PostgreSQL, fts5 on SQLite when it has FTS5, else fallback)."""
    if not stemmed_terms(query):
        return []
    chosen = method or _method(archive)
    if chosen == "postgres":
        return _search_postgres(archive, query, language, site, since)[:limit]
    if chosen == "fts5":
        try:
            return _search_fts5(archive, query, language, site, since)[:limit]
        except OperationalError:  # e.g. a read-only archive cannot refresh its index
            if method == "fts5":
                raise
    return _search_fallback(archive, query, language, site, since)[:limit]


def _method(archive: Archive) -> str:
    dialect = archive.engine.dialect.name
    if dialect == "postgresql":
        return "postgres"
    if dialect != "sqlite":
        return "fallback"
    with archive.engine.connect() as conn:
        options = {row[0] for row in conn.execute(text("PRAGMA compile_options"))}
    return "fts5" if "ENABLE_FTS5" in options else "fallback"


def refresh_index(archive: Archive) -> int:
    """Bring ``news_search`` (and on SQLite ``news_stems``) up to date with the latest news
    versions; returns the number of items (re)indexed."""
    postgres = archive.engine.dialect.name == "postgresql"
    with archive.engine.begin() as conn:
        fts5 = not postgres and _fts5_table(conn)
        indexed = dict(conn.execute(select(NewsSearch.entity_id, NewsSearch.version_id)).all())
        current = {e.id: (e, v) for e, v in _rows(conn)}
        stale = [i for i, vid in indexed.items() if i not in current or current[i][1].id != vid]
        if stale:
            conn.execute(NewsSearch.__table__.delete().where(NewsSearch.entity_id.in_(stale)))
            if fts5:
                conn.execute(text(f"DELETE FROM news_stems WHERE rowid IN ({_ids(stale)})"))
        fresh = [i for i in current if i not in indexed or i in stale]
        for entity_id in fresh:
            entity, version = current[entity_id]
            _index_one(conn, entity, version, postgres, fts5)
    return len(fresh)


def _ids(ids: list[int]) -> str:
    return ", ".join(str(int(i)) for i in ids)


def _fts5_table(conn) -> bool:
    """Make ``news_stems`` when missing, filled from ``news_search``; False without FTS5."""
    exists = conn.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'news_stems'")
    ).first()
    if exists:
        return True
    try:
        conn.execute(
            text(
                "CREATE VIRTUAL TABLE news_stems USING fts5("
                "title, body, tokenize = 'unicode61 remove_diacritics 2')"
            )
        )
    except OperationalError:
        return False
    conn.execute(text("DROP TABLE IF EXISTS news_fts"))  # the index before stemming
    for entity_id, title, body in conn.execute(
        select(NewsSearch.entity_id, NewsSearch.title, NewsSearch.body)
    ).all():
        _insert_stems(conn, entity_id, title, body)
    return True


def _insert_stems(conn, entity_id: int, title: str, body: str) -> None:
    conn.execute(
        text("INSERT INTO news_stems (rowid, title, body) VALUES (:id, :title, :body)"),
        {"id": entity_id, "title": " ".join(stems(title)), "body": " ".join(stems(body))},
    )


def _index_one(conn, entity: Entity, version: Version, postgres: bool, fts5: bool) -> None:
    title = version.content.get("title") or ""
    body = version.content.get("body") or ""
    row = {
        "entity_id": entity.id,
        "version_id": version.id,
        "language": entity.language,
        "title": title,
        "body": body,
    }
    if postgres:
        config = CONFIGS.get(entity.language or "", "simple")
        conn.execute(
            text(
                "INSERT INTO news_search (entity_id, version_id, language, title, body, document)"
                " VALUES (:entity_id, :version_id, :language, :title, :body,"
                " setweight(to_tsvector(CAST(:config AS regconfig), :title), 'A') ||"
                " setweight(to_tsvector(CAST(:config AS regconfig), :body), 'D'))"
            ),
            row | {"config": config},
        )
        return
    document = " ".join(stems(title) + stems(body))
    conn.execute(NewsSearch.__table__.insert().values(**row, document=document))
    if fts5:
        _insert_stems(conn, entity.id, title, body)


def _rows(conn):
    from sqlalchemy.orm import Session

    with Session(bind=conn) as session:
        return list(session.execute(_latest_versions()))


def _candidates(archive: Archive) -> dict[int, tuple[Entity, Version]]:
    with archive.session() as session:
        return {e.id: (e, v) for e, v in session.execute(_latest_versions())}


def _search_postgres(archive, query, language, site, since) -> list[SearchHit]:
    refresh_index(archive)
    tsq = ts_query(query)
    if not tsq:
        return []
    # ts_rank weights {D, C, B, A}: a title (A) match counts 10 times a body (D) match
    sql = text(
        "WITH q AS (SELECT entity_id, title, body, document,"
        " to_tsquery(CAST(CASE language WHEN 'ru' THEN 'russian' WHEN 'en' THEN 'english'"
        " ELSE 'simple' END AS regconfig), :q) AS query,"
        " CAST(CASE language WHEN 'ru' THEN 'russian' WHEN 'en' THEN 'english'"
        " ELSE 'simple' END AS regconfig) AS config FROM news_search)"
        " SELECT entity_id, ts_rank(ARRAY[:bw, 0, 0, :tw]::float4[], document, query) AS score,"
        " ts_headline(config, CASE WHEN document @@ query AND body <> '' AND"
        " to_tsvector(config, body) @@ query THEN body ELSE title END, query,"
        " 'StartSel=[, StopSel=], MaxWords=20, MinWords=8, MaxFragments=1') AS snip"
        " FROM q WHERE document @@ query ORDER BY score DESC, entity_id"
    )
    with archive.engine.connect() as conn:
        matches = conn.execute(
            sql, {"q": tsq, "tw": TITLE_WEIGHT / 10, "bw": BODY_WEIGHT / 10}
        ).all()
    rows = _candidates(archive)
    return [
        _hit(*rows[entity_id], score * 100, snip)
        for entity_id, score, snip in matches
        if entity_id in rows and _keep(*rows[entity_id], language, site, since)
    ]


def _search_fts5(archive, query, language, site, since) -> list[SearchHit]:
    refresh_index(archive)
    sql = text(
        "SELECT rowid, bm25(news_stems, :tw, :bw) AS score FROM news_stems "
        "WHERE news_stems MATCH :q ORDER BY score, rowid"
    )
    with archive.engine.connect() as conn:
        matches = conn.execute(
            sql, {"tw": TITLE_WEIGHT, "bw": BODY_WEIGHT, "q": fts_query(query)}
        ).all()
    rows = _candidates(archive)
    terms = stemmed_terms(query)
    hits = []
    for entity_id, score in matches:
        if entity_id in rows and _keep(*rows[entity_id], language, site, since):
            content = rows[entity_id][1].content
            hits.append(_hit(*rows[entity_id], -score, _content_snippet(content, terms)))
    return hits


def _search_fallback(archive, query, language, site, since) -> list[SearchHit]:
    terms = stemmed_terms(query)
    hits = []
    for entity, version in _candidates(archive).values():
        if not _keep(entity, version, language, site, since):
            continue
        score = _score(version.content, terms)
        if score > 0:
            hits.append(_hit(entity, version, score, _content_snippet(version.content, terms)))
    return sorted(hits, key=lambda h: -h.score)


def _count(words: list[str], term: list[str], prefix: bool) -> int:
    """How often ``term`` (a word's or a phrase's stems) occurs in ``words`` (stems)."""
    n = len(term)
    found = 0
    for i in range(len(words) - n + 1):
        head, last = words[i : i + n - 1], words[i + n - 1]
        if head == term[:-1] and (last.startswith(term[-1]) if prefix else last == term[-1]):
            found += 1
    return found


def _score(content: dict, terms: list[tuple[list[str], bool]]) -> float:
    title, body = stems(content.get("title")), stems(content.get("body"))
    score = 0.0
    for term, prefix in terms:
        found = _count(title, term, prefix) * TITLE_WEIGHT + _count(body, term, prefix)
        if not found:
            return 0.0  # every term must match, as in FTS5
        score += found
    return score


def _content_snippet(content: dict, terms: list[tuple[list[str], bool]], width: int = 60) -> str:
    """Some words around the first match in the body (else the title), matches in brackets."""
    wanted = [(words[0], prefix or len(words) > 1) for words, prefix in terms]

    def hit(word: str) -> bool:
        s = stem(word)
        return any(s.startswith(w) if p else s == w for w, p in wanted)

    body, title = content.get("body") or "", content.get("title") or ""
    textual = body if any(hit(m.group()) for m in _WORD.finditer(body)) else title
    first = next((m.start() for m in _WORD.finditer(textual) if hit(m.group())), 0)
    start, end = max(0, first - width), min(len(textual), first + width)
    piece = _WORD.sub(
        lambda m: f"[{m.group()}]" if hit(m.group()) else m.group(), textual[start:end]
    )
    return ("…" if start else "") + " ".join(piece.split()) + ("…" if end < len(textual) else "")
