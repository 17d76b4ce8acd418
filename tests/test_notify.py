"""Notifications after a real crawl: webhook payloads, filters, retries, Apprise, the CLI.

The archive is a copy of the ``senators`` history (tests/replica_histories.py): the pacsto replica
crawled as of 2025 and then 2026 (the second crawl records the Russian delegation's members ->
senators change and new news items).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import click
import pytest
from click.testing import CliRunner
from replica_histories import history_copy

from parlwatch.commands_notify import masked, notify
from parlwatch.notify import RetryPolicy, notify_crawl, notify_crawls, set_significance
from parlwatch.notify.filters import category_level
from store.crawl_history import get_crawl
from store.notifications import add_target, list_deliveries
from store.queries import list_changes, list_crawls

FAST = RetryPolicy(attempts=3, backoff=0.01, timeout=5)


@pytest.fixture(scope="module")
def crawled(replica_histories, tmp_path_factory):
    """A copy of the ``senators`` history (the tests add targets and deliveries to it)."""
    shared = replica_histories.get("senators")
    for step in shared.steps:
        assert step["exit"] == 0, step["stdout"] + step["stderr"][-2000:]
    archive = history_copy(shared, tmp_path_factory.mktemp("notify")).archive()
    return archive, list_crawls(archive, last=1)[0].id


class Receiver:
    """A local HTTP server that records POSTs and answers with ``status``."""

    def __init__(self, status: int = 204) -> None:
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
                )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver():
    servers = []

    def make(status: int = 204) -> Receiver:
        servers.append(Receiver(status))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


def only(archive, name, url, **filters):
    """Make ``name`` the only enabled target (earlier tests' targets are disabled)."""
    from sqlalchemy import update

    from store.notifications import NotifyTarget

    with archive.sessions.begin() as session:
        session.execute(update(NotifyTarget).values(enabled=False))
    return add_target(archive, name, url, **filters)


def test_webhook_gets_one_message_per_crawl_with_its_typed_changes(crawled, receiver):
    archive, crawl_id = crawled
    hook = receiver()
    only(archive, "all", hook.url)
    outcomes = notify_crawl(archive, crawl_id, FAST)
    assert [(o.target, o.status) for o in outcomes] == [("all", "sent")]
    assert len(hook.requests) == 1, "one message per crawl, not one per change"
    message = hook.requests[0]
    assert message["headers"]["Content-Type"].startswith("application/json")
    payload = message["json"]
    expected = [row.to_dict() for row in list_changes(archive, crawl_id=crawl_id)]
    assert payload["event"] == "parlwatch.changes"
    assert payload["crawl"]["id"] == crawl_id and payload["crawl"]["site"] == "pacsto"
    assert payload["changes"] == expected and payload["count"] == len(expected) > 5
    senators = [c for c in payload["changes"] if c["new"] == "senators"]
    assert senators and senators[0]["category"] == "wording" and senators[0]["country"] == "RU"
    # the scheduler and `parlwatch crawl` may both ask: the second ask sends nothing
    assert [o.status for o in notify_crawl(archive, crawl_id, FAST)] == ["already-claimed"]
    assert len(hook.requests) == 1


def test_filters_by_category_country_and_significance(crawled, receiver):
    archive, crawl_id = crawled
    rows = list_changes(archive, crawl_id=crawl_id)
    seats, russia, big = receiver(), receiver(), receiver()
    only(archive, "seats", seats.url, categories=["seats"])
    add_target(archive, "russia", russia.url, countries=["ru"])
    add_target(archive, "big", big.url, min_level="substantive")
    outcomes = {o.target: o for o in notify_crawl(archive, crawl_id, FAST)}
    assert outcomes["seats"].status == "nothing-to-send" and seats.requests == []
    got = russia.requests[0]["json"]["changes"]
    assert got and {c["country"] for c in got} == {"RU"}
    assert len(got) == len([r for r in rows if r.country == "RU"])
    substantive = [r for r in rows if category_level(r) == "substantive"]
    got = big.requests[0]["json"]["changes"] if big.requests else []
    assert len(got) == len(substantive), "one message with exactly the substantive changes"
    assert all(c["field"] == "" or c["category"] in ("seats", "person") for c in got)
    assert not [c for c in got if c["category"] == "wording"], "wording changes are not big"
    published = [r for r in rows if r.type == "news" and r.field == ""]
    assert published and not [c for c in got if c["type"] == "news"], "news is routine"


def test_a_news_item_published_is_routine_as_in_the_reports():
    from store.queries import ChangeRow

    def row(type_: str, category: str) -> ChangeRow:
        return ChangeRow(f"pacsto/en/{type_}/x", type_, "RU", "en", "added", "", None, {},
                         category, "2026-01-01T00:00:00Z", 1)  # fmt: skip

    assert category_level(row("news", "text")) == "routine"
    assert category_level(row("member", "person")) == "substantive"
    assert category_level(row("website", "link")) == "minor"
    result = CliRunner().invoke(notify, ["add", "--help"])
    assert "routine" in result.output


def test_significance_is_pluggable(crawled, receiver):
    archive, crawl_id = crawled
    hook = receiver()
    only(archive, "plugged", hook.url, min_level="substantive")
    set_significance(lambda row: "substantive" if row.language == "ru" else "minor")
    try:
        notify_crawl(archive, crawl_id, FAST)
    finally:
        set_significance(None)
    got = hook.requests[0]["json"]["changes"]
    assert got and {c["language"] for c in got} == {"ru"}
    assert category_level(list_changes(archive, crawl_id=crawl_id)[0]) in ("wording", "substantive")


def test_failing_targets_are_retried_logged_and_never_fail_the_crawl(crawled, receiver, caplog):
    archive, crawl_id = crawled
    down, refusing = receiver(503), receiver(400)
    only(archive, "down", down.url)
    add_target(archive, "refusing", refusing.url)
    add_target(archive, "nobody", "http://127.0.0.1:9/hook")  # nothing listens on port 9
    outcomes = {o.target: o for o in notify_crawl(archive, crawl_id, FAST)}
    assert (outcomes["down"].status, outcomes["down"].attempts) == ("failed", 3)
    assert len(down.requests) == 3
    assert (outcomes["refusing"].attempts, len(refusing.requests)) == (1, 1), "4xx is final"
    assert outcomes["nobody"].status == "failed" and "Connection" in outcomes["nobody"].error
    assert get_crawl(archive, crawl_id).status == "finished"
    logged = {d.target: d for d in list_deliveries(archive, crawl_id)}
    assert logged["down"].status == "failed" and "503" in logged["down"].error
    assert "retrying" in caplog.text


def test_apprise_targets_get_one_text_message(crawled, receiver):
    archive, crawl_id = crawled
    hook = receiver()
    only(archive, "chat", hook.url.replace("http://", "json://"), countries=["RU"])
    outcomes = notify_crawl(archive, crawl_id, FAST)
    assert [o.status for o in outcomes] == ["sent"]
    message = hook.requests[0]["json"]  # Apprise's JSON: title, message, type
    assert message["title"].startswith("parlwatch: ") and "on pacsto" in message["title"]
    assert "RU en delegation" in message["message"] and "senators" in message["message"]


def test_unfinished_crawls_notify_nobody(crawled, receiver):
    archive, _ = crawled
    hook = receiver()
    only(archive, "failures", hook.url)
    failed = archive.start_crawl("pacsto")
    archive.finish_crawl(failed, "failed", reason="HTTP 503")
    assert notify_crawl(archive, failed, FAST) == []
    assert notify_crawl(archive, 10_000, FAST) == []
    assert hook.requests == []


def test_notify_crawls_echoes_what_was_sent(crawled, receiver):
    archive, crawl_id = crawled
    hook = receiver()
    only(archive, "echoed", hook.url)
    lines: list[str] = []
    notify_crawls(str(archive.engine.url), [crawl_id], echo=lines.append)
    assert lines and lines[0].startswith(f"crawl {crawl_id}: notify echoed: sent")


def test_notify_commands(tmp_path, receiver):
    db = str(tmp_path / "cli.db")
    group = click.Group(commands={"notify": notify})
    run = CliRunner().invoke
    hook = receiver()
    added = run(group, ["notify", "add", "team", hook.url, "--category", "seats", "--db", db])
    assert added.exit_code == 0, added.output
    secret = run(group, ["notify", "add", "tg", "tgram://123456:ABCDEF/987", "--db", db])
    assert secret.exit_code == 0, secret.output
    listed = run(group, ["notify", "list", "--db", db]).output
    assert "team" in listed and "categories seats" in listed
    assert "ABCDEF" not in listed, "tokens must not be shown"
    tested = run(group, ["notify", "test", "team", "--db", db])
    assert tested.exit_code == 0 and "sent" in tested.output
    assert hook.requests[0]["json"]["changes"][0]["new"] == "senators"
    assert run(group, ["notify", "add", "bad", "nonsense-url", "--db", db]).exit_code == 2
    assert run(group, ["notify", "add", "team", hook.url, "--db", db]).exit_code == 2
    assert run(group, ["notify", "remove", "team", "tg", "--db", db]).exit_code == 0
    assert "no targets" in run(group, ["notify", "list", "--db", db]).output
    assert masked("https://user:pw@example.org/x?token=1") == "https://example.org/x?…"


def test_the_crawl_hook_can_be_turned_off(crawled, receiver, monkeypatch):
    archive, crawl_id = crawled
    hook = receiver()
    only(archive, "hooked", hook.url)
    monkeypatch.setenv("PARLWATCH_NOTIFY", "0")
    assert notify_crawls(str(archive.engine.url), [crawl_id]) == []
    assert hook.requests == []
