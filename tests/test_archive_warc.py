"""WARC export and import: digests, record kinds, pywb's indexer, round trips, live-site URLs."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from datetime import datetime, timedelta
from io import BytesIO

import pytest
from click.testing import CliRunner
from replica_histories import history_copy
from test_archive_fixture import CAPTURES_WITH_URLS, archive_cli
from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import datetime_to_iso_date, iso_date_to_datetime
from warcio.warcwriter import WARCWriter

from archive.warc_export import export_warc
from archive.warc_import import import_warc
from store.archive import Archive

pytestmark = pytest.mark.e2e

LIVE = {"sovrep_by": "https://sovrep.gov.by", "parlament_tj": "http://parlament.tj"}
PACSTO_LIVE = {"en": "https://pacsto.org", "ru": "https://paodkb.org"}
# the four replica crawls, moved to the dates a web archive might have captured them
STEP_DAYS = [datetime(2025, 6, 1, 9), datetime(2026, 2, 2, 9), datetime(2026, 3, 2, 9)]
STEP_DAYS.append(datetime(2026, 4, 1, 9))


@pytest.fixture(scope="module")
def exported(replica_histories, tmp_path_factory):
    history = replica_histories.get("archive")
    folder = tmp_path_factory.mktemp("warc")
    result = export_warc(Archive(history.url), folder / "all.warc.gz")
    return history, result


def records(path):
    with open(path, "rb") as handle:
        for record in ArchiveIterator(handle, check_digests=True):
            payload = record.content_stream().read()
            yield record, payload


def rows(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


CAPTURES = f"SELECT url, fetched_at, status, digest, language FROM {CAPTURES_WITH_URLS}"
VERSIONS = (
    "SELECT e.key, v.content_hash FROM version v JOIN entity e ON e.id = v.entity_id ORDER BY 1, 2"
)


def test_every_payload_digest_checks_out(exported):
    history, result = exported
    stored = {d for (d,) in rows(history.db, "SELECT digest FROM blob")}
    kinds = Counter()
    responses = {}
    for record, payload in records(result.path):
        kind = record.rec_type
        kinds[kind] += 1
        assert record.digest_checker.passed is not False, record.digest_checker.problems
        head = record.rec_headers
        if kind == "response":
            digest = "sha256:" + hashlib.sha256(payload).hexdigest()
            assert head.get_header("WARC-Payload-Digest") == digest
            assert digest in stored
            assert int(record.http_headers.get_header("content-length")) == len(payload)
            responses[head.get_header("WARC-Record-ID")] = digest
        elif kind == "revisit":
            original = head.get_header("WARC-Refers-To")
            assert original in responses, "a revisit points to an earlier response in the file"
            assert responses[original] == head.get_header("WARC-Payload-Digest")
            profile = head.get_header("WARC-Profile")
            is_304 = record.http_headers.get_statuscode() == "304"
            assert profile.endswith("server-not-modified" if is_304 else "identical-payload-digest")
            assert payload == b""
        elif kind == "metadata":
            assert b"parlwatch-outcome: network-error" in payload
            assert b"Connection" in payload
    failures = rows(history.db, "SELECT count(*) FROM capture WHERE status IS NULL")[0][0]
    total = rows(history.db, "SELECT count(*) FROM capture")[0][0]
    crawls = rows(history.db, "SELECT count(DISTINCT crawl_id) FROM capture")[0][0]
    assert kinds["metadata"] == failures > 0
    assert kinds["request"] == total == kinds["response"] + kinds["revisit"] + failures
    assert kinds["revisit"] > 0 and kinds["warcinfo"] == 1 + crawls


def test_the_cdxj_index_matches_pywbs_indexer(exported):
    _history, result = exported
    try:
        from cdxj_indexer.main import write_cdx_index
    except ImportError as exc:
        pytest.skip(f"cdxj-indexer is not installed ({exc}); pip install cdxj-indexer")
    theirs = BytesIO()

    class Out:
        def write(self, text):
            theirs.write(text.encode("utf-8"))

    write_cdx_index(Out(), [str(result.path)], {})

    def parse(text):
        out = set()
        for line in text.strip().splitlines():
            key, stamp, fields = line.split(" ", 2)
            out.add((key, stamp, tuple(sorted(json.loads(fields).items()))))
        return out

    ours = result.index.read_text(encoding="utf-8")
    assert parse(ours) == parse(theirs.getvalue().decode("utf-8"))
    lines = ours.splitlines()
    assert lines == sorted(lines, key=lambda line: line.encode()), "pywb needs it sorted"


def test_round_trip_gives_the_same_captures_and_versions(exported, tmp_path):
    history, result = exported
    target = tmp_path / "copy.db"
    imported = import_warc(Archive(f"sqlite:///{target}"), result.path)
    assert imported.problems == []
    assert Counter(rows(target, CAPTURES)) == Counter(rows(history.db, CAPTURES))
    assert rows(target, VERSIONS) == rows(history.db, VERSIONS)
    statuses = "SELECT status FROM crawl ORDER BY started, id"
    assert rows(target, statuses) == rows(history.db, statuses)
    again = import_warc(Archive(f"sqlite:///{target}"), result.path)
    assert again.captures == 0 and again.duplicates == imported.captures
    assert again.crawls == [], "a re-import adds no empty crawl"
    assert rows(target, statuses) == rows(history.db, statuses)


def rewrite_to_live(history, source, target):
    """The export as a web archive would hold it: live hosts, 2025-2026 dates, no parlwatch
    warcinfo (so the import must find sites, languages and crawls by itself)."""
    bases = {history.base(site): site for site in ["pacsto", *LIVE]}
    starts = [datetime.fromisoformat(s["started"]) for s in history.manifest["steps"][:4]]

    def move(stamp: str) -> str:
        when = iso_date_to_datetime(stamp)
        step = max(i for i, start in enumerate(starts) if start <= when)
        return datetime_to_iso_date(STEP_DAYS[step] + (when - starts[step]), use_micros=True)

    def live(url: str, language: str | None) -> str | None:
        for base, site in bases.items():
            if url.startswith(base):
                host = PACSTO_LIVE[language] if site == "pacsto" else LIVE[site]
                return host + url[len(base) :]
        return None

    all_records = list(records(source))
    language = {}
    for record, _ in all_records:
        if record.rec_type == "request":
            asked = record.http_headers.get_header("accept-language")
            language[record.rec_headers.get_header("WARC-Concurrent-To")] = asked
    with open(target, "wb") as handle:
        writer = WARCWriter(handle, gzip=True, warc_version="1.1")
        for record, payload in all_records:
            head = record.rec_headers
            if record.rec_type not in ("request", "response", "revisit"):
                continue
            key = head.get_header("WARC-Concurrent-To") or head.get_header("WARC-Record-ID")
            uri = live(head.get_header("WARC-Target-URI"), language.get(key))
            if uri is None:
                continue
            keep = ["WARC-Record-ID", "WARC-Concurrent-To", "WARC-Refers-To", "WARC-Profile"]
            fields = {name: head.get_header(name) for name in keep if head.get_header(name)}
            fields["WARC-Date"] = move(head.get_header("WARC-Date"))
            if record.rec_type == "response":
                fields["WARC-Payload-Digest"] = head.get_header("WARC-Payload-Digest")
            if record.rec_type == "revisit":
                fields["WARC-Payload-Digest"] = head.get_header("WARC-Payload-Digest")
                fields["WARC-Refers-To-Date"] = move(head.get_header("WARC-Refers-To-Date"))
                old = head.get_header("WARC-Refers-To-Target-URI")
                fields["WARC-Refers-To-Target-URI"] = live(old, language.get(key))
            writer.write_record(
                writer.create_warc_record(
                    uri,
                    record.rec_type,
                    payload=BytesIO(payload) if payload else None,
                    length=len(payload) if payload else None,
                    http_headers=record.http_headers,
                    warc_headers_dict=fields,
                )
            )


@pytest.fixture(scope="module")
def live_warc(exported, tmp_path_factory):
    history, result = exported
    path = tmp_path_factory.mktemp("live") / "pacsto-org.warc.gz"
    rewrite_to_live(history, result.path, path)
    return path


def test_a_web_archive_copy_of_pacsto_org_builds_history(exported, live_warc, tmp_path):
    db = tmp_path / "live.db"
    runner = CliRunner()
    done = runner.invoke(archive_cli(), ["import", "warc", str(live_warc), "--db", str(db)])
    assert done.exit_code == 0, done.output
    spiders = {s for (s,) in rows(db, "SELECT spider FROM crawl")}
    assert spiders == {"import:pacsto", "import:sovrep_by", "import:parlament_tj"}
    hosts = {
        u.split("/")[2]
        for (u,) in rows(db, f"SELECT DISTINCT canonical_url FROM {CAPTURES_WITH_URLS}")
    }
    assert hosts == {"pacsto.org", "paodkb.org", "sovrep.gov.by", "parlament.tj"}
    assert rows(
        db, f"SELECT DISTINCT language FROM {CAPTURES_WITH_URLS} WHERE url LIKE '%paodkb.org%'"
    ) == [("ru",)]
    versions = rows(
        db,
        "SELECT v.first_seen FROM version v JOIN entity e ON e.id = v.entity_id "
        "WHERE e.key = 'pacsto/en/delegation/RU' ORDER BY v.id",
    )
    assert [v[:10] for (v,) in versions] == ["2025-06-01", "2026-02-02"]
    detected = rows(db, "SELECT DISTINCT substr(detected_at, 1, 10) FROM change")
    assert detected == [("2026-02-02",)], "changes are dated by the captures, not the import"

    # the archivist's question, answered by one command, with its proof
    cli = archive_cli()
    answers = []
    for url in ["https://pacsto.org/", "http://www.pacsto.org", "pacsto.org"]:
        args = ["snapshot", url, "--at", "2025-06-01", "--language", "en", "--headers"]
        answers.append(runner.invoke(cli, [*args, "--db", str(db)]).stdout_bytes)
    assert answers[0] == answers[1] == answers[2]
    head, _, body = answers[0].partition(b"\r\n\r\n")
    history, _ = exported
    assert body == history.served("pacsto-en-2025")
    assert b"Memento-Datetime: Sun, 01 Jun 2025 09:" in head
    proof = f"Parlwatch-Digest: sha256:{hashlib.sha256(body).hexdigest()}".encode()
    assert proof in head
    warc_digests = {
        r.rec_headers.get_header("WARC-Payload-Digest")
        for r, _ in records(live_warc)
        if r.rec_type == "response"
    }
    assert proof.split(b": ")[1].decode() in warc_digests
    later = runner.invoke(
        cli, ["snapshot", "pacsto.org", "--at", "2026-02-15", "--language", "en", "--db", str(db)]
    )
    assert later.stdout_bytes == history.served("pacsto-en-2026")


def test_importing_older_captures_moves_nothing_backwards(exported, live_warc, tmp_path):
    history, _ = exported
    copy = history_copy(history, tmp_path / "newer")
    state = (
        "SELECT e.key, e.state, v.content_hash FROM entity e JOIN version v "
        "ON v.entity_id = e.id AND v.superseded_at IS NULL ORDER BY 1"
    )
    entities = "SELECT key, state FROM entity ORDER BY 1"
    before = rows(copy.db, state), rows(copy.db, entities), rows(copy.db, "SELECT * FROM change")
    captures_before = rows(copy.db, "SELECT count(*) FROM capture")[0][0]
    result = import_warc(Archive(copy.url), live_warc)
    assert result.captures > 0 and sum(c["stale"] for c in result.crawls) > 0
    after = rows(copy.db, state), rows(copy.db, entities), rows(copy.db, "SELECT * FROM change")
    assert after == before
    assert rows(copy.db, "SELECT count(*) FROM capture")[0][0] == captures_before + result.captures
    # the 2025 member lists (complete, but older) did not remove the members added in 2026
    assert sum(c["scopes_kept_open"] for c in result.crawls) > 0


def test_an_unknown_entity_in_an_old_capture_is_not_created_as_present(exported, tmp_path):
    from store.imports import guard_older_batch
    from store.observations import Observation, ObservationBatch

    history, _ = exported
    archive = Archive(history_copy(history, tmp_path / "g").url)
    batch = ObservationBatch()
    old = datetime(2020, 1, 1)
    batch.add(Observation("pacsto/en/news/events/old", "news", "pacsto/en/news", "pacsto", {}, old))
    batch.add(
        Observation(
            "pacsto/en/news/events/new",
            "news",
            "pacsto/en/news",
            "pacsto",
            {},
            datetime.now() + timedelta(days=1),
        )
    )
    batch.mark_complete("pacsto/en/delegation", old)
    guard = guard_older_batch(archive, batch)
    assert guard.stale_new == 1 and guard.scopes_kept_open == 1
    assert list(batch.observations) == ["pacsto/en/news/events/new"]


def test_export_of_one_site_since_a_date_points_revisits_at_older_captures(exported, tmp_path):
    history, _ = exported
    since = history.manifest["steps"][3]["started"]  # the second, unchanged 2026 crawl
    target = tmp_path / "sovrep.warc.gz"
    done = CliRunner().invoke(
        archive_cli(),
        ["export", "warc", "--site", "sovrep_by", "--since", since, "-o", str(target)]
        + ["--db", history.url],
    )
    assert done.exit_code == 0, done.output
    assert (tmp_path / "sovrep.cdxj").exists()
    stored = {d for (d,) in rows(history.db, "SELECT digest FROM blob")}
    base = history.base("sovrep_by")
    not_modified = 0
    for record, _payload in records(target):
        uri = record.rec_headers.get_header("WARC-Target-URI")
        assert record.rec_type == "warcinfo" or uri.startswith(base)
        if record.rec_type == "revisit" and record.http_headers.get_statuscode() == "304":
            not_modified += 1
            assert record.rec_headers.get_header("WARC-Payload-Digest") in stored
            refers = iso_date_to_datetime(record.rec_headers.get_header("WARC-Refers-To-Date"))
            assert refers < datetime.fromisoformat(since), "the original is in an earlier export"
    assert not_modified > 0
