"""The spider only crawls: the pages to re-check are handed to it, loaded in one query."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from replica_histories import history_copy
from sqlalchemy import event, select

from crawler.ingest import Ingest
from crawler.items import Page, ParseOutcome
from crawler.pipelines import ArchivePipeline
from crawler.spiders.national import NATIONAL_SPIDERS
from replica import ReplicaServer
from store.archive import FINISHED, Archive
from store.captures import body_digest
from store.models import Crawl
from store.queries import KnownPage, known_pages

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2025, 6, 1, 12, 0, 0)


class ArticleParser:
    def parse_page(self, body, url, language, content_type, role, fetched_at=None):
        title = body.decode()
        return ParseOutcome(
            records=[{"type": "news", "language": "ru", "url": url, "title": title}]
        )


def archive_with_news(url: str, count: int) -> Archive:
    """An archive where ``duma_ru`` has ``count`` news items, each captured twice."""
    archive = Archive(url)
    for step in range(2):
        crawl_id = archive.start_crawl("duma_ru")
        ingest = Ingest(archive, crawl_id, ArticleParser())
        for n in range(count):
            ingest.add(
                Page(
                    site="duma_ru",
                    url=f"http://duma.gov.ru/news/{n}/",
                    language="ru",
                    role="news",
                    fetched_at=T0.replace(day=1 + step),
                    status=200,
                    body=f"item {n}".encode(),
                    headers={"etag": f'"{n}-{step}"', "content-type": "text/html"},
                )
            )
        archive.finish_crawl(crawl_id, FINISHED, ingest.settled())
    return archive


@pytest.mark.parametrize("database", ["sqlite_url", "postgres_url"])
def test_known_pages_is_one_query_however_many_pages(request, database):
    archive = archive_with_news(request.getfixturevalue(database), 5)
    statements: list[str] = []
    event.listen(archive.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    pages = known_pages(archive, "duma_ru", "news")
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
    assert [p.path for p in pages] == [f"/news/{n}/" for n in range(5)]
    first = pages[0]
    assert (first.key, first.language, first.etag) == ("duma_ru/ru/news/news/0", "ru", '"0-1"')
    # each page's own latest body (it was answered as some other page's on SQLite, and the
    # query refused on PostgreSQL, once a page was captured twice)
    assert [p.digest for p in pages] == [body_digest(f"item {n}".encode()) for n in range(5)]


def test_the_pipeline_hands_the_spider_its_recheck_pages_and_the_spider_asks_conditionally(
    sqlite_url,
):
    archive_with_news(sqlite_url, 2)
    spider = NATIONAL_SPIDERS["duma_ru"](base_url="http://127.0.0.1:9")
    assert spider.recheck_pages == []
    pipeline = ArchivePipeline(
        SimpleNamespace(settings={"PARLWATCH_DB": sqlite_url}, spider=spider)
    )
    pipeline.open_spider()
    assert [p.path for p in spider.recheck_pages] == ["/news/0/", "/news/1/"]

    async def requests():
        return [request async for request in spider.start()]

    rechecks = [r for r in asyncio.run(requests()) if r.meta["role"] == "news"]
    assert [r.url for r in rechecks] == ["http://127.0.0.1:9/news/0/", "http://127.0.0.1:9/news/1/"]
    assert rechecks[0].headers[b"If-None-Match"] == b'"0-1"'
    assert isinstance(rechecks[0].meta["known"], KnownPage)


@pytest.mark.e2e
def test_plain_scrapy_crawl_rechecks_known_pages_with_conditional_requests(
    replica_histories, tmp_path
):
    """``scrapy crawl`` on the shared history (sovrep_by last crawled at 2026) asks for 304s."""
    history = history_copy(replica_histories.get("archive"), tmp_path)
    quick = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=ERROR"]
    with ReplicaServer("sovrep_by", version="2026") as server:
        done = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "sovrep_by", "-a"]
            + [f"base_url={server.url}", "-s", f"PARLWATCH_DB={history.url}", *quick],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    with Archive(history.url).session() as session:
        last = session.query(Crawl).order_by(Crawl.id.desc()).first()
    assert (last.spider, last.status) == ("sovrep_by", "finished"), json.dumps(last.stats)[:2000]
    assert last.stats["scrapy"].get("downloader/response_status_count/304", 0) > 0
    assert last.stats["history/changes"] == 0


def test_a_known_article_linked_from_a_list_is_asked_for_conditionally():
    """The list's link may beat the re-check request to the duplicate filter: it carries the
    validators too, so the article still comes back 304 when unchanged."""
    from scrapy.http import HtmlResponse, Request
    from scrapy.settings import Settings

    spider = NATIONAL_SPIDERS["duma_ru"](base_url="http://127.0.0.1:9")
    spider.settings = Settings({"PARLWATCH_MAX_LIST_PAGES": 3})
    spider.recheck_pages = [
        KnownPage("duma_ru/ru/news/news/0", "ru", "/news/0/", '"e0"', None, None)
    ]
    body = b'<html><body><a href="/news/0/">0</a> <a href="/news/1/">1</a></body></html>'
    page = HtmlResponse(
        "http://127.0.0.1:9/news/", body=body, encoding="utf-8",
        request=Request("http://127.0.0.1:9/news/"),
    )  # fmt: skip
    followed = {r.url: r for r in spider.follow_links(page, "ru") if r.meta["role"] == "news"}
    known = followed["http://127.0.0.1:9/news/0/"]
    assert known.headers[b"If-None-Match"] == b'"e0"'
    assert known.meta["known"] is spider.recheck_pages[0]
    assert b"If-None-Match" not in followed["http://127.0.0.1:9/news/1/"].headers
    assert spider.known_page("http://127.0.0.1:9/news/0/", "en") is None


def test_a_captures_url_is_compared_with_values_never_with_another_captures_url():
    """The comparison that broke ``known_pages`` fails loudly instead of giving wrong SQL."""
    from sqlalchemy.orm import aliased

    from store.models import Capture

    other = aliased(Capture)
    for comparison in (
        lambda: other.url == Capture.url,
        lambda: other.canonical_url.in_(select(Capture.canonical_url)),
    ):
        with pytest.raises(TypeError, match="join capture_url"):
            comparison()
    assert "capture_url.url =" in str(Capture.url == "http://example.org/")
    assert "IN" in str(Capture.canonical_url.in_(["http://a/", "http://b/"]))
