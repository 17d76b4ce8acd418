"""Crawl histories of the replicas, built once per test session and shared by every test module.

A history is a list of crawl steps: each step sets some replicas to a version and crawls those
sites together in one ``parlwatch crawl`` process, as the scheduler would. Histories that
share replicas form a *family* (``FAMILIES``): its replicas are served once, on fixed ports, and
histories that begin with the same steps share them, so a step is crawled once for all: the
archive after each step is kept in a folder of its own, and a history that branches off copies
it and goes on. Every step's outcome (exit code, output, the requests each replica served, row
counts, the crawls it made) is kept in the history's manifest, and the archive as it stood after
each step stays readable (``History.at``).

The ``replica_histories`` session fixture (tests/conftest.py) builds a family the first time a
test asks for one of its histories, under a file lock in the session's shared temporary folder,
so the pytest-xdist workers build each family once between them. Read the shared archives; a
test that writes takes a private copy (``history_copy``).
"""

from __future__ import annotations

import fcntl
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import urllib.request
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from crawler.registry import national_sites
from replica import ReplicaServer, RequestLog
from store.archive import Archive

# A step's version that serves nothing: the site is crawled at a closed port instead.
UNREACHABLE = "unreachable"
# the row counts kept after each step, named as store.queries.count_rows names them
COUNTED_TABLES = {
    "crawls": "crawl",
    "captures": "capture",
    "blobs": "blob",
    "entities": "entity",
    "changes": "change",
}


@dataclass(frozen=True)
class Step:
    """One crawl: ``versions`` maps each site crawled to the replica version it serves."""

    versions: tuple[tuple[str, str], ...]
    languages: str | None = None  # ``--language``; None crawls every language

    @classmethod
    def of(cls, languages: str | None = None, **versions: str) -> Step:
        return cls(tuple(versions.items()), languages)


def steps(sites: list[str], *versions: str, **overrides: dict[str, str]) -> list[Step]:
    """One step per version, crawling every one of ``sites`` at it (see ``national``)."""
    return [Step(tuple((s, overrides.get(s, {}).get(v, v)) for s in sites)) for v in versions]


@dataclass(frozen=True)
class Family:
    """Histories served by the same replicas; ``served``: bodies saved as the replica served
    them, ``(name, site, path, language, version)``, for comparing snapshots with."""

    sites: list[str]
    histories: dict[str, list[Step]]
    served: list[tuple[str, str, str, str, str]] = field(default_factory=list)


def pacsto(*versions: str) -> list[Step]:
    return [Step.of(pacsto=v) for v in versions]


NATIONAL_SITES = list(national_sites())
MEMBERS_NATIONAL = ["duma_ru", "council_ru", "parlament_tj"]
ARCHIVE_SITES = ["pacsto", "sovrep_by", "parlament_tj"]

FAMILIES: dict[str, Family] = {
    # the assembly alone, from 2025: the members -> senators change and what follows it
    "assembly": Family(
        ["pacsto"],
        {
            # 2025, 2026: the Russian delegation's members -> senators change, new news
            "senators": pacsto("2025", "2026"),
            # then an outage, a maintenance page and 2026 again, twice: no change at all
            "recovery": pacsto("2025", "2026", "outage", "maintenance", "2026", "2026"),
            # then back to 2025: the wording changes back (a flip-flop)
            "flip": pacsto("2025", "2026", "2025"),
            # then hostile text: a news title that is a script, a javascript: link
            "xss": pacsto("2025", "2026", "xss"),
        },
    ),
    # the assembly from 2024: the Kyrgyz seats (7 -> 6) and website addresses in 2025, an
    # outage (a failed crawl), the Russian senators in 2026
    "assembly-2024": Family(["pacsto"], {"seats": pacsto("2024", "2025", "outage", "2026")}),
    # the assembly as of 2026 crawled four times in both languages, then in English only
    "languages": Family(
        ["pacsto"],
        {
            "half": [Step.of("en,ru", pacsto="2026")] * 4 + [Step.of("en", pacsto="2026")],
        },
    ),
    # the assembly at 2026, then the Federation Council's own site at 2025 and 2026, twice (a
    # member no longer listed is removed once two complete crawls lack them)
    "council": Family(
        ["pacsto", "council_ru"],
        {
            "council": [
                Step.of(pacsto="2026"),
                Step.of(council_ru="2025"),
                Step.of(council_ru="2026"),
                Step.of(council_ru="2026"),
            ]
        },
    ),
    # every site together through every national version (the assembly stays at 2026 through
    # the national redesign, which it does not have)
    "national": Family(
        ["pacsto", *NATIONAL_SITES],
        {
            "national": steps(
                ["pacsto", *NATIONAL_SITES],
                *["2025", "2026", "2026-redesign", "maintenance", "2026", "2026"],
                pacsto={"2026-redesign": "2026"},
            )
        },
    ),
    # the assembly's country pages through 2026-06 / 2026-09 / 2026-12, beside three national
    # sites that stay at 2026
    "members": Family(
        ["pacsto", *MEMBERS_NATIONAL],
        {
            "members": [
                Step.of(pacsto=v, **dict.fromkeys(MEMBERS_NATIONAL, "2026"))
                for v in ("2026", "2026-06", "2026-09", "maintenance", "2026-09", "2026-12")
                + ("2026-09",)
            ]
        },
    ),
    # utf-8 in two languages at one URL and windows-1251, at 2025, 2026, an outage and 2026
    # again (304s and identical bodies), then pacsto at a closed port (no response at all)
    "archive": Family(
        ARCHIVE_SITES,
        {
            "archive": steps(ARCHIVE_SITES, "2025", "2026", "outage", "2026")
            + [Step.of(pacsto=UNREACHABLE)]
        },
        served=[
            ("pacsto-en-2025", "pacsto", "/", "en", "2025"),
            ("pacsto-ru-2025", "pacsto", "/", "ru", "2025"),
            ("pacsto-en-2026", "pacsto", "/", "en", "2026"),
            ("sovrep-delegation-2025", "sovrep_by", "/ru/pa-odkb/", "ru", "2025"),
        ],
    ),
}


@dataclass
class History:
    """One history: its archive after the last step, and what each step did."""

    folder: Path  # the last step's folder
    manifest: dict  # {"family", "bases": {site: url}, "steps": [...]}

    @property
    def db(self) -> Path:
        return self.folder / "archive.db"

    @property
    def url(self) -> str:
        return f"sqlite:///{self.db}"

    @property
    def steps(self) -> list[dict]:
        return self.manifest["steps"]

    def archive(self) -> Archive:
        return Archive(self.url)

    def base(self, site: str) -> str:
        return self.manifest["bases"][site]

    def served(self, name: str) -> bytes:
        return (self.family_folder / f"{name}.bin").read_bytes()

    @property
    def family_folder(self) -> Path:
        return Path(self.manifest["family_folder"])

    def at(self, step: int) -> Archive:
        """The archive as it stood after ``step`` (read only)."""
        return Archive(f"sqlite:///{self.family_folder / self.steps[step]['folder']}/archive.db")

    def requests(self, step: int, site: str) -> list[RequestLog]:
        """What the ``site`` replica served during ``step``."""
        return [RequestLog(**r) for r in self.steps[step]["requests"].get(site, [])]


class HistoryBuilder:
    """Builds each family once in ``root`` (shared by the session's workers) and hands out its
    histories."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def get(self, name: str) -> History:
        """The shared history ``name``: read it, do not write to it (see ``history_copy``)."""
        family = next(f for f, fam in FAMILIES.items() if name in fam.histories)
        folder = self.root / f"history-{family}"
        with open(self.root / f"history-{family}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if not (folder / "built.json").exists():
                    shutil.rmtree(folder, ignore_errors=True)  # what a failed build left
                    folder.mkdir(parents=True)
                    _build_family(FAMILIES[family], family, folder)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        manifest = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        return History(folder / manifest["steps"][-1]["folder"], manifest)


def history_copy(history: History, folder: Path) -> History:
    """A private copy of ``history``'s archive in ``folder``, for tests that write."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(history.db, folder / "archive.db")
    return History(folder, history.manifest)


def _build_family(family: Family, name: str, folder: Path) -> None:
    first = {}
    for history in family.histories.values():
        for step in history:
            for site, version in step.versions:
                if version != UNREACHABLE:
                    first.setdefault(site, version)
    with ExitStack() as stack:
        servers = {
            site: stack.enter_context(ReplicaServer(site, version=first[site]))
            for site in family.sites
        }
        bases = {site: server.url for site, server in servers.items()}
        done: dict[tuple[Step, ...], dict] = {}  # steps so far -> that step's record
        for history, plan in family.histories.items():
            records = []
            for index in range(len(plan)):
                key = tuple(plan[: index + 1])
                if key not in done:
                    previous = done.get(key[:-1])
                    done[key] = _crawl_step(
                        family, servers, folder, previous, plan[index], len(done)
                    )
                records.append(done[key])
            manifest = {"family": name, "family_folder": str(folder), "bases": bases}
            manifest["steps"] = records
            (folder / f"{history}.json").write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "built.json").write_text("{}", encoding="utf-8")


def _crawl_step(
    family: Family,
    servers: dict[str, ReplicaServer],
    folder: Path,
    previous: dict | None,
    step: Step,
    number: int,
) -> dict:
    """Crawl ``step`` on a copy of the archive ``previous`` left; its record for the manifest."""
    here = folder / f"step-{number}"
    here.mkdir()
    if previous is not None:
        shutil.copy(folder / previous["folder"] / "archive.db", here / "archive.db")
    db_url = f"sqlite:///{here / 'archive.db'}"
    bases = {}
    for site, version in step.versions:
        if version == UNREACHABLE:
            bases[site] = f"http://127.0.0.1:{_closed_port()}"
            continue
        servers[site].set_version(version)
        bases[site] = servers[site].url
        for name, served_site, path, language, wanted in family.served:
            saved = folder / f"{name}.bin"
            if served_site == site and wanted == version and not saved.exists():
                saved.write_bytes(_fetch(servers[site].url + path, language))
    for server in servers.values():
        server.clear_requests()
    last_crawl = _last_crawl_id(here / "archive.db")
    started = _utcnow()
    result = _crawl(db_url, bases, step.languages)
    record = {
        "folder": here.name,
        "versions": dict(step.versions),
        "languages": step.languages,
        "bases": bases,
        "started": started,
        "finished": _utcnow(),
        "exit": result.returncode,
        "stdout": result.stdout,
        "stderr": result.stderr[-5000:],
        "requests": {s: [asdict(r) for r in srv.requests] for s, srv in servers.items()},
    }
    # sqlite3 rather than the store: families build in threads, and Alembic (which opening an
    # Archive runs) keeps its context in module globals
    with sqlite3.connect(here / "archive.db") as conn:  # one self-contained file, safe to copy
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        rows = conn.execute("SELECT spider, id FROM crawl WHERE id > ?", (last_crawl,))
        record["crawls"] = dict(rows.fetchall())
        record["counts"] = {
            name: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for name, table in COUNTED_TABLES.items()
        }
    return record


def _crawl(db_url: str, bases: dict[str, str], languages: str | None):
    args = [sys.executable, "-m", "parlwatch", "crawl", *bases, "--db", db_url]
    for site, url in bases.items():
        args += ["--base-url", f"{site}={url}"]
    if languages:
        args += ["--language", languages]
    return subprocess.run(args, capture_output=True, text=True, timeout=600)


def _last_crawl_id(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT coalesce(max(id), 0) FROM crawl").fetchone()[0]


def _utcnow() -> str:
    return datetime.now(UTC).replace(tzinfo=None).isoformat()


def _fetch(url: str, language: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept-Language": language})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
