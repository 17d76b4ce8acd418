"""The report as Markdown (also fine to read as plain text).

Scraped text is flattened to one line and every Markdown-significant character is escaped, so
a title like ``<script>`` or ``[x](javascript:...)`` shows as typed and never becomes markup.
Links are made only to http(s) capture URLs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from reports.describe import Part, country_name
from reports.model import Item, Report
from reports.render_common import (
    capture_href,
    filters_text,
    fmt_time,
    lead_sentence,
    links_note,
    md_escape,
    md_escape_piece,
    period_text,
    seat_series,
    seat_table,
)
from reports.stale_registry import stale_markdown, stale_registry
from reports.worddiff import diff_text
from store.report_queries import CaptureRef
from store.wording import plural


def render_markdown(report: Report) -> str:
    return "".join(markdown_chunks(report))


def markdown_chunks(report: Report) -> Iterator[str]:
    """The document in pieces of whole lines, to be written as they come: over 100,000
    changes it is 80 MB, and one string of it (and its copies) costs time and memory."""
    countries = report.countries()
    yield "\n".join(_front(report, countries)) + "\n"
    for _code, name, groups in countries:
        yield f"## {md_escape(name)}\n\n"
        for _group, title, items in groups:
            yield f"### {md_escape(title)}\n\n"
            yield from map(_item, items)
            yield "\n"
    tail = _flips(report) if report.options.net else []
    tail += _findings(report) + _seats(report)
    yield "\n".join(tail).rstrip() + "\n"  # the document ends here: its heading is never blank


def _front(report: Report, countries: list) -> list[str]:
    """The title, the summary and the contents (or the sentence saying there are no changes)."""
    lines = [f"# Change report: {period_text(report.options)}", ""]
    filters = md_escape(filters_text(report.options))
    lines.append(f"Generated {fmt_time(report.generated_at)}. Filters: {filters}.")
    lines += [""] + _summary(report) + [""]
    if countries:
        lines += ["<details><summary>Contents</summary>", ""]
        for _code, name, groups in countries:
            count = sum(len(items) for _, _, items in groups)
            lines.append(f"- [{md_escape(name)}](#{_slug(name)}) — {plural(count, 'change')}")
        lines += ["", "</details>", ""]
    else:
        hidden = " at this significance" if report.hidden else ""
        stale = " (but registry entries look stale: see the summary)" * bool(
            stale_registry(report.crawls)
        )
        lines += [f"No changes in this period{hidden}{stale}.", ""]
    return lines


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
    if not partial:
        return []
    from crawler.completeness import describe_failed  # imported here: 20-40 ms, seldom needed

    out = [f"- {len(partial)} PARTIAL (applied; the sets of their failed pages removed nothing):"]
    for crawl in partial:
        pages = crawl.stats.get("failed_pages") or []
        out.append(
            f"  - crawl {crawl.id} ({md_escape(crawl.spider)}): {plural(len(pages), 'page')} failed"
        )
        out += [f"    - {md_escape(describe_failed(page))}" for page in pages]
    return out


def _parts(parts: list[Part]) -> str:
    return "".join([text if kind == "t" else md_escape(text) for kind, text in parts])


def _item(item: Item) -> str:
    """One change: its lines, each ending in a newline (two spaces before it break the line)."""
    crawls = item.crawls
    where = f"crawl {crawls[0]}" if len(crawls) == 1 else "crawls " + ", ".join(map(str, crawls))
    net = f", net of {item.steps} changes" if item.steps > 1 else ""
    text = (
        f"- **{item.significance}** · {fmt_time(item.detected_at)} · {where}{net} — "
        f"{_parts(item.parts)}  \n  *why:* {md_escape(item.why)}  \n"
    )
    for detail in item.details:
        if detail.pieces is not None:
            value = diff_text(detail.pieces, md_escape_piece)
        else:
            value = md_escape(detail.value) if detail.value else "(none)"
        text += f"  {md_escape(detail.label)}: {value}  \n"
    before, after = item.before, item.after
    if before is None and after is None:
        return text.rstrip() + "\n"  # the last line breaks no line
    if after is None:
        return f"{text}  {_capture('before', before, item.before_replay)}\n"
    if before is None:
        return f"{text}  {_capture('after', after, item.after_replay)}\n"
    return (
        f"{text}  {_capture('before', before, item.before_replay)}"
        f" · {_capture('after', after, item.after_replay)}\n"
    )


def _capture(label: str, ref: CaptureRef, replay: str | None) -> str:
    """A link to the capture (its replay, else the live page), or its URL when not linkable."""
    url = capture_href(ref, replay)
    status = ref.status
    http = f", HTTP {status}" if status and status != 200 else ""
    kind = "replay of capture" if replay else "capture"
    text = f"{label}: {kind} {ref.id}, {fmt_time(ref.fetched_at)}{http}"
    if not url:
        return f"{text} ({md_escape(ref.url)})"
    return f"[{text}]({url})" if replay else f"[{text}]({url}) (live page)"


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
