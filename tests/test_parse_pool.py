"""Pages read in a worker process read exactly as on the reactor thread."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from crawler.ingest import read_page
from crawler.items import Page
from crawler.parse_pool import ParsePool
from crawler.stored_pages import site_spider

PAGES = Path(__file__).parent / "fixtures" / "pages"


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
