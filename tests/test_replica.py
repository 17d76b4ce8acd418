"""The replica framework and the pacsto site, exercised over real HTTP (urllib)."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from replica import ReplicaServer, available_sites
from replica.negotiate import choose_language
from replica.render import Renderer
from replica.site import deep_merge, load_site, localize

SEEDS = Path(__file__).parent.parent / "replica" / "sites" / "pacsto" / "seeds"
SLUG_2025_A = (
    "postoyannaya-komissiya-po-voprosam-oborony-i-bezopasnosti"
    "-rassmotrela-proekty-modelnykh-zakonov"
)
SLUG_2025_B = (
    "vazhnost-parlamentskoy-diplomatii-odkb-podcherknuta-na-forume-po-bezopasnosti-v-moskve"
)
SLUG_2026_A = "s-1-yanvarya-rossiya-pristupila-k-predsedatelstvu-v-odkb"
SLUG_2026_B = (
    "ekspertno-konsultativnyy-sovet-pri-sovete-pa-odkb-obsudil-plan-raboty-na-2026-god"
    "-5b1a4e7f-9c61-4d2a-8e90-d15f3c2e8d3f"
)
RU_SENTENCE = {
    "2025": "Делегация Федерального Собрания Российской Федерации в ПА ОДКБ состоит из 10 "
    "депутатов Государственной Думы Федерального Собрания Российской Федерации и 12 членов "
    "Совета Федерации Федерального Собрания Российской Федерации.",
    "2026": "Делегация Федерального Собрания Российской Федерации в ПА ОДКБ представлена 10 "
    "депутатами Государственной Думы Федерального Собрания Российской Федерации и 12 сенаторами "
    "Российской Федерации.",
}
EN_SENTENCE = {
    "2025": "Delegation of the Federal Assembly of the Russian Federation to the CSTO PA consists "
    "of 10 deputies of the State Duma of the Russian Federation and 12 members of the Federation "
    "Council of the Russian Federation.",
    "2026": "Delegation of the Federal Assembly of the Russian Federation to the CSTO PA is "
    "represented by 10 deputies of the State Duma of the Russian Federation and 12 senators of "
    "the Russian Federation.",
}
EN = {"Accept-Language": "en-US,en;q=0.9,ru;q=0.8"}


class _Text(HTMLParser):
    """Visible text, one line per block element or <br>, whitespace (and &nbsp;) collapsed."""

    BLOCK = {"p", "div", "br", "h1", "h2", "h3", "li", "ul", "title", "form", "table", "tr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.skip += tag in ("script", "style")
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style")
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def lines(body: bytes, encoding: str = "utf-8") -> list[str]:
    parser = _Text()
    parser.feed(body.decode(encoding))
    out = (
        " ".join(line.replace("\xa0", " ").split()) for line in "".join(parser.parts).split("\n")
    )
    return [line for line in out if line]


def links(body: bytes) -> list[str]:
    class _Links(HTMLParser):
        found: list[str] = []

        def handle_starttag(self, tag: str, attrs: list) -> None:
            href = dict(attrs).get("href")
            if tag == "a" and href:
                self.found.append(href)

    parser = _Links()
    parser.found = []
    parser.feed(body.decode("utf-8"))
    return parser.found


def fetch(url: str, headers: dict | None = None, method: str = "GET", data: bytes | None = None):
    """(status, headers, body) without raising on 3xx/4xx/5xx."""
    req = urllib.request.Request(url, headers=headers or {}, method=method, data=data)
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


@pytest.fixture(scope="module")
def server() -> Iterator[ReplicaServer]:
    with ReplicaServer("pacsto", version="2025", port=0) as srv:
        yield srv


@pytest.fixture
def srv(server: ReplicaServer) -> ReplicaServer:
    server.set_version("2025")
    server.clear_requests()
    return server


def page(srv: ReplicaServer, path: str, headers: dict | None = None) -> list[str]:
    status, _, body = fetch(srv.url + path, headers)
    assert status == 200, path
    return lines(body)


# -- site, versions, language ------------------------------------------------------------------


def test_site_listing_and_versions(srv: ReplicaServer) -> None:
    assert "pacsto" in available_sites()
    assert srv.versions == [
        "2024",
        "2025",
        "2026",
        "2026-06",
        "2026-09",
        "2026-12",
        "xss",
        "outage",
        "maintenance",
    ]
    assert srv.url.startswith("http://127.0.0.1:") and not srv.url.endswith("/")
    with pytest.raises(ValueError):
        srv.set_version("2027")
    with pytest.raises(ValueError):
        ReplicaServer("pacsto", version="nope")
    assert srv.version == "2025"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "ru"),
        ("en", "en"),
        ("en-US,en;q=0.9,ru;q=0.8", "en"),
        ("ru,en;q=0.5", "ru"),
        ("ru;q=0.4,en;q=0.8", "en"),
        ("de-DE,en;q=0.5,ru;q=0.3", "en"),
        ("en;q=0,ru", "ru"),
        ("fr", "ru"),
    ],
)
def test_language_negotiation(srv: ReplicaServer, header: str | None, expected: str) -> None:
    status, headers, body = fetch(srv.url + "/", {"Accept-Language": header} if header else {})
    assert status == 200
    assert headers["Content-Language"] == expected
    heading = "National Delegations" if expected == "en" else "Национальные делегации"
    assert heading in lines(body)


def test_choose_language_unit() -> None:
    assert choose_language("*", ["ru", "en"], "ru") == "ru"
    assert choose_language("EN-gb;q=0.7, kk", ["ru", "en"], "ru") == "en"
    assert choose_language("en", ["ru"], "ru") == "ru"


# -- content ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "seed", "slug"),
    [
        ("2025", "000_4514039d58d35e4e.txt", SLUG_2025_B),
        ("2026", "004_d4874e3d9276681c.txt", SLUG_2026_A),
    ],
)
def test_english_article_reproduces_seed(
    srv: ReplicaServer, version: str, seed: str, slug: str
) -> None:
    """Block + news of the seed appear, line for line and in order, in the rendered page."""
    srv.set_version(version)
    expected = [line.strip() for line in (SEEDS / seed).read_text().splitlines() if line.strip()]
    got = page(srv, f"/events/{slug}", EN)
    start = got.index(expected[0])
    assert got[start : start + len(expected)] == expected


@pytest.mark.parametrize("version", ["2025", "2026"])
def test_russian_delegation_sentence(srv: ReplicaServer, version: str) -> None:
    srv.set_version(version)
    for path in ("/", f"/events/{SLUG_2025_A}", "/about"):
        assert RU_SENTENCE[version] in page(srv, path)
        assert EN_SENTENCE[version] in page(srv, path, EN)
        other = "2026" if version == "2025" else "2025"
        assert RU_SENTENCE[other] not in page(srv, path)


@pytest.mark.parametrize("headers", [{}, EN])
def test_only_the_russian_sentence_and_year_change(srv: ReplicaServer, headers: dict) -> None:
    """On a page without news, 2025 -> 2026 differs in exactly the RU sentence and the footer."""
    old = page(srv, "/about", headers)
    srv.set_version("2026")
    new = page(srv, "/about", headers)
    removed = [line for line in old if line not in new]
    added = [line for line in new if line not in old]
    sentence = RU_SENTENCE if not headers else EN_SENTENCE
    assert [line for line in removed if "2006" not in line] == [sentence["2025"]]
    assert [line for line in added if "2006" not in line] == [sentence["2026"]]
    assert len(old) == len(new)
    block = [line for line in old if "CSTO PA" in line or "ПА ОДКБ" in line]
    assert len(block) >= 5  # five delegation sentences, plus representatives


def test_russian_block_lines(srv: ReplicaServer) -> None:
    got = page(srv, "/")
    assert (
        "Полномочный представитель Национального собрания Республики Беларусь: Виктор Когут" in got
    )
    assert (
        "Сайт Палаты представителей Национального собрания Республики Беларусь: http://house.gov.by/"
        in got
    )
    assert "Делегация Жогорку Кенеша Кыргызской Республики в ПА ОДКБ состоит из 6 депутатов." in got
    assert sum(line.startswith("Делегация ") and " в ПА ОДКБ " in line for line in got) == 5


def test_news_per_version(srv: ReplicaServer) -> None:
    for slug in (SLUG_2026_A, SLUG_2026_B):
        assert fetch(f"{srv.url}/events/{slug}")[0] == 404
        assert fetch(f"{srv.url}/events/{slug}", EN)[0] == 404
    home_2025 = links(fetch(srv.url + "/")[2])
    assert f"/events/{SLUG_2025_A}" in home_2025 and f"/events/{SLUG_2025_B}" in home_2025
    old_article = page(srv, f"/events/{SLUG_2025_B}", EN)

    srv.set_version("2026")
    for slug in (SLUG_2025_A, SLUG_2025_B, SLUG_2026_A, SLUG_2026_B):
        assert fetch(f"{srv.url}/events/{slug}")[0] == 200
    new_article = page(srv, f"/events/{SLUG_2025_B}", EN)
    start = old_article.index("28 May 2025") - 1
    assert new_article[start : start + 12] == old_article[start : start + 12]
    events = links(fetch(srv.url + "/events/")[2])
    assert sum(href.startswith("/events/") and len(href) > 9 for href in events) == 4
    home = page(srv, "/", EN)
    assert (
        "1 January 2026" in home and "Since January 1 Russia Begins its CSTO Chairmanship" in home
    )
    assert "01.01.2026" in page(srv, "/")  # Russian lists use numeric dates


def test_robots_txt_and_polite_crawl(srv: ReplicaServer) -> None:
    status, headers, body = fetch(srv.url + "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(body.decode().splitlines())
    assert not robots.can_fetch("parlwatch", srv.url + "/search?q=x")
    assert not robots.can_fetch("parlwatch", srv.url + "/admin/")
    assert robots.can_fetch("parlwatch", srv.url + f"/events/{SLUG_2025_A}")
    home = links(fetch(srv.url + "/")[2])
    assert "/search" in home and "/admin/" in home  # bait a polite spider must leave alone

    # every allowed internal link resolves: 4 fixed pages, the member states list and its 5
    # country pages, plus the news items, in both languages
    for version, pages in (("2025", 12), ("2026", 14)):
        srv.set_version(version)
        for headers in ({}, EN):
            seen, todo = set(), ["/"]
            while todo:
                path = todo.pop()
                if path in seen or not robots.can_fetch("parlwatch", srv.url + path):
                    continue
                seen.add(path)
                status, _, body = fetch(srv.url + path, headers)
                assert status == 200, (version, headers, path)
                for href in links(body):
                    absolute = urljoin(srv.url + path, href)
                    if absolute.startswith(srv.url):
                        todo.append(urlsplit(absolute).path)
            assert len(seen) == pages, sorted(seen)
    assert not any(r.path.startswith(("/search", "/admin")) for r in srv.requests)


# -- switching, control, special versions -------------------------------------------------------


def test_set_version_while_running(srv: ReplicaServer) -> None:
    assert RU_SENTENCE["2025"] in page(srv, "/")
    srv.set_version("2026")
    assert srv.version == "2026"
    assert RU_SENTENCE["2026"] in page(srv, "/")


def test_control_endpoint(srv: ReplicaServer) -> None:
    status, _, body = fetch(srv.url + "/__replica__")
    assert status == 200
    assert json.loads(body) == {"site": "pacsto", "version": "2025", "versions": srv.versions}
    status, _, body = fetch(srv.url + "/__replica__/version", method="POST", data=b"2026")
    assert status == 200 and json.loads(body)["version"] == "2026" and srv.version == "2026"
    status, _, body = fetch(srv.url + "/__replica__/version", method="POST", data=b"1999")
    assert status == 400 and json.loads(body)["version"] == "2026" and srv.version == "2026"
    assert srv.requests == []  # control requests are never logged


def test_outage_everywhere(srv: ReplicaServer) -> None:
    srv.set_version("outage")
    for path in ("/", "/robots.txt", f"/events/{SLUG_2025_A}", "/no-such-page"):
        status, headers, body = fetch(srv.url + path, EN)
        assert status == 503, path
        assert int(headers["Retry-After"]) > 0
        assert b"503" in body and b"CSTO" not in body
    assert fetch(srv.url + "/", method="HEAD")[0] == 503


def test_maintenance_has_no_block_and_no_news(srv: ReplicaServer) -> None:
    srv.set_version("maintenance")
    for path in ("/", f"/events/{SLUG_2025_B}", "/about"):
        for headers in ({}, EN):
            status, _, body = fetch(srv.url + path, headers)
            text = "\n".join(lines(body))
            assert status == 200
            assert "CSTO PA" not in text and "ПА ОДКБ" not in text
            assert "Pospelov" not in text and "Поспелов" not in text
            assert "maintenance" in text or "технических работ" in text
    status, _, body = fetch(srv.url + "/robots.txt")
    assert status == 200 and b"Disallow: /search" in body


# -- HTTP details -------------------------------------------------------------------------------


def test_headers_etag_and_304(srv: ReplicaServer) -> None:
    url = f"{srv.url}/events/{SLUG_2025_B}"
    status, headers, body = fetch(url)
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Vary"] == "Accept-Language"
    assert headers["Last-Modified"] == "Mon, 02 Jun 2025 07:15:00 GMT"
    assert headers["Date"].endswith(" GMT")
    etag = headers["ETag"]
    assert etag.startswith('"') and etag != fetch(url, EN)[1]["ETag"]
    assert fetch(url, {"If-None-Match": etag})[0] == 304
    assert fetch(url, {"If-None-Match": '"other"'})[0] == 200
    assert fetch(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(url, {"If-Modified-Since": "Sun, 01 Jun 2025 07:15:00 GMT"})[0] == 200
    status, head_headers, head_body = fetch(url, method="HEAD")
    assert status == 200 and head_body == b"" and head_headers["ETag"] == etag
    assert int(head_headers["Content-Length"]) == len(body)
    srv.set_version("2026")
    status, new_headers, _ = fetch(url, {"If-None-Match": etag})
    assert status == 200 and new_headers["ETag"] != etag  # the sidebar changed


def test_404_405_and_static(srv: ReplicaServer) -> None:
    status, headers, body = fetch(srv.url + "/events/no-such-news", EN)
    assert status == 404 and "Page not found" in lines(body)
    assert headers["Content-Type"].startswith("text/html")
    assert fetch(srv.url + "/about", method="POST", data=b"x")[0] == 405
    status, headers, _ = fetch(srv.url + "/css/style.css?v=1")
    assert status == 200 and headers["Content-Type"].startswith("text/css")


def test_request_log(srv: ReplicaServer) -> None:
    fetch(srv.url + "/?utm_source=x", EN)
    fetch(srv.url + "/nope", method="HEAD")
    log = srv.requests
    assert [(r.method, r.path, r.accept_language, r.status) for r in log] == [
        ("GET", "/?utm_source=x", EN["Accept-Language"], 200),
        ("HEAD", "/nope", None, 404),
    ]
    srv.clear_requests()
    assert srv.requests == []


def test_keep_alive_responses_are_delimited(srv: ReplicaServer) -> None:
    """Every kind of response carries a length, so one persistent connection serves them all."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=2)
    try:
        for version, path, expected in [
            ("2025", "/", 200),
            ("2025", "/nope", 404),
            ("outage", "/robots.txt", 503),
            ("maintenance", "/", 200),
        ]:
            srv.set_version(version)
            conn.request("GET", path)
            resp = conn.getresponse()
            assert resp.status == expected
            assert len(resp.read()) == int(resp.headers["Content-Length"])
    finally:
        conn.close()


def test_stop_closes_open_connections() -> None:
    srv = ReplicaServer("pacsto").start()
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=2)
    conn.request("GET", "/")
    assert conn.getresponse().read()
    srv.stop()
    with pytest.raises((OSError, http.client.HTTPException)):
        conn.request("GET", "/about")
        conn.getresponse()
    conn.close()


# -- framework pieces used by other sites -------------------------------------------------------


def test_merge_and_localize() -> None:
    merged = deep_merge({"a": {"x": 1, "y": [1]}, "b": 1}, {"a": {"y": [2], "z": 3}})
    assert merged == {"a": {"x": 1, "y": [2], "z": 3}, "b": 1}
    data = {"kg": {"ru": {"s": "Кенеш"}}, "by": {"s": {"ru": "Беларусь", "en": "Belarus"}}}
    assert localize(data, "en", ["ru", "en"]) == {"by": {"s": "Belarus"}}  # kg absent in English
    assert localize(data, "ru", ["ru", "en"])["kg"] == {"s": "Кенеш"}


def test_windows_1251_site_with_meta_charset(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    (root / "templates").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "site.toml").write_text(
        'languages = ["ru"]\nencoding = "windows-1251"\ncharset_in_header = false\n'
        '[[routes]]\npath = "/"\ntemplate = "home.html.j2"\n'
        '[[versions]]\nname = "v1"\ndata = ["v1.toml"]\n',
        encoding="utf-8",
    )
    (root / "data" / "v1.toml").write_text('text = "Жогорку Кенеш ✓"\n', encoding="utf-8")
    (root / "templates" / "home.html.j2").write_text(
        '<meta charset="{{ charset }}"><p>{{ data.text }}</p>', encoding="utf-8"
    )
    renderer = Renderer(load_site("demo", tmp_path))
    resp = renderer.render("v1", "/", {"accept-language": "en"})
    assert resp.headers["Content-Type"] == "text/html" and resp.headers["Content-Language"] == "ru"
    assert (
        resp.body.decode("cp1251") == '<meta charset="windows-1251"><p>Жогорку Кенеш &#10003;</p>'
    )
    assert renderer.render("maintenance", "/x", {}).status == 200
    assert renderer.render("v1", "/missing", {}).status == 404


def test_language_from_path_prefix(tmp_path: Path) -> None:
    root = tmp_path / "prefixed"
    (root / "templates").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "site.toml").write_text(
        'languages = ["ru", "ky"]\n'
        '[[routes]]\npath = "/{lang}/news/{slug}"\ntemplate = "n.html.j2"\ncollection = "news"\n'
        '[[versions]]\nname = "v1"\ndata = ["v1.toml"]\n',
        encoding="utf-8",
    )
    (root / "data" / "v1.toml").write_text(
        '[news.sessiya]\ntitle = { ru = "Сессия", ky = "Сессиясы" }\n', encoding="utf-8"
    )
    (root / "templates" / "n.html.j2").write_text("<h1>{{ item.title }}</h1>", encoding="utf-8")
    renderer = Renderer(load_site("prefixed", tmp_path))
    resp = renderer.render("v1", "/ky/news/sessiya", {"accept-language": "ru"})
    assert (resp.status, resp.body, resp.headers["Content-Language"]) == (
        200,
        "<h1>Сессиясы</h1>".encode(),
        "ky",
    )
    assert renderer.render("v1", "/en/news/sessiya", {}).status == 404
    assert renderer.render("v1", "/ru/news/other", {}).status == 404
