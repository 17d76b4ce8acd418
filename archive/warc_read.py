"""Read a WARC into capture candidates: responses, revisits and parlwatch's failure records.

Bodies go straight into the archive's blob table (content-addressed, so nothing is stored
twice); the candidates keep only their digest. Payload digests in the WARC are checked as the
records are read (any algorithm, hex or base32): a record that fails is skipped and reported.

A WARC is read as a whole or not at all: one that is cut short (a record missing bytes, a gzip
member that does not end, bytes after the last readable record) or unreadable, or that holds a
capture dated in the future (beyond ``FUTURE_SKEW``: a wrong clock, whose captures would make
every later real observation look stale), raises ``WarcUnreadable`` and stores nothing.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from store.archive import Archive, utcnow
from store.captures import store_body

FUTURE_SKEW = timedelta(days=1)
# records that become captures, and so must not be dated in the future
CAPTURE_RECORDS = ("response", "revisit", "metadata")


class WarcUnreadable(ValueError):
    """The WARC cannot be imported as a whole; the message is one line, naming the file."""


@dataclass
class WarcCapture:
    url: str
    fetched_at: datetime
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    request_headers: dict[str, str] = field(default_factory=dict)
    digest: str | None = None
    error: str | None = None
    language: str | None = None  # from a failure record
    warcinfo: str | None = None
    record_id: str | None = None
    # revisits: what they point to
    refers_to: str | None = None
    refers_to_uri: str | None = None
    refers_to_date: str | None = None
    payload_digest: str | None = None


@dataclass
class WarcContents:
    captures: list[WarcCapture] = field(default_factory=list)
    warcinfos: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    records: int = 0


def warc_fields(data: bytes) -> dict[str, str]:
    out = {}
    for line in data.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep:
            out[name.strip()] = value.strip()
    return out


def _headers(status_and_headers) -> dict[str, str]:
    """HTTP headers -> {lower-case name: last value}; ``X-Archive-Orig-*`` get their name back."""
    plain, original = {}, {}
    for name, value in status_and_headers.headers if status_and_headers else []:
        low = name.lower()
        if low.startswith("x-archive-orig-"):
            original[low.removeprefix("x-archive-orig-")] = value
        else:
            plain[low] = value
    return {**plain, **original}


def _status(record) -> int | None:
    try:
        return int(record.http_headers.get_statuscode())
    except (AttributeError, TypeError, ValueError):
        return None


_WARC_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?Z$")


def _warc_date(date: str, record, path: Path, offset: int) -> datetime:
    """A capture record's WARC-Date as naive UTC; ``WarcUnreadable`` naming the record when it is
    missing or no W3C-ISO8601 UTC time (WARC 1.1, section 5.4)."""
    from warcio.timeutils import iso_date_to_datetime

    try:
        if _WARC_DATE.match(date):
            return iso_date_to_datetime(date)
    except ValueError:
        pass
    uri = record.rec_headers.get_header("WARC-Target-URI")
    raise WarcUnreadable(
        f"{path.name}: the {record.rec_type} record of {uri} at byte {offset} has "
        f"{'no WARC-Date' if not date else f'a bad WARC-Date {date!r}'} "
        "(a UTC time such as 2026-01-31T12:00:00Z is needed)"
    )


def whole_records(path: Path, now: datetime | None = None) -> Iterator[tuple[Any, bytes]]:
    """Each record of the WARC with its content, checked as it is read; ``WarcUnreadable``
    as soon as the file turns out cut short, unreadable or dated in the future."""
    from warcio.archiveiterator import ArchiveIterator

    latest = (now or utcnow()) + FUTURE_SKEW
    path = Path(path)
    end = last = 0
    try:
        with open(path, "rb") as handle:
            iterator = ArchiveIterator(handle, check_digests=True)
            for record in iterator:
                data = record.content_stream().read()
                offset = iterator.get_record_offset()  # (reads the record to its end)
                if record.rec_type is None:
                    raise WarcUnreadable(f"{path.name}: no readable WARC record at byte {offset}")
                missing = getattr(record.raw_stream, "limit", 0)
                if missing:
                    raise WarcUnreadable(
                        f"{path.name}: cut short: the {record.rec_type} record at byte {offset} "
                        f"lacks {missing} bytes"
                    )
                date = record.rec_headers.get_header("WARC-Date") or ""
                if record.rec_type in CAPTURE_RECORDS:
                    when = _warc_date(date, record, path, offset)
                    if when > latest:
                        uri = record.rec_headers.get_header("WARC-Target-URI")
                        raise WarcUnreadable(
                            f"{path.name}: the capture of {uri} is dated {date}, in the future: "
                            "refused (a wrong clock?)"
                        )
                yield record, data
                end, last = offset + iterator.get_record_length(), offset
    except WarcUnreadable:
        raise
    except Exception as exc:  # warcio, gzip and zlib each have their own ways to fail
        raise WarcUnreadable(
            f"{path.name}: unreadable after byte {end}: {type(exc).__name__}: {exc}"
        ) from exc
    with open(path, "rb") as handle:
        handle.seek(end)
        rest = handle.read()
    if rest.strip():
        raise WarcUnreadable(
            f"{path.name}: cut short or damaged: {len(rest)} unreadable bytes after byte {end}"
        )
    if not _gzip_member_ends(path, last):
        raise WarcUnreadable(
            f"{path.name}: cut short: the gzip member of the last record (at byte {last}) ends "
            "before its end-of-stream marker"
        )


def _gzip_member_ends(path: Path, offset: int) -> bool:
    """Does the gzip member at ``offset`` (the last record's) end whole, trailer included?

    warcio reads a record's content without checking its member's trailer (CRC and length):
    a file cut in those last bytes would read as whole. Only a cut can leave them out, and
    only in the last member. A file that is not one member per record (plain, or one gzip
    stream for all) is not judged here."""
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    with open(path, "rb") as handle:
        handle.seek(offset)
        if handle.read(2) != b"\x1f\x8b":
            return True
        handle.seek(offset)
        try:
            while not inflate.eof and (chunk := handle.read(1 << 20)):
                inflate.decompress(chunk, 1 << 16)
                while inflate.unconsumed_tail and not inflate.eof:
                    inflate.decompress(inflate.unconsumed_tail, 1 << 16)
        except zlib.error:
            return False
    return inflate.eof


def check_warc(path: Path) -> None:
    """Read the whole WARC, storing nothing: ``WarcUnreadable`` if it cannot be imported."""
    for _record in whole_records(path):
        pass


def read_warc(archive: Archive, path: Path) -> WarcContents:
    """Every capture the WARC holds, bodies stored; requests are joined to their responses.

    Raises ``WarcUnreadable`` (and stores no body) when the WARC is not whole."""
    from warcio.timeutils import iso_date_to_datetime

    contents = WarcContents()
    requests: dict[str, dict[str, str]] = {}
    by_uri_date: dict[tuple[str, str], dict[str, str]] = {}
    with archive.sessions.begin() as session:
        for record, data in whole_records(path):
            contents.records += 1
            head = record.rec_headers
            kind = record.rec_type
            uri = head.get_header("WARC-Target-URI") or ""
            date = head.get_header("WARC-Date") or ""
            record_id = head.get_header("WARC-Record-ID")
            if record.digest_checker.passed is False:
                contents.problems.append(
                    f"{kind} {uri} at {date}: payload digest mismatch, record skipped "
                    + "; ".join(record.digest_checker.problems)
                )
                continue
            if kind == "warcinfo":
                contents.warcinfos[record_id] = warc_fields(data)
                continue
            if kind == "request":
                sent = _headers(record.http_headers)
                for target in head.get_header("WARC-Concurrent-To", "").split():
                    requests[target] = sent
                by_uri_date[(uri, date)] = sent
                continue
            capture = WarcCapture(
                url=uri,
                fetched_at=iso_date_to_datetime(date),
                status=_status(record),
                headers=_headers(record.http_headers),
                warcinfo=head.get_header("WARC-Warcinfo-ID"),
                record_id=record_id,
                payload_digest=head.get_header("WARC-Payload-Digest"),
            )
            if kind == "response":
                capture.digest = store_body(session, data)[0]
            elif kind == "revisit":
                capture.refers_to = head.get_header("WARC-Refers-To")
                capture.refers_to_uri = head.get_header("WARC-Refers-To-Target-URI")
                capture.refers_to_date = head.get_header("WARC-Refers-To-Date")
            elif kind == "metadata" and b"parlwatch-outcome" in data:
                fields = warc_fields(data)
                status = fields.get("parlwatch-status")
                capture.status = int(status) if status and status.isdigit() else None
                capture.error = fields.get("parlwatch-error")
                capture.language = fields.get("parlwatch-language")
            else:
                continue  # resources, foreign metadata, conversions: not captures of a page
            contents.captures.append(capture)
    for capture in contents.captures:
        capture.request_headers = requests.get(capture.record_id or "") or by_uri_date.get(
            (capture.url, _warc_date_key(capture)), {}
        )
    return contents


def _warc_date_key(capture: WarcCapture) -> str:
    from warcio.timeutils import datetime_to_iso_date

    return datetime_to_iso_date(capture.fetched_at, use_micros=bool(capture.fetched_at.microsecond))
