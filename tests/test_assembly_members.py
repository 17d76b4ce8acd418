"""End to end: the assembly's own member lists (pacsto country pages) over HTTP.

The pacsto replica goes 2026 -> 2026-06 (the Russian edition replaces a member and changes a
post) -> 2026-09 (the English edition catches up) -> maintenance -> 2026-09 -> 2026-12 (the
English Kyrgyz country page says 5 deputies, the block 6) -> 2026-09. The national
replicas stay at 2026 beside it, for the assembly-vs-national checks (the ``members`` history of
tests/replica_histories.py). ``countries.json`` in the replica says what the country pages show.
"""

from __future__ import annotations

import json
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from crawler.names import person_key
from crawler.registry import national_sites
from reports.checks import ChamberRule, run_checks
from store.queries import current_states, list_changes, list_crawls
from store.tenures import member_tenures

pytestmark = pytest.mark.e2e

MANIFEST = json.loads(
    (Path(__file__).resolve().parents[1] / "replica/sites/pacsto/countries.json").read_text(
        encoding="utf-8"
    )
)
EVENTS = MANIFEST["events"]


def rules() -> list[ChamberRule]:
    return [ChamberRule(s.id, s.country, s.assembly_match) for s in national_sites().values()]


@pytest.fixture(scope="module")
def history(replica_histories):
    """The ``members`` history (tests/replica_histories.py), with the checks after each step."""
    built = replica_histories.get("members")
    archive = built.archive()
    crawls = {c.id: c for c in list_crawls(archive)}
    runs = [
        {
            "step": step["versions"]["pacsto"],
            "done": CompletedProcess([], step["exit"], step["stdout"], step["stderr"]),
            "crawl": crawls[step["crawls"]["pacsto"]],
            "checks": run_checks(built.at(number), rules()),
        }
        for number, step in enumerate(built.steps)
    ]
    return archive, runs


def members_of(archive, country, language):
    return {
        s.content["name"]
        for s in current_states(archive, "member", site="pacsto", country=country)
        if s.language == language
    }


def test_country_pages_give_the_manifest_members(history):
    archive, runs = history
    assert runs[0]["crawl"].status == "finished", runs[0]["done"].stdout
    expected = MANIFEST["versions"]["2026-09"]
    for language, countries in expected.items():
        for country, page in countries.items():
            assert members_of(archive, country, language) == {m["name"] for m in page["members"]}


def test_member_replaced_ends_one_tenure_and_starts_one_in_each_language(history):
    archive, runs = history
    event = EVENTS["member_replaced"]
    tenures = member_tenures(archive, country=event["country"], source="pacsto")
    for language, step in (("ru", 1), ("en", 2)):
        names = event[language]
        (gone,) = [t for t in tenures if t.language == language and t.name == names["old"]]
        (came,) = [t for t in tenures if t.language == language and t.name == names["new"]]
        assert gone.start is None and gone.end is not None
        assert came.end is None and came.start is not None
        changes = list_changes(archive, crawl_id=runs[step]["crawl"].id)
        members = {(c.change, c.language) for c in changes if c.type == "member" and c.field == ""}
        assert members == {("removed", language), ("added", language)}


def test_the_new_member_is_one_person_across_languages(history):
    event = EVENTS["member_replaced"]
    assert person_key(event["ru"]["new"]) == person_key(event["en"]["new"])
    assert person_key(event["ru"]["old"]) == person_key(event["en"]["old"])


def test_post_change_is_a_person_change_on_the_member(history):
    archive, runs = history
    event = EVENTS["post_changed"]
    for language, step in (("ru", 1), ("en", 2)):
        changes = list_changes(archive, crawl_id=runs[step]["crawl"].id)
        posts = [c for c in changes if c.type == "member" and c.field == "post"]
        assert [(c.old, c.new, c.category) for c in posts] == [
            (event[language]["old"], event[language]["new"], "person")
        ]


def test_languages_disagree_while_only_russian_is_updated(history):
    _archive, runs = history
    country = EVENTS["member_replaced"]["country"]

    def language_findings(run):
        return [f for f in run["checks"] if f.kind == "language-lists" and f.country == country]

    assert language_findings(runs[0]) == []
    (open_finding,) = language_findings(runs[1])
    assert EVENTS["member_replaced"]["ru"]["new"] in open_finding.values["pacsto/ru only"]
    assert open_finding.since is not None
    # the English edition caught up: its old member is missing (the removal not confirmed yet),
    # so the lists the two editions show agree, and the finding closes
    assert language_findings(runs[2]) == []
    assert runs[3]["crawl"].status == "failed" and runs[4]["step"] == "2026-09"
    assert language_findings(runs[4]) == []


def test_short_list_is_flagged(history):
    _archive, runs = history
    short = EVENTS["short_list"]
    findings = [
        f
        for f in runs[-1]["checks"]
        if f.kind == "seats-vs-names" and f.country == short["country"]
    ]
    assert {f.values[next(k for k in f.values if k.endswith("names"))] for f in findings} == {
        short["names"]
    }


def test_maintenance_ends_no_tenure(history):
    archive, runs = history
    assert runs[3]["crawl"].status == "failed"
    assert list_changes(archive, crawl_id=runs[3]["crawl"].id) == []
    assert list_changes(archive, crawl_id=runs[4]["crawl"].id) == []
    ended = [t for t in member_tenures(archive, source="pacsto") if t.end is not None]
    assert len(ended) == 2, "only the replaced member, once per language"


def test_block_and_country_page_disagreeing_is_reported_not_merged(history):
    archive, runs = history

    def findings(run):
        return [f for f in run["checks"] if f.kind == "block-vs-country-page"]

    assert findings(runs[4]) == []
    (finding,) = findings(runs[5])
    assert (finding.country, finding.values) == ("KG", {"block": 6, "country-page": 5})
    assert "pacsto/en/delegation/KG" in finding.subject
    assert list_changes(archive, crawl_id=runs[5]["crawl"].id) == [], "the block's version stays"
    kg = current_states(archive, "delegation", site="pacsto", country="KG")
    assert {s.language: s.content["seats"] for s in kg} == {"en": 6, "ru": 6}
    assert findings(runs[6]) == [], "closed when the page agrees again"
