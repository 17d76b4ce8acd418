"""The report for machines: JSON (the report's own fields), CSV (one row per change, for
spreadsheets) and Atom (one entry per change, for feed readers), plus ``render`` to pick one.

CSV cells are flat text, never JSON: a change's fields are named in ``changed_fields`` and
their evidence is ``evidence`` (``label: [-old-]{+new+}`` word diffs, `` | `` between them).
``bom`` starts the file with a UTF-8 byte-order mark, which spreadsheets (Excel) need to read
Cyrillic as UTF-8."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

from reports.model import Item, Report
from reports.render_common import capture_href, filters_text, period_text

CSV_COLUMNS = [
    "id", "country", "country_name", "heading", "entity", "type", "site", "language", "change",
    "significance", "why", "statement", "categories", "detected_at", "crawls", "steps",
    "seats_before", "seats_after", "seats_delta", "version", "previous_version",
    "before_capture_url", "before_captured_at", "before_link", "after_capture_url",
    "after_captured_at", "after_link", "link_kind", "changed_fields", "evidence",
]  # fmt: skip
FEED_NAMESPACE = uuid.UUID("7d0f3d2e-5b0c-5b8e-9a55-6f1c1d9b2a10")


def render(report: Report, fmt: str, bom: bool = False) -> str:
    """``fmt``: md, html, csv, json or atom; ``bom`` (CSV only) starts it with a byte-order mark."""
    return "".join(render_chunks(report, fmt, bom))


def render_chunks(report: Report, fmt: str, bom: bool = False) -> Iterator[str]:
    """``render`` in pieces, to be written as they come (Markdown comes in whole lines, the
    other formats in one piece)."""
    if fmt == "md":
        from reports.render_md import markdown_chunks

        return markdown_chunks(report)
    return iter([_render_whole(report, fmt, bom)])


def _render_whole(report: Report, fmt: str, bom: bool) -> str:
    if fmt == "html":
        from reports.render_html import render_html

        return render_html(report)
    if fmt == "csv":
        return ("\ufeff" if bom else "") + render_csv(report)
    if fmt == "json":
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "atom":
        return render_atom(report)
    raise ValueError(f"unknown report format {fmt!r}")


def csv_row(item: Item) -> dict[str, object]:
    data = item.to_dict()
    before, after = data.pop("before") or {}, data.pop("after") or {}
    row = {key: value for key, value in data.items() if key in CSV_COLUMNS}
    row["categories"] = " ".join(item.categories)
    row["crawls"] = " ".join(str(n) for n in item.crawls)
    row["changed_fields"] = " ".join(f.field or "(whole)" for f in item.field_changes)
    row["evidence"] = " | ".join(
        f"{d['label']}: {d['diff'] if d['diff'] is not None else d['value'] or ''}"
        for d in data["details"]
    )
    for side, ref in (("before", before), ("after", after)):
        row[f"{side}_capture_url"] = ref.get("url")
        row[f"{side}_captured_at"] = ref.get("fetched_at")
        row[f"{side}_link"] = ref.get("link")
    row["link_kind"] = "replay" if item.before_replay or item.after_replay else "live"
    return {key: _cell(row.get(key)) for key in CSV_COLUMNS}


def _cell(value: object) -> object:
    """Scraped text must not become a spreadsheet formula: a leading = + - @ is neutralised."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def render_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for item in report.items:
        writer.writerow(csv_row(item))
    return out.getvalue()


def render_atom(report: Report) -> str:
    """Atom 1.0 via feedgen. Entry ids derive from each change's identity (entity, versions,
    fields), so the same change keeps its id in every run and feed readers show it once."""
    from feedgen.feed import FeedGenerator

    from reports.render_html import change_html

    o = report.options
    scope = "|".join([filters_text(o), str(o.since), str(o.until)])
    feed = FeedGenerator()
    feed.id(f"urn:uuid:{uuid.uuid5(FEED_NAMESPACE, scope)}")
    feed.title(f"parlwatch changes: {period_text(o)}")
    feed.subtitle(f"Filters: {filters_text(o)}")
    feed.author({"name": "parlwatch"})
    feed.generator("parlwatch")
    newest = max((item.detected_at for item in report.items), default=report.generated_at)
    feed.updated(_utc(newest))
    for item in sorted(report.items, key=lambda i: (i.detected_at, i.id), reverse=True):
        entry = feed.add_entry(order="append")
        entry.id(f"urn:uuid:{item.id}")
        entry.title(f"[{item.significance}] {item.group_title}: {item.statement}")
        entry.updated(_utc(item.detected_at))
        entry.published(_utc(item.detected_at))
        entry.summary(item.why)
        entry.content(str(change_html(item)), type="html")
        url = capture_href(item.after, item.after_replay) if item.after else None
        if url:
            entry.link(href=url, rel="alternate")
        entry.category([{"term": item.significance}] + [{"term": c} for c in item.categories])
    return feed.atom_str(pretty=True).decode("utf-8")


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
