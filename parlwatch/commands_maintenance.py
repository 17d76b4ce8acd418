"""Archive upkeep and browsing: ``search``, ``reparse``, ``verify``, ``serve``.

Registered through ``parlwatch.commands_archive.ARCHIVE_COMMANDS``.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime

import click

from parlwatch.cli_options import (
    DB_OPTION,
    FORMAT_OPTION,
    date_option,
    existing_archive,
    validate_sites,
)
from parlwatch.output import echo_json
from store.wording import plural


@click.command()
@click.argument("text")
@DB_OPTION
@click.option(
    "--lang", "language", type=click.Choice(["en", "ru"]), help="Only items in this language."
)
@click.option("--site", callback=validate_sites, help="Only items of this site.")
@date_option("--since", end=False, help="Only items published (else first seen) since this date.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="At most N items, best first.",
)
@FORMAT_OPTION
def search(
    text: str,
    db_url: str | None,
    language: str | None,
    site: str | None,
    since: datetime | None,
    limit: int,
    fmt: str,
) -> None:
    """Full-text search of news titles and bodies, best match first, with snippets.

    Every form of a word finds the same items, in Russian and English (Дума, Думы and Думе;
    senator and senators: Snowball stems); a word also matches as a prefix, "quoted words" as
    a phrase. The database ranks: FTS5 on SQLite, tsvector (russian/english) on PostgreSQL.
    """
    from store.search import search_news

    if not text.strip():
        raise click.BadParameter('give a word or a "phrase" to search for', param_hint="TEXT")
    hits = search_news(
        existing_archive(db_url),
        text,
        language=language,
        site=site,
        since=since,
        limit=limit,
    )
    if fmt == "json":
        echo_json([hit.to_dict() for hit in hits])
        return
    if not hits:
        click.echo("no matches")
    for hit in hits:
        published = hit.published or "no date"
        withdrawn = "  [withdrawn]" if hit.state == "removed" else ""
        click.echo(f"{hit.score:7.2f}  {hit.key}{withdrawn}")
        click.echo(f"         {hit.title}  (published {published}; seen {hit.first_seen})")
        click.echo(f"         {hit.snippet}")


@click.command()
@DB_OPTION
@click.option(
    "--site",
    "sites",
    multiple=True,
    callback=validate_sites,
    help="Only this site (repeatable; default: all).",
)
@date_option(
    "--since", end=False, help="Only entities whose latest capture was fetched since this date."
)
@click.option(
    "--parse-workers",
    "workers",
    type=click.IntRange(min=0),
    envvar="PARLWATCH_PARSE_WORKERS",
    help="Read the pages in this many worker processes while this one reads the archive and "
    "writes (0: all in this one); the results are the same. Default: 2 on a machine with "
    "more than one CPU, else 0. Env: PARLWATCH_PARSE_WORKERS.",
)
def reparse(
    db_url: str | None, sites: tuple[str, ...], since: datetime | None, workers: int | None
) -> None:
    """Re-read stored captures with the current parsers; record what they now read differently.

    New versions are written by a crawl named reparse:SITE, so they show as parser changes
    (cause "parser" in `parlwatch history`), never as changes of the site. A reparse that finds
    nothing new says so.
    """
    from crawler.reparse import reparse_site, sites_with_history

    if workers is None:
        cpus = os.cpu_count() or 1  # parsing is ~2/3 of the work: past 2 workers, this
        workers = min(cpus, 2) if cpus > 1 else 0  # process (reading, writing) holds them up
    archive = existing_archive(db_url)
    chosen = list(sites) or sites_with_history(archive)
    for site in chosen:
        result = reparse_site(archive, site, since=since, workers=workers)
        read = plural(result.captures, "capture")
        line = f"{site}: {read} re-read with parser {result.parser_version}"
        if not result.changed_anything:
            click.echo(f"{line} — no change: the parser reads them as the archive holds them")
        else:
            click.echo(
                f"{line} — crawl {result.crawl_id}: {plural(result.new_versions, 'new version')}, "
                f"{plural(result.changes, 'parser change')} "
                f"({result.added} added, {result.removed} removed)"
            )
        for problem in result.unreadable:
            click.echo(f"  unreadable: {problem}", err=True)


@click.command()
@DB_OPTION
@FORMAT_OPTION
def verify(db_url: str | None, fmt: str) -> None:
    """The database's own integrity check (damaged pages), then every stored body's SHA-256:
    reports damage, mismatches and missing bodies (exit 1)."""
    from store.verify import verify_archive

    report = verify_archive(existing_archive(db_url))
    if fmt == "json":
        echo_json(report.to_dict())
    else:
        click.echo(
            f"{plural(report.blobs, 'body', 'bodies')} checked, {report.ok} intact; "
            f"{plural(report.captures, 'capture')} checked; {plural(report.problems, 'problem')}"
        )
        for row in report.mismatched:
            click.echo(f"  MISMATCH {row['digest']} hashes to {row['actual']}: {row['captures']}")
        for row in report.size_mismatched:
            click.echo(f"  SIZE {row['digest']}: {row['size']} recorded, {row['actual']} stored")
        for row in report.unreadable:
            click.echo(f"  UNREADABLE {row['digest']}: {row['error']}")
        for row in report.missing:
            click.echo(f"  MISSING capture {row['capture']} {row['url']}: {row['reason']}")
        found = plural(len(report.database), "problem")
        click.echo(f"database check ({report.database_check}): {found}")
        for line in report.database:
            click.echo(f"  DATABASE {line}")
    if report.problems:
        sys.exit(1)


@click.command()
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8001,
    show_default=True,
    help="Port to listen on.",
)
def serve(db_url: str | None, host: str, port: int) -> None:
    """Browse the archive read-only in Datasette, with canned queries (SQLite archives).

    Notification targets' URLs (their tokens) read as empty in every view. SIGTERM or Ctrl-C
    stops Datasette too and leaves no temporary file; a busy port is said before anything starts.
    """
    from parlwatch.datasette_app import PortBusy, serve_archive
    from store.db import DatabaseUnsupported, resolve_db_url

    url = resolve_db_url(db_url)
    if not url.startswith("sqlite:///"):
        raise DatabaseUnsupported(url, "parlwatch serve needs a SQLite archive (Datasette)")
    existing_archive(db_url)  # a missing, damaged or newer archive is one line, as elsewhere
    try:
        code = serve_archive(db_url, host, port, echo=lambda line: click.echo(line, err=True))
    except (ValueError, PortBusy) as exc:
        raise click.ClickException(str(exc)) from exc
    sys.exit(code)


MAINTENANCE_COMMANDS = [search, reparse, verify, serve]
