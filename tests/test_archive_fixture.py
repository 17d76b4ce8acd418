"""The history the archive tests share: the ``archive`` family of tests/replica_histories.py.

pacsto (utf-8, two languages at one URL), sovrep_by and parlament_tj (windows-1251) are crawled
together at 2025, 2026, an outage and 2026 again (unchanged: 304s and identical bodies), then
pacsto once more at a closed port (fetches with no response at all). The bytes the replicas
served for a few pages are saved beside the archive, so snapshots can be compared with them.

The other ``test_archive_*`` modules read it through the ``replica_histories`` fixture
(``replica_histories.get("archive")``; ``replica_histories.history_copy`` to write) and import
``archive_cli`` from here.
"""

from __future__ import annotations

import click
import pytest

pytestmark = pytest.mark.e2e

SITES = ["pacsto", "sovrep_by", "parlament_tj"]

# The captures with their URLs, for tests that read an archive in SQL (a capture row keeps a URL
# id since migration 0005)
CAPTURES_WITH_URLS = (
    "(SELECT capture.*, capture_url.url, capture_url.canonical_url FROM capture "
    "JOIN capture_url ON capture_url.id = capture.url_id)"
)


def archive_cli() -> click.Group:
    """The archive commands under one group, as ``parlwatch.cli`` registers them."""
    from parlwatch.commands_archive import ARCHIVE_COMMANDS, warc_export

    group = click.Group("parlwatch")
    for command in ARCHIVE_COMMANDS:
        group.add_command(command)
    export = click.Group("export")
    export.add_command(warc_export)
    group.add_command(export)
    return group


@pytest.fixture(scope="module")
def history(replica_histories):
    return replica_histories.get("archive")


def test_the_shared_history_has_every_kind_of_capture(history):
    import sqlite3

    steps = history.manifest["steps"]
    assert [s["exit"] for s in steps] == [0, 0, 1, 0, 1], [s["stdout"] for s in steps]
    with sqlite3.connect(history.db) as conn:
        statuses = {row[0] for row in conn.execute("SELECT DISTINCT status FROM capture")}
        spiders = {row[0] for row in conn.execute("SELECT DISTINCT spider FROM crawl")}
    assert {200, 304, 404, 503, None} <= statuses
    assert spiders == set(SITES)
    assert history.served("sovrep-delegation-2025").decode("cp1251")
