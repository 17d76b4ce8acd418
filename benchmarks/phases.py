"""Bare Scrapy against parlwatch, side by side: interleaved pairs in three phases.

Each pair is a bare crawl then a parlwatch crawl, one process each, of the same site at the same
moment; pair i's parlwatch crawls all go to archive i, so every pair measures the same history:

- ``first``: an empty archive;
- ``unchanged``: the site as before (parlwatch's re-checks mostly answer 304);
- ``changed``: after revising a share of the articles (1 % by default) in both languages.

A phase reports the medians over its pairs: pages per second per side, the ratio
parlwatch / bare (the median of the pairs' ratios), CPU seconds per side, and the bytes each
parlwatch crawl added to its archive per page, by table.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any

from benchmarks.bare_spider import bare_spec
from benchmarks.bigsite_server import BigSiteServer
from benchmarks.crawl_side import crawl_overrides
from benchmarks.runs import python_module, run_timed
from benchmarks.storage import growth, per_page, sqlite_table_bytes

PHASES = ("first", "unchanged", "changed")


@dataclass
class PhaseOptions:
    pairs: int = 3
    revise_percent: float = 1.0
    timeout: float = 1800.0


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def crawl_once(side: str, url: str, db: Path | None, timeout: float, profile: Path | None = None):
    """One crawl in its own process; its figures, or its error."""
    args = python_module("benchmarks.crawl_side", side, url)
    if side == "bare":
        args += ["--spec", json.dumps(bare_spec(url, crawl_overrides()))]
    if db is not None:
        args += ["--db", sqlite_url(db)]
    if profile is not None:
        args += ["--profile", str(profile)]
    server_cpu = time.process_time()
    timed = run_timed(args, timeout=timeout, stdout_json=True)
    server_cpu = time.process_time() - server_cpu
    report = dict(timed.report)
    pages = report.pop("pages", 0)
    run: dict[str, Any] = {
        "seconds": timed.seconds,
        "pages": pages,
        "pages_per_second": round(pages / timed.seconds, 1) if timed.seconds else 0.0,
        "tree_peak_rss_mb": timed.tree_peak_rss_mb,
        # this process's CPU meanwhile: the big site's server, to show it is not the bottleneck
        "server_cpu_seconds": round(server_cpu, 2),
        **report,
    }
    if timed.returncode != 0 or report.get("status") != "finished":
        run["error"] = "timed out" if timed.timed_out else timed.stderr_tail or "no report"
    return run


def _pair(server: BigSiteServer, db: Path, timeout: float) -> dict[str, Any]:
    bare = crawl_once("bare", server.url, None, timeout)
    before_bytes, before_statuses = sqlite_table_bytes(db), server.statuses
    parlwatch = crawl_once("parlwatch", server.url, db, timeout)
    statuses = server.statuses
    statuses.subtract(before_statuses)
    parlwatch["responses"] = {str(code): n for code, n in sorted(statuses.items()) if n}
    added = growth(before_bytes, sqlite_table_bytes(db))
    parlwatch["bytes_per_page"] = per_page(added, parlwatch["pages"])
    ratio = parlwatch["pages_per_second"] / bare["pages_per_second"] if bare["pages"] else 0.0
    return {"bare": bare, "parlwatch": parlwatch, "ratio": round(ratio, 3)}


def _median(values: list[float]) -> float:
    values = [v for v in values if v is not None]
    return round(median(values), 3) if values else 0.0


def summarize(pairs: list[dict[str, Any]]) -> dict[str, Any]:
    """The medians of a phase's pairs."""
    sides = {side: [p[side] for p in pairs] for side in ("bare", "parlwatch")}
    sizes = [run["bytes_per_page"] for run in sides["parlwatch"]]
    tables = sorted({name for size in sizes for name in size["by_table"]})
    return {
        "bare_pages_per_second": _median([r["pages_per_second"] for r in sides["bare"]]),
        "parlwatch_pages_per_second": _median([r["pages_per_second"] for r in sides["parlwatch"]]),
        "ratio": _median([p["ratio"] for p in pairs]),
        "ratios": [p["ratio"] for p in pairs],
        "pages": {side: _median([r["pages"] for r in runs]) for side, runs in sides.items()},
        "cpu_seconds": {
            side: _median([r.get("cpu_seconds") for r in runs]) for side, runs in sides.items()
        },
        "server_cpu_seconds": {
            side: _median([r.get("server_cpu_seconds") for r in runs])
            for side, runs in sides.items()
        },
        "bytes_per_page": {
            "total": _median([s["total"] for s in sizes]),
            "beyond_bodies": _median([s["beyond_bodies"] for s in sizes]),
            "by_table": {t: _median([s["by_table"].get(t, 0) for s in sizes]) for t in tables},
        },
        "peak_rss_mb": max(
            max(r.get("peak_rss_mb") or 0, r["tree_peak_rss_mb"]) for r in sides["parlwatch"]
        ),
        "errors": [r["error"] for runs in sides.values() for r in runs if "error" in r],
        "pairs": pairs,
    }


def run_phases(server: BigSiteServer, workdir: Path, options: PhaseOptions, log=print) -> dict:
    """All three phases; pair i's archive is ``workdir/archive-i.db``."""
    archives = [workdir / f"archive-{i}.db" for i in range(options.pairs)]
    result: dict[str, Any] = {}
    for phase in PHASES:
        revised = server.site.revise(options.revise_percent) if phase == "changed" else []
        pairs = []
        for number, db in enumerate(archives, 1):
            log(f"crawl: {phase}, pair {number} of {options.pairs}")
            pairs.append(_pair(server, db, options.timeout))
        result[phase] = summarize(pairs)
        if phase == "changed":
            result[phase]["change_detection"] = change_detection(revised, pairs)
    result["archives"] = [str(db) for db in archives]
    return result


def change_detection(revised: list[str], pairs: list[dict[str, Any]]) -> dict[str, Any]:
    """Revised articles -> changed pages (two languages each) -> changes, per pair."""
    expected = 2 * len(revised)
    changes = [p["parlwatch"].get("changes") for p in pairs]
    return {
        "revised_articles": len(revised),
        "changed_pages": expected,
        "changes": changes,
        "new_versions": [p["parlwatch"].get("new_versions") for p in pairs],
        "exact": all(found == expected for found in changes),
    }
