"""Size and redirect faults: a slow but whole body, a body over the download cap (declared, or
50 MB streamed), a redirect loop, and a redirect to another host serving another page."""

from __future__ import annotations

import pytest

from .checks import cases, run_check
from .scenarios import FAMILIES

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("scenario, check", cases(FAMILIES["size_redirect"]))
def test_fault(fault_site, scenario, check):
    run_check(fault_site, scenario, check)
