"""Seats per delegation over time as a hand-made inline SVG step chart (no scripts, no fetches).

Each delegation is a step line: its seat count holds from the crawl that first saw it until the
next change. Every label is escaped.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from markupsafe import Markup, escape

from reports.render_common import SeatSeries

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 48, 210, 20, 44
# Okabe-Ito: distinguishable with colour-blindness, and in greyscale print by the markers.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
MARKERS = ["circle", "square", "diamond", "triangle", "circle", "square", "diamond"]


def seat_chart(series: list[SeatSeries], now: datetime) -> Markup:
    """The chart up to ``now``, or an empty Markup when no delegation has a seat count."""
    series = [s for s in series if any(seats is not None for _, seats in s.points)]
    if not series:
        return Markup("")
    start = min(s.points[0][0] for s in series)
    end = max([now] + [s.end for s in series if s.end] + [p[0] for s in series for p in s.points])
    end += (end - start) * 0.03  # a little room after the last crawl
    if end <= start:
        end = start + timedelta(seconds=1)
    top = max(seats or 0 for s in series for _, seats in s.points)
    top = max(5, top + (5 - top % 5))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(when: datetime) -> float:
        return LEFT + plot_w * (when - start).total_seconds() / (end - start).total_seconds()

    def y(seats: int) -> float:
        return TOP + plot_h * (1 - seats / top)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-labelledby="seat-chart-title" class="chart">',
        '<title id="seat-chart-title">Seats per delegation over time</title>',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#fbfbfb" '
        'stroke="#ccc"/>',
    ]
    for tick in range(0, top + 1, 5 if top > 10 else 1):
        out.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            'stroke="#e4e4e4"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" '
            f'class="tick">{tick}</text>'
        )
    for n in range(5):
        when = start + (end - start) * n / 4
        anchor = "start" if n == 0 else "end" if n == 4 else "middle"
        out.append(
            f'<text x="{x(when):.1f}" y="{TOP + plot_h + 18}" text-anchor="{anchor}" '
            f'class="tick">{escape(_tick_label(when, end - start))}</text>'
        )
    out.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle" class="axis">'
        "time of crawl (UTC)</text>"
        f'<text x="12" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" class="axis" '
        f'transform="rotate(-90 12 {TOP + plot_h / 2:.1f})">seats</text>'
    )
    for index, s in enumerate(series):
        out.append(_line(s, index, x, y, end))
        legend_y = TOP + 14 + index * 20
        out.append(
            _marker(LEFT + plot_w + 18, legend_y - 4, index)
            + f'<text x="{LEFT + plot_w + 28}" y="{legend_y}" class="legend">'
            f"{escape(s.name)} ({escape(s.points[-1][1])})</text>"
        )
    out.append("</svg>")
    return Markup("\n".join(out))


def _line(s: SeatSeries, index: int, x, y, end: datetime) -> str:
    colour = COLOURS[index % len(COLOURS)]
    points: list[str] = []
    marks: list[str] = []
    steps = [(when, seats) for when, seats in s.points if seats is not None]
    for n, (when, seats) in enumerate(steps):
        until = steps[n + 1][0] if n + 1 < len(steps) else (s.end or end)
        if points:
            points.append(f"{x(when):.1f},{y(steps[n - 1][1]):.1f}")
        points += [f"{x(when):.1f},{y(seats):.1f}", f"{x(until):.1f},{y(seats):.1f}"]
        marks.append(
            _marker(x(when), y(seats), index, f"{s.name}: {seats} seats from {when:%Y-%m-%d %H:%M}")
        )
    return (
        f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" '
        f'points="{" ".join(points)}"/>' + "".join(marks)
    )


def _marker(cx: float, cy: float, index: int, label: str | None = None) -> str:
    colour = COLOURS[index % len(COLOURS)]
    shape = MARKERS[index % len(MARKERS)]
    title = f"<title>{escape(label)}</title>" if label else ""
    if shape == "square":
        body = f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" fill="{colour}">'
        return f"{body}{title}</rect>"
    if shape == "diamond":
        pts = (
            f"{cx:.1f},{cy - 5:.1f} {cx + 5:.1f},{cy:.1f} "
            f"{cx:.1f},{cy + 5:.1f} {cx - 5:.1f},{cy:.1f}"
        )
        return f'<polygon points="{pts}" fill="{colour}">{title}</polygon>'
    if shape == "triangle":
        pts = f"{cx:.1f},{cy - 5:.1f} {cx + 5:.1f},{cy + 4:.1f} {cx - 5:.1f},{cy + 4:.1f}"
        return f'<polygon points="{pts}" fill="{colour}">{title}</polygon>'
    return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4.5" fill="{colour}">{title}</circle>'


def _tick_label(when: datetime, span: timedelta) -> str:
    if span >= timedelta(days=60):
        return when.strftime("%Y-%m-%d")
    if span >= timedelta(days=2):
        return when.strftime("%m-%d %H:%M")
    return when.strftime("%H:%M:%S")
