"""The report as one self-contained HTML page (Jinja2, autoescaped) and HTML fragments per change.

Nothing is fetched when the page is opened: the CSS is inlined, the chart is inline SVG, there
is no script, and a Content-Security-Policy forbids anything else. Scraped text is escaped by
the templates; links are made only to http(s) URLs.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from reports.describe import Part, country_name
from reports.model import Item, Report
from reports.render_common import (
    assembly_crawls,
    capture_href,
    filters_text,
    fmt_time,
    lead_sentence,
    links_note,
    period_text,
    safe_url,
    seat_series,
    seat_table,
)
from reports.stale_registry import stale_registry
from reports.svgchart import TimeAxis, seat_chart
from reports.timeline import membership_timelines
from reports.worddiff import Piece, diff_html

TEMPLATES = Path(__file__).with_name("templates")


def parts_html(parts: list[Part]) -> Markup:
    """A statement: the report's words as text, scraped words marked as quoted data."""
    out = Markup("")
    for kind, text in parts:
        if kind == "t":
            out += escape(text)
        else:
            out += Markup('<span class="s">') + escape(" ".join(text.split())) + Markup("</span>")
    return out


def anchor(code: str | None, group: str | None = None) -> str:
    """An element id from our own codes, never from scraped text."""
    base = f"c-{(code or 'none').lower()}"
    if group is None:
        return base
    return f"{base}-{hashlib.sha1(group.encode('utf-8')).hexdigest()[:10]}"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=False,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["when"] = fmt_time
    env.filters["safe_url"] = safe_url
    env.globals.update(
        parts=parts_html,
        diff=_diff,
        anchor=anchor,
        change=change_html,
        country_name=country_name,
        capture_href=capture_href,
    )
    return env


def _diff(pieces: list[Piece]) -> Markup:
    return diff_html(pieces)


def change_html(item: Item) -> Markup:
    """One change as an HTML fragment (also the content of its Atom entry)."""
    return Markup(environment().get_template("change.html.j2").render(item=item))


def _chart_end(report: Report) -> datetime:
    """The chart runs to the last crawl in the report (else the end of the period, or now)."""
    finished = [c.finished for c in report.crawls if c.finished]
    if finished:
        return datetime.fromisoformat(max(finished).rstrip("Z"))
    return report.options.until or report.generated_at


def render_html(report: Report) -> str:
    summary = report.summary()
    end, crawls = _chart_end(report), assembly_crawls(report)
    series = seat_series(report)
    moments = [p[0] for s in series for p in s.points]
    changed = {t.country for t in report.tenures if t.start is not None or t.end is not None}
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            report=report,
            summary=summary,
            period=period_text(report.options),
            filters=filters_text(report.options),
            countries=report.countries(),
            failed=report.failed_crawls,
            stale=stale_registry(report.crawls),  # reports/stale_registry.py
            chart=seat_chart(series, end, crawls),
            chart_by_crawl=bool(moments) and TimeAxis.make(moments, crawls, end, 0, 1).by_crawl,
            lead=lead_sentence(report),
            headlines=report.headlines(),
            seat_rows=seat_table(report),
            links_note=links_note(report),
            timelines=membership_timelines(report.tenures, end, crawls),
            changed_members=changed,
        )
    )
