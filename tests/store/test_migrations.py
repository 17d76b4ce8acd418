"""The archive schema is managed by Alembic: new, old and upgraded archives end up alike."""

from __future__ import annotations

import gzip
import json
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, create_engine, func, inspect, select, text
from sqlalchemy.orm import Session

from crawler.registry import load_registry
from reports.report import Options, build_report
from store.archive import Archive
from store.db import alembic_config, make_engine, resolve_db_url
from store.diff import home_of
from store.models import (
    Base,
    Capture,
    CaptureUrl,
    Change,
    Entity,
    HeaderSet,
    Transition,
    Version,
    content_text,
)
from store.queries import list_changes


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
    engine = create_engine(resolve_db_url(empty_url))
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


def test_an_archive_from_before_schedules_and_notifications_is_adopted(sqlite_url):
    """Releases before migrations made the schedule, lock and notification tables only when
    first used: adopting such an archive adds them, as the baseline has them."""
    from store.db import LAZY_BASELINE_TABLES

    engine = create_engine(sqlite_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0001")
        for table in (*LAZY_BASELINE_TABLES[::-1], "alembic_version"):
            connection.exec_driver_sql(f"DROP TABLE {table}")
    assert not set(LAZY_BASELINE_TABLES) & set(inspect(engine).get_table_names())
    engine.dispose()
    archive = Archive(sqlite_url)
    assert current_revision(archive.engine) == head_revision()
    assert drift(archive.engine) == []
    archive.engine.dispose()


def test_a_missing_sqlite_file_is_made_only_when_the_caller_allows(tmp_path):
    from store.db import ArchiveNotFound

    missing = tmp_path / "typo.db"
    with pytest.raises(ArchiveNotFound) as raised:
        Archive(str(missing), create_missing=False)
    assert raised.value.path == str(missing) and not missing.exists()
    assert "--db" not in str(raised.value), "the store leaves the advice to its caller"
    Archive(str(missing)).engine.dispose()
    assert missing.exists()
    Archive(str(missing), create_missing=False).engine.dispose()


RELEASE_ARCHIVE = Path(__file__).parents[1] / "fixtures" / "archives" / "release-c8336ce.db.gz"
RELEASE_REPORT = RELEASE_ARCHIVE.with_name("release-c8336ce.report.json")


@pytest.fixture
def release_archive(tmp_path) -> Path:
    """A copy of an archive the previous release wrote (see tests/fixtures/archives/)."""
    path = tmp_path / "release.db"
    path.write_bytes(gzip.decompress(RELEASE_ARCHIVE.read_bytes()))
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def release_url(request, release_archive) -> str:
    """That archive as SQLite, or copied row by row into PostgreSQL at the same revision."""
    if request.param == "sqlite":
        return f"sqlite:///{release_archive}"
    url = request.getfixturevalue("postgres_url")
    _copy_archive(release_archive, url)
    return url


def _copy_archive(source: Path, url: str) -> None:
    target = create_engine(resolve_db_url(url))
    with target.begin() as connection:
        command.upgrade(alembic_config(connection), "0001")
    origin = create_engine(f"sqlite:///{source}")
    tables, copied = MetaData(), MetaData()
    tables.reflect(origin)
    copied.reflect(target)
    with origin.connect() as read, target.begin() as write:
        for table in copied.sorted_tables:
            if table.name != "alembic_version" and table.name in tables.tables:
                rows = [dict(r._mapping) for r in read.execute(tables.tables[table.name].select())]
                if rows:
                    write.execute(table.insert(), rows)
    origin.dispose()
    target.dispose()


def _release_rows(path: Path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        return db.execute(
            "SELECT c.id, c.entity_id, c.crawl_id, c.version_id, c.previous_version_id,"
            " c.detected_at, c.field, c.change, c.old, c.new, c.category, e.key, e.type,"
            " e.country, e.language FROM change c JOIN entity e ON e.id = c.entity_id"
            " ORDER BY c.detected_at, c.crawl_id, e.key, c.field, c.id"
        ).fetchall()


def _order(change: dict) -> tuple:
    """Detection order, with keys compared as SQLite compares them on every database."""
    return (change["detected_at"], change["crawl"], change["entity"], change["field"])


def _json(stored: object) -> object:
    """A JSON column's value as SQLite hands it over (a number comes back as a number)."""
    return json.loads(stored) if isinstance(stored, str) else stored


def test_an_archive_of_the_previous_release_gets_one_transition_per_change(
    release_archive, release_url
):
    rows = _release_rows(release_archive)
    expected: dict[tuple, dict] = {}
    for row_id, entity, crawl, version, previous, detected, field, change, *_ in rows:
        group = expected.setdefault(
            (entity, crawl, version, previous),
            {"change": "modified", "detected_at": datetime.fromisoformat(detected), "rows": set()},
        )
        group["rows"].add(row_id)
        if field == "" and change in ("added", "removed"):
            group["change"] = change
    assert {g["change"] for g in expected.values()} == {"added", "modified", "removed"}
    assert any(len(g["rows"]) > 1 for g in expected.values()), "an edit of several fields"

    archive = Archive(release_url)
    assert current_revision(archive.engine) == head_revision()
    assert drift(archive.engine) == []
    with archive.session() as session:
        got = {
            (t.entity_id, t.crawl_id, t.version_id, t.previous_version_id): {
                "change": t.change,
                "detected_at": t.detected_at,
                "rows": {c.id for c in t.fields},
            }
            for t in session.scalars(select(Transition))
        }
        assert session.scalar(select(func.count()).select_from(Change)) == len(rows)
    assert got == expected
    archive.engine.dispose()


def _recalibrated(change: list) -> list:
    """The release's line as reports say it since publishing news became ``routine`` (issue 18):
    the same change, its level and reason recalibrated, nothing else."""
    _id, entity, kind, significance, why, *rest = change
    if "/news/" in entity and kind in ("added", "removed") and significance == "substantive":
        return [_id, entity, kind, "routine", why + ": the ordinary flow of the site", *rest]
    return change


def test_the_previous_release_archive_reads_as_it_did(release_archive, release_url):
    """The changes list and the report on the upgraded archive say what the release said."""
    rows = _release_rows(release_archive)
    archive = Archive(release_url)
    changes = [row.to_dict() for row in list_changes(archive)]
    assert all(isinstance(c.pop("transition"), int) for c in changes)
    assert sorted(changes, key=_order) == sorted([
        {
            "entity": key,
            "type": kind,
            "country": country,
            "language": language,
            "change": change,
            "field": field,
            "old": _json(old),
            "new": _json(new),
            "category": category,
            "detected_at": datetime.fromisoformat(detected).isoformat(timespec="seconds") + "Z",
            "crawl": crawl,
        }
        for _id, _e, crawl, _v, _p, detected, field, change, old, new, category, key, kind,
        country, language in rows
    ], key=_order)  # fmt: skip
    said = json.loads(RELEASE_REPORT.read_text(encoding="utf-8"))
    site_info = {s.id: (s.country, s.name) for s in load_registry().values()}  # as the CLI's
    for net in (False, True):
        report = build_report(archive, Options(net=net, site_info=site_info)).to_dict()
        name = "net" if net else "report"
        assert [
            [c["id"], c["entity"], c["change"], c["significance"], c["why"], c["statement"],
             c["crawls"], [f["field"] for f in c["fields"]]]
            for c in report["changes"]
        ] == [_recalibrated(c) for c in said[name]]  # fmt: skip
        flips = [[f["entity"], f["first_step"], f["steps"]] for f in report["flip_flops"]]
        assert flips == said[f"{name}_flip_flops"]
        summary = {k: report["summary"][k] for k in ("changes", "by_significance", "by_category")}
        expected = dict(said[f"{name}_summary"])
        routine = sum(_recalibrated(c)[3] == "routine" for c in said[name])
        levels = dict(expected["by_significance"])
        levels["substantive"] -= routine
        expected["by_significance"] = {
            level: levels.get(level, routine) for level in summary["by_significance"]
        }
        assert summary == expected
    archive.engine.dispose()


def test_the_transitions_migration_goes_down_and_up_again(release_archive):
    engine = create_engine(f"sqlite:///{release_archive}")
    for step in (command.upgrade, command.downgrade, command.upgrade):
        with engine.begin() as connection:
            step(alembic_config(connection), "head" if step is command.upgrade else "0001")
    assert current_revision(engine) == head_revision()
    assert drift(engine) == []
    engine.dispose()


def test_stored_delegations_get_their_chambers_phrases_and_keep_their_hashes(
    release_archive, release_url
):
    with closing(sqlite3.connect(release_archive)) as db:
        hashes = dict(db.execute("SELECT id, content_hash FROM version").fetchall())
    archive = Archive(release_url)
    phrases = set()
    with archive.session() as session:
        for version, entity in session.execute(
            select(Version, Entity).join(Entity, Entity.id == Version.entity_id)
        ):
            assert version.content_hash == hashes[version.id]
            assert home_of(entity.type).content_hash(version.content) == version.content_hash
            if entity.key == "pacsto/en/delegation/RU":
                phrases |= {c.get("phrase") for c in version.content["chambers"]}
    assert {
        "12 members of the Federation Council of the Russian Federation",
        "12 senators of the Russian Federation",
    } <= phrases
    archive.engine.dispose()


_CAPTURE_FIELDS = (
    "url", "canonical_url", "content_type", "etag", "last_modified", "http_date", "headers",
    "request_headers",
)  # fmt: skip


def _stored_captures(path: Path) -> dict[int, tuple]:
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute(f"SELECT id, {', '.join(_CAPTURE_FIELDS)} FROM capture").fetchall()
    return {row[0]: (*row[1:-2], json.loads(row[-2]), json.loads(row[-1])) for row in rows}


def test_captures_read_as_they_did_once_urls_and_headers_are_stored_once(
    release_archive, release_url
):
    """Migration 0005 (lean captures): each capture's URLs and headers, in order, unchanged;
    a URL and a header set are one row however many captures share them."""
    before = _stored_captures(release_archive)
    archive = Archive(release_url)
    with archive.session() as session:
        after = {
            c.id: tuple(getattr(c, name) for name in _CAPTURE_FIELDS)
            for c in session.scalars(select(Capture))
        }
        urls = session.scalar(select(func.count()).select_from(CaptureUrl))
        sets = session.scalar(select(func.count()).select_from(HeaderSet))
    assert after == before
    assert [list(after[c][-2]) for c in sorted(after)] == [
        list(before[c][-2]) for c in sorted(before)
    ]
    assert urls == len({(b[0], b[1]) for b in before.values()}) < len(before)
    assert sets < 2 * len(before), "a response and a request header set per capture at most"
    archive.engine.dispose()


def test_lean_captures_go_down_with_their_urls_and_headers(release_archive):
    before = _stored_captures(release_archive)
    engine = create_engine(f"sqlite:///{release_archive}")
    for step, to in ((command.upgrade, "head"), (command.downgrade, "0008")):
        with engine.begin() as connection:
            step(alembic_config(connection), to)
    engine.dispose()
    assert _stored_captures(release_archive) == before


def _contents_as_json(engine) -> dict[int, str]:
    """Each version's content as the JSON column of revision 0005 holds it, parsed and dumped
    again (keys in their order) so that the texts compare whatever their spacing."""
    column = "content::text" if engine.dialect.name == "postgresql" else "content"
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT id, {column} FROM version")).all()
    return {i: json.dumps(json.loads(stored), ensure_ascii=False) for i, stored in rows}


def test_packed_contents_go_up_and_down_with_every_content_as_it_was(release_url):
    """Migration 0009, on SQLite and PostgreSQL: every version's content is packed (compressed
    JSON), reads back through the ORM as it was, and is JSON text again after the downgrade."""
    engine = create_engine(resolve_db_url(release_url))

    def migrate(step, to: str) -> None:
        with engine.begin() as connection:
            step(alembic_config(connection), to)

    migrate(command.upgrade, "0005")
    before = _contents_as_json(engine)
    assert len(before) > 100
    migrate(command.upgrade, "head")
    with engine.connect() as connection:
        packed = {
            i: bytes(p) for i, p in connection.execute(text("SELECT id, content FROM version"))
        }
    unpacked = {
        i: json.dumps(json.loads(content_text(p)), ensure_ascii=False) for i, p in packed.items()
    }
    assert unpacked == before
    compact = sum(
        len(json.dumps(json.loads(t), separators=(",", ":"), ensure_ascii=False).encode())
        for t in before.values()
    )
    assert sum(map(len, packed.values())) < 0.7 * compact
    with Session(engine) as session:
        read = {
            v.id: json.dumps(v.content, ensure_ascii=False)
            for v in session.scalars(select(Version))
        }
    assert read == before
    migrate(command.downgrade, "0005")
    assert _contents_as_json(engine) == before
    migrate(command.upgrade, "head")
    assert current_revision(engine) == head_revision()
    assert drift(engine) == []
    engine.dispose()
