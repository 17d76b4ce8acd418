"""A long list of pure computations shared with one forked process: the second core's half.

A report over 100k changes spends seconds describing them (significance, statement, evidence),
each on its own. ``map_on_two_cores`` forks one child that computes the second half of the list
while this process computes the first, then reads the child's results through a pipe (pickled,
a tenth of what computing them cost). The child inherits the inputs, so they are never copied.

It falls back to one process, with the same results, where it cannot help or cannot run: short
lists, one CPU, a system other than Linux (no ``fork`` on Windows; on macOS a forked process
may not use every system library safely, which is why Python starts its workers otherwise
there), or a child that failed (then this process computes its half itself). The child never
touches what it inherited besides reading it: it exits with ``os._exit``, so no inherited
database connection is closed and no buffered output is written twice.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

SPLIT_FROM = 10_000  # below this a fork and the results' transfer cost more than they save


def cores() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def map_on_two_cores(compute: Callable[[T], R], inputs: Sequence[T]) -> list[R]:
    """``[compute(x) for x in inputs]``, the second half computed in a forked child when that
    pays. ``compute`` must be pure: what it changes in the child is lost."""
    if len(inputs) < SPLIT_FROM or cores() < 2 or not sys.platform.startswith("linux"):
        return [compute(x) for x in inputs]
    half = len(inputs) // 2
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, leave without any clean-up of the parent's state
        os.close(read_end)
        status = 1
        try:
            with os.fdopen(write_end, "wb") as out:
                pickle.dump([compute(x) for x in inputs[half:]], out, pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        first = [compute(x) for x in inputs[:half]]
        second = _receive(read_end, pid, len(inputs) - half)
    except BaseException:
        _stop(pid)
        raise
    if second is None:  # the child failed: its half is computed here
        second = [compute(x) for x in inputs[half:]]
    return first + second


def _receive(read_end: int, pid: int, expected: int) -> list | None:
    """The child's results, or None when it sent no complete list."""
    try:
        with os.fdopen(read_end, "rb") as source:
            results = pickle.load(source)
    except (EOFError, pickle.UnpicklingError, OSError):
        results = None
    _, status = os.waitpid(pid, 0)
    if status != 0 or not isinstance(results, list) or len(results) != expected:
        return None
    return results


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
