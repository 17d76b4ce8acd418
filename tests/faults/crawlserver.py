"""Crawls in child processes, forked from one process that has already imported the crawler.

A crawl needs a fresh process (Twisted's reactor runs once per process), and importing Scrapy,
its components, the spiders and the parsers costs more than half of a replica crawl's CPU time.
The server imports them once, without installing a reactor, and forks one child per crawl; each
child runs ``crawler.runner.run_crawl`` (the ``parlwatch crawl`` path) and exits. A child is a
real process with its own pid, so a test can ``kill -9`` it mid-crawl.

Protocol (JSON lines): the client writes ``{"base_url", "db_url", "settings", "log"}``; the
server answers ``{"pid": N}`` when the child starts and ``{"pid": N, "exit": CODE}`` when it
ends (CODE negative for a signal). The child's stdout and stderr go to ``log``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

SERVER = r"""
import json, os, sys, traceback, warnings
from crawler.runner import crawl_settings, run_crawl
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.misc import load_object
SpiderLoader.from_settings(crawl_settings()).list()  # imports every spider module
with warnings.catch_warnings():  # and every component the settings name (handlers, middlewares)
    warnings.simplefilter("ignore")
    settings = crawl_settings()
    for name in list(settings):
        value = settings[name]
        value = dict(value) if hasattr(value, "copy_to_dict") else value
        for path in [*value, *value.values()] if isinstance(value, dict) else [value]:
            if isinstance(path, str) and path.count(".") >= 2 and " " not in path:
                try:
                    load_object(path)
                except Exception:
                    pass  # not an import path after all
import dateparser
dateparser.parse("28 May 2025", languages=["en", "ru"])  # loads its language data
assert "twisted.internet.reactor" not in sys.modules, "a reactor was installed before forking"
answer = sys.stdout
for line in sys.stdin:
    job = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            log = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(log, 1)
            os.dup2(log, 2)
            summary = run_crawl("pacsto", job["base_url"], job["db_url"], job["settings"])
            state = None if summary is None else [summary.crawl_id, summary.status]
            print("summary", json.dumps(state), flush=True)
            code = 0
        except Exception:
            traceback.print_exc()
        sys.exit(code)  # a normal interpreter exit, as a crawl process has (the archive closed)
    answer.write(json.dumps({"pid": pid}) + "\n")
    answer.flush()
    _, status = os.waitpid(pid, 0)
    answer.write(json.dumps({"pid": pid, "exit": os.waitstatus_to_exitcode(status)}) + "\n")
    answer.flush()
"""


# The suite judges completeness on its own: one complete crawl lacking an entity removes it, so a
# set wrongly taken as complete shows as a change even when the recovery crawl sees it again
# (the default, two, would hide it).
CRAWL_ENV = {"PARLWATCH_REMOVAL_CONFIRMATIONS": "1"}


class CrawlServer:
    """One server process; crawls run one at a time. Use as a context manager."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._count = 0

    def __enter__(self) -> CrawlServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._errors = (self.workdir / "crawlserver.err").open("w")
        self._proc = subprocess.Popen(
            [sys.executable, "-c", SERVER],
            env={**os.environ, **CRAWL_ENV},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            text=True,
            bufsize=1,
        )
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._proc is not None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            self._proc.wait(timeout=60)
            self._proc = None
        self._errors.close()

    def start(self, base_url: str, db_url: str, settings: Mapping[str, Any]) -> tuple[int, Path]:
        """Start a crawl; returns the child's pid and its log file. Call :meth:`wait` next."""
        assert self._proc is not None and self._proc.stdin is not None
        self._count += 1
        log = self.workdir / f"crawl{self._count}.log"
        job = {"base_url": base_url, "db_url": db_url, "settings": dict(settings), "log": str(log)}
        self._proc.stdin.write(json.dumps(job) + "\n")
        return self._read(self._proc.stdout)["pid"], log

    def wait(self) -> int:
        """The exit code of the crawl started last (negative: killed by that signal)."""
        assert self._proc is not None
        return self._read(self._proc.stdout)["exit"]

    def run(self, base_url: str, db_url: str, settings: Mapping[str, Any]) -> str:
        """One crawl to its end; returns its exit code and output, for messages."""
        with self._lock:
            _pid, log = self.start(base_url, db_url, settings)
            code = self.wait()
        return f"exit {code}\n{log.read_text(errors='replace')[-3000:]}"

    def _read(self, stream: IO[str] | None) -> dict:
        assert stream is not None
        line = stream.readline()
        if not line:
            errors = (self.workdir / "crawlserver.err").read_text(errors="replace")
            raise RuntimeError(f"the crawl server died:\n{errors[-3000:]}")
        return json.loads(line)
