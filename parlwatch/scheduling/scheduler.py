"""The scheduler loop: start due crawls, one child process each, one crawl per site at a time.

Every ``poll`` seconds it reaps finished children (logging each crawl's outcome, warning about
sharp drops, notifying targets), beats the heartbeat of its locks, claims due schedules and
starts their crawls. A schedule that came due several times while no scheduler ran is run once
(its missed slots are collapsed and counted in the log), then moved to its next slot after now.

On SIGTERM or SIGINT it stops claiming, forwards SIGTERM to its children, waits for them (they
close as ``interrupted``), kills those that outlive ``stop_timeout``, marks their crawls
``interrupted``, releases its locks and returns.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from crawler.monitoring import drop_warning
from crawler.stale import stale_warning
from parlwatch.scheduling.rules import Rule
from parlwatch.scheduling.runs import CrawlProcess, Job, launch_crawl, outcome_line
from store import schedules as store
from store.archive import APPLIED, FINISHED, Archive, pid_alive, utcnow
from store.crawl_history import (
    CrawlInfo,
    crawls_after,
    last_crawl_id,
    mark_interrupted,
    ran_in,
)
from store.db import resolve_db_url
from store.wording import plural

log = logging.getLogger("parlwatch.scheduler")


@dataclass
class Running:
    job: Job
    process: CrawlProcess
    before_id: int  # crawls of this run have higher ids
    started: float  # time.monotonic()
    terminated: float | None = None


class Scheduler:
    """Runs due schedules of one archive until asked to stop."""

    def __init__(
        self,
        db_url: str | None = None,
        *,
        poll: float = 5.0,
        max_parallel: int = 2,
        lock_ttl: float = 300.0,
        stop_timeout: float = 60.0,
        crawl_timeout: float = 6 * 3600.0,
        launcher: Callable[[Job, str], CrawlProcess] = launch_crawl,
        notifier: Callable[[Archive, int], object] | None = None,
    ) -> None:
        self.db_url = resolve_db_url(db_url)
        self.archive = Archive(self.db_url)
        self.poll, self.max_parallel = poll, max_parallel
        self.lock_ttl, self.stop_timeout, self.crawl_timeout = lock_ttl, stop_timeout, crawl_timeout
        self.launcher = launcher
        if notifier is None:
            from parlwatch.notify import notify_crawl

            notifier = notify_crawl
        self.notifier = notifier
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.running: dict[str, Running] = {}
        self.pending: list[Job] = []
        self.stopping = threading.Event()
        self._notifications = ThreadPoolExecutor(max_workers=2, thread_name_prefix="notify")
        self._last_beat = 0.0
        self._broken: set[int] = set()  # schedules whose rule no longer parses, logged once

    # -- the loop ----------------------------------------------------------------------------

    def run(self, install_signals: bool = True) -> None:
        if install_signals:
            signal.signal(signal.SIGTERM, self.request_stop)
            signal.signal(signal.SIGINT, self.request_stop)
        log.info("scheduler %s started on %s", self.holder, self.archive.engine.url)
        for crawl_id in self.archive.close_dead_crawls():
            log.warning("crawl %s: its process died; closed as abandoned", crawl_id)
        for schedule in store.list_schedules(self.archive, enabled_only=True):
            log.info(
                "schedule %s: %s, next run %s",
                schedule.id,
                " ".join(schedule.sites),
                _iso(schedule.next_run_at),
            )
        while not self.stopping.is_set():
            try:
                self.tick()
            except Exception:  # a database hiccup must not end a long-running scheduler
                log.exception("scheduler tick failed; trying again in %ss", self.poll)
            self.stopping.wait(self.poll)
        self.shutdown()

    def request_stop(self, signum: int | None = None, _frame: object = None) -> None:
        if not self.stopping.is_set():
            name = signal.Signals(signum).name if signum else "request"
            log.info("stopping (%s): no new crawls; %d running", name, len(self.running))
        self.stopping.set()

    def tick(self) -> None:
        self.reap()
        if time.monotonic() - self._last_beat > self.lock_ttl / 3:
            store.heartbeat(self.archive, self.holder, self.lock_ttl)
            self._last_beat = time.monotonic()
        self.enforce_timeouts()
        if not self.stopping.is_set():
            self.claim_due()
            self.start_pending()

    # -- due schedules -----------------------------------------------------------------------

    def claim_due(self) -> None:
        now = utcnow()
        for schedule in store.list_schedules(self.archive, enabled_only=True):
            due = schedule.next_run_at
            if due is not None and due > now:
                continue
            try:
                rule = Rule.from_schedule(schedule)
            except ValueError as exc:
                if schedule.id not in self._broken:
                    log.error("schedule %s cannot run: %s", schedule.id, exc)
                    self._broken.add(schedule.id)
                continue
            now_utc = now.replace(tzinfo=UTC)
            following = _naive(rule.next_after(now_utc))
            if due is None:  # never planned (e.g. written by hand): plan it, run it then
                store.claim_run(
                    self.archive, schedule.id, due, _naive(rule.first_run(now_utc)), now
                )
                continue
            if not store.claim_run(self.archive, schedule.id, due, following, now):
                continue  # another scheduler on this archive took it
            missed = rule.slots_between(due.replace(tzinfo=UTC), now_utc)
            catch_up = (
                f"; {missed} slots missed since {_iso(due)}, running once" if missed > 1 else ""
            )
            log.info(
                "schedule %s due at %s: %s%s; next run %s",
                schedule.id,
                _iso(due),
                " ".join(schedule.sites),
                catch_up,
                _iso(following),
            )
            for site in schedule.sites:
                self.enqueue(
                    Job(
                        site,
                        schedule.id,
                        (schedule.base_urls or {}).get(site),
                        schedule.languages,
                        tuple((schedule.settings or {}).items()),
                    )
                )

    def enqueue(self, job: Job) -> None:
        if job.site in self.running:
            self._skip(job, f"still crawling it (pid {self.running[job.site].process.pid})")
        elif any(p.site == job.site for p in self.pending):
            self._skip(job, "already waiting to start")
        else:
            self.pending.append(job)

    def start_pending(self) -> None:
        while self.pending and len(self.running) < self.max_parallel:
            job = self.pending.pop(0)
            for stale in store.expire_locks(self.archive, job.site):
                marked = self._mark_stale_crawls(job.site)
                log.warning(
                    "%s: lock of %s expired at %s; %s marked interrupted",
                    job.site,
                    stale.holder,
                    _iso(stale.expires_at),
                    plural(marked, "crawl"),
                )
            note = f"schedule {job.schedule_id}" if job.schedule_id else None
            if not store.acquire_lock(self.archive, job.site, self.holder, self.lock_ttl, note):
                holder = next(
                    (k for k in store.list_locks(self.archive) if k.site == job.site), None
                )
                who = f"{holder.holder} since {_iso(holder.acquired_at)}" if holder else "another"
                self._skip(job, f"being crawled by {who}")
                continue
            before = last_crawl_id(self.archive)
            try:
                process = self.launcher(job, self.db_url)
            except Exception:
                store.release_lock(self.archive, job.site, self.holder)
                log.exception("%s: could not start the crawl", job.site)
                continue
            self.running[job.site] = Running(job, process, before, time.monotonic())
            where = f" at {job.base_url}" if job.base_url else ""
            log.info(
                "%s: crawl started%s (schedule %s, pid %s)",
                job.site,
                where,
                job.schedule_id,
                process.pid,
            )

    def _mark_stale_crawls(self, site: str) -> int:
        """Crawls of ``site`` left running by a dead process become ``interrupted``; one whose
        process still runs on this host (a crawl started by hand, say) is left alone."""
        stale = [
            c.id
            for c in crawls_after(self.archive, site, 0)
            if c.status == "running" and not _alive_here(c)
        ]
        return mark_interrupted(self.archive, stale, "process ended before the crawl closed")

    def _skip(self, job: Job, why: str) -> None:
        log.warning("%s: run of schedule %s skipped: %s", job.site, job.schedule_id, why)
        if job.schedule_id is not None:
            store.record_result(self.archive, job.schedule_id, f"{job.site}: skipped ({why})")

    # -- finished children -------------------------------------------------------------------

    def reap(self) -> None:
        for site, run in list(self.running.items()):
            code = run.process.poll()
            if code is None:
                continue
            del self.running[site]
            self.finish(run, code)

    def finish(self, run: Running, code: int) -> None:
        site, output = run.job.site, run.process.output()
        # only the child's own crawls: one started by hand beside it is none of its business
        pid = run.process.pid
        crawls = [c for c in crawls_after(self.archive, site, run.before_id) if ran_in(c, pid)]
        left = [c.id for c in crawls if c.status == "running"]
        if left:
            mark_interrupted(
                self.archive, left, f"crawl process ended (exit {code}) before closing"
            )
            crawls = [
                c
                for c in crawls_after(self.archive, site, run.before_id)
                if c.id in {k.id for k in crawls}
            ]
        store.release_lock(self.archive, site, self.holder)
        if not crawls:
            tail = "\n".join(output.strip().splitlines()[-15:])
            log.error("%s: crawl did not start (exit %s)\n%s", site, code, tail)
            result = f"{site}: did not start (exit {code})"
        for crawl in crawls:
            result = self.report(crawl, time.monotonic() - run.started)
            if crawl.status in APPLIED:
                self._notifications.submit(self._notify, crawl.id)
        if run.job.schedule_id is not None:
            store.record_result(self.archive, run.job.schedule_id, f"{_iso(utcnow())} {result}")

    def report(self, crawl: CrawlInfo, elapsed: float) -> str:
        text = outcome_line(crawl, elapsed)
        log.log(logging.INFO if crawl.status == FINISHED else logging.WARNING, "%s", text)
        warning = drop_warning(self.archive, crawl)
        if warning:
            log.warning("%s: crawl %s %s", crawl.site, crawl.id, warning)
        stale = stale_warning(crawl.stats)
        if stale:  # as `crawls` and the notifications say it: never a silent "no changes"
            log.warning("%s: crawl %s: %s", crawl.site, crawl.id, stale)
        return text

    def _notify(self, crawl_id: int) -> None:
        try:
            self.notifier(self.archive, crawl_id)
        except Exception:  # notifications never take the scheduler down
            log.exception("notifying about crawl %s failed", crawl_id)

    def enforce_timeouts(self) -> None:
        now = time.monotonic()
        for site, run in self.running.items():
            if run.terminated is None and now - run.started > self.crawl_timeout:
                log.warning("%s: crawl ran over %ss; stopping it", site, self.crawl_timeout)
                run.process.terminate()
                run.terminated = now
            elif run.terminated is not None and now - run.terminated > self.stop_timeout:
                log.warning("%s: crawl did not stop; killing pid %s", site, run.process.pid)
                run.process.kill()

    # -- stopping ----------------------------------------------------------------------------

    def shutdown(self) -> None:
        for site, run in self.running.items():
            log.info("%s: forwarding SIGTERM to pid %s", site, run.process.pid)
            run.process.terminate()
            run.terminated = time.monotonic()
        deadline = time.monotonic() + self.stop_timeout
        while self.running and time.monotonic() < deadline:
            time.sleep(0.1)
            self.reap()
        for run in list(self.running.values()):
            log.warning("%s: still running after %ss; killing it", run.job.site, self.stop_timeout)
            run.process.kill()
        self.reap()
        for job in self.pending:
            log.info("%s: not started (scheduler stopping)", job.site)
        self.pending.clear()
        self._notifications.shutdown(wait=True)
        log.info("scheduler %s stopped", self.holder)


def _alive_here(crawl: CrawlInfo) -> bool:
    """Whether the process ``crawl`` recorded still runs on this host (False when unknown)."""
    if not isinstance(crawl.pid, int) or crawl.host != socket.gethostname():
        return False
    return pid_alive(crawl.pid)


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def _iso(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%SZ") if moment else "-"
