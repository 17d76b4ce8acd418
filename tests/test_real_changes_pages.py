"""Issue 15, single pages: what one page may contribute (``crawler.page_reading.read_page``).

A page whose text is not its edition's is never parsed; every record's language is the one the
page was requested in; a redirect that was not followed is a failed page; a news article's title
and date agree with how its list showed it, or the list's win with a warning.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from crawler.edition import edition_problem
from crawler.items import Listed, Page, ParseOutcome
from crawler.page_reading import cross_check, outcome_text, read_page, same_site, same_title

T0 = datetime(2026, 1, 5, 12)
RU_TEXT = (
    "Делегация Федерального Собрания Российской Федерации в Парламентской Ассамблее ОДКБ "
    "состоит из двенадцати членов Совета Федерации и десяти депутатов Государственной Думы. "
)
EN_TEXT = (
    "The delegation of the Federal Assembly of the Russian Federation to the CSTO PA consists "
    "of twelve members of the Federation Council and ten deputies of the State Duma. "
)
UTF8 = "text/html; charset=utf-8"


def html(text: str, charset: str = "utf-8") -> str:
    return (
        f'<html><head><meta charset="{charset}"><title>ПА ОДКБ</title></head>'
        f"<body><nav>Главная | Новости | News</nav><div class='main'><h1>Новости</h1>"
        f"<p>{text * 3}</p></div><footer>© 2026</footer></body></html>"
    )


class Parser:
    """A parser that records whether it was asked, and answers with fixed records."""

    def __init__(self, *records: dict) -> None:
        self.records = list(records)
        self.calls = 0

    def parse_page(self, body, url, language, content_type, role, fetched_at=None):
        self.calls += 1
        return ParseOutcome(records=[dict(r) for r in self.records])


def page(body: bytes | None = None, status: int | None = 200, **kwargs) -> Page:
    values = {
        "site": "pacsto",
        "url": "http://127.0.0.1:8000/events/s-1-yanvarya",
        "language": "ru",
        "role": "news",
        "fetched_at": T0,
        "status": status,
        "body": body,
        "headers": {"content-type": UTF8},
    }
    return Page(**(values | kwargs))


# -- item 3: the edition comes from the request, and a page not in its edition is not read


@pytest.mark.parametrize(
    ("body", "content_type", "language", "problem"),
    [
        (html(RU_TEXT).encode("utf-8"), UTF8, "ru", None),
        (html(EN_TEXT).encode("utf-8"), UTF8, "en", None),
        (html(RU_TEXT).encode("cp1251"), UTF8, "ru", "replacement characters"),
        (html(RU_TEXT, "windows-1251").encode("utf-8"), "text/html", "ru", "mojibake"),
        (html(RU_TEXT).encode("utf-8"), UTF8, "en", "Latin"),
        (html(EN_TEXT).encode("utf-8"), UTF8, "ru", "Cyrillic"),
        (b"<html><body><p>OK</p></body></html>", UTF8, "ru", None),  # too little text to judge
        (html(EN_TEXT).encode("utf-8"), UTF8, None, None),  # no edition asked: no script test
    ],
)
def test_a_page_not_in_its_editions_text_is_found(body, content_type, language, problem):
    found = edition_problem(body, content_type, language)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_a_mis_encoded_page_is_a_bad_encoding_capture_never_parsed():
    parser = Parser({"type": "news", "language": "en", "url": "x", "title": "Ð Ð¾Ñ"})
    fetched = page(html(RU_TEXT).encode("cp1251"))
    reading = read_page(fetched, parser)
    assert reading.outcome == "bad-encoding" and parser.calls == 0
    assert reading.records == [] and reading.errors[0].startswith("encoding: not the ru edition")
    assert "replacement characters" in outcome_text(fetched, reading)


def test_every_record_takes_the_language_of_the_request_not_of_its_text():
    parser = Parser(
        {"type": "news", "language": "en", "url": "x", "title": "CSTO"},
        {"type": "delegation", "language": "en", "country": "RU", "text": "..."},
    )
    reading = read_page(page(html(RU_TEXT).encode("utf-8")), parser)
    assert reading.outcome == "ok" and reading.parsed
    assert {r["language"] for r in reading.records} == {"ru"}


# -- item 5: the crawl stays on the site


@pytest.mark.parametrize(
    ("url", "base", "same"),
    [
        ("https://pacsto.org/events/x", "http://www.pacsto.org", True),
        ("http://www.paodkb.org/", "https://paodkb.org", True),
        ("https://paodkb.org/", "https://pacsto.org", False),
        ("http://127.0.0.1:8001/", "http://127.0.0.1:8000", False),
        ("http://127.0.0.2:8000/", "http://127.0.0.1:8000", False),
        ("https://evil.example/pacsto.org", "https://pacsto.org", False),
    ],
)
def test_same_site_is_one_host_whatever_the_scheme_or_www(url, base, same):
    assert same_site(url, base) is same


def test_a_redirect_off_the_site_is_a_failed_page_not_a_capture_of_the_other_host():
    parser = Parser({"type": "news", "language": "ru", "url": "x", "title": "t"})
    moved = page(b"", 302, headers={"location": "http://127.0.0.2:9000/events/other"})
    reading = read_page(moved, parser)
    assert reading.outcome == "off-site" and parser.calls == 0 and reading.records == []
    assert outcome_text(moved, reading) == (
        "redirected off the site to http://127.0.0.2:9000/events/other"
    )


def test_a_redirect_loop_on_the_site_is_a_failed_page():
    loop = page(
        b"",
        302,
        headers={"location": "/events/s-1-yanvarya?loop=1"},
        redirect_to="http://127.0.0.1:8000/events/s-1-yanvarya",
        error="redirect loop: a -> b -> a",
    )
    reading = read_page(loop, Parser())
    assert reading.outcome == "redirect"
    assert "redirect loop" in outcome_text(loop, reading)


def test_a_page_that_landed_on_another_host_is_a_failure_of_the_page_asked_for():
    landed = page(None, None, redirect_to="http://127.0.0.2:9000/", error="redirected off")
    assert read_page(landed, Parser()).outcome == "off-site"


# -- item 4: the list's title and date are evidence


@pytest.mark.parametrize(
    ("article", "listed", "same"),
    [
        ("Since January 1 Russia Begins its CSTO Chairmanship", "Since January 1 Russia", True),
        ("«Россия» приступила к председательству", '"РОССИЯ" приступила к председательству', True),
        ("Since January 1 Russia Begins", "Since January 1 Russia Begins its CSTO…", False),
        ("Sergey Pospelov", "Since January 1 Russia Begins its CSTO Chairmanship", False),
        (None, "A title", False),
    ],
)
def test_a_title_agrees_with_the_list_as_words_or_as_its_shortened_form(article, listed, same):
    assert same_title(article, listed) is same


def test_an_article_that_disagrees_with_its_list_keeps_the_lists_title_and_date():
    record = {"type": "news", "title": "Sergey Pospelov", "published": "2025-12-31"}
    listed = Listed("Since January 1 Russia Begins its CSTO Chairmanship", "2026-01-01")
    warnings = cross_check([record], listed)
    assert record["title"] == listed.title and record["published"] == "2026-01-01"
    assert len(warnings) == 2 and all("the list's is kept" in w for w in warnings)
    agreeing = {"type": "news", "title": listed.title, "published": "2026-01-01"}
    assert cross_check([agreeing], listed) == []
    assert cross_check([agreeing], Listed(None, None)) == []


def test_read_page_stores_the_disagreement_as_a_parse_warning():
    parser = Parser({"type": "news", "language": "ru", "url": "x", "title": "Вячеслав Володин"})
    listed = Listed("С 1 января Россия приступила к председательству в ОДКБ", None)
    reading = read_page(page(html(RU_TEXT).encode("utf-8"), listed=listed), parser)
    assert reading.records[0]["title"] == listed.title
    assert any("disagrees with the list's" in e for e in reading.errors)


# -- the evidence itself: what a list page says of its articles, on the replicas


def fetch(url: str, language: str) -> tuple[bytes, str]:
    import urllib.request

    request = urllib.request.Request(url, headers={"Accept-Language": language})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.read(), answer.headers.get("Content-Type", "")


@pytest.mark.parametrize(
    ("site", "language"), [("pacsto", "en"), ("pacsto", "ru"), ("duma_ru", "ru")]
)
def test_articles_linked_from_a_list_carry_what_the_list_says_and_agree_with_it(site, language):
    from scrapy.http import HtmlResponse, Request
    from scrapy.settings import Settings

    from crawler.stored_pages import site_spider
    from replica import ReplicaServer

    with ReplicaServer(site, version="2026") as server:
        spider = type(site_spider(site))(base_url=server.url, languages=language)
        spider.settings = Settings()
        start = {role: path for path, role in spider.start_pages(language)}
        list_path = start.get("list", "/events/")
        body, content_type = fetch(server.url + list_path, language)
        meta = {"language": language, "role": "list"}
        response = HtmlResponse(
            server.url + list_path,
            body=body,
            headers={"Content-Type": content_type},
            request=Request(server.url + list_path, meta=meta),
        )
        articles = [r for r in spider.follow_links(response, language, "list")]
        articles = [r for r in articles if r.meta["role"] == "news"]
        assert articles and all(r.meta["listed"] is not None for r in articles)
        for request in articles:
            listed = request.meta["listed"]
            body, content_type = fetch(request.url, language)
            parsed = spider.parse_page(body, request.url, language, content_type, "news")
            news = [r for r in parsed.records if r["type"] == "news"][0]
            assert same_title(news["title"], listed.title), (news["title"], listed.title)
            assert listed.published == news["published"]
