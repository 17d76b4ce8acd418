"""Content faults, answered 200: a maintenance page, the delegations block missing or half
rendered, Russian text in windows-1251 declared utf-8, an article in an older table layout with
bold names in a sidebar before it."""

from __future__ import annotations

import pytest

from .checks import cases, run_check
from .scenarios import FAMILIES

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("scenario, check", cases(FAMILIES["content"]))
def test_fault(fault_site, scenario, check):
    run_check(fault_site, scenario, check)
