"""``parlwatch reparse``: read the stored captures again with the current parsers.

History is append-only. A reparse re-reads, for every present entity of a site, the capture
that last confirmed its current version (a 304 is read through the full capture it confirmed),
and compares what the current parser makes of it with the stored version:

- the same content hash: nothing is written (the version is only re-confirmed);
- a different one: a new version, first seen at that capture's time, with field changes, all
  written by a crawl row whose spider is ``reparse:<site>``. ``parlwatch history`` and the
  ``cause`` of a change (``parser``) tell such changes from the site's own changes;
- a page the new parser cannot read changes nothing (as in a crawl).

Versions record ``PARSER_VERSION``; older versions keep the parser version that made them.
A second reparse with the same parser finds nothing to do and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from crawler.observations import observations_from_records
from crawler.stored_pages import (
    PARSER_VERSION,
    complete_scopes,
    is_html,
    parse_stored,
    site_spider,
)
from store.archive import FINISHED, Archive
from store.captures import read_body
from store.diff import content_hash
from store.models import Blob, Capture, Entity, Version
from store.observations import ObservationBatch


@dataclass
class ReparseResult:
    site: str
    crawl_id: int
    parser_version: str
    captures: int = 0
    unreadable: list[str] = field(default_factory=list)
    new_versions: int = 0
    changes: int = 0
    added: int = 0
    removed: int = 0
    unchanged: int = 0

    @property
    def changed_anything(self) -> bool:
        return bool(self.new_versions or self.changes)


def reparse_site(
    archive: Archive,
    site: str,
    since: datetime | None = None,
    parser_version: str = PARSER_VERSION,
) -> ReparseResult:
    """Reparse the captures behind ``site``'s current versions (those fetched since ``since``)."""
    spider = site_spider(site)
    current, members, last_capture = _current_state(archive, site)
    with archive.session() as session:
        captures = [session.get(Capture, cid) for cid in sorted(set(last_capture.values()))]
    captures = [c for c in captures if c is not None and (since is None or c.fetched_at >= since)]
    captures.sort(key=lambda c: (c.fetched_at, c.id))
    covered = {key for key, cid in last_capture.items() if cid in {c.id for c in captures}}
    crawl_id = archive.start_crawl(
        f"reparse:{site}",
        {"parser_version": parser_version, "since": since.isoformat() if since else None},
    )
    result = ReparseResult(site, crawl_id, parser_version, captures=len(captures))
    batch = ObservationBatch()
    complete: dict[str, datetime] = {}
    for capture in captures:
        loaded = _body_of(archive, capture)
        if loaded is None:
            result.unreadable.append(f"capture {capture.id}: no stored body")
            continue
        body, content_type = loaded
        outcome = parse_stored(
            spider, body, capture.url, capture.language or "", content_type, capture.fetched_at
        )
        if outcome.missing:
            result.unreadable.append(f"capture {capture.id} {capture.url}: {outcome.errors}")
        for obs in observations_from_records(site, outcome.records, capture.fetched_at, capture.id):
            if current.get(obs.key) == content_hash(obs.content):
                batch.confirm(obs.key, obs.observed_at, obs.capture_id)
            else:
                batch.add(obs)
        for scope in complete_scopes(site, capture.language, outcome):
            complete[scope] = max(complete.get(scope, capture.fetched_at), capture.fetched_at)
    for scope, when in complete.items():
        # absent entities are removed only when every one of them was re-read
        if members.get(scope, set()) <= covered:
            batch.mark_complete(scope, when)
    summary = archive.finish_crawl(
        crawl_id,
        FINISHED,
        batch,
        {"pages": len(captures), "unreadable": result.unreadable},
        parser_version=parser_version,
    )
    stats = summary.stats
    result.new_versions = stats.get("history/new_versions", 0)
    result.changes = stats.get("history/changes", 0)
    result.added = stats.get("history/added", 0)
    result.removed = stats.get("history/removed", 0)
    result.unchanged = stats.get("history/unchanged", 0)
    return result


def _current_state(archive: Archive, site: str):
    """{key: content hash}, {scope: keys}, {key: id of the capture behind the current version}."""
    query = (
        select(
            Entity.key,
            Entity.scope,
            Version.content_hash,
            func.coalesce(Version.last_capture_id, Version.capture_id),
        )
        .join(Version, Version.entity_id == Entity.id)
        .where(Entity.site == site, Entity.state == "present", Version.superseded_at.is_(None))
    )
    current, members, last_capture = {}, {}, {}
    with archive.session() as session:
        for key, scope, digest, capture_id in session.execute(query):
            current[key] = digest
            members.setdefault(scope, set()).add(key)
            if capture_id is not None:
                last_capture[key] = capture_id
    return current, members, last_capture


def _body_of(archive: Archive, capture: Capture) -> tuple[bytes, str | None] | None:
    """The body a capture stands for: its own, or for a 304 the full capture it confirmed."""
    with archive.session() as session:
        source = capture
        if capture.status == 304 or capture.digest is None:
            query = (
                select(Capture)
                .where(
                    Capture.canonical_url == capture.canonical_url,
                    Capture.language == capture.language,
                    Capture.fetched_at <= capture.fetched_at,
                    Capture.digest.is_not(None),
                    Capture.status >= 200,
                    Capture.status < 300,
                )
                .order_by(Capture.fetched_at.desc(), Capture.id.desc())
                .limit(1)
            )
            source = session.scalars(query).first()
        if source is None or source.digest is None or not is_html(source.content_type):
            return None
        if source.status is None or not 200 <= source.status < 300:
            return None
        blob = session.get(Blob, source.digest)
        return (read_body(blob), source.content_type) if blob is not None else None


def sites_with_history(archive: Archive) -> list[str]:
    with archive.session() as session:
        return sorted(session.scalars(select(Entity.site).distinct()))
