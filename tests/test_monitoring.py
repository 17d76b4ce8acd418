"""Sharp-drop warnings: a finished crawl that brought back far less than its site usually does.

The real case crawls the pacsto replica (2026) four times in both languages, which is the
site's usual output, and then in English only: a finished crawl whose delegations,
representatives and websites fall to half. That is what a layout change the parser only half
reads looks like too (a language's block gone), without needing a broken replica version: the
``maintenance`` version loses the block entirely but fails the crawl, and failed crawls are not
compared.
"""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from crawler.monitoring import crawl_drops, sharp_drops
from parlwatch.commands_crawls import crawls
from store.archive import Archive
from store.crawl_history import recent_crawls


def stats(metric="records_by_type", **counts):
    return {metric: counts}


def test_zero_where_there_were_always_five_is_a_sharp_drop():
    history = [stats(delegation=5, news=3)] * 4
    drops = sharp_drops(stats(delegation=0, news=3), history)
    assert [(d.type, d.count, d.median) for d in drops] == [("delegation", 0, 5)]
    assert drops[0].text() == "delegation 0 (median 5)"


def test_no_warning_for_small_falls_small_counts_or_short_histories():
    history = [stats(delegation=10, news=1)] * 5
    assert sharp_drops(stats(delegation=6, news=0), history) == []  # 40% less; 1 -> 0 too small
    assert sharp_drops(stats(delegation=0), history[:2]) == []  # no "usual" yet
    assert sharp_drops(stats(delegation=5), history)  # half is sharp


def test_the_median_ignores_one_odd_crawl():
    history = [stats(news=9), stats(news=0), stats(news=10), stats(news=9), stats(news=8)]
    assert sharp_drops(stats(news=8), history) == []
    assert [d.count for d in sharp_drops(stats(news=2), history)] == [2]


def test_entities_are_compared_when_every_crawl_has_them():
    """Entity counts do not move with 304s; records do (pages answered 304 are not parsed)."""
    both = {"entities_by_type": {"news": 8}, "records_by_type": {"news": 8}}
    later = {"entities_by_type": {"news": 8}, "records_by_type": {}}
    assert sharp_drops(later, [both] * 4) == []
    older = [{"records_by_type": {"news": 8}}] * 4
    assert [d.metric for d in sharp_drops(later, older)] == ["records_by_type"]


@pytest.fixture(scope="module")
def history(replica_histories):
    """The ``half`` history: four crawls in both languages, then one in English only."""
    built = replica_histories.get("half")
    for step in built.steps:
        assert step["exit"] == 0, step["stdout"] + step["stderr"][-2000:]
    return built.url


def test_a_real_crawl_that_fell_by_half_is_flagged(history):
    archive = Archive(history)
    newest, usual, *_ = recent_crawls(archive)
    assert newest.status == usual.status == "finished"
    drops = {d.type: d for d in crawl_drops(archive, newest)}
    assert {"delegation", "representative", "website"} <= set(drops)
    assert drops["delegation"].count * 2 <= drops["delegation"].median
    assert crawl_drops(archive, usual) == [], "a crawl like the ones before it is not flagged"


def test_crawls_command_shows_the_warning(history):
    group = click.Group(commands={"crawls": crawls})
    text = CliRunner().invoke(group, ["crawls", "--db", history, "--site", "pacsto"])
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert lines[1].split()[:3] == ["5", "pacsto", "finished"]
    assert lines[2].strip().startswith("WARNING output dropped sharply against the last 4")
    assert "(this crawl: en; usually: en,ru)" in lines[2]
    assert "WARNING" not in "\n".join(lines[3:])
    rows = json.loads(
        CliRunner().invoke(group, ["crawls", "--db", history, "--format", "json"]).output
    )
    assert [r["id"] for r in rows] == [5, 4, 3, 2, 1]
    assert {w["type"] for w in rows[0]["warnings"]} >= {"delegation"}
    assert rows[1]["warnings"] == [] and rows[1]["pages_failed"] == 0 and rows[1]["pages_ok"] > 0
    assert rows[0]["started"].endswith("Z") and rows[0]["duration_seconds"] >= 0
