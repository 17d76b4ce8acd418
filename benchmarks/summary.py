"""Write the benchmark's JSON and a Markdown summary of it (the README's "Performance" table)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PHASE_TITLES = {
    "first": "first crawl (empty archive)",
    "unchanged": "unchanged recrawl (mostly 304)",
    "changed": "recrawl with 1 % of articles revised",
}


def write_json(result: dict[str, Any], path: Path | None) -> str:
    """The result as indented JSON; also written to ``path`` (its folder made) when given."""
    text = json.dumps(result, indent=2, ensure_ascii=False, default=str)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    return text


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def crawl_table(crawl: dict[str, Any]) -> list[str]:
    lines = [
        "| phase | bare Scrapy pages/s | parlwatch pages/s | ratio | CPU s bare / parlwatch "
        "| bytes/page added |",
        "|---|---|---|---|---|---|",
    ]
    for phase, title in PHASE_TITLES.items():
        if phase not in crawl:
            continue
        p = crawl[phase]
        cpu = p["cpu_seconds"]
        lines.append(
            f"| {title} | {_cell(p['bare_pages_per_second'])} "
            f"| {_cell(p['parlwatch_pages_per_second'])} | **{_cell(p['ratio'])}** "
            f"| {_cell(cpu['bare'])} / {_cell(cpu['parlwatch'])} "
            f"| {_cell(p['bytes_per_page']['total'])} |"
        )
    return lines


def _latency(entry: dict[str, Any] | None, key: str, unit: str) -> str:
    if not entry:
        return "—"
    if key in entry:
        return f"{_cell(entry[key])} {unit}"
    error = str(entry.get("error", ""))
    for words in ("not run", "timed out", "out of memory"):
        if error.startswith(words):
            return words
    return "failed"


def scale_table(scale: dict[str, Any]) -> list[str]:
    databases = [
        db for db in ("sqlite", "postgresql") if db in scale and "skipped" not in scale[db]
    ]
    if not databases:
        return []
    size = scale[databases[0]]
    header = f"| at {_cell(size.get('captures'))} captures, {_cell(size.get('changes'))} changes | "
    header += " | ".join(f"{db} in-process | {db} command" for db in databases)
    lines = [header + " |", "|---" * (1 + 2 * len(databases)) + "|"]
    names = ("snapshot", "captures_exact", "captures_prefix", "report", "startup", "read_startup")
    for name in names:
        cells = []
        for db in databases:
            cells.append(_latency(scale[db].get("in_process", {}).get(name), "ms", "ms"))
            cells.append(_latency(scale[db].get("commands", {}).get(name), "seconds", "s"))
        lines.append(f"| {name.replace('_', ' ')} | " + " | ".join(cells) + " |")
    return lines


def targets_table(targets: dict[str, dict[str, Any]]) -> list[str]:
    lines = ["| target | measured | wanted | held |", "|---|---|---|---|"]
    for name, entry in targets.items():
        measured = _cell(entry["measured"]) if entry["measured"] is not None else entry.get("note")
        held = "skipped" if entry["held"] is None else _cell(entry["held"])
        lines.append(f"| {name} | {measured} | {entry['target']} | {held} |")
    return lines


def markdown(result: dict[str, Any]) -> str:
    """The crawl table and the targets, as the README's "Performance" section shows them."""
    lines: list[str] = []
    site = result.get("site", {})
    if site:
        lines.append(
            f"Site: {_cell(site.get('pages'))} pages ({_cell(site.get('articles'))} articles "
            f"in two languages, {_cell(site.get('list_pages_per_language'))} list pages each); "
            f"{result.get('options', {}).get('pairs')} interleaved pairs, medians."
        )
        lines.append("")
    if "crawl" in result:
        lines += crawl_table(result["crawl"]) + [""]
    if result.get("scale"):
        lines += scale_table(result["scale"]) + [""]
    if result.get("targets"):
        lines += targets_table(result["targets"])
    return "\n".join(lines) + "\n"
