"""``parlwatch report`` on real histories: the real spider crawls the pacsto replica over HTTP.

Histories (tests/replica_histories.py: ``seats``, ``flip`` and ``council``):
- ``main``: 2024, 2025, an outage (a failed crawl), 2026: the Kyrgyz seat count (7 -> 6) and the
  website addresses in 2025, the Russian senators' wording in 2026;
- ``flip``: 2025, 2026, 2025 again: the Russian wording changes and changes back;
- ``national``: the assembly at 2026, then the Federation Council's site at 2025 and 2026 (twice:
  a removal needs two complete crawls).
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from reports.render_data import render
from reports.report import Options, build_report
from store.archive import Archive
from store.queries import list_crawls

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
RU_EN = "pacsto/en/delegation/RU"
KG_EN = "pacsto/en/delegation/KG"


@pytest.fixture(scope="module")
def histories(replica_histories):
    names = {"main": "seats", "flip": "flip", "national": "council"}
    with ThreadPoolExecutor(max_workers=3) as pool:  # different families build side by side
        done = dict(zip(names, pool.map(replica_histories.get, names.values()), strict=True))
    exits = {name: [step["exit"] for step in history.steps] for name, history in done.items()}
    assert exits["main"] == [0, 0, 1, 0], "2024, 2025, 2026 finish; the outage fails"
    assert exits["flip"] == [0, 0, 0] and exits["national"] == [0, 0, 0, 0]
    return {name: history.archive() for name, history in done.items()}


@pytest.fixture(scope="module")
def main(histories):
    return histories["main"]


@pytest.fixture(scope="module")
def full(main):
    """The report of the whole main history, with the disagreements section enabled."""
    return build_report(main, Options(), rules=[])


def crawl_ids(archive: Archive) -> list[int]:
    return [c.id for c in reversed(list_crawls(archive))]


def items_for(report, entity: str):
    return [item for item in report.items if item.entity == entity]


# -- statements and significance ---------------------------------------------------------------


def test_seed_change_reads_as_wording_with_seats_unchanged(full):
    [item] = items_for(full, RU_EN)
    assert item.significance == "wording"
    assert item.group_title == "Russian Federation delegation (en)"
    assert (
        "wording changed — '12 members of the Federation Council of the Russian Federation'"
        " -> '12 senators of the Russian Federation'" in item.statement
    )
    assert "'consists of' -> 'is represented by'" in item.statement
    assert item.statement.endswith("seats unchanged (22)")
    assert "same count (12) and same body (Federation Council)" in item.why
    assert "senators" in item.why and "2020" in item.why

    [ru] = items_for(full, "pacsto/ru/delegation/RU")
    assert ru.significance == "wording"
    assert (
        "'12 членов Совета Федерации Федерального Собрания Российской Федерации'"
        " -> '12 сенаторами Российской Федерации'" in ru.statement
    )
    assert {f["field"] for f in ru.fields} >= {"chambers[1].member_title", "wording", "text"}


def test_kyrgyz_seat_count_is_substantive_with_its_delta(main, full):
    for entity in (KG_EN, "pacsto/ru/delegation/KG"):
        [item] = items_for(full, entity)
        assert item.significance == "substantive"
        assert item.statement == "7 -> 6 deputies, \u22121"
        assert "seat count changed (7 -> 6, \u22121)" in item.why
        assert (item.seats_before, item.seats_after, item.to_dict()["seats_delta"]) == (7, 6, -1)
        assert item.crawls == [crawl_ids(main)[1]]  # the 2025 crawl


def test_link_changes_are_minor_and_say_what_changed(full):
    websites = [item for item in full.items if item.type == "website"]
    assert len(websites) == 6  # 3 lines x 2 languages gained their addresses in 2025
    assert {item.significance for item in websites} == {"minor"}
    kg = [i for i in websites if i.entity.startswith("pacsto/en/website/KG/")]
    assert kg[0].statement == "address added: http://www.kenesh.kg/"
    assert kg[0].why == "a link changed; the text did not"


def test_news_published_and_withdrawn(full):
    news = [item for item in full.items if item.type == "news" and item.language == "en"]
    withdrawn = [i for i in news if i.change == "removed"]
    # the ordinary flow of a site is its own low level, below a reworded delegation
    assert len(withdrawn) == 1 and withdrawn[0].significance == "routine"
    assert {i.significance for i in news if i.change == "added"} == {"routine"}
    assert (
        "withdrawn: 'CSTO PA Council Approved the Plan of Events for 2025'"
        in withdrawn[0].statement
    )
    assert withdrawn[0].after is not None and withdrawn[0].after.status == 404
    assert len([i for i in news if i.change == "added"]) == 4


# -- summary, grouping, filters ----------------------------------------------------------------


def test_summary_counts_crawls_and_the_failed_crawl(main, full):
    ids = crawl_ids(main)
    summary = full.summary()
    assert [c["id"] for c in summary["crawls_with_changes"]] == [ids[1], ids[3]]
    assert summary["by_significance"]["wording"] == 2
    assert summary["by_category"]["seats"] == 2 and summary["by_category"]["link"] == 6
    assert summary["changes"] == len(full.items) == sum(summary["by_significance"].values())
    [failed] = summary["failed_crawls"]
    assert failed["id"] == ids[2] and failed["status"] == "failed" and "503" in failed["reason"]
    assert summary["coverage"]["pacsto"] == {
        "finished": 3,
        "partial": 0,
        "failed": 1,
        "last": list_crawls(main, last=1)[0].finished,
    }


def test_a_period_with_only_a_failed_crawl_says_not_checked(main):
    crawls = list(reversed(list_crawls(main)))
    since = _parse(crawls[2].started)
    until = _parse(crawls[3].started)
    report = build_report(main, Options(since=since, until=until))
    assert report.items == []
    md = render(report, "md")
    assert "No changes in this period." in md
    assert "**1 FAILED**" in md and "not checked in this period" in md


def _parse(iso: str):
    from datetime import datetime

    return datetime.fromisoformat(iso.rstrip("Z"))


def test_grouped_by_country_then_entity_newest_first(full):
    names = [name for _code, name, _groups in full.countries()]
    assert names == [
        "Kyrgyz Republic",
        "Republic of Belarus",
        "Russian Federation",
        "CSTO Parliamentary Assembly (no country)",
    ]
    kyrgyz = full.countries()[0][2]
    assert [title for _g, title, _i in kyrgyz][:2] == [
        "Kyrgyz Republic delegation (en)",
        "Kyrgyz Republic delegation (ru)",
    ]
    news = full.countries()[-1][2]
    times = [items[0].detected_at for _g, _t, items in news]
    assert times == sorted(times, reverse=True)


def test_filters_since_country_type_and_significance(main, full):
    ids = crawl_ids(main)
    started = _parse(list(reversed(list_crawls(main)))[3].started)
    later = build_report(main, Options(since=started))
    assert {n for item in later.items for n in item.crawls} == {ids[3]}
    only = build_report(main, Options(countries=["kg"], types=["delegation"]))
    assert {item.entity for item in only.items} == {KG_EN, "pacsto/ru/delegation/KG"}
    top = build_report(main, Options(min_significance="wording"))
    assert {item.significance for item in top.items} == {"substantive", "wording"}
    # hidden: 6 minor changes and 10 routine news items
    assert top.hidden == 16 and len(top.items) + top.hidden == len(full.items)


# -- net mode ----------------------------------------------------------------------------------


def test_net_mode_lists_a_flip_flop_instead_of_two_changes(histories):
    archive = histories["flip"]
    plain = build_report(archive, Options())
    assert len(items_for(plain, RU_EN)) == 2  # 2025 -> 2026, then back
    net = build_report(archive, Options(net=True))
    assert items_for(net, RU_EN) == []
    flips = {flip.entity: flip for flip in net.flips}
    assert flips[RU_EN].steps == 2 and len(flips[RU_EN].crawls) == 2
    assert net.items == [], "everything that changed in 2026 changed back"
    md = render(net, "md")
    assert "## Flip-flops (no net change)" in md
    assert re.search(r"- Russian Federation delegation \(en\): 2 changes in crawls \d+, \d+", md)
    assert json.loads(render(net, "json"))["summary"]["flip_flops"] == len(net.flips) == 6


# -- national sites: member lists, their news, disagreements ----------------------------------


def test_national_member_changes_news_and_disagreements(histories):
    from crawler.registry import national_sites
    from reports.checks import ChamberRule

    registry = national_sites()
    rules = [ChamberRule(s.id, s.country, s.assembly_match) for s in registry.values()]
    info = {s.id: (s.country, s.name) for s in registry.values()}
    report = build_report(histories["national"], Options(countries=["RU"], site_info=info), rules)
    members = [item for item in report.items if item.type == "member"]
    assert members and {item.significance for item in members} == {"substantive"}
    heading = "Federation Council of the Federal Assembly of the Russian Federation member list"
    assert {item.group_title for item in members} == {f"{heading} (council_ru, ru)"}
    assert {item.statement.split(":")[0] for item in members} == {"now listed", "no longer listed"}
    news = [item for item in report.items if item.type == "news"]
    assert news and {item.country for item in news} == {"RU"}, "national news: the site's country"
    [finding] = [f for f in report.findings if "seats stated by the assembly" in f.subject]
    assert finding.values == {"pacsto/en": 12, "pacsto/ru": 12, "council_ru/ru": 11}
    md = render(report, "md")
    section = md[md.index("## Cross-source disagreements") : md.index("## Seats per delegation")]
    assert "council\\_ru: seats stated by the assembly vs names listed" in section
    assert "pacsto/en says 12; pacsto/ru says 12; council\\_ru/ru says 11." in section
    assert "[]" not in section and "= " not in section  # sentences, not Python values
    open_count = int(md.split("Cross-source disagreements open: ", 1)[1].split()[0])
    assert open_count == section.count("\n- "), "the summary counts the section's findings"
    assert open_count >= 1
    html = render(report, "html")
    assert "council_ru/ru says 11." in html


# -- the field values a report reads ----------------------------------------------------------


def test_field_values_taken_from_versions_equal_the_stored_changes(histories):
    """A report takes a top-level field's values (an article's text) from the two versions
    instead of reading them again from ``change``; they must be exactly what was stored."""
    from sqlalchemy import select

    from store.models import Change
    from store.report_queries import change_sets

    kinds = set()
    for archive in histories.values():
        with archive.session() as session:
            stored = {
                (c.transition_id, c.field, c.change): (c.old, c.new)
                for c in session.scalars(select(Change))
            }
        read = {
            (t.id, f.field, f.change): (f.old, f.new)
            for t in change_sets(archive)
            for f in t.fields
        }
        assert read == stored
        kinds |= {("nested" if "." in field or "[" in field else field or "whole", change)
                  for _id, field, change in stored}  # fmt: skip
    assert {("whole", "added"), ("whole", "removed"), ("nested", "modified")} <= kinds
    assert any(field not in ("whole", "nested") for field, _change in kinds), "a top-level field"


def test_versions_are_read_once_each_as_their_records(histories):
    """A version is its type's record from the start, made once however many transitions hold
    it: a transition's ``old_record`` is its ``old``, the new version of one edit the old one of
    the next. Its content is the stored content; field values given out are plain JSON."""
    from store.models import Version
    from store.report_queries import change_sets

    shared = 0
    for archive in histories.values():
        records: dict[int, object] = {}
        with archive.session() as session:
            for t in change_sets(archive):
                sides = (
                    (t.previous_version, t.old, t.old_record),
                    (t.version, t.new, t.new_record),
                )
                for version, content, record in sides:
                    if version is None:
                        continue
                    assert record is content and type(record) is t.home.record
                    assert record == session.get(Version, version).content
                    if version in records:
                        assert records[version] is record
                        shared += 1
                    records[version] = record
                for f in t.fields:
                    for value in (f.old, f.new):
                        assert not isinstance(value, dict) or type(value) is dict
    assert shared, "no version was held by two transitions"
