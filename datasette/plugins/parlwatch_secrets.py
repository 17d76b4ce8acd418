"""A Datasette plugin of ``parlwatch serve``: secret columns read as NULL in every view.

Notification targets' URLs carry tokens and passwords (``notify list`` masks them). An SQLite
authorizer answers SQLITE_IGNORE to every read of those columns, so the table pages, the JSON
API, arbitrary SQL and canned queries alike get NULL for them, whatever the query.
"""

import sqlite3

from datasette import hookimpl

SECRET_COLUMNS = {("notify_target", "url")}


def _authorizer(action, table, column, _database, _source):
    read = (str(table).lower(), str(column).lower())
    if action == sqlite3.SQLITE_READ and read in SECRET_COLUMNS:
        return sqlite3.SQLITE_IGNORE
    return sqlite3.SQLITE_OK


@hookimpl
def prepare_connection(conn):
    conn.set_authorizer(_authorizer)
