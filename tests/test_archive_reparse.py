"""``parlwatch reparse``: idempotent, and a parser change shows as parser changes."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner
from replica_histories import history_copy
from test_archive_fixture import archive_cli

import crawler.spiders.pacsto as pacsto_spider
from crawler.reparse import reparse_site
from store.archive import Archive
from store.entity_history import entity_history

pytestmark = pytest.mark.e2e
NEWS = "pacsto/en/news/events/s-1-yanvarya-rossiya-pristupila-k-predsedatelstvu-v-odkb"


@pytest.fixture
def history(replica_histories, tmp_path):
    return history_copy(replica_histories.get("archive"), tmp_path)


def counts(db):
    with sqlite3.connect(db) as conn:
        return {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("version", "change", "entity")
        }


def test_reparse_with_the_same_parser_changes_nothing_and_says_so(history):
    before = counts(history.db)
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(archive_cli(), ["reparse", "--db", history.url])
        assert result.exit_code == 0, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 3 and all("no change" in line for line in lines), result.output
    assert counts(history.db) == before
    with sqlite3.connect(history.db) as conn:
        spiders = [r[0] for r in conn.execute("SELECT spider FROM crawl WHERE spider LIKE 're%'")]
    assert sorted(spiders) == sorted(
        ["reparse:pacsto", "reparse:sovrep_by", "reparse:parlament_tj"] * 2
    )


def test_a_parser_change_is_a_parser_change_and_reparsing_again_finds_nothing(history, monkeypatch):
    real = pacsto_spider.parse_pacsto_page

    def shouting(*args, **kwargs):
        result = real(*args, **kwargs)
        for record in result.records:
            if record["type"] == "news":
                record["title"] = record["title"].upper()
        return result

    archive = Archive(history.url)
    monkeypatch.setattr(pacsto_spider, "parse_pacsto_page", shouting)
    first = reparse_site(archive, "pacsto", parser_version="9.9-test")
    assert first.new_versions == first.changes > 0
    second = reparse_site(archive, "pacsto", parser_version="9.9-test")
    assert not second.changed_anything, "a second reparse with the same parser finds nothing"

    entity = entity_history(archive, NEWS)
    latest = entity.versions[-1]
    assert latest.cause == "parser" and latest.spider == "reparse:pacsto"
    assert latest.parser_version == "9.9-test"
    assert latest.content["title"] == "SINCE JANUARY 1 RUSSIA BEGINS ITS CSTO CHAIRMANSHIP"
    assert [(c["field"], c["cause"]) for c in latest.changes] == [("title", "parser")]
    assert entity.versions[0].cause == "site"
    # the version stands for the capture it re-read, not for a new visit to the site
    assert latest.first_seen == entity.versions[0].last_seen

    monkeypatch.setattr(pacsto_spider, "parse_pacsto_page", real)
    back = reparse_site(archive, "pacsto")
    assert back.changes == first.changes
    assert entity_history(archive, NEWS).versions[-1].content["title"].startswith("Since")
    assert not reparse_site(archive, "pacsto").changed_anything


def test_reparse_since_a_date_after_every_capture_reads_nothing(history):
    result = CliRunner().invoke(
        archive_cli(), ["reparse", "--site", "pacsto", "--since", "2999-01-01", "--db", history.url]
    )
    assert result.exit_code == 0
    assert "pacsto: 0 captures re-read" in result.output and "no change" in result.output


def test_relative_dates_resolve_against_the_capture_time_not_today():
    from datetime import datetime
    from pathlib import Path

    from crawler.stored_pages import parse_stored, site_spider

    page = Path(__file__).parent / "fixtures" / "national" / "article_duma_relative.html"
    fetched = datetime(2024, 3, 5, 12)
    outcome = parse_stored(
        site_spider("duma_ru"),
        page.read_bytes(),
        "http://duma.gov.ru/news/12345/",
        "ru",
        "text/html; charset=utf-8",
        fetched,
    )
    (article,) = [r for r in outcome.records if r["type"] == "news"]
    assert article["published_text"].startswith("вчера")
    assert article["published"] == "2024-03-04"  # the day before the capture, not before today
