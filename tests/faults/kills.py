"""``kill -9`` of a crawl at chosen points, then another writing command (a clean crawl).

The proxy holds the pages named by a kill point (no answer until the client goes away), so the
crawl waits there with some of its pages captured; the crawl process is then killed with
SIGKILL, and a clean crawl of the unchanged site runs on the same archive. Expected (issue 15,
item 6): the killed crawl's row says ``abandoned`` once that crawl has run, and the two crawls
record no change. The crawl beats every 0.2 s here and is killed only after its first heartbeat
(a crawl without one never gets killed: the heartbeat extension must be running).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections.abc import Callable, Mapping
from contextlib import closing
from dataclasses import dataclass, field

from . import faultclasses as fc
from .harness import FaultSite, captures_on_host, crawl_settings, crawls, two_crawls_since
from .proxy import Fault, Target
from .scenarios import COUNTRY, NEWS, ROOT

KILL_CHECKS = ("closed", "changes")


@dataclass(frozen=True)
class KillPoint:
    """Where the crawl is when it is killed: ``held`` pages unanswered, ``captures`` stored."""

    name: str
    held: Target
    captures: int
    today: Mapping[str, str] = field(default_factory=dict)


def _held(name: str, paths: set[str] | None, excluded: set[str] = frozenset()) -> Target:
    held = None if paths is None else frozenset(paths)
    return Target(name, held, frozenset({"en", "ru"}), frozenset(excluded))


KILL_POINTS = [
    # the crawl row is open, no page is answered: nothing captured yet
    KillPoint("before-any-capture", _held("all", None), 0),
    # the two home pages captured, every other page held
    KillPoint("after-first-captures", _held("not-root", None, {ROOT}), 2),
    # most pages captured; a country page and a news page (both languages) held
    KillPoint("mid-crawl", _held("two", {COUNTRY, NEWS}), 12),
]
BY_NAME = {k.name: k for k in KILL_POINTS}


@dataclass
class KillOutcome:
    point: KillPoint
    exit_code: int
    captured_before_kill: int
    killed_crawl: dict
    next_crawl: dict
    changes: list[dict]


def _wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _count_captures(site: FaultSite, db_url: str) -> int:
    try:
        return len(captures_on_host(db_url, site.url))
    except Exception:  # the crawl may hold a write lock for a moment; ask again
        return -1


HEARTBEAT = {"PARLWATCH_HEARTBEAT": 0.2}


def _beaten(db_url: str) -> bool:
    """Has the archive's newest crawl had a heartbeat since it started?"""
    path = db_url.removeprefix("sqlite:///")
    try:
        with closing(sqlite3.connect(path, timeout=1)) as db:
            row = db.execute("SELECT started, heartbeat_at FROM crawl ORDER BY id DESC").fetchone()
    except sqlite3.Error:  # the crawl may hold a write lock for a moment; ask again
        return False
    return row is not None and row[1] is not None and row[1] > row[0]


def run_kill(site: FaultSite, point: KillPoint) -> KillOutcome:
    """Crawl until ``point``, ``kill -9`` the crawl, run a clean crawl; read the archive."""
    assert site.proxy is not None and site.crawler is not None
    db_url = site.fresh_archive(f"kill-{point.name}")
    before = len(crawls(db_url))
    baseline_captures = _count_captures(site, db_url)
    site.proxy.clear_requests()
    site.proxy.inject(Fault("hold", point.held, fc.held(lambda: False)))
    try:
        pid, _log = site.crawler.start(site.url, db_url, crawl_settings(HEARTBEAT))
        _wait_for(
            lambda: any(r.fault for r in site.proxy.requests), 60, "a held request"
        )  # fmt: skip
        _wait_for(
            lambda: _count_captures(site, db_url) - baseline_captures >= point.captures,
            60,
            f"{point.captures} captures",
        )
        captured = _count_captures(site, db_url) - baseline_captures
        _wait_for(lambda: _beaten(db_url), 60, "the crawl's first heartbeat")
        os.kill(pid, signal.SIGKILL)
        exit_code = site.crawler.wait()
    finally:
        site.proxy.clear()
    log = site.crawl(db_url)
    killed, after, recorded = two_crawls_since(db_url, before, f"kill {point.name}", log)
    return KillOutcome(point, exit_code, captured, killed, after, recorded)


def check_closed(o: KillOutcome) -> None:
    assert o.exit_code == -signal.SIGKILL, f"the crawl was not killed: exit {o.exit_code}"
    assert o.killed_crawl["status"] == "abandoned", (
        f"killed crawl {o.killed_crawl['id']} still {o.killed_crawl['status']!r} after crawl "
        f"{o.next_crawl['id']} ({o.next_crawl['status']}) ran"
    )
    assert "ended without closing it" in o.killed_crawl["reason"]


def check_changes(o: KillOutcome) -> None:
    assert o.next_crawl["status"] == "finished", f"the next crawl: {o.next_crawl}"
    assert not o.changes, f"{len(o.changes)} false changes: {o.changes}"


RUN_KILL_CHECK = {"closed": check_closed, "changes": check_changes}
