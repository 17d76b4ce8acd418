"""``parlwatch notify``: where the changes of each crawl are sent.

Registered in ``parlwatch/cli.py`` with ``cli.add_command(notify)``.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import click

from parlwatch.cli_options import (
    DB_OPTION,
    FORMAT_OPTION,
    SITES_OPTION,
    archive_at,
    validate_countries,
)
from parlwatch.notify.filters import CATEGORIES, LEVELS

if TYPE_CHECKING:
    from store.notifications import Target


def masked(url: str) -> str:
    """A URL safe to show: scheme and host, never the tokens or passwords after them."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme in ("http", "https"):
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{host}{port}{parts.path}" + ("?…" if parts.query else "")
    return f"{parts.scheme}://…"


@click.group()
def notify() -> None:
    """Notification targets: a webhook gets each crawl's changes as JSON, anything Apprise
    supports (e-mail, Telegram, Slack, …) gets a text message. One message per crawl."""


@notify.command("add")
@click.argument("name")
@click.argument("url")
@click.option(
    "--category",
    "categories",
    multiple=True,
    type=click.Choice(CATEGORIES),
    help="Only changes of this category (repeatable; default: all).",
)
@click.option(
    "--country",
    "countries",
    multiple=True,
    callback=validate_countries,
    help="Only this country, e.g. RU.",
)
@SITES_OPTION
@click.option(
    "--min-level", type=click.Choice(LEVELS), help="Only changes at least this significant."
)
@DB_OPTION
def notify_add(
    name: str,
    url: str,
    categories: tuple[str, ...],
    countries: tuple[str, ...],
    sites: tuple[str, ...],
    min_level: str | None,
    db_url: str | None,
) -> None:
    """Send changes to URL, under NAME.

    URL is an http(s) webhook (receives JSON: the crawl and its changes, as `parlwatch changes
    --format json` gives them) or an Apprise URL (receives a text message).

    \b
    Examples:
      parlwatch notify add team-hook https://example.org/hooks/parlwatch
      parlwatch notify add seats-mail "mailtos://user:app-password@gmail.com" --category seats
      parlwatch notify add ru-telegram "tgram://BOT_TOKEN/CHAT_ID" --country RU
    """
    from parlwatch.notify.senders import apprise_accepts, is_webhook
    from store.notifications import add_target

    if not name.strip():
        raise click.BadParameter("a target needs a name (e.g. team-hook)", param_hint="NAME")
    if not is_webhook(url) and not apprise_accepts(url):
        raise click.BadParameter("neither http(s) nor a URL Apprise supports", param_hint="URL")
    try:
        target = add_target(
            archive_at(db_url), name, url, list(categories), list(countries), list(sites), min_level
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="NAME") from exc
    click.echo(f"target {target.name}: {masked(target.url)} {_filters(target)}")


def _filters(target: Target) -> str:
    parts = [
        f"{label} {','.join(values)}"
        for label, values in (
            ("categories", target.categories),
            ("countries", target.countries),
            ("sites", target.sites),
        )
        if values
    ]
    if target.min_level:
        parts.append(f"level >= {target.min_level}")
    return "(" + ("; ".join(parts) or "all changes") + ")"


@notify.command("list")
@DB_OPTION
@FORMAT_OPTION
def notify_list(db_url: str | None, fmt: str) -> None:
    """List targets (URLs shown without their secrets)."""
    from store.notifications import list_targets

    targets = list_targets(archive_at(db_url))
    if fmt == "json":
        rows = [
            {
                "name": t.name,
                "url": masked(t.url),
                "categories": t.categories,
                "countries": t.countries,
                "sites": t.sites,
                "min_level": t.min_level,
            }
            for t in targets
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not targets:
        click.echo("no targets (add one with `parlwatch notify add`)")
    for t in targets:
        click.echo(f"{t.name:<20} {masked(t.url):<40} {_filters(t)}")


@notify.command("remove")
@click.argument("names", nargs=-1, required=True)
@DB_OPTION
def notify_remove(names: tuple[str, ...], db_url: str | None) -> None:
    """Delete targets NAMES."""
    from store.notifications import remove_target

    archive = archive_at(db_url)
    for name in names:
        if not remove_target(archive, name):
            raise click.BadParameter(f"no target {name!r}")
        click.echo(f"target {name}: removed")


@notify.command("test")
@click.argument("name")
@click.option(
    "--crawl", "crawl_id", type=int, help="Send this crawl's changes (default: a sample)."
)
@DB_OPTION
def notify_test(name: str, crawl_id: int | None, db_url: str | None) -> None:
    """Send to target NAME now: a sample change, or a crawl's changes (even if already sent).

    Exits 1 when the target could not be reached. Not kept in `notify log`.
    """
    from parlwatch.notify import send_now
    from store.notifications import list_targets

    archive = archive_at(db_url)
    target = next((t for t in list_targets(archive) if t.name == name), None)
    if target is None:
        raise click.BadParameter(f"no target {name!r}")
    try:
        outcome = send_now(archive, target, crawl_id)
    except LookupError as exc:
        raise click.BadParameter(str(exc), param_hint="--crawl") from exc
    click.echo(outcome.text())
    if outcome.status != "sent":
        sys.exit(1)


@notify.command("log")
@click.option("--crawl", "crawl_id", type=int, help="Only deliveries about this crawl.")
@DB_OPTION
def notify_log(crawl_id: int | None, db_url: str | None) -> None:
    """What was sent to which target about which crawl, and what failed."""
    from store.notifications import list_deliveries

    rows = list_deliveries(archive_at(db_url), crawl_id)
    if not rows:
        click.echo("nothing sent yet (what `notify test` sends is not logged)")
    for d in rows:
        error = f"  ({d.error})" if d.error else ""
        click.echo(
            f"crawl {d.crawl_id:>5}  {d.target:<20} {d.status:<16} "
            f"changes {d.changes:>3}  attempts {d.attempts}{error}"
        )
