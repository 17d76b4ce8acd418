"""Helpers every report format shares: times, the period, safe links, seat series."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
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


def safe_url(url: object) -> str | None:
    """``url`` when it is an absolute http(s) URL fit for an href, else None (never a link).

    Scraped addresses can be anything (``javascript:``, ``data:``); only web links are linked.
    Characters that could break out of Markdown link syntax are percent-encoded.
    """
    if not isinstance(url, str) or not url or any(ord(ch) < 33 for ch in url):
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")


def md_escape(text: object, keep_edges: bool = False) -> str:
    """Scraped text for Markdown: on one line, every character with a meaning escaped.

    ``keep_edges`` keeps one leading / trailing space (pieces of a word diff need them).
    """
    flat = re.sub(r"\s+", " ", str(text)) if text is not None else ""
    if not keep_edges:
        flat = flat.strip()
    return _MD_SPECIAL.sub(r"\\\1", flat)


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
