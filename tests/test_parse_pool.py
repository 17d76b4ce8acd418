"""Pages read in a worker process read exactly as on the reactor thread; a worker does not
outlive its crawl."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from processes import child_pids

from crawler.items import Page
from crawler.page_reading import read_page
from crawler.parse_pool import ParsePool
from crawler.stored_pages import site_spider

PAGES = Path(__file__).parent / "fixtures" / "pages"
ROOT = Path(__file__).resolve().parents[1]


def test_a_page_read_in_the_pool_reads_as_here():
    pages = [
        Page(
            site="pacsto",
            url=url,
            language=language,
            role=role,
            fetched_at=datetime(2026, 1, 1),
            status=200,
            body=(PAGES / name).read_bytes(),
            headers={"content-type": "text/html; charset=utf-8"},
        )
        for name, url, language, role in [
            ("en_2025_modern.html", "https://pacsto.org/", "en", "root"),
            ("ru_2026_br.html", "https://paodkb.org/", "ru", "root"),
            ("maintenance.html", "https://pacsto.org/", "en", "root"),
        ]
    ]
    here = [read_page(page, site_spider("pacsto")) for page in pages]
    pool = ParsePool("pacsto", 1)

    async def read_all():
        return [await pool.read(page) for page in pages]

    try:
        there = asyncio.run(read_all())
    finally:
        pool.close()
    assert [r.records for r in there] == [r.records for r in here]
    assert [(r.outcome, r.missing, r.errors) for r in there] == [
        (r.outcome, r.missing, r.errors) for r in here
    ]
    assert here[0].records and here[2].outcome != here[0].outcome


CRAWL = """
import asyncio, sys, time
from datetime import datetime
from crawler.items import Page
from crawler.parse_pool import ParsePool

pool = ParsePool("pacsto", 1)
page = Page(site="pacsto", url="https://pacsto.org/", language="en", role="root",
            fetched_at=datetime(2026, 1, 1), status=200, body=sys.argv[1].encode(),
            headers={"content-type": "text/html; charset=utf-8"})
asyncio.run(pool.read(page))  # the worker has started and read a page
print(*pool.executor._processes, flush=True)
time.sleep(120)
"""


def test_a_worker_ends_when_its_crawl_is_killed_outright():
    body = (PAGES / "maintenance.html").read_text()
    crawl = subprocess.Popen(
        [sys.executable, "-c", CRAWL, body], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        workers = [int(pid) for pid in crawl.stdout.readline().split()]
        assert workers and set(workers) <= set(child_pids(crawl.pid))
    finally:
        crawl.kill()  # SIGKILL: the pool is never shut down
        crawl.wait()
    deadline = time.monotonic() + 20
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    alive = [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert not alive, "the worker outlived its crawl"
