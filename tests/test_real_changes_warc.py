"""Issue 15, imports: a WARC is imported as a transaction with a crawl's rules.

A WARC cut short or dated in the future is refused whole, with one line and exit 2, before
anything is stored; a WARC holding one page of the site removes nothing from sets that other
pages carry too.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from replica_histories import history_copy
from test_archive_fixture import archive_cli
from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from archive.warc_export import export_warc
from store.archive import Archive, utcnow

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def exported(replica_histories, tmp_path_factory):
    history = replica_histories.get("archive")
    path = tmp_path_factory.mktemp("warc15") / "pacsto.warc.gz"
    export_warc(Archive(history.url), path, site="pacsto")
    return history, path


def records(path: Path) -> list[tuple]:
    with open(path, "rb") as handle:
        return [(r, r.content_stream().read()) for r in ArchiveIterator(handle)]


def write(path: Path, chosen: list[tuple], date: str | None = None) -> Path:
    """A WARC of ``chosen`` (record, payload) pairs, each dated ``date`` when given."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True, warc_version="1.1")
        for record, payload in chosen:
            head = dict(record.rec_headers.headers)
            if date is not None:
                head["WARC-Date"] = date
            writer.write_record(
                writer.create_warc_record(
                    head["WARC-Target-URI"],
                    record.rec_type,
                    payload=BytesIO(payload),
                    length=len(payload),
                    http_headers=record.http_headers,
                    warc_headers_dict=head,
                )
            )
    return path


def import_cli(db: Path, warc: Path):
    args = ["import", "warc", str(warc), "--db", str(db), "--site", "pacsto"]
    return CliRunner().invoke(archive_cli(), args)


def counts(db: Path) -> tuple[int, int]:
    if not db.exists():
        return 0, 0
    with closing(sqlite3.connect(db)) as conn:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        if "crawl" not in tables:
            return 0, 0
        return (
            conn.execute("SELECT count(*) FROM crawl").fetchone()[0],
            conn.execute("SELECT count(*) FROM capture").fetchone()[0],
        )


@pytest.mark.parametrize("cut", [1, 4, 8])
def test_a_warc_cut_in_its_last_gzip_trailer_is_refused(exported, tmp_path, cut):
    """A cut that leaves the last record's content whole but takes (part of) its gzip member's
    trailer (the CRC and length, 8 bytes) is a cut all the same: the file ends early. It used
    to import, when a cut at half happened to fall there."""
    _history, path = exported
    trimmed = tmp_path / "trimmed.warc.gz"
    trimmed.write_bytes(path.read_bytes()[:-cut])
    db = tmp_path / "target.db"
    done = import_cli(db, trimmed)
    assert done.exit_code == 2, done.output
    assert "cut short" in done.output and "nothing was imported" in done.output
    assert counts(db) == (0, 0)


def test_a_warc_cut_at_half_is_refused_whole_with_one_line(exported, tmp_path):
    _history, path = exported
    data = path.read_bytes()
    with open(path, "rb") as handle:
        iterator = ArchiveIterator(handle)
        boundaries = {iterator.get_record_offset() for _record in iterator}
    half = len(data) // 2
    while half in boundaries:  # a cut between records leaves a whole, shorter WARC
        half += 1
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[:half])
    db = tmp_path / "target.db"
    done = import_cli(db, cut)
    assert done.exit_code == 2, done.output
    lines = done.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cut.warc.gz: ")
    assert "nothing was imported" in lines[0]
    assert counts(db) == (0, 0)


def test_a_capture_dated_in_the_future_is_refused(exported, tmp_path):
    _history, path = exported
    chosen = [(r, p) for r, p in records(path) if r.rec_type in ("request", "response")][:4]
    future = write(tmp_path / "future.warc.gz", chosen, "2099-01-01T00:00:00Z")
    db = tmp_path / "target.db"
    done = import_cli(db, future)
    assert done.exit_code == 2, done.output
    assert "dated 2099-01-01T00:00:00Z, in the future: refused" in done.output
    assert counts(db) == (0, 0)


def test_a_warc_of_the_home_page_alone_removes_nothing(exported, tmp_path):
    history, path = exported
    home = history.base("pacsto") + "/"
    pairs = [
        (r, p) for r, p in records(path) if r.rec_headers.get_header("WARC-Target-URI") == home
    ]
    english = {
        r.rec_headers.get_header("WARC-Concurrent-To")
        for r, _ in pairs
        if r.rec_type == "request" and r.http_headers.get_header("Accept-Language") == "en"
    }
    response = [
        (r, p)
        for r, p in pairs
        if r.rec_type == "response"
        and r.rec_headers.get_header("WARC-Record-ID") in english
        and r.http_headers.get_statuscode() == "200"
    ][-1]
    now = datetime_to_iso_date(utcnow().replace(microsecond=0))
    one_page = write(tmp_path / "home.warc.gz", [response], now)
    copy = history_copy(history, tmp_path / "copy")
    with closing(sqlite3.connect(copy.db)) as conn:
        removed_before = conn.execute("SELECT count(*) FROM change WHERE change = 'removed'")
        removed_before = removed_before.fetchone()[0]
    done = import_cli(copy.db, one_page)
    assert done.exit_code == 0, done.output
    with closing(sqlite3.connect(copy.db)) as conn:
        removed = conn.execute("SELECT count(*) FROM change WHERE change = 'removed'")
        assert removed.fetchone()[0] == removed_before
        crawl = conn.execute("SELECT spider, status, stats FROM crawl ORDER BY id DESC").fetchone()
    assert crawl[:2] == ("import:pacsto", "finished")
    assert '"pacsto/en/website"' in crawl[2], "the import says which sets it held back"
    assert datetime.fromisoformat(now.rstrip("Z")) <= utcnow()
