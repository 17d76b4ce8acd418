"""lean captures: URLs and header sets stored once, a capture row keeps ids (issue 17)

Revision ID: 0005
Revises: 0008
Create Date: 2026-12-03 16:00:00.000000

A re-capture of an unchanged page repeated its URL twice (as fetched and canonical, each with
its index) and its response and request headers in full: ~1.3 KB a 304. Since this revision the
URL pair is a ``capture_url`` row and each distinct header set (names in order) a ``header_set``
row keyed by its digest, without the values that differ from page to page or fetch to fetch: the
Date and Content-Length (kept on the capture: ``http_date``, ``content_length``) and the
validators (ETag and Last-Modified, If-None-Match and If-Modified-Since: a ``validators`` row,
one per pair). The capture points at them. Existing captures are moved over; the downgrade
puts the columns back.
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0008"
branch_labels = None
depends_on = None

_BATCH = 2000
_OLD_COLUMNS = (
    ("url", sa.Text()),
    ("canonical_url", sa.Text()),
    ("content_type", sa.String(length=200)),
    ("etag", sa.String(length=200)),
    ("last_modified", sa.String(length=100)),
    ("headers", sa.JSON()),
    ("request_headers", sa.JSON()),
)
_NEW_COLUMNS = ("url_id", "header_set_id", "validators_id", "request_header_set_id",
                "request_validators_id")  # fmt: skip
# header -> its place in a validators pair (None: the Date, kept on the capture)
_RESPONSE_VOLATILE = {"date": None, "content-length": None, "etag": 0, "last-modified": 1}
_REQUEST_VOLATILE = {"if-none-match": 0, "if-modified-since": 1}


def upgrade() -> None:
    op.create_table(
        "capture_url",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("canonical_url", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url", "canonical_url"),
    )
    op.create_index("ix_capture_url_canonical_url", "capture_url", ["canonical_url"])
    op.create_table(
        "header_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest"),
    )
    op.create_table(
        "validators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("etag", sa.String(length=200), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("etag", "last_modified"),
    )
    with op.batch_alter_table("capture") as batch:
        for name in _NEW_COLUMNS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=True))
        batch.add_column(sa.Column("content_length", sa.String(length=20), nullable=True))
    _move_captures(op.get_bind())
    with op.batch_alter_table("capture") as batch:
        batch.drop_index("ix_capture_url")
        batch.drop_index("ix_capture_canonical_url")
        for name, _type in _OLD_COLUMNS:
            batch.drop_column(name)
        batch.alter_column("url_id", existing_type=sa.Integer(), nullable=False)
        batch.create_index("ix_capture_url_id", ["url_id"])
        batch.create_foreign_key("fk_capture_url_id", "capture_url", ["url_id"], ["id"])
        batch.create_foreign_key("fk_capture_header_set", "header_set", ["header_set_id"], ["id"])
        batch.create_foreign_key(
            "fk_capture_request_header_set", "header_set", ["request_header_set_id"], ["id"]
        )
        batch.create_foreign_key("fk_capture_validators", "validators", ["validators_id"], ["id"])
        batch.create_foreign_key(
            "fk_capture_request_validators", "validators", ["request_validators_id"], ["id"]
        )


def _loaded(value: object) -> dict:
    if isinstance(value, str):
        value = json.loads(value)
    return dict(value or {})


def _header_set(headers: dict, volatile: dict, http_date: str | None) -> tuple[dict, tuple]:
    """As ``store.captures.header_set_values`` (a Date other than the capture's own is kept)."""
    stored: dict = {}
    pair: list = [None, None]
    for name, value in headers.items():
        key = name.lower()
        left_out = key in volatile and not (key == "date" and value != http_date)
        stored[name] = None if left_out else value
        if volatile.get(key) is not None:
            pair[volatile[key]] = value
    text = json.dumps(list(stored.items()), ensure_ascii=False, separators=(",", ":"))
    row = {
        "digest": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "headers": stored,
        "content_type": stored.get("content-type"),
    }
    return row, (pair[0], pair[1])


def _move_captures(bind: sa.Connection) -> None:
    meta = sa.MetaData()
    capture = sa.Table(
        "capture",
        meta,
        sa.Column("id", sa.Integer),
        sa.Column("http_date", sa.String),
        sa.Column("content_length", sa.String),
        *(sa.Column(name, sa.Integer) for name in _NEW_COLUMNS),
        *(sa.Column(name, kind) for name, kind in _OLD_COLUMNS),
    )
    urls = sa.Table(
        "capture_url", meta, sa.Column("id", sa.Integer), sa.Column("url", sa.Text),
        sa.Column("canonical_url", sa.Text),
    )  # fmt: skip
    sets = sa.Table(
        "header_set", meta, sa.Column("id", sa.Integer), sa.Column("digest", sa.String),
        sa.Column("headers", sa.JSON), sa.Column("content_type", sa.String),
    )  # fmt: skip
    validators = sa.Table(
        "validators", meta, sa.Column("id", sa.Integer), sa.Column("etag", sa.String),
        sa.Column("last_modified", sa.String),
    )  # fmt: skip
    known: dict[tuple, int] = {}

    def id_of(table: sa.Table, key: tuple, values: dict) -> int:
        if (table.name, key) not in known:
            insert = table.insert().values(**values).returning(table.c.id)
            known[(table.name, key)] = bind.execute(insert).scalar_one()
        return known[(table.name, key)]

    def header_ids(headers: object, volatile: dict, http_date: str | None) -> tuple:
        row, pair = _header_set(_loaded(headers), volatile, http_date)
        set_id = id_of(sets, (row["digest"],), row)
        if pair == (None, None):
            return set_id, None
        return set_id, id_of(validators, pair, {"etag": pair[0], "last_modified": pair[1]})

    last = 0
    read = sa.select(
        capture.c.id, capture.c.url, capture.c.canonical_url, capture.c.headers,
        capture.c.request_headers, capture.c.http_date,
    ).order_by(capture.c.id)  # fmt: skip
    while True:
        rows = bind.execute(read.where(capture.c.id > last).limit(_BATCH)).all()
        if not rows:
            return
        updates = []
        for cid, url, canonical, headers, request_headers, http_date in rows:
            pair = (url, canonical or url)
            url_id = id_of(urls, pair, {"url": pair[0], "canonical_url": pair[1]})
            response = header_ids(headers, _RESPONSE_VOLATILE, http_date)
            request = header_ids(request_headers, _REQUEST_VOLATILE, None)
            length = {k.lower(): v for k, v in _loaded(headers).items()}.get("content-length")
            updates.append({"cid": cid, "v": (url_id, *response, *request), "length": length})
        for update in updates:
            update.update(zip(_NEW_COLUMNS, update.pop("v"), strict=True))
        values = {name: sa.bindparam(name) for name in _NEW_COLUMNS}
        values["content_length"] = sa.bindparam("length")
        statement = capture.update().where(capture.c.id == sa.bindparam("cid")).values(**values)
        bind.execute(statement, updates)
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("capture") as batch:
        for name, kind in _OLD_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    bind = op.get_bind()
    urls = dict(bind.execute(sa.text("SELECT id, url FROM capture_url")).all())
    canonical = dict(bind.execute(sa.text("SELECT id, canonical_url FROM capture_url")).all())
    sets = {
        row[0]: (_loaded(row[1]), row[2])
        for row in bind.execute(sa.text("SELECT id, headers, content_type FROM header_set"))
    }
    pairs = {
        row[0]: (row[1], row[2])
        for row in bind.execute(sa.text("SELECT id, etag, last_modified FROM validators"))
    }
    capture = sa.Table(
        "capture", sa.MetaData(), sa.Column("id", sa.Integer),
        *(sa.Column(name, kind) for name, kind in _OLD_COLUMNS),
    )  # fmt: skip
    read = sa.text(f"SELECT id, http_date, content_length, {', '.join(_NEW_COLUMNS)} FROM capture")
    updates = []
    for (
        cid,
        http_date,
        length,
        url_id,
        set_id,
        pair_id,
        request_id,
        request_pair_id,
    ) in bind.execute(read):
        etag, modified = pairs.get(pair_id, (None, None))
        response, content_type = sets.get(set_id, ({}, None))
        asked, since = pairs.get(request_pair_id, (None, None))
        request = sets.get(request_id, ({}, None))[0]
        volatile = {
            "date": http_date,
            "content-length": length,
            "etag": etag,
            "last-modified": modified,
        }
        asked_with = {"if-none-match": asked, "if-modified-since": since}
        updates.append({
            "cid": cid, "url": urls[url_id], "canonical_url": canonical[url_id],
            "content_type": content_type, "etag": etag, "last_modified": modified,
            "headers": {k: volatile.get(k) if v is None else v for k, v in response.items()},
            "request_headers": {
                k: asked_with.get(k.lower()) if v is None else v for k, v in request.items()
            },
        })  # fmt: skip
    if updates:
        values = {name: sa.bindparam(name) for name, _kind in _OLD_COLUMNS}
        statement = capture.update().where(capture.c.id == sa.bindparam("cid")).values(**values)
        bind.execute(statement, updates)
    with op.batch_alter_table("capture") as batch:
        for name in ("request_validators", "validators", "request_header_set", "header_set",
                     "url_id"):  # fmt: skip
            batch.drop_constraint(f"fk_capture_{name}", type_="foreignkey")
        batch.drop_index("ix_capture_url_id")
        for name in (*_NEW_COLUMNS, "content_length"):
            batch.drop_column(name)
        for name in ("url", "canonical_url", "headers", "request_headers"):
            batch.alter_column(name, existing_type=dict(_OLD_COLUMNS)[name], nullable=False)
        batch.create_index("ix_capture_url", ["url"])
        batch.create_index("ix_capture_canonical_url", ["canonical_url"])
    op.drop_table("validators")
    op.drop_table("header_set")
    op.drop_index("ix_capture_url_canonical_url", table_name="capture_url")
    op.drop_table("capture_url")
