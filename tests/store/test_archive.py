"""The store's history rules, on a real SQLite file and on PostgreSQL.

A change is stored as one transition (previous version -> new version) with its field rows, and
read back as one, with its records typed and its chambers paired once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from reports.significance import default_synonyms
from store.archive import FAILED, FINISHED, INTERRUPTED, Archive
from store.captures import CaptureRecord
from store.models import Blob, Crawl, Entity, Transition, Version
from store.observations import Observation, ObservationBatch
from store.queries import count_rows, list_changes, list_crawls
from store.report_queries import change_sets

T0 = datetime(2025, 6, 1, 12, 0, 0)

RU_2025 = {
    "wording": "consists of",
    "seats": 22,
    "chambers": [
        {"count": 10, "member_title": "deputies", "member_role": "deputy", "chamber": "State Duma"},
        {
            "count": 12,
            "member_title": "members",
            "member_role": "member",
            "chamber": "Federation Council",
        },
    ],
}
RU_2026 = {
    "wording": "is represented by",
    "seats": 22,
    "chambers": [
        RU_2025["chambers"][0],
        {"count": 12, "member_title": "senators", "member_role": "senator", "chamber": None},
    ],
}
KG = {"wording": "consists of", "seats": 6, "chambers": [{"count": 6, "chamber": None}]}


def delegation(country: str, content: dict, when: datetime, capture_id=None) -> Observation:
    return Observation(
        key=f"pacsto/en/delegation/{country}",
        type="delegation",
        scope="pacsto/en/delegation",
        site="pacsto",
        content=content,
        observed_at=when,
        capture_id=capture_id,
        language="en",
        country=country,
    )


def crawl(archive: Archive, *observations: Observation, status=FINISHED, complete=True):
    crawl_id = archive.start_crawl("pacsto")
    batch = ObservationBatch()
    for obs in observations:
        batch.add(obs)
    if complete:
        batch.mark_complete("pacsto/en/delegation", max(o.observed_at for o in observations))
    return archive.finish_crawl(crawl_id, status, batch)


def versions_of(archive: Archive, key: str) -> list[Version]:
    with archive.session() as session:
        entity = session.scalars(select(Entity).where(Entity.key == key)).one()
        return list(entity.versions)


def test_first_crawl_is_a_baseline_without_changes(archive):
    crawl(archive, delegation("RU", RU_2025, T0), delegation("KG", KG, T0))
    assert list_changes(archive) == []
    assert count_rows(archive)["entities"] == 2


def test_modified_delegation_records_one_row_per_changed_field(archive):
    crawl(archive, delegation("RU", RU_2025, T0), delegation("KG", KG, T0))
    later = T0 + timedelta(days=200)
    summary = crawl(archive, delegation("RU", RU_2026, later), delegation("KG", KG, later))
    changes = list_changes(archive)
    assert {(c.field, c.old, c.new, c.category) for c in changes} == {
        ("wording", "consists of", "is represented by", "wording"),
        ("chambers[1].member_title", "members", "senators", "wording"),
        ("chambers[1].member_role", "member", "senator", "wording"),
        ("chambers[1].chamber", "Federation Council", None, "wording"),
    }
    assert {c.entity for c in changes} == {"pacsto/en/delegation/RU"}
    assert all(c.change == "modified" and c.crawl == summary.crawl_id for c in changes)
    assert len(versions_of(archive, "pacsto/en/delegation/RU")) == 2
    kg = versions_of(archive, "pacsto/en/delegation/KG")
    assert len(kg) == 1 and kg[0].last_seen == later


def test_unchanged_content_advances_last_seen_only(archive):
    crawl(archive, delegation("RU", RU_2025, T0))
    crawl(archive, delegation("RU", RU_2025, T0 + timedelta(days=1)))
    (version,) = versions_of(archive, "pacsto/en/delegation/RU")
    assert version.first_seen == T0
    assert version.last_seen == T0 + timedelta(days=1)


def test_reordered_chambers_are_not_a_change(archive):
    crawl(archive, delegation("RU", RU_2025, T0))
    swapped = dict(RU_2025, chambers=list(reversed(RU_2025["chambers"])))
    crawl(archive, delegation("RU", swapped, T0 + timedelta(days=1)))
    assert list_changes(archive) == []
    assert len(versions_of(archive, "pacsto/en/delegation/RU")) == 1


@pytest.mark.parametrize("status", [FAILED, INTERRUPTED])
def test_unfinished_crawl_changes_nothing(archive, status):
    crawl(archive, delegation("RU", RU_2025, T0), delegation("KG", KG, T0))
    summary = crawl(archive, delegation("RU", RU_2026, T0 + timedelta(days=1)), status=status)
    assert summary.status == status
    assert list_changes(archive) == []
    assert len(versions_of(archive, "pacsto/en/delegation/RU")) == 1
    assert [c.status for c in list_crawls(archive)] == [status, FINISHED]


def test_absent_entity_is_removed_only_when_its_scope_was_parsed_whole_twice(archive):
    crawl(archive, delegation("RU", RU_2025, T0), delegation("KG", KG, T0))
    crawl(archive, delegation("RU", RU_2025, T0 + timedelta(days=1)), complete=False)
    assert list_changes(archive) == []
    first = crawl(archive, delegation("RU", RU_2025, T0 + timedelta(days=2)))
    assert list_changes(archive) == [], "one complete observation lacking it is not enough"
    assert first.stats["history/missing"] == 1
    crawl(archive, delegation("RU", RU_2025, T0 + timedelta(days=3)), complete=False)
    assert list_changes(archive) == [], "an incomplete observation neither counts nor clears"
    second = crawl(archive, delegation("RU", RU_2025, T0 + timedelta(days=4)))
    (removed,) = list_changes(archive)
    assert (removed.entity, removed.change, removed.new) == (
        "pacsto/en/delegation/KG",
        "removed",
        None,
    )
    assert removed.old == KG
    assert removed.crawl == first.crawl_id, "dated at the first crawl that lacked it"
    assert second.stats["removals_confirmed"] == [[first.crawl_id, "pacsto/en/delegation/KG"]]
    (kg,) = versions_of(archive, "pacsto/en/delegation/KG")
    assert kg.superseded_at == T0 + timedelta(days=2)
    crawl(archive, delegation("RU", RU_2025, T0 + timedelta(days=5)), delegation("KG", KG, T0))
    assert [c.change for c in list_changes(archive)] == ["removed"], "older observation ignored"
    crawl(
        archive,
        delegation("RU", RU_2025, T0 + timedelta(days=6)),
        delegation("KG", KG, T0 + timedelta(days=6)),
    )
    assert [c.change for c in list_changes(archive)] == ["removed", "added"]


def test_a_country_whose_own_page_failed_is_not_judged_missing(archive):
    crawl(archive, delegation("RU", RU_2025, T0), delegation("KG", KG, T0))
    later = T0 + timedelta(days=1)
    crawl_id = archive.start_crawl("pacsto")
    batch = ObservationBatch()
    batch.add(delegation("RU", RU_2025, later))
    batch.mark_complete("pacsto/en/delegation", later, {"KG"})
    summary = archive.finish_crawl(crawl_id, FINISHED, batch)
    assert summary.stats["history/missing"] == 0
    assert missing_of(archive, "pacsto/en/delegation/KG") == ("present", None, 0)


def missing_of(archive: Archive, key: str) -> tuple:
    with archive.session() as session:
        entity = session.scalars(select(Entity).where(Entity.key == key)).one()
        return entity.state, entity.missing_since, entity.missing_count


def test_a_missing_entity_seen_again_records_nothing(archive):
    crawl(archive, delegation("RU", RU_2025, T0), delegation("KG", KG, T0))
    crawl(archive, delegation("RU", RU_2025, T0 + timedelta(days=1)))
    assert missing_of(archive, "pacsto/en/delegation/KG") == ("present", T0 + timedelta(days=1), 1)
    later = T0 + timedelta(days=2)
    summary = crawl(archive, delegation("RU", RU_2025, later), delegation("KG", KG, later))
    assert summary.stats["history/returned"] == 1
    assert missing_of(archive, "pacsto/en/delegation/KG") == ("present", None, 0)
    crawl(archive, delegation("RU", RU_2025, T0 + timedelta(days=3)))
    assert list_changes(archive) == [], "the count starts again: consecutive observations only"


def test_a_re_read_of_the_same_observation_counts_once(archive):
    crawl(archive, delegation("RU", RU_2025, T0), delegation("KG", KG, T0))
    crawl(archive, delegation("RU", RU_2025, T0 + timedelta(days=1)))
    crawl(archive, delegation("RU", RU_2025, T0 + timedelta(days=1)))  # a reparse, say
    assert list_changes(archive) == []
    assert missing_of(archive, "pacsto/en/delegation/KG")[2] == 1


def test_the_confirmation_count_is_a_setting(sqlite_url, monkeypatch):
    once = Archive(sqlite_url, removal_confirmations=1)
    crawl(once, delegation("RU", RU_2025, T0), delegation("KG", KG, T0))
    summary = crawl(once, delegation("RU", RU_2025, T0 + timedelta(days=1)))
    assert [(c.change, c.crawl) for c in list_changes(once)] == [("removed", summary.crawl_id)]
    monkeypatch.setenv("PARLWATCH_REMOVAL_CONFIRMATIONS", "3")
    assert Archive(sqlite_url).removal_confirmations == 3
    monkeypatch.setenv("PARLWATCH_REMOVAL_CONFIRMATIONS", "zero")
    with pytest.raises(ValueError, match="PARLWATCH_REMOVAL_CONFIRMATIONS must be"):
        Archive(sqlite_url)


def test_gone_marks_a_removal(archive):
    news = Observation(
        key="pacsto/en/news/events/a",
        type="news",
        scope="pacsto/en/news",
        site="pacsto",
        content={"title": "A"},
        observed_at=T0,
        language="en",
    )
    crawl(archive, news)
    crawl_id = archive.start_crawl("pacsto")
    batch = ObservationBatch()
    batch.mark_gone(news.key, T0 + timedelta(days=1), None)
    archive.finish_crawl(crawl_id, FINISHED, batch)
    (change,) = list_changes(archive)
    assert (change.change, change.category, change.old) == ("removed", "text", {"title": "A"})


def test_identical_bodies_are_stored_once(archive):
    crawl_id = archive.start_crawl("pacsto")
    for status, body in ((200, b"<html>same</html>"), (200, b"<html>same</html>"), (503, b"down")):
        archive.record_capture(
            crawl_id,
            CaptureRecord(
                url="http://example.org/",
                fetched_at=T0,
                status=status,
                body=body,
                headers={"ETag": '"x"', "Content-Type": "text/html"},
            ),
        )
    archive.record_capture(
        crawl_id,
        CaptureRecord(url="http://example.org/", fetched_at=T0, status=None, error="timeout"),
    )
    counts = count_rows(archive)
    assert counts["captures"] == 4
    assert counts["blobs"] == 2
    with archive.session() as session:
        assert session.scalar(select(func.sum(Blob.size))) == len(b"<html>same</html>") + 4


def test_stale_running_crawls_become_interrupted(archive):
    archive.start_crawl("pacsto")
    assert archive.mark_stale_crawls("pacsto") == 1
    with archive.session() as session:
        assert session.scalars(select(Crawl.status)).all() == [INTERRUPTED]


def test_finishing_as_running_is_refused(archive):
    crawl_id = archive.start_crawl("pacsto")
    with pytest.raises(ValueError):
        archive.finish_crawl(crawl_id, "running")


def test_chambers_renamed_and_recounted_are_paired_field_by_field():
    from store.diff import diff_versions

    old = {
        "chambers": [
            {"count": 10, "member_title": "депутатов", "member_role": "deputy", "chamber": "Думы"},
            {"count": 12, "member_title": "членов", "member_role": "member", "chamber": "Совета"},
        ]
    }
    new = {
        "chambers": [
            {"count": 12, "member_title": "сенаторами", "member_role": "senator", "chamber": None},
            {"count": 10, "member_title": "депутатами", "member_role": "deputy", "chamber": "Думы"},
        ]
    }
    got = {(c.field, c.old, c.new) for c in diff_versions(old, new, "delegation")}
    assert got == {
        ("chambers[0].member_title", "депутатов", "депутатами"),
        ("chambers[1].member_title", "членов", "сенаторами"),
        ("chambers[1].member_role", "member", "senator"),
        ("chambers[1].chamber", "Совета", None),
    }


def test_a_removed_list_item_is_reported_as_removed():
    from store.diff import diff_versions

    old = {"items": [{"name": "A", "role": "x"}, {"name": "B", "role": "y"}]}
    new = {"items": [{"name": "A", "role": "x"}]}
    (change,) = diff_versions(old, new)
    assert (change.change, change.old) == ("removed", {"name": "B", "role": "y"})


def test_two_parts_of_one_fact_that_disagree_are_recorded_not_merged():
    block = delegation("TJ", {"seats": 12}, T0 + timedelta(minutes=5))
    block.part = "block"
    page = delegation("TJ", {"seats": 11}, T0 + timedelta(minutes=9))
    page.part = "country-page"
    batch = ObservationBatch()
    batch.add(page)
    batch.add(block)
    assert batch.observations[block.key].content == {"seats": 12}, "the block wins the version"
    assert batch.disagreements == {
        block.key: {"block": {"seats": 12}, "country-page": {"seats": 11}}
    }
    agreeing = delegation("TJ", {"seats": 12}, T0 + timedelta(minutes=10))
    agreeing.part = "country-page"
    batch.add(agreeing)
    assert batch.disagreements == {}, "a later agreeing observation closes the disagreement"
    assert batch.conflicts == 0, "parts disagreeing are not pages disagreeing"


def test_an_edit_of_several_fields_is_one_transition(archive):
    crawl(archive, delegation("RU", RU_2025, T0), delegation("KG", KG, T0))
    crawl(
        archive,
        delegation("RU", RU_2026, T0 + timedelta(days=1)),
        delegation("KG", KG, T0 + timedelta(days=1)),
    )
    rows = list_changes(archive)
    assert len(rows) > 1 and len({row.transition for row in rows}) == 1
    with archive.session() as session:
        (stored,) = session.scalars(select(Transition))
        assert stored.change == "modified"
        assert {c.field for c in stored.fields} == {row.field for row in rows}
        assert stored.previous_version_id != stored.version_id
    (change,) = change_sets(archive)
    assert change.id == stored.id and len(change.fields) == len(rows)
    assert change.old_record.seats == change.new_record.seats == 22
    assert change.new_record.chambers[1].member_title == "senators"
    assert change.pairs is change.pairs, "paired once, for the rules and the words alike"
    verdict = change.significance(default_synonyms())
    assert verdict.level == "wording" and "Federation Council" in verdict.why


def test_a_report_reads_the_changes_from_their_index_in_its_order(archive):
    """The report's read of the changes comes from ``ix_change_transition_fields``, in its
    order: on SQLite the table row (and the two texts before the category) is read only for a
    change deeper in a record, and nothing is sorted (migration 0012)."""
    from sqlalchemy import event, inspect

    crawl(archive, delegation("RU", RU_2025, T0))
    crawl(archive, delegation("RU", RU_2026, T0 + timedelta(days=1)))
    indexes = {i["name"]: i["column_names"] for i in inspect(archive.engine).get_indexes("change")}
    assert indexes["ix_change_transition_fields"] == [
        "transition_id", "field", "id", "change", "category",
    ]  # fmt: skip
    assert "ix_change_transition_id" not in indexes
    stored = len(list_changes(archive))
    statements = []  # (SQL, parameters) of each statement change_sets runs
    event.listen(archive.engine, "before_cursor_execute", lambda *a: statements.append(a[2:4]))
    (change,) = change_sets(archive)
    assert len(change.fields) == stored > 1
    if archive.engine.dialect.name != "sqlite":
        return
    (read,) = [(sql, args) for sql, args in statements if "FROM change" in sql]
    with archive.engine.connect() as connection:
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + read[0], read[1]).all()
    steps = " / ".join(row[-1] for row in plan)
    assert "ix_change_transition_fields" in steps and "TEMP B-TREE" not in steps, steps


def test_appearing_and_going_are_transitions_of_their_own(archive):
    crawl(archive, delegation("RU", RU_2025, T0))
    crawl(archive, delegation("RU", RU_2025, T0 + timedelta(days=1)), delegation("KG", KG, T0))
    crawl(archive, delegation("KG", KG, T0 + timedelta(days=2)))
    crawl(archive, delegation("KG", KG, T0 + timedelta(days=3)))
    kinds = [(c.entity, c.change, [f.field for f in c.fields]) for c in change_sets(archive)]
    assert kinds == [
        ("pacsto/en/delegation/KG", "added", [""]),
        ("pacsto/en/delegation/RU", "removed", [""]),
    ]
    rows = list_changes(archive)
    assert [row.transition for row in rows] == [c.id for c in change_sets(archive)]
