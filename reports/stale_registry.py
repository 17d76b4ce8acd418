"""Stale registry entries in a report: sites whose latest crawl in the period found the pages
``crawler/sites.toml`` names gone (see ``crawler.stale``). Kept apart from the renderers: each
renderer adds these lines to its summary, so a stale site never reads as "no changes"."""

from __future__ import annotations

from crawler.stale import stale_warning
from store.queries import CrawlRow


def stale_registry(crawls: list[CrawlRow]) -> list[tuple[CrawlRow, str]]:
    """(crawl, warning) for each site whose latest crawl in the period warned of a stale entry."""
    latest: dict[str, CrawlRow] = {}
    for crawl in crawls:
        if crawl.spider not in latest or crawl.id > latest[crawl.spider].id:
            latest[crawl.spider] = crawl
    out = []
    for crawl in sorted(latest.values(), key=lambda c: c.spider):
        warning = stale_warning(crawl.stats or {})
        if warning:
            out.append((crawl, warning))
    return out


def stale_markdown(crawls: list[CrawlRow], escape=lambda text: text) -> list[str]:
    return [
        f"- **REGISTRY STALE** {escape(crawl.spider)} (crawl {crawl.id}): {escape(warning)}"
        for crawl, warning in stale_registry(crawls)
    ]
