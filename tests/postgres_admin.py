"""The PostgreSQL server the tests use, and statements run on it outside a transaction
(creating and dropping the test databases, extensions)."""

from __future__ import annotations

import os

PG_ADMIN_URL = os.environ.get("PARLWATCH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def pg_admin(*statements: str, url: str = PG_ADMIN_URL, timeout: int | None = None) -> None:
    """Run ``statements`` (CREATE DATABASE and the like) on the server at ``url``, outside a
    transaction, through the driver parlwatch itself uses for ``postgresql://``."""
    from store.db import run_outside_transaction

    run_outside_transaction(url, *statements, connect_timeout=timeout)
