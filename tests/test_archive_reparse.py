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


def dump(db):
    """Everything a reparse writes to the history, row by row (but when it ran)."""
    tables = {}
    with sqlite3.connect(db) as conn:
        for table in ("entity", "version", "transition", "change"):
            cursor = conn.execute(f"SELECT * FROM {table} ORDER BY id")
            keep = [i for i, d in enumerate(cursor.description) if d[0] != "detected_at"]
            tables[table] = [tuple(row[i] for i in keep) for row in cursor]
    return tables


class _Forgetful(dict):
    """A memo that keeps nothing: every block line is read afresh."""

    def __setitem__(self, key, value):
        pass


def test_reparse_writes_the_same_with_its_memos_and_parse_workers_as_without(
    replica_histories, tmp_path, monkeypatch
):
    from crawler.ingest import Ingest
    from crawler.parsers import delegations
    from store.diff import content_hash

    real = pacsto_spider.parse_pacsto_page

    def shouting(body, url, **kwargs):  # a parser change: titles and labels differ, a page
        result = real(body, url, **kwargs)  # is unreadable
        if url.rstrip("/").endswith(NEWS.rsplit("/", 1)[1]):
            result.records, result.missing, result.errors = [], ["delegations"], ["test: none"]
        for record in result.records:
            if record["type"] == "news":
                record["title"] = record["title"].upper()
            if record["type"] == "website":
                record["label"] = record["label"].upper()
        return result

    monkeypatch.setattr(pacsto_spider, "parse_pacsto_page", shouting)  # forked workers too
    source = replica_histories.get("archive")
    plain, fast = history_copy(source, tmp_path / "plain"), history_copy(source, tmp_path / "fast")
    with monkeypatch.context() as memoless:
        memoless.setattr(delegations, "_READINGS", _Forgetful())
        memoless.setattr(Ingest, "_content_hash", lambda self, content: content_hash(content))
        expected = [reparse_site(Archive(plain.url), "pacsto", parser_version="9.9-test")]
        expected.append(reparse_site(Archive(plain.url), "pacsto", parser_version="9.9-test"))
    got = [
        reparse_site(Archive(fast.url), "pacsto", parser_version="9.9-test", workers=workers)
        for workers in (2, 1)
    ]
    assert expected[0].changes > 0 and expected[0].unreadable, "changes and an unreadable page"
    assert not expected[1].changed_anything
    assert got == expected
    assert dump(fast.db) == dump(plain.db)


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
