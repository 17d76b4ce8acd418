"""Database URLs and engines: a SQLite file by default, any SQLAlchemy URL when given."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, MetaData, Table, create_engine, event, inspect, text
from sqlalchemy.exc import DBAPIError, NoSuchModuleError

from store.release import RELEASE

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


class ArchiveUnusable(Exception):
    """The archive's place cannot hold a database: a folder that does not exist, a directory."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"cannot use {path} as an archive: {reason}")
        self.path = path
        self.reason = reason


class DatabaseUnsupported(Exception):
    """The URL names a database this installation cannot talk to (no such dialect or driver)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"cannot use a {url.split('://', 1)[0]}:// archive: {reason}")
        self.reason = reason


class SchemaTooNew(Exception):
    """The archive's schema was written by a newer parlwatch than this one (a revision the
    migrations here do not know): opening it could damage it, so nothing is done."""

    def __init__(self, revision: str, head: str, written_by: str | None) -> None:
        by = f"parlwatch {written_by}" if written_by else "a newer parlwatch"
        super().__init__(
            f"this archive was written by {by} (schema revision {revision}); this parlwatch "
            f"({RELEASE}) knows schema revisions up to {head}: upgrade parlwatch to open it"
        )
        self.revision = revision
        self.head = head
        self.written_by = written_by


def resolve_db_url(url: str | None = None) -> str:
    """The archive URL: ``url``, else ``$PARLWATCH_DB``, else ``./parlwatch.db``.

    A plain file path is accepted and turned into a SQLite URL. ``postgresql://`` means
    psycopg2 (the ``postgres`` extra installs it), whatever SQLAlchemy's own default: it
    imports in ~0.03 s where psycopg 3 takes ~0.15 s, and every read command pays its driver's
    import before it reads anything. ``postgresql+psycopg://`` still chooses psycopg 3.
    """
    url = url or os.environ.get(DB_ENV_VAR) or DEFAULT_DB_FILE
    if "://" not in url:
        url = "sqlite:///" + str(Path(url).expanduser().resolve())
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg2://" + url.removeprefix("postgresql://")
    return url


def make_engine(
    url: str | None = None, *, create: bool = True, create_missing: bool = True
) -> Engine:
    """An engine for the archive at ``url``, its schema brought up to date unless ``create`` is
    false. With ``create_missing`` false a SQLite file that does not exist is not created:
    ``ArchiveNotFound`` is raised instead, so a mistyped path never reads as an empty history.
    """
    resolved = resolve_db_url(url)
    try:
        # JSON as UTF-8 text (Cyrillic escaped as \u0436 would take six bytes a letter)
        engine = create_engine(resolved, json_serializer=_json_text)
    except ModuleNotFoundError as exc:  # mysql:// without its driver, say
        raise DatabaseUnsupported(resolved, f"its driver ({exc.name}) is not installed") from exc
    except NoSuchModuleError as exc:
        raise DatabaseUnsupported(resolved, "SQLAlchemy knows no such database") from exc
    database = engine.url.database
    if (
        engine.dialect.name == "sqlite"
        and not create_missing
        and database not in (None, "", ":memory:")
        and not Path(database).exists()
    ):
        raise ArchiveNotFound(database)
    if engine.dialect.name == "sqlite" and database not in (None, "", ":memory:"):
        _check_sqlite_place(Path(database))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if create:
        upgrade_schema(engine)
    return engine


def run_outside_transaction(url: str, *statements: str, connect_timeout: int | None = None) -> None:
    """Run ``statements`` on the database server at ``url``, each on its own, outside a
    transaction: the ones PostgreSQL refuses inside one (CREATE DATABASE, DROP DATABASE), or
    an extension to create. For setting a server up (the tests' and the benchmark's scratch
    databases); the archive's own schema is the migrations' (``make_engine``)."""
    args = {"connect_timeout": connect_timeout} if connect_timeout else {}
    engine = create_engine(resolve_db_url(url), isolation_level="AUTOCOMMIT", connect_args=args)
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def _check_sqlite_place(path: Path) -> None:
    if path.is_dir():
        raise ArchiveUnusable(str(path), "it is a directory (name a file in it)")
    if not path.parent.is_dir():
        raise ArchiveUnusable(str(path), f"there is no folder {path.parent}")


def _json_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


MIGRATIONS = Path(__file__).with_name("migrations")
# The revision whose schema equals what create_all made before migrations existed.
BASELINE_REVISION = "0001"
# Tables that releases before migrations created only when first used (schedules, locks,
# notifications): an archive adopted at the baseline may lack them.
LAZY_BASELINE_TABLES = ("schedule", "crawl_lock", "notify_target", "notify_delivery")
# Columns that later migrations added to those tables: the migration adds them, so an adopted
# archive's table is made without them.
LATER_COLUMNS = {"schedule": ("settings",)}  # 0010


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
    migrations = (MIGRATIONS / "versions").is_dir()
    if migrations and _at_head(engine):
        return  # the common case, answered without loading alembic and every migration
    import store.notifications  # noqa: F401  (registers the notification tables)
    import store.schedules  # noqa: F401  (registers the schedule and lock tables)
    import store.search  # noqa: F401  (registers the news search index table)
    from store.models import Base

    if not migrations:
        Base.metadata.create_all(engine)
        return
    from alembic import command
    from alembic.migration import MigrationContext

    with engine.connect() as connection, _foreign_keys_off(connection), connection.begin():
        current = MigrationContext.configure(connection).get_current_revision()
        config = alembic_config(connection)
        if current is None and not inspect(connection).has_table("crawl"):
            Base.metadata.create_all(connection)
            command.stamp(config, "head")
            return
        _refuse_newer_schema(connection, config, current)
        if current is None:
            _add_lazy_baseline_tables(connection)
            command.stamp(config, BASELINE_REVISION)
        command.upgrade(config, "head")


@contextmanager
def _foreign_keys_off(connection: Connection) -> Iterator[None]:
    """On SQLite, foreign keys unchecked while migrating: a migration that rebuilds a table
    others point at (``batch_alter_table``) drops the old one, which checked keys refuse.
    The pragma is set outside the transaction (SQLite ignores it inside one)."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        yield
    finally:
        if sqlite:
            connection.rollback()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def _refuse_newer_schema(connection: Connection, config: Config, current: str | None) -> None:
    """Raise ``SchemaTooNew`` when ``current`` is a revision these migrations do not know."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(config)
    if current is None or current in {script.revision for script in scripts.walk_revisions()}:
        return
    raise SchemaTooNew(current, scripts.get_current_head() or "?", _last_writer(connection))


def _last_writer(connection: Connection) -> str | None:
    """The release that wrote the archive's last crawl, else its last version (best effort:
    None when neither says)."""

    try:
        params = connection.exec_driver_sql(
            "SELECT params FROM crawl ORDER BY id DESC LIMIT 1"
        ).scalar()
        params = json.loads(params) if isinstance(params, str) else params
        if isinstance(params, dict) and params.get("parlwatch"):
            return str(params["parlwatch"])
        return connection.exec_driver_sql(
            "SELECT parser_version FROM version WHERE parser_version IS NOT NULL "
            "ORDER BY id DESC LIMIT 1"
        ).scalar()
    except Exception:  # a newer schema may have moved them: the revision alone is still said
        return None


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
        # one query, not an inspector's catalogue look-up first: a missing table is an error
        # (and the full upgrade then decides, as for any archive not stamped at the head)
        try:
            stamped = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            return stamped.scalars().all() == [head]
        except DBAPIError:
            return False


def _add_lazy_baseline_tables(connection: Connection) -> None:
    """Create the ``LAZY_BASELINE_TABLES`` a pre-migration archive lacks, as the baseline has them.

    The models stand in for the baseline here: tests/store/test_migrations.py fails when a later
    migration changes one of these tables, and then this must create them as of the baseline.
    """
    from store.models import Base

    present = set(inspect(connection).get_table_names())
    missing = [Base.metadata.tables[name] for name in LAZY_BASELINE_TABLES if name not in present]
    as_models = [table for table in missing if table.name not in LATER_COLUMNS]
    if as_models:
        Base.metadata.create_all(connection, tables=as_models)
    for table in missing:
        if table.name in LATER_COLUMNS:  # (none of them has a foreign key)
            later = LATER_COLUMNS[table.name]
            columns = [column._copy() for column in table.columns if column.name not in later]
            Table(table.name, MetaData(), *columns).create(connection)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
