"""capture (url_id, fetched_at, id) index: a URL's captures read in time order from the index

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 23:30:00.000000

The capture index lists a URL's captures oldest (or, for a snapshot, newest) first. With an index
on ``url_id`` alone, PostgreSQL answered ``--limit 1`` (or 2) by walking the whole time index,
filtering on the URL: a URL never captured, or first captured lately, took 300 ms at a million
captures. ``ix_capture_url_time`` holds a URL's captures in (time, id) order, so every such
look-up reads only its own rows, in order; it replaces ``ix_capture_url_id``, whose lookups it
answers too (its first column).
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_capture_url_time", "capture", ["url_id", "fetched_at", "id"])
    op.drop_index("ix_capture_url_id", table_name="capture")


def downgrade() -> None:
    op.create_index("ix_capture_url_id", "capture", ["url_id"])
    op.drop_index("ix_capture_url_time", table_name="capture")
