"""``parlwatch schedule`` and ``parlwatch scheduler`` (``crawls`` lives in commands_crawls).

Registered in ``parlwatch/cli.py`` with ``cli.add_command(...)``.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import UTC
from typing import TYPE_CHECKING

import click

from parlwatch.cli_options import DB_OPTION, FORMAT_OPTION, SETTINGS_OPTION, archive_at, stamp
from parlwatch.commands_crawls import crawls

if TYPE_CHECKING:
    from store.schedules import Schedule

__all__ = ["crawls", "schedule", "scheduler"]


def _duration(text: str, option: str) -> int:
    from parlwatch.scheduling import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from exc


@click.group()
def schedule() -> None:
    """Crawl schedules, kept in the archive database (see `parlwatch scheduler`)."""


@schedule.command("add")
@click.argument("sites", nargs=-1)
@click.option(
    "--all", "all_sites", is_flag=True, help="Every site (the assembly and all national)."
)
@click.option("--every", help="Interval: 6h, 30m, 1d, 1h30m (first run at once).")
@click.option("--cron", "cron", help='Cron expression, e.g. "0 6 * * *" (06:00 daily).')
@click.option("--window", help="Start crawls only between these local times, e.g. 02:00-05:00.")
@click.option("--timezone", "tz", default="UTC", show_default=True, help="For --cron/--window.")
@click.option("--jitter", default="0", help="Delay each run by a random time up to this, e.g. 10m.")
@click.option(
    "--base-url",
    "base_urls",
    multiple=True,
    help="Crawl a replica or mirror: SITE=URL (repeatable), or URL with one site.",
)
@click.option("--language", "languages", help="Comma-separated languages (default: all).")
@click.option(
    "--allow-frequent",
    is_flag=True,
    help="Allow runs less than 1h apart on live (non-loopback) sites.",
)
@SETTINGS_OPTION
@DB_OPTION
def schedule_add(
    sites: tuple[str, ...],
    all_sites: bool,
    every: str | None,
    cron: str | None,
    window: str | None,
    tz: str,
    jitter: str,
    base_urls: tuple[str, ...],
    languages: str | None,
    allow_frequent: bool,
    settings: dict[str, str],
    db_url: str | None,
) -> None:
    """Crawl SITES on a schedule: --every INTERVAL or --cron EXPR.

    Each run is a `parlwatch crawl` with the schedule's --base-url, --language and -s settings.

    \b
    Examples:
      parlwatch schedule add pacsto --cron "0 6 * * *" --timezone Europe/Moscow
      parlwatch schedule add duma_ru council_ru --every 12h --window 01:00-05:00 --jitter 20m
      parlwatch schedule add --all --every 1d --window 01:00-05:00 --timezone Europe/Moscow
      parlwatch schedule add pacsto --every 1m --base-url http://127.0.0.1:8000
      parlwatch schedule add duma_ru --every 1d -s DOWNLOAD_DELAY=5 -s CONCURRENT_REQUESTS=1
    """
    from crawler.registry import site_ids
    from parlwatch.cli_options import base_url_map, check_languages
    from parlwatch.scheduling import Rule, Window
    from store.archive import utcnow
    from store.schedules import add_schedule

    known = site_ids()
    chosen = list(known) if all_sites else list(dict.fromkeys(sites))
    if not chosen:
        raise click.UsageError("name at least one site, or --all (see `parlwatch sites`)")
    unknown = [s for s in chosen if s not in known]
    if unknown:
        raise click.BadParameter(f"unknown site(s) {', '.join(unknown)}; known: {', '.join(known)}")
    if languages:
        check_languages(chosen, languages)
    created = utcnow()
    try:
        rule = Rule(
            every_seconds=_duration(every, "--every") if every else None,
            cron=cron,
            timezone=tz,
            window=Window.parse(window) if window else None,
            jitter=_duration(jitter, "--jitter"),
            anchor=created.replace(tzinfo=UTC),
        )
        rule.check_jitter()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    urls = base_url_map(base_urls, chosen)
    _check_frequency(rule, chosen, urls, allow_frequent)
    first = rule.first_run(created.replace(tzinfo=UTC)).astimezone(UTC).replace(tzinfo=None)
    row = add_schedule(
        archive_at(db_url),
        sites=chosen,
        every_seconds=rule.every_seconds,
        cron=cron,
        timezone=tz,
        window=str(rule.window) if rule.window else None,
        jitter_seconds=rule.jitter,
        base_urls=urls,
        languages=languages,
        settings=settings or None,
        enabled=True,
        created_at=created,
        next_run_at=first,
    )
    click.echo(
        f"schedule {row.id}: {' '.join(chosen)}, {rule.describe()}; first run {stamp(first)}"
    )


def _check_frequency(rule, sites: list[str], urls: dict[str, str], allow_frequent: bool) -> None:
    """Refuse runs closer than ``MIN_LIVE_INTERVAL`` on a live site unless allowed."""
    from crawler.urls import is_loopback
    from parlwatch.scheduling import format_duration
    from parlwatch.scheduling.rules import MIN_LIVE_INTERVAL

    live = [site for site in sites if not (site in urls and is_loopback(urls[site]))]
    gap = rule.shortest_gap()
    if live and gap < MIN_LIVE_INTERVAL and not allow_frequent:
        raise click.UsageError(
            f"runs {format_duration(gap)} apart are too frequent for the live site(s) "
            f"{', '.join(live)} (at least {format_duration(MIN_LIVE_INTERVAL)}); "
            "add --allow-frequent if you mean it"
        )


def _schedule_dict(row: Schedule) -> dict:
    from parlwatch.scheduling import Rule

    return {
        "id": row.id,
        "sites": row.sites,
        "rule": Rule.from_schedule(row).describe(),
        "every_seconds": row.every_seconds,
        "cron": row.cron,
        "timezone": row.timezone,
        "window": row.window,
        "jitter_seconds": row.jitter_seconds,
        "base_urls": row.base_urls or {},
        "languages": row.languages,
        "settings": row.settings or {},
        "state": "active" if row.enabled else "paused",
        "next_run": stamp(row.next_run_at) if row.enabled else None,
        "last_run": stamp(row.last_run_at) if row.last_run_at else None,
        "last_result": row.last_result,
    }


@schedule.command("list")
@DB_OPTION
@FORMAT_OPTION
def schedule_list(db_url: str | None, fmt: str) -> None:
    """List schedules with their next and last runs (times in UTC)."""
    from store.schedules import list_schedules

    rows = [_schedule_dict(row) for row in list_schedules(archive_at(db_url))]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no schedules (add one with `parlwatch schedule add`)")
    for row in rows:
        click.echo(
            f"{row['id']:>3}  {row['state']:<6}  {' '.join(row['sites']):<20}  {row['rule']:<44}"
            f"  next {row['next_run'] or '-'}  last {row['last_run'] or '-'}"
        )
        for site, url in row["base_urls"].items():
            click.echo(f"       {site} at {url}")
        if row.get("languages"):
            click.echo(f"       languages: {row['languages']}")
        if row["settings"]:
            pairs = " ".join(f"-s {key}={value}" for key, value in row["settings"].items())
            click.echo(f"       settings: {pairs}")
        if row["last_result"]:
            click.echo(f"       last: {row['last_result']}")


def _set_state(db_url: str | None, ids: tuple[int, ...], enabled: bool) -> None:
    from parlwatch.scheduling import Rule
    from store.archive import utcnow
    from store.schedules import get_schedule, set_enabled

    archive = archive_at(db_url)
    for schedule_id in ids:
        row = get_schedule(archive, schedule_id)
        if row is None:
            raise click.BadParameter(f"no schedule {schedule_id}")
        nxt = None
        if enabled:
            now = utcnow().replace(tzinfo=UTC)
            nxt = Rule.from_schedule(row).first_run(now).astimezone(UTC).replace(tzinfo=None)
        set_enabled(archive, schedule_id, enabled, nxt)
        state = f"resumed; next run {stamp(nxt)}" if enabled else "paused"
        click.echo(f"schedule {schedule_id}: {state}")


@schedule.command("pause")
@click.argument("ids", nargs=-1, type=int, required=True)
@DB_OPTION
def schedule_pause(ids: tuple[int, ...], db_url: str | None) -> None:
    """Pause schedules IDS (a running crawl goes on)."""
    _set_state(db_url, ids, False)


@schedule.command("resume")
@click.argument("ids", nargs=-1, type=int, required=True)
@DB_OPTION
def schedule_resume(ids: tuple[int, ...], db_url: str | None) -> None:
    """Resume schedules IDS; runs missed while paused are not made up."""
    _set_state(db_url, ids, True)


@schedule.command("remove")
@click.argument("ids", nargs=-1, type=int, required=True)
@DB_OPTION
def schedule_remove(ids: tuple[int, ...], db_url: str | None) -> None:
    """Delete schedules IDS (their crawls stay in the archive)."""
    from store.schedules import remove_schedule

    archive = archive_at(db_url)
    for schedule_id in ids:
        if not remove_schedule(archive, schedule_id):
            raise click.BadParameter(f"no schedule {schedule_id}")
        click.echo(f"schedule {schedule_id}: removed")


def setup_logging(level: int = logging.INFO) -> None:
    """Timestamped UTC log lines on stderr, for journald, files and terminals alike."""
    handler = logging.StreamHandler(sys.stderr)
    formatter = logging.Formatter("%(asctime)s %(levelname)-7s %(message)s", "%Y-%m-%dT%H:%M:%SZ")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    for name in ("parlwatch",):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False


@click.command()
@DB_OPTION
@click.option(
    "--poll",
    type=click.FloatRange(min=0.2),
    default=5.0,
    show_default=True,
    help="Seconds between checks.",
)
@click.option(
    "--max-parallel",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Crawls at once.",
)
@click.option("--crawl-timeout", default="6h", show_default=True, help="Stop a crawl after this.")
@click.option(
    "--stop-timeout",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="On SIGTERM, seconds to let crawls close before killing them.",
)
@click.option("-q", "--quiet", is_flag=True, help="Log warnings and errors only.")
def scheduler(
    db_url: str | None,
    poll: float,
    max_parallel: int,
    crawl_timeout: str,
    stop_timeout: float,
    quiet: bool,
) -> None:
    """Run scheduled crawls until stopped (SIGTERM or Ctrl-C).

    Each crawl runs as its own `parlwatch crawl` process; a site is never crawled twice at
    once, even by schedulers on several hosts sharing one archive. After downtime each overdue
    schedule runs once. Changes are sent to the `parlwatch notify` targets. Logs go to stderr.
    """
    from parlwatch.scheduling import Scheduler

    setup_logging(logging.WARNING if quiet else logging.INFO)
    Scheduler(
        db_url,
        poll=poll,
        max_parallel=max_parallel,
        crawl_timeout=_duration(crawl_timeout, "--crawl-timeout"),
        stop_timeout=stop_timeout,
    ).run()
