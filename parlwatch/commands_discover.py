"""``parlwatch discover``: find a national site's delegation page, news list and article pattern
again, and propose (or write) its registry entry."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from parlwatch.cli_options import base_url_map, validate_discoverable_site
from store.wording import plural


@click.command()
@click.argument("site", callback=validate_discoverable_site)
@click.option("--base-url", help="Crawl this host instead of the registry's (a replica, a mirror).")
@click.option("--write", is_flag=True, help="Update sites.toml after showing the difference.")
@click.option(
    "--delay",
    type=click.FloatRange(0, 30),
    default=0.5,
    show_default=True,
    help="Seconds between requests.",
)
@click.option(
    "--max-pages", type=click.IntRange(5, 1000), default=150, show_default=True, help="Page cap."
)
def discover(site: str, base_url: str | None, write: bool, delay: float, max_pages: int) -> None:
    """Crawl a national site a little (home page to depth 3, robots.txt sitemaps, feeds, site
    search; robots.txt obeyed) and propose its registry entry.

    \b
    Examples:
      parlwatch discover duma_ru
      parlwatch discover parlament_tj --base-url http://127.0.0.1:8000 --write
    """
    from scrapy.crawler import CrawlerProcess

    from crawler.discovery import entry_toml, propose, registry_diff, rewrite_registry
    from crawler.discovery_spider import DISCOVERY_SETTINGS, DiscoverySpider
    from crawler.registry import REGISTRY_FILE, site_config

    config = site_config(site)
    base = (base_url_map((base_url,), [site])[site] if base_url else config.base_url).rstrip("/")
    settings = DISCOVERY_SETTINGS | {"DOWNLOAD_DELAY": delay, "CLOSESPIDER_PAGECOUNT": max_pages}
    process = CrawlerProcess(settings | {"LOG_INSTALL_ROOT_HANDLER": False})
    crawler = process.create_crawler(DiscoverySpider)
    process.crawl(crawler, site=config, base_url=base)
    process.start()
    findings = crawler.spider.findings
    if not any(page.status == 200 for page in findings.pages.values()):
        click.echo(
            f"error: nothing fetched at {base}: is the site up, the base URL right?", err=True
        )
        sys.exit(1)
    click.echo(
        f"# {site}: {plural(len(findings.pages), 'page')}, "
        f"{plural(len(findings.sitemaps), 'sitemap')}, {plural(len(findings.feeds), 'feed')}, "
        f"{plural(len(findings.searched), 'search', 'searches')} read at {base}"
    )
    proposals = [propose(config, lang, findings) for lang in config.language_codes]
    for proposal in proposals:
        old = config.languages[proposal.language]
        for key, why in proposal.reasons.items():
            value = getattr(proposal.paths, key)
            mark = "=" if getattr(old, key) == value else "*"
            click.echo(f"# {mark} {proposal.language} {key}: '{value}' ({why})")
    click.echo(entry_toml(config, proposals))
    if write:
        path = Path(str(REGISTRY_FILE))
        old_text = path.read_text(encoding="utf-8")
        new_text = rewrite_registry(old_text, site, proposals)
        if new_text == old_text:
            click.echo(f"{path}: already up to date")
            return
        click.echo(registry_diff(old_text, new_text, str(path)))
        path.write_text(new_text, encoding="utf-8")
        click.echo(f"{path}: {site} updated")
    sys.exit(0)
