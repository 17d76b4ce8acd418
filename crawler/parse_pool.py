"""Pages read in worker processes, so that the crawl's reactor thread only fetches.

``crawler.page_reading.read_page`` is pure: a page (its body, headers and what the archive knew of
it) in, a ``PageReading`` out. With ``PARLWATCH_PARSE_WORKERS`` above 0 a spider hands each
fetched page to a pool of that many processes, each holding the site's parser
(``crawler.stored_pages.site_spider``), and goes on fetching while they read. At 0 pages are
read on the reactor thread. The default is 1 on a machine with two CPUs or more, else 0
(``crawler.settings``). Either way the reading is the same: only where it is computed changes.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from crawler.items import Page, PageReading
from crawler.page_reading import read_page

_parser: Any = None  # the site's parser, in a worker process


def _start_worker(site: str, crawl_pid: int) -> None:
    global _parser
    from crawler.stored_pages import site_spider

    _parser = site_spider(site)
    threading.Thread(target=_exit_with, args=(crawl_pid,), daemon=True).start()


def _exit_with(crawl_pid: int, every: float = 1.0) -> None:
    """End this worker once the crawl that started it is gone. A crawl killed outright (``kill
    -9``, the OOM killer) never shuts its pool down, and its worker went on waiting for pages,
    an orphan of ~100 MB, for ever."""
    while os.getppid() == crawl_pid:
        time.sleep(every)
    os._exit(0)


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
            initargs=(site, os.getpid()),
        )

    def submit(self, page: Page) -> Future[PageReading]:
        """``read_page`` on ``page`` in a worker: its reading, when done."""
        return self.executor.submit(_read, page)

    async def read(self, page: Page) -> PageReading:
        return await asyncio.wrap_future(self.submit(page))

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
