"""Options and helpers shared by the scheduling, crawls and notify commands."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import click

from store.countries import CODES as COUNTRY_CODES

if TYPE_CHECKING:
    from store.archive import Archive

DB_OPTION = click.option(
    "--db",
    "db_url",
    envvar="PARLWATCH_DB",
    help="Archive: SQLAlchemy URL or SQLite file [env PARLWATCH_DB; default ./parlwatch.db].",
)
FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)


def archive_at(db_url: str | None) -> Archive:
    """The archive named by ``--db`` (or ``$PARLWATCH_DB``, or ./parlwatch.db), made if missing:
    for the commands that write (crawl, schedule, notify, import, ...)."""
    from store.archive import Archive

    return Archive(db_url)


def existing_archive(db_url: str | None) -> Archive:
    """The archive named by ``--db``, which must exist: the commands that only read never make
    one, so a mistyped path is an error (``ArchiveNotFound``), not an empty history."""
    from store.archive import Archive

    return Archive(db_url, create_missing=False)


def stamp(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%SZ") if moment else "-"


def iso(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def check_languages(sites: list[str], languages: str) -> None:
    """Refuse a --language that one of ``sites`` does not publish, before anything starts."""
    from crawler.registry import site_config

    wanted = {lang.strip() for lang in languages.split(",") if lang.strip()}
    for site in sites:
        have_codes = site_config(site).language_codes
        missing = wanted - set(have_codes)
        if missing:
            have = ", ".join(have_codes)
            raise click.BadParameter(
                f"{site} has no {', '.join(sorted(missing))} edition (it has: {have})",
                param_hint="--language",
            )


# ISO codes of the assembly's member states (Armenia appears in some captures).
KNOWN_COUNTRIES = COUNTRY_CODES


def validate_sites(ctx: click.Context, param: click.Parameter, value):
    """Click callback: every given site id must exist (one value or a tuple of them)."""
    from crawler.registry import site_ids

    values = value if isinstance(value, tuple) else (value,) if value else ()
    allowed = site_ids() + (["national"] if param.name == "source" else [])
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise click.BadParameter(f"unknown {', '.join(unknown)}; known: {', '.join(allowed)}")
    return value


def validate_countries(ctx: click.Context, param: click.Parameter, value):
    """Click callback: ISO codes of member states, upper-cased."""
    values = value if isinstance(value, tuple) else (value,) if value else ()
    upper = tuple(v.upper() for v in values)
    unknown = [v for v in upper if v not in KNOWN_COUNTRIES]
    if unknown:
        raise click.BadParameter(
            f"unknown country {', '.join(unknown)}; known: {', '.join(KNOWN_COUNTRIES)}"
        )
    return upper if isinstance(value, tuple) else (upper[0] if upper else value)


def base_url_map(values: tuple[str, ...], sites: list[str]) -> dict[str, str]:
    """``--base-url`` values -> {site: url}; a bare URL is allowed when one site is crawled."""
    urls: dict[str, str] = {}
    for value in values:
        site, sep, url = value.partition("=")
        if not sep or "://" in site:
            if len(sites) != 1:
                raise click.BadParameter("with several sites, write --base-url SITE=URL")
            site, url = sites[0], value
        elif site not in sites:
            raise click.BadParameter(f"--base-url names {site!r}, which is not being crawled")
        if not url.startswith(("http://", "https://")):
            raise click.BadParameter(f"{value!r}: a base URL starts with http:// or https://")
        urls[site] = url
    return urls


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
