"""``kill -9`` of a crawl at several points; the next crawl must close its row and record
nothing (issue 15, item 6)."""

from __future__ import annotations

import pytest

from .checks import xfail_params
from .kills import KILL_CHECKS, KILL_POINTS, RUN_KILL_CHECK, KillOutcome, run_kill

pytestmark = pytest.mark.e2e
_outcomes: dict[str, KillOutcome] = {}


@pytest.mark.parametrize(
    "point, check", xfail_params([(k.name, k, k.today) for k in KILL_POINTS], KILL_CHECKS)
)
def test_kill(fault_site, point, check):
    if point.name not in _outcomes:
        _outcomes[point.name] = run_kill(fault_site, point)
    RUN_KILL_CHECK[check](_outcomes[point.name])
