"""``parlwatch replay``: the archive in pywb, every capture as it was, kept in step with crawls.

Register in ``parlwatch/cli.py`` with ``cli.add_command(replay)``.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from parlwatch.cli_options import DB_OPTION, existing_archive
from store.wording import plural


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGTERM or SIGINT (Ctrl-C) instead of dying mid-write."""
    stop = threading.Event()
    previous = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.signal(signum, lambda *_: stop.set())
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _echo_written(done) -> None:
    note = f"; {done.unresolved_304} 304s without their body" if done.unresolved_304 else ""
    click.echo(
        f"crawl {done.crawl} ({done.spider}, {done.status}): {plural(done.captures, 'capture')} "
        f"replayable, {plural(done.warc_bytes, 'byte')} of WARC, in {done.seconds:.2f} s{note}"
    )


@click.command()
@DB_OPTION
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="PARLWATCH_REPLAY_DIR",
    help="The replay folder (WARCs and indexes) [env PARLWATCH_REPLAY_DIR; default: beside a "
    "SQLite archive, ARCHIVE.replay/, else ./parlwatch-replay].",
)
@click.option(
    "--collection",
    envvar="PARLWATCH_REPLAY_COLLECTION",
    default="parlwatch",
    show_default=True,
    help="The collection's name in replay URLs [env PARLWATCH_REPLAY_COLLECTION].",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    show_default=True,
    help="Port (0: any free port).",
)
@click.option(
    "--poll",
    type=click.FloatRange(min=0.2),
    default=5.0,
    show_default=True,
    help="Seconds between looks for crawls that ended.",
)
@click.option("--sync-only", is_flag=True, help="Write the crawls not yet written, then exit.")
def replay(
    db_url: str | None,
    folder: Path | None,
    collection: str,
    host: str,
    port: int,
    poll: float,
    sync_only: bool,
) -> None:
    """Replay the archive in pywb: every capture as it was, kept in step with the crawls.

    Each crawl that has ended is written once to the replay folder as a WARC and CDXJ indexes
    (at start, then every --poll seconds), so a new crawl is replayable seconds after it ends.
    Stops cleanly on SIGTERM or Ctrl-C.

    \b
    Replay URLs (COLL is --collection; COLL-en / COLL-ru hold one language each, and give a
    page served in two languages at one URL an address per language):
      /COLL-en/20250601090000/https://pacsto.org/       the page, rewritten for the browser
      /COLL-en/20250601090000id_/https://pacsto.org/    the bytes exactly as captured
      /COLL/timemap/link/https://pacsto.org/            pywb's TimeMap
      /COLL/cdx?url=https://pacsto.org/&output=json     pywb's CDX server
    """
    from archive.replay_collection import ReplayCollection, ReplayFolderError, default_folder
    from archive.replay_server import PortBusy, claim_port, pywb_missing

    archive = existing_archive(db_url)
    if not sync_only:  # what can refuse to start is checked before any work
        missing = pywb_missing()
        if missing:
            raise click.ClickException(missing)
        try:
            if port:
                claim_port(host, port)
        except PortBusy as exc:
            raise click.ClickException(f"{exc}: nothing was started; choose --port") from exc
    try:
        replay_folder = ReplayCollection(folder or default_folder(archive), collection)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--collection") from exc
    try:
        reason = replay_folder.open(archive)
    except ReplayFolderError as exc:
        raise click.ClickException(str(exc)) from exc
    if reason:
        click.echo(f"{replay_folder.root}: written again from the archive: {reason}")
    with _stop_on_signals() as stop:
        try:
            result = replay_folder.sync(archive, stop.is_set, _echo_written)
            if sync_only or result.stopped:
                _echo_usage(replay_folder)
                return
            _serve(archive, replay_folder, (host, port), stop, poll)
        finally:
            replay_folder.close()


def _serve(archive, replay_folder, address: tuple[str, int], stop: threading.Event, poll: float):
    from sqlalchemy.exc import OperationalError

    from archive.replay_server import PortBusy, PywbFailed, PywbProcess, start_on_free_port

    host, port = address
    pywb = None
    try:
        if port:
            pywb = PywbProcess(replay_folder.root, host, port)
            pywb.start(stop=stop.is_set)
        else:
            pywb = start_on_free_port(replay_folder.root, host, stop=stop.is_set)
        name = replay_folder.name
        if not stop.is_set():
            click.echo(
                f"serving {replay_folder.root} on {pywb.url}/{name}/ (pywb log: {pywb.log}); "
                f"replay URLs for `timemap` and reports: PARLWATCH_REPLAY_URL={pywb.url}"
                + ("" if name == "parlwatch" else f" PARLWATCH_REPLAY_COLLECTION={name}")
                + "; SIGTERM or Ctrl-C stops",
            )
        while not stop.wait(poll):
            if not pywb.alive():
                raise PywbFailed("pywb stopped on its own:\n" + pywb.tail())
            try:
                replay_folder.sync(archive, stop.is_set, _echo_written)
            except OperationalError as exc:  # the database restarting, say: try again later
                reason = str(exc.orig or exc).strip().splitlines()[0]
                click.echo(f"warning: cannot read the archive now ({reason}); will retry", err=True)
    except (PywbFailed, PortBusy) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    finally:
        if pywb is not None:
            pywb.stop()
    click.echo("stopped: pywb and everything it ran have ended")


def _echo_usage(replay_folder) -> None:
    usage = replay_folder.disk_usage()
    per_capture = (usage["warc_bytes"] + usage["index_bytes"]) / max(usage["captures"], 1)
    click.echo(
        f"{replay_folder.root}: {plural(usage['crawls'], 'crawl')}, "
        f"{plural(usage['captures'], 'capture')}, "
        f"{plural(usage['warc_bytes'], 'byte')} of WARC and {usage['index_bytes']} of indexes "
        f"({per_capture:.0f} bytes per capture); collections: "
        + ", ".join(replay_folder.collection_names())
    )
