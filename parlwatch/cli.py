"""The ``parlwatch`` command: a thin click layer over the crawler, the store and the reports."""

from __future__ import annotations

import errno
import importlib
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from parlwatch import __version__
from parlwatch.cli_options import (
    DB_OPTION,
    FORMAT_OPTION,
    date_option,
    existing_archive,
    validate_countries,
    validate_sites,
)
from parlwatch.exit_codes import error_exit
from store.wording import plural

# Commands that live in their own modules, imported only when run (or listed by --help), so that
# a read command does not pay for the crawler's imports: name -> "module:attribute".
LAZY_COMMANDS = {
    "crawl": "parlwatch.commands_crawl:crawl",
    "report": "parlwatch.commands_report:report",
    "crawls": "parlwatch.commands_crawls:crawls",
    "changes": "parlwatch.commands_changes:changes",
    "schedule": "parlwatch.commands_schedule:schedule",
    "scheduler": "parlwatch.commands_schedule:scheduler",
    "notify": "parlwatch.commands_notify:notify",
    "replay": "parlwatch.commands_replay:replay",
    "backfill": "parlwatch.commands_backfill:backfill",
    "discover": "parlwatch.commands_discover:discover",
    "captures": "parlwatch.commands_archive:captures",
    "snapshot": "parlwatch.commands_archive:snapshot",
    "timemap": "parlwatch.commands_archive:timemap",
    "history": "parlwatch.commands_archive:history",
    "show": "parlwatch.commands_archive:show",
    "import": "parlwatch.commands_warc:import_",
    "search": "parlwatch.commands_maintenance:search",
    "reparse": "parlwatch.commands_maintenance:reparse",
    "verify": "parlwatch.commands_maintenance:verify",
    "serve": "parlwatch.commands_maintenance:serve",
}
LAZY_EXPORT_COMMANDS = {"warc": "parlwatch.commands_warc:warc_export"}


class LazyGroup(click.Group):
    """A group whose ``lazy`` commands are imported by name only when needed."""

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            module_name, attribute = self.lazy[cmd_name].split(":")
            command = getattr(importlib.import_module(module_name), attribute)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


# The commands that write (crawl, demo, schedule, scheduler, import, notify) make a missing SQLite
# archive; the others open theirs with ``existing_archive``, which refuses a missing one.
@click.group(
    cls=LazyGroup,
    lazy=LAZY_COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="parlwatch")
def cli() -> None:
    """Crawl parliamentary websites, keep every capture, and record what changed."""


@cli.command()
@FORMAT_OPTION
def sites(fmt: str) -> None:
    """List the sites parlwatch can crawl: the assembly and the registry (crawler/sites.toml)."""
    from crawler.registry import load_registry

    rows = []
    for site in load_registry().values():
        hosts = site.base_urls
        rows.append(
            {
                "id": site.id,
                "country": site.country,
                "chamber": site.name,
                "base_url": site.base_url
                if len(set(hosts.values())) == 1
                else ", ".join(f"{url} ({code})" for code, url in hosts.items()),
                "languages": list(site.language_codes),
            }
        )
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(
            f"{row['id']:<13} {row['country'] or '--':<3} {','.join(row['languages']):<6} "
            f"{row['base_url']:<24} {row['chamber']}"
        )


@cli.command()
@DB_OPTION
@click.option("--country", callback=validate_countries, help="ISO code, e.g. RU.")
@date_option("--at", "at", end=True, help="Who was in the delegation at this date (default: now).")
@click.option(
    "--source",
    callback=validate_sites,
    help="pacsto (the assembly's lists), national, or a site id.",
)
@FORMAT_OPTION
def members(
    db_url: str | None, country: str | None, at: datetime | None, source: str | None, fmt: str
) -> None:
    """Who was in each delegation at a date, with tenure starts.

    A start shown as "before <date>" means the member was already listed when first crawled:
    the real start is unknown and is never invented.
    """
    from reports.members import members_json, members_text
    from store.archive import utcnow
    from store.tenures import members_at

    when = at or utcnow()
    site = None if source in (None, "national") else source
    rows = members_at(existing_archive(db_url), when, country=country, source=site)
    if source == "national":
        rows = [t for t in rows if t.source != "pacsto"]
    click.echo(members_json(rows) if fmt == "json" else members_text(rows, when))


@cli.group(cls=LazyGroup, lazy=LAZY_EXPORT_COMMANDS)
def export() -> None:
    """Export the archive in other formats."""


POPOLO_KINDS = ("persons", "organizations", "memberships")


@export.command("popolo")
@DB_OPTION
@click.option("--country", callback=validate_countries, help="Only this country's delegations.")
@click.option(
    "-o",
    "--output",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="File (default: stdout).",
)
def export_popolo(db_url: str | None, country: str | None, output) -> None:
    """Persons, organizations (delegations) and memberships (tenures) as Popolo JSON."""
    from reports.popolo import popolo
    from store.tenures import member_tenures

    document = popolo(member_tenures(existing_archive(db_url), country=country))
    output.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    if output.name != "<stdout>":  # as every command that writes a file says what it wrote
        counts = [plural(len(document[key]), key[:-1]) for key in POPOLO_KINDS]
        click.echo(f"wrote {', '.join(counts)} to {output.name}", err=True)


@cli.command()
@DB_OPTION
@FORMAT_OPTION
def check(db_url: str | None, fmt: str) -> None:
    """Cross-source checks: where the assembly's editions and the national sites disagree.

    Each finding names the sources, their values, and since when they have disagreed. Entities
    missing from a complete observation, their removal not yet confirmed, are listed too.
    """
    from crawler.registry import national_sites
    from reports.checks import ChamberRule, findings_text, missing_unconfirmed, run_checks

    rules = [
        ChamberRule(site.id, site.country, site.assembly_match)
        for site in national_sites().values()
    ]
    archive = existing_archive(db_url)
    findings = run_checks(archive, rules) + missing_unconfirmed(archive)
    if fmt == "json":
        click.echo(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        click.echo(findings_text(findings))


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", required=True, help="The URL the page was fetched from.")
@click.option(
    "--language", type=click.Choice(["en", "ru"]), help="Language asked for (default: detect)."
)
@click.option(
    "--content-type", help='The HTTP Content-Type header, e.g. "text/html; charset=windows-1251".'
)
@click.option(
    "--site",
    callback=validate_sites,
    help="Whose parser: pacsto or a national site id (default: the registry site published on "
    "the URL's host, else pacsto; the page kind: by URL, else by content).",
)
def parse(
    file: Path, url: str, language: str | None, content_type: str | None, site: str | None
) -> None:
    """Run the parsers on a saved page and print its records as a JSON array.

    Exits 1 (after printing what was found) when an expected block is missing.

    \b
    Examples:
      parlwatch parse home.html --url https://pacsto.org/ --language en
      parlwatch parse odkb.html --url https://duma.gov.ru/duma/international/odkb/ --site duma_ru
    """
    body = file.read_bytes()
    if site is None:
        from crawler.registry import site_for_url

        site, host_language = site_for_url(url) or ("pacsto", None)
        if site != "pacsto":
            language = language or host_language
            click.echo(f"site: {site} (from the URL's host)", err=True)
    if site == "pacsto":
        from crawler.parsers import parse_pacsto_page

        page = parse_pacsto_page(body, url, language=language, content_type=content_type)
        records, missing, errors = page.records, page.missing, page.errors
    else:
        from crawler.parsers.kind import page_kind
        from crawler.parsers.national import decode_html
        from crawler.stored_pages import parse_stored, role_of, site_spider
        from store.archive import utcnow

        spider = site_spider(site)
        if language is not None and language not in spider.languages:
            raise click.BadParameter(f"{site} has no {language} edition", param_hint="--language")
        lang = language or spider.languages[0]
        role = role_of(spider, url, lang)
        verdict = page_kind(decode_html(body, content_type), url, role, spider.date_order)
        role = verdict.kind or role
        click.echo(f"page kind: {verdict.text()}", err=True)
        outcome = parse_stored(spider, body, url, lang, content_type, utcnow(), role=role)
        records, missing, errors = outcome.records, outcome.missing, outcome.errors
        if role not in ("news", "delegation"):
            errors = [*errors, f"{url} is no news or delegation page of {site}: nothing to read"]
    click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    for error in errors:
        click.echo(f"warning: {error}", err=True)
    if missing:
        click.echo(f"expected block(s) missing: {', '.join(missing)}", err=True)
        sys.exit(1)


@cli.command()
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Archive file for the demo (default: a new file in a temporary folder).",
)
def demo(db_path: Path | None) -> None:
    """Offline demo: serve replicas of every site, crawl them as in 2025, 2026 and mid-2026, and
    print the changes. The archive it leaves is ready for members, check and report."""
    from parlwatch.cli_options import archive_at
    from parlwatch.demo import run_demo

    if db_path is not None:
        archive_at(str(db_path))  # an unusable place is one line before any replica starts
    sys.exit(run_demo(db_path, echo=click.echo))


@cli.command()
@click.option("--site", default="pacsto", show_default=True, help="Which replica to serve.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
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
    versions = replicas.ReplicaServer(site).versions
    if version is not None and version not in versions:
        raise click.BadParameter(
            f"unknown version {version!r} of {site}; have: {', '.join(versions)}",
            param_hint="--version",
        )
    try:
        replicas.serve_forever(site, port, version)
    except OSError as exc:  # as `replay` and `serve` say it
        if exc.errno != errno.EADDRINUSE:
            raise
        raise click.ClickException(
            f"port {port} on 127.0.0.1 is busy ({exc.strerror}): nothing was started; choose --port"
        ) from exc


def main() -> None:
    """The console entry point: bad input becomes one clear line and its exit code (see
    ``parlwatch.exit_codes``), never a traceback. ``PARLWATCH_DEBUG=1`` lets the traceback
    through. Tests run it in their own process; the program itself is ``console``."""
    import os

    from parlwatch import process_end

    if os.environ.get("PARLWATCH_DEBUG"):
        with process_end.ended_at_once_when_kept():
            cli(prog_name="parlwatch")
        return
    try:
        with process_end.ended_at_once_when_kept():
            cli(prog_name="parlwatch")
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        line, code = error_exit(exc)
        click.echo(f"error: {line}", err=True)
        sys.exit(code)


def console() -> None:
    """The ``parlwatch`` program (its console script, and ``python -m parlwatch``): ``main``,
    with the process ended at once after a command that kept what it built, instead of
    freeing it object by object (``parlwatch.process_end``)."""
    from parlwatch import process_end

    process_end.enable()
    main()
