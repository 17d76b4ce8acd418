"""The scheduler's decisions, in process with a fake launcher: locks, overlaps, missed slots.

The real thing (child processes, replicas, SIGTERM) is in ``test_scheduler_e2e.py``.
"""

from __future__ import annotations

import json
import logging
import subprocess
from datetime import timedelta

import click
import pytest
from click.testing import CliRunner

from parlwatch.commands_schedule import crawls, schedule
from parlwatch.scheduling import Job, Scheduler
from store import schedules as store
from store.archive import Archive, utcnow
from store.crawl_history import get_crawl


class FakeCrawl:
    """Stands in for a ``parlwatch crawl`` child: a real process (``sleep``) that lives until
    the crawl ends (its crawl row records that process, as a child's does), and a crawl row
    it opens; ends when told (``code`` set: the process is gone)."""

    def __init__(self, job: Job, db_url: str) -> None:
        self.process = subprocess.Popen(["sleep", "600"])
        self.job, self.pid, self.code = job, self.process.pid, None
        self.archive = Archive(db_url)
        self.crawl_id = self.archive.start_crawl(job.site, {"languages": ["en"]})
        ran_in_process(self.archive, self.crawl_id, self.pid)
        self.terminated = False

    def poll(self):
        if self.code is not None:
            self.end()
        return self.code

    def terminate(self) -> None:
        self.terminated = True

    def kill(self) -> None:
        self.code = -9

    def end(self) -> None:
        self.process.kill()
        self.process.wait()

    def output(self) -> str:
        return "fake crawl output"

    def finish(self, status: str = "finished") -> None:
        self.archive.finish_crawl(self.crawl_id, status, stats={"pages": 3})
        self.code = 0


def ran_in_process(archive: Archive, crawl_id: int, pid: int) -> None:
    """Record that crawl ``crawl_id`` ran in process ``pid`` of this host."""
    from store.models import Crawl

    with archive.sessions.begin() as session:
        session.get(Crawl, crawl_id).pid = pid


@pytest.fixture
def launched():
    crawls = []
    yield crawls
    for crawl in crawls:
        crawl.end()


@pytest.fixture
def make_scheduler(sqlite_url, launched):
    def launcher(job, db_url):
        crawl = FakeCrawl(job, db_url)
        launched.append(crawl)
        return crawl

    def make(**kwargs):
        return Scheduler(sqlite_url, launcher=launcher, notifier=lambda *_: None, **kwargs)

    return make


def add(archive, sites, due_in=timedelta(0), every=3600, **fields):
    now = utcnow()
    return store.add_schedule(
        archive,
        sites=sites,
        every_seconds=every,
        timezone="UTC",
        jitter_seconds=0,
        base_urls={},
        created_at=now - timedelta(days=1),
        next_run_at=now + due_in,
        **fields,
    ).id


def test_two_schedules_for_one_site_start_one_crawl(make_scheduler, launched, caplog):
    scheduler = make_scheduler()
    add(scheduler.archive, ["pacsto", "duma_ru"])
    add(scheduler.archive, ["pacsto"])
    with caplog.at_level(logging.INFO, "parlwatch.scheduler"):
        scheduler.tick()
    assert sorted(c.job.site for c in launched) == ["duma_ru", "pacsto"]
    assert "pacsto: run of schedule 2 skipped: already waiting to start" in caplog.text
    # the next due run of the same site while it is still crawling is skipped too
    add(scheduler.archive, ["pacsto"], due_in=timedelta(seconds=-1))
    scheduler.tick()
    assert len(launched) == 2
    assert "still crawling it" in caplog.text


def test_a_site_locked_by_another_scheduler_is_not_crawled(make_scheduler, launched, caplog):
    first, second = make_scheduler(), make_scheduler()
    add(first.archive, ["pacsto"])
    first.tick()
    assert [c.job.site for c in launched] == ["pacsto"]
    add(second.archive, ["pacsto"], due_in=timedelta(seconds=-5))
    with caplog.at_level(logging.WARNING, "parlwatch.scheduler"):
        second.tick()
    assert len(launched) == 1, "the second scheduler must not start an overlapping crawl"
    assert f"being crawled by {first.holder}" in caplog.text
    # once the first crawl ends, its lock is released and the site can be crawled again
    launched[0].finish()
    first.tick()
    assert store.list_locks(first.archive) == []
    add(second.archive, ["pacsto"], due_in=timedelta(seconds=-5))
    second.tick()
    assert len(launched) == 2


def test_missed_slots_collapse_into_one_run(make_scheduler, launched, caplog):
    scheduler = make_scheduler()
    schedule_id = add(scheduler.archive, ["pacsto"], due_in=timedelta(hours=-5, minutes=-30))
    with caplog.at_level(logging.INFO, "parlwatch.scheduler"):
        scheduler.tick()
        launched[0].finish()
        scheduler.tick()
    assert len(launched) == 1, "five missed hourly slots must give one crawl, not six"
    row = store.get_schedule(scheduler.archive, schedule_id)
    assert utcnow() < row.next_run_at <= utcnow() + timedelta(hours=1)
    assert "6 slots missed" in caplog.text and "running once" in caplog.text
    assert "crawl " in row.last_result and "finished" in row.last_result


def test_an_expired_lock_is_taken_over_and_its_crawl_marked_interrupted(make_scheduler, launched):
    scheduler = make_scheduler()
    archive = scheduler.archive
    orphan = archive.start_crawl("pacsto")
    ran_in_process(archive, orphan, 2**22 + 7)  # a process gone
    assert store.acquire_lock(archive, "pacsto", "dead-host:1:x", ttl=-1)
    add(archive, ["pacsto"])
    scheduler.tick()
    assert [c.job.site for c in launched] == ["pacsto"]
    assert get_crawl(archive, orphan).status == "interrupted"
    assert [lock.holder for lock in store.list_locks(archive)] == [scheduler.holder]


def test_a_child_that_dies_leaves_no_running_crawl(make_scheduler, launched):
    scheduler = make_scheduler()
    add(scheduler.archive, ["pacsto"])
    scheduler.tick()
    launched[0].code = -9  # killed: the crawl row was never closed
    scheduler.tick()
    crawl = get_crawl(scheduler.archive, launched[0].crawl_id)
    assert crawl.status == "interrupted"
    assert "exit -9" in crawl.reason
    assert store.list_locks(scheduler.archive) == []


def test_paused_schedules_do_not_run_and_max_parallel_holds(make_scheduler, launched):
    scheduler = make_scheduler(max_parallel=1)
    paused = add(scheduler.archive, ["kenesh_kg"])
    store.set_enabled(scheduler.archive, paused, False, None)
    add(scheduler.archive, ["pacsto", "duma_ru"])
    scheduler.tick()
    assert [c.job.site for c in launched] == ["pacsto"]
    launched[0].finish()
    scheduler.tick()
    assert [c.job.site for c in launched] == ["pacsto", "duma_ru"]


def test_shutdown_terminates_children_and_releases_locks(make_scheduler, launched):
    scheduler = make_scheduler(stop_timeout=0.3)
    add(scheduler.archive, ["pacsto"])
    scheduler.tick()
    scheduler.request_stop()
    scheduler.shutdown()
    assert launched[0].terminated
    assert get_crawl(scheduler.archive, launched[0].crawl_id).status == "interrupted"
    assert store.list_locks(scheduler.archive) == []


def test_schedule_commands(sqlite_url):
    group = click.Group(commands={"schedule": schedule, "crawls": crawls})
    run = CliRunner().invoke
    added = run(
        group,
        ["schedule", "add", "pacsto", "duma_ru", "--cron", "0 6 * * *", "--timezone",
         "Europe/Moscow", "--window", "05:00-08:00", "--jitter", "10m", "--base-url",
         "pacsto=http://127.0.0.1:9", "--db", sqlite_url],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "schedule 1: pacsto duma_ru" in added.output
    listed = json.loads(
        run(group, ["schedule", "list", "--db", sqlite_url, "--format", "json"]).output
    )
    assert listed[0]["base_urls"] == {"pacsto": "http://127.0.0.1:9"}
    assert listed[0]["state"] == "active" and listed[0]["next_run"].endswith("Z")
    assert run(group, ["schedule", "pause", "1", "--db", sqlite_url]).exit_code == 0
    assert "paused" in run(group, ["schedule", "list", "--db", sqlite_url]).output
    assert "next run" in run(group, ["schedule", "resume", "1", "--db", sqlite_url]).output
    assert run(group, ["schedule", "remove", "1", "--db", sqlite_url]).exit_code == 0
    assert "no schedules" in run(group, ["schedule", "list", "--db", sqlite_url]).output
    bad = run(
        group,
        ["schedule", "add", "pacsto", "--every", "1h", "--cron", "* * * * *", "--db", sqlite_url],
    )
    assert bad.exit_code == 2
    assert (
        run(group, ["schedule", "add", "nosuchsite", "--every", "1h", "--db", sqlite_url]).exit_code
        == 2
    )
    jittery = run(
        group,
        ["schedule", "add", "pacsto", "--every", "1d", "--jitter", "2d", "--db", sqlite_url],
    )
    assert jittery.exit_code == 2 and "--jitter 2d is not smaller" in jittery.output
    assert "no schedules" in run(group, ["schedule", "list", "--db", sqlite_url]).output


def test_locks_claims_and_deliveries_are_atomic_on_every_backend(archive):
    """The same guarantees on SQLite and PostgreSQL (a team's shared archive)."""
    from store.notifications import add_target, claim_delivery

    assert store.acquire_lock(archive, "pacsto", "a", ttl=60)
    assert not store.acquire_lock(archive, "pacsto", "b", ttl=60)
    assert store.heartbeat(archive, "a", ttl=60) == 1
    assert not store.release_lock(archive, "pacsto", "b")
    assert store.release_lock(archive, "pacsto", "a")
    assert store.acquire_lock(archive, "pacsto", "b", ttl=60)
    schedule_id = add(archive, ["pacsto"])
    due = store.get_schedule(archive, schedule_id).next_run_at
    later = due + timedelta(hours=1)
    assert store.claim_run(archive, schedule_id, due, later, utcnow())
    assert not store.claim_run(archive, schedule_id, due, later, utcnow()), "claimed twice"
    crawl_id = archive.start_crawl("pacsto")
    target = add_target(archive, "t", "http://127.0.0.1:9/")
    assert claim_delivery(archive, target.id, crawl_id) is not None
    assert claim_delivery(archive, target.id, crawl_id) is None


def test_a_manual_crawl_beside_the_scheduler_is_never_relabelled(make_scheduler, launched):
    """A crawl started by hand (its own live process) while a scheduled child runs and dies, or
    while the scheduler takes over an expired lock, stays running: it is not the child's."""
    scheduler = make_scheduler()
    archive = scheduler.archive
    add(archive, ["pacsto"])
    scheduler.tick()
    manual = archive.start_crawl("pacsto", {"languages": ["en"]})  # this (live) process's
    launched[0].code = -9
    scheduler.tick()
    assert get_crawl(archive, launched[0].crawl_id).status == "interrupted"
    assert get_crawl(archive, manual).status == "running"
    # a lock left by a dead scheduler is taken over: its orphan goes, the manual crawl stays
    orphan = archive.start_crawl("duma_ru")
    beside = archive.start_crawl("duma_ru")
    ran_in_process(archive, orphan, 2**22 + 7)  # a process gone
    assert store.acquire_lock(archive, "duma_ru", "dead-host:1:x", ttl=-1)
    add(archive, ["duma_ru"], due_in=timedelta(seconds=-1))
    scheduler.tick()
    assert get_crawl(archive, orphan).status == "interrupted"
    assert get_crawl(archive, beside).status == "running"


def test_the_scheduler_log_gives_the_crawls_own_duration(make_scheduler, launched, caplog):
    from parlwatch.commands_crawls import crawls as crawls_command

    scheduler = make_scheduler()
    add(scheduler.archive, ["pacsto"])
    scheduler.tick()
    from store.models import Crawl

    with scheduler.archive.sessions.begin() as session:  # the crawl itself began 42s before
        row = session.get(Crawl, launched[0].crawl_id)
        row.started -= timedelta(seconds=42)
    launched[0].finish()
    with caplog.at_level(logging.INFO, "parlwatch.scheduler"):
        scheduler.tick()
    listed = CliRunner().invoke(crawls_command, ["--db", str(scheduler.db_url), "--format", "json"])
    seconds = json.loads(listed.output)[0]["duration_seconds"]
    crawl = get_crawl(scheduler.archive, launched[0].crawl_id)
    assert f"finished in {crawl.duration:.1f}s" in caplog.text
    assert round(crawl.duration, 1) == seconds and seconds >= 42


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["pacsto", "--every", "1s"], "too frequent for the live site(s) pacsto"),
        (["pacsto", "--cron", "* * * * *"], "runs 1m apart are too frequent"),
        (["pacsto", "--cron", "0 6 30 2 *"], 'cron "0 6 30 2 *" never fires'),
        (
            ["pacsto", "--cron", "0 6 * * *", "--window", "02:00-05:00"],
            "never fires inside the window 02:00-05:00",
        ),
        (
            ["pacsto", "--cron", "* 6 * * *", "--window", "02:00-05:00", "--allow-frequent"],
            "never fires inside the window 02:00-05:00",
        ),
    ],
)
def test_schedules_that_would_hammer_a_site_or_never_run_are_refused(sqlite_url, args, message):
    result = CliRunner().invoke(schedule, ["add", *args, "--db", sqlite_url])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert store.list_schedules(Archive(sqlite_url)) == []


@pytest.mark.parametrize(
    "args",
    [
        ["pacsto", "--every", "1s", "--allow-frequent"],
        ["pacsto", "--every", "1s", "--base-url", "http://127.0.0.1:8000"],
        ["pacsto", "--cron", "0 3 * * *", "--window", "02:00-05:00"],
        ["pacsto", "--every", "1h"],
    ],
)
def test_frequent_runs_on_loopback_or_when_allowed_are_accepted(sqlite_url, args):
    result = CliRunner().invoke(schedule, ["add", *args, "--db", sqlite_url])
    assert result.exit_code == 0, result.output
    assert len(store.list_schedules(Archive(sqlite_url))) == 1


def test_the_log_carries_a_crawls_stale_registry_warning(make_scheduler, caplog):
    from datetime import datetime

    from crawler.stale import STATS_KEY
    from store.crawl_history import CrawlInfo

    sign = {"entry": "duma_ru/ru", "page": "delegation", "path": "/odkb/", "problem": "HTTP 404"}
    crawl = CrawlInfo(
        id=7,
        site="duma_ru",
        status="failed",
        reason="page not usable — delegation ru: HTTP 404",
        started=datetime(2026, 1, 1),
        finished=datetime(2026, 1, 1, 0, 0, 1),
        params={},
        stats={"pages": 6, STATS_KEY: [sign]},
    )
    with caplog.at_level(logging.INFO, "parlwatch.scheduler"):
        make_scheduler().report(crawl, 1.0)
    assert (
        "duma_ru: crawl 7: registry entry looks stale: duma_ru/ru delegation /odkb/" in caplog.text
    )
    assert "`parlwatch discover duma_ru`" in caplog.text


def test_a_schedules_settings_are_stored_listed_and_passed_to_its_crawls(
    sqlite_url, make_scheduler, launched
):
    from parlwatch.scheduling.runs import crawl_command

    group = click.Group(commands={"schedule": schedule})
    run = CliRunner().invoke
    added = run(
        group,
        ["schedule", "add", "pacsto", "--every", "1h", "-s", "DOWNLOAD_DELAY=5"]
        + ["--set", "CONCURRENT_REQUESTS=1", "--db", sqlite_url],
    )
    assert added.exit_code == 0, added.output
    (listed,) = json.loads(
        run(group, ["schedule", "list", "--db", sqlite_url, "--format", "json"]).output
    )
    assert listed["settings"] == {"DOWNLOAD_DELAY": "5", "CONCURRENT_REQUESTS": "1"}
    text = run(group, ["schedule", "list", "--db", sqlite_url]).output
    assert "settings: -s DOWNLOAD_DELAY=5 -s CONCURRENT_REQUESTS=1" in text
    scheduler = make_scheduler()
    scheduler.tick()
    (crawl,) = launched
    assert crawl_command(crawl.job)[-5:] == [
        "pacsto", "-s", "DOWNLOAD_DELAY=5", "-s", "CONCURRENT_REQUESTS=1"
    ]  # fmt: skip
    bad = run(
        group,
        ["schedule", "add", "pacsto", "--every", "1h", "-s", "CONCURRENT_REQUESTS=2.5"]
        + ["--db", sqlite_url],
    )
    assert bad.exit_code == 2 and "CONCURRENT_REQUESTS takes a whole number" in bad.output
    assert len(store.list_schedules(Archive(sqlite_url))) == 1


def test_a_schedule_without_settings_crawls_with_none(make_scheduler, launched):
    from parlwatch.scheduling.runs import crawl_command

    scheduler = make_scheduler()
    add(scheduler.archive, ["pacsto"])
    scheduler.tick()
    assert launched[0].job.settings == ()
    assert crawl_command(launched[0].job)[-2:] == ["crawl", "pacsto"]


@pytest.mark.parametrize("backend", ["sqlite_url", "postgres_url"])
def test_the_schedule_settings_migration_goes_down_and_up(request, backend):
    """Migration 0010 adds schedule.settings; down to 0009 drops it, and up again."""
    from alembic import command
    from sqlalchemy import inspect

    from store.db import alembic_config, make_engine, resolve_db_url

    url = resolve_db_url(request.getfixturevalue(backend))
    archive = Archive(url)
    add(archive, ["pacsto"], settings={"DOWNLOAD_DELAY": "5"})
    archive.engine.dispose()
    engine = make_engine(url)
    for step, to, has in ((command.downgrade, "0009", False), (command.upgrade, "head", True)):
        with engine.begin() as connection:
            step(alembic_config(connection), to)
        columns = {c["name"] for c in inspect(engine).get_columns("schedule")}
        assert ("settings" in columns) is has
    engine.dispose()
    (row,) = store.list_schedules(Archive(url))
    assert row.sites == ["pacsto"] and row.settings is None
