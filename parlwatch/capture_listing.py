"""The lines of ``parlwatch captures``: a capture as text or CDXJ, and the pages of a listing
cut by ``--limit`` (``--resume-key``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

import click

from archive.capture_index import CaptureRow, resume_point
from archive.cdxj import cdxj_line

if TYPE_CHECKING:
    from store.archive import Archive


def resume_point_of(
    archive: Archive, resume_key: int | None, limit: int | None
) -> tuple[datetime, int] | None:
    """Where the listing resumes for ``--resume-key`` (None without one); a key that names no
    capture, or one given with ``--limit -N``, is a usage error."""
    if resume_key is None:
        return None
    if limit is not None and limit < 0:
        raise click.BadParameter(
            "--limit -N lists the last captures: there is no page after them",
            param_hint="--resume-key",
        )
    try:
        return resume_point(archive, resume_key)
    except LookupError as exc:
        raise click.BadParameter(str(exc), param_hint="--resume-key") from exc


class Page:
    """The first ``size`` rows of a listing (all when None), noting the last one given and
    whether a row was left after it."""

    def __init__(self, size: int | None) -> None:
        self.size, self.last, self.more = size, None, False

    def rows(self, rows: Iterator[CaptureRow]) -> Iterator[CaptureRow]:
        for n, row in enumerate(rows):
            if self.size is not None and n == self.size:
                self.more = True
                return
            self.last = row
            yield row


def cdxj_text(row: CaptureRow) -> str:
    fields = {"url": row.url, "mime": row.mime, "status": str(row.status or "-")}
    fields.update(digest=row.digest, length=row.length, language=row.language)
    return cdxj_line(row.url, row.timestamp, fields)


def text_line(row: CaptureRow) -> str:
    return (
        f"{row.fetched_at.isoformat(timespec='seconds')}Z  {row.status or 'ERR':>3}  "
        f"{row.language or '--':<2}  {(row.digest or '-')[:19]:<19}  "
        f"{row.length if row.length is not None else '-':>7}  {row.url}"
        + (f"  ({row.error})" if row.error else "")
    )
