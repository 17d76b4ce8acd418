"""Notifications about a partial crawl name its failed pages; a removal confirmed by a later
crawl (dated at the first crawl that lacked the entity) is told by the crawl that confirmed it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from observed import FAILED_COUNTRY_PAGE, crawl, website
from test_notify import FAST, Receiver

from parlwatch.notify import notify_crawl
from parlwatch.notify.dispatch import Outcome, crawl_changes
from parlwatch.notify.messages import text_message
from store.archive import PARTIAL, Archive
from store.crawl_history import get_crawl
from store.notifications import add_target

T0 = datetime(2025, 6, 1, 12, 0, 0)


@pytest.fixture
def hook():
    receiver = Receiver()
    yield receiver
    receiver.close()


def test_a_partial_crawl_notifies_its_changes_and_names_its_failed_pages(sqlite_url, hook):
    archive = Archive(sqlite_url)
    add_target(archive, "hook", hook.url)
    crawl(archive, [website("RU", T0), website("KG", T0)])
    later = T0 + timedelta(days=1)
    partial = crawl(
        archive,
        [website("RU", later, "http://council.gov.ru")],
        status=PARTIAL,
        complete=False,
        failed=[FAILED_COUNTRY_PAGE],
    )
    (outcome,) = notify_crawl(archive, partial, FAST)
    assert (outcome.status, outcome.changes) == ("sent", 1)
    assert outcome.text() == "notify hook: sent (1 change)"
    message = hook.requests[0]["json"]
    assert message["crawl"]["status"] == "partial"
    assert message["crawl"]["failed_pages"] == [FAILED_COUNTRY_PAGE]
    title, body = text_message(get_crawl(archive, partial), [])
    assert title == "parlwatch: 0 changes on " + message["crawl"]["site"]
    assert "\n1 page did not come back whole;" in body


def test_a_failed_notification_counts_its_attempts_in_words():
    once = Outcome("hook", 1, "failed", 1, attempts=1, error="HTTP 500")
    assert once.text() == "notify hook: failed (1 change, 1 attempt: HTTP 500)"
    twice = Outcome("hook", 1, "failed", 2, attempts=2, error="HTTP 500")
    assert twice.text() == "notify hook: failed (2 changes, 2 attempts: HTTP 500)"


def test_a_confirmed_removal_is_told_by_the_crawl_that_confirmed_it(sqlite_url, hook):
    archive = Archive(sqlite_url)
    add_target(archive, "hook", hook.url)
    crawl(archive, [website("RU", T0), website("KG", T0)])
    first = crawl(archive, [website("RU", T0 + timedelta(days=1))])
    assert notify_crawl(archive, first, FAST) == [], "missing, unconfirmed: nothing to tell"
    second = crawl(archive, [website("RU", T0 + timedelta(days=2))])
    (outcome,) = notify_crawl(archive, second, FAST)
    assert outcome.status == "sent"
    (change,) = hook.requests[0]["json"]["changes"]
    assert (change["entity"], change["change"], change["crawl"]) == (
        "pacsto/en/website/KG",
        "removed",
        first,
    )


def test_what_a_crawl_tells_does_not_grow_when_a_later_crawl_confirms_its_removal(sqlite_url):
    """The first crawl lacking an entity dates its removal, but the confirming crawl tells it:
    asked again afterwards (a retried delivery, a check), the first crawl still tells nothing,
    and the removal is told once."""
    archive = Archive(sqlite_url)
    crawl(archive, [website("RU", T0), website("KG", T0)])
    first = crawl(archive, [website("RU", T0 + timedelta(days=1))])
    second = crawl(archive, [website("RU", T0 + timedelta(days=2))])
    assert crawl_changes(archive, get_crawl(archive, first)) == []
    (told,) = crawl_changes(archive, get_crawl(archive, second))
    assert (told.entity, told.change, told.crawl) == ("pacsto/en/website/KG", "removed", first)
