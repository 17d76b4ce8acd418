"""Page kind by content: a national page under any URL is read as what it says it is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.parsers.kind import BY_CONTENT, BY_URL, DELEGATION, NEWS, kind_by_content, page_kind
from crawler.parsers.national import decode_html
from parlwatch.cli import cli

NATIONAL = Path(__file__).parents[1] / "fixtures" / "national"
MEMBER_PAGES = sorted(NATIONAL.glob("members_*.html"))
ARTICLES = sorted(NATIONAL.glob("article_*.html"))
NEITHER = ["news_tj.html", "news_sovrep_cp1251.html", "maintenance.html", "not_found.html"]


def html(path: Path) -> str:
    return decode_html(path.read_bytes(), None)


@pytest.mark.parametrize("path", MEMBER_PAGES, ids=lambda p: p.stem)
def test_a_member_list_naming_the_assembly_is_a_delegation_page_under_any_url(path):
    verdict = kind_by_content(html(path), "https://example.org/anything")
    assert (verdict.kind, verdict.how) == (DELEGATION, BY_CONTENT)
    assert verdict.persons >= 3


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_an_article_with_heading_date_and_text_is_a_news_item(path):
    assert kind_by_content(html(path), "https://example.org/p/1").kind == NEWS


@pytest.mark.parametrize("name", NEITHER)
def test_lists_and_error_pages_are_neither(name):
    assert kind_by_content(html(NATIONAL / name), "https://example.org/x").kind == ""


def test_the_url_decides_first_and_a_delegation_url_without_a_list_falls_back_to_content():
    members = html(NATIONAL / "members_duma_text.html")
    article = html(NATIONAL / "article_kz.html")
    assert page_kind(members, "http://x/odkb/", "delegation").how == BY_URL
    assert page_kind(article, "http://x/news/1", "news").how == BY_URL
    fallback = page_kind(article, "http://x/odkb/", "delegation")
    assert (fallback.kind, fallback.how) == (NEWS, BY_CONTENT)


def test_parse_reads_a_saved_delegation_page_under_an_arbitrary_url():
    page = NATIONAL / "members_sovrep_cp1251.html"
    by_registry = CliRunner().invoke(
        cli,
        ["parse", str(page), "--url", "https://sovrep.gov.by/ru/pa-odkb/", "--site", "sovrep_by"],
    )
    moved = CliRunner().invoke(
        cli, ["parse", str(page), "--url", "https://sovrep.gov.by/ru/new/x", "--site", "sovrep_by"]
    )
    assert moved.exit_code == 0, moved.output
    assert json.loads(moved.stdout) == json.loads(by_registry.stdout)
    assert "page kind: delegation (by content)" in moved.stderr
    assert "page kind: delegation (by URL)" in by_registry.stderr


def test_parse_picks_the_site_from_the_urls_host():
    page = NATIONAL / "members_sovrep_cp1251.html"
    named = CliRunner().invoke(
        cli, ["parse", str(page), "--url", "https://sovrep.gov.by/ru/x", "--site", "sovrep_by"]
    )
    guessed = CliRunner().invoke(
        cli, ["parse", str(page), "--url", "https://www.sovrep.gov.by/ru/x"]
    )
    assert guessed.exit_code == 0, guessed.output
    assert "site: sovrep_by (from the URL's host)" in guessed.stderr
    assert json.loads(guessed.stdout) == json.loads(named.stdout) != []


def test_site_for_url_tells_sites_sharing_a_host_by_their_path():
    from crawler.registry import site_for_url

    assert site_for_url("https://parlam.kz/ru/senate/deputies") == ("senate_kz", "ru")
    assert site_for_url("https://parlam.kz/ru/mazhilis/x") == ("mazhilis_kz", "ru")
    assert site_for_url("https://parlam.kz/") is None, "two sites, and the path says neither"
    assert site_for_url("https://paodkb.org/events/x") == ("pacsto", "ru")
    assert site_for_url("https://example.org/") is None


def test_parse_says_when_a_page_is_neither():
    result = CliRunner().invoke(
        cli,
        [
            "parse",
            str(NATIONAL / "news_tj.html"),
            "--url",
            "http://parlament.tj/x",
            "--site",
            "parlament_tj",
        ],
    )
    assert "page kind: no news or delegation page (by content)" in result.stderr
    assert json.loads(result.stdout) == []
