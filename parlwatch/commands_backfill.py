"""``parlwatch backfill``: a site's history from a web archive's captures (``archive.backfill``)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import click

from parlwatch.cli_options import DB_OPTION, archive_at, date_option
from store.wording import plural


def replay_prefix_for(cdx: str) -> str | None:
    """The raw replay prefix that goes with a CDX endpoint: the Wayback Machine's, or a pywb
    collection's (``…/COLL/cdx`` -> ``…/COLL/``); None when it cannot be told."""
    from archive.cdx_client import WAYBACK_CDX, WAYBACK_REPLAY

    if cdx.rstrip("/") == WAYBACK_CDX:
        return WAYBACK_REPLAY
    if cdx.rstrip("/").endswith("/cdx"):
        return cdx.rstrip("/")[: -len("cdx")]
    return None


def cdx_moment(value: datetime | None) -> str | None:
    """A date read by ``date_option`` as a 14-digit CDX timestamp."""
    return value.strftime("%Y%m%d%H%M%S") if value is not None else None


@contextmanager
def progress_line(site: str) -> Iterator:
    """A progress line on a terminal's stderr (like a crawl's); silent otherwise."""
    quiet = os.environ.get("PARLWATCH_PROGRESS", "1").lower() in ("0", "false", "no")
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(f"[bold]backfill {site}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    ) as progress:
        task = progress.add_task("backfill", total=None, detail="listing captures")

        def update(done: int, total: int, detail: str) -> None:
            progress.update(task, completed=done, total=total, detail=detail)

        yield update


@click.command()
@click.argument("site")
@DB_OPTION
@date_option("--since", end=False, help="Only captures from this date on.")
@date_option("--until", end=True, help="Only captures up to this date (inclusive).")
@click.option(
    "--cdx",
    default="https://web.archive.org/cdx/search/cdx",
    show_default=True,
    help="The CDX API endpoint (a pywb collection: http://HOST:PORT/COLL/cdx).",
)
@click.option(
    "--replay",
    help="The raw replay prefix (default: the Wayback Machine's, or the pywb collection's).",
)
@click.option("--limit", type=click.IntRange(min=0), help="Fetch at most N captures this run.")
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds between requests to the archive.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="Retries of a request answered 429 or 5xx (with backoff, or as Retry-After says).",
)
@click.option(
    "--backoff",
    type=click.FloatRange(min=0),
    default=2.0,
    show_default=True,
    help="Seconds before the first retry; doubled at each.",
)
def backfill(
    site: str,
    db_url: str | None,
    since: datetime | None,
    until: datetime | None,
    cdx: str,
    replay: str | None,
    limit: int | None,
    delay: float,
    retries: int,
    backoff: float,
) -> None:
    """Build SITE's history from a web archive: every capture a CDX server lists of the site's
    pages, fetched once in raw mode, applied oldest first as one synthetic crawl per capture
    day. Resumable: a rerun fetches nothing twice and continues where a run stopped."""
    from archive.backfill import backfill as run_backfill
    from archive.backfill import site_patterns
    from archive.cdx_client import CdxClient, Politeness
    from crawler.registry import site_ids
    from parlwatch.exit_codes import EXIT_REFUSED

    if site not in site_ids():
        raise click.BadParameter(f"unknown site {site!r}; known: {', '.join(site_ids())}")
    replay = replay or replay_prefix_for(cdx)
    if replay is None:
        raise click.BadParameter("give --replay: the archive's replay prefix (…/web/)")
    client = CdxClient(cdx.rstrip("/"), replay, Politeness(delay, retries, backoff))
    window = cdx_moment(since), cdx_moment(until)
    with progress_line(site) as progress:
        result = run_backfill(archive_at(db_url), site, client, *window, limit, progress)
    if result.stopped and not result.listed:
        click.echo(f"error: stopped before any capture was listed: {result.stopped}", err=True)
        sys.exit(EXIT_REFUSED)
    click.echo(
        f"backfill {site} from {result.source}: {plural(result.listed, 'capture')} listed, "
        f"{plural(result.taken, 'page')} taken (one a day), {result.fetched} fetched, "
        f"{plural(result.reused, 'payload')} reused, {result.known} taken before, "
        f"{result.duplicates} already in the archive"
    )
    if not result.listed and not result.stopped:
        asked = ", ".join(pattern for pattern, _language in site_patterns(site))
        click.echo(
            f"  the server lists no capture under {asked}, the site's own hosts (an archive "
            "of a replica or mirror holds that host's URLs instead)"
        )
    for crawl in result.crawls:
        click.echo(
            f"  crawl {crawl['crawl']} {crawl['group']} {crawl['status']}: "
            f"{plural(crawl['captures'], 'capture')}, "
            f"{plural(crawl['new_versions'], 'new version')}, "
            f"{plural(crawl['changes'], 'change')}, {crawl['stale']} older than the history"
        )
    for problem in result.problems:
        click.echo(f"  problem: {problem}", err=True)
    if result.stopped:
        line = f"stopped: {result.stopped}; what was fetched is kept: rerun to continue"
        if result.refused:
            click.echo(f"error: {line}", err=True)
            sys.exit(EXIT_REFUSED)
        click.echo(line)
