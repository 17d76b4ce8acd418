"""What a replay folder already holds: a small SQLite file beside the collection's WARCs.

It records which crawls were written (so each is written once), where each distinct payload of a
URL (and language) sits in the WARCs (so a later identical capture is a revisit, and a 304 is
indexed at the record holding the body it confirmed), and the index files of each collection
(so they can be merged). It is derived data: deleting the folder and running ``parlwatch
replay`` again rebuilds it all from the archive.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SCHEMA_VERSION = "1"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS crawl (
    id INTEGER PRIMARY KEY, spider TEXT, status TEXT, captures INTEGER, warc TEXT,
    warc_bytes INTEGER, seconds REAL, written_at TEXT
);
CREATE TABLE IF NOT EXISTS payload (
    canonical_url TEXT NOT NULL, language TEXT NOT NULL, digest TEXT NOT NULL,
    url TEXT, warc_date TEXT, mime TEXT, filename TEXT, offset INTEGER, length INTEGER,
    PRIMARY KEY (canonical_url, language, digest)
);
CREATE TABLE IF NOT EXISTS index_file (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, collection TEXT NOT NULL, name TEXT NOT NULL,
    lines INTEGER NOT NULL, bytes INTEGER NOT NULL, UNIQUE (collection, name)
);
"""


@dataclass(frozen=True)
class PayloadRecord:
    """Where the full response record of one payload of a URL (and language) was written."""

    url: str
    warc_date: str
    mime: str | None
    filename: str
    offset: int
    length: int


@dataclass(frozen=True)
class IndexFile:
    seq: int
    collection: str
    name: str
    lines: int
    bytes: int


class ReplayState:
    """The bookkeeping of one replay folder (``parlwatch-replay.sqlite``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)
        # derived data, rebuilt when it disagrees with the folder: no fsync per crawl needed
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def get(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, key: str, value: str | None) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def written_crawls(self) -> dict[int, int]:
        """{crawl id: number of captures written}."""
        return dict(self.db.execute("SELECT id, captures FROM crawl"))

    def payload(
        self, canonical_url: str, language: str | None, digest: str
    ) -> PayloadRecord | None:
        row = self.db.execute(
            "SELECT url, warc_date, mime, filename, offset, length FROM payload "
            "WHERE canonical_url = ? AND language = ? AND digest = ?",
            (canonical_url, language or "", digest),
        ).fetchone()
        return PayloadRecord(*row) if row else None

    def record_crawl(
        self,
        crawl: dict,
        payloads: dict[tuple[str, str | None, str], PayloadRecord],
        index_files: list[tuple[str, str, int, int]],
    ) -> None:
        """One written crawl, in one transaction: its row, its new payloads, its index files."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute(
                "INSERT OR REPLACE INTO crawl (id, spider, status, captures, warc, warc_bytes, "
                "seconds, written_at) VALUES (:id, :spider, :status, :captures, :warc, "
                ":warc_bytes, :seconds, :written_at)",
                crawl,
            )
            self.db.executemany(
                "INSERT OR IGNORE INTO payload VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (canon, language or "", digest, p.url, p.warc_date, p.mime, p.filename)
                    + (p.offset, p.length)
                    for (canon, language, digest), p in payloads.items()
                ],
            )
            self._add_index_files(index_files)

    def _add_index_files(self, files: Iterable[tuple[str, str, int, int]]) -> None:
        self.db.executemany(
            "INSERT INTO index_file (collection, name, lines, bytes) VALUES (?, ?, ?, ?)", files
        )

    def index_files(self, collection: str | None = None) -> list[IndexFile]:
        """The index files (of one collection), oldest first."""
        query = "SELECT seq, collection, name, lines, bytes FROM index_file"
        args: tuple = ()
        if collection is not None:
            query, args = query + " WHERE collection = ?", (collection,)
        return [IndexFile(*row) for row in self.db.execute(query + " ORDER BY seq", args)]

    def replace_index_files(self, old: list[IndexFile], new: tuple[str, str, int, int]) -> None:
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany("DELETE FROM index_file WHERE seq = ?", [(f.seq,) for f in old])
            self._add_index_files([new])

    def next_number(self, key: str) -> int:
        number = int(self.get(key) or 0) + 1
        self.put(key, str(number))
        return number

    def totals(self) -> dict[str, int]:
        crawls, captures, warc_bytes = self.db.execute(
            "SELECT count(*), coalesce(sum(captures), 0), coalesce(sum(warc_bytes), 0) FROM crawl"
        ).fetchone()
        return {"crawls": crawls, "captures": captures, "warc_bytes": warc_bytes}

    def clear(self) -> None:
        with self.db:
            self.db.execute("BEGIN")
            for table in ("meta", "crawl", "payload", "index_file"):
                self.db.execute(f"DELETE FROM {table}")
