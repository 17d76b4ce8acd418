"""Scheduled crawls: rules (when), the scheduler loop (what runs), child crawls (how).

Schedules and locks are rows of the archive database (``store.schedules``).
"""

from parlwatch.scheduling.rules import Rule, Window, format_duration, parse_duration
from parlwatch.scheduling.runs import Job, launch_crawl
from parlwatch.scheduling.scheduler import Scheduler

__all__ = [
    "Job",
    "Rule",
    "Scheduler",
    "Window",
    "format_duration",
    "launch_crawl",
    "parse_duration",
]
