"""Options and helpers shared by the commands: --db, dates, sites, countries, -s settings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
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


SITES_OPTION = click.option(  # the commands that read changes
    "--site",
    "sites",
    multiple=True,
    callback=validate_sites,
    help="Only changes on this site (repeatable).",
)


def validate_discoverable_site(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Click callback for ``discover``: a national site the generic spider reads (the others
    have a spider of their own, whose pages ``discover`` cannot propose)."""
    from crawler.registry import NATIONAL, load_registry

    registry = load_registry()
    readable = [sid for sid, site in registry.items() if site.kind == NATIONAL and not site.spider]
    if value not in readable:
        own = "has a spider of its own: nothing to discover"
        text = f"{value} {own}" if value in registry else f"unknown {value}"
        raise click.BadParameter(f"{text}; discover reads: {', '.join(readable)}")
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


DATES_HELP = (
    "Dates: 2026 (the year), 2026-01 (the month), 2026-01-31, 31.01.2026 or 31/01/2026 (day "
    'first), 2026-01-31T12:00, 20260131 (CDX), 3 April 2026, today, yesterday, now, "3 days ago".'
)
_START_HELP = "A period counts from its start (2026: from 1 January 2026)."
_END_HELP = "A period counts to its end (2026: to 31 December 2026, 23:59:59)."
_DAY_FIRST = re.compile(
    r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)
_ISO_ZONED = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?[+-]\d{2}:?\d{2}$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[./](\d{4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})[./-](\d{1,2})[./-](\d{1,2})$")  # 2026/04/03, 2026-4-3
_AGO = re.compile(r"^(\d+)\s*(second|minute|hour|day|week|month|year)s?\s+ago$", re.IGNORECASE)
_DAYS_BACK = {"today": 0, "yesterday": 1, "сегодня": 0, "вчера": 1}
_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400}


@dataclass(frozen=True)
class Period:
    """What a written date means: from ``start`` to ``end`` (inclusive, the last microsecond)."""

    start: datetime
    end: datetime


def _period_after(start: datetime, unit: str) -> Period:
    if unit == "year":
        after = start.replace(year=start.year + 1)
    elif unit == "month":
        after = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    elif unit == "day":
        after = start + timedelta(days=1)
    elif unit == "minute":
        after = start + timedelta(minutes=1)
    else:
        after = start + timedelta(seconds=1)
    return Period(start, after - timedelta(microseconds=1))


def parse_period(text: str, now: datetime | None = None) -> Period | None:
    """The period ``text`` names (see ``DATES_HELP``), or None when it is no date this grammar
    reads. Numeric dates are day-first unless ISO (the sites write 31.01.2026)."""
    from archive.capture_index import parse_timestamp

    value = " ".join(text.strip().split())
    now = now or datetime.now(UTC).replace(tzinfo=None)
    lowered = value.lower()
    try:
        start = parse_timestamp(value)
        if start is not None:
            return Period(start, parse_timestamp(value, upper=True))
        if _ISO_ZONED.match(value):  # 2026-01-31T12:00+03:00: a moment, in UTC
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            moment = moment.astimezone(UTC).replace(tzinfo=None)
            return Period(moment, moment)
        if lowered == "now":
            return Period(now, now)
        if lowered in _DAYS_BACK:
            day = datetime.combine(now.date(), time()) - timedelta(days=_DAYS_BACK[lowered])
            return _period_after(day, "day")
        if match := _AGO.match(value):
            return _ago(int(match[1]), match[2].lower(), now)
        if match := _DAY_FIRST.match(value):
            day, month, year, hour, minute, second = match.groups()
            start = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))
            if hour is None:
                return _period_after(start, "day")
            if second is None:
                return _period_after(start, "minute")
            return _period_after(start.replace(second=int(second)), "second")
        if match := _YEAR_FIRST.match(value):  # a year first is never day-first
            return _period_after(datetime(int(match[1]), int(match[2]), int(match[3])), "day")
        if match := _MONTH_YEAR.match(value):
            return _period_after(datetime(int(match[2]), int(match[1]), 1), "month")
    except (ValueError, OverflowError):  # 2026-13-01, 31.02.2026, "10**9 days ago": no such day
        return None
    return _named_date(value)


def _ago(count: int, unit: str, now: datetime) -> Period:
    if unit in _UNITS:
        moment = now - timedelta(seconds=count * _UNITS[unit])
    else:
        months = count * (12 if unit == "year" else 1)
        year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
        moment = now.replace(year=year, month=month + 1, day=min(now.day, 28))
    return Period(moment, moment)


def _named_date(value: str) -> Period | None:
    """Dates with a month's name and a year, in English or Russian: "3 April 2026", "марта 2026"."""
    if not re.search(r"[^\W\d_]", value) or not re.search(r"\b\d{4}\b", value):
        return None
    from dateparser.date import DateDataParser

    parser = DateDataParser(
        languages=["en", "ru"],
        settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "STRICT_PARSING": False},
    )
    data = parser.get_date_data(value)
    if data.date_obj is None or data.period not in ("year", "month", "day"):
        return None
    start = data.date_obj.replace(tzinfo=None)
    start = datetime.combine(start.date(), time())
    if data.period == "month":
        start = start.replace(day=1)
    elif data.period == "year":
        start = start.replace(month=1, day=1)
    return _period_after(start, data.period)


def parse_when(
    value: str | datetime | None, *, end: bool = False, option: str | None = None
) -> datetime | None:
    """A date as people write it -> naive UTC: the start of the period it names, or its end with
    ``end`` (``--until 2026`` is the last moment of 2026). Raises ``click.BadParameter`` naming
    ``option`` for anything else. A datetime (what a ``DateOption`` already read) is kept."""
    if value is None or isinstance(value, datetime):
        return value
    period = parse_period(value)
    if period is None:
        raise click.BadParameter(
            f"not a date: {value!r} (write e.g. 2026-01-31, 31.01.2026, 2026-01, 2026, today, "
            'yesterday or "3 days ago")',
            param_hint=option,
        )
    return period.end if end else period.start


class DateOption(click.ParamType):
    """A click type for dates (``DATES_HELP``): the start of the period, or its end."""

    name = "date"

    def __init__(self, end: bool) -> None:
        self.end = end

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        period = parse_period(str(value))
        if period is None:
            self.fail(
                f"not a date: {value!r} (write e.g. 2026-01-31, 31.01.2026, 2026-01, 2026, "
                'today, yesterday or "3 days ago")',
                param,
                ctx,
            )
        return period.end if self.end else period.start


def date_option(*names: str, end: bool, help: str, **kwargs):
    """A date option: ``end`` False for --since/--from (a period's start), True for
    --until/--to/--at (its end); ``--help`` gives the grammar."""
    return click.option(
        *names,
        type=DateOption(end),
        metavar="DATE",
        help=f"{help} {_END_HELP if end else _START_HELP} {DATES_HELP}",
        **kwargs,
    )


# Settings whose default is a whole number but which Scrapy (or parlwatch) reads as a float
# (``settings.getfloat``): a fraction is fine for them. Every other whole-number default is read
# with ``getint``, which fails on "2.5".
FRACTIONAL_SETTINGS = frozenset(
    {
        "DOWNLOAD_DELAY",
        "DOWNLOAD_TIMEOUT",
        "DNS_TIMEOUT",
        "CLOSESPIDER_TIMEOUT",
        "PARLWATCH_HEARTBEAT",
    }
)


def setting_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    """``-s KEY=VALUE`` pairs -> settings; Scrapy converts the strings where it reads them."""
    overrides: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key or not key.replace("_", "").isalnum() or not key.isupper():
            raise click.BadParameter(
                f"{pair!r}: write KEY=VALUE, e.g. DOWNLOAD_DELAY=2", param_hint="-s"
            )
        if key == "PARLWATCH_MAX_LIST_PAGES" and not value.strip().isdigit():
            raise click.BadParameter(f"{pair!r}: a number of pages (0: all)", param_hint="-s")
        _check_setting_type(pair, key, value)
        overrides[key] = value
    return overrides


def _check_setting_type(pair: str, key: str, value: str) -> None:
    """A value Scrapy would fail to read as its setting's type (a flag, a whole number, a
    number) is refused now, in one line, rather than as a traceback from inside the crawl."""
    from scrapy.settings import default_settings

    from crawler import settings as project

    default = getattr(project, key, getattr(default_settings, key, None))
    text = value.strip()
    if isinstance(default, bool):
        ok = text.lower() in ("true", "false", "1", "0")
        kind = "true or false"
    elif isinstance(default, int) and key not in FRACTIONAL_SETTINGS:
        kind = "a whole number"
        ok = _reads_as(int, text)
    elif isinstance(default, int | float):
        kind = "a number"
        ok = _reads_as(float, text)
    else:
        return
    if not ok:
        raise click.BadParameter(
            f"{pair!r}: {key} takes {kind} (default {default!r})", param_hint="-s"
        )


def _reads_as(kind: type, text: str) -> bool:
    try:
        kind(text)
    except ValueError:
        return False
    return True


SETTINGS_OPTION = click.option(
    "-s",
    "--set",
    "settings",
    multiple=True,
    metavar="KEY=VALUE",
    callback=lambda ctx, param, value: setting_overrides(value),
    help="A Scrapy or parlwatch setting, as scrapy crawl -s (repeatable): -s DOWNLOAD_DELAY=2.",
)
