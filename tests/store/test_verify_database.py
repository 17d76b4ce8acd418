"""``verify`` runs the database's own check: SQLite's integrity_check, PostgreSQL's amcheck."""

from __future__ import annotations

from store.verify import verify_archive


def test_a_sound_archive_passes_the_database_check_on_every_backend(archive):
    report = verify_archive(archive)
    assert report.database == [] and report.problems == 0
    if archive.engine.dialect.name == "sqlite":
        assert report.database_check == "SQLite integrity_check"
    else:
        assert report.database_check in (
            "PostgreSQL amcheck (bt_index_check)",
            "skipped: PostgreSQL's amcheck extension is not installed",
        )


def test_postgresql_indexes_are_checked_when_amcheck_is_installed(postgres_url):
    from postgres_admin import pg_admin

    from store.archive import Archive

    pg_admin("CREATE EXTENSION IF NOT EXISTS amcheck", url=postgres_url)
    archive = Archive(postgres_url)
    try:
        report = verify_archive(archive)
    finally:
        archive.engine.dispose()
    assert report.database_check == "PostgreSQL amcheck (bt_index_check)"
    assert report.database == []
