"""Issue 15, sets: a set is complete in a run only when every page its site declares for it came
back whole (``crawler.completeness``, declared in ``crawler/sites.toml``)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from crawler.completeness import PageFact, SetLedger, sharp_shrink
from crawler.ingest import Ingest
from crawler.items import Page, ParseOutcome
from crawler.registry import SetRule, site_config
from store.archive import FINISHED, Archive
from store.models import Capture

T0 = datetime(2026, 1, 5, 12)
BLOCK = frozenset({"delegation", "representative", "website"})
COUNTRIES = ["BY", "KG", "KZ", "RU", "TJ"]
SLUGS = {"RU": "russian-federation", "BY": "republic-of-belarus", "KG": "kyrgyz-republic"}
SLUGS |= {"KZ": "republic-of-kazakhstan", "TJ": "republic-of-tajikistan"}


def fact(role: str, country: str | None = None, outcome: str = "ok", **kwargs) -> PageFact:
    shows = BLOCK | ({f"member/{country}"} if country else set())
    values = {
        "url": f"http://x/{role}/{country or ''}",
        "language": "en",
        "role": role,
        "country": country,
        "outcome": outcome,
        "why": outcome if outcome != "ok" else "ok",
        "fetched_at": T0,
        "shows": shows if outcome == "ok" else None,
    }
    return PageFact(**(values | kwargs))


def present() -> dict[str, dict[str, str | None]]:
    """What the archive holds: five delegations, a representative each, members of RU."""
    held: dict[str, dict[str, str | None]] = {
        "pacsto/en/delegation": {f"pacsto/en/delegation/{c}": c for c in COUNTRIES},
        "pacsto/en/representative": {f"pacsto/en/representative/{c}": c for c in COUNTRIES},
        "pacsto/en/member/RU": {f"pacsto/en/member/m{n}": "RU" for n in range(12)},
    }
    return held


def ledger(*pages: PageFact) -> SetLedger:
    book = SetLedger("pacsto", site_config("pacsto").sets, present())
    for p in pages:
        book.add(p)
    return book


def whole_crawl() -> list[PageFact]:
    return [fact("root"), fact("list"), fact("news")] + [fact("country", c) for c in COUNTRIES]


def test_pacsto_declares_the_block_on_every_page_and_members_on_country_pages():
    rules = site_config("pacsto").sets
    assert rules[0] == SetRule(
        ("delegation", "representative", "website"), ("*",), "country", "delegation"
    )
    assert rules[1].sets == ("member/{country}",) and rules[1].pages == ("country",)
    assert site_config("duma_ru").sets[0].pages == ("delegation",)  # the [national] default


def test_a_whole_crawl_completes_every_declared_set():
    settled = ledger(*whole_crawl()).settle({})
    assert set(settled.complete) == {
        "pacsto/en/delegation",
        "pacsto/en/representative",
        "pacsto/en/website",
        *(f"pacsto/en/member/{c}" for c in COUNTRIES),
    }
    assert settled.held_back == {}


def test_a_failed_country_page_holds_back_its_country_only():
    pages = [p for p in whole_crawl() if p.country != "RU"]
    pages.append(fact("country", "RU", "http-error", why="HTTP 503"))
    settled = ledger(*pages).settle({})
    assert "pacsto/en/member/RU" not in settled.complete
    assert "HTTP 503" in settled.held_back["pacsto/en/member/RU"]
    for kind in BLOCK:
        scope = f"pacsto/en/{kind}"
        assert scope in settled.complete, "the block came back whole on every other page"
        assert settled.except_countries[scope] == {"RU"}, "but RU's own lines did not"
        assert "HTTP 503" in settled.held_back[f"{scope}/RU"]
    assert "pacsto/en/member/BY" in settled.complete, "other countries' members are whole"


def test_a_failed_page_of_a_country_the_archive_does_not_hold_is_held_back_too():
    pages = [*whole_crawl(), fact("country", "AM", "network-error", why="reset")]
    settled = ledger(*pages).settle({})
    assert settled.except_countries["pacsto/en/delegation"] == {"AM"}


def test_a_failed_news_page_holds_back_the_block_it_carries_but_not_member_lists():
    pages = [*whole_crawl(), fact("news", outcome="network-error", url="http://x/events/a")]
    settled = ledger(*pages).settle({})
    assert "pacsto/en/delegation" in settled.held_back
    assert all(f"pacsto/en/member/{c}" in settled.complete for c in COUNTRIES)


def seen_in_blocks(*countries: str) -> dict[str, set[str | None]]:
    """What the run's whole blocks named: these countries' delegation, representative, website."""
    return {f"pacsto/en/{kind}": set(countries) for kind in BLOCK}


def test_a_country_the_set_holds_without_its_page_in_the_run_is_held_back():
    """TJ still in the blocks, but its own page not in the run (a WARC without it, say)."""
    pages = [p for p in whole_crawl() if p.country != "TJ"]
    settled = ledger(*pages).settle(seen_in_blocks(*COUNTRIES))
    assert settled.held_back["pacsto/en/delegation/TJ"] == "no country page for TJ"
    assert settled.except_countries["pacsto/en/delegation"] == {"TJ"}
    assert "pacsto/en/member/TJ" not in settled.complete


@pytest.mark.parametrize("own_page", ["unlinked", "gone"])
def test_a_country_gone_from_every_block_with_no_page_of_its_own_counts_as_absent(own_page):
    """A country leaving the assembly: no whole block names it, its page is 404 or unlinked.
    Its block entities count as missing (a removal once corroborated), its members stay."""
    pages = [p for p in whole_crawl() if p.country != "TJ"]
    if own_page == "gone":
        pages.append(fact("country", "TJ", "gone", shows=None))
    settled = ledger(*pages).settle(seen_in_blocks("BY", "KG", "KZ", "RU"))
    for kind in BLOCK:
        assert f"pacsto/en/{kind}" in settled.complete
        assert "TJ" not in settled.except_countries.get(f"pacsto/en/{kind}", set())
        assert f"pacsto/en/{kind}/TJ" not in settled.held_back
    assert "pacsto/en/member/TJ" not in settled.complete, "members need their own page"


def test_a_country_still_in_the_blocks_whose_page_is_gone_is_held_back():
    pages = [p for p in whole_crawl() if p.country != "TJ"]
    pages.append(fact("country", "TJ", "gone", shows=None))
    settled = ledger(*pages).settle(seen_in_blocks(*COUNTRIES))
    assert settled.except_countries["pacsto/en/delegation"] == {"TJ"}


def test_one_page_completes_nothing_that_needs_other_pages():
    """A WARC (or crawl) holding only the home page: no set it shares with country pages."""
    settled = ledger(fact("root")).settle({})
    assert settled.complete == {}
    assert set(settled.held_back) >= {"pacsto/en/delegation", "pacsto/en/member/RU"}


def test_a_gone_news_page_carries_nothing():
    pages = [*whole_crawl(), fact("news", outcome="gone", url="http://x/events/old")]
    assert "pacsto/en/delegation" in ledger(*pages).settle({}).complete


@pytest.mark.parametrize(
    ("held", "shown", "sharp"),
    [(5, 2, True), (5, 3, True), (5, 4, False), (12, 10, False), (12, 9, True), (1, 0, False)],
)
def test_a_sharp_shrink_loses_two_and_a_quarter_at_once(held, shown, sharp):
    assert sharp_shrink(held, shown) is sharp


class BlockParser:
    """The home page's block, showing the delegations of ``countries``."""

    def __init__(self, countries: list[str]) -> None:
        self.countries = countries

    def parse_page(self, body, url, language, content_type, role, fetched_at=None):
        records = [
            {"type": "delegation", "language": language, "country": c, "text": c, "part": "block"}
            for c in self.countries
        ]
        return ParseOutcome(records, complete_sets=sorted(BLOCK))

    def page_country(self, url, role):
        return None


def test_a_half_rendered_block_is_shrunk_applies_what_it_shows_and_removes_nothing(
    sqlite_url,
):
    archive = Archive(sqlite_url)
    first = archive.start_crawl("pacsto")
    ingest = Ingest(archive, first, BlockParser(COUNTRIES))
    ingest.add(home(T0))
    archive.finish_crawl(first, FINISHED, ingest.settled())

    second = archive.start_crawl("pacsto")
    ingest = Ingest(archive, second, BlockParser(["BY", "KG"]))
    added = ingest.add(home(T0 + timedelta(days=1)))
    assert added.reading.outcome == "shrunk"
    assert "shows 2 of the 5" in added.reading.problem
    batch = ingest.settled()
    assert batch.complete_scopes == {}
    assert sorted(batch.observations) == ["pacsto/en/delegation/BY", "pacsto/en/delegation/KG"]
    assert [p.outcome for p in ingest.failed_pages()] == ["shrunk"]
    with archive.session() as session:
        assert session.get(Capture, added.capture_id).outcome == "shrunk"


def home(when: datetime) -> Page:
    body = "<html><body><p>" + "Delegation of the Republic to the CSTO PA. " * 5 + "</p>"
    return Page(
        "pacsto",
        "http://127.0.0.1:8000/",
        "en",
        "root",
        when,
        200,
        body.encode(),
        {"content-type": "text/html; charset=utf-8"},
    )


def test_crawls_lists_a_partial_crawls_failed_pages(sqlite_url):
    from click.testing import CliRunner

    from crawler.ingest import partial_reason
    from parlwatch.cli import cli
    from store.archive import PARTIAL

    archive = Archive(sqlite_url)
    crawl_id = archive.start_crawl("pacsto", {"languages": ["en"]})
    failed = fact("country", "RU", "http-error", why="HTTP 503", url="http://x/countries/ru")
    stats = {"pages": 9, "pages_by_outcome": {"ok": 8, "http-error": 1}}
    stats["failed_pages"] = [failed.to_dict()]
    archive.finish_crawl(crawl_id, PARTIAL, None, stats, partial_reason(1))
    shown = CliRunner().invoke(cli, ["crawls", "--db", sqlite_url])
    assert shown.exit_code == 0, shown.output
    assert "partial" in shown.output and "8/1" in shown.output
    assert "not whole: country en http://x/countries/ru: HTTP 503" in shown.output
