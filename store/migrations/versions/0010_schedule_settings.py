"""schedule settings: the -s KEY=VALUE crawl settings a schedule runs its crawls with

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 17:10:00.000000

``parlwatch schedule add ... -s DOWNLOAD_DELAY=5`` keeps its settings with the schedule (a JSON
object, setting -> value as typed) and the scheduler passes them to each ``parlwatch crawl`` it
starts. The schedule table had no column for them. Existing schedules get null: no settings.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("schedule") as batch:
        batch.add_column(sa.Column("settings", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("schedule") as batch:
        batch.drop_column("settings")
