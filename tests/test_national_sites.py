"""End to end for the national parliament sites: every registry site, every version step.

All eight replicas are served at once and crawled together, version by version, by one
``parlwatch crawl`` process per step (as the scheduler would). Each replica's ``expected.json``
manifest says what its pages show; the expected changes are derived from it:
member replaced = one removal + one addition, title corrected = one ``text`` change, withdrawn
= a ``removed`` news item (after a real 404), redesign = nothing at all. The history is the
``national`` one of tests/replica_histories.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from crawler.observations import news_key, person_key
from crawler.registry import national_sites
from reports.checks import ChamberRule, run_checks
from reports.popolo import popolo
from store.queries import current_states, list_changes, list_crawls
from store.tenures import member_tenures

pytestmark = pytest.mark.e2e

SITES = list(national_sites())
REPLICAS = Path(__file__).resolve().parents[1] / "replica" / "sites"


def manifest(site: str) -> dict:
    return json.loads((REPLICAS / site / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def history(replica_histories):
    """The ``national`` history: every site, every version step (tests/replica_histories.py)."""
    built = replica_histories.get("national")
    archive = built.archive()
    crawls = {c.id: c for c in list_crawls(archive)}
    runs = [
        {
            "version": step["versions"][SITES[0]],
            "done": CompletedProcess([], step["exit"], step["stdout"], step["stderr"]),
            "crawls": {site: crawls[crawl_id] for site, crawl_id in step["crawls"].items()},
        }
        for step in built.steps
    ]
    return archive, runs


def changes_of(archive, run, site):
    return list_changes(archive, crawl_id=run["crawls"][site].id)


def expected_published(value: str | None) -> str | None:
    if value and value.startswith("relative:"):
        days = int(value.split(":", 1)[1])
        return (datetime.now(UTC) + timedelta(days=days)).date().isoformat()
    return value


def test_every_site_crawls_and_finishes_on_real_versions(history):
    _archive, runs = history
    for run in runs:
        if run["version"] == "maintenance":
            continue
        assert run["done"].returncode == 0, run["done"].stdout + run["done"].stderr[-3000:]
        assert {site: c.status for site, c in run["crawls"].items()} == dict.fromkeys(
            ["pacsto", *SITES], "finished"
        )


@pytest.mark.parametrize("site", SITES)
def test_baseline_records_match_the_manifest(history, site):
    archive, runs = history
    expected = manifest(site)["versions"]["2025"]
    tenures = member_tenures(archive, source=site)
    baseline = {(t.language, t.name) for t in tenures if t.start is None}
    want = {
        (lang, person["name"]) for lang, people in expected["members"].items() for person in people
    }
    assert baseline == want, f"{site}: members first seen in 2025"
    assert changes_of(archive, runs[0], site) == [], "the first crawl is a baseline"


@pytest.mark.parametrize("site", SITES)
def test_2026_changes_are_exactly_the_manifest_events(history, site):
    archive, runs = history
    data = manifest(site)
    old, new = data["versions"]["2025"], data["versions"]["2026"]
    got = {(c.entity, c.change, c.field) for c in changes_of(archive, runs[1], site)}
    want = set()
    for language in new["members"]:
        before = {p["name"]: p for p in old["members"].get(language, [])}
        after = {p["name"]: p for p in new["members"][language]}
        for name in before.keys() - after.keys():
            want.add((f"{site}/{language}/member/{person_key(name)}", "removed", ""))
        for name in after.keys() - before.keys():
            want.add((f"{site}/{language}/member/{person_key(name)}", "added", ""))
        for name in before.keys() & after.keys():
            if before[name]["role"] != after[name]["role"]:
                want.add((f"{site}/{language}/member/{person_key(name)}", "modified", "role"))
    for language in new["news"]:
        before = {n["path"]: n for n in old["news"].get(language, [])}
        after = {n["path"]: n for n in new["news"][language]}
        key = lambda path, lang=language: news_key(site, lang, "http://x" + path)  # noqa: E731
        for path in before.keys() - after.keys():
            want.add((key(path), "removed", ""))
        for path in after.keys() - before.keys():
            want.add((key(path), "added", ""))
        for path in before.keys() & after.keys():
            if before[path]["title"] != after[path]["title"]:
                want.add((key(path), "modified", "title"))
    assert got == want


@pytest.mark.parametrize("site", SITES)
def test_manifest_events_are_present(history, site):
    """The replica must carry each kind of real-world event the issue lists."""
    events = manifest(site)["events"]
    for kind in ("member_replaced", "member_added", "title_corrected", "withdrawn", "new_news"):
        assert events.get(kind), f"{site} lacks a {kind} event"


@pytest.mark.parametrize("site", SITES)
def test_withdrawn_news_is_removed_only_after_a_404(history, site):
    archive, runs = history
    data = manifest(site)
    old, new = data["versions"]["2025"]["news"], data["versions"]["2026"]["news"]
    withdrawn = {
        (lang, path.rstrip("/"))
        for lang in old
        for path in {n["path"] for n in old[lang]} - {n["path"] for n in new.get(lang, [])}
    }
    assert (data["events"]["withdrawn"]["path"].rstrip("/")) in {p for _, p in withdrawn}
    removed = {
        (c.language, c.entity.split("/news", 1)[1])
        for c in changes_of(archive, runs[1], site)
        if c.change == "removed" and c.type == "news"
    }
    assert removed == withdrawn
    crawl = runs[1]["crawls"][site]
    assert crawl.stats["pages_by_outcome"].get("gone", 0) == len(withdrawn)


@pytest.mark.parametrize("site", SITES)
def test_redesign_changes_nothing(history, site):
    archive, runs = history
    assert changes_of(archive, runs[2], site) == []


@pytest.mark.parametrize("site", SITES)
def test_news_dates_and_titles_match_the_manifest(history, site):
    archive, _runs = history
    expected = manifest(site)["versions"]["2026"]["news"]
    states = {s.key: s.content for s in current_states(archive, "news", site=site)}
    for language, items in expected.items():
        for item in items:
            content = states[news_key(site, language, "http://x" + item["path"])]
            assert content["title"] == item["title"]
            assert content["published"] == expected_published(item["published"]), item["path"]
            if "about_assembly" in item:
                assert content["about_assembly"] == item["about_assembly"], item["path"]


def test_maintenance_fails_every_crawl_and_ends_no_tenure(history):
    archive, runs = history
    maintenance = runs[3]
    assert maintenance["done"].returncode == 1
    assert {c.status for c in maintenance["crawls"].values()} == {"failed"}
    for site in SITES:
        assert changes_of(archive, maintenance, site) == []
        assert changes_of(archive, runs[4], site) == [], "recovery after maintenance is quiet"


@pytest.mark.parametrize("site", SITES)
def test_member_replaced_is_one_tenure_ended_and_one_started(history, site):
    archive, _runs = history
    event = manifest(site)["events"]["member_replaced"]
    tenures = member_tenures(archive, source=site)
    by_name = {t.name: t for t in tenures if t.language == event["lang"]}
    gone, came = by_name[event["old"]], by_name[event["new"]]
    assert gone.end is not None and gone.start is None
    assert came.end is None and came.start is not None
    assert came.start > gone.first_seen


def test_check_reports_the_federation_council_list_one_short(history):
    archive, _runs = history
    rules = [ChamberRule(s.id, s.country, s.assembly_match) for s in national_sites().values()]
    findings = [f for f in run_checks(archive, rules) if f.kind == "assembly-vs-national"]
    assert [(f.country, f.values) for f in findings] == [
        ("RU", {"pacsto/en": 12, "pacsto/ru": 12, "council_ru/ru": 11})
    ]
    (finding,) = findings
    assert finding.since is not None and "council_ru" in finding.subject


def test_popolo_export_keeps_unknown_starts_unknown(history):
    archive, _runs = history
    tenures = member_tenures(archive)
    document = popolo(tenures)
    memberships = document["memberships"]
    assert len(memberships) == len(tenures)
    baseline = [m for m in memberships if "start_date" not in m]
    later = [m for m in memberships if "start_date" in m]
    ended = [m for m in memberships if "end_date" in m]
    assert baseline and later and ended
    person_ids = {p["id"] for p in document["persons"]}
    org_ids = {o["id"] for o in document["organizations"]}
    assert all(
        m["person_id"] in person_ids and m["organization_id"] in org_ids for m in memberships
    )
    assert {o["classification"] for o in document["organizations"]} == {"assembly", "delegation"}


@pytest.mark.parametrize("site", SITES)
def test_unchanged_known_news_is_confirmed_by_304_without_reparsing(history, site):
    archive, runs = history
    last = runs[5]["crawls"][site]
    assert last.status == "finished"
    assert last.stats["scrapy"].get("downloader/response_status_count/304", 0) > 0
    assert changes_of(archive, runs[5], site) == []
    news = current_states(archive, "news", site=site)
    assert news and all(state.since < datetime.now(UTC).replace(tzinfo=None) for state in news)
