"""``parlwatch export warc``: the archive's captures as a WARC 1.1 file plus a CDXJ index.

Records, in capture order:

- one ``warcinfo`` for the file, and one per crawl (its id, spider, status, times); every record
  names its crawl's warcinfo in ``WARC-Warcinfo-ID``, so an import can rebuild the crawls;
- per capture a ``request`` (the headers sent, ``Accept-Language`` included: pacsto serves both
  languages at one URL) and, linked by ``WARC-Concurrent-To``:
  - a ``response`` with the stored body, ``WARC-Payload-Digest: sha256:<hex>`` — the very digest
    the archive keys the body by, so ``sha256sum`` of a snapshot proves it;
  - a ``revisit`` (profile identical-payload-digest) when the body equals the previous full
    record of the same URL and language;
  - a ``revisit`` (profile server-not-modified) for a 304, pointing to the last full record;
  - a ``metadata`` record (``application/warc-fields``: ``parlwatch-outcome``,
    ``parlwatch-error``, ``parlwatch-language``) for a fetch that got no HTTP response at all;
    replay tools skip these, ``parlwatch import warc`` restores them as failed captures.

The payload is the body as the crawler stored it (already decoded from any Content-Encoding),
so a ``Content-Encoding`` or ``Transfer-Encoding`` header is kept as ``X-Archive-Orig-*`` and
``Content-Length`` is set to the payload's length.
"""

from __future__ import annotations

import http
import json
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from archive.capture_export import CrawlInfo, FullCapture, crawl_infos, export_captures, load_body
from archive.cdxj import cdxj_line, sorted_lines
from store.archive import Archive, utcnow
from store.release import RELEASE

if TYPE_CHECKING:
    from warcio.statusandheaders import StatusAndHeaders

PROFILE_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
_RENAMED = ("content-encoding", "transfer-encoding")


@dataclass
class ExportResult:
    path: Path
    index: Path | None
    records: dict[str, int] = field(default_factory=dict)
    captures: int = 0


def warc_date(value: datetime) -> str:
    from warcio.timeutils import datetime_to_iso_date

    return datetime_to_iso_date(value, use_micros=True)


def index_path(path: Path) -> Path:
    name = path.name
    for suffix in (".warc.gz", ".warc"):
        if name.endswith(suffix):
            return path.with_name(name[: -len(suffix)] + ".cdxj")
    return path.with_name(name + ".cdxj")


def response_headers(capture: FullCapture, body_length: int | None) -> StatusAndHeaders:
    from warcio.statusandheaders import StatusAndHeaders

    status = capture.row.status or 0
    try:
        reason = http.HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    headers = []
    for name, value in capture.headers.items():
        if name in _RENAMED or (name == "content-length" and body_length is not None):
            if name == "content-length" and value == str(body_length):
                continue
            name = "x-archive-orig-" + name
        headers.append((name, value))
    if body_length is not None:
        headers.append(("content-length", str(body_length)))
    return StatusAndHeaders(f"{status} {reason}".strip(), headers, protocol="HTTP/1.1")


def request_headers(capture: FullCapture) -> StatusAndHeaders:
    from warcio.statusandheaders import StatusAndHeaders

    parts = urlsplit(capture.row.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = list(capture.request_headers.items())
    if not any(name.lower() == "host" for name, _ in headers):
        headers.insert(0, ("host", parts.netloc))
    return StatusAndHeaders(f"GET {target} HTTP/1.1", headers, is_http_request=True)


class _Writer:
    """Writes records and remembers, per URL and language, the last full response."""

    def __init__(self, handle, archive: Archive, filename: str) -> None:
        from warcio.warcwriter import WARCWriter

        self.handle = handle
        self.archive = archive
        self.filename = filename
        self.writer = WARCWriter(handle, gzip=filename.endswith(".gz"), warc_version="1.1")
        self.last_full: dict[tuple[str, str | None], tuple[str, str, str, str]] = {}
        self.crawl_records: dict[int | None, str] = {}
        self.counts: dict[str, int] = {}
        self.index: list[str] = []

    def write(self, record, indexed: dict | None = None) -> str:
        offset = self.handle.tell()
        self.writer.write_record(record)
        kind = record.rec_headers.get_header("WARC-Type")
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if indexed is not None:
            indexed.update(
                offset=str(offset), length=str(self.handle.tell() - offset), filename=self.filename
            )
            url = record.rec_headers.get_header("WARC-Target-URI")
            stamp = record.rec_headers.get_header("WARC-Date")
            self.index.append(cdxj_line(url, _ts(stamp), indexed))
        return record.rec_headers.get_header("WARC-Record-ID")

    def warcinfo(self, info: dict) -> str:
        return self.write(self.writer.create_warcinfo_record(self.filename, info))

    def crawl_warcinfo(self, crawl: CrawlInfo | None) -> str | None:
        key = crawl.id if crawl else None
        if key not in self.crawl_records and crawl is not None:
            self.crawl_records[key] = self.warcinfo(
                {
                    "software": f"parlwatch/{RELEASE}",
                    "format": "WARC File Format 1.1",
                    "parlwatch-crawl": crawl.id,
                    "parlwatch-spider": crawl.spider,
                    "parlwatch-status": crawl.status,
                    "parlwatch-started": warc_date(crawl.started),
                    "parlwatch-finished": warc_date(crawl.finished) if crawl.finished else None,
                    "parlwatch-reason": crawl.reason,
                    "parlwatch-params": json.dumps(crawl.params, ensure_ascii=False),
                }
            )
        return self.crawl_records.get(key)

    def capture(self, capture: FullCapture, crawl: CrawlInfo | None) -> None:
        row = capture.row
        common = {"WARC-Date": warc_date(row.fetched_at)}
        info_id = self.crawl_warcinfo(crawl)
        if info_id:
            common["WARC-Warcinfo-ID"] = info_id
        main_id = self.writer._make_warc_id()
        request = self.writer.create_warc_record(
            row.url,
            "request",
            http_headers=request_headers(capture),
            warc_headers_dict={**common, "WARC-Concurrent-To": main_id},
        )
        self.write(request)
        headers = {**common, "WARC-Record-ID": main_id}
        group = (row.canonical_url, row.language)
        previous = self.last_full.get(group)
        if row.status is None:
            self._failure(capture, headers)
        elif row.status == 304 or (previous and row.digest and previous[0] == row.digest):
            self._revisit(capture, headers, previous)
        elif row.digest:
            body = load_body(self.archive, row.digest)
            record = self.writer.create_warc_record(
                row.url,
                "response",
                payload=BytesIO(body),
                length=len(body),
                http_headers=response_headers(capture, len(body)),
                warc_headers_dict={**headers, "WARC-Payload-Digest": row.digest},
            )
            self.write(record, _fields(row, row.status, row.digest, row.mime))
            self.last_full[group] = (row.digest, row.url, headers["WARC-Date"], main_id)
        else:  # an HTTP response whose body was not kept (should not happen)
            self._failure(capture, headers, note="response body not stored")

    def _revisit(self, capture: FullCapture, headers: dict, previous) -> None:
        row = capture.row
        if previous is None:  # the full capture is older than this file: point to it anyway
            previous = _earlier_full(self.archive, row)
        digest, refers_url, refers_date, refers_id = previous
        record = self.writer.create_revisit_record(
            row.url,
            digest or "sha256:unknown",
            refers_url,
            refers_date or headers["WARC-Date"],
            http_headers=response_headers(capture, None),
            warc_headers_dict=headers,
        )
        if refers_id:
            record.rec_headers.add_header("WARC-Refers-To", refers_id)
        if row.status == 304:
            record.rec_headers.replace_header("WARC-Profile", PROFILE_NOT_MODIFIED)
        self.write(record, _fields(row, row.status, digest, "warc/revisit"))

    def _failure(self, capture: FullCapture, headers: dict, note: str | None = None) -> None:
        row = capture.row
        fields = {
            "parlwatch-outcome": row.outcome,
            "parlwatch-error": note or row.error or "no response",
            "parlwatch-language": row.language,
            "parlwatch-status": row.status,
        }
        text = "".join(f"{k}: {v}\r\n" for k, v in fields.items() if v is not None)
        record = self.writer.create_warc_record(
            row.url,
            "metadata",
            payload=BytesIO(text.encode("utf-8")),
            length=len(text.encode("utf-8")),
            warc_content_type="application/warc-fields",
            warc_headers_dict=headers,
        )
        self.write(record)


def _earlier_full(archive: Archive, row) -> tuple[str | None, str, str | None, None]:
    from archive.snapshots import last_full_capture

    with archive.engine.connect() as connection:
        full = last_full_capture(connection, row)
    if full is None:
        return None, row.url, None, None
    return full.digest, full.url, warc_date(full.fetched_at), None


def _ts(warc_date_value: str) -> str:
    return "".join(ch for ch in warc_date_value if ch.isdigit())[:14]


def _fields(row, status, digest, mime) -> dict:
    return {"url": row.url, "mime": mime, "status": str(status), "digest": digest}


def export_warc(
    archive: Archive,
    path: Path,
    since: datetime | None = None,
    site: str | None = None,
    write_index: bool = True,
) -> ExportResult:
    """Write the captures (since ``since``, of ``site``) to ``path`` and its CDXJ index beside."""
    crawls = crawl_infos(archive)
    exported = 0
    path = Path(path)
    with open(path, "wb") as handle:
        writer = _Writer(handle, archive, path.name)
        writer.warcinfo(
            {
                "software": f"parlwatch/{RELEASE}",
                "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
                "warc-format/warc-1.1/",
                "description": "Captures exported from a parlwatch archive",
                "parlwatch-exported-at": warc_date(utcnow()),
                "parlwatch-since": warc_date(since) if since else None,
                "parlwatch-site": site,
            }
        )
        for capture in export_captures(archive, since=since, site=site):
            writer.capture(capture, crawls.get(capture.row.crawl_id))
            exported += 1
    index = None
    if write_index:
        index = index_path(path)
        index.write_text("".join(line + "\n" for line in sorted_lines(writer.index)), "utf-8")
    return ExportResult(path, index, writer.counts, exported)
