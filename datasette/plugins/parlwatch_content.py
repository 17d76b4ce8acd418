"""A Datasette plugin of ``parlwatch serve``: ``parlwatch_content(version.content)`` in SQL.

A version's content is stored compressed (``store.models.pack_content``: compact UTF-8 JSON,
zlib-compressed), which a page of Datasette shows as binary. This SQL function gives its JSON
text back, for the canned queries and any query typed in: ``select
parlwatch_content(content) from version``. Anything that is not bytes is returned as it is.
"""

import zlib

from datasette import hookimpl


def parlwatch_content(packed):
    if not isinstance(packed, bytes):
        return packed
    return zlib.decompress(packed).decode("utf-8")


@hookimpl
def prepare_connection(conn):
    conn.create_function("parlwatch_content", 1, parlwatch_content, deterministic=True)
