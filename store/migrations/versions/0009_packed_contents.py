"""packed contents: a version's content stored zlib-compressed (issue 17)

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-03 17:00:00.000000

A version kept its content as JSON text: for a news item its title and body, ~3.7 KB a page of
a first crawl, the largest part of what it added besides the bodies. Since this revision
``version.content`` is binary: the compact UTF-8 JSON (keys in their order), zlib-compressed
(``store.models.pack_content``; the ORM reads and writes the value as before). Existing
contents are packed; the downgrade puts them back as JSON text.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0005"
branch_labels = None
depends_on = None

_BATCH = 2000
_LEVEL = 6  # as store.models.CONTENT_COMPRESSION_LEVEL when this revision was written


def _pack(text: str) -> bytes:
    """As ``store.models.pack_content`` (copied: a migration keeps the format of its revision)."""
    compact = json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(compact.encode("utf-8"), _LEVEL)


def _unpack(packed: bytes) -> str:
    return zlib.decompress(packed).decode("utf-8")


def _copy(bind: sa.Connection, source: sa.ColumnElement, target: sa.ColumnClause,
          value: sa.ColumnElement, convert: Callable) -> None:  # fmt: skip
    """Set ``target`` to ``value``, bound to ``convert`` of ``source``, a batch of rows at a
    time (``value`` is the bound parameter "value", or an expression of it)."""
    version = sa.table("version", sa.column("id", sa.Integer), target)
    read = sa.select(version.c.id, source).select_from(version).order_by(version.c.id)
    write = version.update().where(version.c.id == sa.bindparam("vid")).values({target: value})
    last = 0
    while True:
        rows = bind.execute(read.where(version.c.id > last).limit(_BATCH)).all()
        if not rows:
            return
        bind.execute(write, [{"vid": vid, "value": convert(stored)} for vid, stored in rows])
        last = rows[-1][0]


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("version") as batch:
        batch.add_column(sa.Column("packed", sa.LargeBinary(), nullable=True))
    # the JSON text as stored (PostgreSQL would hand a json column over parsed)
    stored = sa.cast(sa.column("content", sa.JSON), sa.Text)
    if bind.dialect.name == "sqlite":
        stored = sa.column("content", sa.Text)
    packed = sa.column("packed", sa.LargeBinary)
    _copy(bind, stored, packed, sa.bindparam("value", type_=sa.LargeBinary), _pack)
    with op.batch_alter_table("version") as batch:
        batch.drop_column("content")
        batch.alter_column(
            "packed", new_column_name="content", existing_type=sa.LargeBinary(), nullable=False
        )


def downgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("version") as batch:
        batch.add_column(sa.Column("unpacked", sa.JSON(), nullable=True))
    # the compact text as it is, not re-serialised by the connection's JSON serialiser
    text = sa.bindparam("value", type_=sa.Text)
    value = text if bind.dialect.name == "sqlite" else sa.cast(text, sa.JSON)
    unpacked = sa.column("unpacked", sa.Text)
    _copy(bind, sa.column("content", sa.LargeBinary), unpacked, value, _unpack)
    with op.batch_alter_table("version") as batch:
        batch.drop_column("content")
        batch.alter_column(
            "unpacked", new_column_name="content", existing_type=sa.JSON(), nullable=False
        )
