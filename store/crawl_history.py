"""Crawls as the scheduler and the monitoring read them: with their parameters and timings.

``store.queries.CrawlRow`` is the public JSON shape of a crawl; this module adds what scheduling
needs (the crawl's parameters, real datetimes, the last finished crawls before a given one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from store.archive import INTERRUPTED, RUNNING, Archive, utcnow
from store.models import Crawl
from store.queries import spiders_of_sites

FINISHED = "finished"


@dataclass(frozen=True)
class CrawlInfo:
    id: int
    site: str
    status: str
    reason: str | None
    started: datetime
    finished: datetime | None
    params: dict
    stats: dict
    # the process that ran it (``crawl.host`` and ``crawl.pid``, recorded by ``start_crawl``)
    host: str | None = None
    pid: int | None = None

    @property
    def duration(self) -> float | None:
        if self.finished is None:
            return None
        return (self.finished - self.started).total_seconds()

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.params.get("languages") or ())


def ran_in(crawl: CrawlInfo, pid: int) -> bool:
    """Whether ``crawl`` ran in process ``pid`` of this host (True for a crawl whose process
    is unknown, from before processes were recorded: it can only be told apart by time)."""
    import socket

    if crawl.pid is None:
        return True
    return crawl.pid == pid and crawl.host == socket.gethostname()


def _info(crawl: Crawl) -> CrawlInfo:
    params = dict(crawl.params or {})
    # crawls from before migration 0004 said their process in their parameters, if at all
    return CrawlInfo(
        crawl.id,
        crawl.spider,
        crawl.status,
        crawl.reason,
        crawl.started,
        crawl.finished,
        params,
        dict(crawl.stats or {}),
        crawl.host if crawl.pid is not None else params.get("host"),
        crawl.pid if crawl.pid is not None else params.get("pid"),
    )


def recent_crawls(archive: Archive, site: str | None = None, last: int = 20) -> list[CrawlInfo]:
    """Crawls, newest first."""
    query = select(Crawl).order_by(Crawl.id.desc()).limit(last)
    if site:
        query = query.where(Crawl.spider.in_(spiders_of_sites([site])))
    with archive.session() as session:
        return [_info(c) for c in session.scalars(query)]


def finished_before(archive: Archive, site: str, before_id: int, limit: int) -> list[CrawlInfo]:
    """The last ``limit`` finished crawls of ``site`` older than crawl ``before_id``."""
    query = (
        select(Crawl)
        .where(Crawl.spider == site, Crawl.status == FINISHED, Crawl.id < before_id)
        .order_by(Crawl.id.desc())
        .limit(limit)
    )
    with archive.session() as session:
        return [_info(c) for c in session.scalars(query)]


def last_crawl_id(archive: Archive) -> int:
    """The highest crawl id so far (0 for an empty archive)."""
    with archive.session() as session:
        return session.scalar(select(func.max(Crawl.id))) or 0


def crawls_after(archive: Archive, site: str, after_id: int) -> list[CrawlInfo]:
    """Crawls of ``site`` newer than crawl ``after_id``, oldest first."""
    query = select(Crawl).where(Crawl.spider == site, Crawl.id > after_id).order_by(Crawl.id)
    with archive.session() as session:
        return [_info(c) for c in session.scalars(query)]


def get_crawl(archive: Archive, crawl_id: int) -> CrawlInfo | None:
    with archive.session() as session:
        crawl = session.get(Crawl, crawl_id)
        return _info(crawl) if crawl is not None else None


def mark_interrupted(archive: Archive, crawl_ids: list[int], reason: str) -> int:
    """Crawls among ``crawl_ids`` still ``running`` become ``interrupted`` (their process died)."""
    if not crawl_ids:
        return 0
    with archive.sessions.begin() as session:
        result = session.execute(
            update(Crawl)
            .where(Crawl.id.in_(crawl_ids), Crawl.status == RUNNING)
            .values(status=INTERRUPTED, reason=reason, finished=utcnow())
        )
        return result.rowcount
