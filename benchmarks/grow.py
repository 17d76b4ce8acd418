"""Grow a crawled archive to a million captures (and 100 k changes) with SQL, in seconds.

The crawled rows are copied, shifted back one day per copy, as if the same site had been
crawled every day for months: each copy of the crawls gets its own ``crawl`` rows, each copy of
the captures points at them and at the same stored bodies. Changes are copied onto copies of
their entities (``key#bench-N``), since an entity's change of one version is recorded once; the
copies keep the versions, so a report reads real old and new content and diffs it.

Columns are read from the database, so the copies follow whatever the schema holds today.
"""

from __future__ import annotations

import math
import time
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, inspect, text

from store.db import resolve_db_url

SERIES = "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {k}) "


def _days_back(dialect: str, column: str, days: str) -> str:
    if dialect == "sqlite":  # the text form SQLAlchemy stores: microseconds always present
        return f"strftime('%Y-%m-%d %H:%M:%f000', {column}, '-' || ({days}) || ' days')"
    return f"{column} - ({days}) * interval '1 day'"


def _scalar(connection: Connection, sql: str) -> int:
    return int(connection.execute(text(sql)).scalar() or 0)


def _copy_rows(
    connection: Connection,
    table: str,
    copies: int,
    overrides: dict[str, str],
    where: str = "",
    limit: int | None = None,
) -> int:
    """Insert ``copies`` copies of ``table``'s rows (``t``, copy number ``s.n``); ``overrides``
    gives a column's SQL (``id`` is left to the database unless overridden)."""
    if copies <= 0 or (limit is not None and limit <= 0):
        return 0
    columns = [c["name"] for c in inspect(connection).get_columns(table)]
    chosen = [c for c in columns if c != "id" or "id" in overrides]
    values = ", ".join(overrides.get(c, f't."{c}"') for c in chosen)
    names = ", ".join(f'"{c}"' for c in chosen)
    sql = (
        SERIES.format(k=copies)
        + f'INSERT INTO "{table}" ({names}) SELECT {values} FROM "{table}" AS t CROSS JOIN s '
        + (f"WHERE {where} " if where else "")
        + "ORDER BY s.n, t.id"
        + (f" LIMIT {limit}" if limit is not None else "")
    )
    return connection.execute(text(sql)).rowcount


def _reset_sequences(connection: Connection, tables: list[str]) -> None:
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT max(id) FROM "{table}"))'
            )
        )


def grow_archive(url: str, captures: int, changes: int) -> dict[str, Any]:
    """Copy rows until the archive holds ``captures`` captures and ``changes`` changes."""
    started = time.perf_counter()
    engine = create_engine(resolve_db_url(url))
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "sqlite":  # a throw-away copy: no fsync, a big cache
                connection.exec_driver_sql("PRAGMA synchronous=OFF")
                connection.exec_driver_sql("PRAGMA cache_size=-524288")
            result = _grow(connection, captures, changes)
        _settle(engine)
    finally:
        engine.dispose()
    result["build_seconds"] = round(time.perf_counter() - started, 1)
    return result


def _settle(engine: Engine) -> None:
    """Statistics for the planner; on PostgreSQL a VACUUM too, as after any bulk load: an
    archive that grew crawl by crawl has been vacuumed all along, whereas after a million rows
    copied at once autovacuum may start on them while the commands are being timed (1 s at a
    million captures)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
        return
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()


def _grow(connection: Connection, captures: int, changes: int) -> dict[str, Any]:
    dialect = connection.dialect.name
    base_captures = _scalar(connection, "SELECT count(*) FROM capture")
    last_capture = _scalar(connection, "SELECT max(id) FROM capture")
    crawl_stride = _scalar(connection, "SELECT max(id) FROM crawl")
    copies = math.ceil((captures - base_captures) / base_captures) if base_captures else 0
    copies = max(copies, 0)
    _copy_rows(
        connection,
        "crawl",
        copies,
        {
            "id": f"t.id + s.n * {crawl_stride}",
            "started": _days_back(dialect, "t.started", "s.n"),
            "finished": _days_back(dialect, "t.finished", "s.n"),
        },
    )
    _copy_rows(
        connection,
        "capture",
        copies,
        {
            "crawl_id": f"t.crawl_id + s.n * {crawl_stride}",
            "fetched_at": _days_back(dialect, "t.fetched_at", "s.n"),
        },
        where=f"t.id <= {last_capture}",
        limit=captures - base_captures,
    )
    base_changes = _scalar(connection, 'SELECT count(*) FROM "change"')
    kinds = connection.execute(
        text(
            'SELECT e.type, c.change, c.field, count(*) FROM "change" AS c '
            "JOIN entity AS e ON e.id = c.entity_id GROUP BY 1, 2, 3"
        )
    ).fetchall()
    change_copies = math.ceil((changes - base_changes) / base_changes) if base_changes else 0
    change_copies = max(change_copies, 0)
    entity_stride = _scalar(connection, "SELECT max(id) FROM entity")
    last_change = _scalar(connection, 'SELECT max(id) FROM "change"')
    day = f"((s.n - 1) % {max(copies, 1)} + 1)"  # the crawl copy a change copy belongs to
    _copy_rows(
        connection,
        "entity",
        change_copies,
        {"id": f"t.id + s.n * {entity_stride}", "key": "t.key || '#bench-' || s.n"},
        where='t.id IN (SELECT entity_id FROM "change")',
    )
    # each change copy belongs to a copy of its transition (one entity's edit), as a crawl
    # that detected that many edits would have stored them
    transition_stride = _scalar(connection, "SELECT coalesce(max(id), 0) FROM transition")
    _copy_rows(
        connection,
        "transition",
        change_copies,
        {
            "id": f"t.id + s.n * {transition_stride}",
            "entity_id": f"t.entity_id + s.n * {entity_stride}",
            "crawl_id": f"t.crawl_id + {day} * {crawl_stride}" if copies else "t.crawl_id",
            "detected_at": _days_back(dialect, "t.detected_at", day),
        },
        where=f't.id <= {transition_stride} AND t.entity_id IN (SELECT entity_id FROM "change")',
    )
    _copy_rows(
        connection,
        "change",
        change_copies,
        {
            "transition_id": f"t.transition_id + s.n * {transition_stride}",
            "entity_id": f"t.entity_id + s.n * {entity_stride}",
            "crawl_id": f"t.crawl_id + {day} * {crawl_stride}" if copies else "t.crawl_id",
            "detected_at": _days_back(dialect, "t.detected_at", day),
        },
        where=f"t.id <= {last_change}",
        limit=changes - base_changes,
    )
    _reset_sequences(connection, ["crawl", "entity", "transition"])
    return {
        "captures": _scalar(connection, "SELECT count(*) FROM capture"),
        "changes": _scalar(connection, 'SELECT count(*) FROM "change"'),
        "transitions": _scalar(connection, "SELECT count(*) FROM transition"),
        "crawls": _scalar(connection, "SELECT count(*) FROM crawl"),
        "grown_from": {
            "captures": base_captures,
            "changes": base_changes,
            "change_kinds": {
                f"{kind} {change} {name}".strip(): n for kind, change, name, n in kinds
            },
        },
    }
