"""One crawl's captures as a WARC for replay, with the index lines of each collection.

The records are the project's own (``archive.warc_export``); what is added here is memory across
crawls: a body already written for the same URL and language in an earlier crawl is written as
a revisit record pointing at it, and the index line of a 304 capture points at the record of the
body it confirmed, because pywb replays a 304 revisit as an empty 304.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from archive.capture_export import FullCapture, crawl_infos
from archive.capture_index import capture_headers, capture_query, capture_row
from archive.cdxj import cdxj_line
from archive.replay import language_collection
from archive.replay_state import PayloadRecord, ReplayState
from archive.snapshots import last_full_capture
from archive.warc_export import _Writer, warc_date
from store.archive import Archive
from store.release import RELEASE
from store.tables import capture

TMP_SUFFIX = ".tmp"
PayloadKey = tuple[str, str | None, str]  # canonical URL, language, digest


def crawl_captures(archive: Archive, crawl_id: int) -> list[tuple[FullCapture, str | None]]:
    """The crawl's captures in fetch order, each with the digest a 304 among them confirmed
    (the body ``parlwatch snapshot`` answers that 304 with)."""
    c = capture.c
    query = capture_query().where(c.crawl_id == crawl_id).order_by(c.fetched_at, c.id)
    out = []
    with archive.engine.connect() as connection:
        for found in connection.execute(query).all():
            row = capture_row(found)
            confirmed = None
            if row.status == 304:
                full = last_full_capture(connection, row)
                confirmed = full.digest if full else None
            out.append((FullCapture(row, *capture_headers(found)), confirmed))
    return out


@dataclass
class CrawlWarc:
    """A crawl written to a temporary WARC: what to rename into place and record."""

    tmp: Path
    lines: dict[str, list[str]]  # collection -> its index lines (unsorted)
    payloads: dict[PayloadKey, PayloadRecord]  # bodies written in full by this WARC
    unresolved_304: int  # 304s whose confirmed body is in no record (pywb: an empty 304)


class CrawlWarcWriter:
    """Writes one crawl's captures to ``folder/<warc_name>.tmp`` and collects its index lines
    for the collection ``collection`` and its language collections."""

    def __init__(
        self, state: ReplayState, folder: Path, collection: str, archive: Archive, crawl_id: int
    ) -> None:
        self.state = state
        self.folder = folder
        self.collection = collection
        self.archive = archive
        self.crawl_id = crawl_id
        self.warc_name = f"crawl-{crawl_id:08d}.warc.gz"
        self.payloads: dict[PayloadKey, PayloadRecord] = {}
        self.record_ids: dict[PayloadKey, str] = {}

    def known(self, key: PayloadKey) -> PayloadRecord | None:
        return self.payloads.get(key) or self.state.payload(*key)

    def write(self, items: list[tuple[FullCapture, str | None]]) -> CrawlWarc:
        tmp = self.folder / (self.warc_name + TMP_SUFFIX)
        lines: dict[str, list[str]] = defaultdict(list)
        unresolved = 0
        info = crawl_infos(self.archive, {self.crawl_id}).get(self.crawl_id)
        try:
            with open(tmp, "wb") as handle:
                writer = _Writer(handle, self.archive, self.warc_name)
                writer.warcinfo(
                    {
                        "software": f"parlwatch/{RELEASE}",
                        "format": "WARC File Format 1.1",
                        "description": f"Crawl {self.crawl_id}, written for replay",
                    }
                )
                for capture, confirmed in items:
                    new_lines, missing = self._capture(writer, capture, confirmed, info)
                    unresolved += missing
                    language = capture.row.language
                    lines[self.collection] += new_lines
                    if language:
                        lines[language_collection(self.collection, language)] += new_lines
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return CrawlWarc(tmp, lines, self.payloads, unresolved)

    def _capture(self, writer, capture: FullCapture, confirmed: str | None, info):
        row = capture.row
        group = (row.canonical_url, row.language)
        # the body this capture repeats (or a 304 confirmed), when a record already holds it
        body = confirmed if row.status == 304 else row.digest if row.status else None
        known = self.known((*group, body)) if body else None
        if known is not None:  # the writer then writes a revisit pointing at that record
            record_id = self.record_ids.get((*group, body))
            writer.last_full[group] = (body, known.url, known.warc_date, record_id)
        before = len(writer.index)
        writer.capture(capture, info)
        lines, unresolved = [], 0
        for line in writer.index[before:]:
            fields = json.loads(line[line.index(" {") + 1 :])
            if row.status == 304:
                if known is None:
                    unresolved += 1  # pywb will answer it as an empty 304
                else:
                    line = _pointer(row, body, known)
            elif fields.get("mime") != "warc/revisit":
                key = (*group, row.digest)
                self.payloads.setdefault(
                    key,
                    PayloadRecord(
                        row.url,
                        warc_date(row.fetched_at),
                        fields.get("mime"),
                        self.warc_name,
                        int(fields["offset"]),
                        int(fields["length"]),
                    ),
                )
                self.record_ids.setdefault(key, writer.last_full[group][3])
            lines.append(line)
        return lines, unresolved


def _pointer(row, digest: str, target: PayloadRecord) -> str:
    """The index line of a 304 capture: its own time and status, the confirmed body's record."""
    fields = {"url": row.url, "mime": target.mime, "status": "304", "digest": digest}
    fields.update(length=str(target.length), offset=str(target.offset), filename=target.filename)
    return cdxj_line(row.url, row.timestamp, fields)
