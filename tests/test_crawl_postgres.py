"""A team's archive on PostgreSQL records, crawl after crawl, what a SQLite file records.

A recrawl reads the pages it knows (``store.queries.known_pages``) before it fetches anything:
its query once failed on PostgreSQL only, so every second crawl of a site into a shared archive
was interrupted while the SQLite tests passed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from replica import ReplicaServer
from store.archive import Archive
from store.queries import list_changes

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]


def crawl(server_url: str, db_url: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "parlwatch", "crawl", "pacsto", "--base-url", server_url,
         "--db", db_url, "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return done.stdout


def test_a_recrawl_into_postgresql_records_what_sqlite_records(sqlite_url, postgres_url):
    histories = {}
    with ReplicaServer("pacsto", version="2025") as server:
        for db_url in (sqlite_url, postgres_url):
            crawl(server.url, db_url)
        server.set_version("2026")
        for db_url in (sqlite_url, postgres_url):
            assert "of pacsto: finished" in crawl(server.url, db_url)
            changes = list_changes(Archive(db_url))
            histories[db_url] = sorted((c.entity, c.change, c.field, str(c.new)) for c in changes)
    assert histories[postgres_url], "the 2026 version changes the delegations"
    assert histories[postgres_url] == histories[sqlite_url]
