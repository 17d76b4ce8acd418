"""The PostgreSQL side of the benchmark: a scratch database holding a copy of a crawled archive.

The copy goes table by table through the project's models (so JSON and times keep their
types), into a database whose schema parlwatch itself created; the scratch database is dropped
afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, insert, select, text

ADMIN_URL = os.environ.get("PARLWATCH_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
CHUNK = 2000


def _admin(*statements: str, url: str = ADMIN_URL, timeout: int | None = None) -> None:
    """Run ``statements`` on the server at ``url`` outside a transaction."""
    from store.db import run_outside_transaction

    run_outside_transaction(url, *statements, connect_timeout=timeout)


def unavailable_reason(admin_url: str = ADMIN_URL) -> str | None:
    """Why PostgreSQL cannot be used (None when it can)."""
    try:
        _admin("SELECT 1", url=admin_url, timeout=3)
        return None
    except ModuleNotFoundError as exc:
        return f"its driver ({exc.name}) is not installed (pip install -e '.[postgres]')"
    except Exception as exc:  # any failure to connect means: skip, and say why
        return f"PostgreSQL not reachable at {admin_url}: {exc}".strip()


@contextmanager
def scratch_database(admin_url: str = ADMIN_URL) -> Iterator[str]:
    """A new empty database for the duration; yields its URL."""
    name = f"parlwatch_bench_{uuid.uuid4().hex[:10]}"
    _admin(f'CREATE DATABASE "{name}"', url=admin_url)
    try:
        yield f"{admin_url.rsplit('/', 1)[0]}/{name}"
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', url=admin_url)


def copy_archive(source_url: str, target_url: str) -> dict[str, int]:
    """Copy every table of the archive at ``source_url`` into ``target_url``; rows per table."""
    from store.archive import Archive
    from store.db import resolve_db_url
    from store.models import Base

    Archive(target_url).engine.dispose()  # parlwatch creates the schema and stamps it
    source = create_engine(resolve_db_url(source_url))
    target = create_engine(resolve_db_url(target_url))
    copied: dict[str, int] = {}
    try:
        with source.connect() as reading, target.begin() as writing:
            for table in Base.metadata.sorted_tables:
                rows = reading.execute(select(table)).mappings()
                count = 0
                while chunk := [dict(row) for row in rows.fetchmany(CHUNK)]:
                    writing.execute(insert(table), chunk)
                    count += len(chunk)
                copied[table.name] = count
                if "id" in table.c and count:
                    writing.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                            f'(SELECT max(id) FROM "{table.name}"))'
                        )
                    )
    finally:
        source.dispose()
        target.dispose()
    return copied
