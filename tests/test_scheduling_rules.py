"""Schedule rules: durations, windows, cron in a timezone, jitter, and counting missed slots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parlwatch.scheduling import Rule, Window, format_duration, parse_duration

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("6h", 21600), ("30m", 1800), ("1h30m", 5400), ("45s", 45), ("1d", 86400), ("90", 90)],
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds
    assert parse_duration(format_duration(seconds)) == seconds


@pytest.mark.parametrize("text", ["", "6x", "h", "6h and more", "-1h"])
def test_bad_durations_are_rejected(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_cron_is_read_in_the_schedules_timezone():
    rule = Rule(every_seconds=None, cron="0 6 * * *", timezone="Europe/Moscow")
    # 06:00 in Moscow is 03:00 UTC (UTC+3 all year)
    assert rule.next_after(T0) == datetime(2026, 1, 2, 3, 0, tzinfo=UTC)
    assert rule.describe() == 'cron "0 6 * * *" Europe/Moscow'


def test_a_run_due_outside_the_window_waits_for_its_opening():
    rule = Rule(
        every_seconds=6 * 3600,
        cron=None,
        timezone="Europe/Moscow",
        window=Window.parse("02:00-05:00"),
        anchor=datetime(2026, 1, 1, 0, 0, tzinfo=UTC),
    )
    # the next 6-hourly slot is 06:00Z = 09:00 Moscow, outside the window: wait for 02:00 Moscow
    assert rule.next_after(datetime(2026, 1, 1, 0, 30, tzinfo=UTC)) == datetime(
        2026, 1, 1, 23, 0, tzinfo=UTC
    )
    # 00:00Z = 03:00 Moscow is inside it
    assert rule.next_after(datetime(2025, 12, 31, 23, 0, tzinfo=UTC)) == datetime(
        2026, 1, 1, 0, 0, tzinfo=UTC
    )


def test_windows_may_wrap_midnight():
    window = Window.parse("22:00-04:00")
    assert window.contains(datetime(2026, 1, 1, 23, 30))
    assert window.contains(datetime(2026, 1, 1, 3, 59))
    assert not window.contains(datetime(2026, 1, 1, 4, 0))
    assert window.length == timedelta(hours=6)
    with pytest.raises(ValueError):
        Window.parse("25:00-26:00")


def test_jitter_delays_runs_by_at_most_the_jitter():
    rule = Rule(every_seconds=None, cron="0 6 * * *", jitter=600)
    runs = {rule.next_after(T0) for _ in range(40)}
    base = datetime(2026, 1, 2, 6, 0, tzinfo=UTC)
    assert all(base <= run <= base + timedelta(seconds=600) for run in runs)
    assert len(runs) > 1, "jitter must actually spread the runs"


def test_missed_slots_are_counted_from_the_due_time():
    rule = Rule(every_seconds=3600, cron=None, anchor=T0)
    assert rule.slots_between(T0, T0 + timedelta(hours=4, minutes=30)) == 5
    assert rule.slots_between(T0, T0) == 1


def test_a_new_interval_schedule_runs_at_once_and_a_cron_one_at_its_time():
    every = Rule(every_seconds=3600, cron=None, anchor=T0)
    assert every.first_run(T0) == T0
    cron = Rule(every_seconds=None, cron="30 12 * * *")
    assert cron.first_run(T0) == T0 + timedelta(minutes=30)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"every_seconds": 60, "cron": "* * * * *"},
        {"every_seconds": None, "cron": None},
        {"every_seconds": None, "cron": "61 * * * *"},
        {"every_seconds": 0, "cron": None},
        {"every_seconds": 60, "cron": None, "timezone": "Mars/Olympus"},
    ],
)
def test_bad_rules_are_rejected(kwargs):
    with pytest.raises(ValueError):
        Rule(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "gap"),
    [
        ({"every_seconds": 86400, "cron": None, "jitter": 2 * 86400}, "1d"),
        ({"every_seconds": 86400, "cron": None, "jitter": 86400}, "1d"),
        ({"every_seconds": None, "cron": "0 */6 * * *", "jitter": 6 * 3600}, "6h"),
    ],
)
def test_a_jitter_not_smaller_than_the_time_between_runs_is_refused(kwargs, gap):
    rule = Rule(**kwargs)  # a stored schedule still loads; adding one checks
    with pytest.raises(ValueError, match=rf"not smaller than the time between runs \({gap}\)"):
        rule.check_jitter()


def test_a_jitter_under_the_interval_is_taken():
    Rule(every_seconds=86400, cron=None, jitter=86399).check_jitter()
    Rule(every_seconds=None, cron="0 6 * * *", jitter=3600).check_jitter()
