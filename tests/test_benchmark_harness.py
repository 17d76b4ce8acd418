"""The benchmark's own machinery on a tiny site: the big-site server, the bare spider, the JSON.

No timings are asserted here: speed targets live in the benchmark's JSON (``make bench``).
"""

from __future__ import annotations

import json
import sqlite3
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # ``benchmarks`` sits beside the installed packages, not in them
    sys.path.insert(0, str(ROOT))

from benchmarks.bigsite_server import CONTROL_PATH, BigSite, BigSiteServer  # noqa: E402
from benchmarks.phases import crawl_once, summarize  # noqa: E402
from benchmarks.storage import growth, per_page, sqlite_table_bytes  # noqa: E402
from benchmarks.summary import markdown, write_json  # noqa: E402
from benchmarks.targets import all_held, evaluate  # noqa: E402
from crawler.parsers import parse_pacsto_page  # noqa: E402


@pytest.fixture(scope="module")
def server() -> Iterator[BigSiteServer]:
    with BigSiteServer(BigSite(pages=20)) as running:
        yield running


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_site_has_both_languages_on_the_same_paths(server: BigSiteServer) -> None:
    site = server.site
    assert site.page_count == 2 * (1 + site.content.list_pages + len(site.content.articles))
    status, headers, english = fetch(server.url + "/", **{"Accept-Language": "en"})
    assert (status, headers["Content-Language"]) == (200, "en")
    assert b"National Delegations" in english
    status, headers, russian = fetch(server.url + "/")  # Russian unless English is asked for
    assert (status, headers["Content-Language"]) == (200, "ru")
    assert "Национальные делегации".encode() in russian
    assert fetch(server.url + "/events/no-such-article")[0] == 404
    assert b"Disallow: /admin/" in fetch(server.url + "/robots.txt")[2]


def test_pages_are_read_by_the_pacsto_parser(server: BigSiteServer) -> None:
    path = server.site.article_paths()[0]
    for lang in ("en", "ru"):
        for page in ("/", "/events/", path):
            url = server.url + page
            result = parse_pacsto_page(
                fetch(url, **{"Accept-Language": lang})[2], url, language=lang
            )
            assert result.missing == [], (lang, page, result.errors)
            types = {record["type"] for record in result.records}
            assert {"delegation", "representative", "website"} <= types
            assert ("news" in types) == (page == path)


def test_conditional_requests_and_the_revise_switch(server: BigSiteServer) -> None:
    url = server.url + server.site.article_paths()[-1]
    status, headers, body = fetch(url, **{"Accept-Language": "en"})
    assert status == 200 and 6000 < len(body) < 10000
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert fetch(url, **{"Accept-Language": "en", "If-None-Match": etag})[0] == 304
    assert fetch(url, **{"Accept-Language": "en", "If-Modified-Since": modified})[0] == 304
    assert fetch(url, **{"Accept-Language": "ru", "If-None-Match": etag})[0] == 200

    request = urllib.request.Request(server.url + CONTROL_PATH, data=b"100", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        revised = json.loads(response.read())["revised"]
    assert sorted(revised) == sorted(server.site.article_paths())  # 100 %: every article
    status, headers, body = fetch(url, **{"Accept-Language": "en", "If-None-Match": etag})
    assert status == 200 and headers["ETag"] != etag and b"Updated on" in body
    list_page = server.url + "/events/"
    list_etag = fetch(list_page, **{"Accept-Language": "en"})[1]["ETag"]
    server.site.revise(1)  # at least one article; the list pages do not change
    assert len(server.site.content.revised) == 1
    assert fetch(list_page, **{"Accept-Language": "en", "If-None-Match": list_etag})[0] == 304


@pytest.mark.e2e
def test_bare_spider_and_json_writer_on_a_tiny_site(server: BigSiteServer, tmp_path) -> None:
    bare = crawl_once("bare", server.url, None, timeout=120)
    assert "error" not in bare, bare.get("error")
    assert bare["pages"] == server.site.page_count
    assert bare["cpu_seconds"] > 0 and bare["peak_rss_mb"] > 0

    archive = tmp_path / "archive.db"
    assert sqlite_table_bytes(archive) == {}
    with sqlite3.connect(archive) as connection:
        connection.execute("CREATE TABLE blob (data BLOB)")
        connection.execute("INSERT INTO blob VALUES (zeroblob(50000))")
    connection.close()
    sizes = sqlite_table_bytes(archive)
    assert sizes["blob"] >= 50000
    # a stand-in for the parlwatch side: the JSON's shape, not its figures, is under test
    parlwatch = dict(bare, bytes_per_page=per_page(growth({}, sizes), bare["pages"]))
    pair = {"bare": bare, "parlwatch": parlwatch, "ratio": 1.0}
    phase = summarize([pair])
    crawl = {name: phase for name in ("first", "unchanged", "changed")}
    crawl["changed"]["change_detection"] = {"exact": True}
    result = {"crawl": crawl | {"peak_rss_mb": phase["peak_rss_mb"]}, "reparse": {"error": "x"}}
    result["scale"] = {"postgresql": {"skipped": "not running"}}
    result["targets"] = evaluate(result)
    result["all_held"] = all_held(result["targets"])

    assert result["targets"]["first_crawl_ratio"]["held"] is True
    assert result["targets"]["reparse_pages_per_second"]["held"] is False
    assert result["targets"]["postgresql.snapshot_command_s"]["held"] is None
    assert result["all_held"] is False
    written = tmp_path / "out" / "bench.json"
    write_json(result, written)
    assert json.loads(written.read_text())["targets"] == result["targets"]
    table = markdown(result)
    assert "| first crawl (empty archive) |" in table and "first_crawl_ratio" in table
