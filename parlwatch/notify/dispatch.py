"""After a crawl: tell each target about its changes, once per crawl, never failing the crawl.

``notify_crawl`` is what the scheduler calls when a crawl's child process ends, and what
``parlwatch crawl`` calls after its crawls. Each (target, crawl) is claimed in the database
before sending, so when both call it for one crawl only one message goes out.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

from crawler.stale import stale_warning
from parlwatch.notify.filters import select_changes
from parlwatch.notify.messages import text_message, webhook_payload
from parlwatch.notify.senders import (
    RetryPolicy,
    SendResult,
    is_webhook,
    post_json,
    send_apprise,
    with_retries,
)
from store.archive import APPLIED, FINISHED, Archive
from store.crawl_history import CrawlInfo, crawls_after, get_crawl
from store.notifications import (
    FAILED,
    NOTHING,
    SENT,
    Target,
    claim_delivery,
    finish_delivery,
    list_targets,
)
from store.queries import ChangeRow, list_changes
from store.wording import plural

log = logging.getLogger("parlwatch.notify")
NOTIFY_ENV = "PARLWATCH_NOTIFY"


@dataclass(frozen=True)
class Outcome:
    target: str
    crawl_id: int
    status: str  # sent / failed / nothing-to-send / already-claimed
    changes: int
    attempts: int = 0
    error: str | None = None

    def text(self) -> str:
        detail = f", {plural(self.attempts, 'attempt')}: {self.error}" if self.error else ""
        return f"notify {self.target}: {self.status} ({plural(self.changes, 'change')}{detail})"


def send(
    target: Target, crawl: CrawlInfo, rows: list[ChangeRow], policy: RetryPolicy
) -> SendResult:
    """One message about ``rows`` to ``target``, with retries."""
    what = f"notify {target.name} about crawl {crawl.id}"
    if is_webhook(target.url):
        payload = webhook_payload(crawl, rows, target.name)
        return with_retries(lambda: post_json(target.url, payload, policy.timeout), policy, what)
    title, body = text_message(crawl, rows)
    return with_retries(lambda: send_apprise(target.url, title, body), policy, what)


def notify_crawl(
    archive: Archive | str | None,
    crawl_id: int,
    policy: RetryPolicy | None = None,
) -> list[Outcome]:
    """Notify every enabled target about the changes of finished crawl ``crawl_id``.

    Never raises: a broken target, or a broken database, is logged and reported in the outcomes.
    """
    try:
        if not isinstance(archive, Archive):
            archive = Archive(archive)
        return _notify(archive, crawl_id, policy or RetryPolicy.from_env())
    except Exception:
        log.exception("notifications for crawl %s failed", crawl_id)
        return []


def crawl_changes(archive: Archive, crawl: CrawlInfo) -> list[ChangeRow]:
    """What to tell about ``crawl``: its changes, and the removals it confirmed that are dated
    at an earlier crawl (``stats.removals_confirmed``), which no earlier message could tell.

    A removal dated at ``crawl`` but confirmed by a later crawl is that later crawl's to tell:
    it is left out here, so that the answer does not change once the crawl is over (a delivery
    retried after the confirming crawl would otherwise tell the removal twice)."""
    told_later = {
        key
        for later in crawls_after(archive, crawl.site, crawl.id)
        for first_crawl, key in later.stats.get("removals_confirmed") or []
        if first_crawl == crawl.id
    }
    rows = [
        row
        for row in list_changes(archive, crawl_id=crawl.id)
        if not (row.change == "removed" and row.entity in told_later)
    ]
    confirmed: dict[int, set[str]] = {}
    for first_crawl, key in crawl.stats.get("removals_confirmed") or []:
        confirmed.setdefault(first_crawl, set()).add(key)
    for first_crawl, keys in sorted(confirmed.items()):
        rows += [
            row
            for row in list_changes(archive, crawl_id=first_crawl)
            if row.entity in keys and row.change == "removed"
        ]
    return rows


def _notify(archive: Archive, crawl_id: int, policy: RetryPolicy) -> list[Outcome]:
    """A finished crawl's changes; a partial crawl's too, its message naming the pages that
    failed. A crawl that applied nothing (failed, interrupted, abandoned) has none to tell."""
    crawl = get_crawl(archive, crawl_id)
    stale = crawl is not None and stale_warning(crawl.stats)  # said even without changes
    if crawl is None or (crawl.status not in APPLIED and not stale):
        return []
    targets = list_targets(archive, enabled_only=True)
    rows = crawl_changes(archive, crawl) if targets else []
    if not rows and not stale:
        return []
    outcomes = []
    for target in targets:
        chosen = select_changes(target, rows)
        delivery = claim_delivery(archive, target.id, crawl_id)
        if delivery is None:
            outcomes.append(Outcome(target.name, crawl_id, "already-claimed", len(chosen)))
            continue
        if not chosen and not stale:
            finish_delivery(archive, delivery, NOTHING, 0, 0)
            outcomes.append(Outcome(target.name, crawl_id, NOTHING, 0))
            continue
        result = send(target, crawl, chosen, policy)
        status = SENT if result.ok else FAILED
        finish_delivery(archive, delivery, status, result.attempts, len(chosen), result.error)
        outcome = Outcome(target.name, crawl_id, status, len(chosen), result.attempts, result.error)
        (log.info if result.ok else log.error)(
            "crawl %s of %s: %s", crawl_id, crawl.site, outcome.text()
        )
        outcomes.append(outcome)
    return outcomes


def notify_crawls(
    db_url: str | None,
    crawl_ids: list[int],
    echo: Callable[[str], None] | None = None,
) -> list[Outcome]:
    """``notify_crawl`` for each crawl; ``echo`` gets one line per target that was tried.

    This is the hook of ``parlwatch crawl``. ``PARLWATCH_NOTIFY=0`` turns it off: the scheduler
    sets it for its child crawls, as it notifies (and logs) itself once the child has ended.
    """
    if os.environ.get(NOTIFY_ENV, "1").strip().lower() in ("0", "false", "no", "off"):
        return []
    archive = Archive(db_url)
    outcomes = []
    for crawl_id in crawl_ids:
        outcomes += notify_crawl(archive, crawl_id)
    if echo is not None:
        for outcome in outcomes:
            if outcome.status in (SENT, FAILED):
                echo(f"crawl {outcome.crawl_id}: {outcome.text()}")
    return outcomes


def send_now(
    archive: Archive, target: Target, crawl_id: int | None, policy: RetryPolicy | None = None
) -> Outcome:
    """Send regardless of earlier deliveries: a crawl's changes, or a sample message if none.

    For ``parlwatch notify test``: checks that the target is reachable and shows its filter.
    """
    from datetime import datetime

    policy = policy or RetryPolicy.from_env()
    crawl = get_crawl(archive, crawl_id) if crawl_id is not None else None
    if crawl_id is not None and crawl is None:
        raise LookupError(f"no crawl {crawl_id}")
    if crawl is not None:
        rows = select_changes(target, crawl_changes(archive, crawl))
    else:
        now = datetime.now().replace(microsecond=0)
        crawl = CrawlInfo(0, "test", FINISHED, None, now, now, {}, {})
        rows = [
            ChangeRow(
                "test/en/delegation/XX", "delegation", "XX", "en", "modified",
                "chambers[0].member_title", "members", "senators", "wording",
                now.isoformat() + "Z", 0,
            )
        ]  # fmt: skip
    result = send(target, crawl, rows, policy)
    status = SENT if result.ok else FAILED
    return Outcome(target.name, crawl.id, status, len(rows), result.attempts, result.error)
