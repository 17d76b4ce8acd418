"""Benchmark: crawl every replica through three version steps; print a JSON result.

Measures wall time and pages per second per step, the crawl processes' peak memory, and the
archive's size, and checks them against the targets below (the JSON says which held). Speed and
memory targets live here, never in a timed test.

    python benchmarks/crawl_replicas.py [--repeat N] [-o artifacts/bench.json]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from crawler.registry import site_ids
from parlwatch.demo import crawl_subprocess
from replica import ReplicaServer
from store.archive import Archive
from store.queries import count_rows, list_crawls

STEPS = ("2025", "2026", "2026")  # baseline, changes, unchanged (conditional requests)
TARGETS = {
    "max_step_seconds": 30.0,  # one crawl of all nine sites on two cores
    "min_pages_per_second": 10.0,
    "max_peak_rss_mb": 600.0,  # the largest crawl process
    "max_archive_mb_per_1000_pages": 20.0,
}


def run(repeat: int) -> dict:
    sites = site_ids()
    steps = []
    with tempfile.TemporaryDirectory(prefix="parlwatch-bench-") as folder:
        db = Path(folder) / "bench.db"
        db_url = f"sqlite:///{db}"
        archive = Archive(db_url)
        with ExitStack() as stack:
            servers = {s: stack.enter_context(ReplicaServer(s, version=STEPS[0])) for s in sites}
            for round_ in range(repeat):
                for version in STEPS:
                    for server in servers.values():
                        if version in server.versions:
                            server.set_version(version)
                    started = time.perf_counter()
                    done = crawl_subprocess({s: srv.url for s, srv in servers.items()}, db_url)
                    seconds = time.perf_counter() - started
                    crawls = list_crawls(archive, last=len(sites))
                    pages = sum(c.stats.get("pages", 0) for c in crawls)
                    steps.append(
                        {
                            "round": round_,
                            "version": version,
                            "exit": done.returncode,
                            "seconds": round(seconds, 3),
                            "pages": pages,
                            "pages_per_second": round(pages / seconds, 1),
                            "changes": sum(c.stats.get("history/changes", 0) for c in crawls),
                        }
                    )
        peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rows = count_rows(archive)
        archive.engine.dispose()
        size_mb = db.stat().st_size / 2**20
    total_pages = sum(step["pages"] for step in steps)
    measured = {
        "max_step_seconds": max(step["seconds"] for step in steps),
        "min_pages_per_second": min(step["pages_per_second"] for step in steps),
        "max_peak_rss_mb": round(peak_rss_mb, 1),
        "max_archive_mb_per_1000_pages": round(size_mb / total_pages * 1000, 2),
    }
    met = {
        name: (measured[name] <= target if name.startswith("max") else measured[name] >= target)
        for name, target in TARGETS.items()
    }
    return {
        "benchmark": "crawl_replicas",
        "sites": len(sites),
        "steps": steps,
        "archive": {"rows": rows, "size_mb": round(size_mb, 2)},
        "measured": measured,
        "targets": TARGETS,
        "met": met,
        "all_met": all(met.values()) and all(step["exit"] == 0 for step in steps),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the three steps")
    parser.add_argument("-o", "--output", type=Path, help="also write the JSON here")
    args = parser.parse_args()
    result = run(args.repeat)
    text = json.dumps(result, indent=2)
    print(text)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n", encoding="utf-8")
    return 0 if result["all_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
