"""Membership over time, one inline SVG per delegation, from the tenures (``store.tenures``).

Each person the assembly listed is a bar from when they were first listed to when a crawl read
the whole list without them (or to now). A bar whose start is unknown (the person was already
listed at the first crawl) begins with a dashed stretch; a person who joined during the archive
starts with a green dot, one who left ends with a cross (and the bar turns orange). Each
edition (English, Russian) is a band of its own, because the editions are edited apart and may
differ. Labels are escaped.
"""

from __future__ import annotations

from datetime import datetime
from itertools import groupby
from typing import Any

from markupsafe import Markup, escape

from reports.svgchart import TimeAxis

WIDTH = 760
LABEL_W, RIGHT, TOP, ROW, BAND_GAP, BOTTOM = 250, 16, 26, 17, 22, 48
UNKNOWN_W = 16  # the dashed head of a bar whose start is unknown
LANGUAGES = {"en": "English edition", "ru": "Russian edition"}
BAR, BAR_LEFT, UNKNOWN = "#0072B2", "#D55E00", "#9bbcd6"


def membership_timelines(
    tenures: list[Any], now: datetime, crawls: list[tuple[int, datetime]]
) -> list[tuple[str | None, Markup]]:
    """[(country code, SVG)] for every country with tenures, by country code."""
    ordered = sorted(tenures, key=lambda t: (t.country or "", t.language or "", _row_key(t)))
    return [
        (country, timeline_svg(list(group), now, crawls))
        for country, group in groupby(ordered, key=lambda t: t.country)
    ]


def _row_key(t: Any) -> tuple:
    return (t.chamber or "", t.name, t.start or t.first_seen)


def timeline_svg(tenures: list[Any], now: datetime, crawls: list[tuple[int, datetime]]) -> Markup:
    """One delegation's membership timeline (tenures of one country)."""
    bands = [(lang, list(g)) for lang, g in groupby(tenures, key=lambda t: t.language)]
    rows = sum(len(_people(g)) for _, g in bands)
    height = TOP + rows * ROW + len(bands) * BAND_GAP + BOTTOM
    plot_w = WIDTH - LABEL_W - RIGHT
    moments = [t.first_seen for t in tenures] + [t.end for t in tenures if t.end]
    axis = TimeAxis.make(moments, crawls, now, LABEL_W, plot_w)
    country = tenures[0].country or "?"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" class="chart timeline" aria-label="Membership of the {escape(country)} '
        'delegation over time">',
        f"<title>Membership of the {escape(country)} delegation over time</title>",
    ]
    y = TOP
    for language, group in bands:
        out.append(
            f'<text x="4" y="{y + 12}" class="band">'
            f"{escape(LANGUAGES.get(language or '', language or 'no language'))}</text>"
        )
        y += BAND_GAP
        for person in _people(group):
            out += _row(person, y, axis)
            y += ROW
    out.append(f'<line x1="{LABEL_W}" x2="{LABEL_W}" y1="{TOP}" y2="{y}" stroke="#ccc"/>')
    out += axis.svg(TOP, y)
    out.append(
        f'<text x="{LABEL_W + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle" '
        f'class="axis">{escape(axis.title)}</text>'
    )
    out.append("</svg>")
    return Markup("\n".join(out))


def _people(tenures: list[Any]) -> list[list[Any]]:
    """Tenures grouped by person (a return is a second bar on the same row)."""
    rows: dict[tuple, list[Any]] = {}
    for t in sorted(tenures, key=_row_key):
        rows.setdefault((t.chamber or "", t.entity), []).append(t)
    return list(rows.values())


def _row(person: list[Any], y: float, axis: TimeAxis) -> list[str]:
    first = person[0]
    left = all(t.end is not None for t in person)
    full = f"{first.name} — {first.chamber}" if first.chamber else first.name
    out = [
        f'<text x="{LABEL_W - 6}" y="{y + 11}" text-anchor="end" class="name'
        f'{" left" if left else ""}">{escape(_fit(first.name))}<title>{escape(full)}</title></text>'
    ]
    for t in person:
        x0, x1 = axis.x(t.start or t.first_seen), axis.x(t.end)
        colour = BAR_LEFT if t.end else BAR
        if t.start is None:  # already listed at the first crawl: since when is unknown
            head = min(UNKNOWN_W, max(x1 - x0 - 2, 0))
            out.append(
                f'<line x1="{x0:.1f}" x2="{x0 + head:.1f}" y1="{y + 7.5}" y2="{y + 7.5}" '
                f'stroke="{UNKNOWN}" stroke-width="9" stroke-dasharray="4 2"/>'
            )
            x0 += head
        out.append(
            f'<rect x="{x0:.1f}" y="{y + 3}" width="{max(x1 - x0, 2):.1f}" height="9" rx="2" '
            f'fill="{colour}"><title>{escape(_span(t))}</title></rect>'
        )
        if t.start is not None:
            out.append(f'<circle cx="{x0:.1f}" cy="{y + 7.5}" r="4" fill="#009E73"/>')
        if t.end is not None:
            out.append(
                f'<path d="M{x1 - 4:.1f},{y + 3.5}l8,8m0,-8l-8,8" stroke="#000" '
                'stroke-width="1.6"/>'
            )
    return out


def _span(t: Any) -> str:
    since = "listed before the first crawl"
    if t.start:
        since = f"listed since {t.start:%Y-%m-%d %H:%M:%S}"
    until = f"until {t.end:%Y-%m-%d %H:%M:%S}" if t.end else "still listed"
    return f"{t.name}: {since}, {until}"


def _fit(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
