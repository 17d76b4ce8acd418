"""Replicas of house_by, sovrep_by, mazhilis_kz and senate_kz, exercised over real HTTP (urllib).

Each site's ``expected.json`` manifest states what its pages show per version (delegation members,
news) and which events happen between 2025 and 2026; these tests fetch the pages and check that
the manifest, the registry paths of ``crawler/sites.toml`` and the rendered pages agree.
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from replica import ReplicaServer
from replica.site import load_site, localize

ROOT = Path(__file__).parent.parent
SITE_IDS = ["house_by", "sovrep_by", "mazhilis_kz", "senate_kz"]
VERSIONS = ["2025", "2026", "2026-redesign"]
REGISTRY = {
    s["id"]: s for s in tomllib.loads((ROOT / "crawler" / "sites.toml").read_text())["site"]
}
MANIFEST = {
    sid: json.loads((ROOT / "replica" / "sites" / sid / "expected.json").read_text())
    for sid in SITE_IDS
}
MEMBERS_2026 = {"house_by": 7, "sovrep_by": 4, "mazhilis_kz": 8, "senate_kz": 8}
ENCODING = {
    "house_by": "utf-8",
    "sovrep_by": "cp1251",
    "mazhilis_kz": "utf-8",
    "senate_kz": "utf-8",
}
ROLE_LABELS = {
    ("house_by", "ru"): {
        "head": "руководитель делегации",
        "deputy_head": "заместитель руководителя делегации",
        "member": "член делегации",
    },
    ("house_by", "en"): {
        "head": "Head of the delegation",
        "deputy_head": "Deputy Head",
        "member": "Member",
    },
    ("sovrep_by", "ru"): {
        "deputy_head": "заместитель руководителя делегации",
        "member": "член делегации",
    },
    ("mazhilis_kz", "ru"): {
        "head": "Руководитель делегации",
        "deputy_head": "Заместитель руководителя делегации",
        "member": "Член делегации",
    },
    ("senate_kz", "ru"): {
        "deputy_head": "заместитель руководителя делегации",
        "member": "член делегации",
    },
}
RU_MONTHS = [
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
]  # fmt: skip
EN_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
SITE_LANGS = [(sid, lang) for sid in SITE_IDS for lang in REGISTRY[sid]["languages"]]


# -- helpers ------------------------------------------------------------------------------------


class _Page(HTMLParser):
    """Visible text lines (block elements and <br> end a line) and every URL-bearing attribute."""

    BLOCK = {
        "address", "article", "aside", "br", "center", "dd", "div", "dl", "dt", "figure", "footer",
        "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li", "main", "nav", "ol", "p",
        "section", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }  # fmt: skip
    URL_ATTRS = {("a", "href"), ("link", "href"), ("img", "src"), ("script", "src")}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.links: list[str] = []  # <a href>, in order
        self.urls: list[str] = []  # every href/src/action

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.skip += tag in ("script", "style", "head")
        if tag in self.BLOCK:
            self.parts.append("\n")
        for name, value in attrs:
            if value is not None and ((tag, name) in self.URL_ATTRS or name == "action"):
                self.urls.append(value)
                if tag == "a":
                    self.links.append(value)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)
        self.skip -= tag in ("script", "style", "head")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style", "head")
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


class Page:
    def __init__(self, path: str, status: int, headers, body: bytes, encoding: str) -> None:
        self.path, self.status, self.headers, self.body = path, status, headers, body
        parser = _Page()
        if (headers.get("Content-Type") or "").startswith("text/html"):
            parser.feed(body.decode(encoding))
        text = "".join(parser.parts).replace("\xa0", " ")
        self.lines = [" ".join(ln.split()) for ln in text.split("\n") if ln.strip()]
        self.text = "\n".join(self.lines)
        self.urls = parser.urls
        base = "http://x" + path
        self.links = [_local(urljoin(base, href)) for href in parser.links]


def _local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Sites:
    """One server per site; pages cached per (site, version, path)."""

    def __init__(self) -> None:
        self.servers: dict[str, ReplicaServer] = {}
        self.cache: dict[tuple[str, str, str], Page] = {}

    def get(self, site: str, version: str, path: str) -> Page:
        key = (site, version, path)
        if key not in self.cache:
            srv = self.servers.get(site)
            if srv is None:
                srv = self.servers[site] = ReplicaServer(site, version=version, port=0).start()
            srv.set_version(version)
            req = urllib.request.Request(srv.url + path)
            try:
                with urllib.request.urlopen(req, timeout=5) as resp:
                    status, headers, body = resp.status, resp.headers, resp.read()
            except urllib.error.HTTPError as err:
                status, headers, body = err.code, err.headers, err.read()
            self.cache[key] = Page(path, status, headers, body, ENCODING[site])
        return self.cache[key]

    def ok(self, site: str, version: str, path: str) -> Page:
        page = self.get(site, version, path)
        assert page.status == 200, (site, version, path, page.status)
        return page

    def close(self) -> None:
        for srv in self.servers.values():
            srv.stop()


@pytest.fixture(scope="module")
def sites() -> Iterator[Sites]:
    s = Sites()
    yield s
    s.close()


def paths(site: str, lang: str) -> dict[str, str]:
    return REGISTRY[site]["languages"][lang]


def expected(site: str, version: str, lang: str) -> tuple[list[dict], list[dict]]:
    v = MANIFEST[site]["versions"][version]
    return v["members"][lang], v["news"][lang]


def shown_date(site: str, lang: str, iso: str) -> str:
    """The date as the site prints it (senate_kz adds a time, matched by regex)."""
    d = date.fromisoformat(iso)
    if site == "house_by" and lang == "en":
        return f"{EN_MONTHS[d.month - 1]} {d.day}, {d.year}"
    if site == "mazhilis_kz":
        return f"{d.day} {RU_MONTHS[d.month - 1]} {d.year} г."
    if site == "senate_kz":
        return rf"{iso} \d\d:\d\d"
    return d.strftime("%d.%m.%Y")


def has_date(page: Page, site: str, lang: str, iso: str) -> bool:
    pattern = shown_date(site, lang, iso)
    if site != "senate_kz":
        pattern = re.escape(pattern)
    return re.search(rf"(?<![\d.-]){pattern}(?![\d.])", page.text) is not None


def news_pages(sites: Sites, site: str, version: str, lang: str) -> list[Page]:
    """Page 1 and every later page that still lists news (stops at the first empty/404 one)."""
    p = paths(site, lang)
    article = re.compile(p["article"])
    pages = [sites.ok(site, version, p["news_list"])]
    for n in range(2, 8):
        page = sites.get(site, version, p["news_page"].format(n=n))
        if page.status != 200 or not any(article.fullmatch(x) for x in page.links):
            break
        pages.append(page)
    return pages


def listed_articles(pages: list[Page], regex: str) -> list[str]:
    article = re.compile(regex)
    seen: list[str] = []
    for page in pages:
        for link in page.links:
            if article.fullmatch(link) and link not in seen:
                seen.append(link)
    return seen


def member_sequence(page: Page, site: str, lang: str, names: set[str]) -> list[tuple[str, str]]:
    """The delegation page's names and role labels, in page order, as (kind, value) pairs."""
    roles = {label: role for role, label in ROLE_LABELS[(site, lang)].items()}
    out = []
    for line in page.lines:
        if line in names:
            out.append(("name", line))
        elif line in roles:
            out.append(("role", roles[line]))
        elif " — " in line and line.split(" — ")[0] in names:
            name, label = line.split(" — ", 1)
            out += [("name", name), ("role", roles[label])]
    return out


@functools.cache
def site_data(site: str, version: str, lang: str) -> dict:
    loaded = load_site(site)
    return localize(loaded.versions[version].data, lang, loaded.languages)


def article_body(site: str, version: str, lang: str, path: str) -> list[str]:
    """The paragraphs of the article at ``path``, from the site's data files."""
    news = site_data(site, version, lang)["news"]
    key = next(k for k in news if re.search(rf"(?<![\w-]){re.escape(k)}(?:/|\.html)?$", path))
    return news[key]["body"]


# -- the manifests ------------------------------------------------------------------------------


@pytest.mark.parametrize("site", SITE_IDS)
def test_manifest_is_consistent(site: str) -> None:
    man = MANIFEST[site]
    reg = REGISTRY[site]
    assert man["site"] == site
    assert list(man["versions"]) == VERSIONS
    names = [v for v in load_site(site).version_names if v != "2027"]  # 2027: pages moved
    assert names == [*VERSIONS, "outage", "maintenance"]
    assert man["versions"]["2026"] == man["versions"]["2026-redesign"]
    for version in VERSIONS:
        for lang in reg["languages"]:
            members, news = expected(site, version, lang)
            want = MEMBERS_2026[site] - (version == "2025")
            assert len(members) == want, (version, lang)
            assert len({m["name"] for m in members}) == want
            assert all(m["chamber"] == reg["chamber"] for m in members)
            assert all(m["role"] in ROLE_LABELS[(site, lang)] for m in members)
            assert [m["role"] for m in members].count("head") <= 1
            assert 7 <= len(news) <= 10
            assert 2 <= sum(n["about_assembly"] for n in news) <= 3
            assert [n["published"] for n in news] == sorted(
                (n["published"] for n in news), reverse=True
            )
            for n in news:
                assert re.fullmatch(paths(site, lang)["article"], n["path"]), n["path"]
                date.fromisoformat(n["published"])
                assert n["about_assembly"] == ("ОДКБ" in n["title"] or "CSTO" in n["title"])
    ev = man["events"]
    editions = {"ru": ev, **ev.get("editions", {})}
    assert set(editions) == set(reg["languages"])
    for lang, e in editions.items():
        m25 = [m["name"] for m in expected(site, "2025", lang)[0]]
        m26 = [m["name"] for m in expected(site, "2026", lang)[0]]
        n25 = {n["path"]: n for n in expected(site, "2025", lang)[1]}
        n26 = {n["path"]: n for n in expected(site, "2026", lang)[1]}
        old, new = e["member_replaced"]["old"], e["member_replaced"]["new"]
        assert old in m25 and old not in m26 and new in m26 and new not in m25
        assert m26.index(new) == m25.index(old)  # took the old member's place
        added = e["member_added"]["name"]
        assert added in m26 and added not in m25
        assert sorted({*m25, new, added} - {old}) == sorted(m26)
        fix = e["title_corrected"]
        assert n25[fix["path"]]["title"] == fix["old"] != fix["new"] == n26[fix["path"]]["title"]
        assert e["withdrawn"]["path"] in n25 and e["withdrawn"]["path"] not in n26
        fresh = e["new_news"]
        assert 2 <= len(fresh) <= 3
        assert list(n26)[: len(fresh)] == fresh  # newest first
        assert set(n26) == (set(n25) - {e["withdrawn"]["path"]}) | set(fresh)


def test_house_by_english_edition_mirrors_russian() -> None:
    for version in VERSIONS:
        ru_members, ru_news = expected("house_by", version, "ru")
        en_members, en_news = expected("house_by", version, "en")
        assert [m["role"] for m in en_members] == [m["role"] for m in ru_members]
        assert [m["profile_path"].replace("/en/", "/ru/") for m in en_members] == [
            m["profile_path"] for m in ru_members
        ]
        assert all(re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", m["name"]) for m in en_members)
        assert [n["path"].replace("/en/", "/ru/", 1) for n in en_news] == [
            n["path"] for n in ru_news
        ]
        assert [(n["published"], n["about_assembly"]) for n in en_news] == [
            (n["published"], n["about_assembly"]) for n in ru_news
        ]
        assert all(not re.search("[а-яё]", n["title"], re.I) for n in en_news)


# -- pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("site", "lang"), SITE_LANGS)
def test_registry_paths_answer(sites: Sites, site: str, lang: str, version: str) -> None:
    p = paths(site, lang)
    members, news = expected(site, version, lang)
    for key in ("home", "news_list", "delegation"):
        page = sites.ok(site, version, p[key])
        assert page.headers["Content-Language"] == lang
    sites.ok(site, version, p["news_page"].format(n=2))
    for n in news:
        assert n["path"].startswith(p["prefix"])
        sites.ok(site, version, n["path"])
    for m in members:
        if m["profile_path"]:
            assert m["profile_path"].startswith(p["prefix"])
            profile = sites.ok(site, version, m["profile_path"])
            assert m["name"] in profile.lines


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("site", "lang"), SITE_LANGS)
def test_delegation_page_lists_the_manifest_members(
    sites: Sites, site: str, lang: str, version: str
) -> None:
    page = sites.ok(site, version, paths(site, lang)["delegation"])
    everyone = {m["name"] for v in VERSIONS for m in expected(site, v, lang)[0]}
    members = expected(site, version, lang)[0]
    role_first = site == "mazhilis_kz" and version == "2026-redesign"
    want: list[tuple[str, str]] = []
    for m in members:
        pair = [("name", m["name"]), ("role", m["role"])]
        want += pair[::-1] if role_first else pair
    assert member_sequence(page, site, lang, everyone) == want
    for m in members:
        if m["profile_path"]:
            assert m["profile_path"] in page.links


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("site", "lang"), SITE_LANGS)
def test_news_list_pages_list_the_manifest_news(
    sites: Sites, site: str, lang: str, version: str
) -> None:
    p = paths(site, lang)
    news = expected(site, version, lang)[1]
    pages = news_pages(sites, site, version, lang)
    assert len(pages) == 2  # 5 a page, 7-10 items
    assert p["news_page"].format(n=2) in pages[0].links  # the pagination links page 2
    assert p["news_list"] in pages[1].links  # and page 2 links back to page 1
    assert listed_articles(pages, p["article"]) == [n["path"] for n in news]
    text = "\n".join(page.text for page in pages)
    for n in news:
        assert n["title"] in text
        assert re.search(shown_date(site, lang, n["published"]), text), n
    home = sites.ok(site, version, p["home"])
    latest = listed_articles([home], p["article"])
    assert 3 <= len(latest) <= 5 and latest == [n["path"] for n in news[: len(latest)]]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("site", "lang"), SITE_LANGS)
def test_articles_show_title_date_and_body(
    sites: Sites, site: str, lang: str, version: str
) -> None:
    for n in expected(site, version, lang)[1]:
        page = sites.ok(site, version, n["path"])
        assert n["title"] in page.lines, n["path"]
        assert has_date(page, site, lang, n["published"]), n["path"]
        body = article_body(site, version, lang, n["path"])
        assert body and all(paragraph in page.lines for paragraph in body), n["path"]


@pytest.mark.parametrize(("site", "lang"), SITE_LANGS)
def test_withdrawn_item_is_gone_in_2026(sites: Sites, site: str, lang: str) -> None:
    ev = MANIFEST[site]["events"]
    ev = ev if lang == "ru" else ev["editions"][lang]
    path = ev["withdrawn"]["path"]
    p = paths(site, lang)
    assert sites.get(site, "2025", path).status == 200
    assert path in listed_articles(news_pages(sites, site, "2025", lang), p["article"])
    for version in ("2026", "2026-redesign"):
        assert sites.get(site, version, path).status == 404
        pages = [*news_pages(sites, site, version, lang), sites.ok(site, version, p["home"])]
        assert all(path not in page.links for page in pages)


@pytest.mark.parametrize(("site", "lang"), SITE_LANGS)
def test_corrected_title_and_nothing_else_changes(sites: Sites, site: str, lang: str) -> None:
    ev = MANIFEST[site]["events"]
    ev = ev if lang == "ru" else ev["editions"][lang]
    fix = ev["title_corrected"]
    before = sites.ok(site, "2025", fix["path"])
    after = sites.ok(site, "2026", fix["path"])
    assert fix["old"] != fix["new"]
    assert fix["old"] in before.lines and fix["old"] not in after.text
    assert fix["new"] in after.lines and fix["new"] not in before.text
    enc = ENCODING[site]
    # Byte for byte, the corrected title is the only change of that page ...
    assert before.body.replace(fix["old"].encode(enc), fix["new"].encode(enc)) == after.body
    # ... and every other article present in both versions is untouched.
    both = {n["path"] for n in expected(site, "2025", lang)[1]} & {
        n["path"] for n in expected(site, "2026", lang)[1]
    }
    for path in sorted(both - {fix["path"]}):
        assert sites.ok(site, "2025", path).body == sites.ok(site, "2026", path).body, path


@pytest.mark.parametrize(("site", "lang"), SITE_LANGS)
def test_redesign_changes_markup_not_content(sites: Sites, site: str, lang: str) -> None:
    p = paths(site, lang)
    members, news = expected(site, "2026", lang)
    checked = [p["home"], p["news_list"], p["news_page"].format(n=2), p["delegation"]]
    checked += [n["path"] for n in news]
    checked += [m["profile_path"] for m in members if m["profile_path"]]
    for path in checked:
        old = sites.ok(site, "2026", path)
        new = sites.ok(site, "2026-redesign", path)
        assert old.body != new.body, path
        old_classes = set(re.findall(rb'class="([^"]+)"', old.body))
        new_classes = set(re.findall(rb'class="([^"]+)"', new.body))
        assert not old_classes & new_classes, (path, old_classes & new_classes)
    for n in news:
        old = sites.ok(site, "2026", n["path"])
        new = sites.ok(site, "2026-redesign", n["path"])
        body = article_body(site, "2026", lang, n["path"])
        for page in (old, new):
            assert n["title"] in page.lines and all(par in page.lines for par in body)
            assert has_date(page, site, lang, n["published"])
        assert re.findall(shown_date(site, lang, n["published"]), old.text) == re.findall(
            shown_date(site, lang, n["published"]), new.text
        )
    everyone = {m["name"] for m in members}
    old = sites.ok(site, "2026", p["delegation"])
    new = sites.ok(site, "2026-redesign", p["delegation"])
    assert sorted(member_sequence(old, site, lang, everyone)) == sorted(
        member_sequence(new, site, lang, everyone)
    )


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("site", SITE_IDS)
def test_links_are_local_and_resolve(sites: Sites, site: str, version: str) -> None:
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(sites.ok(site, version, "/robots.txt").body.decode().splitlines())
    seen: set[str] = set()
    for lang in REGISTRY[site]["languages"]:
        p = paths(site, lang)
        members, news = expected(site, version, lang)
        start = [p["home"], p["news_list"], p["news_page"].format(n=2), p["delegation"]]
        start += [n["path"] for n in news] + [m["profile_path"] for m in members]
        for path in filter(None, start):
            page = sites.ok(site, version, path)
            for url in page.urls:
                parts = urlsplit(url)
                assert not parts.scheme and not parts.netloc, (path, url)
            seen.update(_local(urljoin("http://x" + path, u)) for u in page.urls)
    for target in sorted(seen):
        if robots.can_fetch("*", target):
            assert sites.get(site, version, target).status == 200, target


@pytest.mark.parametrize("site", SITE_IDS)
def test_robots_txt_disallows_linked_bait(sites: Sites, site: str) -> None:
    page = sites.ok(site, "2026", "/robots.txt")
    assert page.headers["Content-Type"].startswith("text/plain")
    text = page.body.decode()
    assert "User-agent: *" in text and "Disallow: /" in text
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(text.splitlines())
    for lang in REGISTRY[site]["languages"]:
        p = paths(site, lang)
        for key in ("home", "news_list", "delegation"):
            assert robots.can_fetch("*", p[key]), p[key]
        assert robots.can_fetch("*", p["news_page"].format(n=2))
        for n in expected(site, "2026", lang)[1]:
            assert robots.can_fetch("*", n["path"])
        home = sites.ok(site, "2026", p["home"])
        bait = [link for link in home.links if not robots.can_fetch("*", link)]
        assert bait, "pages should link to a path robots.txt disallows"


# -- encodings ----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_sovrep_is_windows_1251_declared_only_in_meta(sites: Sites, version: str) -> None:
    p = paths("sovrep_by", "ru")
    members, news = expected("sovrep_by", version, "ru")
    meta = b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
    for path in [p["home"], p["news_list"], p["delegation"], news[0]["path"]]:
        page = sites.ok("sovrep_by", version, path)
        assert page.headers["Content-Type"] == "text/html"  # no charset in the header
        assert meta in page.body
        page.body.decode("cp1251")  # strict
        with pytest.raises(UnicodeDecodeError):
            page.body.decode("utf-8")
        assert b"&#" not in page.body  # every character is representable in windows-1251
    delegation = sites.ok("sovrep_by", version, p["delegation"])
    for m in members:
        assert m["name"].encode("cp1251") in delegation.body


@pytest.mark.parametrize("site", ["house_by", "mazhilis_kz", "senate_kz"])
def test_utf8_sites_declare_charset_in_header(sites: Sites, site: str) -> None:
    lang = next(iter(REGISTRY[site]["languages"]))
    page = sites.ok(site, "2026", paths(site, lang)["delegation"])
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    page.body.decode("utf-8")
