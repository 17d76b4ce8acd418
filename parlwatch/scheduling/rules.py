"""When a schedule is due: APScheduler's triggers do the calendar work, plus a window.

A rule is an interval (``--every 6h``, aligned on the schedule's creation) or a cron expression
(``--cron "0 6 * * *"``), read in a timezone, with an optional random delay (``--jitter``, so
that many schedulers do not all knock at 06:00:00) and an optional window of the day: a run due
outside ``--window 02:00-05:00`` waits for the window's next opening.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"(\d+)\s*([smhdw])")
# Live sites are crawled at most this often unless the user says otherwise (--allow-frequent):
# a parliament's site is not a load test. Replicas on loopback may be crawled as often as wanted.
MIN_LIVE_INTERVAL = 3600
_CRON_SEARCH = 4_000  # window openings looked through for a fire inside (8 years of days)


def parse_duration(text: str) -> int:
    """``6h``, ``90m``, ``1h30m``, ``45s``, ``1d`` -> seconds; a bare number is seconds."""
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    parts = _DURATION.findall(text)
    if not parts or _DURATION.sub("", text).strip():
        raise ValueError(f"not a duration: {text!r} (write e.g. 6h, 30m, 1h30m, 1d)")
    return sum(int(n) * _UNITS[unit] for n, unit in parts)


def format_duration(seconds: int) -> str:
    out = ""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            out += f"{seconds // size}{unit}"
            seconds %= size
    return out or "0s"


def parse_timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone {name!r} (write e.g. Europe/Moscow, UTC)") from exc


@dataclass(frozen=True)
class Window:
    """A daily window in local time; it may wrap midnight (``22:00-04:00``)."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> Window:
        match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", text)
        if not match:
            raise ValueError(f"not a window: {text!r} (write e.g. 02:00-05:00)")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h1, m1) == (h2, m2):
            raise ValueError(f"not a window: {text!r}")
        return cls(time(h1, m1), time(0, 0) if h2 == 24 else time(h2, m2))

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    @property
    def length(self) -> timedelta:
        start = timedelta(hours=self.start.hour, minutes=self.start.minute)
        end = timedelta(hours=self.end.hour, minutes=self.end.minute)
        return (end - start) % timedelta(days=1)

    def contains(self, local: datetime) -> bool:
        moment = local.time().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def next_open(self, local: datetime) -> datetime:
        """The window's next opening at or after ``local`` (an aware local datetime)."""
        opening = datetime.combine(local.date(), self.start, tzinfo=local.tzinfo)
        return opening if opening >= local else opening + timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    every_seconds: int | None
    cron: str | None
    timezone: str = "UTC"
    window: Window | None = None
    jitter: int = 0
    anchor: datetime | None = None  # aware UTC: intervals are counted from here

    def __post_init__(self) -> None:
        if (self.every_seconds is None) == (self.cron is None):
            raise ValueError("give exactly one of an interval (--every) and --cron")
        if self.every_seconds is not None and self.every_seconds <= 0:
            raise ValueError("the interval must be positive")
        trigger = self.trigger(jitter=False)  # validates the cron expression and the timezone
        if self.cron is not None:
            self._check_cron_fires(trigger)

    def _check_cron_fires(self, trigger: BaseTrigger) -> None:
        """Refuse a cron that never fires ("0 6 30 2 *"), or never inside the window."""
        fire = trigger.get_next_fire_time(None, datetime.now(UTC))
        if fire is None:
            raise ValueError(f'cron "{self.cron}" never fires (no such date)')
        if self.window is None:
            return
        horizon = fire + timedelta(days=8 * 366)  # a 29 February comes within eight years
        for _ in range(_CRON_SEARCH):  # each turn moves on to a later opening of the window
            if fire is None or fire > horizon:
                break
            local = fire.astimezone(self.zone)
            if self.window.contains(local):
                return
            fire = trigger.get_next_fire_time(None, self.window.next_open(local))
        else:
            return  # (not reached: the horizon is passed first)
        raise ValueError(
            f'cron "{self.cron}" never fires inside the window {self.window} ({self.timezone}): '
            "change one of them"
        )

    def shortest_gap(self) -> int:
        """The shortest time between two runs, in seconds (cron: over its next runs)."""
        if self.every_seconds is not None:
            return self.every_seconds
        trigger = self.trigger(jitter=False)
        fire = trigger.get_next_fire_time(None, datetime.now(UTC))
        gaps = []
        for _ in range(200):
            following = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
            if following is None:
                break
            gaps.append(int((following - fire).total_seconds()))
            fire = following
        return min(gaps, default=366 * 86400)

    def check_jitter(self) -> None:
        """Refuse a jitter not smaller than the time between runs: a run delayed by it would
        land at or past the next one. Checked when a schedule is added, not when one is read,
        so a schedule stored before this check still loads."""
        if not self.jitter:
            return
        gap = self.shortest_gap()
        if self.jitter >= gap:
            raise ValueError(
                f"--jitter {format_duration(self.jitter)} is not smaller than the time between "
                f"runs ({format_duration(gap)}): a run could be delayed past the next one; give "
                "a shorter --jitter"
            )

    @classmethod
    def from_schedule(cls, schedule: object) -> Rule:
        """The rule of a ``store.schedules.Schedule`` row."""
        created = schedule.created_at
        return cls(
            every_seconds=schedule.every_seconds,
            cron=schedule.cron,
            timezone=schedule.timezone or "UTC",
            window=Window.parse(schedule.window) if schedule.window else None,
            jitter=schedule.jitter_seconds or 0,
            anchor=created.replace(tzinfo=UTC) if created else None,
        )

    @property
    def zone(self) -> ZoneInfo:
        return parse_timezone(self.timezone)

    def trigger(self, jitter: bool = True) -> BaseTrigger:
        spread = self.jitter if jitter and self.jitter else None
        if self.cron is not None:
            try:
                trigger = CronTrigger.from_crontab(self.cron, timezone=self.zone)
            except ValueError as exc:
                raise ValueError(f"not a cron expression: {self.cron!r}: {exc}") from exc
            trigger.jitter = spread
            return trigger
        anchor = self.anchor or datetime(2000, 1, 1, tzinfo=UTC)
        return IntervalTrigger(
            seconds=self.every_seconds, start_date=anchor, timezone=self.zone, jitter=spread
        )

    def next_after(self, now: datetime) -> datetime:
        """The first run strictly after ``now`` (aware), window and jitter applied; aware UTC."""
        fire = self.trigger().get_next_fire_time(None, now + timedelta(seconds=1))
        if self.window is not None:
            local = fire.astimezone(self.zone)
            if not self.window.contains(local):
                opening = self.window.next_open(local)
                spread = min(self.jitter, int(self.window.length.total_seconds()) - 1)
                fire = opening + timedelta(seconds=random.uniform(0, max(spread, 0)))
        return fire.astimezone(UTC)

    def first_run(self, now: datetime) -> datetime:
        """When a new (or resumed) schedule first runs: an interval at once, a cron at its time."""
        if self.cron is None and (
            self.window is None or self.window.contains(now.astimezone(self.zone))
        ):
            return now
        return self.next_after(now - timedelta(seconds=1))

    def slots_between(self, due: datetime, now: datetime, limit: int = 10_000) -> int:
        """How many slots fell in ``[due, now]``: those missed while no scheduler ran."""
        trigger, count, fire = self.trigger(jitter=False), 0, due
        while fire is not None and fire <= now and count < limit:
            count += 1
            fire = trigger.get_next_fire_time(fire, fire)
        return max(count, 1)

    def describe(self) -> str:
        text = (
            f"every {format_duration(self.every_seconds)}"
            if self.cron is None
            else (f'cron "{self.cron}"')
        )
        text += f" {self.timezone}"
        if self.window is not None:
            text += f" window {self.window}"
        if self.jitter:
            text += f" jitter {format_duration(self.jitter)}"
        return text
