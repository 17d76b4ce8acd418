"""``parlwatch report``: the analysts' change report (register with ``cli.add_command(report)``)."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from itertools import islice
from pathlib import Path
from typing import TextIO

import click

from parlwatch.cli_options import (
    date_option,
    existing_archive,
    validate_countries,
    validate_sites,
)
from parlwatch.process_end import keep_until_exit
from store.entities import TYPES
from store.wording import plural

FORMATS = ["md", "html", "csv", "json", "atom"]


@click.command()
@click.option(  # as parlwatch.cli's --db; not imported, so cli.py may import this module early
    "--db",
    "db_url",
    envvar="PARLWATCH_DB",
    help="Archive: SQLAlchemy URL or SQLite file [env PARLWATCH_DB; default ./parlwatch.db].",
)
@date_option("--since", end=False, help="Changes detected since this date.")
@date_option("--until", end=True, help="Changes detected up to this date (default: now).")
@click.option(
    "--country",
    "countries",
    multiple=True,
    callback=validate_countries,
    help="ISO code, e.g. RU (repeatable).",
)
@click.option(
    "--site",
    "sites",
    multiple=True,
    callback=validate_sites,
    help="Site id, e.g. pacsto (repeatable).",
)
@click.option(
    "--type", "types", multiple=True, type=click.Choice(TYPES), help="Entity type (repeatable)."
)
@click.option(
    "--min-significance",
    type=click.Choice(["minor", "routine", "wording", "substantive"]),
    default="minor",
    show_default=True,
    help="Leave out changes below this level.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="md", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file (default: stdout).",
)
@click.option("--net", is_flag=True, help="Net change per entity over the period; list flip-flops.")
@click.option(
    "--bom",
    is_flag=True,
    help="CSV: start with a UTF-8 byte-order mark, so spreadsheets (Excel) read Cyrillic right.",
)
@click.option(
    "--replay-url",
    envvar="PARLWATCH_REPLAY_URL",
    help="Replay server (pywb) root: capture links open the exact capture there "
    "[env PARLWATCH_REPLAY_URL; default: none, links go to the live pages and say so].",
)
@click.option(
    "--replay-collection",
    envvar="PARLWATCH_REPLAY_COLLECTION",
    help="The archive's collection on the replay server [default: parlwatch].",
)
def report(
    db_url: str | None,
    since: str | None,
    until: str | None,
    countries: tuple[str, ...],
    sites: tuple[str, ...],
    types: tuple[str, ...],
    min_significance: str,
    fmt: str,
    output: str | None,
    net: bool,
    bom: bool,
    replay_url: str | None,
    replay_collection: str | None,
) -> None:
    """What changed, in words, grouped by country and entity, with each change's significance.

    The summary says which crawls the changes came from and which crawls failed in the
    period, so that "no change" is never mistaken for "not checked".

    \b
    Examples:
      parlwatch report --since "30 days ago"
      parlwatch report --country RU --min-significance wording --format html -o report.html
      parlwatch report --net --since 2026-01-01 --format atom -o changes.atom
      parlwatch report --format csv --bom -o changes.csv
      parlwatch report --replay-url http://127.0.0.1:8080 --format html -o report.html
    """
    from crawler.registry import load_registry, national_sites
    from parlwatch.cli_options import parse_when
    from reports.checks import ChamberRule
    from reports.render_data import render_chunks
    from reports.report import Options, build_report

    registry = national_sites()
    wanted = {c.upper() for c in countries}
    spiders = None
    if wanted and not sites:  # the assembly covers every country, a national site its own
        spiders = ["pacsto"] + [s.id for s in registry.values() if s.country in wanted]
    since_at, until_at = parse_when(since), parse_when(until)
    if since_at and until_at and since_at >= until_at:
        raise click.BadParameter(f"--since ({since}) must be before --until ({until})")
    options = Options(
        since=since_at,
        until=until_at,
        countries=sorted(wanted),
        sites=list(sites),
        types=list(types),
        min_significance=min_significance,
        net=net,
        spiders=spiders,
        site_info={s.id: (s.country, s.name) for s in load_registry().values()},
    )
    rules = [ChamberRule(s.id, s.country, s.assembly_match) for s in registry.values()]
    linker = capture_linker(replay_url, replay_collection)
    archive = existing_archive(db_url)
    with without_cycle_collection():
        built = build_report(archive, options, rules, replay=linker, timelines=fmt == "html")
        chunks = render_chunks(built, fmt, bom=bom)
        if output:
            with replaced_when_done(output) as handle:
                write_chunks(chunks, handle.write)
        else:
            write_chunks(chunks, partial(click.echo, nl=False))
        changes = len(built.items)
        archive.engine.dispose()  # its connections closed: the process may end without it
        keep_until_exit(built)  # not freed one by one if the process ends next (process_end)
        del built, chunks  # freed before collection resumes (see without_cycle_collection)
    if output:
        click.echo(f"wrote {plural(changes, 'change')} to {output}", err=True)


def write_chunks(chunks: Iterable[str], write: Callable[[str], object], batch: int = 1024) -> None:
    """The document as it is rendered, ``batch`` pieces a write: it is never one string (80 MB
    over 100,000 changes), and a write per piece (a change) would cost more than the joins."""
    pieces = iter(chunks)
    while pieces_now := list(islice(pieces, batch)):
        write("".join(pieces_now))


@contextmanager
def replaced_when_done(output: str) -> Iterator[TextIO]:
    """A file to write the report to that becomes ``output`` only once it is whole: the report
    is written as it is rendered, and a rendering that fails half way must leave the file that
    was there (an earlier report) as it was. A path that is no regular file (``/dev/stdout``, a
    pipe) is written to directly."""
    target = Path(output)
    if target.exists() and not target.is_file():
        with open(target, "w", encoding="utf-8", newline="") as handle:
            yield handle
        return
    part = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        with open(part, "w", encoding="utf-8", newline="") as handle:
            yield handle
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """No cyclic garbage collection while a report is built and rendered: it makes millions of
    small objects that live until the end (100k changes with their records, statements and
    lines), and every collection of the oldest generation walked all of them again (a quarter
    of the command's time). What the report drops is freed by reference counting all the
    same; what cycles it leaves are collected afterwards. Drop the report inside the block:
    every object made while collection was off is still in the youngest generation, and the
    first collection after it resumes walks whatever of them is still alive (0.3 s for a
    report of 100,000 changes)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def capture_linker(base: str | None, collection: str | None):
    """The replay URL maker for reports (reports never import archive), or None."""
    from archive.replay import configured_address

    try:
        address = configured_address(base, collection)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--replay-url") from None
    if address is None:
        return None

    def link(url: str, fetched_at, language: str | None) -> str:
        return address.memento(fetched_at.strftime("%Y%m%d%H%M%S"), url, language)

    return link
