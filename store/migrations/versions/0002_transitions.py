"""transitions: a change is one version transition, its field changes are its parts

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 11:48:15.704447

Archives made before this revision kept a change only as field rows. Their rows are grouped the
way the reports grouped them (entity, crawl, new version, previous version), in the order they
were written: each group becomes one ``transition`` row, ``added`` or ``removed`` when it holds
the whole entity appearing or going, else ``modified``, and each row points to its group's.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FK_NAME = "fk_change_transition_id_transition"

_change = sa.table(
    "change",
    sa.column("id", sa.Integer),
    sa.column("transition_id", sa.Integer),
    sa.column("entity_id", sa.Integer),
    sa.column("crawl_id", sa.Integer),
    sa.column("version_id", sa.Integer),
    sa.column("previous_version_id", sa.Integer),
    sa.column("detected_at", sa.DateTime),
    sa.column("change", sa.String),
    sa.column("field", sa.String),
)
_transition = sa.Table(  # a Table, not a lightweight table: inserts return the new id
    "transition",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("entity_id", sa.Integer),
    sa.Column("crawl_id", sa.Integer),
    sa.Column("previous_version_id", sa.Integer),
    sa.Column("version_id", sa.Integer),
    sa.Column("detected_at", sa.DateTime),
    sa.Column("change", sa.String),
)


def upgrade() -> None:
    op.create_table(
        "transition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("crawl_id", sa.Integer(), nullable=False),
        sa.Column("previous_version_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("change", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["crawl_id"], ["crawl.id"]),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"]),
        sa.ForeignKeyConstraint(["previous_version_id"], ["version.id"]),
        sa.ForeignKeyConstraint(["version_id"], ["version.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("transition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_transition_crawl_id"), ["crawl_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_transition_detected_at"), ["detected_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_transition_entity_id"), ["entity_id"], unique=False)

    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("transition_id", sa.Integer(), nullable=True))

    group_field_rows(op.get_bind())

    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.alter_column("transition_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(
            batch_op.f("ix_change_transition_id"), ["transition_id"], unique=False
        )
        batch_op.create_foreign_key(FK_NAME, "transition", ["transition_id"], ["id"])


def group_field_rows(bind: sa.engine.Connection) -> None:
    """One transition per (entity, crawl, version, previous version) group of field rows."""
    rows = bind.execute(sa.select(_change).order_by(_change.c.id)).all()
    groups: dict[tuple, list] = {}
    for row in rows:
        ident = (row.entity_id, row.crawl_id, row.version_id, row.previous_version_id)
        groups.setdefault(ident, []).append(row)
    for (entity_id, crawl_id, version_id, previous_id), members in groups.items():
        kind = "modified"
        for row in members:
            if row.field == "" and row.change in ("added", "removed"):
                kind = row.change
        inserted = bind.execute(
            _transition.insert().values(
                entity_id=entity_id,
                crawl_id=crawl_id,
                previous_version_id=previous_id,
                version_id=version_id,
                detected_at=min(row.detected_at for row in members),
                change=kind,
            )
        )
        transition_id = inserted.inserted_primary_key[0]
        bind.execute(
            _change.update()
            .where(_change.c.id.in_([row.id for row in members]))
            .values(transition_id=transition_id)
        )


def downgrade() -> None:
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_constraint(FK_NAME, type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_change_transition_id"))
        batch_op.drop_column("transition_id")

    with op.batch_alter_table("transition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transition_entity_id"))
        batch_op.drop_index(batch_op.f("ix_transition_detected_at"))
        batch_op.drop_index(batch_op.f("ix_transition_crawl_id"))

    op.drop_table("transition")
