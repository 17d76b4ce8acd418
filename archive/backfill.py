"""``parlwatch backfill``: a site's history from the captures a web archive holds.

What is taken: for each language of the site (its host and path prefix in the registry), the
CDX server lists the captures under it (``matchType=prefix``); only the pages the site's spider
would crawl are kept (its start pages and link patterns: no images, no stray URLs), one capture
per page and UTC day (the day's first), between ``since`` and ``until``. A capture dated in the
future (a wrong clock) is refused, as in a WARC import.

Pseudo-crawls: the captures of one UTC day form one synthetic crawl ``import:<site>``, applied
oldest day first through the WARC import's way in (``archive.warc_import.apply_group``, so
``crawler.ingest.Ingest`` with a crawl's rules): a set removes absent members only when that
day holds, whole, every page the site declares for it, which a web archive's scattered
captures rarely do, so a backfill mostly adds and modifies. A day rather than a longer window:
the pages of one day show the site at one moment, as a crawl does. Captures older than the
archive's history never move it backwards (``store.imports.guard_older_batch``).

Fetching: each capture's payload in raw mode (``<prefix><timestamp>id_/<url>``), once: a capture
whose archive digest was fetched before reuses that body; 4xx/5xx captures are recorded from the
listing without a fetch; a redirect is recorded with its target (off the site: a failed page).
Every capture taken is a row of the ``memento`` table (its replay URL is the capture's
provenance), written as soon as it is fetched: a backfill stopped (by ``limit``, by a server
that refuses, by Ctrl-C) resumes where it stood, fetching nothing twice; a day is applied once
all its captures are at hand, and a day already applied is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from urllib.parse import urlsplit

from sqlalchemy import select

from archive.cdx_client import CdxCapture, CdxClient, ServerRefused
from archive.warc_import import _is_duplicate, apply_group, locate
from archive.warc_read import FUTURE_SKEW, WarcCapture
from crawler.registry import site_config
from crawler.stored_pages import role_of, site_spider
from crawler.urls import canonical_url
from store.archive import Archive, utcnow
from store.captures import store_body
from store.models import Capture, Memento

Progress = Callable[[int, int, str], None]  # (done, total, detail)


class LimitReached(RuntimeError):
    pass


@dataclass
class BackfillResult:
    site: str
    source: str
    listed: int = 0  # captures the server listed
    taken: int = 0  # pages of the site, one a day
    fetched: int = 0  # raw fetches made by this run
    reused: int = 0  # captures whose payload was fetched before (same digest)
    known: int = 0  # captures this backfill had already taken
    duplicates: int = 0  # captures the archive held already
    crawls: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    stopped: str | None = None  # why the run stopped before the end (resumable)
    refused: bool = False  # stopped by the server (or Ctrl-C), not by the limit


@dataclass(frozen=True)
class Listed:
    capture: CdxCapture
    language: str

    @property
    def day(self) -> str:
        return self.capture.timestamp[:8]


def site_patterns(site: str) -> list[tuple[str, str]]:
    """(CDX URL pattern, language) for each language of ``site``: its host and path prefix."""
    config = site_config(site)
    patterns = []
    for language, base in config.base_urls.items():
        host = urlsplit(base).netloc.lower().removeprefix("www.")
        patterns.append((host + config.languages[language].prefix, language))
    return patterns


def list_pages(
    client: CdxClient,
    site: str,
    since: str | None,
    until: str | None,
    result: BackfillResult,
) -> list[Listed]:
    """The captures to take, oldest first: the site's pages, one per page and day."""
    spider = site_spider(site)
    latest = utcnow() + FUTURE_SKEW
    chosen: dict[tuple[str, str, str], Listed] = {}
    for pattern, language in site_patterns(site):
        for capture in client.captures(pattern, "prefix", since, until):
            result.listed += 1
            if not _within(capture.timestamp, since, until):
                continue  # a server that ignores from/to
            if locate(capture.url) != (site, language):
                continue  # another language's part of the host, another site
            if role_of(spider, capture.url, language) == "page":
                continue  # not a page the site's crawl reads
            if capture.when > latest:
                result.problems.append(
                    f"{capture.url} at {capture.timestamp}: dated in the future, refused"
                )
                continue
            key = (canonical_url(capture.url), language, capture.timestamp[:8])
            if key not in chosen or capture.timestamp < chosen[key].capture.timestamp:
                chosen[key] = Listed(capture, language)
    taken = sorted(chosen.values(), key=lambda item: (item.capture.timestamp, item.capture.url))
    result.taken = len(taken)
    return taken


def backfill(
    archive: Archive,
    site: str,
    client: CdxClient,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
) -> BackfillResult:
    """Backfill ``site`` from the archive ``client`` talks to (see the module's docstring)."""
    result = BackfillResult(site, client.cdx_url)
    try:
        taken = list_pages(client, site, since, until, result)
    except ServerRefused as exc:
        result.stopped, result.refused = str(exc), True
        return result
    run = _Run(archive, client, result, limit, progress, len(taken))
    try:
        for day, members in groupby(taken, key=lambda item: item.day):
            run.day(day, list(members))
    except LimitReached as exc:
        result.stopped = str(exc)
    except (ServerRefused, KeyboardInterrupt) as exc:
        result.stopped, result.refused = str(exc) or "interrupted", True
    return result


class _Run:
    """One backfill run: the mementos known before it, what it fetches, the days it applies."""

    def __init__(self, archive, client, result, limit, progress, total) -> None:
        self.archive: Archive = archive
        self.client: CdxClient = client
        self.result: BackfillResult = result
        self.limit: int | None = limit
        self.progress = progress or (lambda done, total, detail: None)
        self.total = total
        self.done = 0
        with archive.session() as session:
            rows = session.scalars(select(Memento).where(Memento.source == client.cdx_url))
            self.known = {(m.url, m.timestamp): m for m in rows}
        self.payloads = {
            m.archive_digest: m
            for m in self.known.values()
            if m.archive_digest and m.fetched and m.status and 200 <= m.status < 300
        }

    def day(self, day: str, members: list[Listed]) -> None:
        mementos = []
        for item in members:
            mementos.append(self.memento(item))
            self.done += 1
            self.progress(self.done, self.total, f"{day}: {self.result.fetched} fetched")
        if all(m.capture_id is not None for m in mementos):
            return  # applied by an earlier run
        site = self.result.site
        captures = [
            (_warc_capture(m, item.capture.when), site, item.language)
            for m, item in zip(mementos, members, strict=True)
        ]
        params = {
            "source": "cdx",
            "cdx": self.client.cdx_url,
            "replay": self.client.replay_prefix,
            "group": f"day:{day[:4]}-{day[4:6]}-{day[6:]}",
        }
        fresh = [c for c in captures if not _is_duplicate(self.archive, c[0], c[2])]
        self.result.duplicates += len(captures) - len(fresh)
        if fresh:  # captures already in the archive (an import, an earlier run) add nothing
            self.result.crawls.append(apply_group(self.archive, site, fresh, params))
        self._link_captures(mementos, members)

    def memento(self, item: Listed) -> Memento:
        """The memento row of a listed capture, fetched now if it was not before."""
        capture = item.capture
        known = self.known.get((capture.url, capture.timestamp))
        if known is not None:
            self.result.known += 1
            return known
        memento = Memento(
            source=self.client.cdx_url,
            replay_url=self.client.memento_url(capture),
            url=capture.url,
            timestamp=capture.timestamp,
            archive_digest=capture.digest,
            headers={},
            recorded_at=utcnow(),
        )
        same = self.payloads.get(capture.digest) if _has_payload(capture) else None
        body = None
        if same is not None:
            memento.status, memento.headers, memento.digest = same.status, same.headers, same.digest
            self.result.reused += 1
        elif capture.status is not None and capture.status >= 400:
            memento.status = capture.status  # the listing says all there is to know
        else:
            if self.limit is not None and self.result.fetched >= self.limit:
                raise LimitReached(f"{self.limit} fetches made (--limit)")
            raw = self.client.fetch(capture)
            self.result.fetched += 1
            memento.fetched = True
            memento.status, memento.headers, memento.error = raw.status, raw.headers, raw.error
            body = raw.body if raw.status is not None else None
        with self.archive.sessions.begin() as session:
            if body is not None:
                memento.digest = store_body(session, body)[0]
            session.add(memento)
        self.known[(capture.url, capture.timestamp)] = memento
        if memento.fetched and memento.digest and memento.status and 200 <= memento.status < 300:
            self.payloads.setdefault(capture.digest, memento)
        return memento

    def _link_captures(self, mementos: list[Memento], members: list[Listed]) -> None:
        """Each memento's capture (its provenance is the memento's replay URL)."""
        with self.archive.sessions.begin() as session:
            for memento, item in zip(mementos, members, strict=True):
                query = select(Capture.id).where(
                    Capture.canonical_url == canonical_url(memento.url),
                    Capture.fetched_at == item.capture.when,
                    Capture.language == item.language,
                )
                capture_id = session.scalars(query.order_by(Capture.id.desc()).limit(1)).first()
                row = session.get(Memento, memento.id)
                row.capture_id = memento.capture_id = capture_id


def _within(timestamp: str, since: str | None, until: str | None) -> bool:
    """Is a CDX timestamp within ``since``…``until`` (timestamps of any precision)?"""
    after = since is None or timestamp[: len(since)] >= since
    return after and (until is None or timestamp[: len(until)] <= until)


def _has_payload(capture: CdxCapture) -> bool:
    """A capture whose digest names a page's payload (a redirect's does not say where to)."""
    return bool(capture.digest) and (
        capture.status is None or 200 <= capture.status < 300 or capture.status == 304
    )


def _warc_capture(memento: Memento, when: datetime) -> WarcCapture:
    return WarcCapture(
        url=memento.url,
        fetched_at=when,
        status=memento.status,
        headers=dict(memento.headers or {}),
        digest=memento.digest,
        error=memento.error,
    )
