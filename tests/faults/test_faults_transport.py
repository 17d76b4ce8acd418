"""Transport faults on a page: HTTP 503, connection reset, truncated body, no answer in time."""

from __future__ import annotations

import pytest

from .checks import cases, run_check
from .scenarios import FAMILIES

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("scenario, check", cases(FAMILIES["transport"]))
def test_fault(fault_site, scenario, check):
    run_check(fault_site, scenario, check)
