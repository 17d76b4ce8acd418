"""The three checks of a scenario, and the pytest parameters that carry today's xfail marks.

Each (scenario, check) is its own test, so an xfail says precisely which part fails today; the
marks are strict, so a fix that makes one pass turns it red until ``scenarios.py`` is updated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pytest

from .harness import FaultSite, Outcome
from .scenarios import CHECKS, SCENARIOS, Scenario


def _context(o: Outcome) -> str:
    crawl = o.fault_crawl
    return (
        f"fault crawl {crawl['status']} ({crawl['reason'] or 'no reason'}), "
        f"{crawl['pages_ok']} pages ok / {crawl['pages_failed']} failed, "
        f"{o.fault_requests} requests hit the fault"
    )


def check_status(o: Outcome) -> None:
    assert o.fault_crawl["status"] in o.scenario.expect, (
        f"expected {' or '.join(o.scenario.expect)}: {_context(o)}"
    )


def check_changes(o: Outcome) -> None:
    assert o.recovery_crawl["status"] == "finished", f"recovery crawl: {o.recovery_crawl}"
    assert not o.changes, f"{len(o.changes)} false changes: {o.describe_changes()}"


def check_offsite(o: Outcome) -> None:
    assert not o.offsite_captures, f"captures from other hosts: {o.offsite_captures}"


RUN_CHECK: dict[str, Callable[[Outcome], None]] = {
    "status": check_status,
    "changes": check_changes,
    "offsite": check_offsite,
}
assert set(RUN_CHECK) == set(CHECKS)


def xfail_params(
    items: Iterable[tuple[str, Any, Mapping[str, str]]], checks: Iterable[str]
) -> list:
    """pytest parameters (item, check) for each (id, item, today) and check; the checks named
    in ``today`` carry a strict xfail with its reason."""
    params = []
    for name, item, today in items:
        for check in checks:
            why = today.get(check)
            # only a failed assertion is today's known failure; a harness error stays an error
            xfail = pytest.mark.xfail(strict=True, reason=why, raises=AssertionError)
            params.append(
                pytest.param(item, check, id=f"{name}:{check}", marks=[xfail] if why else [])
            )
    return params


def cases(faults: Iterable[str]) -> list:
    """(scenario, check) parameters for the scenarios of these fault classes."""
    chosen = set(faults)
    items = [(s.id, s, s.today) for s in SCENARIOS if s.fault in chosen]
    return xfail_params(items, CHECKS)


def run_check(site: FaultSite, scenario: Scenario, check: str) -> None:
    RUN_CHECK[check](site.outcome(scenario))
