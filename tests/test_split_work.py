"""``reports.split_work``: a long list computed on two cores gives what one core gives."""

from __future__ import annotations

import os
import sys

import pytest

from reports import split_work
from reports.split_work import map_on_two_cores

needs_fork = pytest.mark.skipif(
    not sys.platform.startswith("linux") or split_work.cores() < 2,
    reason="splits only on Linux with two CPUs",
)


def _square_with_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


@needs_fork
def test_the_second_half_is_computed_in_a_child_in_order(monkeypatch):
    monkeypatch.setattr(split_work, "SPLIT_FROM", 10)
    results = map_on_two_cores(_square_with_pid, list(range(1001)))
    assert [value for value, _pid in results] == [x * x for x in range(1001)]
    pids = [pid for _value, pid in results]
    assert set(pids[:500]) == {os.getpid()}
    assert len(set(pids[500:])) == 1 and pids[500] != os.getpid(), "the child's half"


def test_a_short_list_stays_in_this_process():
    results = map_on_two_cores(_square_with_pid, list(range(50)))
    assert {pid for _value, pid in results} == {os.getpid()}


@needs_fork
def test_a_failed_child_is_made_up_for_here(monkeypatch):
    monkeypatch.setattr(split_work, "SPLIT_FROM", 10)
    parent = os.getpid()

    def fails_in_the_child(x: int) -> int:
        if os.getpid() != parent:
            raise RuntimeError("the child breaks")
        return -x

    assert map_on_two_cores(fails_in_the_child, list(range(100))) == [-x for x in range(100)]


@needs_fork
def test_an_error_here_stops_the_child_and_is_raised(monkeypatch):
    monkeypatch.setattr(split_work, "SPLIT_FROM", 10)
    parent = os.getpid()

    def fails_here(x: int) -> int:
        if os.getpid() == parent and x == 3:
            raise ValueError("broken input")
        return x

    children = []
    real_fork = os.fork

    def recorded_fork() -> int:
        pid = real_fork()
        if pid:
            children.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recorded_fork)
    with pytest.raises(ValueError, match="broken input"):
        map_on_two_cores(fails_here, list(range(100)))
    [child] = children
    with pytest.raises(ChildProcessError):  # the child was reaped: no zombie left behind
        os.waitpid(child, os.WNOHANG)
