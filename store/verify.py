"""Fixity check: the database's own integrity check, then every stored body's SHA-256 and the
captures whose body is missing.

A blob's key *is* its digest, so a body that no longer hashes to its key has been damaged (disk,
a bad restore, a hand edit). A capture that got an HTTP response other than 304 should point to
a body; one that does not, or points to a blob that is gone, is reported as missing.
"""

from __future__ import annotations

import zlib
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DatabaseError

from store.archive import Archive
from store.models import Blob, Capture
from store.tables import body_digest, read_body


@dataclass
class VerifyReport:
    blobs: int = 0
    ok: int = 0
    captures: int = 0
    mismatched: list[dict] = field(default_factory=list)  # digest, actual, captures
    unreadable: list[dict] = field(default_factory=list)  # digest, error
    size_mismatched: list[dict] = field(default_factory=list)  # digest, size, actual
    missing: list[dict] = field(default_factory=list)  # capture, url, digest, reason
    # what the database itself says of its pages (SQLite's integrity_check, PostgreSQL's amcheck)
    database: list[str] = field(default_factory=list)
    database_check: str = "not run"

    @property
    def problems(self) -> int:
        return (
            len(self.mismatched)
            + len(self.unreadable)
            + len(self.size_mismatched)
            + len(self.missing)
            + len(self.database)
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "problems": self.problems}


def verify_archive(archive: Archive, batch: int = 200) -> VerifyReport:
    """Check every blob and every capture's link to its body; reads blobs ``batch`` at a time."""
    report = VerifyReport()
    check_database(archive, report)
    try:
        _check_bodies(archive, report, batch)
    except DatabaseError as exc:  # damaged pages can make the reads themselves fail
        report.database.append(f"reading the archive failed: {_first_line(exc)}")
    return report


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def check_database(archive: Archive, report: VerifyReport, limit: int = 100) -> None:
    """The database's own check of its pages and indexes: ``PRAGMA integrity_check`` on SQLite;
    on PostgreSQL ``bt_index_check`` of every index when the amcheck extension is installed
    (best effort: its absence is said, not counted as a problem)."""
    try:
        with archive.engine.connect() as connection:
            if archive.engine.dialect.name == "sqlite":
                rows = connection.exec_driver_sql(f"PRAGMA integrity_check({limit})").scalars()
                found = [row for row in rows if row != "ok"]
                report.database_check = "SQLite integrity_check"
            elif archive.engine.dialect.name == "postgresql":
                found = _postgres_index_check(connection, report)
            else:
                report.database_check = f"skipped: no check for {archive.engine.dialect.name}"
                found = []
    except DatabaseError as exc:
        report.database_check = "failed"
        found = [f"the database check itself failed: {_first_line(exc)}"]
    report.database.extend(found)


def _postgres_index_check(connection, report: VerifyReport) -> list[str]:
    installed = connection.exec_driver_sql(
        "SELECT 1 FROM pg_extension WHERE extname = 'amcheck'"
    ).scalar()
    if not installed:
        report.database_check = "skipped: PostgreSQL's amcheck extension is not installed"
        return []
    report.database_check = "PostgreSQL amcheck (bt_index_check)"
    indexes = connection.exec_driver_sql(
        "SELECT c.oid, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE a.amname = 'btree' AND n.nspname = current_schema()"
    ).all()
    found = []
    for oid, name in indexes:
        try:
            with connection.begin_nested():
                connection.exec_driver_sql(f"SELECT bt_index_check({int(oid)})")
        except DatabaseError as exc:
            found.append(f"index {name}: {_first_line(exc)}")
    return found


def _check_bodies(archive: Archive, report: VerifyReport, batch: int) -> None:
    with archive.session() as session:
        digests = list(session.scalars(select(Blob.digest).order_by(Blob.digest)))
        for start in range(0, len(digests), batch):
            chunk = digests[start : start + batch]
            for blob in session.scalars(select(Blob).where(Blob.digest.in_(chunk))):
                report.blobs += 1
                _check_blob(blob, report)
            session.expunge_all()
        for capture, blob_digest in session.execute(
            select(Capture, Blob.digest)
            .outerjoin(Blob, Blob.digest == Capture.digest)
            .order_by(Capture.id)
        ):
            report.captures += 1
            reason = None
            if capture.digest is not None and blob_digest is None:
                reason = "body not in the blob table"
            elif capture.digest is None and capture.status not in (None, 304):
                reason = f"HTTP {capture.status} response without a stored body"
            if reason:
                report.missing.append(
                    {
                        "capture": capture.id,
                        "url": capture.url,
                        "digest": capture.digest,
                        "reason": reason,
                    }
                )
    bad = {row["digest"] for row in report.mismatched}
    if bad:
        with archive.session() as session:
            for row in report.mismatched:
                row["captures"] = list(
                    session.scalars(select(Capture.id).where(Capture.digest == row["digest"]))
                )


def _check_blob(blob: Blob, report: VerifyReport) -> None:
    try:
        body = read_body(blob)
    except (zlib.error, ValueError) as exc:
        report.unreadable.append({"digest": blob.digest, "error": f"{type(exc).__name__}: {exc}"})
        return
    actual = body_digest(body)
    if actual != blob.digest:
        report.mismatched.append({"digest": blob.digest, "actual": actual, "captures": []})
    elif blob.size != len(body):
        report.size_mismatched.append(
            {"digest": blob.digest, "size": blob.size, "actual": len(body)}
        )
    else:
        report.ok += 1
