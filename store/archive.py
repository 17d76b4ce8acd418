"""The store's write API, used by the crawler's pipeline (and later by importers).

Captures are committed as they arrive: they are facts about fetches, failed ones included.
Versions and changes are committed once per crawl, all together, and only for a crawl that
finished: a failed or interrupted crawl leaves the history exactly as it was.

A crawl row records the process running it (host, pid) and a heartbeat; ``close_dead_crawls``
(called by every writing command before it writes) closes the rows of processes that died as
``abandoned``, so no row stays ``running`` after a ``kill -9``.
"""

from __future__ import annotations

import os
import socket
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select, update

from store.db import make_engine
from store.removals import removal_confirmations as confirmations_setting
from store.tables import crawl as crawl_table

if TYPE_CHECKING:  # the ORM and the write side, imported where used: read commands start faster
    from sqlalchemy.orm import Session, sessionmaker

    from store.captures import CaptureRecord
    from store.models import Crawl
    from store.observations import ObservationBatch

FINISHED = "finished"
# the start pages came back whole but other pages did not: what was seen applies, and the sets
# those pages carry remove nothing (``stats.failed_pages`` names them)
PARTIAL = "partial"
FAILED = "failed"
INTERRUPTED = "interrupted"
# its process died without closing it (killed, the machine went down): nothing was applied
ABANDONED = "abandoned"
RUNNING = "running"
CRAWL_STATUSES = (RUNNING, FINISHED, PARTIAL, FAILED, INTERRUPTED, ABANDONED)
# the statuses of a crawl whose observations were applied to the history
APPLIED = (FINISHED, PARTIAL)
# the statuses of a crawl that applied nothing: what reports count as failed
NOT_APPLIED = (FAILED, INTERRUPTED, ABANDONED)

# A running crawl's process says it is alive this often (``crawler.heartbeat``); a crawl whose
# last heartbeat (or start, before the first) is older than ``HEARTBEAT_TIMEOUT`` is dead even
# when a process of its pid exists (another host, or the pid reused).
HEARTBEAT_INTERVAL = timedelta(seconds=30)
HEARTBEAT_TIMEOUT = timedelta(minutes=10)


def utcnow() -> datetime:
    """Naive UTC: what the archive stores everywhere."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class CrawlSummary:
    crawl_id: int
    status: str
    reason: str | None
    stats: dict


class Archive:
    """A handle on one archive database."""

    def __init__(
        self,
        url: str | None = None,
        engine: Engine | None = None,
        *,
        create_missing: bool = True,
        removal_confirmations: int | None = None,
    ) -> None:
        """Open the archive at ``url`` (see ``store.db.make_engine``); with ``create_missing``
        false a SQLite file that does not exist raises ``ArchiveNotFound``.
        ``removal_confirmations``: how many consecutive complete observations must lack an
        entity to remove it (default ``$PARLWATCH_REMOVAL_CONFIRMATIONS``, else 2)."""
        self.removal_confirmations = confirmations_setting(removal_confirmations)
        self.engine = engine or make_engine(url, create_missing=create_missing)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        """The ORM's sessions on the archive (made on first use: the read commands query the
        capture tables in SQLAlchemy Core and never load the ORM)."""
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self.sessions()

    def start_crawl(self, spider: str, params: dict | None = None) -> int:
        """A new ``running`` crawl, owned by this process (host, pid, a first heartbeat).
        Dead crawls are closed first: every writing command (crawl, import, reparse, the
        scheduler's crawls, the demo) starts a crawl row before it writes."""
        from store.models import Crawl

        self.close_dead_crawls()
        now = utcnow()
        with self.sessions.begin() as session:
            crawl = Crawl(
                spider=spider,
                started=now,
                status=RUNNING,
                params=params or {},
                host=socket.gethostname(),
                pid=os.getpid(),
                heartbeat_at=now,
            )
            session.add(crawl)
            session.flush()
            return crawl.id

    def heartbeat(self, spider: str) -> int:
        """This process is alive and still crawling ``spider``: the heartbeat of its running
        crawls of it. Returns how many rows it touched."""
        c = crawl_table.c
        query = (
            update(crawl_table)
            .where(
                c.spider == spider,
                c.status == RUNNING,
                c.host == socket.gethostname(),
                c.pid == os.getpid(),
            )
            .values(heartbeat_at=utcnow())
        )
        with self.engine.begin() as connection:
            return connection.execute(query).rowcount

    def close_dead_crawls(self, timeout: timedelta = HEARTBEAT_TIMEOUT) -> list[int]:
        """Close as ``abandoned`` every running crawl whose process is gone: on this host, its
        pid is not alive (or is another process's now); elsewhere, it has been silent for longer
        than ``timeout``. Returns their ids. Every command that writes to the archive calls
        this first; a crawl row without a process (made before 0004) counts as another host's."""
        from store.models import Crawl

        now, host = utcnow(), socket.gethostname()
        closed = []
        with self.sessions.begin() as session:
            for crawl in session.scalars(select(Crawl).where(Crawl.status == RUNNING)):
                why = _death(crawl, host, now, timeout)
                if why is None:
                    continue
                crawl.status = ABANDONED
                crawl.reason = f"abandoned: {why}"
                crawl.finished = crawl.heartbeat_at or crawl.started
                closed.append(crawl.id)
        return closed

    def record_capture(self, crawl_id: int | None, record: CaptureRecord) -> int:
        """Store one fetch at once, so it survives whatever happens to the crawl later."""
        from store.captures import add_capture

        with self.sessions.begin() as session:
            return add_capture(session, crawl_id, record).id

    def finish_crawl(
        self,
        crawl_id: int,
        status: str,
        batch: ObservationBatch | None = None,
        stats: dict | None = None,
        reason: str | None = None,
        parser_version: str | None = None,
    ) -> CrawlSummary:
        """Close a crawl; apply its observations only when ``status`` is finished or partial
        (a partial crawl's batch holds back the sets its failed pages carry)."""
        if status not in CRAWL_STATUSES or status == RUNNING:
            raise ValueError(f"a crawl cannot finish as {status!r}")
        from store.models import Crawl

        stats = dict(stats or {})
        with self.sessions.begin() as session:
            crawl = session.get(Crawl, crawl_id)
            if crawl is None:
                raise LookupError(f"no crawl {crawl_id}")
            crawl.finished = utcnow()
            crawl.status = status
            crawl.reason = reason
            from store.versions import ApplyResult, apply_batch  # the entity rules: when used

            applied = ApplyResult()
            if status in APPLIED and batch is not None:
                applied = apply_batch(
                    session, crawl, batch, parser_version, self.removal_confirmations
                )
                stats["observation_conflicts"] = batch.conflicts
                stats["disagreements"] = batch.disagreements
            counts = asdict(applied)
            # [[crawl id, entity key]]: removals this crawl confirmed, dated at an earlier crawl
            stats["removals_confirmed"] = counts.pop("confirmed_removals")
            stats.update({f"history/{k}": v for k, v in counts.items()})
            crawl.stats = stats
        return CrawlSummary(crawl_id, status, reason, stats)

    def present_entities(self, site: str) -> dict[str, dict[str, str | None]]:
        """The site's present entities before a run: scope -> {key: country}."""
        from store.models import Entity

        query = select(Entity.scope, Entity.key, Entity.country).where(
            Entity.site == site, Entity.state == "present"
        )
        present: dict[str, dict[str, str | None]] = {}
        with self.session() as session:
            for scope, key, country in session.execute(query):
                present.setdefault(scope, {})[key] = country
        return present

    def mark_stale_crawls(self, spider: str) -> int:
        """Crawls of ``spider`` left ``running`` by a process that died become ``interrupted``."""
        from store.models import Crawl

        with self.sessions.begin() as session:
            stale = session.scalars(
                select(Crawl).where(Crawl.spider == spider, Crawl.status == RUNNING)
            ).all()
            for crawl in stale:
                crawl.status = INTERRUPTED
                crawl.reason = "process ended before the crawl closed"
                crawl.finished = crawl.finished or utcnow()
            return len(stale)


def pid_alive(pid: int) -> bool:
    """Is there a live (not zombie) process ``pid`` on this host?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = _proc_stat(pid)
    return stat is None or stat[0] not in ("Z", "X")  # a zombie awaits its parent, dead


def _proc_stat(pid: int) -> list[str] | None:
    """The fields of ``/proc/PID/stat`` after the command name (None without /proc)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def process_started(pid: int) -> datetime | None:
    """When process ``pid`` of this host started (naive UTC), where /proc tells."""
    stat = _proc_stat(pid)
    try:
        boot = next(
            int(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
        ticks = int(stat[19]) if stat else None  # field 22 of the whole line: starttime
    except (OSError, StopIteration, ValueError, IndexError):
        return None
    if ticks is None:
        return None
    seconds = boot + ticks / os.sysconf("SC_CLK_TCK")
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


# a process that started this long after its crawl row is another process with the same pid
# (generous: a clock stepped forward while a crawl runs must not make it look reused)
_PID_REUSED_AFTER = timedelta(minutes=1)


def _death(crawl: Crawl, host: str, now: datetime, timeout: timedelta) -> str | None:
    """Why ``crawl``'s process is known dead, or None while it may be alive.

    On this host the process table decides (the pid is gone, or is a newer process's); a
    crawl of another host (PostgreSQL archives shared by several crawler hosts) is dead once
    its heartbeat is older than ``timeout``.
    """
    if crawl.pid is not None and crawl.host == host:
        if not pid_alive(crawl.pid):
            return f"its process {crawl.pid} on {host} ended without closing it"
        started = process_started(crawl.pid)
        if started is not None and started > crawl.started + _PID_REUSED_AFTER:
            return f"its process {crawl.pid} on {host} ended (the pid is another process's now)"
        return None
    last = crawl.heartbeat_at or crawl.started
    if now - last > timeout:
        where = f" from process {crawl.pid} on {crawl.host}" if crawl.pid is not None else ""
        return f"no heartbeat{where} since {last.isoformat(timespec='seconds')}Z"
    return None
