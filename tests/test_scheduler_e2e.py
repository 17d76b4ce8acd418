"""The scheduler for real: a child process per crawl, replicas over HTTP, webhooks, SIGTERM.

Two sites (pacsto and duma_ru) run every 2 seconds against their replicas, which switch from
2025 to 2026 after the first crawls, so later crawls find changes and the webhooks are called.
A third site points at a server that never answers, so its crawl is still running when the
scheduler gets SIGTERM: it must end ``interrupted``. Bounded: the whole test takes ~15 s.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from parlwatch.notify.dispatch import crawl_changes
from replica import ReplicaServer
from store import schedules as store
from store.archive import Archive, utcnow
from store.crawl_history import recent_crawls
from store.notifications import add_target, list_deliveries

pytestmark = pytest.mark.e2e


class Server:
    """A local HTTP server in a thread, with a handler class made per test."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def receiver(status: int, log: list):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            log.append(json.loads(body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    return Handler


def tarpit(release: threading.Event):
    """Answers robots.txt, then holds every other request until released (then 503)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path != "/robots.txt":
                release.wait(25)
            body = b"User-agent: *\nAllow: /\n" if self.path == "/robots.txt" else b"down"
            self.send_response(200 if self.path == "/robots.txt" else 503)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def schedule_now(archive, sites, every, base_urls):
    now = utcnow()
    store.add_schedule(
        archive,
        sites=sites,
        every_seconds=every,
        timezone="UTC",
        jitter_seconds=0,
        base_urls=base_urls,
        created_at=now,
        next_run_at=now,
    )


def test_scheduler_runs_sites_notifies_and_stops_on_sigterm(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'archive.db'}"
    archive = Archive(db_url)
    received, refused, release = [], [], threading.Event()
    with (
        ReplicaServer("pacsto", version="2025") as pacsto,
        ReplicaServer("duma_ru", version="2025") as duma,
        Server(receiver(204, received)) as hook,
        Server(receiver(500, refused)) as broken,
        Server(tarpit(release)) as slow,
    ):
        schedule_now(archive, ["pacsto"], 2, {"pacsto": pacsto.url})
        schedule_now(archive, ["duma_ru"], 2, {"duma_ru": duma.url})
        schedule_now(archive, ["kenesh_kg"], 3600, {"kenesh_kg": slow.url})
        add_target(archive, "hook", hook.url + "/parlwatch")
        add_target(archive, "broken", broken.url + "/hook")
        env = {**os.environ, "PARLWATCH_NOTIFY_ATTEMPTS": "2", "PARLWATCH_NOTIFY_BACKOFF": "0.1"}
        log_file = tmp_path / "scheduler.log"
        with open(log_file, "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "parlwatch.scheduling", "--db", db_url, "--poll", "0.2",
                 "--max-parallel", "3", "--stop-timeout", "15"],
                stdout=log, stderr=subprocess.STDOUT, env=env,
            )  # fmt: skip
            try:

                def finished(site, changed=False):
                    return [
                        c
                        for c in recent_crawls(archive, site=site)
                        if c.status == "finished" and (c.stats["history/changes"] or not changed)
                    ]

                wait_for(lambda: finished("pacsto") and finished("duma_ru"), 90, "first crawls")
                pacsto.set_version("2026")
                duma.set_version("2026")
                wait_for(
                    lambda: finished("pacsto", True) and finished("duma_ru", True),
                    90,
                    "crawls that find the 2026 changes",
                )
                # a removal found by the 2026 crawl is confirmed by the next one, which tells it
                wait_for(
                    lambda: any(c.stats["removals_confirmed"] for c in finished("duma_ru")),
                    90,
                    "a crawl that confirms the 2026 removals",
                )
                wait_for(lambda: len(received) >= 3, 30, "the webhook")
                assert [c.status for c in recent_crawls(archive, site="kenesh_kg")] == ["running"]
                process.send_signal(signal.SIGTERM)
                release.set()  # let the held request end, as a slow server eventually does
                assert process.wait(timeout=20) == 0
            finally:
                if process.poll() is None:
                    process.kill()
    output = log_file.read_text()

    # what ran, when, and the outcome, in the log
    assert "pacsto: crawl started at" in output and "duma_ru: crawl started at" in output
    assert "kenesh_kg: forwarding SIGTERM" in output
    assert "scheduler" in output and "stopped" in output

    crawls = recent_crawls(archive, last=100)
    assert not [c for c in crawls if c.status == "running"], "SIGTERM left a crawl running"
    stopped = [c for c in crawls if c.site == "kenesh_kg"]
    assert [c.status for c in stopped] == ["interrupted"], [c.reason for c in stopped]
    for site in ("pacsto", "duma_ru"):
        ours = sorted((c for c in crawls if c.site == site), key=lambda c: c.id)
        assert len([c for c in ours if c.status == "finished"]) >= 2
        for before, after in zip(ours, ours[1:], strict=False):
            assert before.finished <= after.started, f"two {site} crawls overlapped"
    assert store.list_locks(archive) == []

    # one webhook message per crawl with changes, carrying exactly that crawl's changes (and the
    # removals it confirmed, dated at the crawl that first missed them)
    changed = {c.id for c in crawls if c.status == "finished" and c.stats["history/changes"]}
    by_id = {c.id: c for c in crawls}
    assert sorted(m["crawl"]["id"] for m in received) == sorted(changed)
    for message in received:
        crawl = by_id[message["crawl"]["id"]]
        told = crawl_changes(archive, crawl)
        confirmed = crawl.stats["removals_confirmed"]
        assert told and all(
            row.crawl == crawl.id or [row.crawl, row.entity] in confirmed for row in told
        )
        expected = [row.to_dict() for row in told]
        assert message["event"] == "parlwatch.changes"
        assert message["changes"] == expected and message["count"] == len(expected)

    # the broken target was tried twice per crawl, logged, and failed nothing
    assert len(refused) == 2 * len(changed)
    failed = [d for d in list_deliveries(archive) if d.target == "broken"]
    assert {d.status for d in failed} == {"failed"} and {d.attempts for d in failed} == {2}
    assert "HTTP 500" in output
    assert all(c.status == "finished" for c in crawls if c.id in changed)
