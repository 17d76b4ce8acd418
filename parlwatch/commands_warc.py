"""``parlwatch export warc`` and ``parlwatch import warc`` (see ``parlwatch.commands_archive``)."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from parlwatch.cli_options import DB_OPTION, date_option, existing_archive, validate_sites
from store.wording import plural


@click.command("warc")
@DB_OPTION
@date_option("--since", end=False, help="Only captures fetched since this date.")
@click.option("--site", callback=validate_sites, help="Only captures of this site (e.g. pacsto).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="FILE.warc.gz")
@click.option("--no-index", is_flag=True, help="Do not write the CDXJ index beside the WARC.")
def warc_export(
    db_url: str | None, since: datetime | None, site: str | None, output: str, no_index: bool
) -> None:
    """Captures as WARC 1.1 (warcinfo, request, response, revisit, and metadata records for
    failed fetches) plus a CDXJ index beside it.

    Unchanged re-captures are revisit records (identical-payload-digest), 304s are revisits
    (server-not-modified); fetches without any response are metadata records explaining why.
    """
    from archive.warc_export import export_warc

    result = export_warc(
        existing_archive(db_url),
        Path(output),
        since=since,
        site=site,
        write_index=not no_index,
    )
    counts = ", ".join(f"{k} {v}" for k, v in sorted(result.records.items()))
    captures = plural(result.captures, "capture")
    click.echo(f"wrote {captures} to {result.path} (records: {counts})", err=True)
    if result.index:
        click.echo(f"wrote the CDXJ index to {result.index}", err=True)


@click.group("import")
def import_() -> None:
    """Import captures made elsewhere into the archive."""


@import_.command("warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@DB_OPTION
@click.option(
    "--site",
    callback=validate_sites,
    help="Treat every capture as this site's (for mirrors and replicas).",
)
@click.option(
    "--group",
    "group_by",
    type=click.Choice(["auto", "crawl", "day", "file"]),
    default="auto",
    show_default=True,
    help="Synthetic crawls: per original crawl (parlwatch WARCs), per capture day, or per file.",
)
def import_warc_command(
    files: tuple[str, ...], db_url: str | None, site: str | None, group_by: str
) -> None:
    """Ingest the captures of WARC FILES and build history from them, oldest first.

    Captures older than the archive's history are kept but never move it backwards. Every file
    is read through first: one that is cut short, unreadable or holds a capture dated in the
    future is refused with one line (exit 2), and nothing at all is imported.
    """
    from archive.warc_import import import_warc
    from archive.warc_read import WarcUnreadable, check_warc
    from store.archive import Archive

    try:
        for file in files:
            check_warc(Path(file))
    except WarcUnreadable as exc:
        click.echo(f"error: {exc}; nothing was imported", err=True)
        sys.exit(2)
    archive = Archive(db_url)
    problems = 0
    for file in sorted(files, key=str):
        result = import_warc(archive, Path(file), site=site, group_by=group_by)
        click.echo(
            f"{result.file}: {plural(result.records, 'record')}, "
            f"{plural(result.captures, 'capture')} imported, "
            f"{result.duplicates} already in the archive"
        )
        for crawl in result.crawls:
            click.echo(
                f"  crawl {crawl['crawl']} import:{crawl['site']} {crawl['status']}: "
                f"{plural(crawl['new_versions'], 'new version')}, "
                f"{plural(crawl['changes'], 'change')}, "
                f"{crawl['stale']} older than the history"
            )
        for problem in result.problems:
            click.echo(f"  problem: {problem}", err=True)
        problems += len(result.problems)
    if problems:
        sys.exit(1)
