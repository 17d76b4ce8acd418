"""A real pywb for tests, and pywb collections made of real crawls of the replicas.

Test modules import these (``from pywb_harness import ...``):

- ``running_pywb(folder)``: pywb serving the collections of a replay folder on a free loopback
  port, stopped (with its process group) afterwards; the test is skipped, with the reason
  printed, only when pywb is not installed or cannot start.
- ``crawl_steps(server, db_url, steps)``: ``parlwatch crawl`` of a replica at each step's version,
  then each crawl's captures moved to the step's date (``Step.at``), so versions get distinct,
  spread-out capture dates as in a web archive.
- ``as_web_archive(db, target, bases, drop)``: a copy of that archive as a web archive would hold
  the live sites (``https://pacsto.org/…`` in English, ``https://paodkb.org/…`` in Russian, each
  national site at its own host), optionally with gaps: ``drop(step_index, url, language)``.
- ``build_collection(db_url, folder, name)``: the replay folder of an archive (WARCs, CDXJ),
  written the way ``parlwatch replay`` writes it.
- ``web_archive(folder)``: all of the above for the standard scenario (pacsto at ``STEPS``),
  returning the running pywb and the collection's name: a CDX server to backfill from.

Only the capture and crawl tables are moved in time; versions and changes keep the dates of the
crawls. Such an archive is the source of a collection, never a reference history: compare a
backfill with the replica's versions and the step dates instead.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from archive.replay_collection import ReplayCollection
from archive.replay_server import PywbFailed, PywbProcess, pywb_missing, start_on_free_port
from crawler.stored_pages import site_spider
from crawler.urls import canonical_url
from store.archive import Archive

SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"


@dataclass(frozen=True)
class Step:
    version: str  # the replica's version
    at: datetime  # when a web archive captured it (naive UTC)


# pacsto as a web archive might have seen it: four versions, months apart
STEPS = [
    Step("2024", datetime(2024, 3, 1, 9, 0)),
    Step("2025", datetime(2025, 6, 1, 9, 0)),
    Step("2026", datetime(2026, 2, 2, 9, 0)),
    Step("2026-06", datetime(2026, 7, 1, 9, 0)),
]


@contextmanager
def running_pywb(folder: Path, timeout: float = 120) -> Iterator[PywbProcess]:
    """pywb on a free port of 127.0.0.1 serving ``folder`` (a replay folder)."""
    missing = pywb_missing()
    if missing:
        pytest.skip(missing)
    try:
        pywb = start_on_free_port(folder, "127.0.0.1", timeout)
    except PywbFailed as exc:
        pytest.skip(f"pywb cannot start here: {exc}")
    try:
        yield pywb
    finally:
        pywb.stop()


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a GET, errors included."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def cdx(base: str, collection: str, url: str, **params: str) -> list[dict]:
    """pywb's CDX server answer (``output=json``) as a list of dicts."""
    query = urllib.parse.urlencode({"url": url, "output": "json", **params})
    status, _, body = get(f"{base}/{collection}/cdx?{query}")
    if status == 404:
        return []
    assert status == 200, body[:500]
    return [json.loads(line) for line in body.decode("utf-8").splitlines() if line.strip()]


def crawl(db_url: str, site: str, base_url: str) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "parlwatch", "crawl", site, "--db", db_url]
    args += ["--base-url", base_url]
    return subprocess.run(args, capture_output=True, text=True, timeout=300)


def crawl_steps(server, db_url: str, steps: list[Step]) -> list[int]:
    """Crawl ``server`` (a running ``ReplicaServer``) at each step's version; move each crawl's
    captures to the step's date. Returns the crawl ids."""
    ids = []
    for step in steps:
        server.set_version(step.version)
        done = crawl(db_url, server.site.id, server.url)
        assert done.returncode == 0, done.stdout + done.stderr
        ids.append(_last_crawl(db_url))
    move_crawls(db_url, dict(zip(ids, [s.at for s in steps], strict=True)))
    return ids


def _database(db_url: str) -> Path:
    return Path(Archive(db_url).engine.url.database)


def _last_crawl(db_url: str) -> int:
    with sqlite3.connect(_database(db_url)) as conn:
        return conn.execute("SELECT max(id) FROM crawl").fetchone()[0]


def move_crawls(db_url: str, dates: dict[int, datetime]) -> None:
    """Move each crawl (its start, end and captures) so that it starts at ``dates[crawl]``."""
    with sqlite3.connect(_database(db_url)) as conn:
        for crawl_id, at in dates.items():
            query = "SELECT started, finished FROM crawl WHERE id = ?"
            started, finished = conn.execute(query, (crawl_id,)).fetchone()
            shift = at - datetime.fromisoformat(started)

            def moved(value: str | None, shift=shift) -> str | None:
                return (
                    (datetime.fromisoformat(value) + shift).strftime(SQLITE_TIME) if value else None
                )

            conn.execute(
                "UPDATE crawl SET started = ?, finished = ? WHERE id = ?",
                (moved(started), moved(finished), crawl_id),
            )
            captures = conn.execute(
                "SELECT id, fetched_at FROM capture WHERE crawl_id = ?", (crawl_id,)
            ).fetchall()
            conn.executemany(
                "UPDATE capture SET fetched_at = ? WHERE id = ?",
                [(moved(when), capture_id) for capture_id, when in captures],
            )


def live_base(site: str, language: str | None) -> str:
    bases = site_spider(site).default_base_urls
    return bases.get(language or "", next(iter(bases.values()))).rstrip("/")


def as_web_archive(
    db: Path,
    target: Path,
    bases: dict[str, str],
    drop: Callable[[int, str, str | None], bool] | None = None,
) -> Path:
    """A copy of the archive ``db`` with the replica URLs (``bases``: site -> replica URL) moved
    to the live sites' hosts; captures for which ``drop(step, url, language)`` is true (step:
    the crawl's position, from 0) are left out, as gaps in a web archive's coverage."""
    with sqlite3.connect(db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)  # the write-ahead log included, unlike a file copy
    with sqlite3.connect(target) as conn:
        steps = {c: i for i, (c,) in enumerate(conn.execute("SELECT id FROM crawl ORDER BY id"))}
        rows = conn.execute(
            "SELECT c.id, c.crawl_id, u.url, c.language FROM capture c "
            "JOIN capture_url u ON u.id = c.url_id"
        ).fetchall()
        for capture_id, crawl_id, url, language in rows:
            site, replica = next((s, b) for s, b in bases.items() if url.startswith(b))
            live = live_base(site, language) + url[len(replica) :]
            if drop and drop(steps[crawl_id], live, language):
                conn.execute("DELETE FROM capture WHERE id = ?", (capture_id,))
                continue
            pair = (live, canonical_url(live))
            conn.execute(
                "INSERT OR IGNORE INTO capture_url (url, canonical_url) VALUES (?, ?)", pair
            )
            conn.execute(
                "UPDATE capture SET url_id = (SELECT id FROM capture_url WHERE url = ? AND "
                "canonical_url = ?) WHERE id = ?",
                (*pair, capture_id),
            )
    return target


def build_collection(db_url: str, folder: Path, name: str = "web") -> ReplayCollection:
    """The replay folder of the archive at ``db_url``, written as ``parlwatch replay`` does."""
    collection = ReplayCollection(folder, name)
    collection.open(Archive(db_url))
    try:
        collection.sync(Archive(db_url))
    finally:
        collection.close()
    return collection


@dataclass
class WebArchive:
    """A web archive of the replica's history, served by a real pywb."""

    pywb: PywbProcess
    collection: str
    db: Path  # the archive the collection was written from (live URLs, moved dates)
    steps: list[Step]

    @property
    def url(self) -> str:
        return self.pywb.url

    @property
    def cdx_url(self) -> str:
        return f"{self.pywb.url}/{self.collection}/cdx"

    def cdx(self, url: str, **params: str) -> list[dict]:
        return cdx(self.pywb.url, self.collection, url, **params)


@contextmanager
def web_archive(
    folder: Path,
    steps: list[Step] | None = None,
    site: str = "pacsto",
    drop: Callable[[int, str, str | None], bool] | None = None,
    collection: str = "web",
) -> Iterator[WebArchive]:
    """The standard scenario: the replica of ``site`` crawled at ``steps`` (default ``STEPS``),
    dated at the steps, moved to the live hosts, with ``drop``'s gaps, served by pywb."""
    from replica import ReplicaServer

    steps = steps or STEPS
    folder.mkdir(parents=True, exist_ok=True)
    crawled = folder / "crawled.db"
    with ReplicaServer(site, version=steps[0].version) as server:
        crawl_steps(server, f"sqlite:///{crawled}", steps)
        bases = {site: server.url}
    live = as_web_archive(crawled, folder / "web.db", bases, drop)
    build_collection(f"sqlite:///{live}", folder / "replay", collection)
    with running_pywb(folder / "replay") as pywb:
        yield WebArchive(pywb, collection, live, steps)
