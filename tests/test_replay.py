"""``parlwatch replay`` against a real pywb: the pacsto replica crawled at two versions (dated
months apart), then served; a crawl made while it runs; revisits and 304s; clean stops."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from processes import child_pids
from pywb_harness import Step, cdx, crawl, crawl_steps, get
from test_archive_fixture import archive_cli

from archive.capture_index import query_captures
from archive.replay import replay_url
from archive.replay_server import claim_port, pywb_missing
from replica import ReplicaServer
from store.archive import Archive, utcnow
from store.crawl_history import recent_crawls

pytestmark = pytest.mark.e2e

STEPS = [Step("2025", datetime(2025, 6, 1, 9, 0)), Step("2026", datetime(2026, 2, 2, 9, 0))]
COLLECTION = "parlwatch"


@dataclass
class Replay:
    process: subprocess.Popen
    url: str
    folder: Path
    lines: list[str] = field(default_factory=list)
    _queue: queue.Queue = field(default_factory=queue.Queue)

    def read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, pattern: str, timeout: float = 120) -> str | None:
        deadline = time.monotonic() + timeout
        for line in self.lines:
            if re.search(pattern, line):
                return line
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            if line is None:
                return None
            if re.search(pattern, line):
                return line
        return None


def start_replay(db_url: str, folder: Path, port: int = 0, *extra: str) -> Replay:
    args = [sys.executable, "-m", "parlwatch", "replay", "--db", db_url, "--dir", str(folder)]
    process = subprocess.Popen(
        [*args, "--port", str(port), "--poll", "0.5", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    running = Replay(process, f"http://127.0.0.1:{port}" if port else "", folder)
    threading.Thread(target=running.read, daemon=True).start()
    return running


def serving(replay: Replay) -> None:
    """Wait for the "serving" line; the replay URL is the one it names."""
    line = replay.wait_for(r"^serving ")
    if line is not None:
        replay.url = re.search(r" on (http://127\.0\.0\.1:\d+)/", line).group(1)
    else:
        replay.process.kill()
        replay.process.wait()
        output = "\n".join(replay.lines)
        if "pywb exited" in output or "did not answer" in output:
            pytest.skip(f"pywb cannot start here:\n{output}")
        pytest.fail(f"parlwatch replay did not start:\n{output}")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    reason = pywb_missing()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("replay")
    db_url = f"sqlite:///{folder / 'archive.db'}"
    with ReplicaServer("pacsto", version=STEPS[0].version) as server:
        crawl_steps(server, db_url, STEPS)
        yield server, db_url, folder


@pytest.fixture(scope="module")
def replay(site):
    server, db_url, folder = site
    running = start_replay(db_url, folder / "replay")  # --port 0: any free port
    try:
        serving(running)
        yield running
    finally:
        if running.process.poll() is None:
            running.process.send_signal(signal.SIGTERM)
            running.process.wait(60)


def last_crawl(db_url: str):
    return recent_crawls(Archive(db_url), last=1)[0]


def home_captures(db_url: str, base: str, **filters) -> list:
    return query_captures(Archive(db_url), base + "/", **filters)


def snapshot(db_url: str, url: str, timestamp: str, language: str) -> bytes:
    """What `parlwatch snapshot URL --at TIMESTAMP --language L` prints (the body)."""
    args = ["snapshot", url, "--at", timestamp, "--language", language, "--db", db_url]
    done = CliRunner().invoke(archive_cli(), args)
    assert done.exit_code == 0, done.output
    return done.stdout_bytes


def test_the_raw_memento_is_the_snapshot_byte_for_byte(site, replay):
    server, db_url, _ = site
    rows = home_captures(db_url, server.url)
    assert {(r.language, r.fetched_at.year) for r in rows} == {
        (lang, year) for lang in ("en", "ru") for year in (2025, 2026)
    }
    for row in rows:
        collection = f"{COLLECTION}-{row.language}"
        status, headers, body = get(
            replay_url(replay.url, collection, row.timestamp, row.url, True)
        )
        assert status == 200
        assert body == snapshot(db_url, row.url, row.timestamp, row.language)
        assert headers["Memento-Datetime"] == row.fetched_at.strftime("%a, %d %b %Y %H:%M:%S GMT")


def test_rewritten_mode_answers_200(site, replay):
    server, db_url, _ = site
    row = home_captures(db_url, server.url, language="en")[-1]
    status, _, _ = get(replay_url(replay.url, f"{COLLECTION}-en", row.timestamp, row.url))
    assert status == 200
    # the page itself, rewritten (what the frame above loads)
    status, _, body = get(f"{replay.url}/{COLLECTION}-en/{row.timestamp}mp_/{row.url}")
    assert status == 200
    assert b"CSTO Parliamentary Assembly" in body and b"wombat" in body


def test_pywbs_cdx_and_timemap_list_every_capture(site, replay):
    server, db_url, _ = site
    rows = query_captures(Archive(db_url), server.url + "/", match="host")
    answered = sorted((r.url, r.timestamp, str(r.status)) for r in rows if r.status is not None)
    listed = cdx(replay.url, COLLECTION, server.url + "/", matchType="host")
    assert sorted((c["url"], c["timestamp"], c["status"]) for c in listed) == answered
    per_language = []
    for language in ("en", "ru"):
        per_language += cdx(
            replay.url, f"{COLLECTION}-{language}", server.url + "/", matchType="host"
        )
    assert sorted((c["url"], c["timestamp"], c["status"]) for c in per_language) == answered
    status, _, body = get(f"{replay.url}/{COLLECTION}-en/timemap/link/{server.url}/")
    assert status == 200
    assert body.decode().count('rel="memento"') == len(
        home_captures(db_url, server.url, language="en")
    )


def test_timemap_mementos_are_replay_urls_that_resolve(site, replay):
    server, db_url, _ = site
    args = [sys.executable, "-m", "parlwatch", "timemap", server.url + "/", "--language", "ru"]
    done = subprocess.run(
        [*args, "--db", db_url],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PARLWATCH_REPLAY_URL": replay.url},
    )
    assert done.returncode == 0, done.stderr
    mementos = re.findall(r'<([^>]+)>; rel="[a-z ]*memento"; datetime="([^"]+)"', done.stdout)
    assert len(mementos) == 2
    for uri, when in mementos:
        assert uri.startswith(f"{replay.url}/{COLLECTION}-ru/")
        raw = re.sub(r"/(\d{14})/", r"/\1id_/", uri, count=1)
        status, headers, _ = get(raw)
        assert (status, headers["Memento-Datetime"]) == (200, when)


def test_a_crawl_made_while_replay_runs_becomes_replayable(site, replay, record_property):
    server, db_url, _ = site
    before = len(cdx(replay.url, COLLECTION, server.url + "/", matchType="host"))
    done = crawl(db_url, "pacsto", server.url)  # the same version again: 304s, same bodies
    assert done.returncode == 0, done.stdout + done.stderr
    total = len(query_captures(Archive(db_url), server.url + "/", match="host"))
    while len(cdx(replay.url, COLLECTION, server.url + "/", matchType="host")) < total:
        assert utcnow() - last_crawl(db_url).finished < timedelta(seconds=60), replay.lines
        time.sleep(0.05)
    seconds = (utcnow() - last_crawl(db_url).finished).total_seconds()  # from its end
    record_property("seconds_to_replayable", round(seconds, 2))
    print(f"a new crawl was replayable {seconds:.2f} s after it ended ({total - before} captures)")
    assert replay.wait_for(r"^crawl \d+ \(pacsto, finished\): \d+ captures? replayable", 5)


def test_revisits_and_304s_resolve_to_the_body_they_confirmed(site, replay):
    server, db_url, _ = site
    rows = query_captures(Archive(db_url), server.url + "/", match="host")
    latest = max(r.crawl_id for r in rows)
    recrawl = [r for r in rows if r.crawl_id == latest]
    assert {304, 200} <= {r.status for r in recrawl}
    for row in [r for r in recrawl if r.status == 304][:3] + [
        r for r in recrawl if r.status == 200
    ][:2]:
        collection = f"{COLLECTION}-{row.language}"
        status, _, body = get(replay_url(replay.url, collection, row.timestamp, row.url, True))
        assert status == 200, row
        assert body == snapshot(db_url, row.url, row.timestamp, row.language)


def test_sigterm_stops_pywb_and_leaves_no_temporary_file(site, replay):
    pywb = child_pids(replay.process.pid)
    assert pywb, "pywb runs as a child of parlwatch replay"
    replay.process.send_signal(signal.SIGTERM)
    assert replay.process.wait(60) == 0
    assert replay.wait_for(r"^stopped", 5)
    for pid in pywb:
        assert not Path(f"/proc/{pid}").exists(), f"pywb ({pid}) still runs"
    assert not list(replay.folder.rglob("*.tmp"))
    port = int(replay.url.rsplit(":", 1)[1])
    claim_port("127.0.0.1", port)  # free again


def test_ctrl_c_stops_a_restarted_replay_that_had_nothing_new_to_write(site, replay):
    _, db_url, _ = site
    assert replay.process.poll() is not None
    again = start_replay(db_url, replay.folder)
    serving(again)
    assert not [line for line in again.lines if line.startswith(("crawl ", "/"))]
    pywb = child_pids(again.process.pid)
    again.process.send_signal(signal.SIGINT)
    assert again.process.wait(60) == 0
    assert all(not Path(f"/proc/{pid}").exists() for pid in pywb)


def test_a_busy_port_is_reported_before_anything_serves(site, tmp_path):
    _, db_url, _ = site
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        running = start_replay(db_url, tmp_path / "never", port)
        assert running.process.wait(120) == 1
    output = "\n".join(running.lines) if running.wait_for("never-matches", 1) is None else ""
    assert f"port {port} on 127.0.0.1 is busy" in output
    assert "serving" not in output
    assert not (tmp_path / "never").exists(), "nothing was written"


def test_a_port_taken_after_it_was_found_free_is_reported_as_busy(tmp_path):
    from archive.replay_server import PortBusy, PywbProcess

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        pywb = PywbProcess(tmp_path, "127.0.0.1", taken.getsockname()[1])
        with pytest.raises(PortBusy, match="was taken"):
            pywb.start(timeout=120)
        pywb.stop()
