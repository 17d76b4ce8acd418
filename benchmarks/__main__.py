"""``python -m benchmarks`` (``make bench``): the whole benchmark, one JSON result.

1. the replicas of every site through three versions (``benchmarks/crawl_replicas.py``);
2. a big synthetic assembly site: bare Scrapy against parlwatch in interleaved pairs, three
   phases (``benchmarks/phases.py``), archive bytes per page by table, peak memory;
3. ``parlwatch reparse`` pages per second;
4. read-command latencies on the archive grown to 1 M captures and 100 k changes, on SQLite
   and (when it runs on 127.0.0.1:5432) PostgreSQL;
5. the targets of issue 17, each with its measured value and whether it held.

Exits 1 when a target did not hold. Quick check: ``--pages 800 --pairs 1 --captures 100000``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any

from benchmarks.bigsite_content import LANGUAGES
from benchmarks.bigsite_server import BigSite, BigSiteServer
from benchmarks.grow import grow_archive
from benchmarks.latency import LatencyOptions, measure_archive
from benchmarks.phases import PHASES, PhaseOptions, crawl_once, run_phases
from benchmarks.postgres import copy_archive, scratch_database, unavailable_reason
from benchmarks.profile_top import top_functions
from benchmarks.runs import parlwatch_command, run_timed
from benchmarks.storage import postgres_table_bytes, sqlite_table_bytes
from benchmarks.summary import markdown, write_json
from benchmarks.targets import all_held, evaluate
from store.db import resolve_db_url


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite archive (its WAL included)."""
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as reading, sqlite3.connect(target) as writing:
        reading.backup(writing)
    reading.close()
    writing.close()


def site_info(site: BigSite) -> dict[str, Any]:
    sizes = {
        lang: sorted(len(site.pages[(lang, path)].body) for path in site.article_paths())
        for lang in LANGUAGES
    }
    return {
        "pages": site.page_count,
        "articles": len(site.content.articles),
        "list_pages_per_language": site.content.list_pages,
        "article_page_bytes": {
            lang: {"min": s[0], "median": round(median(s)), "max": s[-1]}
            for lang, s in sizes.items()
        },
    }


def measure_reparse(archive: Path, workdir: Path, timeout: float) -> dict[str, Any]:
    copy = workdir / "reparse.db"
    copy_sqlite(archive, copy)
    timed = run_timed(parlwatch_command("reparse", "--db", str(copy)), timeout)
    found = re.search(r"(\d+) captures", timed.stdout)
    if timed.returncode != 0 or found is None:
        return {"error": timed.stderr_tail[-800:] or f"exit {timed.returncode}"}
    captures = int(found.group(1))
    return {
        "captures": captures,
        "seconds": timed.seconds,
        "pages_per_second": round(captures / timed.seconds, 1),
        "output": timed.stdout.strip().splitlines()[0],
    }


def _scale_one(db: str, sizes: dict[str, int], grown: dict, probe: dict, workdir: Path, options):
    return {
        **grown,
        "size_mb": round(sum(sizes.values()) / 2**20, 1),
        "table_mb": {name: round(size / 2**20, 1) for name, size in sorted(sizes.items())},
        **measure_archive(db, probe["url"], probe["prefix"], workdir, options, log),
    }


def measure_scale(archive: Path, probe: dict, args: argparse.Namespace, workdir: Path) -> dict:
    options = LatencyOptions(
        repeats=args.command_repeats, timeout=args.latency_timeout, memory_gb=args.memory_gb
    )
    result: dict[str, Any] = {}
    big = workdir / "big.db"
    copy_sqlite(archive, big)
    log(f"scale: growing a SQLite copy to {args.captures:,} captures, {args.changes:,} changes")
    grown = grow_archive(f"sqlite:///{big}", args.captures, args.changes)
    sizes = sqlite_table_bytes(big)
    result["sqlite"] = _scale_one(str(big), sizes, grown, probe, workdir, options)
    big.unlink()
    reason = "--no-postgres" if args.no_postgres else unavailable_reason()
    if reason:
        result["postgresql"] = {"skipped": reason}
        return result
    with scratch_database() as url:
        log(f"scale: copying the archive to PostgreSQL and growing it ({url})")
        copy_archive(f"sqlite:///{archive}", url)
        grown = grow_archive(url, args.captures, args.changes)
        sizes = postgres_table_bytes(resolve_db_url(url))
        result["postgresql"] = _scale_one(url, sizes, grown, probe, workdir, options)
    return result


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    result: dict[str, Any] = {
        "benchmark": "parlwatch issue 17",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": [round(x, 2) for x in os.getloadavg()],
        },
        "options": {k: v for k, v in vars(args).items() if k not in ("output", "workdir")},
    }
    if not args.no_replicas:
        from benchmarks.crawl_replicas import run as crawl_replicas

        log("replicas: every site through three versions")
        result["replicas"] = crawl_replicas(1)
    log(f"site: rendering about {args.pages:,} pages")
    site = BigSite(args.pages)
    result["site"] = site_info(site)
    with BigSiteServer(site) as server:
        phases = PhaseOptions(args.pairs, args.revise_percent, args.crawl_timeout)
        crawl = run_phases(server, workdir, phases, log)
        crawl["peak_rss_mb"] = max(crawl[phase]["peak_rss_mb"] for phase in PHASES)
        result["crawl"] = crawl
        archive = Path(crawl["archives"][0])
        if args.profile:
            log("profile: one more first crawl under cProfile")
            profile = workdir / "crawl.prof"
            crawl_once("parlwatch", server.url, workdir / "profile.db", args.crawl_timeout, profile)
            result["profile"] = top_functions(profile)
        log("reparse")
        result["reparse"] = measure_reparse(archive, workdir, args.crawl_timeout)
        articles = site.article_paths()
        probe = {"url": server.url + articles[len(articles) // 2]}
        probe["prefix"] = server.url + "/events/"
    if not args.no_scale:
        result["scale"] = measure_scale(archive, probe, args, workdir)
    result["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    result["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    result["targets"] = evaluate(result)
    result["all_held"] = all_held(result["targets"])
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("-o", "--output", type=Path, help="write the JSON here too (make bench: artifacts/)")
    add("--pages", type=int, default=3992, help="about this many pages on the big site")
    add("--pairs", type=int, default=3, help="interleaved bare/parlwatch pairs per phase")
    add("--revise-percent", type=float, default=1.0, help="articles revised for phase 3")
    add("--captures", type=int, default=1_000_000, help="grow the archive to this many captures")
    add("--changes", type=int, default=100_000, help="... and this many changes")
    add("--no-scale", action="store_true", help="skip the latencies on a grown archive")
    add("--no-postgres", action="store_true", help="latencies on SQLite only")
    add("--no-replicas", action="store_true", help="skip the replicas' crawl benchmark")
    add("--profile", action="store_true", help="add the top 10 of a profiled first crawl")
    add("--crawl-timeout", type=float, default=1800.0, help="seconds per crawl")
    add("--latency-timeout", type=float, default=120.0, help="seconds per timed call")
    add("--command-repeats", type=int, default=3, help="runs per command (median)")
    add("--memory-gb", type=float, default=4.0, help="address-space cap of latency processes")
    add("--workdir", type=Path, help="keep the archives here (default: a removed temp folder)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        result = run(args, args.workdir.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="parlwatch-bench-") as folder:
            result = run(args, Path(folder))
    print(write_json(result, args.output))
    print(markdown(result), file=sys.stderr)
    return 0 if result["all_held"] else 1


if __name__ == "__main__":
    sys.exit(main())
