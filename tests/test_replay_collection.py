"""The replay folder written from the shared history (no pywb needed): each crawl once, every
capture indexed, 304s at the body they confirmed, revisits across crawls, merges, refusals."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from replica_histories import history_copy
from test_archive_fixture import CAPTURES_WITH_URLS
from warcio.archiveiterator import ArchiveIterator

from archive.capture_index import timestamp14
from archive.replay_collection import ReplayCollection, ReplayFolderError
from archive.warc_import import import_warc
from store.archive import Archive

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def history(replica_histories, tmp_path_factory):
    return history_copy(replica_histories.get("archive"), tmp_path_factory.mktemp("history"))


@pytest.fixture(scope="module")
def written(history, tmp_path_factory):
    folder = tmp_path_factory.mktemp("replay") / "replay"
    collection = ReplayCollection(folder, "pw")
    assert collection.open(Archive(history.url)) is None
    result = collection.sync(Archive(history.url))
    collection.close()
    return collection, result


def captures(db: Path, where: str = "1") -> list[tuple]:
    query = (
        "SELECT id, crawl_id, url, language, fetched_at, status, digest "
        f"FROM {CAPTURES_WITH_URLS} WHERE {where}"
    )
    with sqlite3.connect(db) as conn:
        return conn.execute(query + " ORDER BY id").fetchall()


def index_lines(collection: ReplayCollection, name: str) -> list[tuple[str, str, dict]]:
    out = []
    for path in sorted(collection.indexes(name).glob("*.cdxj")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        assert lines == sorted(lines, key=lambda line: line.encode()), f"{path} unsorted"
        for line in lines:
            key, stamp, fields = line.split(" ", 2)
            out.append((key, stamp, json.loads(fields)))
    return out


def record_at(collection: ReplayCollection, fields: dict):
    with open(collection.warcs / fields["filename"], "rb") as handle:
        handle.seek(int(fields["offset"]))
        record = next(iter(ArchiveIterator(handle)))
        return record, record.content_stream().read()


def test_every_crawl_is_written_once_with_every_capture(history, written):
    collection, result = written
    with sqlite3.connect(history.db) as conn:
        crawls = dict(
            conn.execute(
                "SELECT c.id, count(p.id) FROM crawl c LEFT JOIN capture p "
                "ON p.crawl_id = c.id GROUP BY c.id"
            )
        )
    assert {w.crawl: w.captures for w in result.written} == crawls
    assert all(w.unresolved_304 == 0 for w in result.written)
    lines = index_lines(collection, "pw")
    answered = captures(history.db, "status IS NOT NULL")
    listed = Counter((f["url"], stamp, f["status"]) for _, stamp, f in lines)
    expected = Counter(
        (url, timestamp14(_time(when)), str(status)) for _, _, url, _, when, status, _ in answered
    )
    assert listed == expected, "every capture with an HTTP response, once; failed fetches: none"
    by_language = Counter()
    for language in ("en", "ru"):
        by_language += Counter(
            (f["url"], stamp) for _, stamp, f in index_lines(collection, f"pw-{language}")
        )
    assert by_language == Counter((url, stamp) for url, stamp, _ in listed.elements())
    again = ReplayCollection(collection.root, "pw")
    assert again.open(Archive(history.url)) is None
    assert again.sync(Archive(history.url)).written == [], "a crawl is written once"
    again.close()


def _time(value: str):
    from datetime import datetime

    return datetime.fromisoformat(value)


def test_a_304_is_indexed_at_the_body_it_confirmed(history, written):
    collection, _ = written
    lines = index_lines(collection, "pw")
    not_modified = [f for _, _, f in lines if f["status"] == "304"]
    assert not_modified
    for fields in not_modified:
        record, payload = record_at(collection, fields)
        assert record.rec_type == "response"
        assert record.rec_headers.get_header("WARC-Target-URI") == fields["url"]
        assert "sha256:" + hashlib.sha256(payload).hexdigest() == fields["digest"]
        assert fields["mime"] != "warc/revisit"


def test_unchanged_recaptures_are_revisits_of_earlier_crawls(history, written):
    collection, _ = written
    kinds = Counter()
    for warc in sorted(collection.warcs.glob("*.warc.gz")):
        with open(warc, "rb") as handle:
            for record in ArchiveIterator(handle, check_digests=True):
                assert record.digest_checker.passed is not False
                kinds[record.rec_type] += 1
    with sqlite3.connect(history.db) as conn:
        bodies = conn.execute(
            "SELECT count(*) FROM (SELECT DISTINCT canonical_url, language, digest "
            f"FROM {CAPTURES_WITH_URLS} WHERE digest IS NOT NULL)"
        ).fetchone()[0]
    assert kinds["response"] == bodies, "each body of a URL is written in full once"
    assert kinds["revisit"] > 0
    revisits = [f for _, _, f in index_lines(collection, "pw") if f["mime"] == "warc/revisit"]
    for fields in revisits:
        record, _ = record_at(collection, fields)
        assert record.rec_headers.get_header("WARC-Refers-To-Target-URI")


def test_the_replay_warcs_import_back_to_the_same_captures(history, written, tmp_path):
    collection, _ = written
    target = tmp_path / "again.db"
    for warc in sorted(collection.warcs.glob("*.warc.gz")):
        assert import_warc(Archive(f"sqlite:///{target}"), warc).problems == []
    fields = "url, fetched_at, status, digest, language"
    with sqlite3.connect(history.db) as a, sqlite3.connect(target) as b:
        theirs = Counter(a.execute(f"SELECT {fields} FROM {CAPTURES_WITH_URLS}"))
        assert Counter(b.execute(f"SELECT {fields} FROM {CAPTURES_WITH_URLS}")) == theirs


def test_index_files_are_merged_and_stay_few(written):
    collection, _ = written
    files = list(collection.indexes("pw").glob("*.cdxj"))
    crawls = len(list(collection.warcs.glob("*.warc.gz")))
    assert crawls >= 5 and len(files) <= crawls.bit_length()
    assert not list(collection.root.rglob("*.tmp"))


COPIED = (
    "url_id, language, status, error, http_date, content_length, header_set_id, validators_id, "
    "request_header_set_id, request_validators_id, digest, outcome, parse_errors"
)


def test_a_new_crawl_is_written_alone(history, written, tmp_path):
    collection, _ = written
    copy = history_copy(history, tmp_path / "h")
    folder = tmp_path / "replay"
    first = ReplayCollection(folder, "pw")
    first.open(Archive(copy.url))
    first.sync(Archive(copy.url))
    with sqlite3.connect(copy.db) as conn:  # a new crawl that repeats the last one's captures
        last = conn.execute("SELECT max(id) FROM crawl").fetchone()[0]
        conn.execute(
            "INSERT INTO crawl (id, spider, started, finished, status, params, stats) SELECT "
            "?, spider, started, finished, 'finished', params, stats FROM crawl WHERE id = ?",
            (last + 1, last - 1),
        )
        conn.execute(
            f"INSERT INTO capture (crawl_id, fetched_at, {COPIED}) "
            f"SELECT ?, datetime(fetched_at, '+1 day'), {COPIED} FROM capture WHERE crawl_id = ?",
            (last + 1, last - 1),
        )
    done = first.sync(Archive(copy.url)).written
    assert [w.crawl for w in done] == [last + 1]
    first.close()


def test_a_folder_of_another_archive_or_of_something_else_is_refused(history, written, tmp_path):
    collection, _ = written
    other = Archive(f"sqlite:///{tmp_path / 'other.db'}")
    with pytest.raises(ReplayFolderError, match="another archive"):
        ReplayCollection(collection.root, "pw").open(other)
    stranger = tmp_path / "documents"
    stranger.mkdir()
    (stranger / "thesis.txt").write_text("mine")
    with pytest.raises(ReplayFolderError, match="not empty"):
        ReplayCollection(stranger).open(Archive(history.url))
    assert (stranger / "thesis.txt").read_text() == "mine"
    busy = ReplayCollection(collection.root, "pw")
    busy.open(Archive(history.url))
    with pytest.raises(ReplayFolderError, match="another `parlwatch replay`"):
        ReplayCollection(collection.root, "pw").open(Archive(history.url))
    busy.close()


def test_a_damaged_folder_is_written_again(history, tmp_path):
    folder = tmp_path / "replay"
    collection = ReplayCollection(folder, "pw")
    collection.open(Archive(history.url))
    collection.sync(Archive(history.url))
    collection.close()
    next(collection.warcs.glob("*.warc.gz")).unlink()
    (collection.warcs / "crawl-00000001.warc.gz.tmp").write_bytes(b"half")
    again = ReplayCollection(folder, "pw")
    assert "do not match" in again.open(Archive(history.url))
    assert not list(folder.rglob("*.tmp"))
    assert len(again.sync(Archive(history.url)).written) == len(
        {c for _, c, *_ in captures(history.db)}
    )
    again.close()


def test_an_archive_on_postgresql_is_written_the_same_way(written, postgres_url, tmp_path):
    collection, _ = written
    archive = Archive(postgres_url)
    for warc in sorted(collection.warcs.glob("*.warc.gz"))[:6]:  # two steps of three sites
        assert import_warc(archive, warc).problems == []
    folder = ReplayCollection(tmp_path / "pg", "pw")
    folder.open(archive)
    done = folder.sync(archive).written
    folder.close()
    with archive.session() as session:
        from sqlalchemy import func, select

        from store.models import Capture

        answered = session.scalar(select(func.count()).where(Capture.status.is_not(None)))
    assert sum(w.captures for w in done) >= answered > 0
    assert len(index_lines(folder, "pw")) == answered
    assert all(w.unresolved_304 == 0 for w in done)
    archive.engine.dispose()
