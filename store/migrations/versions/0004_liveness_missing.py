"""crawl liveness and unconfirmed removals

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 14:45:00.000000

A crawl records the process that runs it (``host``, ``pid``) and when it last said it was alive
(``heartbeat_at``), so a crawl whose process died is closed as ``abandoned`` instead of staying
``running``. An entity that complete observations of its set lacked keeps when it was first
seen missing, by which crawl, and how many complete observations lacked it, until enough of
them confirm the removal (``store.versions``). Existing rows get nulls and 0: nothing is
missing, and old crawls have no process.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("crawl") as batch:
        batch.add_column(sa.Column("host", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("pid", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("entity") as batch:
        batch.add_column(sa.Column("missing_since", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("missing_last", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("missing_crawl_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("missing_count", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("entity") as batch:
        batch.drop_column("missing_count")
        batch.drop_column("missing_crawl_id")
        batch.drop_column("missing_last")
        batch.drop_column("missing_since")
    with op.batch_alter_table("crawl") as batch:
        batch.drop_column("heartbeat_at")
        batch.drop_column("pid")
        batch.drop_column("host")
