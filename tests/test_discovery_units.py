"""The pure parts of discovery, feeds and stale-registry warnings (no HTTP, no crawl)."""

from __future__ import annotations

import asyncio
import tomllib
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from scrapy.http import XmlResponse
from scrapy.utils.test import get_crawler

from crawler import stale
from crawler.discovery import Findings, SeenPage, path_pattern, propose, rewrite_registry
from crawler.feeds import read_feed, read_sitemap, robots_sitemaps
from crawler.items import Listed
from crawler.registry import REGISTRY_FILE, site_config
from crawler.spiders.national import NATIONAL_SPIDERS
from replica.render import Renderer
from replica.site import load_site

TJ = Renderer(load_site("parlament_tj"))


def served(path: str, version: str = "2027") -> bytes:
    return TJ.render(version, path, {}).body


@pytest.mark.parametrize(
    ("path", "pattern"),
    [
        ("/ru/press/news/5146", r"/ru/press/news/\d+"),
        ("/ru/press-centr/novosti/77.html", r"/ru/press-centr/novosti/\d+\.html"),
        ("/ru/news/view/some-long-title-123/", r"/ru/news/view/[\w-]+-\d+/?"),
        ("/ru/article/show/12/delegatsiya-prinyala-uchastie", r"/ru/article/show/\d+/[\w-]+"),
    ],
)
def test_an_article_path_becomes_a_pattern_of_its_shape(path, pattern):
    assert path_pattern(path) == pattern


def test_a_feed_gives_links_titles_and_dates_and_a_page_is_no_feed():
    entries = read_feed(served("/ru/rss/news.xml"), "http://parlament.tj/ru/rss/news.xml")
    assert len(entries) == 10
    first = entries[0]
    assert first.url.startswith("http://parlament.tj/ru/news/")
    assert first.title and first.published and len(first.published) == 10
    assert read_feed(served("/ru/"), "http://parlament.tj/ru/") == []


def test_a_sitemap_lists_the_pages_and_robots_names_it():
    more, urls = read_sitemap(served("/sitemap.xml"))
    assert more == []
    locs = [u.url for u in urls]
    assert "http://parlament.tj/ru/mezhdunarodnye-svyazi/pa-odkb" in locs
    assert sum("/ru/news/" in u for u in locs) == 10
    robots = served("/robots.txt").decode()
    assert robots_sitemaps(robots, "http://x/robots.txt") == ["http://parlament.tj/sitemap.xml"]
    assert read_sitemap(b"<html>no sitemap</html>") == ([], [])


def _page(target: str, **kw) -> SeenPage:
    return SeenPage("http://h" + target, **kw)


def test_propose_scores_the_pages_a_crawl_saw():
    articles = [f"/ru/press/news/{n}" for n in range(100, 106)]
    pages = [
        _page("/ru/", links=[("http://h/ru/press/news", "Все новости")], names_assembly=True),
        _page(
            "/ru/press/news",
            links=[("http://h" + a, "t") for a in articles]
            + [("http://h/ru/press/news?page=2", "2")],
        ),
        _page("/ru/about/odkb-history", names_assembly=True, persons=1),
        _page("/ru/intl/pa-odkb", names_assembly=True, persons=9, depth=2),
        _page("/ru/staff", names_assembly=True, persons=4, depth=1),
        *[_page(a, article=True, names_assembly=True, persons=3) for a in articles[:1]],
        *[_page(a, article=True) for a in articles[1:]],
    ]
    findings = Findings(pages={p.target: p for p in pages})
    proposal = propose(site_config("parlament_tj"), "ru", findings)
    paths = proposal.paths
    assert paths.delegation == "/ru/intl/pa-odkb"
    assert paths.article == r"/ru/press/news/\d+"
    assert paths.news_list == "/ru/press/news"
    assert paths.news_page == "/ru/press/news?page={n}"
    assert paths.home == "/ru/" and paths.prefix == "/ru/"  # never guessed


def test_rewrite_registry_changes_one_entry_and_keeps_the_rest():
    text = Path(str(REGISTRY_FILE)).read_text(encoding="utf-8")
    site = site_config("duma_ru")
    paths = SimpleNamespace(**vars(site.languages["ru"]))
    paths.delegation, paths.feed = "/moved/odkb/", "/rss/"
    proposal = SimpleNamespace(language="ru", paths=paths)
    new = rewrite_registry(text, "duma_ru", [proposal])
    after, before = tomllib.loads(new), tomllib.loads(text)
    changed = [s for s in after["site"] if s["id"] == "duma_ru"][0]["languages"]["ru"]
    assert changed["delegation"] == "/moved/odkb/" and changed["feed"] == "/rss/"
    assert changed["article"] == site.languages["ru"].article
    assert [s for s in after["site"] if s["id"] != "duma_ru"] == [
        s for s in before["site"] if s["id"] != "duma_ru"
    ]
    assert new.count("\n#") == text.count("\n#")  # comments kept
    with pytest.raises(KeyError):
        rewrite_registry(text, "nowhere", [proposal])


def test_a_registry_page_that_moved_is_told_apart_from_one_that_did_not():
    assert stale.page_problem(404, "http://h/odkb/", "http://h/odkb/", None) == "answers HTTP 404"
    assert stale.page_problem(200, "http://h/odkb", "http://h/odkb/", None) is None
    moved = stale.page_problem(200, "http://h/odkb/", "http://h/", None)
    assert moved == "redirects to /"
    assert stale.page_problem(302, "http://h/a", "http://h/a", "http://x/") == (
        "redirects to http://x/"
    )
    assert stale.page_problem(503, "http://h/a", "http://h/a", None) is None  # an outage


def _crawls(*news_links: int | None):
    """Earlier crawls, newest first (ids 9, 8, ...); None: no news list read whole."""
    return [
        SimpleNamespace(
            id=9 - i,
            stats={"registry_watch": {"news_links": n or 0, "lists_read": int(n is not None)}},
        )
        for i, n in enumerate(news_links)
    ]


@pytest.mark.parametrize(
    ("earlier", "warns"),
    [((0, 0), True), ((0, 4), False), ((0,), False), ((0, None, 0), True), ((None, None), False)],
)
def test_an_empty_news_list_warns_only_after_several_crawls_in_a_row(monkeypatch, earlier, warns):
    monkeypatch.setattr(stale, "recent_crawls", lambda archive, site, last: _crawls(*earlier))
    watch = stale.RegistryWatch(news_links=0, lists_read=1)
    signs = stale.stale_signs(None, "duma_ru", 10, watch, {"ru": "/news/"})
    assert bool(signs) is warns
    if warns:
        text = stale.stale_warning({stale.STATS_KEY: signs})
        assert "duma_ru/ru news_list /news/ linked to no article in 3 crawls" in text
        assert "parlwatch discover duma_ru" in text


def test_a_crawl_that_read_no_list_or_found_articles_never_warns_of_the_news(monkeypatch):
    monkeypatch.setattr(stale, "recent_crawls", lambda archive, site, last: _crawls(0, 0))
    for watch in (stale.RegistryWatch(news_links=3, lists_read=1), stale.RegistryWatch()):
        assert stale.stale_signs(None, "duma_ru", 10, watch, {"ru": "/news/"}) == []
    assert stale.stale_warning({}) is None


def test_the_national_spider_follows_a_feed_with_its_titles_and_dates_as_evidence():
    cls = NATIONAL_SPIDERS["parlament_tj"]
    spider = cls.from_crawler(get_crawler(cls), base_url="http://127.0.0.1:1")
    body = served("/ru/rss/news.xml")
    feed = read_feed(body, "http://parlament.tj/ru/rss/news.xml")
    response = XmlResponse("http://127.0.0.1:1/ru/rss/news.xml", body=body)
    requests = list(spider.follow_links(response, "ru", "feed"))
    assert [r.url for r in requests] == [
        "http://127.0.0.1:1" + e.url.removeprefix("http://parlament.tj") for e in feed
    ]
    assert {r.meta["role"] for r in requests} == {"news"}
    assert requests[0].meta["listed"] == Listed(feed[0].title, feed[0].published)
    assert spider.registry_watch.news_links == 10
    sitemap = XmlResponse("http://127.0.0.1:1/sitemap.xml", body=served("/sitemap.xml"))
    from_sitemap = list(spider.follow_links(sitemap, "ru", "sitemap"))
    assert len(from_sitemap) == 10 and all(r.meta["listed"] is None for r in from_sitemap)


NATIONAL = Path(__file__).parent / "fixtures" / "national"


@pytest.mark.parametrize(
    ("fixture", "status", "problem"),
    [
        ("news_tj.html", 200, "holds no member list"),
        ("members_tj_table.html", 200, None),
        ("maintenance.html", 200, None),  # the site is down: no sign of a move
        ("not_found.html", 404, "answers HTTP 404"),
    ],
)
def test_the_spider_notes_a_delegation_page_that_is_no_longer_one(fixture, status, problem):
    from scrapy.http import HtmlResponse, Request

    cls = NATIONAL_SPIDERS["parlament_tj"]
    spider = cls.from_crawler(get_crawler(cls), base_url="http://127.0.0.1:1")
    url = "http://127.0.0.1:1/ru/odkb"
    request = Request(url, meta={"language": "ru", "role": "delegation"})
    response = HtmlResponse(
        url,
        status=status,
        body=(NATIONAL / fixture).read_bytes(),
        headers={"Content-Type": "text/html; charset=utf-8"},
        request=request,
    )

    async def drain() -> list:
        return [item async for item in spider.parse_response(response)]

    asyncio.run(drain())
    signs = spider.registry_watch.signs
    assert [s["problem"] for s in signs] == ([problem] if problem else [])
    if problem:
        assert signs[0] == {
            "entry": "parlament_tj/ru",
            "page": "delegation",
            "path": "/ru/odkb",
            "problem": problem,
        }


def test_discovery_asks_a_declared_site_search_once_and_reads_live_urls_on_its_base():
    from scrapy.http import HtmlResponse, Request

    from crawler.discovery_spider import SEARCH_WORD, DiscoverySpider

    spider = DiscoverySpider(site_config("parlament_tj"), "http://127.0.0.1:1/")
    assert spider.on_base("http://parlament.tj/ru/news/1") == "http://127.0.0.1:1/ru/news/1"
    assert spider.on_base("http://www.parlament.tj/x?a=1") == "http://127.0.0.1:1/x?a=1"
    assert spider.on_base("https://elsewhere.org/ru/") is None
    body = (
        b'<html><body><form action="/ru/search" method="get"><input name="searchword"></form>'
        b'<form action="/login" method="post"><input name="q"></form></body></html>'
    )
    url = "http://127.0.0.1:1/ru/"
    response = HtmlResponse(url, body=body, request=Request(url, meta={"language": "ru"}))
    asked = list(spider.search(response, "ru"))
    assert len(asked) == 1
    assert asked[0].url.startswith("http://127.0.0.1:1/ru/search?searchword=")
    assert SEARCH_WORD in unquote(asked[0].url)
    assert list(spider.search(response, "ru")) == []  # once per form
