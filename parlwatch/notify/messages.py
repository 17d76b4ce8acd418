"""What a notification says: one JSON document, or one text message, per crawl."""

from __future__ import annotations

import json
from typing import Any

from crawler.completeness import describe_failed
from crawler.stale import STATS_KEY as STALE_KEY
from crawler.stale import stale_warning
from parlwatch import __version__
from store.crawl_history import CrawlInfo
from store.queries import ChangeRow
from store.wording import plural

EVENT = "parlwatch.changes"
TEXT_LIMIT = 25  # changes listed in a text message; the rest are counted


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value is not None else None


def webhook_payload(crawl: CrawlInfo, rows: list[ChangeRow], target: str) -> dict[str, Any]:
    """What a webhook receives: the crawl, and its changes as ``parlwatch changes`` gives them."""
    return {
        "event": EVENT,
        "parlwatch": __version__,
        "target": target,
        "crawl": {
            "id": crawl.id,
            "site": crawl.site,
            "status": crawl.status,
            "started": _iso(crawl.started),
            "finished": _iso(crawl.finished),
            "reason": crawl.reason,
            "failed_pages": crawl.stats.get("failed_pages") or [],
        },
        "count": len(rows),
        "changes": [row.to_dict() for row in rows],
        "registry_stale": crawl.stats.get(STALE_KEY, []),  # a stale sites.toml entry
    }


def _short(value: Any, width: int = 70) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"


def describe(row: ChangeRow) -> str:
    """One line, e.g. ``RU en delegation: chambers[1].member_title members -> senators``."""
    label = " ".join(x for x in (row.country, row.language, row.type) if x)
    if row.field == "":
        content = row.new if row.change == "added" else row.old
        title = (content.get("title") or content.get("name")) if isinstance(content, dict) else None
        what = f"{row.change}" + (f": {_short(title)}" if title else f" ({row.entity})")
    else:
        what = f"{row.field} {_short(row.old)!s} -> {_short(row.new)!s}"
    return f"{label}: {what} [{row.category}]"


def text_message(crawl: CrawlInfo, rows: list[ChangeRow]) -> tuple[str, str]:
    """(title, body) for chat and e-mail targets."""
    title = f"parlwatch: {plural(len(rows), 'change')} on {crawl.site}"
    lines = [f"crawl {crawl.id} of {crawl.site}, {crawl.status} {_iso(crawl.finished)}"]
    stale = stale_warning(crawl.stats)
    if stale:  # never a silent "no changes": the registry's pages have moved
        title = f"parlwatch: {crawl.site} — registry entry looks stale"
        lines.append(f"WARNING: {stale}")
    lines += [f"- {describe(row)}" for row in rows[:TEXT_LIMIT]]
    if len(rows) > TEXT_LIMIT:
        lines.append(f"… and {len(rows) - TEXT_LIMIT} more (parlwatch changes --crawl {crawl.id})")
    failed = crawl.stats.get("failed_pages") or []
    if failed:
        lines.append(
            f"{plural(len(failed), 'page')} did not come back whole; the sets they carry removed "
            "nothing:"
        )
        lines += [f"  {describe_failed(page)}" for page in failed[:TEXT_LIMIT]]
    return title, "\n".join(lines)
