"""One crawl, one child process: ``python -m parlwatch crawl SITE``.

A Twisted reactor cannot be restarted in one process, so the scheduler never crawls in its own.
The child gets its own session (process group): a Ctrl-C in the scheduler's terminal reaches
the scheduler only, which forwards a single SIGTERM. Scrapy takes a first SIGTERM as a graceful
shutdown (close reason ``shutdown``, recorded as ``interrupted``) but a second one as "stop
now", so the child must not receive two.

The archive URL goes to the child in ``PARLWATCH_DB`` rather than on its command line, where a
PostgreSQL password would be visible to every user of the machine.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import IO, Protocol

from store.crawl_history import CrawlInfo


@dataclass(frozen=True)
class Job:
    """A site to crawl now, on behalf of a schedule."""

    site: str
    schedule_id: int | None = None
    base_url: str | None = None
    languages: str | None = None
    settings: tuple[tuple[str, str], ...] = ()  # (KEY, VALUE) pairs for `crawl -s KEY=VALUE`


class CrawlProcess(Protocol):
    """What the scheduler needs of a running crawl (a child process, or a fake in tests)."""

    pid: int

    def poll(self) -> int | None: ...

    def terminate(self) -> None: ...

    def kill(self) -> None: ...

    def output(self) -> str: ...


@dataclass
class ChildCrawl:
    """A ``parlwatch crawl`` child process and the file its output goes to."""

    process: subprocess.Popen
    log: IO[bytes] = field(repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def poll(self) -> int | None:
        return self.process.poll()

    def terminate(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def output(self) -> str:
        """Everything the child printed (stdout and stderr); closes the file."""
        try:
            self.log.seek(0)
            return self.log.read().decode("utf-8", "replace")
        finally:
            self.log.close()


def crawl_command(job: Job) -> list[str]:
    command = [sys.executable, "-m", "parlwatch", "crawl", job.site]
    if job.base_url:
        command += ["--base-url", job.base_url]
    if job.languages:
        command += ["--language", job.languages]
    for key, value in job.settings:
        command += ["-s", f"{key}={value}"]
    return command


def launch_crawl(job: Job, db_url: str) -> ChildCrawl:
    """Start ``parlwatch crawl`` for ``job`` against the archive at ``db_url``."""
    log = tempfile.TemporaryFile(prefix=f"parlwatch-{job.site}-")  # noqa: SIM115 (kept open)
    # the scheduler notifies once the child has ended, so the child does not (see notify_crawls)
    env = {**os.environ, "PARLWATCH_DB": db_url, "PARLWATCH_NOTIFY": "0", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        crawl_command(job),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    return ChildCrawl(process, log)


def outcome_line(crawl: CrawlInfo, elapsed: float) -> str:
    """How a crawl ended, for the log: ``pacsto: crawl 12 finished in 3.1s: pages 12 …``."""
    stats = crawl.stats
    outcomes = stats.get("pages_by_outcome", {})
    failed = sum(n for k, n in outcomes.items() if k not in ("ok", "gone"))
    # the crawl's own duration, as `parlwatch crawls` shows it; the process's time when unknown
    took = crawl.duration if crawl.duration is not None else elapsed
    return (
        f"{crawl.site}: crawl {crawl.id} {crawl.status} in {took:.1f}s: "
        f"pages {stats.get('pages', 0)} ({failed} failed), "
        f"new versions {stats.get('history/new_versions', 0)}, "
        f"changes {stats.get('history/changes', 0)}"
        + (f" — {crawl.reason}" if crawl.reason else "")
    )
