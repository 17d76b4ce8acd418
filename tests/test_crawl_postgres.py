"""A team's archive on PostgreSQL records, crawl after crawl, what a SQLite file records.

The demo's crawls (every site's replica, three versions) go into a SQLite file and into a
PostgreSQL database side by side, and the two histories must be the same change for change. A
recrawl reads the pages it knows (``store.queries.known_pages``) before it fetches anything:
that query once failed on PostgreSQL only, so every second crawl of a site into a shared archive
was interrupted while the tests, all on SQLite, passed.
"""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from crawler.registry import site_ids
from parlwatch.demo import DEMO_STEPS, crawl_subprocess
from replica import ReplicaServer
from store.archive import Archive
from store.queries import list_changes, list_crawls

pytestmark = pytest.mark.e2e


def history(db_url: str) -> list[tuple]:
    return sorted(
        (c.entity, c.change, c.field, str(c.old), str(c.new), c.category)
        for c in list_changes(Archive(db_url))
    )


def test_the_demo_crawls_record_the_same_history_on_postgresql_as_on_sqlite(
    sqlite_url, postgres_url
):
    sites = site_ids()
    with ExitStack() as stack:
        servers = {s: stack.enter_context(ReplicaServer(s, version=DEMO_STEPS[0])) for s in sites}
        urls = {site: server.url for site, server in servers.items()}
        for version in DEMO_STEPS:
            for server in servers.values():
                if version in server.versions:
                    server.set_version(version)
            for db_url in (sqlite_url, postgres_url):
                done = crawl_subprocess(urls, db_url)
                assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    crawls = list_crawls(Archive(postgres_url), last=100)
    assert len(crawls) == len(sites) * len(DEMO_STEPS)
    assert {c.status for c in crawls} == {"finished"}, [(c.site, c.reason) for c in crawls]
    on_postgresql = history(postgres_url)
    assert len(on_postgresql) > 50, "the replicas' later versions change every site"
    assert on_postgresql == history(sqlite_url)
