"""Bytes on disk per table, indexes included: SQLite's ``dbstat`` virtual table, PostgreSQL's
``pg_total_relation_size``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, text

BODY_TABLE = "blob"  # the compressed response bodies


def sqlite_table_bytes(path: Path) -> dict[str, int]:
    """{table: bytes of its b-tree pages and its indexes' pages} of a SQLite file."""
    if not path.exists():
        return {}
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT coalesce(m.tbl_name, d.name), sum(d.pgsize) FROM dbstat AS d "
            "LEFT JOIN sqlite_schema AS m ON m.name = d.name GROUP BY 1"
        ).fetchall()
    connection.close()
    return {name: size for name, size in rows if not name.startswith("sqlite_")}


def postgres_table_bytes(url: str) -> dict[str, int]:
    """{table: pg_total_relation_size} of the tables in the public schema."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT tablename, pg_total_relation_size(quote_ident(tablename)) "
                    "FROM pg_tables WHERE schemaname = 'public'"
                )
            ).fetchall()
    finally:
        engine.dispose()
    return {name: int(size) for name, size in rows}


def growth(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """Bytes added per table (tables that did not grow are left out)."""
    grown = {name: after[name] - before.get(name, 0) for name in after}
    return {name: size for name, size in sorted(grown.items()) if size}


def per_page(sizes: dict[str, int], pages: int) -> dict[str, object]:
    """Bytes per page by table, in total, and beyond the compressed bodies."""
    pages = max(pages, 1)
    total = sum(sizes.values())
    return {
        "by_table": {name: round(size / pages) for name, size in sorted(sizes.items())},
        "total": round(total / pages),
        "beyond_bodies": round((total - sizes.get(BODY_TABLE, 0)) / pages),
    }
