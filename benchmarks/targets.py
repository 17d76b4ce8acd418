"""The targets of issue 17, judged against a benchmark result.

Each target names where its measured value sits in the result (a dotted path), how it compares
and with what. A value the run could not measure (a timed-out command, a failed call) misses
its target; a section the run skipped (PostgreSQL not running, ``--no-scale``) leaves its
targets unjudged (``held: null``) and out of ``all_held``.
"""

from __future__ import annotations

import operator
from typing import Any

COMPARE = {">=": operator.ge, "<=": operator.le, "<": operator.lt, "==": operator.eq}

CRAWL_TARGETS = [
    ("first_crawl_ratio", "crawl.first.ratio", ">=", 0.6),
    ("unchanged_recrawl_ratio", "crawl.unchanged.ratio", ">=", 0.9),
    ("changed_recrawl_ratio", "crawl.changed.ratio", ">=", 0.85),
    ("unchanged_recrawl_bytes_per_page", "crawl.unchanged.bytes_per_page.total", "<=", 300),
    ("first_crawl_bytes_beyond_bodies", "crawl.first.bytes_per_page.beyond_bodies", "<=", 4096),
    ("crawl_peak_rss_mb", "crawl.peak_rss_mb", "<", 300),
    ("change_detection_exact", "crawl.changed.change_detection.exact", "==", True),
    ("reparse_pages_per_second", "reparse.pages_per_second", ">=", 300),
]
SCALE_TARGETS = [  # per database, at 1 M captures and 100 k changes
    ("snapshot_in_process_ms", "in_process.snapshot.ms", "<", 50),
    ("captures_exact_in_process_ms", "in_process.captures_exact.ms", "<", 50),
    ("captures_prefix_in_process_ms", "in_process.captures_prefix.ms", "<", 50),
    ("snapshot_command_s", "commands.snapshot.seconds", "<", 0.5),
    ("captures_exact_command_s", "commands.captures_exact.seconds", "<", 0.5),
    ("captures_prefix_command_s", "commands.captures_prefix.seconds", "<", 0.5),
    ("report_command_s", "commands.report.seconds", "<", 5.0),
]
STARTUP_TARGET = ("cli_startup_s", "scale.sqlite.commands.startup.seconds", "<", 0.3)


def lookup(result: dict[str, Any], path: str) -> tuple[Any, str | None]:
    """The value at ``path``, or None and what stood in its place (an error, a skip)."""
    node: Any = result
    for part in path.split("."):
        if not isinstance(node, dict):
            return None, "not measured"
        if "skipped" in node:
            return None, f"skipped: {node['skipped']}"
        if part not in node:
            return None, node.get("error") or "not measured"
        node = node[part]
    return node, None


def judge(measured: Any, compare: str, target: Any, note: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"measured": measured, "target": f"{compare} {target}"}
    if measured is None:
        entry["held"] = None if note and note.startswith("skipped") else False
        entry["note"] = note
    else:
        entry["held"] = bool(COMPARE[compare](measured, target))
    return entry


def evaluate(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{target name: {measured, target, held[, note]}} for every target of the result."""
    judged: dict[str, dict[str, Any]] = {}
    if "crawl" in result:
        for name, path, compare, target in CRAWL_TARGETS:
            value, note = lookup(result, path)
            judged[name] = judge(value, compare, target, note)
    scale = result.get("scale", {})
    for database in ("sqlite", "postgresql"):
        if database not in scale:
            continue
        for name, path, compare, target in SCALE_TARGETS:
            value, note = lookup(result, f"scale.{database}.{path}")
            judged[f"{database}.{name}"] = judge(value, compare, target, note)
    if "sqlite" in scale:
        name, path, compare, target = STARTUP_TARGET
        value, note = lookup(result, path)
        judged[name] = judge(value, compare, target, note)
    replicas = result.get("replicas", {})
    for name, target in replicas.get("targets", {}).items():
        compare = "<=" if name.startswith("max") else ">="
        judged[f"replicas.{name}"] = judge(
            replicas.get("measured", {}).get(name), compare, target, None
        )
    return judged


def all_held(judged: dict[str, dict[str, Any]]) -> bool:
    return all(entry["held"] is not False for entry in judged.values())
