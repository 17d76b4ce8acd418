"""The store's write API, used by the crawler's pipeline (and later by importers).

Captures are committed as they arrive: they are facts about fetches, failed ones included.
Versions and changes are committed once per crawl, all together, and only for a crawl that
finished: a failed or interrupted crawl leaves the history exactly as it was.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from store.captures import CaptureRecord, add_capture
from store.db import make_engine
from store.models import Crawl, Entity
from store.observations import ObservationBatch
from store.versions import ApplyResult, apply_batch

FINISHED = "finished"
# the start pages came back whole but other pages did not: what was seen applies, and the sets
# those pages carry remove nothing (``stats.failed_pages`` names them)
PARTIAL = "partial"
FAILED = "failed"
INTERRUPTED = "interrupted"
RUNNING = "running"
CRAWL_STATUSES = (RUNNING, FINISHED, PARTIAL, FAILED, INTERRUPTED)
# the statuses of a crawl whose observations were applied to the history
APPLIED = (FINISHED, PARTIAL)


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
        self, url: str | None = None, engine: Engine | None = None, *, create_missing: bool = True
    ) -> None:
        """Open the archive at ``url`` (see ``store.db.make_engine``); with ``create_missing``
        false a SQLite file that does not exist raises ``ArchiveNotFound``."""
        self.engine = engine or make_engine(url, create_missing=create_missing)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self.sessions()

    def start_crawl(self, spider: str, params: dict | None = None) -> int:
        with self.sessions.begin() as session:
            crawl = Crawl(spider=spider, started=utcnow(), status=RUNNING, params=params or {})
            session.add(crawl)
            session.flush()
            return crawl.id

    def record_capture(self, crawl_id: int | None, record: CaptureRecord) -> int:
        """Store one fetch at once, so it survives whatever happens to the crawl later."""
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
        stats = dict(stats or {})
        with self.sessions.begin() as session:
            crawl = session.get(Crawl, crawl_id)
            if crawl is None:
                raise LookupError(f"no crawl {crawl_id}")
            crawl.finished = utcnow()
            crawl.status = status
            crawl.reason = reason
            applied = ApplyResult()
            if status in APPLIED and batch is not None:
                applied = apply_batch(session, crawl, batch, parser_version)
                stats["observation_conflicts"] = batch.conflicts
                stats["disagreements"] = batch.disagreements
            stats.update({f"history/{k}": v for k, v in asdict(applied).items()})
            crawl.stats = stats
        return CrawlSummary(crawl_id, status, reason, stats)

    def present_entities(self, site: str) -> dict[str, dict[str, str | None]]:
        """The site's present entities before a run: scope -> {key: country}."""
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
        with self.sessions.begin() as session:
            stale = session.scalars(
                select(Crawl).where(Crawl.spider == spider, Crawl.status == RUNNING)
            ).all()
            for crawl in stale:
                crawl.status = INTERRUPTED
                crawl.reason = "process ended before the crawl closed"
                crawl.finished = crawl.finished or utcnow()
            return len(stale)
