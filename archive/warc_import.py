"""``parlwatch import warc``: captures from a WARC become captures, versions and changes.

Each capture is assigned a site (``--site``, else the crawl named by its warcinfo, else the
host: pacsto.org and paodkb.org are the assembly, each registry site its ``base_url``) and a
language (the request's ``Accept-Language``, else the host or path prefix, else
``Content-Language``). Captures are grouped into synthetic crawls named ``import:<site>``: one per
original crawl when the WARC was written by parlwatch (its per-crawl warcinfo records), else one
per site and capture day (UTC). Groups are applied oldest first through the store's write API,
by the crawl's own ingest path (``crawler.ingest.Ingest.add``), and each synthetic crawl is
dated by its captures.

Re-importing a WARC adds nothing (a capture with the same URL, language, time, status and digest
is skipped). Importing captures older than the archive's history adds the captures but never
moves the history backwards (see ``store.imports``).

An import is a transaction with a crawl's rules: a WARC that is cut short, unreadable or holds a
capture dated in the future is refused whole (``archive.warc_read.WarcUnreadable``) before
anything is stored; a group removes an entity only when it holds, whole, every page its site
declares for the entity's set (as a crawl must); a group with failed pages is ``partial``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from archive.capture_export import load_body, site_of_spider
from archive.warc_read import WarcCapture, read_warc
from crawler.ingest import Ingest, partial_reason
from crawler.items import Page
from crawler.registry import load_registry, site_ids
from crawler.stored_pages import PARSER_VERSION, role_of, site_spider
from crawler.urls import canonical_url
from store.archive import APPLIED, FAILED, FINISHED, INTERRUPTED, PARTIAL, Archive
from store.imports import backdate_crawl, guard_older_batch
from store.models import Capture


@dataclass
class ImportResult:
    file: str
    records: int = 0
    captures: int = 0
    duplicates: int = 0
    crawls: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _hosts() -> list[tuple[str, str, str, str]]:
    """(host, path prefix, site, language) for every site's live hosts."""
    out = []
    for site in load_registry().values():
        for language, base in site.base_urls.items():
            host = urlsplit(base).netloc.lower().removeprefix("www.")
            out.append((host, site.languages[language].prefix, site.id, language))
    return out


def locate(url: str) -> tuple[str | None, str | None]:
    """(site, language) of a live-site URL by host and path prefix; (None, None) if unknown."""
    parts = urlsplit(url)
    host = (parts.netloc or "").lower().removeprefix("www.")
    path = parts.path or "/"
    best = (None, None, -1)
    for known, prefix, site, language in _hosts():
        fits = path.startswith(prefix) or path + "/" == prefix
        if known == host and fits and len(prefix) > best[2]:
            best = (site, language, len(prefix))
    return best[0], best[1]


def _language(capture: WarcCapture, site: str, hinted: str | None) -> str | None:
    languages = site_spider(site).languages
    asked = capture.request_headers.get("accept-language", "")[:2].lower()
    served = capture.headers.get("content-language", "")[:2].lower()
    for candidate in (capture.language, asked, hinted, served):
        if candidate in languages:
            return candidate
    return languages[0] if len(languages) == 1 else hinted


def _resolve_revisits(archive: Archive, captures: list[WarcCapture]) -> None:
    by_id = {c.record_id: c.digest for c in captures if c.digest}
    by_payload = {c.payload_digest: c.digest for c in captures if c.digest and c.payload_digest}
    for capture in captures:
        if capture.digest or capture.refers_to_uri is None or capture.status == 304:
            continue
        capture.digest = by_id.get(capture.refers_to) or by_payload.get(capture.payload_digest)
        if capture.digest is None and (capture.payload_digest or "").startswith("sha256:"):
            try:
                load_body(archive, capture.payload_digest)
                capture.digest = capture.payload_digest
            except LookupError:
                pass
        if capture.digest is None:
            capture.error = (
                f"revisit of {capture.refers_to_uri} at {capture.refers_to_date}: "
                "the original payload is neither in this WARC nor in the archive"
            )


def import_warc(
    archive: Archive, path: Path, site: str | None = None, group_by: str = "auto"
) -> ImportResult:
    """Import ``path``; ``group_by``: auto (crawl when known, else day), crawl, day or file."""
    path = Path(path)
    contents = read_warc(archive, path)
    result = ImportResult(path.name, contents.records, problems=list(contents.problems))
    _resolve_revisits(archive, contents.captures)
    groups: dict[tuple, list[tuple[WarcCapture, str, str | None]]] = {}
    for capture in contents.captures:
        info = contents.warcinfos.get(capture.warcinfo or "", {})
        host_site, host_language = locate(capture.url)
        owner = site or site_of_spider(info.get("parlwatch-spider")) or host_site
        if owner not in site_ids():
            result.problems.append(f"{capture.url}: no known site (use --site)")
            continue
        language = _language(capture, owner, host_language if owner == host_site else None)
        if group_by in ("auto", "crawl") and "parlwatch-crawl" in info:
            key = (owner, "crawl", capture.warcinfo)
        elif group_by == "file":
            key = (owner, "file", path.name)
        else:
            key = (owner, "day", capture.fetched_at.date().isoformat())
        groups.setdefault(key, []).append((capture, owner, language))
    ordered = sorted(groups.items(), key=lambda kv: min(c.fetched_at for c, _, _ in kv[1]))
    for (owner, kind, name), members in ordered:
        fresh = [m for m in members if not _is_duplicate(archive, m[0], m[2])]
        if not fresh:  # all already in the archive: no empty synthetic crawl
            result.duplicates += len(members)
            continue
        result.duplicates += len(members) - len(fresh)
        members = fresh
        info = contents.warcinfos.get(name or "", {}) if kind == "crawl" else {}
        summary = _apply_group(archive, owner, members, info, f"{kind}:{name}", path.name)
        result.captures += summary.pop("captures")
        result.duplicates += summary.pop("duplicates")
        result.crawls.append(summary)
    return result


def _is_duplicate(archive: Archive, capture: WarcCapture, language: str | None) -> bool:
    query = select(Capture.id).where(
        Capture.canonical_url == canonical_url(capture.url),
        Capture.fetched_at == capture.fetched_at,
        Capture.language.is_(None) if language is None else Capture.language == language,
    )
    query = query.where(
        Capture.status.is_(None) if capture.status is None else Capture.status == capture.status
    )
    with archive.session() as session:
        return session.scalars(query.limit(1)).first() is not None


def _apply_group(archive, site, members, info, group, filename) -> dict:
    params = {"source": "warc", "file": filename, "group": group, "original": info or None}
    return apply_group(archive, site, members, params, info)


def apply_group(
    archive: Archive,
    site: str,
    members: list[tuple[WarcCapture, str, str | None]],
    params: dict,
    info: dict[str, str] | None = None,
) -> dict:
    """One synthetic crawl ``import:<site>`` of ``members`` (capture, site, language), with a
    crawl's rules, dated by its captures; also ``parlwatch backfill``'s way in."""
    info = info or {}
    spider = site_spider(site)
    members.sort(key=lambda m: m[0].fetched_at)
    crawl_id = archive.start_crawl(f"import:{site}", params)
    ingest = Ingest(archive, crawl_id, spider)
    captures = duplicates = readable = 0
    for capture, _owner, language in members:
        if _is_duplicate(archive, capture, language):
            duplicates += 1
            continue
        captures += 1
        page = _imported_page(archive, spider, site, capture, language)
        readable += 1 if ingest.add(page).reading.records else 0
    batch = ingest.settled()
    failed = [page.to_dict() for page in ingest.failed_pages()]
    original = info.get("parlwatch-status")
    if original:
        status = {"running": INTERRUPTED}.get(original, original)
        reason = info.get("parlwatch-reason") or None
    elif not readable:
        status, reason = FAILED, "no readable page among the imported captures"
    else:
        status = PARTIAL if failed else FINISHED
        reason = partial_reason(len(failed)) if failed else None
    guard = guard_older_batch(archive, batch) if status in APPLIED else None
    stats = {"pages": captures, "failed_pages": failed, "incomplete_sets": ingest.held_back}
    summary = archive.finish_crawl(crawl_id, status, batch, stats, reason, PARSER_VERSION)
    times = [c.fetched_at for c, _, _ in members]
    started = _parse_date(info.get("parlwatch-started")) or min(times)
    finished = _parse_date(info.get("parlwatch-finished")) or max(times)
    backdate_crawl(archive, crawl_id, started, finished)
    return {
        "crawl": crawl_id,
        "site": site,
        "group": params.get("group"),
        "status": status,
        "captures": captures,
        "duplicates": duplicates,
        "new_versions": summary.stats.get("history/new_versions", 0),
        "changes": summary.stats.get("history/changes", 0),
        "stale": summary.stats.get("history/stale", 0) + (guard.stale_new if guard else 0),
        "scopes_kept_open": guard.scopes_kept_open if guard else 0,
    }


def _imported_page(archive, spider, site, capture: WarcCapture, language) -> Page:
    """A WARC capture as the page it records; a revisit's body is the payload it refers to."""
    return Page(
        site=site,
        url=capture.url,
        language=language,
        role=role_of(spider, capture.url, language or ""),
        fetched_at=capture.fetched_at,
        status=capture.status,
        body=load_body(archive, capture.digest) if capture.digest else None,
        headers=capture.headers,
        request_headers=capture.request_headers,
        error=capture.error,
    )


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    from warcio.timeutils import iso_date_to_datetime

    return iso_date_to_datetime(value)
