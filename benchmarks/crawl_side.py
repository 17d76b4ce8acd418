"""One crawl in this process, bare or parlwatch, reported as one JSON line on stdout.

A Twisted reactor runs once per process, so every timed crawl is its own process (as
``parlwatch crawl`` is). The process reports its own CPU time and peak memory; the caller times
it from outside.

    python -m benchmarks.crawl_side parlwatch http://127.0.0.1:8000 --db bench.db
    python -m benchmarks.crawl_side bare http://127.0.0.1:8000 --spec "$(...)"

The bare side gets its settings, start pages and link patterns as JSON (``--spec``, made by
``benchmarks.bare_spider.bare_spec``), so that its process imports nothing of parlwatch.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from typing import Any

# The list-page cap both sides use: high enough that every list page of the site is read.
MAX_LIST_PAGES = 10_000


def crawl_overrides(max_list_pages: int = MAX_LIST_PAGES) -> dict[str, Any]:
    """What ``parlwatch crawl`` passes to its crawls (without -v), plus the list-page cap."""
    return {
        "LOG_LEVEL": "CRITICAL",
        "PARLWATCH_PROGRESS": True,  # silent when stderr is not a terminal, as here
        "PARLWATCH_MAX_LIST_PAGES": max_list_pages,
    }


def run_parlwatch(base_url: str, db_url: str, overrides: dict[str, Any]) -> dict[str, Any]:
    from crawler.runner import run_crawl

    summary = run_crawl("pacsto", base_url, db_url, overrides)
    if summary is None:
        return {"pages": 0, "status": "did not start"}
    stats = summary.stats
    return {
        "pages": stats.get("pages", 0),
        "status": summary.status,
        "crawl_id": summary.crawl_id,
        "outcomes": stats.get("pages_by_outcome", {}),
        "new_versions": stats.get("history/new_versions", 0),
        "changes": stats.get("history/changes", 0),
    }


def usage() -> dict[str, float]:
    """CPU seconds of this process and of any children it waited for; its own peak memory."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    return {"cpu_seconds": round(cpu, 2), "peak_rss_mb": round(own.ru_maxrss / 1024, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("side", choices=["bare", "parlwatch"])
    parser.add_argument("base_url")
    parser.add_argument("--db", help="the archive (parlwatch side)")
    parser.add_argument("--spec", help="settings, pages and patterns as JSON (bare side)")
    parser.add_argument("--max-list-pages", type=int, default=MAX_LIST_PAGES, help="parlwatch side")
    parser.add_argument("--profile", help="write cProfile statistics of the crawl to this file")
    args = parser.parse_args(argv)
    if args.side == "parlwatch" and not args.db:
        parser.error("the parlwatch side needs --db")
    if args.side == "bare" and not args.spec:
        parser.error("the bare side needs --spec")
    overrides = crawl_overrides(args.max_list_pages)
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    if args.side == "bare":
        from benchmarks.bare_spider import run_bare

        result: dict[str, Any] = run_bare(json.loads(args.spec)) | {"status": "finished"}
    else:
        result = run_parlwatch(args.base_url, args.db, overrides)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    result["crawl_seconds"] = round(time.perf_counter() - started, 3)
    result.update(usage())
    print(json.dumps(result))
    return 0 if result.get("status") == "finished" else 1


if __name__ == "__main__":
    sys.exit(main())
