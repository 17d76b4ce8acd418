"""parse_date / find_date: every date form the parliament sites print."""

from datetime import datetime

import pytest

from crawler.parsers.national import find_date, parse_date

NOW = datetime(2026, 3, 12, 12, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.03.2026", "2026-03-12"),
        ("6.3.2026", "2026-03-06"),
        ("12.03.26", "2026-03-12"),
        ("12 марта 2026 г.", "2026-03-12"),
        ("12 марта 2026 года", "2026-03-12"),
        ("1 мая 2026 г., 10:00", "2026-05-01"),
        ("четверг, 12 марта 2026", "2026-03-12"),
        ("12 мар. 2026", "2026-03-12"),
        ("March 12, 2026", "2026-03-12"),
        ("Mar. 12th, 2026", "2026-03-12"),
        ("12 March 2026", "2026-03-12"),
        ("2026-03-12 14:30", "2026-03-12"),
        ("2026-03-12T23:30:00+03:00", "2026-03-12"),
        ("2026/03/12", "2026-03-12"),
        ("Опубликовано: 12.03.2026 в 14:30 | Просмотров: 15", "2026-03-12"),
        ("12th of March 2026", "2026-03-12"),  # dateparser fallback
    ],
)
def test_absolute_dates(text, expected):
    assert parse_date(text, fetched_at=NOW) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("сегодня", "2026-03-12"),
        ("Сегодня, 09:30", "2026-03-12"),
        ("вчера", "2026-03-11"),
        ("вчера в 16:45", "2026-03-11"),
        ("позавчера", "2026-03-10"),
        ("2 дня назад", "2026-03-10"),
        ("5 дней назад", "2026-03-07"),
        ("13 часов назад", "2026-03-11"),
        ("неделю назад", "2026-03-05"),
        ("today", "2026-03-12"),
        ("yesterday", "2026-03-11"),
        ("3 days ago", "2026-03-09"),
    ],
)
def test_relative_dates_resolve_against_fetched_at(text, expected):
    assert parse_date(text, fetched_at=NOW) == expected


def test_relative_date_moves_with_fetched_at():
    assert parse_date("вчера", fetched_at=datetime(2026, 1, 1, 0, 5)) == "2025-12-31"


def test_date_order_decides_ambiguous_numeric_dates():
    assert parse_date("03/12/2026", date_order="DMY") == "2026-12-03"
    assert parse_date("03/12/2026", date_order="MDY") == "2026-03-12"
    # a four-digit year first is unambiguous whatever the site's order
    assert parse_date("2026.03.12", date_order="DMY") == "2026-03-12"


@pytest.mark.parametrize("text", ["", "   ", "12 марта", "Новости", "31.02.2026", "Тел. 222-22-22"])
def test_no_date(text):
    assert parse_date(text, fetched_at=NOW) is None


def test_find_date_returns_the_raw_expression():
    assert find_date("Опубликовано 12 марта 2026 г., 14:30 · Новости") == (
        "12 марта 2026 г., 14:30",
        "2026-03-12",
    )
    assert find_date("вчера, 16:45 · Новости комитетов", fetched_at=NOW) == (
        "вчера, 16:45",
        "2026-03-11",
    )
    assert find_date("В 2026 году заседаний будет больше") is None
