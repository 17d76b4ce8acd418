"""Pages read in worker processes, so that the crawl's reactor thread only fetches.

``crawler.ingest.read_page`` is pure: a page (its body, headers and what the archive knew of
it) in, a ``PageReading`` out. With ``PARLWATCH_PARSE_WORKERS`` above 0 a spider hands each
fetched page to a pool of that many processes, each holding the site's parser
(``crawler.stored_pages.site_spider``), and goes on fetching while they read. At 0 (the
default) pages are read on the reactor thread, as before. Either way the reading is the same:
only where it is computed changes.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from crawler.ingest import read_page
from crawler.items import Page, PageReading

_parser: Any = None  # the site's parser, in a worker process


def _start_worker(site: str) -> None:
    global _parser
    from crawler.stored_pages import site_spider

    _parser = site_spider(site)


def _read(page: Page) -> PageReading:
    return read_page(page, _parser)


class ParsePool:
    """``workers`` processes reading pages of ``site``.

    Workers are spawned (a fresh interpreter each) unless ``start`` says otherwise: a crawl must
    never fork its running reactor; ``reparse``, which runs none, forks where it can."""

    def __init__(self, site: str, workers: int, start: str = "spawn") -> None:
        self.executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context(start),
            initializer=_start_worker,
            initargs=(site,),
        )

    def submit(self, page: Page) -> Future[PageReading]:
        """``read_page`` on ``page`` in a worker: its reading, when done."""
        return self.executor.submit(_read, page)

    async def read(self, page: Page) -> PageReading:
        return await asyncio.wrap_future(self.submit(page))

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
