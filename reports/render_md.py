"""The report as Markdown (also fine to read as plain text).

Scraped text is flattened to one line and every Markdown-significant character is escaped, so
a title like ``<script>`` or ``[x](javascript:...)`` shows as typed and never becomes markup.
Links are made only to http(s) capture URLs.
"""

from __future__ import annotations

import re

from crawler.completeness import describe_failed
from reports.describe import Part, country_name
from reports.model import Item, Report
from reports.render_common import (
    capture_href,
    filters_text,
    fmt_time,
    lead_sentence,
    links_note,
    md_escape,
    period_text,
    seat_series,
    seat_table,
)
from reports.stale_registry import stale_markdown, stale_registry
from reports.worddiff import diff_text
from store.wording import plural


def render_markdown(report: Report) -> str:
    lines = [f"# Change report: {period_text(report.options)}", ""]
    filters = md_escape(filters_text(report.options))
    lines.append(f"Generated {fmt_time(report.generated_at)}. Filters: {filters}.")
    lines += [""] + _summary(report) + [""]
    countries = report.countries()
    if countries:
        lines += ["<details><summary>Contents</summary>", ""]
        for _code, name, groups in countries:
            count = sum(len(items) for _, _, items in groups)
            lines.append(f"- [{md_escape(name)}](#{_slug(name)}) — {plural(count, 'change')}")
        lines += ["", "</details>", ""]
    if not countries:
        hidden = " at this significance" if report.hidden else ""
        stale = " (but registry entries look stale: see the summary)" * bool(
            stale_registry(report.crawls)
        )
        lines += [f"No changes in this period{hidden}{stale}.", ""]
    for _code, name, groups in countries:
        lines += [f"## {md_escape(name)}", ""]
        for _group, title, items in groups:
            lines += [f"### {md_escape(title)}", ""]
            for item in items:
                lines += _item(item)
            lines.append("")
    if report.options.net:
        lines += _flips(report)
    lines += _findings(report) + _seats(report)
    return "\n".join(lines).rstrip() + "\n"


def _summary(report: Report) -> list[str]:
    s = report.summary()
    out = ["## Summary", "", lead_sentence(report), ""]
    headlines = report.headlines()
    if headlines:
        out += ["What matters most:", ""]
        for n, h in enumerate(headlines, 1):
            said = "; ".join(_parts(p) for p in h.parts)
            more = f" (and {h.more} more)" if h.more else ""
            out.append(
                f"{n}. **{h.item.significance}** {md_escape(h.item.country_name)},"
                f" {md_escape(h.item.group_title)}: {said}{more}"
            )
        out.append("")
    out += _seat_table(report)
    out += [links_note(report), ""]
    levels = ", ".join(f"{n} {level}" for level, n in s["by_significance"].items())
    out.append(f"- **{plural(s['changes'], 'change')}**: {levels}")
    cats = ", ".join(f"{cat} {n}" for cat, n in s["by_category"].items()) or "none"
    out.append(f"- By category (a change may touch several): {cats}")
    used = "; ".join(
        f"crawl {c['id']} ({md_escape(c['spider'])}, finished {fmt_time(c['finished'])}):"
        f" {plural(c['changes'], 'change')}"
        for c in s["crawls_with_changes"]
    )
    out.append(f"- From crawls: {used or 'none'}")
    failed = report.failed_crawls
    out.append(
        f"- Crawls in the period: {s['crawls_in_period']}, "
        + (f"**{len(failed)} FAILED** (nothing was checked by these):" if failed else "none failed")
    )
    for crawl in failed:
        out.append(
            f"  - crawl {crawl.id} ({md_escape(crawl.spider)}) started {fmt_time(crawl.started)}:"
            f" {md_escape(crawl.status)} — {md_escape(crawl.reason or 'no reason recorded')}"
        )
    out += stale_markdown(report.crawls, md_escape)  # reports/stale_registry.py
    out += _partial_lines(report)
    for spider, row in sorted(s["coverage"].items()):
        out.append(
            f"- {md_escape(spider)}: {plural(row['finished'], 'finished crawl')},"
            f" last {fmt_time(row['last'])}; {row['partial']} partial; {row['failed']} failed"
            + ("" if row["finished"] else " — **not checked in this period**")
        )
    if not s["coverage"]:
        out.append("- **No crawl in this period: nothing was checked.**")
    out.append(f"- Cross-source disagreements open: {s['disagreements']}")
    if report.options.net:
        out.append(f"- Flip-flops (changed and changed back, no net change): {s['flip_flops']}")
    return out


def _partial_lines(report: Report) -> list[str]:
    """Partial crawls: applied, but these pages did not come back whole."""
    partial = report.partial_crawls
    out = [f"- {len(partial)} PARTIAL (applied; the sets of their failed pages removed nothing):"]
    for crawl in partial:
        pages = crawl.stats.get("failed_pages") or []
        out.append(
            f"  - crawl {crawl.id} ({md_escape(crawl.spider)}): {plural(len(pages), 'page')} failed"
        )
        out += [f"    - {md_escape(describe_failed(page))}" for page in pages]
    return out if partial else []


def _parts(parts: list[Part]) -> str:
    return "".join(text if kind == "t" else md_escape(text) for kind, text in parts)


def _diff_piece(text: str) -> str:
    return md_escape(text, keep_edges=True)


def _item(item: Item) -> list[str]:
    crawls = ", ".join(map(str, item.crawls))
    where = f"crawl {crawls}" if len(item.crawls) == 1 else f"crawls {crawls}"
    net = f", net of {item.steps} changes" if item.steps > 1 else ""
    out = [
        f"- **{item.significance}** · {fmt_time(item.detected_at)} · {where}{net} — "
        f"{_parts(item.parts)}  ",
        f"  *why:* {md_escape(item.why)}  ",
    ]
    for detail in item.details:
        if detail.pieces is not None:
            value = diff_text(detail.pieces, _diff_piece)
        else:
            value = md_escape(detail.value) if detail.value else "(none)"
        out.append(f"  {md_escape(detail.label)}: {value}  ")
    captures = []
    refs = (("before", item.before, item.before_replay), ("after", item.after, item.after_replay))
    for label, ref, replay in refs:
        if ref is None:
            continue
        url = capture_href(ref, replay)
        status = f", HTTP {ref.status}" if ref.status and ref.status != 200 else ""
        kind = "replay of capture" if replay else "capture"
        text = f"{label}: {kind} {ref.id}, {fmt_time(ref.fetched_at)}{status}"
        live = "" if replay else " (live page)"
        captures.append(f"[{text}]({url}){live}" if url else f"{text} ({md_escape(ref.url)})")
    if captures:
        out.append("  " + " · ".join(captures))
    else:
        out[-1] = out[-1].rstrip()
    return out


def _flips(report: Report) -> list[str]:
    out = ["## Flip-flops (no net change)", ""]
    if not report.flips:
        return out + ["None in this period.", ""]
    for flip in report.flips:
        crawls = ", ".join(str(n) for n in flip.crawls)
        out.append(
            f"- {md_escape(flip.group_title)}: {flip.steps} changes in crawls {crawls}"
            f" ({fmt_time(flip.first_detected)} to {fmt_time(flip.last_detected)}) ended where"
            f" they began. First step: {_parts(flip.parts)}"
        )
    return out + [""]


def _findings(report: Report) -> list[str]:
    out = ["## Cross-source disagreements open in the period", ""]
    if not report.findings:
        return out + ["None found.", ""]
    for f in report.findings:
        out.append(
            f"- **{md_escape(country_name(f.country))}**: {md_escape(f.sentence())}"
            f" Open since {fmt_time(f.since)}."
        )
    return out + [""]


def _seat_table(report: Report) -> list[str]:
    rows = seat_table(report)
    if not rows:
        return []
    out = ["| delegation | before | after | change |", "|---|---:|---:|---|"]
    for row in rows:
        delta = f"{row.delta:+d}" if row.delta else "no change" if row.delta == 0 else "—"
        before = "—" if row.before is None else row.before
        after = "—" if row.after is None else row.after
        out.append(f"| {md_escape(row.name)} | {before} | {after} | {delta} |")
    return out + [""]


def _seats(report: Report) -> list[str]:
    series = seat_series(report)
    if not series:
        return []
    out = ["## Seats per delegation over time", ""]
    for s in series:
        steps = " -> ".join(f"{seats} (since {fmt_time(when)})" for when, seats in s.points)
        out.append(f"- {md_escape(s.name)} ({s.language}): {steps}")
    return out + [""]


def _slug(name: str) -> str:
    """GitHub's heading anchor for one of our own headings (country names)."""
    return re.sub(r"[^\w\- ]", "", name.lower()).replace(" ", "-")
