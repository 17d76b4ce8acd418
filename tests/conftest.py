"""Shared fixtures: a real SQLite file archive, a real PostgreSQL one when reachable, and the
crawl histories of the replicas (tests/replica_histories.py), built once per session."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from postgres_admin import PG_ADMIN_URL, pg_admin

from store.archive import Archive

if TYPE_CHECKING:
    from replica_histories import HistoryBuilder


def _pg_unavailable_reason() -> str | None:
    try:
        pg_admin("SELECT 1", timeout=3)
        return None
    except ModuleNotFoundError as exc:
        return f"the PostgreSQL driver ({exc.name}) is not installed"
    except Exception as exc:  # any connection failure means: skip, and say why
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}"


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'archive.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    reason = _pg_unavailable_reason()
    if reason:
        pytest.skip(reason)
    name = f"parlwatch_test_{uuid.uuid4().hex[:12]}"
    pg_admin(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def archive(request) -> Iterator[Archive]:
    """The same archive API on a SQLite file and on PostgreSQL."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")
    archive = Archive(url)
    yield archive
    archive.engine.dispose()


@pytest.fixture(scope="session")
def replica_histories(tmp_path_factory) -> HistoryBuilder:
    """Every crawl history of the replicas, each family built once for the whole session.

    Under pytest-xdist the workers share the session's temporary folder (the parent of each
    worker's own) and a file lock per family, so the first worker to ask builds it and the
    other reuses it.
    """
    from replica_histories import HistoryBuilder

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    return HistoryBuilder(root)
