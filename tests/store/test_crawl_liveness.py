"""No crawl row stays ``running``: a crawl whose process died is closed as ``abandoned`` by the
next writing command (issue 15, item 6)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta

from store.archive import ABANDONED, RUNNING, Archive, utcnow
from store.models import Crawl


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    return int(done.stdout)


def set_process(archive: Archive, crawl_id: int, **values) -> None:
    with archive.sessions.begin() as session:
        crawl = session.get(Crawl, crawl_id)
        for name, value in values.items():
            setattr(crawl, name, value)


def status_of(archive: Archive, crawl_id: int) -> tuple[str, str | None]:
    with archive.session() as session:
        crawl = session.get(Crawl, crawl_id)
        return crawl.status, crawl.reason


def test_a_crawl_records_its_process_and_heartbeat(archive):
    crawl_id = archive.start_crawl("pacsto")
    with archive.session() as session:
        crawl = session.get(Crawl, crawl_id)
        assert (crawl.host, crawl.pid) == (socket.gethostname(), os.getpid())
        first = crawl.heartbeat_at
    assert first is not None
    assert archive.heartbeat("pacsto") == 1
    assert archive.heartbeat("duma_ru") == 0, "only this process's crawls of that spider"
    with archive.session() as session:
        assert session.get(Crawl, crawl_id).heartbeat_at >= first


def test_a_crawl_whose_process_died_is_abandoned_by_the_next_crawl(archive):
    killed = archive.start_crawl("pacsto")
    set_process(archive, killed, pid=dead_pid())
    alive = archive.start_crawl("duma_ru")  # this process: alive
    assert status_of(archive, killed)[0] == ABANDONED
    assert "ended without closing it" in status_of(archive, killed)[1]
    assert status_of(archive, alive) == (RUNNING, None)


def test_another_hosts_crawl_is_abandoned_only_when_its_heartbeat_is_old(archive):
    fresh = archive.start_crawl("pacsto")
    set_process(archive, fresh, host="elsewhere", pid=1, heartbeat_at=utcnow())
    silent = archive.start_crawl("duma_ru")
    old = utcnow() - timedelta(hours=1)
    set_process(archive, silent, host="elsewhere", pid=1, heartbeat_at=old)
    assert archive.close_dead_crawls() == [silent]
    assert status_of(archive, fresh)[0] == RUNNING
    status, reason = status_of(archive, silent)
    assert status == ABANDONED and "no heartbeat from process 1 on elsewhere" in reason
    with archive.session() as session:
        assert session.get(Crawl, silent).finished == old, "closed when it was last alive"


def test_a_crawl_row_from_before_heartbeats_is_judged_by_its_start(archive):
    crawl_id = archive.start_crawl("pacsto")
    set_process(archive, crawl_id, host=None, pid=None, heartbeat_at=None)
    assert archive.close_dead_crawls() == []
    set_process(archive, crawl_id, started=utcnow() - timedelta(days=1))
    assert archive.close_dead_crawls() == [crawl_id]


def test_a_pid_now_used_by_a_newer_process_is_a_dead_crawl(archive):
    """This process started long after the row's crawl: the crawl's own process is gone."""
    crawl_id = archive.start_crawl("pacsto")
    set_process(archive, crawl_id, started=utcnow() - timedelta(days=2), heartbeat_at=utcnow())
    assert archive.close_dead_crawls() == [crawl_id]
    assert "the pid is another process's now" in status_of(archive, crawl_id)[1]


def test_a_crawls_process_is_its_columns_or_for_an_old_row_its_parameters(sqlite_url):
    """The scheduler reads a crawl's process from ``crawl.host`` and ``crawl.pid`` (one record
    of it); a row from before they existed may still say it in its parameters."""
    from store.crawl_history import get_crawl, ran_in

    archive = Archive(sqlite_url)
    mine = archive.start_crawl("pacsto")
    info = get_crawl(archive, mine)
    assert (info.pid, info.host) == (os.getpid(), socket.gethostname())
    assert "pid" not in info.params
    assert ran_in(info, os.getpid()) and not ran_in(info, os.getpid() + 1)
    old = archive.start_crawl("pacsto", {"pid": 4242, "host": socket.gethostname()})
    set_process(archive, old, pid=None, host=None)
    assert (get_crawl(archive, old).pid, ran_in(get_crawl(archive, old), 4242)) == (4242, True)
    unknown = archive.start_crawl("pacsto")
    set_process(archive, unknown, pid=None, host=None)
    assert get_crawl(archive, unknown).pid is None
    assert ran_in(get_crawl(archive, unknown), 1)  # told apart by time only
