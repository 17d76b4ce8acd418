"""Read-command latencies on a big archive: in one warm process, and as commands.

In-process figures come from ``benchmarks.latency_worker`` (the library calls, median of warm
runs); command figures are the wall time of ``parlwatch ...`` in a fresh process, start-up
included (median of a few runs). Every process runs under an address-space cap, so a query that
loads the whole capture table fails with "out of memory" instead of taking the machine with it.
A command whose in-process call did not finish is not run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any

from benchmarks.runs import ROOT, parlwatch_command, python_module, run_timed

# The packages a command imports from this checkout (the editable install's), byte-compiled as
# pip byte-compiles an installed parlwatch: under PYTHONDONTWRITEBYTECODE=1 an editable install
# never writes its .pyc files, and every command would compile ~20 modules from source first.
PROJECT_PACKAGES = ("parlwatch", "store", "archive", "crawler", "reports")


# a command slower than this is run once, not ``repeats`` times: a report over 100,000 changes
# (5-6 s) is run three times like the others, since the same code's runs vary by a fifth here
# and one run decided its target (at 5 s, as the in-process calls' limit, it was run once)
COMMAND_SLOW_SECONDS = 20.0


@dataclass
class LatencyOptions:
    repeats: int = 3  # command runs (one when the first is slower than COMMAND_SLOW_SECONDS)
    warm_repeats: int = 5  # in-process runs after the first
    timeout: float = 120.0  # seconds per call or command
    memory_gb: float = 4.0  # address-space cap of every process


def capped(args: list[str], memory_gb: float) -> list[str]:
    """``args`` under an address-space cap (``ulimit -v``)."""
    kilobytes = int(memory_gb * 1024 * 1024)
    return ["sh", "-c", f'ulimit -v {kilobytes} && exec "$0" "$@"', *args]


def now_timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d%H%M%S")


def command_lines(db: str, url: str, prefix: str, at: str, workdir: Path) -> dict[str, list[str]]:
    """The commands timed, by name (the names of the in-process calls they match)."""
    return {
        "startup": ["--version"],
        # a read command whose look-up finds nothing: its time is the start-up (imports, the
        # engine, the connection, the schema check) and one index probe
        "read_startup": ["captures", url + "-never-captured", "--limit", "1", "--db", db],
        "snapshot": ["snapshot", url, "--at", at, "--language", "en", "--db", db],
        "captures_exact": ["captures", url, "--match", "exact", "--limit", "100", "--db", db],
        "captures_prefix": ["captures", prefix, "--match", "prefix", "--limit", "100", "--db", db],
        "report": ["report", "--db", db, "-o", str(workdir / "report-command.md")],
    }


def in_process(
    db: str, url: str, prefix: str, at: str, workdir: Path, options: LatencyOptions
) -> dict[str, Any]:
    args = python_module(
        "benchmarks.latency_worker",
        *("--db", db, "--url", url, "--prefix", prefix, "--at", at),
        *("--workdir", str(workdir), "--repeats", str(options.warm_repeats)),
        *("--timeout", str(options.timeout)),
    )
    # four calls, each at most ``timeout`` a run, one run when slow
    timeout = options.timeout * 8
    timed = run_timed(capped(args, options.memory_gb), timeout=timeout, stdout_json=True)
    if not timed.report:
        reason = "timed out" if timed.timed_out else timed.stderr_tail[-800:] or "no report"
        return {"error": reason}
    return timed.report


def run_command(args: list[str], options: LatencyOptions) -> dict[str, Any]:
    """Median wall seconds of ``parlwatch args``, or why it failed."""
    seconds = []
    for _ in range(max(options.repeats, 1)):
        timed = run_timed(capped(parlwatch_command(*args), options.memory_gb), options.timeout)
        if timed.timed_out:
            return {"error": f"timed out after {options.timeout:.0f} s", "timed_out": True}
        if timed.returncode != 0:
            return {"error": f"exit {timed.returncode}: {timed.stderr_tail[-500:]}"}
        seconds.append(timed.seconds)
        if timed.seconds > COMMAND_SLOW_SECONDS:
            break
    return {"seconds": round(median(seconds), 3), "runs": len(seconds)}


def byte_compile_project() -> None:
    """Write the ``PROJECT_PACKAGES``' .pyc files (what an installed parlwatch has)."""
    import compileall

    for package in PROJECT_PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)


def measure_archive(
    db: str, url: str, prefix: str, workdir: Path, options: LatencyOptions, log=print
) -> dict[str, Any]:
    """In-process and command latencies of the read commands on the archive at ``db``."""
    at = now_timestamp()
    log(f"latency: in-process calls on {db}")
    warm = in_process(db, url, prefix, at, workdir, options)
    commands: dict[str, Any] = {}
    byte_compile_project()
    for name, args in command_lines(db, url, prefix, at, workdir).items():
        call = warm.get(name, {}) if isinstance(warm, dict) else {}
        if "error" in call:
            commands[name] = {"error": f"not run: the in-process call failed ({call['error']})"}
            continue
        log(f"latency: parlwatch {args[0]}")
        commands[name] = run_command(args, options)
    return {"url": url, "prefix": prefix, "at": at, "in_process": warm, "commands": commands}
