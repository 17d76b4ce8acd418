"""The archive as a pywb collection, kept in step: each crawl written once, when it has ended.

A replay folder holds::

    config.yaml                          pywb's configuration (rewritten at every start)
    parlwatch-replay.sqlite              what is written (``archive.replay_state``)
    archive/crawl-00000042.warc.gz       one WARC per crawl, by the project's WARC writer
    collections/<name>/indexes/*.cdxj    every capture
    collections/<name>-<lang>/indexes/   the captures made asking for that language

Each crawl that is no longer running becomes one WARC (``archive.warc_export``: warcinfo,
request, response, revisit and metadata records) and one sorted CDXJ file per collection, each
written under a temporary name and renamed into place, so pywb never sees half a file. A body
already written for the same URL and language (in any earlier crawl) is written again only as a
revisit record, so a recrawl costs little disk. pywb replays a 304 revisit as an empty 304, so
the index line of a 304 capture points at the record of the body it confirmed (the one
``parlwatch snapshot`` answers with): replaying it gives that page, and pywb's CDX still lists
the capture with status 304 at its own time.

Index files are merged as they accumulate (the two newest while the newer holds at least as
many lines), so a collection has a few files whatever the number of crawls, and every line is
rewritten only a logarithmic number of times.
"""

from __future__ import annotations

import fcntl
import heapq
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from archive.cdxj import sorted_lines
from archive.replay import DEFAULT_COLLECTION
from archive.replay_state import SCHEMA_VERSION, IndexFile, ReplayState
from archive.replay_warc import TMP_SUFFIX, CrawlWarc, CrawlWarcWriter, crawl_captures
from store.archive import RUNNING, Archive, utcnow
from store.models import Capture, Crawl

STATE_FILE = "parlwatch-replay.sqlite"
CONFIG_FILE = "config.yaml"


class ReplayFolderError(RuntimeError):
    """The folder cannot serve this archive; the message says why and what to do."""


@dataclass
class WrittenCrawl:
    crawl: int
    spider: str
    status: str
    captures: int
    warc_bytes: int
    seconds: float
    unresolved_304: int = 0


@dataclass
class SyncResult:
    written: list[WrittenCrawl] = field(default_factory=list)
    stopped: bool = False  # ``stop`` said so before every ended crawl was written


def default_folder(archive: Archive) -> Path:
    """Beside a SQLite archive (``parlwatch.db`` -> ``parlwatch.replay/``), else
    ``./parlwatch-replay``."""
    database = archive.engine.url.database
    if archive.engine.dialect.name == "sqlite" and database not in (None, "", ":memory:"):
        path = Path(database)
        return path.with_name(path.stem + ".replay")
    return Path("parlwatch-replay").resolve()


def archive_fingerprint(archive: Archive) -> str | None:
    """The archive's first capture (id, time, URL): it never changes, and another archive's
    first capture is not the same. None while the archive has no capture."""
    query = select(Capture.id, Capture.fetched_at, Capture.canonical_url).order_by(Capture.id)
    with archive.session() as session:
        first = session.execute(query.limit(1)).first()
    return f"{first[0]} {first[1].isoformat()} {first[2]}" if first else None


def ended_crawls(archive: Archive) -> list[tuple[int, str, str]]:
    """(id, spider, status) of every crawl that is no longer running, oldest first."""
    query = select(Crawl.id, Crawl.spider, Crawl.status).where(Crawl.status != RUNNING)
    with archive.session() as session:
        return [tuple(row) for row in session.execute(query.order_by(Crawl.id))]


def capture_counts(archive: Archive) -> dict[int, int]:
    query = select(Capture.crawl_id, func.count()).group_by(Capture.crawl_id)
    with archive.session() as session:
        return {crawl: count for crawl, count in session.execute(query) if crawl is not None}


class ReplayCollection:
    """A replay folder serving one archive as the collection ``name`` (and its languages)."""

    def __init__(self, root: Path, name: str = DEFAULT_COLLECTION) -> None:
        if not name or "/" in name or name.startswith((".", "_")):
            raise ValueError(f"not a usable collection name: {name!r}")
        self.root = Path(root).resolve()
        self.name = name
        self.warcs = self.root / "archive"
        self.collections = self.root / "collections"
        self.state: ReplayState | None = None
        self._lock = None

    def indexes(self, collection: str) -> Path:
        return self.collections / collection / "indexes"

    def open(self, archive: Archive) -> str | None:
        """Check the folder belongs to ``archive`` and is whole; returns why it had to be
        emptied to be written again (None when it was fine). Raises ``ReplayFolderError``."""
        self.root.mkdir(parents=True, exist_ok=True)
        state_path = self.root / STATE_FILE
        if not state_path.exists() and any(self.root.iterdir()):
            raise ReplayFolderError(
                f"{self.root} is not empty and holds no parlwatch replay collection; "
                "choose an empty or new folder with --dir"
            )
        self.state = ReplayState(state_path)
        self._lock = open(state_path, "rb")  # noqa: SIM115 - held until close()
        try:  # flock, not the fcntl locks SQLite takes: the two do not interfere
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.close()
            raise ReplayFolderError(
                f"another `parlwatch replay` is using {self.root}; stop it or use another --dir"
            ) from None
        for leftover in self.root.rglob("*" + TMP_SUFFIX):
            leftover.unlink()
        mine, theirs = self.state.get("archive"), archive_fingerprint(archive)
        if mine and mine != theirs:
            self.close()
            raise ReplayFolderError(
                f"{self.root} holds the replay collection of another archive (first capture "
                f"{mine}; this archive's is {theirs or 'none'}); use another --dir"
            )
        reason = self._inconsistency(archive)
        if reason:
            self._empty()
        self.state.put("schema", SCHEMA_VERSION)
        self.state.put("collection", self.name)
        self.state.put("archive", theirs)
        self.write_config()
        return reason

    def close(self) -> None:
        if self.state is not None:
            self.state.close()
            self.state = None
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _inconsistency(self, archive: Archive) -> str | None:
        state = self.state
        if state.get("schema") not in (None, SCHEMA_VERSION):
            return f"made by another version of parlwatch (format {state.get('schema')})"
        if state.get("collection") not in (None, self.name):
            return f"the collection was called {state.get('collection')!r}"
        listed = {(f.collection, f.name) for f in state.index_files()}
        on_disk = {(p.parent.parent.name, p.name) for p in self.collections.glob("*/indexes/*")}
        warcs = {row[0] for row in state.db.execute("SELECT warc FROM crawl") if row[0]}
        if listed != on_disk or warcs != {p.name for p in self.warcs.glob("*")}:
            return "its files do not match its record (an interrupted write?)"
        counts = capture_counts(archive)
        changed = [c for c, n in state.written_crawls().items() if counts.get(c, 0) != n]
        if changed:
            return f"crawl {changed[0]} of the archive no longer has the captures written"
        return None

    def _empty(self) -> None:
        shutil.rmtree(self.warcs, ignore_errors=True)
        shutil.rmtree(self.collections, ignore_errors=True)
        self.state.clear()

    def write_config(self) -> None:
        self.warcs.mkdir(exist_ok=True)
        self.indexes(self.name).mkdir(parents=True, exist_ok=True)
        settings = {
            "collections_root": "collections",
            # every collection reads the one WARC folder
            "archive_paths": self.warcs.as_uri() + "/",
            "enable_memento": True,
        }
        text = "# Written by `parlwatch replay` at each start: edits are overwritten.\n"
        text += "".join(f"{key}: {json.dumps(value)}\n" for key, value in settings.items())
        (self.root / CONFIG_FILE).write_text(text, encoding="utf-8")

    def sync(
        self,
        archive: Archive,
        stop: Callable[[], bool] = lambda: False,
        on_crawl: Callable[[WrittenCrawl], None] | None = None,
    ) -> SyncResult:
        """Write every ended crawl not yet written, oldest first; ``stop`` is asked between
        crawls (a signal arrived)."""
        result = SyncResult()
        if self.state.get("archive") is None:
            self.state.put("archive", archive_fingerprint(archive))
        written = self.state.written_crawls()
        for crawl_id, spider, status in ended_crawls(archive):
            if crawl_id in written:
                continue
            if stop():
                result.stopped = True
                break
            done = self._write_crawl(archive, crawl_id, spider, status)
            self._merge_indexes()
            result.written.append(done)
            if on_crawl:
                on_crawl(done)
        return result

    def _write_crawl(self, archive: Archive, crawl_id: int, spider: str, status: str):
        started = time.perf_counter()
        items = crawl_captures(archive, crawl_id)
        row = {"id": crawl_id, "spider": spider, "status": status, "captures": len(items)}
        row.update(warc=None, warc_bytes=0, written_at=utcnow().isoformat())
        files: list[tuple[str, str, int, int]] = []
        warc = None
        if items:
            writer = CrawlWarcWriter(self.state, self.warcs, self.name, archive, crawl_id)
            warc = writer.write(items)
            row.update(warc=writer.warc_name, warc_bytes=warc.tmp.stat().st_size)
            files = self._place(warc, writer.warc_name.removesuffix(".warc.gz") + ".cdxj")
        row["seconds"] = round(time.perf_counter() - started, 4)
        self.state.record_crawl(row, warc.payloads if warc else {}, files)
        return WrittenCrawl(
            crawl_id,
            spider,
            status,
            len(items),
            row["warc_bytes"],
            row["seconds"],
            warc.unresolved_304 if warc else 0,
        )

    def _place(self, warc: CrawlWarc, index_name: str) -> list[tuple[str, str, int, int]]:
        """Write the index files under temporary names, then rename the WARC and them into
        place (the WARC first: no index line ever points at a missing file)."""
        temporary = [warc.tmp]
        files = []
        try:
            for collection, lines in warc.lines.items():
                folder = self.indexes(collection)
                folder.mkdir(parents=True, exist_ok=True)
                tmp = folder / (index_name + TMP_SUFFIX)
                temporary.append(tmp)
                tmp.write_text("".join(line + "\n" for line in sorted_lines(lines)), "utf-8")
                files.append((collection, index_name, len(lines), tmp.stat().st_size))
            for tmp in temporary:
                tmp.rename(tmp.with_name(tmp.name.removesuffix(TMP_SUFFIX)))
        finally:
            for tmp in temporary:
                tmp.unlink(missing_ok=True)
        return files

    def _merge_indexes(self) -> None:
        for collection in sorted({f.collection for f in self.state.index_files()}):
            files = self.state.index_files(collection)
            while len(files) >= 2 and files[-1].lines >= files[-2].lines:
                files = [*files[:-2], self._merge(collection, files[-2], files[-1])]

    def _merge(self, collection: str, older: IndexFile, newer: IndexFile) -> IndexFile:
        folder = self.indexes(collection)
        name = f"merged-{self.state.next_number('merges'):08d}.cdxj"
        tmp = folder / (name + TMP_SUFFIX)
        try:
            with (
                open(folder / older.name, "rb") as a,
                open(folder / newer.name, "rb") as b,
                open(tmp, "wb") as out,
            ):
                # lines hold no byte below a space, so "\n"-terminated lines merge in the byte
                # order pywb binary-searches
                out.writelines(heapq.merge(a, b))
            size = tmp.stat().st_size
            tmp.rename(folder / name)
        finally:
            tmp.unlink(missing_ok=True)
        self.state.replace_index_files(
            [older, newer], (collection, name, older.lines + newer.lines, size)
        )
        for old in (older, newer):
            (folder / old.name).unlink()
        return self.state.index_files(collection)[-1]

    def disk_usage(self) -> dict[str, int]:
        """Bytes of WARCs and of index files, and the captures they hold."""
        totals = self.state.totals()
        index_bytes = sum(f.bytes for f in self.state.index_files())
        return {**totals, "index_bytes": index_bytes}

    def collection_names(self) -> list[str]:
        return sorted(p.name for p in self.collections.iterdir() if p.is_dir())
