"""Alembic environment: the archive's metadata, and the connection store/db.py hands over."""

from __future__ import annotations

from alembic import context

import store.notifications  # noqa: F401  (registers the notification tables)
import store.schedules  # noqa: F401  (registers the schedule and lock tables)
import store.search  # noqa: F401  (registers the news search index table)
from store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through store.db.upgrade_schema (it passes a connection)")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
)
with context.begin_transaction():
    context.run_migrations()
