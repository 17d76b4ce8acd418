"""``parlwatch changes``: the recorded changes, streamed (text or JSON) as they are read."""

from __future__ import annotations

from datetime import datetime

import click

from parlwatch.cli_options import (
    DB_OPTION,
    FORMAT_OPTION,
    SITES_OPTION,
    date_option,
    existing_archive,
)
from store.wording import plural


@click.command()
@DB_OPTION
@date_option("--since", end=False, help="Only changes detected since this date.")
@date_option("--until", end=True, help="Only changes detected up to this date.")
@click.option("--crawl", "crawl_id", type=int, help="Only changes detected by this crawl.")
@SITES_OPTION
@click.option("--about-assembly", is_flag=True, help="Only news items that concern the CSTO PA.")
@click.option(
    "--limit",
    type=int,
    help="Only the first N changes (the last N when negative), still oldest first.",
)
@FORMAT_OPTION
def changes(
    db_url: str | None,
    since: datetime | None,
    until: datetime | None,
    crawl_id: int | None,
    sites: tuple[str, ...],
    about_assembly: bool,
    limit: int | None,
    fmt: str,
) -> None:
    """List recorded changes, oldest first, as they are read (a whole history never sits in
    memory).

    \b
    Examples:
      parlwatch changes --since "30 days ago"
      parlwatch changes --limit -20          # the latest 20
      parlwatch changes --format json > changes.json
    """
    from reports.changes import stream_changes_json, stream_changes_text
    from store.queries import assembly_news_keys, iter_changes

    archive = existing_archive(db_url)
    confirmed = _removals_confirmed(archive, crawl_id) if crawl_id is not None else []
    if about_assembly:
        keys = assembly_news_keys(archive)
        everything = iter_changes(archive, since, until, crawl_id, ["news"], sites)
        rows = [row for row in everything if row.entity in keys]
        rows = rows[-limit:] if limit and limit < 0 else rows[:limit] if limit else rows
    else:
        rows = iter_changes(archive, since, until, crawl_id, sites=sites, limit=limit)
    stream = stream_changes_json if fmt == "json" else stream_changes_text
    for chunk in stream(rows):
        click.echo(chunk)
    if confirmed and fmt == "text":  # `crawls` counts them in this crawl's changes
        listed = ", ".join(f"{key} (crawl {first})" for first, key in confirmed)
        click.echo(
            f"crawl {crawl_id} confirmed {plural(len(confirmed), 'removal')}, dated at the crawl "
            f"that first lacked them: {listed}"
        )


def _removals_confirmed(archive, crawl_id: int) -> list[tuple[int, str]]:
    """The removals ``crawl_id`` confirmed (dated at an earlier crawl); a usage error when
    there is no such crawl."""
    from store.crawl_history import get_crawl

    crawl = get_crawl(archive, crawl_id)
    if crawl is None:
        raise click.BadParameter(f"no crawl {crawl_id} in the archive", param_hint="--crawl")
    return [(first, key) for first, key in crawl.stats.get("removals_confirmed") or []]
