"""The pacsto replica's country pages (/countries/<slug>), over real HTTP, checked against the
manifest ``replica/sites/pacsto/countries.json``.

A country page repeats what the site-wide block says about its delegation (the sentence, the
representative, the website lines) and adds the members: one comma-separated name list and a
biography card per name. Versions 2024, 2025, 2026 and xss show the same country pages, apart
from what follows the block. In 2026-06 the Russian edition replaces a Tajik member and changes
another's post; the English edition catches up in 2026-09.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from crawler.names import same_person
from replica import ReplicaServer

ROOT = Path(__file__).parent.parent
MANIFEST = json.loads(
    (ROOT / "replica" / "sites" / "pacsto" / "countries.json").read_text(encoding="utf-8")
)
VERSIONS = list(MANIFEST["versions"])
STABLE = ["2024", "2025", "2026", "xss"]  # identical country pages, apart from the block's facts
LANGS = {"ru": {"Accept-Language": "ru"}, "en": {"Accept-Language": "en-US,en;q=0.9,ru;q=0.8"}}
LABEL = {"ru": "Состав делегации:", "en": "Members of the delegation:"}
MENU = {"ru": "Государства-члены", "en": "Member States"}
SLUGS = {iso: c["slug"] for iso, c in MANIFEST["versions"]["2026"]["en"].items()}
OTHER_PATHS = ["/", "/countries/", "/about", "/contacts", "/events/"]
BLOCK_START = ("Delegation of ", "Делегация ")


class _Page(HTMLParser):
    """Text lines per region of one page: ``menu``, ``main`` and, per delegation of the block
    (keyed by the ``title`` of its div), ``block:<country>``; plus the ``h3`` headings and the
    links of each region. Whitespace and &nbsp; are collapsed."""

    BLOCK = {"p", "div", "br", "h1", "h2", "h3", "li", "ul", "title", "form"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []  # the region each open <div> starts (or "")
        self.parts: dict[str, list[str]] = {}
        self.links: dict[str, list[str]] = {}
        self.headings: list[str] = []
        self.in_h3 = False

    @property
    def region(self) -> str:
        named = [r for r in self.stack if r]
        return named[-1] if named else "other"

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attr = dict(attrs)
        if tag == "div":
            cls = (attr.get("class") or "").split()
            region = ""
            if "menu" in cls:
                region = "menu"
            elif "main-content" in cls:
                region = "main"
            elif "delegation" in cls:
                region = f"block:{attr.get('title')}"
            self.stack.append(region)
        if tag == "a" and attr.get("href"):
            self.links.setdefault(self.region, []).append(attr["href"])
        if tag == "h3":
            self.in_h3 = True
            self.headings.append("")
        if tag in self.BLOCK:
            self.parts.setdefault(self.region, []).append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCK:
            self.parts.setdefault(self.region, []).append("\n")
        if tag == "div" and self.stack:
            self.stack.pop()
        if tag == "h3":
            self.in_h3 = False

    def handle_data(self, data: str) -> None:
        self.parts.setdefault(self.region, []).append(data)
        if self.in_h3:
            self.headings[-1] += data

    def lines(self, region: str) -> list[str]:
        text = "".join(self.parts.get(region, []))
        out = (" ".join(line.replace("\xa0", " ").split()) for line in text.split("\n"))
        return [line for line in out if line]


def parsed(body: bytes) -> _Page:
    page = _Page()
    page.feed(body.decode("utf-8"))
    page.close()
    return page


def main_html(body: bytes) -> list[str]:
    """The raw source lines of the page's main content."""
    text = body.decode("utf-8")
    start = text.index('<div class="main-content">')
    return text[start : text.index('<div class="clear">', start)].splitlines()


def visible(html_line: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html_line).replace("&nbsp;", " ").split())


class Site:
    """One replica server; each (version, language, path) is fetched once per module."""

    def __init__(self, srv: ReplicaServer) -> None:
        self.srv = srv
        self.cache: dict[tuple[str, str, str], tuple[int, dict, bytes]] = {}

    def get(self, version: str, lang: str, path: str) -> tuple[int, dict, bytes]:
        key = (version, lang, path)
        if key not in self.cache:
            if self.srv.version != version:
                self.srv.set_version(version)
            req = urllib.request.Request(self.srv.url + path, headers=LANGS[lang])
            try:
                with urllib.request.urlopen(req, timeout=5) as resp:
                    self.cache[key] = (resp.status, dict(resp.headers), resp.read())
            except urllib.error.HTTPError as err:
                self.cache[key] = (err.code, dict(err.headers), err.read())
        return self.cache[key]

    def body(self, version: str, lang: str, path: str) -> bytes:
        status, _, body = self.get(version, lang, path)
        assert status == 200, (version, lang, path)
        return body

    def country(self, version: str, lang: str, iso: str) -> _Page:
        return parsed(self.body(version, lang, f"/countries/{SLUGS[iso]}"))


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with ReplicaServer("pacsto", version="2026", port=0) as srv:
        yield Site(srv)


def entries(version: str, lang: str) -> list[tuple[str, dict]]:
    return list(MANIFEST["versions"][version][lang].items())


def title_of(site: Site, version: str, lang: str, iso: str) -> str:
    return site.country(version, lang, iso).lines("main")[0]


def block_lines(page: _Page, title: str) -> list[str]:
    return page.lines(f"block:{title}")


def page_sentence(page: _Page) -> str:
    (sentence,) = [line for line in page.lines("main") if line.startswith(BLOCK_START)]
    return sentence


# -- the manifest ---------------------------------------------------------------------------------


def test_manifest_covers_every_version_and_the_five_countries(site: Site) -> None:
    # 2026-12 is described by its own test below: one page edited apart from the block
    assert site.srv.versions == [*VERSIONS[:5], "2026-12", *VERSIONS[5:], "outage", "maintenance"]
    assert VERSIONS == ["2024", "2025", "2026", "2026-06", "2026-09", "xss"]
    assert SLUGS == {
        "BY": "republic-of-belarus",
        "KZ": "republic-of-kazakhstan",
        "KG": "kyrgyz-republic",
        "RU": "russian-federation",
        "TJ": "republic-of-tajikistan",
    }
    for version in VERSIONS:
        for lang in LANGS:
            assert {iso: c["slug"] for iso, c in entries(version, lang)} == SLUGS


# -- pages, names, posts ---------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_country_pages_answer_in_both_languages(site: Site, version: str) -> None:
    for lang in LANGS:
        for iso, slug in SLUGS.items():
            status, headers, _ = site.get(version, lang, f"/countries/{slug}")
            assert status == 200, (version, lang, iso)
            assert headers["Content-Language"] == lang
    assert site.get(version, "en", "/countries/republic-of-armenia")[0] == 404
    assert site.get(version, "ru", "/countries/")[0] == 200


@pytest.mark.parametrize("version", VERSIONS)
def test_names_and_posts_of_the_manifest_are_on_the_pages(site: Site, version: str) -> None:
    for lang in LANGS:
        for iso, expected in entries(version, lang):
            page = site.country(version, lang, iso)
            main = page.lines("main")
            names = [m["name"] for m in expected["members"]]
            # one paragraph: the label, then the names separated by commas
            assert f"{LABEL[lang]} {', '.join(names)}" in main, (version, lang, iso)
            # one card per listed name, in list order: the heading, then the post line
            assert page.headings == names
            for member in expected["members"]:
                at = main.index(member["name"])
                if member["post"] is None:
                    assert not main[at + 1].startswith(("Deputy", "Member", "Депутат", "Член"))
                else:
                    assert main[at + 1] == member["post"], (version, lang, member["name"])
                    assert main[at + 2] and main[at + 2] != main[at + 1]  # a biography follows


@pytest.mark.parametrize("version", VERSIONS)
def test_block_sentence_equals_the_page_sentence(site: Site, version: str) -> None:
    for lang in LANGS:
        home = parsed(site.body(version, lang, "/"))
        for iso, expected in entries(version, lang):
            page = site.country(version, lang, iso)
            title = page.lines("main")[0]
            block = block_lines(page, title)
            assert block == block_lines(home, title)  # the block is the same on every page
            sentence = page_sentence(page)
            assert sentence == block[0], (version, lang, iso)
            assert sum(int(n) for n in re.findall(r"\d+", sentence)) == expected["seats"]
            # the representative and the website lines the block shows are repeated as they are
            assert [line for line in block[1:] if line in page.lines("main")] == block[1:]


def test_short_list_names_fewer_than_the_seats(site: Site) -> None:
    short = MANIFEST["events"]["short_list"]
    assert (short["country"], short["seats"], short["names"]) == ("KZ", 16, 12)
    for version in VERSIONS:
        for lang in LANGS:
            kz = MANIFEST["versions"][version][lang]["KZ"]
            assert (kz["seats"], len(kz["members"])) == (16, 12)
            (listed,) = [
                line for line in site.country(version, lang, "KZ").lines("main")
                if line.startswith(LABEL[lang])
            ]  # fmt: skip
            assert len(listed[len(LABEL[lang]) :].split(", ")) == 12
            full = [iso for iso, c in entries(version, lang) if len(c["members"]) == c["seats"]]
            assert {"BY", "TJ"} <= set(full)  # other delegations list every seat


def test_russian_names_surname_first_english_given_name_first() -> None:
    for version in VERSIONS:
        ru, en = MANIFEST["versions"][version]["ru"], MANIFEST["versions"][version]["en"]
        for iso in SLUGS:
            for member in ru[iso]["members"]:
                words = member["name"].split()
                assert len(words) == 3 and re.search(r"(вич|вна)$", words[2]), member
                assert words[0].isupper() == (iso in ("BY", "KZ")), member  # ALL-CAPS surnames
            for member in en[iso]["members"]:
                assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", member["name"]), member


@pytest.mark.parametrize("version", VERSIONS)
def test_members_pair_across_languages(version: str) -> None:
    """A transliteration-based matcher pairs each Russian name with the English one."""
    ru, en = MANIFEST["versions"][version]["ru"], MANIFEST["versions"][version]["en"]
    unpaired = []
    for iso in SLUGS:
        assert len(ru[iso]["members"]) == len(en[iso]["members"])
        for a, b in zip(ru[iso]["members"], en[iso]["members"], strict=True):
            if not same_person(a["name"], b["name"]):
                unpaired.append((iso, a["name"], b["name"]))
    if version == "2026-06":
        assert unpaired == [("TJ", "Курбонзода Рустам Абдуллоевич", "Ismoil Boboev")]
    else:
        assert unpaired == []


# -- versions -----------------------------------------------------------------------------------


def test_stable_versions_differ_only_in_what_follows_the_block(site: Site) -> None:
    """2024, 2025, 2026 and xss show byte-identical country pages, except for the lines the
    page repeats from the block (which differs between those versions)."""
    changed = {}
    for old, new in zip(STABLE, STABLE[1:], strict=False):
        for lang in LANGS:
            for iso in SLUGS:
                path = f"/countries/{SLUGS[iso]}"
                a = main_html(site.body(old, lang, path))
                b = main_html(site.body(new, lang, path))
                assert len(a) == len(b)
                diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
                title = title_of(site, new, lang, iso)
                old_block = block_lines(site.country(old, lang, iso), title)
                new_block = block_lines(site.country(new, lang, iso), title)
                for x, y in diff:
                    assert visible(x) in old_block and visible(y) in new_block, (old, new, x)
                if diff:
                    changed.setdefault((old, new), set()).add(iso)
                assert (
                    MANIFEST["versions"][old][lang][iso]["members"]
                    == (MANIFEST["versions"][new][lang][iso]["members"])
                )
    assert changed == {
        ("2024", "2025"): {"BY", "KG"},  # KG 7 -> 6 deputies; website addresses added
        ("2025", "2026"): {"RU"},  # the Russian delegation's sentence
        ("2026", "xss"): {"KG"},  # the hostile website line
    }


def test_2026_06_russian_edition_ahead_of_the_english_one(site: Site) -> None:
    events = MANIFEST["events"]
    replaced, post = events["member_replaced"], events["post_changed"]
    assert replaced["country"] == post["country"] == "TJ"
    assert (replaced["ru_version"], replaced["en_version"]) == ("2026-06", "2026-09")

    def state(version: str, lang: str) -> tuple[list[str], dict[str, str]]:
        page = site.country(version, lang, "TJ")
        main = page.lines("main")
        return page.headings, {name: main[main.index(name) + 1] for name in page.headings}

    for version, ahead in (("2026", set()), ("2026-06", {"ru"}), ("2026-09", {"ru", "en"})):
        for lang in LANGS:
            names, posts = state(version, lang)
            new = lang in ahead
            rep = replaced[lang]
            assert (rep["new"] in names, rep["old"] in names) == (new, not new), (version, lang)
            assert posts[post[lang]["name"]] == post[lang]["new" if new else "old"]
            manifest = MANIFEST["versions"][version][lang]["TJ"]["members"]
            assert [m["name"] for m in manifest] == names
            assert {m["name"]: m["post"] for m in manifest} == posts

    # the replacement keeps the list's length and order; only that slot and that post change
    old_names, old_posts = state("2026", "ru")
    new_names, new_posts = state("2026-06", "ru")
    assert [(a, b) for a, b in zip(old_names, new_names, strict=True) if a != b] == [
        (replaced["ru"]["old"], replaced["ru"]["new"])
    ]
    assert [n for n in old_names if n in new_names and old_posts[n] != new_posts[n]] == [
        post["ru"]["name"]
    ]
    assert same_person(replaced["ru"]["new"], replaced["en"]["new"])
    assert same_person(replaced["ru"]["old"], replaced["en"]["old"])
    assert same_person(post["ru"]["name"], post["en"]["name"])


def test_new_versions_change_only_the_tajik_country_page(site: Site) -> None:
    """Block, news and every other page of 2026-06 and 2026-09 are byte-identical to 2026."""
    paths = [*OTHER_PATHS, *(f"/countries/{slug}" for slug in SLUGS.values())]
    paths += [h for h in parsed(site.body("2026", "en", "/events/")).links["main"]]
    tj = f"/countries/{SLUGS['TJ']}"
    for version, changed in (("2026-06", {("ru", tj)}), ("2026-09", {("ru", tj), ("en", tj)})):
        for lang in LANGS:
            for path in paths:
                same = site.body(version, lang, path) == site.body("2026", lang, path)
                assert same != ((lang, path) in changed), (version, lang, path)
    assert site.body("2026-09", "ru", tj) == site.body("2026-06", "ru", tj)
    assert (
        site.get("2026-06", "en", "/")[1]["Last-Modified"]
        != site.get("2026", "en", "/")[1]["Last-Modified"]
    )


def test_2026_12_english_kyrgyz_page_disagrees_with_the_block(site: Site) -> None:
    """Only the English Kyrgyz country page differs from 2026-09: its sentence says 5, the
    block (on it and everywhere else) still says 6."""
    kg = f"/countries/{SLUGS['KG']}"
    paths = [*OTHER_PATHS, *(f"/countries/{slug}" for slug in SLUGS.values())]
    for lang in LANGS:
        for path in paths:
            same = site.body("2026-12", lang, path) == site.body("2026-09", lang, path)
            assert same != ((lang, path) == ("en", kg)), (lang, path)
    page = parsed(site.body("2026-12", "en", kg))
    title = page.lines("main")[0]
    assert block_lines(page, title)[0].endswith("consists of 6 deputies.")
    assert page_sentence(page).endswith("consists of 5 deputies.")


# -- links ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_menu_and_home_link_every_country_and_all_links_resolve(site: Site, version: str) -> None:
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(site.body(version, "en", "/robots.txt").decode().splitlines())
    country_links = {f"/countries/{slug}" for slug in SLUGS.values()}
    for lang in LANGS:
        home = parsed(site.body(version, lang, "/"))
        assert country_links <= set(home.links["main"])
        seen, todo = set(), ["/"]
        while todo:
            path = todo.pop()
            if path in seen or not robots.can_fetch("parlwatch", "http://x" + path):
                continue
            seen.add(path)
            page = parsed(site.body(version, lang, path))  # asserts 200
            menu = page.links["menu"]
            assert MENU[lang] in page.lines("menu") and "/countries/" in menu, path
            assert country_links <= set(menu), path
            for href in (h for links in page.links.values() for h in links):
                url = urljoin(site.srv.url + path, href)
                if url.startswith(site.srv.url):
                    todo.append(urlsplit(url).path)
        assert {"/countries/", *country_links} <= seen
        countries = parsed(site.body(version, lang, "/countries/"))
        assert country_links <= set(countries.links["main"])
