"""Issue 16, backfill: a site's history from a web archive, against a real pywb.

The web archive (``pywb_harness.web_archive``) holds pacsto's replica crawled at four versions,
each dated at its own step months apart, on the live hosts. Backfilling it into an empty archive
must give the replica's history exactly (the versions and changes its crawls made), each dated
at the capture that first showed it; a rerun fetches and adds nothing; a server answering 429
is waited for, one that keeps refusing stops resumably; gaps in the archive remove nothing.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import sqlite3
import threading
import zlib
from collections.abc import Callable
from contextlib import closing, contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote_plus, urlsplit

import pytest
from click.testing import CliRunner
from pywb_harness import STEPS, build_collection, running_pywb, web_archive
from sqlalchemy import text

from archive.backfill import BackfillResult, backfill, list_pages
from archive.cdx_client import CdxClient, Politeness, parse_listing, retry_after
from parlwatch.cli import cli
from store.archive import Archive
from store.captures import REQUEST_VOLATILE, RESPONSE_VOLATILE, header_set_values

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with web_archive(tmp_path_factory.mktemp("backfill-web")) as archive:
        yield archive


def run(db: Path, cdx: str, *more: str):
    args = ["backfill", "pacsto", "--db", str(db), "--cdx", cdx, "--delay", "0", *more]
    return CliRunner().invoke(cli, args)


def copy_db(source: Path, target: Path) -> Path:
    """A copy of a SQLite archive, its write-ahead log included (unlike a file copy)."""
    with closing(sqlite3.connect(source)) as a, closing(sqlite3.connect(target)) as b:
        a.backup(b)
    return target


def rows(db: Path, query: str) -> list[tuple]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(query).fetchall()


def step_of(when: str) -> int:
    """The step (0…3) a capture date belongs to."""
    day = datetime.fromisoformat(when).date()
    return [s.at.date() for s in STEPS].index(day)


def history(db: Path | str) -> tuple[set, set]:
    """(versions, transitions) as (entity, content hash | change, crawl's position), of a
    SQLite file or any archive URL."""
    engine = Archive(db if isinstance(db, str) else f"sqlite:///{db}").engine
    with engine.connect() as conn:
        crawls = conn.execute(text("SELECT id FROM crawl ORDER BY started")).all()
        order = {c: i for i, (c,) in enumerate(crawls)}
        versions = conn.execute(
            text(
                "SELECT e.key, v.content_hash, v.crawl_id FROM version v "
                "JOIN entity e ON e.id = v.entity_id"
            )
        ).all()
        transitions = conn.execute(
            text(
                'SELECT e.key, t.change, t.crawl_id FROM "transition" t '
                "JOIN entity e ON e.id = t.entity_id"
            )
        ).all()
    engine.dispose()
    return (
        {(key, value, order[crawl]) for key, value, crawl in versions},
        {(key, value, order[crawl]) for key, value, crawl in transitions},
    )


@pytest.fixture(scope="module")
def backfilled(served, tmp_path_factory):
    db = tmp_path_factory.mktemp("backfilled") / "archive.db"
    first = run(db, served.cdx_url)
    assert first.exit_code == 0, first.output
    return db, first.output


def test_a_backfill_gives_the_replicas_history(served, backfilled):
    db, output = backfilled
    assert history(db) == history(served.db)  # the web archive's source: the replica's crawls
    assert len(rows(db, "SELECT id FROM crawl")) == len(STEPS)
    days = [f"day:{step.at.date()} finished" for step in STEPS]
    crawls = [" ".join(line.split()[2:4]).rstrip(":") for line in output.splitlines()[1:]]
    assert crawls == days


def test_a_backfill_into_postgresql_gives_the_same_history(served, postgres_url):
    done = CliRunner().invoke(
        cli, ["backfill", "pacsto", "--db", postgres_url, "--cdx", served.cdx_url, "--delay", "0"]
    )
    assert done.exit_code == 0, done.output
    assert history(postgres_url) == history(served.db)


def test_each_version_is_dated_at_the_capture_that_first_showed_it(backfilled):
    db, _ = backfilled
    versions = rows(
        db,
        "SELECT v.first_seen, c.fetched_at, v.crawl_id FROM version v "
        "JOIN capture c ON c.id = v.capture_id",
    )
    assert versions
    order = {c: i for i, (c,) in enumerate(rows(db, "SELECT id FROM crawl ORDER BY started"))}
    for first_seen, fetched_at, crawl in versions:
        assert first_seen == fetched_at
        assert step_of(first_seen) == order[crawl]
    for (detected,) in rows(db, "SELECT detected_at FROM transition"):
        assert step_of(detected) > 0  # changes from the second step on, when they were seen


def test_every_capture_keeps_the_archives_url_as_provenance(served, backfilled):
    db, _ = backfilled
    linked = rows(
        db,
        "SELECT m.replay_url, m.timestamp, u.url, c.fetched_at, c.language FROM memento m "
        "JOIN capture c ON c.id = m.capture_id JOIN capture_url u ON u.id = c.url_id",
    )
    assert len(linked) == rows(db, "SELECT count(*) FROM capture")[0][0] > 0
    prefix = served.cdx_url.removesuffix("cdx")
    for replay_url, timestamp, url, fetched_at, language in linked:
        assert replay_url == f"{prefix}{timestamp}id_/{url}"
        assert datetime.fromisoformat(fetched_at).strftime("%Y%m%d%H%M%S") == timestamp
        assert language == ("ru" if "paodkb.org" in url else "en")


def test_a_payload_is_fetched_once(backfilled):
    db, output = backfilled
    fetched = rows(db, "SELECT count(*) FROM memento WHERE fetched")[0][0]
    digests = rows(
        db, "SELECT count(DISTINCT archive_digest) FROM memento WHERE status BETWEEN 200 AND 299"
    )[0][0]
    assert fetched == digests
    assert f"{fetched} fetched" in output and "payloads reused" in output


def test_a_second_backfill_fetches_and_adds_nothing(served, backfilled, tmp_path):
    db, _ = backfilled
    copy = tmp_path / "again.db"
    copy_db(db, copy)
    before = history(copy), rows(copy, "SELECT count(*) FROM capture")
    again = run(copy, served.cdx_url)
    assert again.exit_code == 0, again.output
    assert " 0 fetched" in again.output and "crawl " not in again.output
    assert (history(copy), rows(copy, "SELECT count(*) FROM capture")) == before


def test_a_backfill_never_moves_newer_history_backwards(served, tmp_path):
    """Backfilled into an archive whose history is newer than every memento (the crawls' own
    versions are dated today), it adds captures and no version, change or removal."""
    db = tmp_path / "newer.db"
    copy_db(served.db, db)
    current = (
        "SELECT e.key, e.state, v.content_hash FROM entity e "
        "JOIN version v ON v.entity_id = e.id WHERE v.superseded_at IS NULL"
    )
    before = sorted(rows(db, current)), rows(db, "SELECT count(*) FROM transition")
    done = run(db, served.cdx_url)
    assert done.exit_code == 0, done.output
    assert (sorted(rows(db, current)), rows(db, "SELECT count(*) FROM transition")) == before
    assert "older than the history" in done.output
    assert rows(db, "SELECT count(*) FROM memento WHERE capture_id IS NOT NULL")[0][0] > 0


def test_limit_stops_resumably_and_nothing_is_fetched_twice(served, tmp_path):
    db = tmp_path / "limited.db"
    fetched = 0
    for _ in range(10):
        done = run(db, served.cdx_url, "--limit", "15")
        assert done.exit_code == 0, done.output
        assert "stopped" not in done.output or "15 fetches made (--limit)" in done.output
        fetched += int(done.output.split(" fetched")[0].rsplit(" ", 1)[1])
        if "stopped" not in done.output:
            break
    else:
        pytest.fail("the backfill never finished")
    assert fetched == rows(db, "SELECT count(*) FROM memento WHERE fetched")[0][0]
    assert history(db) == history(served.db)


# -- a server that answers 429 -------------------------------------------------------------


class FlakyProxy:
    """A reverse proxy to pywb whose ``fault(n)`` (n: the request's number, from 0) gives a
    status to answer instead (with ``Retry-After`` when ``retry_after`` is set) or None."""

    def __init__(self, upstream: str, fault: Callable[[int], int | None], retry_after=None):
        self.upstream = urlsplit(upstream)
        self.fault = fault
        self.retry_after = retry_after
        self.log: list[tuple[str, int]] = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                with proxy.lock:
                    number = len(proxy.log)
                    status = proxy.fault(number)
                    proxy.log.append((self.path, status or 0))
                if status is not None:
                    self.send_response(status)
                    if proxy.retry_after is not None:
                        self.send_header("Retry-After", proxy.retry_after)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                conn = http.client.HTTPConnection(proxy.upstream.netloc, timeout=30)
                conn.request("GET", self.path)
                answer = conn.getresponse()
                body = answer.read()
                with proxy.lock:
                    proxy.log[number] = (self.path, answer.status)
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "date", "server"):
                        self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def fetched(self) -> list[str]:
        return [path for path, status in self.log if "id_/" in path and status == 200]


@contextmanager
def flaky(upstream: str, fault, retry_after=None):
    proxy = FlakyProxy(upstream, fault, retry_after)
    thread = threading.Thread(target=proxy.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.server.shutdown()
        proxy.server.server_close()


def test_429_is_waited_for_as_retry_after_says(served, tmp_path):
    def fault(n: int) -> int | None:
        return 429 if n in (0, 5, 6) else None  # the listing, then a fetch twice

    waits: list[float] = []
    with flaky(served.url, fault, retry_after="7") as proxy:
        manners = Politeness(delay=0, retries=3, backoff=0.5, sleep=waits.append)
        client = CdxClient(f"{proxy.url}/web/cdx", f"{proxy.url}/web/", manners)
        result = backfill(Archive(f"sqlite:///{tmp_path / 'a.db'}"), "pacsto", client)
        assert result.stopped is None
        assert waits.count(7.0) == 3
        assert len(proxy.fetched()) == len(set(proxy.fetched())) == result.fetched
    assert history(tmp_path / "a.db") == history(served.db)


def test_a_server_that_keeps_refusing_stops_resumably(served, tmp_path):
    db = tmp_path / "refused.db"
    with flaky(served.url, lambda n: 429 if n >= 30 else None) as proxy:
        stopped = run(db, f"{proxy.url}/web/cdx", "--retries", "2", "--backoff", "0.01")
        first = proxy.fetched()
        assert stopped.exit_code == 9, stopped.output
        line = [x for x in stopped.output.splitlines() if x.startswith("error: stopped:")]
        assert line == [
            f"error: stopped: {urlsplit(proxy.url).netloc} still answers HTTP 429 after 2 retries; "
            "what was fetched is kept: rerun to continue"
        ]
        proxy.log.clear()
        proxy.fault = lambda n: None  # the server recovers
        resumed = run(db, f"{proxy.url}/web/cdx")
        second = proxy.fetched()
    assert resumed.exit_code == 0, resumed.output
    assert first and second and not set(first) & set(second), "nothing fetched twice"
    assert history(db) == history(served.db)


def test_a_server_that_forbids_stops_at_once(served, tmp_path):
    with flaky(served.url, lambda n: 403) as proxy:
        done = run(tmp_path / "forbidden.db", f"{proxy.url}/web/cdx")
        assert len(proxy.log) == 1
    assert done.exit_code == 9
    assert "refused access (HTTP 403)" in done.output


# -- gaps --------------------------------------------------------------------------------


def gaps(step: int, url: str, language: str | None) -> bool:
    """2025: no Russian Federation page in either language; mid-2026 (when the replica drops a
    Tajik member from its Russian page): no Russian Tajikistan page."""
    if step == 1:
        return "/countries/russian-federation" in url
    return step == 3 and url == "https://paodkb.org/countries/republic-of-tajikistan"


LEFT_IN_A_GAP = "pacsto/ru/member/boboev-ismoil"


def test_a_collection_with_gaps_records_no_removal_it_did_not_see_whole(tmp_path, monkeypatch):
    # one complete observation removes here (as in the fault suite), so only completeness,
    # not corroboration, keeps the member the gap hides
    monkeypatch.setenv("PARLWATCH_REMOVAL_CONFIRMATIONS", "1")
    with web_archive(tmp_path / "web", drop=gaps) as holey:
        db = tmp_path / "holey.db"
        done = run(db, holey.cdx_url)
    assert done.exit_code == 0, done.output
    reference_versions, reference = history(holey.db)
    versions, transitions = history(db)
    removed = {key for key, change, _ in transitions if change == "removed"}
    replica_removed = {key for key, change, _ in reference if change == "removed"}
    assert LEFT_IN_A_GAP in replica_removed, "the replica removes the member the gap hides"
    # what remains removed: news items whose own page the archive holds as a 404
    assert removed == replica_removed - {LEFT_IN_A_GAP}
    assert all("/news/" in key for key in removed)
    assert rows(db, f"SELECT state FROM entity WHERE key = '{LEFT_IN_A_GAP}'") == [("present",)]
    held = [
        json.loads(stats)["incomplete_sets"]
        for (stats,) in rows(db, "SELECT stats FROM crawl ORDER BY started")
    ]
    assert "pacsto/en/member/RU" in held[1] and "pacsto/ru/member/TJ" in held[3]
    assert not held[0] and not held[2]
    assert {v[:2] for v in versions} <= {v[:2] for v in reference_versions}


# -- units -------------------------------------------------------------------------------


def test_the_wayback_machines_listing_and_resume_key_are_read():
    text = (
        '[["timestamp","original","statuscode","digest"],'
        '["20240101000000","https://pacsto.org/","200","AB"],[],["org,pacsto)/ 20240101000000"]]'
    )
    listed, resume = parse_listing(text)
    assert listed == [
        {"timestamp": "20240101000000", "original": "https://pacsto.org/", "statuscode": "200",
         "digest": "AB"}
    ]  # fmt: skip
    assert resume == "org,pacsto)/ 20240101000000"
    assert retry_after("12") == 12.0 and retry_after("soon") is None


def test_only_the_sites_pages_are_taken(served):
    result = BackfillResult("pacsto", served.cdx_url)
    client = CdxClient(served.cdx_url, served.cdx_url.removesuffix("cdx"), Politeness(delay=0))
    taken = list_pages(client, "pacsto", "2026", None, result)
    assert taken and all(t.capture.timestamp >= "2026" for t in taken)
    assert {t.language for t in taken} == {"en", "ru"}
    assert all(("paodkb.org" in t.capture.url) == (t.language == "ru") for t in taken)


def test_the_archives_redirects_are_unwrapped_and_requests_paced():
    waits: list[float] = []
    client = CdxClient(
        replay_prefix="https://web.archive.org/web", politeness=Politeness(3.0, sleep=waits.append)
    )
    wrapped = "https://web.archive.org/web/20200101000000id_/https://pacsto.org/en/"
    assert client.unwrap(wrapped) == "https://pacsto.org/en/"
    assert client.unwrap("https://example.org/") == "https://example.org/"
    assert client.unwrap("http://web.archive.org/web/20200101000000/https://a.org/") == (
        "https://a.org/"
    )
    path = "/web/20200101000000id_/https://pacsto.org/ru/"
    assert client.unwrap(path, wrapped) == "https://pacsto.org/ru/"
    assert client.unwrap("/en/", wrapped) == "/en/"  # the site's own relative redirect
    client._pace()
    client._pace()
    assert len(waits) == 1 and 2.0 < waits[0] <= 3.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date past: no wait


MOVED = "https://pacsto.org/countries/russian-federation"
MOVED_AT = "2026-08-01 09:00:00.000000"


def with_redirect_off_the_site(db: Path) -> None:
    """A capture on a day of its own: the Russian Federation page redirecting off the site."""
    digest = "sha256:" + hashlib.sha256(b"").hexdigest()
    headers = {"location": "https://example.com/moved", "content-type": "text/html"}
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(
            "INSERT OR IGNORE INTO blob (digest, size, compression, data) VALUES (?, 0, 'zlib', ?)",
            (digest, zlib.compress(b"")),
        )
        crawl = conn.execute(
            "INSERT INTO crawl (spider, started, finished, status, params, stats) "
            "VALUES ('pacsto', ?, ?, 'partial', '{}', '{}')",
            (MOVED_AT, MOVED_AT),
        ).lastrowid
        conn.execute(
            "INSERT OR IGNORE INTO capture_url (url, canonical_url) VALUES (?, ?)", (MOVED, MOVED)
        )
        found_url = "SELECT id FROM capture_url WHERE url = ? AND canonical_url = ?"
        url_id = conn.execute(found_url, (MOVED, MOVED)).fetchone()[0]
        set_ids = []
        for header_set, volatile in ((headers, RESPONSE_VOLATILE), ({}, REQUEST_VOLATILE)):
            row = header_set_values(header_set, volatile)[0]
            conn.execute(
                "INSERT OR IGNORE INTO header_set (digest, headers, content_type) VALUES (?, ?, ?)",
                (row["digest"], json.dumps(row["headers"]), row["content_type"]),
            )
            found = "SELECT id FROM header_set WHERE digest = ?"
            set_ids.append(conn.execute(found, (row["digest"],)).fetchone()[0])
        conn.execute(
            "INSERT INTO capture (crawl_id, url_id, language, fetched_at, status, header_set_id, "
            "request_header_set_id, digest, outcome, parse_errors) "
            "VALUES (?, ?, 'en', ?, 302, ?, ?, ?, 'off-site', '[]')",
            (crawl, url_id, MOVED_AT, *set_ids, digest),
        )


def test_a_redirect_off_the_site_is_recorded_as_a_failed_page(served, tmp_path):
    source = copy_db(served.db, tmp_path / "moved.db")
    with_redirect_off_the_site(source)
    build_collection(f"sqlite:///{source}", tmp_path / "replay", "moved")
    with running_pywb(tmp_path / "replay") as pywb:
        db = tmp_path / "backfilled.db"
        done = run(db, f"{pywb.url}/moved/cdx")
    assert done.exit_code == 0, done.output
    assert "day:2026-08-01 failed: 1 capture, 0 new versions, 0 changes" in done.output
    assert rows(db, f"SELECT status, outcome FROM capture WHERE fetched_at = '{MOVED_AT}'") == [
        (302, "off-site")
    ]
    assert history(db) == history(served.db)  # the redirect removed nothing


def test_the_period_is_kept_even_by_a_server_that_ignores_it():
    from archive.backfill import _within

    assert _within("20250601090000", "2025", "2025")
    assert _within("20250601090000", "20250601090000", "20250601095959")
    assert not _within("20260101000000", "2025", "2025")
    assert not _within("20241231235959", "2025", None)


def test_a_long_listing_is_paged_with_the_servers_resume_key(monkeypatch):
    """A Wayback-style server: JSON rows headed by the field names, a resume key (printed
    URL-encoded) after an empty row, the next page for that key."""
    monkeypatch.setattr("archive.cdx_client.PAGE_SIZE", 1)
    names = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]
    row = ["org,pacsto)/", "2024010100000{}", "https://pacsto.org/", "text/html", "200", "D{}", "1"]
    key = "org,pacsto)/ 20240101000000!"
    asked: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            asked.append(query)
            n = 1 if query.get("resumeKey") == key else 0
            table = [names, [cell.format(n) for cell in row]]
            if n == 0:
                table += [[], [quote_plus(key)]]
            body = json.dumps(table).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/cdx/search/cdx"
        client = CdxClient(url, "https://web.archive.org/web/", Politeness(delay=0))
        listed = list(client.captures("pacsto.org/", since="2024"))
    finally:
        server.shutdown()
        server.server_close()
    assert [c.timestamp for c in listed] == ["20240101000000", "20240101000001"]
    assert [c.digest for c in listed] == ["D0", "D1"]
    assert asked[0]["fl"] == ",".join(names) and asked[0]["matchType"] == "prefix"
    assert asked[0]["from"] == "2024" and asked[0]["showResumeKey"] == "true"
    assert "resumeKey" not in asked[0] and asked[1]["resumeKey"] == key


def test_a_server_without_resume_keys_is_listed_whole(served, monkeypatch):
    """pywb honours ``limit`` but gives no resume key: a full first page is asked for again,
    without the limit, rather than cut short."""
    monkeypatch.setattr("archive.cdx_client.PAGE_SIZE", 5)
    client = CdxClient(served.cdx_url, served.cdx_url.removesuffix("cdx"), Politeness(delay=0))
    listed = list(client.captures("pacsto.org/"))
    everything = served.cdx("pacsto.org/", matchType="prefix")
    assert len(listed) == len(everything) > 5
    expected = {(c["url"], c["timestamp"]) for c in everything}
    assert {(c.url, c.timestamp) for c in listed} == expected


def test_an_archive_without_the_sites_hosts_says_which_hosts_were_asked_for(tmp_path):
    """A collection made from a replica's crawl holds 127.0.0.1 URLs: "0 captures listed"
    alone would leave a user guessing."""

    class Empty(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            body = b"[]"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Empty)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        done = run(tmp_path / "a.db", f"http://127.0.0.1:{server.server_address[1]}/coll/cdx")
    finally:
        server.shutdown()
        server.server_close()
    assert done.exit_code == 0, done.output
    assert "0 captures listed" in done.output
    assert "lists no capture under pacsto.org/, paodkb.org/" in done.output
