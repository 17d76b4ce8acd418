"""The archive schema is managed by Alembic: new, old and upgraded archives end up alike."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from store.archive import Archive
from store.db import alembic_config, make_engine, resolve_db_url
from store.models import Base


def head_revision() -> str:
    with create_engine("sqlite://").connect() as connection:
        return ScriptDirectory.from_config(alembic_config(connection)).get_current_head()


def current_revision(engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def drift(engine) -> list:
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request) -> str:
    return resolve_db_url(
        request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")
    )


def test_a_new_archive_is_at_the_latest_migration(empty_url):
    engine = make_engine(empty_url)
    assert current_revision(engine) == head_revision()
    assert drift(engine) == []
    engine.dispose()


def test_the_migrations_alone_build_the_models_schema(empty_url):
    """A model changed without a migration makes this fail: write the migration."""
    engine = create_engine(empty_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    assert current_revision(engine) == head_revision()
    assert drift(engine) == []
    engine.dispose()


def test_an_archive_from_before_migrations_is_adopted(sqlite_url):
    """Such an archive has the baseline's schema (0001) and no ``alembic_version`` table."""
    engine = create_engine(sqlite_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0001")
        connection.execute(text("DROP TABLE alembic_version"))
    assert not inspect(engine).has_table("alembic_version")
    engine.dispose()
    archive = Archive(sqlite_url)
    assert current_revision(archive.engine) == head_revision()
    crawl_id = archive.start_crawl("pacsto")
    assert crawl_id == 1
    archive.engine.dispose()
