"""The fault proxy itself, over real HTTP: each fault class does what the suite says it does,
only on the pages and languages it targets. No crawl runs here."""

from __future__ import annotations

import http.client
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from replica import ReplicaServer

from .harness import OFFSITE_HOST
from .proxy import Fault, FaultProxy, Target
from .scenarios import (
    COUNTRY,
    COUNTRY_EN,
    EVERY_PAGE,
    FAMILIES,
    FAULT_CLASSES,
    NEWS,
    NEWS_EN,
    NEWS_RU,
    OFFSITE_ARTICLE,
    ROOT,
    ROOT_EN,
    ROOT_RU,
    SCENARIOS,
)


@dataclass
class Sides:
    offsite_url: str
    maintenance_url: str


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


@pytest.fixture(scope="module")
def proxy() -> Iterator[tuple[FaultProxy, Sides]]:
    with (
        ReplicaServer("pacsto", version="2026-09") as site,
        ReplicaServer("pacsto", version="maintenance") as maintenance,
        ReplicaServer("pacsto", version="2024", host=OFFSITE_HOST) as offsite,
        FaultProxy(site.url) as fault_proxy,
    ):
        yield fault_proxy, Sides(offsite.url, maintenance.url)


def get(url: str, path: str, language: str, timeout: float = 5, **headers: str) -> Reply:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept-Language": language, **headers})
        resp = conn.getresponse()
        return Reply(resp.status, dict(resp.getheaders()), resp.read())
    finally:
        conn.close()


@pytest.fixture
def faulty(proxy):
    """``faulty(fault, target)`` injects a fault for one test."""
    fault_proxy, sides = proxy

    def use(fault: str, target: Target) -> str:
        fault_proxy.inject(Fault(fault, target, FAULT_CLASSES[fault].make(sides)))
        return fault_proxy.url

    yield use
    fault_proxy.clear()


def test_the_matrix_is_big_enough_and_every_fault_class_is_tested():
    assert len(SCENARIOS) >= 25
    assert len({s.id for s in SCENARIOS}) == len(SCENARIOS)
    assert sorted(f for family in FAMILIES.values() for f in family) == sorted(FAULT_CLASSES)
    targets = {s.target.name.split("-")[0] for s in SCENARIOS}
    assert {"root", "country", "news", "every"} <= targets
    assert {lang for s in SCENARIOS for lang in s.target.languages} == {"en", "ru"}


def test_without_a_fault_the_proxy_forwards_the_page_and_its_304(proxy):
    fault_proxy, _ = proxy
    first = get(fault_proxy.url, ROOT, "en")
    assert first.status == 200 and b"Delegation of" in first.body
    again = get(fault_proxy.url, ROOT, "en", **{"If-None-Match": first.headers["ETag"]})
    assert again.status == 304


def test_a_fault_hits_only_its_pages_and_language(faulty):
    url = faulty("http-503", ROOT_EN)
    assert get(url, ROOT, "en").status == 503
    assert get(url, ROOT, "ru").status == 200
    assert get(url, COUNTRY, "en").status == 200
    assert get(url, "/robots.txt", "en").status == 200  # not a page: never faulted


def test_reset_truncated_and_timeout_break_the_transport(faulty):
    url = faulty("reset", COUNTRY_EN)
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
        get(url, COUNTRY, "en")
    url = faulty("truncated", COUNTRY_EN)
    with pytest.raises(http.client.IncompleteRead):
        get(url, COUNTRY, "en")
    url = faulty("timeout", COUNTRY_EN)
    with pytest.raises((TimeoutError, socket.timeout)):
        get(url, COUNTRY, "en", timeout=0.5)


def test_slow_body_is_whole_but_late(faulty, proxy):
    fault_proxy, _ = proxy
    whole = get(fault_proxy.url, COUNTRY, "en").body
    url = faulty("slow-body", COUNTRY_EN)
    started = time.monotonic()
    assert get(url, COUNTRY, "en").body == whole
    assert time.monotonic() - started >= 0.5


def test_oversize_bodies(faulty):
    url = faulty("oversize", COUNTRY_EN)
    reply = get(url, COUNTRY, "en")
    assert int(reply.headers["Content-Length"]) == len(reply.body) >= 400_000
    url = faulty("oversize-50mb", COUNTRY_EN)
    reply = get(url, COUNTRY, "en", timeout=30)
    assert "Content-Length" not in reply.headers
    assert len(reply.body) >= 50 * 1024 * 1024


def test_redirects_loop_or_leave_the_site(faulty, proxy):
    url = faulty("redirect-loop", COUNTRY_EN)
    first = get(url, COUNTRY, "en")
    assert (first.status, first.headers["Location"]) == (302, f"{COUNTRY}?loop=1")
    assert get(url, f"{COUNTRY}?loop=1", "en").headers["Location"] == COUNTRY
    _, sides = proxy
    url = faulty("redirect-offsite", NEWS_EN)
    location = get(url, NEWS, "en").headers["Location"]
    assert location == sides.offsite_url + OFFSITE_ARTICLE
    assert urlsplit(location).hostname == OFFSITE_HOST
    assert get(sides.offsite_url, OFFSITE_ARTICLE, "en").status == 200


def test_maintenance_page_comes_with_200(faulty):
    url = faulty("maintenance-200", ROOT_RU)
    reply = get(url, ROOT, "ru")
    assert reply.status == 200
    assert "Технические работы".encode() in reply.body and b"delegation" not in reply.body


def test_block_missing_and_half_rendered(faulty):
    url = faulty("block-missing", EVERY_PAGE)
    for path in (ROOT, COUNTRY, NEWS):
        assert b'class="delegation ' not in get(url, path, "en").body
    url = faulty("block-half", EVERY_PAGE)
    assert get(url, ROOT, "ru").body.count(b'class="delegation ') == 2


def test_windows_1251_declared_utf8_ignores_conditional_requests(faulty, proxy):
    fault_proxy, _ = proxy
    real = get(fault_proxy.url, NEWS, "ru")
    url = faulty("cp1251-as-utf8", NEWS_RU)
    reply = get(url, NEWS, "ru", **{"If-None-Match": real.headers["ETag"]})
    assert reply.status == 200 and reply.headers["ETag"] != real.headers["ETag"]
    assert "charset=utf-8" in reply.headers["Content-Type"]
    assert reply.body == real.body.decode("utf-8").encode("cp1251", "xmlcharrefreplace")
    with pytest.raises(UnicodeDecodeError):
        reply.body.decode("utf-8")


def test_old_table_layout_puts_bold_names_before_the_article(faulty):
    url = faulty("sidebar-bold", NEWS_EN)
    html = get(url, NEWS, "en").body.decode("utf-8")
    assert "<table" in html and 'class="news-detail' not in html
    name = html.index("<b>Sergey Pospelov</b>")
    title = html.index("<b>Since January 1 Russia Begins its CSTO Chairmanship</b>")
    assert html.index("Delegation of") < name < title
