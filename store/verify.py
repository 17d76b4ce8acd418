"""Fixity check: recompute every stored body's SHA-256 and find captures whose body is missing.

A blob's key *is* its digest, so a body that no longer hashes to its key has been damaged (disk,
a bad restore, a hand edit). A capture that got an HTTP response other than 304 should point to
a body; one that does not, or points to a blob that is gone, is reported as missing.
"""

from __future__ import annotations

import zlib
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select

from store.archive import Archive
from store.captures import body_digest, read_body
from store.models import Blob, Capture


@dataclass
class VerifyReport:
    blobs: int = 0
    ok: int = 0
    captures: int = 0
    mismatched: list[dict] = field(default_factory=list)  # digest, actual, captures
    unreadable: list[dict] = field(default_factory=list)  # digest, error
    size_mismatched: list[dict] = field(default_factory=list)  # digest, size, actual
    missing: list[dict] = field(default_factory=list)  # capture, url, digest, reason

    @property
    def problems(self) -> int:
        return (
            len(self.mismatched)
            + len(self.unreadable)
            + len(self.size_mismatched)
            + len(self.missing)
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "problems": self.problems}


def verify_archive(archive: Archive, batch: int = 200) -> VerifyReport:
    """Check every blob and every capture's link to its body; reads blobs ``batch`` at a time."""
    report = VerifyReport()
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
    return report


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
