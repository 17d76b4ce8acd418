"""Replicas of kenesh.kg, duma.gov.ru, council.gov.ru and parlament.tj, over real HTTP (urllib).

Each site serves the paths of ``crawler/sites.toml`` in versions 2025, 2026 and 2026-redesign, and
ships ``expected.json``, the records a correct crawl must produce. These tests check the manifest
against what the pages actually render, and the version-to-version events it announces.
"""

from __future__ import annotations

import json
import re
import tomllib
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from replica import ReplicaServer
from replica.site import load_site, localize

ROOT = Path(__file__).parent.parent
REGISTRY = {
    s["id"]: s for s in tomllib.loads((ROOT / "crawler" / "sites.toml").read_text())["site"]
}
SITES = ["kenesh_kg", "duma_ru", "council_ru", "parlament_tj"]
VERSIONS = ["2025", "2026", "2026-redesign"]
COUNTS = {"kenesh_kg": 6, "duma_ru": 10, "council_ru": 11, "parlament_tj": 12}  # in 2026
ROLE_TEXT = {
    "head": "руководитель делегации",
    "deputy_head": "заместитель руководителя делегации",
    "member": "член делегации",
}
MONTHS = [
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
]  # fmt: skip
TJ_HEADINGS = [
    "Маджлиси милли Маджлиси Оли Республики Таджикистан",
    "Маджлиси намояндагон Маджлиси Оли Республики Таджикистан",
]


# -- helpers ------------------------------------------------------------------------------------


class _Text(HTMLParser):
    """Visible text, one line per block element or <br>, whitespace (and &nbsp;) collapsed."""

    BLOCK = {
        "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
        "title", "form", "table", "tr", "td", "th", "section", "article", "header", "footer",
        "nav", "main", "address",
    }  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hrefs: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.skip += tag in ("script", "style")
        if tag in self.BLOCK:
            self.parts.append("\n")
        href = dict(attrs).get("href")
        if tag in ("a", "link") and href:
            self.hrefs.append(href)

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style")
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


class Page:
    def __init__(self, status: int, headers, body: bytes, encoding: str) -> None:
        self.status, self.headers, self.body = status, headers, body
        parser = _Text()
        parser.feed(body.decode(encoding))
        text = "".join(parser.parts).replace("\xa0", " ")
        self.lines = [" ".join(ln.split()) for ln in text.split("\n") if ln.strip()]
        self.text = "\n".join(self.lines)
        self.hrefs = parser.hrefs

    def article_links(self, pattern: str) -> list[str]:
        """Article paths linked from the page, in order, without repeats."""
        out: list[str] = []
        for href in self.hrefs:
            path = urlsplit(href).path
            if re.fullmatch(pattern, path) and path not in out:
                out.append(path)
        return out


class Site:
    """One running replica plus its registry entry, manifest and data."""

    def __init__(self, site_id: str, srv: ReplicaServer) -> None:
        self.id, self.srv = site_id, srv
        self.reg = REGISTRY[site_id]["languages"]["ru"]
        self.chamber = REGISTRY[site_id]["chamber"]
        self.manifest = json.loads((ROOT / "replica/sites" / site_id / "expected.json").read_text())
        self.loaded = load_site(site_id)
        self.encoding = self.loaded.encoding

    def get(self, path: str) -> Page:
        req = urllib.request.Request(self.srv.url + path)
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                return Page(resp.status, resp.headers, resp.read(), self.encoding)
        except urllib.error.HTTPError as err:
            return Page(err.code, err.headers, err.read(), self.encoding)

    def ok(self, path: str) -> Page:
        page = self.get(path)
        assert page.status == 200, (self.id, self.srv.version, path, page.status)
        return page

    def expected(self, version: str) -> dict:
        return self.manifest["versions"][version]

    def data(self, version: str) -> dict:
        return localize(self.loaded.versions[version].data, "ru", self.loaded.languages)

    def news_item(self, version: str, path: str) -> dict:
        key = next(p for p in path.strip("/").split("/") if p.isdigit())
        return self.data(version)["news"][key]

    def list_pages(self) -> list[Page]:
        """The news list, page 1 then the registry's news_page for n = 2, 3, ... while it lists
        articles."""
        pages = [self.ok(self.reg["news_list"])]
        for n in range(2, 10):
            page = self.ok(self.reg["news_page"].format(n=n))
            if not page.article_links(self.reg["article"]):
                break
            pages.append(page)
        return pages


def today_utc() -> date:
    return datetime.now(UTC).date()


def longdate(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def article_dates(site: str, published: str, item: dict) -> set[str]:
    """The date text(s) an article page may show for ``published`` (relative ones: either side
    of a UTC midnight passing during the test)."""
    if published.startswith("relative:"):
        days = -int(published.split(":")[1])
        label = {0: "Сегодня", 1: "Вчера"}[days]
        if item.get("relative_on_page"):
            return {f"{label}, {item['time']}"}
        today = today_utc()
        return {longdate(today - timedelta(days=days)), longdate(today - timedelta(days=days + 1))}
    d = date.fromisoformat(published)
    if site == "kenesh_kg":
        return {longdate(d)}
    if site == "duma_ru":
        return {f"{longdate(d)} года, {item['time']}"}
    return {d.strftime("%d.%m.%Y")}


def list_date(site: str, published: str, item: dict) -> str:
    if published.startswith("relative:"):
        label = {0: "Сегодня", 1: "Вчера"}[-int(published.split(":")[1])]
        return f"{label}, {item['time']}"
    d = date.fromisoformat(published)
    if site == "duma_ru":
        return f"{longdate(d)} года, {item['time']}"
    return d.strftime("%d.%m.%Y")


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=SITES)
def site(request) -> Iterator[Site]:
    with ReplicaServer(request.param, version="2025") as srv:
        yield Site(request.param, srv)


@pytest.fixture(params=VERSIONS)
def version(request, site: Site) -> str:
    site.srv.set_version(request.param)
    return request.param


# -- the contract with crawler/sites.toml -------------------------------------------------------


def test_registry_paths_answer_200(site: Site, version: str) -> None:
    reg = site.reg
    for key in ("home", "news_list", "delegation"):
        assert site.ok(reg[key]).lines, key
    assert site.ok(reg["news_page"].format(n=2)).article_links(reg["article"])
    first = site.ok(reg["news_list"])
    assert reg["news_page"].format(n=2) in first.hrefs  # the spider finds page 2 by its link
    moved = [v for v in site.srv.versions if v != "2027"]  # 2027: pages moved (discover)
    assert moved == [*VERSIONS, "outage", "maintenance"]
    for news in site.expected(version)["news"]["ru"]:
        assert re.fullmatch(reg["article"], news["path"]), news["path"]
        assert news["path"].startswith(reg["prefix"])
        site.ok(news["path"])


def test_manifest_counts_and_events(site: Site) -> None:
    m = site.manifest
    assert m["site"] == site.id and set(m["versions"]) == set(VERSIONS)
    members = {v: m["versions"][v]["members"]["ru"] for v in VERSIONS}
    news = {v: m["versions"][v]["news"]["ru"] for v in VERSIONS}
    assert len(members["2026"]) == COUNTS[site.id]
    assert len(members["2025"]) == COUNTS[site.id] - 1
    assert members["2026-redesign"] == members["2026"] and news["2026-redesign"] == news["2026"]
    for v in VERSIONS:
        assert 7 <= len(news[v]) <= 10
        assert 2 <= sum(n["about_assembly"] for n in news[v]) <= 3
        assert all(n["about_assembly"] == ("ОДКБ" in n["title"]) for n in news[v])
        for person in members[v]:
            assert person["role_text"] == ROLE_TEXT[person["role"]]
            if site.id == "parlament_tj":
                assert person["chamber"] in TJ_HEADINGS
            else:
                assert person["chamber"] == site.chamber
    ev = m["events"]
    old = [p["name"] for p in members["2025"]]
    new = [p["name"] for p in members["2026"]]
    assert ev["member_replaced"]["old"] in old and ev["member_replaced"]["old"] not in new
    assert ev["member_replaced"]["new"] in new and ev["member_replaced"]["new"] not in old
    assert ev["member_added"]["name"] in new and ev["member_added"]["name"] not in old
    assert sorted(set(new) - set(old)) == sorted(
        [ev["member_replaced"]["new"], ev["member_added"]["name"]]
    )
    paths = {v: [n["path"] for n in news[v]] for v in VERSIONS}
    assert ev["withdrawn"]["path"] in paths["2025"] and ev["withdrawn"]["path"] not in paths["2026"]
    assert ev["new_news"] == paths["2026"][: len(ev["new_news"])]  # newest first
    assert 2 <= len(ev["new_news"]) <= 3
    assert not set(ev["new_news"]) & set(paths["2025"])
    fixed = ev["title_corrected"]
    assert fixed["old"] != fixed["new"]
    titles = {v: {n["path"]: n["title"] for n in news[v]} for v in ("2025", "2026")}
    assert titles["2025"][fixed["path"]] == fixed["old"]
    assert titles["2026"][fixed["path"]] == fixed["new"]


# -- delegation pages ---------------------------------------------------------------------------


def test_delegation_page_lists_the_manifest(site: Site, version: str) -> None:
    page = site.ok(site.reg["delegation"])
    expected = site.expected(version)["members"]["ru"]
    positions = []
    for person in expected:
        line = next(i for i, ln in enumerate(page.lines) if person["name"] in ln)
        positions.append(line)
        near = " ".join(page.lines[line : line + 3])
        assert person["role_text"] in near, person
        if person["profile_path"]:
            assert person["profile_path"] in page.hrefs
            profile = site.ok(person["profile_path"])
            assert person["name"] in profile.lines
        else:
            assert not any("/persons/" in h or "/deputies/" in h for h in page.hrefs)
    assert positions == sorted(positions)  # page order = manifest order
    names = {p["name"] for p in expected}
    others = {
        p["name"] for v in VERSIONS for p in site.expected(v)["members"]["ru"]
    } - names  # the departed member in 2026, the newcomers in 2025
    assert others and not any(name in page.text for name in others)
    if site.id == "parlament_tj":
        heads = [page.lines.index(h) for h in TJ_HEADINGS]
        assert heads == sorted(heads)
        for person, line in zip(expected, positions, strict=True):
            section = TJ_HEADINGS[0] if line < heads[1] else TJ_HEADINGS[1]
            assert person["chamber"] == section, person
        assert [sum(p["chamber"] == h for p in expected) for h in TJ_HEADINGS] == (
            [6, 6] if version != "2025" else [5, 6]
        )


# -- news lists and articles --------------------------------------------------------------------


def test_news_lists_match_the_manifest(site: Site, version: str) -> None:
    pages = site.list_pages()
    assert len(pages) >= 2
    found = [path for page in pages for path in page.article_links(site.reg["article"])]
    expected = site.expected(version)["news"]["ru"]
    assert found == [n["path"] for n in expected]
    text = "\n".join(page.text for page in pages)
    for news in expected:
        assert news["title"] in text
        item = site.news_item(version, news["path"])
        assert list_date(site.id, news["published"], item) in text, news
    home = site.ok(site.reg["home"])
    latest = home.article_links(site.reg["article"])
    assert latest and latest == found[: len(latest)]


def test_article_pages_match_the_manifest(site: Site, version: str) -> None:
    for news in site.expected(version)["news"]["ru"]:
        page = site.ok(news["path"])
        item = site.news_item(version, news["path"])
        assert news["title"] in page.lines
        assert article_dates(site.id, news["published"], item) & set(page.lines), news
        for paragraph in item["body"]:
            assert paragraph in page.lines
        assert ("ОДКБ" in " ".join([news["title"], *item["body"]])) == news["about_assembly"]
        if site.id == "duma_ru":
            stamp = f'<time datetime="{news["published"]}T{item["time"]}:00+03:00">'
            assert stamp.encode() in page.body
        if site.id == "council_ru":  # every date with its year
            assert not re.search(r"\b\d{1,2} (?:" + "|".join(MONTHS) + r")(?! \d{4})", page.text)


def test_kenesh_relative_dates() -> None:
    with ReplicaServer("kenesh_kg", version="2026") as srv:
        site = Site("kenesh_kg", srv)
        news = {n["published"]: n for n in site.expected("2026")["news"]["ru"]}
        assert {"relative:0", "relative:-1"} <= set(news)
        listing = site.ok("/ru/news/")
        assert "Сегодня, 10:15" in listing.text and "Вчера, 16:40" in listing.text
        assert "Вчера, 16:40" in site.ok(news["relative:-1"]["path"]).lines
        today = site.ok(news["relative:0"]["path"])
        assert {longdate(today_utc()), longdate(today_utc() - timedelta(days=1))} & set(today.lines)
        assert not any(ln.startswith(("Сегодня", "Вчера")) for ln in today.lines)
        srv.set_version("2025")
        assert "Сегодня" not in site.ok("/ru/news/").text


# -- version events -----------------------------------------------------------------------------


def test_withdrawn_item_is_gone_in_2026(site: Site) -> None:
    path = site.manifest["events"]["withdrawn"]["path"]
    site.srv.set_version("2025")
    assert site.get(path).status == 200
    assert any(path in page.hrefs for page in site.list_pages())
    for version in ("2026", "2026-redesign"):
        site.srv.set_version(version)
        assert site.get(path).status == 404
        pages = [*site.list_pages(), site.ok(site.reg["home"])]
        assert not any(path in page.hrefs for page in pages)


def test_title_correction_keeps_the_body(site: Site) -> None:
    fixed = site.manifest["events"]["title_corrected"]
    site.srv.set_version("2025")
    old = site.ok(fixed["path"])
    site.srv.set_version("2026")
    new = site.ok(fixed["path"])
    assert fixed["old"] in old.lines and fixed["old"] not in new.text
    assert fixed["new"] in new.lines and fixed["new"] not in old.text
    assert old.body != new.body
    assert [ln for ln in old.lines if fixed["old"] not in ln] == [
        ln for ln in new.lines if fixed["new"] not in ln
    ]


def test_unchanged_pages_are_byte_identical_2025_to_2026(site: Site) -> None:
    events = site.manifest["events"]
    paths_2025 = [n["path"] for n in site.expected("2025")["news"]["ru"]]
    unchanged = [
        p
        for p in paths_2025
        if p not in (events["withdrawn"]["path"], events["title_corrected"]["path"])
    ]
    site.srv.set_version("2025")
    before = {p: site.ok(p).body for p in unchanged}
    delegation = site.ok(site.reg["delegation"]).body
    site.srv.set_version("2026")
    assert {p: site.ok(p).body for p in unchanged} == before
    assert site.ok(site.reg["delegation"]).body != delegation


def test_redesign_changes_markup_not_content(site: Site) -> None:
    expected = site.expected("2026")
    paths = [site.reg["delegation"], site.reg["news_list"], site.reg["home"]]
    paths += [n["path"] for n in expected["news"]["ru"]]
    site.srv.set_version("2026")
    before = {p: site.ok(p) for p in paths}
    site.srv.set_version("2026-redesign")
    after = {p: site.ok(p) for p in paths}
    for path in paths:
        assert before[path].body != after[path].body, path
    classes = [set(re.findall(rb'class="([^"]+)"', before[p].body)) for p in paths[:1]]
    assert not classes[0] & set(re.findall(rb'class="([^"]+)"', after[paths[0]].body))
    for person in expected["members"]["ru"]:
        for page in (before[paths[0]], after[paths[0]]):
            line = next(i for i, ln in enumerate(page.lines) if person["name"] in ln)
            assert person["role_text"] in " ".join(page.lines[line : line + 3])
    for news in expected["news"]["ru"]:
        item = site.news_item("2026", news["path"])
        dates = article_dates(site.id, news["published"], item)
        content = [news["title"], *item["body"]]
        for page in (before[news["path"]], after[news["path"]]):
            assert all(text in page.lines for text in content), news["path"]
            assert dates & set(page.lines), news["path"]
        assert (dates & set(before[news["path"]].lines)) == (dates & set(after[news["path"]].lines))


# -- encoding, robots, links --------------------------------------------------------------------


def test_encoding_and_headers(site: Site) -> None:
    site.srv.set_version("2026")
    page = site.ok(site.reg["delegation"])
    content_type = page.headers["Content-Type"]
    if site.id == "parlament_tj":
        assert content_type == "text/html"  # charset only in <meta>
        assert b'charset=windows-1251"' in page.body[:400]
        with pytest.raises(UnicodeDecodeError):
            page.body.decode("utf-8")
        assert "Маджлиси милли" in page.body.decode("cp1251")
        assert b"&#1207;" in page.body  # the Tajik letter ҷ, not in cp1251
        assert "Маҷлиси Олии Ҷумҳурии Тоҷикистон" in page.text
    else:
        assert content_type == "text/html; charset=utf-8"
        page.body.decode("utf-8")


def test_robots_txt_and_every_link_resolves(site: Site) -> None:
    site.srv.set_version("2025")
    robots_page = site.get("/robots.txt")
    assert robots_page.status == 200
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(robots_page.body.decode("utf-8").splitlines())
    base = site.srv.url
    for key in ("home", "news_list", "delegation"):
        assert robots.can_fetch("parlwatch", base + site.reg[key])
    home = site.ok(site.reg["home"])
    bait = [h for h in home.hrefs if not robots.can_fetch("parlwatch", urljoin(base, h))]
    assert bait  # the pages link to something robots.txt disallows (the search page)
    for version in VERSIONS:
        site.srv.set_version(version)
        seen: set[str] = set()
        todo = [site.reg["home"]]
        while todo:
            path = todo.pop()
            if path in seen or not robots.can_fetch("parlwatch", base + path):
                continue
            seen.add(path)
            page = site.ok(path)
            for href in page.hrefs:
                assert not href.startswith(("http:", "https:", "//")), (path, href)
                target = urlsplit(urljoin(base + path, href))
                todo.append(target.path + (f"?{target.query}" if target.query else ""))
        expected = site.expected(version)
        assert {n["path"] for n in expected["news"]["ru"]} <= seen
        assert site.reg["delegation"] in seen and site.reg["news_page"].format(n=2) in seen
    assert not any(r.path in bait for r in site.srv.requests)
