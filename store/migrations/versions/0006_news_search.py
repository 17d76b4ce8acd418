"""news search index: each news item's latest words, stemmed (SQLite) or a tsvector (PostgreSQL)

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-03 15:00:00.000000

``news_search`` holds one row per news item: its latest version's title and body and a
``document`` to match: on PostgreSQL a ``tsvector`` made with the ``russian``/``english``
configuration (GIN-indexed), on SQLite the Snowball stems of its words (the FTS5 table
``news_stems`` indexing them is derived and made by store/search.py when missing). The index is
filled at the next search; the unstemmed FTS5 table of earlier versions, ``news_fts``, is
dropped.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "news_search",
        sa.Column("entity_id", sa.Integer(), sa.ForeignKey("entity.id"), primary_key=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "document", postgresql.TSVECTOR().with_variant(sa.Text(), "sqlite"), nullable=True
        ),
    )
    op.create_index("ix_news_search_document", "news_search", ["document"], postgresql_using="gin")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS news_fts")


def downgrade() -> None:
    op.drop_index("ix_news_search_document", table_name="news_search")
    op.drop_table("news_search")
