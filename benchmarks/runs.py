"""Run one timed subprocess: wall time from outside, peak memory of its whole process tree.

The tree's memory is sampled from /proc (Linux), so a crawl that parses in worker processes is
counted whole; the process also reports its own exact peak (``ru_maxrss``).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Timed:
    """A finished subprocess: exit code, wall seconds, tree peak RSS, stdout, stderr's tail."""

    returncode: int | None
    seconds: float
    tree_peak_rss_mb: float
    stdout: str
    stderr_tail: str
    timed_out: bool = False
    report: dict[str, Any] = field(default_factory=dict)  # the JSON line it printed, if any


def environment() -> dict[str, str]:
    """This environment with the repository on the import path (``benchmarks`` is no package
    of the installed project)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as handle:
                    todo += [int(child) for child in handle.read().split()]
        except OSError:
            continue
    return found


def _sample_tree(pid: int, stop: threading.Event, peak: list[int]) -> None:
    while not stop.wait(0.2):
        peak[0] = max(peak[0], sum(_rss_kb(p) for p in _descendants(pid)))


def run_timed(args: list[str], timeout: float | None = None, stdout_json: bool = False) -> Timed:
    """Run ``args`` from the repository root; ``stdout_json`` parses its last stdout line."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        args,
        cwd=ROOT,
        env=environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stop, peak = threading.Event(), [0]
    sampler = threading.Thread(target=_sample_tree, args=(proc.pid, stop, peak), daemon=True)
    sampler.start()
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        timed_out = True
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    result = Timed(proc.returncode, round(seconds, 3), round(peak[0] / 1024, 1), out, err[-3000:])
    result.timed_out = timed_out
    if stdout_json and out.strip():
        with contextlib.suppress(json.JSONDecodeError):
            result.report = json.loads(out.strip().splitlines()[-1])
    return result


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def parlwatch_command(*args: str) -> list[str]:
    """The installed ``parlwatch`` command beside this interpreter (else ``-m parlwatch``)."""
    script = Path(sys.executable).with_name("parlwatch")
    return [str(script), *args] if script.exists() else python_module("parlwatch", *args)
