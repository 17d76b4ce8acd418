"""``parlwatch crawls``: recent crawls with their outcome, and a warning on sharp drops."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from store.archive import Archive
    from store.crawl_history import CrawlInfo

from parlwatch.cli_options import DB_OPTION, FORMAT_OPTION, existing_archive, iso


def crawl_dict(archive: Archive, crawl: CrawlInfo) -> dict:
    """A crawl as ``parlwatch crawls --format json`` shows it."""
    from crawler.monitoring import crawl_drops, drop_warning
    from crawler.stale import STATS_KEY as STALE_KEY
    from crawler.stale import stale_warning

    stats = crawl.stats
    outcomes = stats.get("pages_by_outcome", {})
    failed = sum(n for k, n in outcomes.items() if k not in ("ok", "gone"))
    return {
        "id": crawl.id,
        "site": crawl.site,
        "status": crawl.status,
        "reason": crawl.reason,
        "started": iso(crawl.started),
        "finished": iso(crawl.finished),
        "duration_seconds": round(crawl.duration, 1) if crawl.duration is not None else None,
        "languages": list(crawl.languages),
        "pages_ok": stats.get("pages", 0) - failed,
        "pages_failed": failed,
        "records_by_type": stats.get("records_by_type", {}),
        "new_versions": stats.get("history/new_versions", 0),
        "changes": stats.get("history/changes", 0),
        "missing_unconfirmed": stats.get("history/missing", 0),
        "failed_pages": stats.get("failed_pages", []),
        "incomplete_sets": stats.get("incomplete_sets", {}),
        "warnings": [d.to_dict() for d in crawl_drops(archive, crawl)],
        "warning": drop_warning(archive, crawl),
        "registry_stale": stats.get(STALE_KEY, []),
        "registry_warning": stale_warning(stats),
    }


@click.command()
@DB_OPTION
@click.option("--site", "--spider", "site", help="Only crawls of this site.")
@click.option(
    "--last", type=click.IntRange(min=1), default=20, show_default=True, help="How many crawls."
)
@FORMAT_OPTION
def crawls(db_url: str | None, site: str | None, last: int, fmt: str) -> None:
    """Recent crawls, newest first: status, duration, pages, new versions, changes.

    A partial crawl (its start pages came back whole, others did not) lists the pages that did
    not: what it saw was applied, but the sets those pages carry removed nothing.

    A finished crawl whose output fell to half or less of the median of its site's last five
    finished crawls gets a warning: a layout change the parsers only half read looks like that.
    """
    from crawler.completeness import describe_failed
    from store.crawl_history import recent_crawls

    archive = existing_archive(db_url)
    rows = [crawl_dict(archive, c) for c in recent_crawls(archive, site=site, last=last)]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no crawls yet")
        return
    width = max(12, *(len(row["site"]) for row in rows))  # import:pacsto, reparse:duma_ru
    click.echo(
        f"{'id':>5}  {'site':<{width}} {'status':<11} {'started':<20} {'took':>7}  "
        f"{'pages ok/failed':>15}  {'versions':>8}  {'changes':>7}"
    )
    for row in rows:
        took = f"{row['duration_seconds']:.1f}s" if row["duration_seconds"] is not None else "-"
        started = row["started"].replace("T", " ")
        pages = f"{row['pages_ok']}/{row['pages_failed']}"
        click.echo(
            f"{row['id']:>5}  {row['site']:<{width}} {row['status']:<11} {started:<20} "
            f"{took:>7}  {pages:>15}  {row['new_versions']:>8}  {row['changes']:>7}"
        )
        if row["reason"]:
            click.echo(f"{'':7}{row['reason']}")
        for page in row["failed_pages"]:
            click.echo(f"{'':7}not whole: {describe_failed(page)}")
        if row["missing_unconfirmed"]:
            click.echo(
                f"{'':7}{row['missing_unconfirmed']} missing, removal not confirmed yet "
                "(parlwatch check)"
            )
        if row["warning"]:
            click.echo(f"{'':7}WARNING {row['warning']}")
        if row["registry_warning"]:
            click.echo(f"{'':7}WARNING {row['registry_warning']}")
