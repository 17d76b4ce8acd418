"""Seats per delegation over time as a hand-made inline SVG step chart (no scripts, no fetches).

Each delegation is a step line: its seat count holds from the crawl that first saw it until the
next change. Every label is escaped.

The time axis (``TimeAxis``, shared with the membership timelines) reads well for any span: a
short one (a few crawls within two days, as in the demo) is drawn by crawl, each crawl one
equal step labelled with its number and time; a long one by date.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta

from markupsafe import Markup, escape

from reports.render_common import SeatSeries

WIDTH, HEIGHT = 760, 330
SHORT_SPAN = timedelta(days=2)  # shorter spans are drawn crawl by crawl
MAX_CRAWL_STEPS = 40
MAX_TICKS = 8
LEFT, RIGHT, TOP, BOTTOM = 48, 210, 20, 54
# Okabe-Ito: distinguishable with colour-blindness, and in greyscale print by the markers.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
MARKERS = ["circle", "square", "diamond", "triangle", "circle", "square", "diamond"]


@dataclass
class TimeAxis:
    """Where a moment goes on the x axis: by date, or crawl by crawl for short spans."""

    start: datetime
    end: datetime
    left: float
    width: float
    crawls: list[tuple[int, datetime]]  # (crawl id, started), oldest first; empty: by date

    @classmethod
    def make(
        cls,
        moments: list[datetime],
        crawls: list[tuple[int, datetime]],
        now: datetime,
        left: float,
        width: float,
    ) -> TimeAxis:
        start = min(moments + [c[1] for c in crawls[:1]])
        end = max(moments + [now])
        short = end - start < SHORT_SPAN and 2 <= len(crawls) <= MAX_CRAWL_STEPS
        if not short:
            end += (end - start) * 0.03  # a little room after the last crawl
            if end <= start:
                end = start + timedelta(seconds=1)
        return cls(start, end, left, width, sorted(crawls, key=lambda c: c[1]) if short else [])

    @property
    def by_crawl(self) -> bool:
        return bool(self.crawls)

    @property
    def title(self) -> str:
        return "crawl (one step each; UTC time)" if self.by_crawl else "date of crawl (UTC)"

    def x(self, when: datetime | None) -> float:
        """``None`` is the axis's end (still current)."""
        if when is None:
            return self.left + self.width
        if self.by_crawl:
            starts = [started for _, started in self.crawls]
            slot = max(0, bisect_right(starts, when) - 1)
            return self.left + self.width * slot / len(self.crawls)
        span = (self.end - self.start).total_seconds()
        return self.left + self.width * (when - self.start).total_seconds() / span

    def ticks(self) -> list[tuple[float, str, str]]:
        """(x, label, text-anchor) of each labelled tick."""
        if self.by_crawl:
            every = max(1, -(-len(self.crawls) // MAX_TICKS))
            step = self.width / len(self.crawls)
            return [
                (self.left + step * (n + 0.5), f"crawl {crawl}|{started:%m-%d %H:%M:%S}", "middle")
                for n, (crawl, started) in enumerate(self.crawls)
                if n % every == 0
            ]
        out = []
        for n in range(5):
            when = self.start + (self.end - self.start) * n / 4
            anchor = "start" if n == 0 else "end" if n == 4 else "middle"
            out.append((self.x(when), _tick_label(when, self.end - self.start), anchor))
        return out

    def svg(self, top: float, bottom: float) -> list[str]:
        """Tick labels under ``bottom``; in crawl mode, a faint line between crawls."""
        out = []
        if self.by_crawl:
            step = self.width / len(self.crawls)
            for n in range(1, len(self.crawls)):
                xn = self.left + step * n
                out.append(
                    f'<line x1="{xn:.1f}" x2="{xn:.1f}" y1="{top}" y2="{bottom}" stroke="#eee"/>'
                )
        for xt, label, anchor in self.ticks():
            lines = "".join(
                f'<tspan x="{xt:.1f}" dy="{0 if n == 0 else 12}">{escape(line)}</tspan>'
                for n, line in enumerate(label.split("|"))
            )
            out.append(
                f'<text x="{xt:.1f}" y="{bottom + 14}" text-anchor="{anchor}" '
                f'class="tick">{lines}</text>'
            )
        return out


def seat_chart(
    series: list[SeatSeries], now: datetime, crawls: list[tuple[int, datetime]] | None = None
) -> Markup:
    """The chart up to ``now``, or an empty Markup when no delegation has a seat count.

    ``crawls`` ((id, started) of the assembly's crawls) lets a short span be drawn by crawl."""
    series = [s for s in series if any(seats is not None for _, seats in s.points)]
    if not series:
        return Markup("")
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    moments = [p[0] for s in series for p in s.points] + [s.end for s in series if s.end]
    axis = TimeAxis.make(moments, crawls or [], now, LEFT, plot_w)
    top = max(seats or 0 for s in series for _, seats in s.points)
    top = max(5, top + (5 - top % 5))

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
    out += axis.svg(TOP, TOP + plot_h)
    out.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle" class="axis">'
        f"{escape(axis.title)}</text>"
        f'<text x="12" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" class="axis" '
        f'transform="rotate(-90 12 {TOP + plot_h / 2:.1f})">seats</text>'
    )
    for index, s in enumerate(series):
        out.append(_line(s, index, axis, y))
        legend_y = TOP + 14 + index * 20
        out.append(
            _marker(LEFT + plot_w + 18, legend_y - 4, index)
            + f'<text x="{LEFT + plot_w + 28}" y="{legend_y}" class="legend">'
            f"{escape(s.name)} ({escape(s.points[-1][1])})</text>"
        )
    out.append("</svg>")
    return Markup("\n".join(out))


def _line(s: SeatSeries, index: int, axis: TimeAxis, y) -> str:
    colour = COLOURS[index % len(COLOURS)]
    points: list[str] = []
    marks: list[str] = []
    steps = [(when, seats) for when, seats in s.points if seats is not None]
    for n, (when, seats) in enumerate(steps):
        until = steps[n + 1][0] if n + 1 < len(steps) else s.end
        if points:
            points.append(f"{axis.x(when):.1f},{y(steps[n - 1][1]):.1f}")
        points += [f"{axis.x(when):.1f},{y(seats):.1f}", f"{axis.x(until):.1f},{y(seats):.1f}"]
        label = f"{s.name}: {seats} seats from {when:%Y-%m-%d %H:%M:%S}"
        marks.append(_marker(axis.x(when), y(seats), index, label))
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
