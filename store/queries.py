"""The store's read API: reports and the CLI read the archive only through these functions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from store.archive import Archive
from store.models import Blob, Capture, Change, Crawl, Entity, Transition


@dataclass
class ChangeRow:
    """One change, flattened for reports: the public JSON shape of ``parlwatch changes``."""

    entity: str
    type: str
    country: str | None
    language: str | None
    change: str
    field: str
    old: Any
    new: Any
    category: str
    detected_at: str
    crawl: int
    # the change this field change is part of: rows with one transition are one edit
    transition: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CrawlRow:
    id: int
    spider: str
    status: str
    started: str
    finished: str | None
    reason: str | None
    stats: dict

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_model(cls, crawl: Crawl) -> CrawlRow:
        return cls(
            id=crawl.id,
            spider=crawl.spider,
            status=crawl.status,
            started=_iso(crawl.started) or "",
            finished=_iso(crawl.finished),
            reason=crawl.reason,
            stats=crawl.stats or {},
        )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value is not None else None


def list_changes(
    archive: Archive,
    since: datetime | None = None,
    until: datetime | None = None,
    crawl_id: int | None = None,
    types: list[str] | None = None,
) -> list[ChangeRow]:
    """Changes in detection order (oldest first)."""
    return list(iter_changes(archive, since, until, crawl_id, types))


def iter_changes(
    archive: Archive,
    since: datetime | None = None,
    until: datetime | None = None,
    crawl_id: int | None = None,
    types: list[str] | None = None,
    sites: tuple[str, ...] = (),
    limit: int | None = None,
) -> Iterator[ChangeRow]:
    """``list_changes`` as a stream: the changes' ids are sorted first (small rows, whatever
    the texts), then the changes are read a thousand at a time, so an archive's whole history
    (100,000 changes of full article texts) is never in memory, nor sorted, at once. ``sites``
    keeps the changes of those sites' entities; ``limit`` the first N (the last N when
    negative, still in detection order), in SQL."""
    query = select(Change.id).join(Entity, Change.entity_id == Entity.id)
    if since is not None:
        query = query.where(Change.detected_at >= since)
    if until is not None:
        query = query.where(Change.detected_at < until)
    if crawl_id is not None:
        query = query.where(Change.crawl_id == crawl_id)
    if types:
        query = query.where(Entity.type.in_(types))
    if sites:
        prefixes = (Entity.key.startswith(f"{site}/", autoescape=True) for site in sites)
        query = query.where(or_(*prefixes))
    order = (Change.detected_at, Change.crawl_id, Entity.key, Change.field, Change.id)
    newest_first = bool(limit and limit < 0)
    query = query.order_by(*(c.desc() for c in order) if newest_first else order)
    if limit:
        query = query.limit(abs(limit))
    with archive.session() as session:
        ids = list(session.scalars(query))
        if newest_first:
            ids.reverse()
        for start in range(0, len(ids), _CHANGES_READ_AT_ONCE):
            chunk = ids[start : start + _CHANGES_READ_AT_ONCE]
            rows = session.execute(
                select(Change, Entity)
                .join(Entity, Change.entity_id == Entity.id)
                .where(Change.id.in_(chunk))
            )
            by_id = {change.id: (change, entity) for change, entity in rows}
            yield from (_change_row(*by_id[i]) for i in chunk)
            session.expunge_all()


_CHANGES_READ_AT_ONCE = 1000


def _change_row(change: Change, entity: Entity) -> ChangeRow:
    return ChangeRow(
        entity=entity.key,
        type=entity.type,
        country=entity.country,
        language=entity.language,
        change=change.change,
        field=change.field,
        old=change.old,
        new=change.new,
        category=change.category,
        detected_at=_iso(change.detected_at) or "",
        crawl=change.crawl_id,
        transition=change.transition_id,
    )


# Crawls that are not a spider's own visit to a site but still build its history.
DERIVED_CRAWL_PREFIXES = ("import", "reparse")


def spiders_of_sites(sites: list[str]) -> list[str]:
    """The crawl names that make a site's history: its spider, and its imports and reparses."""
    return [f"{p}:{s}" if p else s for s in sites for p in ("", *DERIVED_CRAWL_PREFIXES)]


def list_crawls(
    archive: Archive, spider: str | None = None, last: int | None = None
) -> list[CrawlRow]:
    """Crawls, newest first."""
    query = select(Crawl).order_by(Crawl.id.desc())
    if spider:
        query = query.where(Crawl.spider == spider)
    if last:
        query = query.limit(last)
    with archive.session() as session:
        return [CrawlRow.from_model(c) for c in session.scalars(query)]


def count_rows(archive: Archive) -> dict[str, int]:
    """Row counts of the main tables, for summaries and tests."""
    with archive.session() as session:
        return {
            name: session.scalar(select(func.count()).select_from(model)) or 0
            for name, model in (
                ("crawls", Crawl),
                ("captures", Capture),
                ("blobs", Blob),
                ("entities", Entity),
                ("changes", Change),
            )
        }


@dataclass(frozen=True)
class KnownPage:
    """A page of a present entity, as last captured: where to fetch it again, and its validators."""

    key: str  # the entity the page stands for
    language: str | None
    path: str  # path and query, to be joined to whichever host is crawled
    etag: str | None
    last_modified: str | None
    digest: str | None  # of the latest body captured at that URL


def known_pages(archive: Archive, site: str, entity_type: str) -> list[KnownPage]:
    """Pages of present entities of ``site``: where each was last captured, with its validators.

    Spiders fetch these again (conditionally) so that edits and withdrawals are seen even when
    a page is no longer linked from the site. One query, however many pages there are.
    """
    from urllib.parse import urlsplit

    from store.models import Version
    from store.tables import capture, capture_url

    # the URL is joined, so that the latest digest's sub-select correlates with it directly:
    # comparing the hybrid ``Capture.url`` of an alias with ``Capture.url`` nested one
    # sub-select in another, and the inner one lost its correlation with the outer capture
    # (PostgreSQL refused the query; SQLite answered with some other page's digest)
    page_url, other_url, other = capture_url.alias("page_url"), capture_url.alias(), capture.alias()
    latest_digest = (
        select(other.c.digest)
        .join(other_url, other_url.c.id == other.c.url_id)
        .where(other_url.c.url == page_url.c.url, other.c.digest.is_not(None))
        .order_by(other.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(
            Entity.key,
            Entity.language,
            page_url.c.url,
            Capture.etag,
            Capture.last_modified,
            latest_digest,
        )
        .join(Version, Version.entity_id == Entity.id)
        .join(Capture, Capture.id == func.coalesce(Version.last_capture_id, Version.capture_id))
        .join(page_url, page_url.c.id == Capture.url_id)
        .where(
            Entity.site == site,
            Entity.type == entity_type,
            Entity.state == "present",
            Version.superseded_at.is_(None),
        )
        .order_by(Entity.key)
    )
    pages = []
    with archive.session() as session:
        for key, language, url, etag, last_modified, digest in session.execute(query):
            parts = urlsplit(url)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            pages.append(KnownPage(key, language, path, etag, last_modified, digest))
    return pages


@dataclass
class CurrentState:
    """An entity as it stands now: its current content, and since when it has been so."""

    key: str
    type: str
    site: str
    language: str | None
    country: str | None
    content: dict
    since: datetime
    capture_id: int | None
    # a complete observation of its set lacked it, the removal not confirmed yet (issue 15)
    missing_since: datetime | None = None


def current_states(
    archive: Archive, entity_type: str, site: str | None = None, country: str | None = None
) -> list[CurrentState]:
    """Present entities of ``entity_type`` with their current version."""
    from store.models import Version

    query = (
        select(Entity, Version)
        .join(Version, Version.entity_id == Entity.id)
        .where(
            Entity.type == entity_type,
            Entity.state == "present",
            Version.superseded_at.is_(None),
        )
        .order_by(Entity.key)
    )
    if site:
        query = query.where(Entity.site == site)
    if country:
        query = query.where(Entity.country == country.upper())
    with archive.session() as session:
        return [
            CurrentState(
                key=entity.key,
                type=entity.type,
                site=entity.site,
                language=entity.language,
                country=entity.country,
                content=version.content,
                since=version.first_seen,
                capture_id=version.capture_id,
                missing_since=entity.missing_since,
            )
            for entity, version in session.execute(query)
        ]


def membership_changed_at(
    archive: Archive, site: str, language: str | None = None, country: str | None = None
) -> datetime | None:
    """When the member list of ``site`` last gained or lost someone (else: first seen)."""
    with archive.session() as session:
        conditions = [Entity.site == site, Entity.type == "member"]
        if language:
            conditions.append(Entity.language == language)
        if country:
            conditions.append(Entity.country == country)
        last_change = session.scalar(
            select(func.max(Transition.detected_at))
            .join(Entity, Transition.entity_id == Entity.id)
            .where(*conditions, Transition.change.in_(["added", "removed"]))
        )
        first_seen = session.scalar(select(func.min(Entity.first_seen)).where(*conditions))
    return last_change or first_seen


def assembly_news_keys(archive: Archive) -> set[str]:
    """Keys of news items any version of which was tagged as concerning the assembly."""
    from store.models import Version

    query = (
        select(Entity.key, Version.content)
        .join(Version, Version.entity_id == Entity.id)
        .where(Entity.type == "news")
    )
    with archive.session() as session:
        return {key for key, content in session.execute(query) if content.get("about_assembly")}
