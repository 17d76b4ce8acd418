"""Time archive queries inside one warm process: the library calls behind the read commands.

Run in its own process (with a memory cap) so that a query that loads a million rows cannot
take the benchmark down; prints one JSON line: per call, the first run and the median of the
warm runs in milliseconds, or the error.

    python -m benchmarks.latency_worker --db big.db --url URL --prefix URL --at 20261231
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from collections.abc import Callable
from statistics import median
from typing import Any

SLOW_SECONDS = 5.0  # a call slower than this is not repeated


class CallTimedOut(BaseException):
    """Raised by the timer; not an Exception, so that no handler of the code under test
    swallows it."""


def _alarm(_signum: int, _frame: Any) -> None:
    raise CallTimedOut


def measure(call: Callable[[], int], repeats: int, timeout: float) -> dict[str, Any]:
    """First run, then ``repeats`` warm runs (unless the first was slow); ``rows`` returned."""
    times: list[float] = []
    rows = 0
    signal.signal(signal.SIGALRM, _alarm)
    try:
        for _ in range(1 + repeats):
            signal.setitimer(signal.ITIMER_REAL, timeout)
            started = time.perf_counter()
            rows = call()
            times.append(time.perf_counter() - started)
            signal.setitimer(signal.ITIMER_REAL, 0)
            if times[0] > SLOW_SECONDS:
                break
    except CallTimedOut:
        return {"error": f"timed out after {timeout:.0f} s", "timed_out": True}
    except MemoryError:
        return {"error": "out of memory (the benchmark's address-space cap)"}
    except Exception as exc:  # a broken call is a result to report, not a crash
        return {"error": f"{type(exc).__name__}: {exc}"}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    warm = times[1:] or times
    return {
        "ms": round(median(warm) * 1000, 1),
        "first_ms": round(times[0] * 1000, 1),
        "runs": len(times),
        "rows": rows,
    }


def calls(db: str, url: str, prefix: str, at: str, language: str, workdir: str):
    """The calls to time, by name: the library function each read command runs."""
    from click.testing import CliRunner

    from archive.capture_index import parse_timestamp, query_captures
    from archive.snapshots import find_snapshot
    from parlwatch.cli import cli
    from store.archive import Archive

    archive = Archive(db)
    moment = parse_timestamp(at, upper=True)
    report_file = os.path.join(workdir, "report-in-process.md")

    def report() -> int:
        result = CliRunner().invoke(cli, ["report", "--db", db, "-o", report_file])
        if isinstance(result.exception, CallTimedOut | MemoryError):
            raise result.exception
        if result.exit_code != 0:
            raise RuntimeError(result.output[-500:] or repr(result.exception))
        return os.path.getsize(report_file)

    return {
        "snapshot": lambda: len(find_snapshot(archive, url, moment, language).body),
        "captures_exact": lambda: len(list(query_captures(archive, url, "exact", limit=100))),
        "captures_prefix": lambda: len(list(query_captures(archive, prefix, "prefix", limit=100))),
        "report": report,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--url", required=True, help="a URL with many captures")
    parser.add_argument("--prefix", required=True, help="a prefix matching most captures")
    parser.add_argument("--at", required=True, help="the snapshot moment (CDX timestamp)")
    parser.add_argument("--language", default="en")
    parser.add_argument("--workdir", default=".")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per call")
    parser.add_argument("--only", action="append", help="time only these calls")
    args = parser.parse_args(argv)
    chosen = calls(args.db, args.url, args.prefix, args.at, args.language, args.workdir)
    results = {
        name: measure(call, args.repeats, args.timeout)
        for name, call in chosen.items()
        if not args.only or name in args.only
    }
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
