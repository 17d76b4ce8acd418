"""mementos: what ``parlwatch backfill`` listed and fetched from a web archive

Revision ID: 0008
Revises: 0003
Create Date: 2026-12-03 14:40:00.000000

One row per capture a web archive's CDX server listed and the backfill took: its replay URL
(the backfilled capture's provenance), the archive's digest, and what the raw fetch gave (the
body in ``blob``). A rerun fetches nothing already here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "memento",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("replay_url", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("timestamp", sa.String(length=14), nullable=False),
        sa.Column("archive_digest", sa.String(length=200), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=80), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("fetched", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("capture_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["capture_id"], ["capture.id"]),
        sa.ForeignKeyConstraint(["digest"], ["blob.digest"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "url", "timestamp"),
    )
    with op.batch_alter_table("memento", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_memento_archive_digest"), ["archive_digest"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_memento_capture_id"), ["capture_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("memento", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_memento_capture_id"))
        batch_op.drop_index(batch_op.f("ix_memento_archive_digest"))
    op.drop_table("memento")
