"""Full-text search over news titles and bodies, with Russian and English morphology.

Russian inflects ("Дума", "Думы", "Думе"; "сенатор", "сенаторы"), so words are compared by
their Snowball stem: Cyrillic words with the Russian stemmer, Latin ones with the English one,
whatever the item's language (as PostgreSQL's ``russian`` configuration does). "Дума" and
"Думы" find the same items. Each word of a query also matches as a prefix of a stem
(``chairman`` finds "chairmanship"); ``"a phrase"`` matches its words in order.

Stems, query terms and the fallback's ranking are in ``store.search_terms``.

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

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, func, select, text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapped, mapped_column

from store.archive import Archive
from store.models import Base, Entity, Version
from store.search_terms import (
    BODY_WEIGHT,
    TITLE_WEIGHT,
    content_snippet,
    fts_query,
    score_content,
    stemmed_terms,
    stems,
    ts_query,
)

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


def _latest_version_ids():
    """(news entity id, its latest version's id): what the index must hold, without contents."""
    return (
        select(Version.entity_id, func.max(Version.id))
        .join(Entity, Entity.id == Version.entity_id)
        .where(Entity.type == "news")
        .group_by(Version.entity_id)
    )


def _latest_versions(entity_ids: list[int] | None = None):
    """(entity, latest version) of the news items ``entity_ids`` (all when None)."""
    latest = _latest_version_ids()
    if entity_ids is not None:
        latest = latest.where(Version.entity_id.in_(entity_ids))
    latest_ids = latest.with_only_columns(func.max(Version.id).label("vid")).subquery()
    return (
        select(Entity, Version)
        .join(Version, Version.entity_id == Entity.id)
        .join(latest_ids, latest_ids.c.vid == Version.id)
    )


# entities whose contents are read in one query (an IN list kept well under SQLite's limits)
_CHUNK = 500


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
        return _search_postgres(archive, query, language, site, since, limit)
    if chosen == "fts5":
        try:
            return _search_fts5(archive, query, language, site, since, limit)
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
    versions; returns the number of items (re)indexed. Only the items whose latest version is
    not the one indexed are read (an archive of 100k news items is compared by ids)."""
    postgres = archive.engine.dialect.name == "postgresql"
    with archive.engine.begin() as conn:
        fts5 = not postgres and _fts5_table(conn)
        indexed = dict(conn.execute(select(NewsSearch.entity_id, NewsSearch.version_id)).all())
        current = dict(conn.execute(_latest_version_ids()).all())
        stale = [i for i, vid in indexed.items() if current.get(i) != vid]
        if stale:
            conn.execute(NewsSearch.__table__.delete().where(NewsSearch.entity_id.in_(stale)))
            if fts5:
                conn.execute(text(f"DELETE FROM news_stems WHERE rowid IN ({_ids(stale)})"))
        fresh = [i for i, vid in current.items() if indexed.get(i) != vid]
        for start in range(0, len(fresh), _CHUNK):
            for entity, version in _rows(conn, fresh[start : start + _CHUNK]):
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


def _rows(conn, entity_ids: list[int]) -> list:
    from sqlalchemy.orm import Session

    with Session(bind=conn) as session:
        return list(session.execute(_latest_versions(entity_ids)))


def _candidates(
    archive: Archive, entity_ids: list[int] | None = None
) -> dict[int, tuple[Entity, Version]]:
    """(entity, latest version) by entity id, of ``entity_ids`` (the matches: their contents
    are read, not every item's) or of every news item."""
    if entity_ids is None:
        with archive.session() as session:
            return {e.id: (e, v) for e, v in session.execute(_latest_versions())}
    found: dict[int, tuple[Entity, Version]] = {}
    with archive.session() as session:
        for start in range(0, len(entity_ids), _CHUNK):
            query = _latest_versions(entity_ids[start : start + _CHUNK])
            found.update((e.id, (e, v)) for e, v in session.execute(query))
    return found


def _kept(archive, matches, language, site, since, limit: int | None) -> list[tuple]:
    """(match, entity, latest version) of the first ``limit`` ``matches`` (rows that begin with
    an entity id, best first) that the filters keep; contents are read ``_CHUNK`` matches at a
    time until enough are kept, not for every match."""
    kept = []
    for start in range(0, len(matches), _CHUNK):
        chunk = matches[start : start + _CHUNK]
        rows = _candidates(archive, [match[0] for match in chunk])
        for match in chunk:
            found = rows.get(match[0])
            if found and _keep(*found, language, site, since):
                kept.append((match, *found))
        if limit is not None and len(kept) >= limit:
            break
    return kept[:limit]


def _search_postgres(archive, query, language, site, since, limit) -> list[SearchHit]:
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
    return [
        _hit(entity, version, score * 100, snip)
        for (_, score, snip), entity, version in _kept(
            archive, matches, language, site, since, limit
        )
    ]


def _search_fts5(archive, query, language, site, since, limit) -> list[SearchHit]:
    refresh_index(archive)
    sql = text(
        "SELECT rowid, bm25(news_stems, :tw, :bw) AS score FROM news_stems "
        "WHERE news_stems MATCH :q ORDER BY score, rowid"
    )
    with archive.engine.connect() as conn:
        matches = conn.execute(
            sql, {"tw": TITLE_WEIGHT, "bw": BODY_WEIGHT, "q": fts_query(query)}
        ).all()
    terms = stemmed_terms(query)
    return [
        _hit(entity, version, -score, content_snippet(version.content, terms))
        for (_, score), entity, version in _kept(archive, matches, language, site, since, limit)
    ]


def _search_fallback(archive, query, language, site, since) -> list[SearchHit]:
    terms = stemmed_terms(query)
    hits = []
    for entity, version in _candidates(archive).values():
        if not _keep(entity, version, language, site, since):
            continue
        score = score_content(version.content, terms)
        if score > 0:
            hits.append(_hit(entity, version, score, content_snippet(version.content, terms)))
    return sorted(hits, key=lambda h: -h.score)
