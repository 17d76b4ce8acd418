"""Memento TimeMaps (RFC 7089 section 5, ``application/link-format``) of a URL's captures.

Mementos are the captures that got an HTTP response (a 304 included: it re-confirms the page as
of that moment); fetches that failed without a response are not states of the resource. The
URI of a memento is its replay URL (``archive.replay``): where ``parlwatch replay`` serves that
capture. With no replay server configured there is no memento URI to give, and the command says
so rather than pointing at a server that is not there.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING

from archive.capture_index import CaptureRow

if TYPE_CHECKING:  # (``snapshot`` imports this module for ``http_date`` alone)
    from archive.replay import ReplayAddress

CONTENT_TYPE = "application/link-format"


def http_date(value: datetime) -> str:
    """RFC 1123 date as Memento's ``datetime`` attribute wants it: ``Sun, 01 Jun 2025 …GMT``."""
    from datetime import UTC

    return format_datetime(value.replace(tzinfo=UTC), usegmt=True)


def mementos(rows: list[CaptureRow]) -> list[CaptureRow]:
    return [row for row in rows if row.status is not None]


def timemap(
    original: str, rows: list[CaptureRow], replay: ReplayAddress, language: str | None = None
) -> str:
    """The TimeMap of ``original`` listing ``rows`` (oldest first) as link-format text.

    Each memento is the replay URL of its capture; ``self`` and the TimeGate are pywb's for the
    collection of ``language`` (all languages when None).
    """
    items = sorted(mementos(rows), key=lambda r: (r.fetched_at, r.id))
    links = [f'<{original}>; rel="original"']
    self_link = f'<{replay.timemap(original, language)}>; rel="self"; type="{CONTENT_TYPE}"'
    if items:
        self_link += (
            f'; from="{http_date(items[0].fetched_at)}"; until="{http_date(items[-1].fetched_at)}"'
        )
    links.append(self_link)
    links.append(f'<{replay.timegate(original, language)}>; rel="timegate"')
    for position, row in enumerate(items):
        rel = ["first"] if position == 0 else []
        rel += ["last"] if position == len(items) - 1 else []
        rel.append("memento")
        links.append(
            f'<{replay.memento(row.timestamp, row.url, row.language)}>; rel="{" ".join(rel)}"; '
            f'datetime="{http_date(row.fetched_at)}"'
        )
    return ",\n".join(links) + "\n"
