"""End to end: the real spider crawls the pacsto replica over HTTP into a real SQLite file
(the ``recovery`` history of tests/replica_histories.py).

The sequence is the issue's acceptance case: 2025, 2026 (exactly the Russian delegation's
members -> senators change, in both languages, plus the new news), then an outage, a maintenance
page and 2026 again, which must add no change at all.
"""

from __future__ import annotations

import pytest

from store.queries import list_changes, list_crawls

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def history(replica_histories):
    """The replica crawled through every version step once (the ``recovery`` history)."""
    built = replica_histories.get("recovery")
    steps = [
        dict(step, requests=built.requests(number, "pacsto"))
        for number, step in enumerate(built.steps)
    ]
    return built.archive(), steps


def crawl_ids(archive):
    return [c.id for c in reversed(list_crawls(archive))]


def test_first_two_crawls_finish(history):
    _archive, steps = history
    for step in (0, 1):
        assert steps[step]["exit"] == 0, steps[step]["stdout"] + steps[step]["stderr"][-3000:]
        assert "of pacsto: finished" in steps[step]["stdout"]


def test_2026_crawl_finds_exactly_the_russian_delegation_and_new_news(history):
    archive, _steps = history
    second = crawl_ids(archive)[1]
    changes = list_changes(archive, crawl_id=second)
    non_news = [c for c in changes if c.type != "news"]
    assert {c.entity for c in non_news} == {
        "pacsto/en/delegation/RU",
        "pacsto/ru/delegation/RU",
    }
    assert all(c.change == "modified" for c in non_news)
    assert not [c for c in non_news if c.category == "seats"], "seats must be unchanged"
    roles = {(c.language, c.old, c.new) for c in non_news if c.field.endswith("member_role")}
    assert roles == {("en", "member", "senator"), ("ru", "member", "senator")}
    titles = {(c.language, c.old, c.new) for c in non_news if c.field.endswith("member_title")}
    assert ("en", "members", "senators") in titles
    wording = {(c.language, c.old, c.new) for c in non_news if c.field == "wording"}
    assert ("en", "consists of", "is represented by") in wording

    news = [c for c in changes if c.type == "news"]
    assert news, "the 2026 news items must be recorded as added"
    assert all(c.change == "added" and c.field == "" for c in news)
    assert {c.language for c in news} == {"en", "ru"}
    en_titles = {c.new["title"] for c in news if c.language == "en"}
    assert "Since January 1 Russia Begins its CSTO Chairmanship" in en_titles


def test_outage_and_maintenance_crawls_fail_and_record_nothing(history):
    archive, steps = history
    crawls = list(reversed(list_crawls(archive)))
    assert [c.status for c in crawls] == [
        "finished",
        "finished",
        "failed",
        "failed",
        "finished",
        "finished",
    ]
    for step in (2, 3):
        assert steps[step]["exit"] == 1
        assert "of pacsto: failed" in steps[step]["stdout"]
        assert steps[step]["counts"]["captures"] > steps[step - 1]["counts"]["captures"], (
            "failed fetches are captures too"
        )
    assert "503" in crawls[2].reason
    assert "missing" in crawls[3].reason


def test_recovering_after_failures_records_no_change(history):
    archive, _steps = history
    later = crawl_ids(archive)[2:]
    assert list_changes(archive, crawl_id=later[0]) == []
    assert list_changes(archive, crawl_id=later[1]) == []
    assert [c for c in list_changes(archive) if c.change == "removed"] == []
    assert list_changes(archive, crawl_id=later[2]) == []
    assert list_changes(archive, crawl_id=later[3]) == []


def test_recrawling_an_unchanged_site_adds_no_body(history):
    _archive, steps = history
    before, after = steps[4]["counts"], steps[5]["counts"]
    assert after["captures"] > before["captures"]
    assert after["blobs"] == before["blobs"]


def test_both_languages_fetched_and_robots_obeyed(history):
    _archive, steps = history
    requests = steps[1]["requests"]
    home = {(r.path, (r.accept_language or "")[:2]) for r in requests}
    assert ("/", "en") in home and ("/", "ru") in home
    article_langs = {
        (r.accept_language or "")[:2] for r in requests if r.path.startswith("/events/")
    }
    assert article_langs == {"en", "ru"}
    assert any(r.path == "/robots.txt" for r in requests)
    assert not [r for r in requests if r.path.startswith(("/search", "/admin"))]
