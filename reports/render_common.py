"""Helpers every report format shares: times, the period, safe links, seat series."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from urllib.parse import quote, urlsplit

from reports.describe import country_name
from reports.model import Options, Report

# "<" (HTML), "[" "]" (links), "`*_~" (emphasis, code), "{}" (diff marks), "|" (tables), "&"
# (entities), "\\" itself; ">" and "!" mean nothing once "<" and "[" are escaped.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<&|~#$])")


def fmt_time(value: datetime | str | None) -> str:
    """``2026-01-23 06:40:00 UTC`` (the archive keeps naive UTC)."""
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value.rstrip("Z"))
    if type(value) is datetime and value.tzinfo is None:
        return _naive_time(value)
    return value.strftime("%Y-%m-%d %H:%M:%S UTC")


@lru_cache(maxsize=4096)
def _naive_time(value: datetime) -> str:
    """A report says the same few moments thousands of times (every change of a crawl has
    its detection time): each is formatted once. Only naive datetimes are cached: aware ones
    of the same instant compare equal but are written differently."""
    if value.year >= 1000:  # strftime is slow (and pads the year differently before 1000)
        return value.isoformat(" ", "seconds") + " UTC"
    return value.strftime("%Y-%m-%d %H:%M:%S UTC")


def period_text(options: Options) -> str:
    since, until = options.since, options.until
    if since and until:
        return f"from {fmt_time(since)} until {fmt_time(until)}"
    if since:
        return f"since {fmt_time(since)}"
    if until:
        return f"all history until {fmt_time(until)}"
    return "all history"


def filters_text(options: Options) -> str:
    parts = []
    if options.countries:
        parts.append("countries " + ", ".join(c.upper() for c in options.countries))
    if options.sites:
        parts.append("sites " + ", ".join(options.sites))
    if options.types:
        parts.append("types " + ", ".join(options.types))
    if options.min_significance != "minor":
        parts.append(f"significance {options.min_significance} and above")
    if options.net:
        parts.append("net changes over the period")
    return "; ".join(parts) or "none"


_WHITESPACE = re.compile(r"\s+")
_BLANK_OR_CONTROL = re.compile(r"[\x00-\x20]")


def safe_url(url: object) -> str | None:
    """``url`` when it is an absolute http(s) URL fit for an href, else None (never a link).

    Scraped addresses can be anything (``javascript:``, ``data:``); only web links are linked.
    Characters that could break out of Markdown link syntax are percent-encoded.
    """
    if not isinstance(url, str) or not url:
        return None
    return _safe_http_url(url)


@lru_cache(maxsize=65536)
def _safe_http_url(url: str) -> str | None:
    """A report links the same few pages thousands of times: each is checked once."""
    if _BLANK_OR_CONTROL.search(url):
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")


def md_escape(text: object, keep_edges: bool = False) -> str:
    """Scraped text for Markdown: on one line, every character with a meaning escaped.

    ``keep_edges`` keeps one leading / trailing space (pieces of a word diff need them).
    """
    if text is None:
        return ""
    return _md_escaped(text if isinstance(text, str) else str(text), keep_edges)


def md_escape_piece(text: str) -> str:
    """A piece of a word diff for Markdown: ``md_escape`` keeping its edge spaces."""
    return _md_escaped(text, True)


@lru_cache(maxsize=8192)
def _md_escaped(text: str, keep_edges: bool) -> str:
    """A report says the same labels, reasons and names thousands of times: each once.

    Most text needs no change at all: every whitespace character but the space is
    unprintable, so a printable text without a double space has nothing to flatten, and one
    search for the special characters is quicker than a substitution that finds none."""
    flat = text if text.isprintable() and "  " not in text else _WHITESPACE.sub(" ", text)
    if not keep_edges:
        flat = flat.strip()
    return _MD_SPECIAL.sub(r"\\\1", flat) if _MD_SPECIAL.search(flat) else flat


@dataclass
class SeatSeries:
    country: str | None
    name: str
    language: str | None
    points: list[tuple[datetime, int | None]]  # (since when, seats)
    end: datetime | None  # when the last value ended (None: still current)


def seat_series(report: Report) -> list[SeatSeries]:
    """Seats per delegation over time, from the assembly's English edition (else Russian)."""
    by_entity: dict[str, list] = {}
    for point in report.seats:
        by_entity.setdefault(point.entity, []).append(point)
    chosen: dict[str | None, list] = {}
    for points in by_entity.values():
        country, language = points[0].country, points[0].language
        current = chosen.get(country)
        if current is None or (language == "en" and current[0].language != "en"):
            chosen[country] = points
    series = []
    for country, points in chosen.items():
        merged: list[tuple[datetime, int | None]] = []
        for p in points:
            if not merged or merged[-1][1] != p.seats:
                merged.append((p.start, p.seats))
        series.append(
            SeatSeries(country, country_name(country), points[0].language, merged, points[-1].end)
        )
    return sorted(series, key=lambda s: s.name)


@dataclass
class SeatRow:
    """One delegation's seats at the start and at the end of the period."""

    country: str | None
    name: str
    before: int | None
    after: int | None

    @property
    def delta(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def seat_table(report: Report) -> list[SeatRow]:
    """Per country: the seat count in force when the period began (the first count seen, when
    the archive starts later) and the last count seen in the period."""
    since = report.options.since
    rows = []
    for s in seat_series(report):
        before = s.points[0][1]
        for when, seats in s.points:
            if since is not None and when <= since:
                before = seats
        rows.append(SeatRow(s.country, s.name, before, s.points[-1][1]))
    return rows


LIVE_NOTE = "live page: the site as it is today, not this capture (no replay server configured)"


def capture_href(ref, replay: str | None) -> str | None:
    """Where a capture's link goes: its replay when configured, else its live URL (http only)."""
    return safe_url(replay or ref.url)


def links_note(report: Report) -> str:
    if report.replay:
        return "Capture links open the replay of the exact capture."
    return (
        "No replay server is configured (--replay-url or PARLWATCH_REPLAY_URL): capture links "
        "go to the LIVE pages, which show the site as it is today, not as captured."
    )


LEVEL_WORDS = {
    "substantive": "substantive (seats, people, chambers, representatives)",
    "wording": "in wording only",
    "routine": "routine (news items published or withdrawn)",
    "minor": "minor (links, formatting, order)",
}


def lead_sentence(report: Report) -> str:
    """The period in one sentence: how many changes, of which significance."""
    total = len(report.items)
    if not total:
        hidden = " at this significance" if report.hidden else ""
        return f"No changes in this period{hidden}."
    by_level = report.significance_counts()
    counts = [f"{n} {LEVEL_WORDS[level]}" for level, n in by_level.items() if n]
    text = f"{total} change{'s' if total != 1 else ''} in this period: " + ", ".join(counts) + "."
    if report.hidden:
        text += f" {report.hidden} below the minimum significance are not shown."
    return text


def assembly_crawls(report: Report) -> list[tuple[int, datetime]]:
    """(id, started) of the assembly's finished crawls: the steps of a short time axis."""
    return [
        (c.id, datetime.fromisoformat(c.started.rstrip("Z")))
        for c in report.crawls
        if c.spider == "pacsto" and c.status == "finished" and c.started
    ]
