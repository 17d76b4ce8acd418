"""Notifications: after a crawl with changes, one message per crawl to each configured target.

Targets are rows of the archive database (``store.notifications``), managed with
``parlwatch notify add/list/remove/test``.
"""

from parlwatch.notify.dispatch import Outcome, notify_crawl, notify_crawls, send_now
from parlwatch.notify.filters import LEVELS, select_changes, set_significance
from parlwatch.notify.senders import RetryPolicy

__all__ = [
    "LEVELS",
    "Outcome",
    "RetryPolicy",
    "notify_crawl",
    "notify_crawls",
    "select_changes",
    "send_now",
    "set_significance",
]
