"""The scenario harness: the pacsto replica behind the fault proxy, a clean baseline archive,
and for each scenario a fault crawl then a clean recovery crawl on a copy of that archive.

Everything is measured from outside: crawls run in child processes through
``crawler.runner.run_crawl`` (the ``parlwatch crawl`` path, plus settings overrides to make
timeouts and the download cap small; see ``crawlserver``), and results are read back with the
``parlwatch`` commands ``crawls``, ``changes`` and ``captures`` in their JSON form.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from click.testing import CliRunner

from parlwatch.cli import cli
from replica import ReplicaServer

from .crawlserver import CrawlServer
from .proxy import Fault, FaultProxy
from .scenarios import DOWNLOAD_CAP, DOWNLOAD_TIMEOUT, Scenario

VERSION = "2026-09"  # the replica's most recent version with both editions in step
OFFSITE_VERSION = "2024"  # what the other host serves: the same site, as it was
OFFSITE_HOST = "127.0.0.2"  # another loopback address, so another host to the crawler
SUITE_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_TIMEOUT": DOWNLOAD_TIMEOUT,
    "DOWNLOAD_MAXSIZE": DOWNLOAD_CAP,
    "LOG_LEVEL": "ERROR",
    "PARLWATCH_PROGRESS": False,
}


def crawl_settings(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The suite's settings with ``overrides``; a None value restores the project's own."""
    settings = {**SUITE_SETTINGS, **(overrides or {})}
    return {k: v for k, v in settings.items() if v is not None}


_CLI_LOCK = threading.Lock()  # CliRunner swaps sys.stdout: one invocation at a time


def run_cli(*args: str) -> Any:
    """``parlwatch ARGS --format json``, parsed; raises with the output when it fails."""
    with _CLI_LOCK:
        result = CliRunner().invoke(cli, [*args, "--format", "json"], catch_exceptions=False)
    if result.exit_code != 0:
        raise RuntimeError(f"parlwatch {' '.join(args)} -> {result.exit_code}: {result.output}")
    return json.loads(result.output)


def crawls(db_url: str) -> list[dict]:
    """Every crawl in the archive, oldest first (``parlwatch crawls``)."""
    return list(reversed(run_cli("crawls", "--db", db_url, "--last", "1000")))


def changes(db_url: str) -> list[dict]:
    """Every recorded change, oldest first (``parlwatch changes``)."""
    return run_cli("changes", "--db", db_url)


def captures_on_host(db_url: str, base_url: str) -> list[dict]:
    """Captures of any URL on ``base_url``'s host and port (``parlwatch captures --match host``)."""
    return run_cli("captures", base_url + "/", "--match", "host", "--db", db_url)


def two_crawls_since(
    db_url: str, before: int, label: str, log: str
) -> tuple[dict, dict, list[dict]]:
    """The two crawls run since the archive held ``before`` crawls, and the changes they made."""
    ran = crawls(db_url)[before:]
    if len(ran) != 2:
        raise RuntimeError(f"{label}: expected 2 new crawls, got {ran}\n{log}")
    ids = {c["id"] for c in ran}
    return ran[0], ran[1], [c for c in changes(db_url) if c["crawl"] in ids]


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite archive (its write-ahead log included)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


@dataclass
class Outcome:
    """What one scenario did to its archive."""

    scenario: Scenario
    fault_crawl: dict
    recovery_crawl: dict
    changes: list[dict]
    offsite_captures: list[str]
    fault_requests: int
    log: str = ""

    def describe_changes(self) -> str:
        return "; ".join(f"{c['change']} {c['entity']} {c['field']}".strip() for c in self.changes)


@dataclass
class FaultSite:
    """The replica, the fault proxy in front of it, the other hosts a fault may point to, and
    a clean baseline archive made through the proxy (two crawls: the second must add nothing).
    """

    workdir: Path
    version: str = VERSION
    servers: list[ReplicaServer] = field(default_factory=list)
    proxy: FaultProxy | None = None
    crawler: CrawlServer | None = None
    baseline: Path | None = None
    outcomes: dict[str, Outcome] = field(default_factory=dict)

    def __enter__(self) -> FaultSite:
        self.workdir.mkdir(parents=True, exist_ok=True)
        try:
            replica = self._serve(ReplicaServer("pacsto", version=self.version))
            self._serve(ReplicaServer("pacsto", version="maintenance"))
            self._serve(ReplicaServer("pacsto", version=OFFSITE_VERSION, host=OFFSITE_HOST))
            self.proxy = FaultProxy(replica.url).start()
            self.crawler = CrawlServer(self.workdir / "crawls").__enter__()
            self.baseline = self.workdir / "baseline.db"
            self._build_baseline(self.db_url(self.baseline))
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _build_baseline(self, db_url: str) -> None:
        """Two clean crawls; the second is the control: on an unchanged site it changes nothing."""
        log = self.crawl(db_url) + self.crawl(db_url)
        statuses = [c["status"] for c in crawls(db_url)]
        if statuses != ["finished", "finished"] or changes(db_url):
            raise RuntimeError(f"the clean baseline is not clean: {statuses}\n{log}")

    def __exit__(self, *exc_info: object) -> None:
        if self.crawler is not None:
            self.crawler.__exit__(*exc_info)
        if self.proxy is not None:
            self.proxy.stop()
        for server in reversed(self.servers):
            server.stop()

    def _serve(self, server: ReplicaServer) -> ReplicaServer:
        self.servers.append(server.start())
        return server

    @property
    def url(self) -> str:
        assert self.proxy is not None
        return self.proxy.url

    @property
    def maintenance_url(self) -> str:
        return self.servers[1].url

    @property
    def offsite_url(self) -> str:
        return self.servers[2].url

    @property
    def other_hosts(self) -> list[str]:
        """Every host the crawler may reach apart from the proxy (the replica itself included)."""
        return [server.url for server in self.servers]

    @staticmethod
    def db_url(path: Path) -> str:
        return f"sqlite:///{path}"

    def fresh_archive(self, name: str) -> str:
        """A copy of the baseline archive, for one scenario."""
        assert self.baseline is not None
        path = self.workdir / f"{name}.db"
        copy_sqlite(self.baseline, path)
        return self.db_url(path)

    def crawl(self, db_url: str, overrides: Mapping[str, Any] | None = None) -> str:
        """One crawl through the proxy; returns its exit code and output (for messages)."""
        assert self.crawler is not None
        return self.crawler.run(self.url, db_url, crawl_settings(overrides))

    def outcome(self, scenario: Scenario) -> Outcome:
        """The scenario's outcome, run once (tests of its several checks share it)."""
        if scenario.id not in self.outcomes:
            self.outcomes[scenario.id] = self.run(scenario)
        return self.outcomes[scenario.id]

    def run(self, scenario: Scenario) -> Outcome:
        """Fault crawl, then clean recovery crawl, on a fresh copy of the baseline."""
        assert self.proxy is not None
        db_url = self.fresh_archive(scenario.id.replace("@", "_"))
        before = len(crawls(db_url))
        fault_class = scenario.fault_class
        self.proxy.clear_requests()
        self.proxy.inject(Fault(scenario.fault, scenario.target, fault_class.make(self)))
        try:
            log = self.crawl(db_url, fault_class.overrides)
        finally:
            self.proxy.clear()
        hits = sum(1 for r in self.proxy.requests if r.fault)
        if not hits:  # not an assertion: an xfail must never hide a fault that was not there
            raise RuntimeError(f"{scenario.id}: no request hit the fault\n{log}")
        log += self.crawl(db_url)
        fault_crawl, recovery_crawl, recorded = two_crawls_since(db_url, before, scenario.id, log)
        return Outcome(
            scenario=scenario,
            fault_crawl=fault_crawl,
            recovery_crawl=recovery_crawl,
            changes=recorded,
            offsite_captures=self.offsite_captures(db_url),
            fault_requests=hits,
            log=log,
        )

    def offsite_captures(self, db_url: str) -> list[str]:
        """URLs of captures stored from any host other than the proxy's."""
        own = urlsplit(self.url).netloc
        return [
            row["url"]
            for base in self.other_hosts
            for row in captures_on_host(db_url, base)
            if urlsplit(row["url"]).netloc != own
        ]
