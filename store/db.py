"""Database URLs and engines: a SQLite file by default, any SQLAlchemy URL when given."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text

from store.models import Base

if TYPE_CHECKING:
    from alembic.config import Config

DB_ENV_VAR = "PARLWATCH_DB"
DEFAULT_DB_FILE = "parlwatch.db"


class ArchiveNotFound(FileNotFoundError):
    """The SQLite file an archive was opened at does not exist, and the caller may not create it.

    The store says only which path; the caller (the command line, say) words the advice.
    """

    def __init__(self, path: str) -> None:
        super().__init__(f"no archive at {path}")
        self.path = path


def resolve_db_url(url: str | None = None) -> str:
    """The archive URL: ``url``, else ``$PARLWATCH_DB``, else ``./parlwatch.db``.

    A plain file path is accepted and turned into a SQLite URL.
    """
    url = url or os.environ.get(DB_ENV_VAR) or DEFAULT_DB_FILE
    if "://" not in url:
        url = "sqlite:///" + str(Path(url).expanduser().resolve())
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def make_engine(
    url: str | None = None, *, create: bool = True, create_missing: bool = True
) -> Engine:
    """An engine for the archive at ``url``, its schema brought up to date unless ``create`` is
    false. With ``create_missing`` false a SQLite file that does not exist is not created:
    ``ArchiveNotFound`` is raised instead, so a mistyped path never reads as an empty history.
    """
    resolved = resolve_db_url(url)
    # JSON as UTF-8 text (Cyrillic escaped as \u0436 would take six bytes a letter)
    engine = create_engine(resolved, json_serializer=_json_text)
    database = engine.url.database
    if (
        engine.dialect.name == "sqlite"
        and not create_missing
        and database not in (None, "", ":memory:")
        and not Path(database).exists()
    ):
        raise ArchiveNotFound(database)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if create:
        upgrade_schema(engine)
    return engine


def _json_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


MIGRATIONS = Path(__file__).with_name("migrations")
# The revision whose schema equals what create_all made before migrations existed.
BASELINE_REVISION = "0001"
# Tables that releases before migrations created only when first used (schedules, locks,
# notifications): an archive adopted at the baseline may lack them.
LAZY_BASELINE_TABLES = ("schedule", "crawl_lock", "notify_target", "notify_delivery")


def alembic_config(connection: Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade_schema(engine: Engine) -> None:
    """Bring the archive's schema to the latest migration.

    This is the one place the schema is made. A new database gets the current schema at once
    and is stamped; one made before migrations existed gets the baseline tables it never used
    (``LAZY_BASELINE_TABLES``), is stamped at the baseline and upgraded from there; any other is
    upgraded. Where the migration scripts are not files (a zipped egg on scrapyd), the tables
    are created directly.
    """
    import store.notifications  # noqa: F401  (registers the notification tables)
    import store.schedules  # noqa: F401  (registers the schedule and lock tables)

    if not (MIGRATIONS / "versions").is_dir():
        Base.metadata.create_all(engine)
        return
    if _at_head(engine):
        return  # the common case, answered without loading alembic and every migration
    from alembic import command
    from alembic.migration import MigrationContext

    with engine.begin() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        config = alembic_config(connection)
        if current is None and not inspect(connection).has_table("crawl"):
            Base.metadata.create_all(connection)
            command.stamp(config, "head")
            return
        if current is None:
            _add_lazy_baseline_tables(connection)
            command.stamp(config, BASELINE_REVISION)
        command.upgrade(config, "head")


_REVISION_LINE = re.compile(r'^(down_revision|revision)\s*=\s*(?:"([^"]*)"|None)\s*$', re.M)


def _head_revision() -> str | None:
    """The one head of the migration scripts, read from their ``revision`` and
    ``down_revision`` lines; None when that is not clear-cut (alembic then decides)."""
    revisions, parents = set(), set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        if script.name.startswith("__"):
            continue
        found = dict((name, value) for name, value in _REVISION_LINE.findall(script.read_text()))
        if not found.get("revision") or "down_revision" not in found:
            return None
        revisions.add(found["revision"])
        parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _at_head(engine: Engine) -> bool:
    """Is the archive stamped at the scripts' head already?"""
    head = _head_revision()
    if head is None:
        return False
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        stamped = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        return list(stamped) == [head]


def _add_lazy_baseline_tables(connection: Connection) -> None:
    """Create the ``LAZY_BASELINE_TABLES`` a pre-migration archive lacks, as the baseline has them.

    The models stand in for the baseline here: tests/store/test_migrations.py fails when a later
    migration changes one of these tables, and then this must create them as of the baseline.
    """
    present = set(inspect(connection).get_table_names())
    missing = [Base.metadata.tables[name] for name in LAZY_BASELINE_TABLES if name not in present]
    if missing:
        Base.metadata.create_all(connection, tables=missing)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
