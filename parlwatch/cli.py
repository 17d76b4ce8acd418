"""The ``parlwatch`` command: a thin click layer over the crawler, the store and the reports."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click

from parlwatch import __version__

DB_OPTION = click.option(
    "--db",
    "db_url",
    envvar="PARLWATCH_DB",
    help="Archive: SQLAlchemy URL or SQLite file [env PARLWATCH_DB; default ./parlwatch.db].",
)


def parse_when(value: str | None) -> datetime | None:
    """A date or time as people write it ("2026-01-01", "3 days ago") -> naive UTC."""
    if value is None:
        return None
    import dateparser

    parsed = dateparser.parse(
        value, settings={"TO_TIMEZONE": "UTC", "RETURN_AS_TIMEZONE_AWARE": False}
    )
    if parsed is None:
        raise click.BadParameter(f"not a date or time: {value!r}")
    return parsed


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="parlwatch")
def cli() -> None:
    """Crawl parliamentary websites, keep every capture, and record what changed."""


@cli.command()
@click.argument("spider")
@click.option("--base-url", help="Crawl a replica or mirror at this URL instead of the live site.")
@DB_OPTION
@click.option("--language", "languages", help="Comma-separated languages to crawl (default: all).")
@click.option(
    "-v", "--verbose", is_flag=True, help="Show Scrapy's log (INFO) instead of warnings only."
)
def crawl(
    spider: str, base_url: str | None, db_url: str | None, languages: str | None, verbose: bool
) -> None:
    """Crawl SPIDER (e.g. pacsto) and record captures, versions and changes.

    \b
    Examples:
      parlwatch crawl pacsto
      parlwatch crawl pacsto --base-url http://127.0.0.1:8000 --db demo.db
    """
    from crawler.runner import run_crawl, spider_names

    if spider not in spider_names():
        raise click.BadParameter(f"unknown spider {spider!r}; known: {', '.join(spider_names())}")
    overrides = {"LOG_LEVEL": "INFO" if verbose else "WARNING"}
    extra = {"languages": languages} if languages else {}
    summary = run_crawl(spider, base_url=base_url, db_url=db_url, overrides=overrides, **extra)
    if summary is None:
        click.echo("crawl did not start", err=True)
        sys.exit(2)
    click.echo(_crawl_summary_text(spider, summary))
    if summary.status != "finished":
        sys.exit(1)


def _crawl_summary_text(spider: str, summary) -> str:
    stats = summary.stats
    outcomes = stats.get("pages_by_outcome", {})
    failed = sum(n for outcome, n in outcomes.items() if outcome != "ok")
    lines = [
        f"crawl {summary.crawl_id} of {spider}: {summary.status}"
        + (f" — {summary.reason}" if summary.reason else ""),
        f"  pages: {stats.get('pages', 0)} ({failed} failed: "
        + (", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()) if k != "ok") or "none")
        + ")",
        f"  records: {sum(stats.get('records_by_type', {}).values())} "
        + json.dumps(stats.get("records_by_type", {})),
        f"  new versions: {stats.get('history/new_versions', 0)}, "
        f"changes: {stats.get('history/changes', 0)}",
    ]
    if summary.status != "finished":
        lines.append("  nothing was applied to the history (the crawl did not finish)")
    return "\n".join(lines)


@cli.command()
@DB_OPTION
@click.option("--since", help='Only changes detected since this date ("2026-01-01", "7 days ago").')
@click.option("--crawl", "crawl_id", type=int, help="Only changes detected by this crawl.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def changes(db_url: str | None, since: str | None, crawl_id: int | None, fmt: str) -> None:
    """List recorded changes, oldest first.

    \b
    Examples:
      parlwatch changes --since "30 days ago"
      parlwatch changes --format json > changes.json
    """
    from reports.changes import changes_json, changes_text
    from store.archive import Archive
    from store.queries import list_changes

    rows = list_changes(Archive(db_url), since=parse_when(since), crawl_id=crawl_id)
    click.echo(changes_json(rows) if fmt == "json" else changes_text(rows))


@cli.command()
@DB_OPTION
@click.option("--spider", help="Only crawls of this spider.")
@click.option("--last", type=int, default=20, show_default=True, help="How many crawls.")
def crawls(db_url: str | None, spider: str | None, last: int) -> None:
    """List recent crawls with their status, newest first."""
    from store.archive import Archive
    from store.queries import list_crawls

    for row in list_crawls(Archive(db_url), spider=spider, last=last):
        stats = row.stats
        click.echo(
            f"{row.id:>4}  {row.spider:<10} {row.status:<11} {row.started}  "
            f"pages {stats.get('pages', 0):>3}  "
            f"versions {stats.get('history/new_versions', 0):>3}  "
            f"changes {stats.get('history/changes', 0):>3}"
            + (f"  ({row.reason})" if row.reason else "")
        )


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", required=True, help="The URL the page was fetched from.")
@click.option(
    "--language", type=click.Choice(["en", "ru"]), help="Language asked for (default: detect)."
)
@click.option(
    "--content-type", help='The HTTP Content-Type header, e.g. "text/html; charset=windows-1251".'
)
def parse(file: Path, url: str, language: str | None, content_type: str | None) -> None:
    """Run the parsers on a saved page and print its records as a JSON array.

    Exits 1 (after printing what was found) when an expected block is missing.
    """
    from crawler.parsers import parse_pacsto_page

    result = parse_pacsto_page(file.read_bytes(), url, language=language, content_type=content_type)
    click.echo(json.dumps(result.records, ensure_ascii=False, indent=2))
    for error in result.errors:
        click.echo(f"warning: {error}", err=True)
    if result.missing:
        click.echo(f"expected block(s) missing: {', '.join(result.missing)}", err=True)
        sys.exit(1)


@cli.command()
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Archive file for the demo (default: a new file in a temporary folder).",
)
def demo(db_path: Path | None) -> None:
    """Offline demo: serve the pacsto replica, crawl version 2025, then 2026, print the changes."""
    from parlwatch.demo import run_demo

    sys.exit(run_demo(db_path, echo=click.echo))


@cli.command()
@click.option("--site", default="pacsto", show_default=True, help="Which replica to serve.")
@click.option(
    "--port",
    type=int,
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free port).",
)
@click.option("--version", "version", help="Version to serve first (default: the earliest).")
def replica(site: str, port: int, version: str | None) -> None:
    """Serve a replica of a site on 127.0.0.1 for people who want to look.

    Switch versions while it runs:  curl -X POST --data 2026 http://127.0.0.1:8000/__replica__/version
    """
    import replica as replicas

    if site not in replicas.available_sites():
        raise click.BadParameter(
            f"unknown site {site!r}; known: {', '.join(replicas.available_sites())}"
        )
    replicas.serve_forever(site, port, version)


def main() -> None:
    cli(prog_name="parlwatch")
