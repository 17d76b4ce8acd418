"""``kill -9`` of a crawl at several points; the next crawl must close its row and record
nothing (issue 15, item 6)."""

from __future__ import annotations

import pytest

from .kills import KILL_CHECKS, KILL_POINTS, RUN_KILL_CHECK, KillOutcome, run_kill

pytestmark = pytest.mark.e2e
_outcomes: dict[str, KillOutcome] = {}


def _cases() -> list:
    params = []
    for point in KILL_POINTS:
        for check in KILL_CHECKS:
            why = point.today.get(check)
            xfail = pytest.mark.xfail(strict=True, reason=why, raises=AssertionError)
            marks = [xfail] if why else []
            params.append(pytest.param(point, check, id=f"{point.name}:{check}", marks=marks))
    return params


@pytest.mark.parametrize("point, check", _cases())
def test_kill(fault_site, point, check):
    if point.name not in _outcomes:
        _outcomes[point.name] = run_kill(fault_site, point)
    RUN_KILL_CHECK[check](_outcomes[point.name])
