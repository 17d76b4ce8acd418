"""One fault site per test worker: the replica, the fault proxy and the clean baseline archive
(built once, copied for each scenario)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .harness import FaultSite


@pytest.fixture(scope="session")
def fault_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultSite]:
    with FaultSite(tmp_path_factory.mktemp("faults")) as site:
        yield site
