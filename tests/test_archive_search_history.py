"""``search``, ``history`` and ``show`` on the crawled history."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from click.testing import CliRunner
from replica_histories import history_copy
from test_archive_fixture import archive_cli

import store.search
from parlwatch.cli import cli
from store.archive import Archive
from store.search import search_news
from store.search_terms import fts_query

pytestmark = pytest.mark.e2e
RU_DELEGATION = "pacsto/en/delegation/RU"
CHAIR = "pacsto/en/news/events/s-1-yanvarya-rossiya-pristupila-k-predsedatelstvu-v-odkb"


@pytest.fixture(scope="module")
def history(replica_histories, tmp_path_factory):
    # a copy: search writes its index (news_search, news_stems) into the archive
    return history_copy(replica_histories.get("archive"), tmp_path_factory.mktemp("search"))


def run(history, *args):
    return CliRunner().invoke(archive_cli(), [*args, "--db", history.url])


@pytest.mark.parametrize("method", ["fts5", "fallback"])
def test_search_ranks_a_title_match_above_body_mentions(history, method):
    archive = Archive(history.url)
    hits = search_news(archive, "chairmanship", method=method)
    assert hits and hits[0].key == CHAIR
    assert "[chairmanship]" in hits[0].snippet.lower()
    # "CSTO" is in several items; the one naming it in the title and often in the body wins
    csto = search_news(archive, "CSTO", method=method)
    assert len(csto) >= 3
    assert [h.score for h in csto] == sorted((h.score for h in csto), reverse=True)
    senators = search_news(archive, "сенатор", method=method)  # a prefix: сенаторы, сенаторам
    assert senators[0].title.startswith("Сенаторы")
    assert all(h.site == "sovrep_by" for h in senators)
    assert search_news(archive, "сенатор", language="en", method=method) == []
    assert search_news(archive, "CSTO", site="sovrep_by", method=method) == []
    assert search_news(archive, "chairmanship nonexistentword", method=method) == []


def test_search_since_filters_on_the_items_own_date(history):
    archive = Archive(history.url)
    everything = search_news(archive, "ОДКБ")
    recent = search_news(archive, "ОДКБ", since=datetime(2026, 1, 1))
    assert 0 < len(recent) < len(everything)
    assert all(h.published is None or h.published >= "2026-01-01" for h in recent)


def test_search_query_syntax_and_command(history):
    assert fts_query('senat "model law"') == '"senat"* "model law"'
    result = run(history, "search", "chairmanship", "--format", "json")
    assert json.loads(result.output)[0]["key"] == CHAIR
    text = run(history, "search", "chairmanship").output
    assert "published 2026-01-01" in text and "[chairmanship]" in text.lower()


def test_history_keeps_the_two_clocks_apart(history):
    result = run(history, "history", CHAIR, "--format", "json")
    data = json.loads(result.output)
    (version,) = data["versions"]
    assert version["content_dates"] == {"published": "2026-01-01"}
    assert version["first_seen"] == version["capture"]["fetched_at"]  # our clock: the capture
    assert not version["first_seen"].startswith("2026-01-01")  # not the item's own date
    assert version["capture"]["status"] == 200 and version["capture"]["digest"]
    assert version["cause"] == "site"
    text = run(history, "history", CHAIR).output
    assert "published: 2026-01-01  (the date the content carries" in text


def test_history_of_the_russian_delegation_shows_the_senators_change(history):
    data = json.loads(run(history, "history", RU_DELEGATION, "--format", "json").output)
    first, second = data["versions"]
    assert first["superseded_at"] == second["first_seen"]
    assert first["capture"]["id"] != second["capture"]["id"]
    fields = {(c["field"], c["old"], c["new"]) for c in second["changes"]}
    assert ("wording", "consists of", "is represented by") in fields
    text = run(history, "history", RU_DELEGATION).output  # the difference itself, never cut
    assert "[-consists of-]{+is represented by+}" in text
    assert "[-members of the Federation Council-]{+senators+} of the Russian Federation" in text
    missing = run(history, "history", "pacsto/en/delegation/XX")
    assert missing.exit_code == 1 and "did you mean" in missing.output
    assert RU_DELEGATION in missing.output


def show(history, at: str) -> str:
    return run(history, "show", RU_DELEGATION, "--at", at, "--format", "json").output


def test_show_gives_the_version_in_force_at_a_time(history):
    steps = history.manifest["steps"]
    between = steps[1]["started"]  # after the 2025 crawl, before the 2026 one
    old = json.loads(show(history, between))
    new = json.loads(show(history, "2999"))
    assert old["version"]["number"] == 1 and new["version"]["number"] == 2
    assert old["version"]["content"]["wording"] == "consists of"
    assert new["version"]["content"]["wording"] == "is represented by"
    before = run(history, "show", RU_DELEGATION, "--at", "2001-01-01")
    assert before.exit_code == 1 and "not yet seen" in before.output


def test_search_on_postgresql_ranks_in_the_database(postgres_url):
    from store.models import Entity, Version

    archive = Archive(postgres_url)
    now = datetime(2026, 2, 1)
    items = {
        "a": ("Сенаторы обсудили бюджет", "Заседание прошло в Минске."),
        "b": ("Заседание комиссии", "Сенаторы и депутаты обсудили законы. Сенаторам вручили."),
        "c": ("Парламентский урок", "Школьники посетили парламент."),
    }
    with archive.sessions.begin() as session:
        for slug, (title, body) in items.items():
            entity = Entity(
                key=f"x/ru/news/{slug}",
                type="news",
                scope="x/ru/news",
                site="x",
                language="ru",
                first_seen=now,
                last_seen=now,
            )
            session.add(entity)
            session.flush()
            session.add(
                Version(
                    entity_id=entity.id,
                    content_hash=slug,
                    first_seen=now,
                    last_seen=now,
                    content={"title": title, "body": body},
                )
            )
    hits = search_news(archive, "сенатор")
    assert [h.key for h in hits] == ["x/ru/news/a", "x/ru/news/b"]
    assert "[Сенаторы]" in hits[1].snippet
    archive.engine.dispose()


def test_an_archive_that_cannot_refresh_its_index_is_still_searchable(history, monkeypatch):
    from sqlalchemy.exc import OperationalError

    import store.search

    def read_only(_archive):
        raise OperationalError("INSERT", {}, Exception("attempt to write a readonly database"))

    monkeypatch.setattr(store.search, "refresh_index", read_only)
    archive = Archive(history.url)
    assert search_news(archive, "chairmanship")[0].key == CHAIR
    with pytest.raises(OperationalError):
        search_news(archive, "chairmanship", method="fts5")


def test_changes_limit_site_and_until_select_in_sql_what_the_full_list_holds(history):
    def run(history, *args):
        return CliRunner().invoke(cli, [*args, "--db", history.url])

    everything = json.loads(run(history, "changes", "--format", "json").output)
    assert len(everything) > 10
    first = json.loads(run(history, "changes", "--format", "json", "--limit", "4").output)
    last = json.loads(run(history, "changes", "--format", "json", "--limit", "-4").output)
    assert first == everything[:4] and last == everything[-4:]
    national = [c for c in everything if not c["entity"].startswith("pacsto/")]
    site = national[0]["entity"].split("/", 1)[0]
    only = json.loads(run(history, "changes", "--format", "json", "--site", site).output)
    assert only == [c for c in everything if c["entity"].split("/", 1)[0] == site]
    cut = everything[len(everything) // 2]["detected_at"]
    until = json.loads(run(history, "changes", "--format", "json", "--until", cut).output)
    assert until == [c for c in everything if c["detected_at"] <= cut]
    text = run(history, "changes", "--limit", "-1").output.splitlines()
    assert len(text) == 2 and text[1].startswith("  ") and last[-1]["entity"] in text[1]


@pytest.mark.parametrize("method", ["fts5", "fallback"])
def test_hits_read_a_chunk_of_matches_at_a_time_as_they_read_all_at_once(
    history, monkeypatch, method
):
    """Contents are read for as many matches as the limit needs (``_CHUNK`` at a time), not
    for every news item: the same hits, whatever the chunk, the limit or the filters."""
    archive = Archive(history.url)
    queries = [("CSTO", {}), ("CSTO", {"language": "en"}), ("сенатор", {"site": "pacsto"})]
    limits = (None, 1, 2, 5)
    whole = [
        search_news(archive, q, limit=n, method=method, **f) for q, f in queries for n in limits
    ]
    assert len(whole[0]) > 2
    monkeypatch.setattr(store.search, "_CHUNK", 1)
    chunked = [
        search_news(archive, q, limit=n, method=method, **f) for q, f in queries for n in limits
    ]
    assert chunked == whole
    for hits, n in zip(whole, limits * len(queries), strict=True):
        assert n is None or len(hits) <= n


def test_an_index_up_to_date_reads_no_item_again(history):
    archive = Archive(history.url)
    store.search.refresh_index(archive)
    assert store.search.refresh_index(archive) == 0
