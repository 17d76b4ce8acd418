"""``parlwatch crawl``: run crawls in this process and print one summary per site."""

from __future__ import annotations

import json
import sys

import click

from parlwatch.cli_options import (
    DB_OPTION,
    SETTINGS_OPTION,
    archive_at,
    base_url_map,
    check_languages,
)


@click.command()
@click.argument("sites", nargs=-1)
@click.option(
    "--all",
    "all_sites",
    is_flag=True,
    help="Crawl every site (the assembly and all national sites).",
)
@click.option(
    "--base-url",
    "base_urls",
    multiple=True,
    help="Crawl a replica or mirror instead: URL (one site) or SITE=URL (repeatable).",
)
@DB_OPTION
@click.option("--language", "languages", help="Comma-separated languages to crawl (default: all).")
@click.option(
    "--max-list-pages",
    type=click.IntRange(min=1),
    help="Follow this many pages of each news list (default 3, or $PARLWATCH_MAX_LIST_PAGES).",
)
@click.option(
    "--all-news",
    is_flag=True,
    help="Follow every page of each news list: a full first crawl of the years a site holds.",
)
@SETTINGS_OPTION
@click.option(
    "-v", "--verbose", is_flag=True, help="Show Scrapy's log (INFO) instead of warnings only."
)
def crawl(
    sites: tuple[str, ...],
    all_sites: bool,
    base_urls: tuple[str, ...],
    db_url: str | None,
    languages: str | None,
    max_list_pages: int | None,
    all_news: bool,
    settings: dict[str, str],
    verbose: bool,
) -> None:
    """Crawl SITES (e.g. pacsto, duma_ru) and record captures, versions and changes.

    Each site's crawl is judged on its own: one that failed applies nothing and makes the
    command exit 1; a partial one (its start pages came back whole, other pages did not)
    applies what it saw, removes nothing from the sets those pages carry, and names them.

    \b
    Examples:
      parlwatch crawl pacsto
      parlwatch crawl pacsto --base-url http://127.0.0.1:8000 --db demo.db
      parlwatch crawl duma_ru council_ru --base-url duma_ru=http://127.0.0.1:8001 \\
                                         --base-url council_ru=http://127.0.0.1:8002
      parlwatch crawl --all
      parlwatch crawl pacsto --all-news                  # every news-list page: a full first crawl
      parlwatch crawl duma_ru -s DOWNLOAD_DELAY=5 -s CONCURRENT_REQUESTS_PER_DOMAIN=1
    """
    from crawler.registry import site_ids
    from crawler.runner import run_crawls
    from store.archive import APPLIED
    from store.versions import removal_confirmations

    known = site_ids()
    chosen = list(known) if all_sites else list(dict.fromkeys(sites))
    if not chosen:
        raise click.UsageError("name at least one site, or --all (see `parlwatch sites`)")
    unknown = [name for name in chosen if name not in known]
    if unknown:
        hint = ""
        if any("=" in name for name in unknown):
            hint = " (each SITE=URL needs its own --base-url)"
        raise click.BadParameter(
            f"unknown site(s) {', '.join(unknown)}{hint}; known: {', '.join(known)}"
        )
    urls = base_url_map(base_urls, chosen)
    removal_confirmations()  # a bad $PARLWATCH_REMOVAL_CONFIRMATIONS: one line, before crawling
    if languages:
        check_languages(chosen, languages)
    archive_at(db_url)  # an unusable --db is one line here, not a failure inside Scrapy
    # the summary below reports every failure with its reason; -v shows Scrapy's own log
    overrides = {"LOG_LEVEL": "INFO" if verbose else "CRITICAL", "PARLWATCH_PROGRESS": not verbose}
    overrides.update(settings)
    if max_list_pages and all_news:
        raise click.UsageError("give --max-list-pages N or --all-news, not both")
    if max_list_pages or all_news:
        overrides["PARLWATCH_MAX_LIST_PAGES"] = 0 if all_news else max_list_pages
    extra = {"languages": languages} if languages else {}
    summaries = run_crawls(chosen, urls, db_url=db_url, overrides=overrides, **extra)
    failed = False
    for name in chosen:
        summary = summaries.get(name)
        if summary is None:
            click.echo(f"crawl of {name} did not start", err=True)
            failed = True
            continue
        click.echo(_crawl_summary_text(name, summary))
        failed = failed or summary.status not in APPLIED
    from crawler.stale import stale_warning
    from parlwatch.notify import notify_crawls

    finished = [
        s.crawl_id
        for s in summaries.values()
        if s is not None and (s.status in APPLIED or stale_warning(s.stats))  # a stale registry
    ]
    notify_crawls(db_url, finished, echo=lambda line: click.echo(line, err=True))
    if failed:
        sys.exit(1)


def _crawl_summary_text(spider: str, summary) -> str:
    from crawler.completeness import describe_failed
    from crawler.stale import stale_warning

    stats = summary.stats
    outcomes = stats.get("pages_by_outcome", {})
    # "gone" is a page that answered a definite 404/410 for a withdrawn item: news, not failure
    failed = sum(n for outcome, n in outcomes.items() if outcome not in ("ok", "gone"))
    lines = [
        f"crawl {summary.crawl_id} of {spider}: {summary.status}"
        + (f" — {summary.reason}" if summary.reason else ""),
        f"  pages: {stats.get('pages', 0)} ({failed} failed; "
        + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
        + ")",
        f"  records: {sum(stats.get('records_by_type', {}).values())} "
        + json.dumps(stats.get("records_by_type", {})),
        f"  new versions: {stats.get('history/new_versions', 0)}, "
        f"changes: {stats.get('history/changes', 0)}",
    ]
    for page in stats.get("failed_pages", []):
        lines.append(f"  not whole: {describe_failed(page)}")
    stale = stale_warning(stats)
    if stale:
        lines.append(f"  WARNING: {stale}")
    if summary.status == "partial":
        lines.append("  applied, but the sets of the pages above removed nothing")
    elif summary.status != "finished":
        lines.append("  nothing was applied to the history (the crawl did not finish)")
    return "\n".join(lines)
