"""The archivists' commands: capture index, snapshots, TimeMaps, entity history, WARC in and out.

Register in ``parlwatch/cli.py``::

    from parlwatch.commands_archive import ARCHIVE_COMMANDS, warc_export
    for command in ARCHIVE_COMMANDS:
        cli.add_command(command)
    export.add_command(warc_export)

This module never imports ``parlwatch.cli`` (so ``cli.py`` may import it at the top).
``ARCHIVE_COMMANDS`` and ``warc_export`` are looked up on first use, so that ``captures`` or
``snapshot`` does not import the WARC and maintenance commands.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from parlwatch.cli_options import (
    DB_OPTION,
    FORMAT_OPTION,
    date_option,
    existing_archive,
)
from parlwatch.output import echo_json, echo_json_array, echo_lines
from store.wording import plural


def status_filter(value: str | None) -> str | None:
    """``--status``: an HTTP status code, or ``none`` (and its aliases) for failed fetches."""
    if value is None or value.lower() in ("none", "null", "-", "error"):
        return value
    if not value.isdigit() or not 100 <= int(value) <= 599:
        raise click.BadParameter(f"{value!r} is neither an HTTP status (200, 404, …) nor none")
    return value


@click.command()
@click.argument("url")
@DB_OPTION
@click.option(
    "--match",
    type=click.Choice(["exact", "prefix", "host", "domain"]),
    default="exact",
    show_default=True,
    help="Which URLs: this one, all under it, all on its host, or host and subdomains.",
)
@date_option("--from", "since", end=False, help="From this time (inclusive).")
@date_option("--to", "until", end=True, help="Up to this time (inclusive).")
@click.option("--collapse", type=click.Choice(["digest"]), help="Drop repeats of the same content.")
@click.option(
    "--status",
    callback=lambda _ctx, _param, value: status_filter(value),
    help="Only this HTTP status (none: fetches that got no response).",
)
@click.option("--language", help="Only captures made asking for this language.")
@click.option("--limit", type=int, help="At most N rows (negative: the last N).")
@click.option(
    "--resume-key",
    type=click.IntRange(min=1),
    help="The next page: start after this capture (a page cut by --limit names it on stderr).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "cdxj"]),
    default="text",
    show_default=True,
)
def captures(
    url: str,
    db_url: str | None,
    match: str,
    since: datetime | None,
    until: datetime | None,
    collapse: str | None,
    status: str | None,
    language: str | None,
    limit: int | None,
    resume_key: int | None,
    fmt: str,
) -> None:
    """Every capture of URL, oldest first (the Wayback CDX server's vocabulary).

    URLs match in canonical form: http/https, www. and a trailing slash do not matter. A page
    cut short by --limit ends with "more: --resume-key ID" on stderr; pass it for the next.

    \b
    Examples:
      parlwatch captures https://pacsto.org/ --collapse digest
      parlwatch captures pacsto.org/events/ --match prefix --from 2025 --to 202606
      parlwatch captures https://pacsto.org/ --status none      # failed fetches
      parlwatch captures pacsto.org --match host --limit 1000 --resume-key 5012
    """
    from archive.capture_index import iter_captures
    from parlwatch.capture_listing import Page, cdxj_text, resume_point_of, text_line

    if since and until and since > until:
        raise click.BadParameter(f"--from ({since}) must be before --to ({until})")
    archive = existing_archive(db_url)
    after = resume_point_of(archive, resume_key, limit)
    page = Page(limit if limit is not None and limit > 0 else None)
    rows = page.rows(
        iter_captures(
            archive,
            url,
            match=match,
            since=since,
            until=until,
            collapse=collapse,
            status=status,
            language=language,
            limit=limit + 1 if page.size else limit,  # one more: is there a next page?
            after=after,
        )
    )
    if fmt == "json":
        echo_json_array(row.to_dict() for row in rows)
    elif fmt == "cdxj":
        echo_lines(cdxj_text(row) for row in rows)
    elif not echo_lines(text_line(row) for row in rows):
        click.echo("no captures")
    if page.more:
        click.echo(f"more: --resume-key {page.last.id}", err=True)


@click.command()
@click.argument("url")
@date_option("--at", "at", end=True, required=True, help="Date or time.")
@DB_OPTION
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the body here.")
@click.option("--headers", is_flag=True, help="Print provenance and response headers first.")
@click.option("--language", help="The language asked for (pacsto serves en and ru at one URL).")
@click.option("--any-status", is_flag=True, help="Also error pages (4xx/5xx), not only 2xx.")
def snapshot(
    url: str,
    at: datetime,
    db_url: str | None,
    output: str | None,
    headers: bool,
    language: str | None,
    any_status: bool,
) -> None:
    """The body of URL exactly as captured at or before --at: byte for byte, original encoding.

    The capture time, status and SHA-256 digest go to stderr (with --headers: to stdout before
    the body, like curl -i); the digest is the proof: sha256sum of the body equals it, and so
    does the WARC-Payload-Digest of the record in `parlwatch export warc`.

    \b
    Example:
      parlwatch snapshot https://pacsto.org/ --at 2025-06-01 --language en --headers
    """
    from archive.snapshots import SnapshotError, find_snapshot

    try:
        snap = find_snapshot(existing_archive(db_url), url, at, language, any_status)
    except SnapshotError as exc:
        raise click.ClickException(str(exc)) from exc
    lines = _provenance(snap)
    out = sys.stdout.buffer
    if headers:
        status = snap.capture.status
        head = [
            f"HTTP/1.1 {status} {_reason(status)}".rstrip(),
            *lines,
            *(f"{k}: {v}" for k, v in snap.headers.items()),
        ]
        out.write(("\r\n".join(head) + "\r\n\r\n").encode("utf-8"))
    else:
        click.echo("\n".join(lines), err=True)
    if output:
        Path(output).write_bytes(snap.body)
        click.echo(f"wrote {plural(len(snap.body), 'byte')} to {output}", err=True)
    else:
        out.write(snap.body)
        out.flush()


def _reason(status: int | None) -> str:
    import http

    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def _provenance(snap) -> list[str]:
    from archive.timemap import http_date

    cap, src = snap.capture, snap.body_capture
    lines = [
        f"Memento-Datetime: {http_date(cap.fetched_at)}",
        f"Parlwatch-Captured-At: {cap.fetched_at.isoformat()}Z",
        f"Parlwatch-Capture: {cap.id} (crawl {cap.crawl_id}, {cap.spider})",
        f"Parlwatch-URL: {cap.url}",
        f"Parlwatch-Language: {cap.language or 'unknown'}",
        f"Parlwatch-Status: {cap.status}",
        f"Parlwatch-Digest: {snap.digest}",
        f"Parlwatch-Length: {len(snap.body)}",
    ]
    if src.id != cap.id:
        lines.append(
            f"Parlwatch-Body-From: capture {src.id} at {src.fetched_at.isoformat()}Z "
            f"(capture {cap.id} was a 304 Not Modified)"
        )
    if snap.skipped:
        later = ", ".join(f"{r.status or 'no response'} at {r.timestamp}" for r in snap.skipped)
        lines.append(f"Parlwatch-Later-Failed-Fetches: {later}")
    return lines


@click.command()
@click.argument("url")
@DB_OPTION
@click.option("--language", help="Only captures made asking for this language.")
@click.option(
    "--replay-url",
    envvar="PARLWATCH_REPLAY_URL",
    help="Root of the replay server (what `parlwatch replay` prints) [env PARLWATCH_REPLAY_URL].",
)
@click.option(
    "--collection",
    envvar="PARLWATCH_REPLAY_COLLECTION",
    default="parlwatch",
    show_default=True,
    help="The collection `parlwatch replay` serves [env PARLWATCH_REPLAY_COLLECTION].",
)
@click.option("--archive-url", hidden=True, help="A wb-manager collection of `export warc`.")
@click.option("--match", type=click.Choice(["exact", "prefix"]), default="exact", hidden=True)
def timemap(
    url: str,
    db_url: str | None,
    language: str | None,
    replay_url: str | None,
    collection: str,
    archive_url: str | None,
    match: str,
) -> None:
    """A Memento TimeMap (RFC 7089, application/link-format) of URL's captures.

    Each memento is the capture's replay URL on the server `parlwatch replay` runs; give its
    address with --replay-url or PARLWATCH_REPLAY_URL.

    \b
    Example:
      parlwatch timemap https://pacsto.org/ --language en --replay-url http://127.0.0.1:8080
    """
    from archive.capture_index import query_captures
    from archive.replay import configured_address, wb_manager_address
    from archive.timemap import timemap as build
    from archive.url_match import with_scheme
    from crawler.urls import canonical_url

    try:
        replay = (
            wb_manager_address(archive_url)
            if archive_url
            else configured_address(replay_url, collection)
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--replay-url") from exc
    rows = query_captures(existing_archive(db_url), url, match=match, language=language)
    if not rows:
        asked = f" asked for in {language}" if language else ""
        raise click.ClickException(f"no captures of {url}{asked}")
    if replay is None:
        raise click.ClickException(
            f"{plural(len(rows), 'capture')} of {url}, but no replay server is configured, so "
            "there are no memento URIs to list: start `parlwatch replay` and pass the address it "
            "prints as --replay-url (or set PARLWATCH_REPLAY_URL). `parlwatch captures URL` lists "
            "the captures without one."
        )
    click.echo(build(canonical_url(with_scheme(url)), rows, replay, language), nl=False)


@click.command()
@click.argument("entity")
@DB_OPTION
@FORMAT_OPTION
def history(entity: str, db_url: str | None, fmt: str) -> None:
    """The versions of ENTITY (a key such as pacsto/en/delegation/RU), oldest first.

    "seen" times are when parlwatch saw the content (capture times); "published" is the date
    the content itself carries. "cause" tells site changes from parser changes (reparse).
    """
    from parlwatch.archive_text import history_text

    archive = existing_archive(db_url)
    data = _history(archive, entity)
    _mark_confirmations(archive, data)
    echo_json(data.to_dict()) if fmt == "json" else click.echo(history_text(data))


def _mark_confirmations(archive, data) -> None:
    """A corroborated removal is dated at the first crawl that lacked the entity but recorded
    when a later crawl confirmed it (its ``stats.removals_confirmed``): name that crawl too."""
    from store.crawl_history import crawls_after, get_crawl

    for removal in data.removals:
        first = get_crawl(archive, removal["crawl"])
        later = crawls_after(archive, first.site, first.id) if first else []
        removal["confirmed_by"] = next(
            (
                crawl.id
                for crawl in later
                if [first.id, data.key] in (crawl.stats.get("removals_confirmed") or [])
            ),
            None,
        )


def _history(archive, entity: str):
    from store.entity_history import entity_history, find_keys

    try:
        return entity_history(archive, entity)
    except LookupError:
        near = find_keys(archive, entity.rsplit("/", 1)[-1]) or find_keys(
            archive, entity.rsplit("/", 1)[0]
        )
        hint = ("; did you mean: " + ", ".join(near)) if near else ""
        raise click.ClickException(f"no entity {entity!r}{hint}") from None


@click.command()
@click.argument("entity")
@date_option("--at", "at", end=True, required=True, help="Date or time.")
@DB_OPTION
@FORMAT_OPTION
def show(entity: str, at: datetime, db_url: str | None, fmt: str) -> None:
    """ENTITY as it stood at --at: the version then in force, with where it was seen."""
    from parlwatch.archive_text import entity_at_text
    from store.entity_history import entity_at

    archive = existing_archive(db_url)
    _history(archive, entity)
    state = entity_at(archive, entity, at)
    if fmt == "json":
        echo_json(
            {
                "entity": entity,
                "at": state.at.isoformat() + "Z",
                "status": state.status,
                "note": state.note,
                "version": state.history.to_dict()["versions"][state.version.number - 1]
                if state.version
                else None,
            }
        )
    else:
        click.echo(entity_at_text(state))
    if state.version is None:
        sys.exit(1)


def __getattr__(name: str) -> Any:
    """``ARCHIVE_COMMANDS`` (every archive command, for a group that registers them all) and
    ``warc_export``, imported only when asked for."""
    if name == "warc_export":
        from parlwatch.commands_warc import warc_export

        return warc_export
    if name == "ARCHIVE_COMMANDS":
        from parlwatch.commands_maintenance import MAINTENANCE_COMMANDS
        from parlwatch.commands_warc import import_

        return [captures, snapshot, timemap, history, show, import_, *MAINTENANCE_COMMANDS]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
