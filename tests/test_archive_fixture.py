"""The history the archive tests share, built once per test process by crawling the replicas.

pacsto (utf-8, two languages at one URL), sovrep_by and parlament_tj (windows-1251) are crawled
together at 2025, 2026, an outage and 2026 again (unchanged: 304s and identical bodies), then
pacsto once more at a closed port (fetches with no response at all). The bytes the replicas
served for a few pages are saved beside the archive, so snapshots can be compared with them.

Other ``test_archive_*`` modules import ``shared_history`` / ``history_copy`` from here. A file
lock makes pytest-xdist workers build it once and share it.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click
import pytest

from replica import ReplicaServer

pytestmark = pytest.mark.e2e

SITES = ["pacsto", "sovrep_by", "parlament_tj"]
STEPS = ["2025", "2026", "outage", "2026"]
# (name, site, path, language, version): pages whose served bytes the tests compare with
SERVED = [
    ("pacsto-en-2025", "pacsto", "/", "en", "2025"),
    ("pacsto-ru-2025", "pacsto", "/", "ru", "2025"),
    ("pacsto-en-2026", "pacsto", "/", "en", "2026"),
    ("sovrep-delegation-2025", "sovrep_by", "/ru/pa-odkb/", "ru", "2025"),
]


@dataclass
class History:
    db: Path
    manifest: dict

    @property
    def url(self) -> str:
        return f"sqlite:///{self.db}"

    def base(self, site: str) -> str:
        return self.manifest["bases"][site]

    def served(self, name: str) -> bytes:
        return (self.db.parent / f"{name}.bin").read_bytes()


def _utcnow() -> str:
    return datetime.now(UTC).replace(tzinfo=None).isoformat()


def _crawl(db_url: str, bases: dict[str, str]) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "parlwatch", "crawl", *bases, "--db", db_url]
    for site, url in bases.items():
        args += ["--base-url", f"{site}={url}"]
    return subprocess.run(args, capture_output=True, text=True, timeout=300)


def _fetch(url: str, language: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept-Language": language})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_history(folder: Path) -> None:
    db = folder / "archive.db"
    db_url = f"sqlite:///{db}"
    manifest: dict = {"steps": [], "bases": {}}
    with ExitStack() as stack:
        servers = {s: stack.enter_context(ReplicaServer(s, version="2025")) for s in SITES}
        manifest["bases"] = {site: server.url for site, server in servers.items()}
        for version in STEPS:
            for server in servers.values():
                server.set_version(version)
            for name, site, path, language, wanted in SERVED:
                if wanted == version and not (folder / f"{name}.bin").exists():
                    body = _fetch(servers[site].url + path, language)
                    (folder / f"{name}.bin").write_bytes(body)
            started = _utcnow()
            done = _crawl(db_url, manifest["bases"])
            manifest["steps"].append(
                {
                    "version": version,
                    "started": started,
                    "finished": _utcnow(),
                    "exit": done.returncode,
                    "output": done.stdout[-2000:],
                }
            )
    dead = f"http://127.0.0.1:{_closed_port()}"
    started = _utcnow()
    done = _crawl(db_url, {"pacsto": dead})
    manifest["steps"].append(
        {
            "version": "unreachable",
            "started": started,
            "finished": _utcnow(),
            "exit": done.returncode,
            "output": done.stdout[-2000:],
            "base": dead,
        }
    )
    import sqlite3

    with sqlite3.connect(db) as conn:  # one self-contained file, safe to copy
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def shared_history(tmp_path_factory) -> History:
    """The shared history (read it, do not write to it: use ``history_copy`` for that)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    folder = root / "parlwatch-archive-history"
    folder.mkdir(exist_ok=True)
    with open(root / "parlwatch-archive-history.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (folder / "manifest.json").exists():
                build_history(folder)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return History(folder / "archive.db", manifest)


def history_copy(history: History, folder: Path) -> History:
    """A private copy of the shared archive, for tests that write to it."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(history.db, folder / "archive.db")
    for name, *_ in SERVED:
        shutil.copy(history.db.parent / f"{name}.bin", folder / f"{name}.bin")
    return History(folder / "archive.db", history.manifest)


def archive_cli() -> click.Group:
    """The archive commands under one group, as ``parlwatch.cli`` registers them."""
    from parlwatch.commands_archive import ARCHIVE_COMMANDS, warc_export

    group = click.Group("parlwatch")
    for command in ARCHIVE_COMMANDS:
        group.add_command(command)
    export = click.Group("export")
    export.add_command(warc_export)
    group.add_command(export)
    return group


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> History:
    return shared_history(tmp_path_factory)


def test_the_shared_history_has_every_kind_of_capture(history):
    import sqlite3

    steps = history.manifest["steps"]
    assert [s["exit"] for s in steps] == [0, 0, 1, 0, 1], [s["output"] for s in steps]
    with sqlite3.connect(history.db) as conn:
        statuses = {row[0] for row in conn.execute("SELECT DISTINCT status FROM capture")}
        spiders = {row[0] for row in conn.execute("SELECT DISTINCT spider FROM crawl")}
    assert {200, 304, 404, 503, None} <= statuses
    assert spiders == set(SITES)
    assert history.served("sovrep-delegation-2025").decode("cp1251")
