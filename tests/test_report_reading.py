"""What a non-programmer reads: time axes for short and long spans, membership timelines,
disagreements as sentences, full diffs in the text commands, the capture a change links to,
and the significance of the ordinary flow of news. Without a crawl; the crawled histories are
in test_report.py and test_report_formats.py."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

from reports.changes import value_change
from reports.checks import Finding
from reports.links import best_capture, page_country
from reports.significance import judge, rank
from reports.svgchart import TimeAxis
from reports.timeline import timeline_svg
from store.captures import SiblingCapture
from store.report_queries import ChangeSet
from store.tenures import Tenure
from store.transitions import CaptureRef

T0 = datetime(2026, 1, 1, 6, 0)
SITE = "http://127.0.0.1:40101"


def test_short_span_is_drawn_crawl_by_crawl_long_span_by_date():
    crawls = [(1, T0), (10, T0 + timedelta(seconds=13)), (19, T0 + timedelta(seconds=21))]
    short = TimeAxis.make([T0, T0 + timedelta(seconds=14)], crawls, crawls[-1][1], 0, 300)
    assert short.by_crawl and short.title.startswith("crawl")
    # each crawl one equal step, however unequal the seconds between them
    assert [short.x(t) for _, t in crawls] == [0, 100, 200]
    assert short.x(T0 + timedelta(seconds=14)) == 100 and short.x(None) == 300
    assert [label.split("|")[0] for _, label, _ in short.ticks()] == [
        "crawl 1",
        "crawl 10",
        "crawl 19",
    ]
    years = [(n, T0 + timedelta(days=200 * n)) for n in range(3)]
    long = TimeAxis.make([T0, years[-1][1]], years, years[-1][1], 0, 300)
    assert not long.by_crawl and long.title == "date of crawl (UTC)"
    assert long.x(years[1][1]) < long.x(years[2][1]) < 300
    assert all(label[:4] in ("2026", "2027") for _, label, _ in long.ticks())


def tenure(name, language, start=None, end=None, first_seen=T0):
    return Tenure(
        entity=f"pacsto/{language}/member/TJ/{name}",
        name=name,
        country="TJ",
        chamber="Маджлиси намояндагон",
        source="pacsto",
        language=language,
        role=None,
        first_seen=first_seen,
        start=start,
        end=end,
    )


def test_membership_timeline_shows_who_joined_and_left():
    later = T0 + timedelta(seconds=20)
    tenures = [
        tenure("Бобоев Исмоил", "ru", end=later),
        tenure("Курбонзода Рустам", "ru", start=later, first_seen=later),
        tenure("Мирзоев <b>Абдурахмон</b>", "ru"),
        tenure("Ismoil Boboev", "en"),
    ]
    crawls = [(1, T0), (10, T0 + timedelta(seconds=10)), (19, later)]
    svg = str(timeline_svg(tenures, later, crawls))
    root = ET.fromstring(svg)  # well-formed, labels escaped
    names = [el.text for el in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "English edition" in names and "Russian edition" in names
    assert "Мирзоев <b>Абдурахмон</b>" in names and "<b>" not in svg
    titles = [el.text for el in root.iter("{http://www.w3.org/2000/svg}title")]
    assert "Бобоев Исмоил: listed before the first crawl, until 2026-01-01 06:00:20" in titles
    assert any(t.startswith("Курбонзода Рустам: listed since 2026-01-01 06:00:20") for t in titles)
    assert svg.count("<circle") == 1 and svg.count("<path") == 1  # one joined, one left
    assert svg.count('stroke-dasharray="4 2"') == 3  # three already listed at the first crawl


def test_disagreements_read_as_sentences():
    lists = Finding(
        kind="language-lists",
        country="TJ",
        subject="the English and Russian member lists differ",
        values={"pacsto/en only": ["Ismoil Boboev"], "pacsto/ru only": []},
        since=T0,
    )
    assert lists.sentence() == (
        "the English and Russian member lists differ — only pacsto/en lists Ismoil Boboev; "
        "everyone pacsto/ru lists is on the other list too."
    )
    counts = Finding("seats-vs-names", "KZ", "pacsto/en: seats stated vs names listed",
                     {"pacsto/en seats": 16, "pacsto/en names": 12}, T0,
                     detail="12 names listed for 16 seats")  # fmt: skip
    assert "pacsto/en states 16 seats; pacsto/en lists 12 names." in counts.sentence()
    assert "[" not in lists.sentence() + counts.sentence()


def test_text_commands_show_the_whole_difference():
    old = "The delegation of the Russian Federation to the CSTO PA consists of 10 deputies " * 2
    new = old.replace("consists of 10 deputies", "is represented by 10 deputies", 1) + " Extra."
    shown = value_change(old, new)
    assert "[-consists of-]{+is represented by+}" in shown and "{+Extra.+}" in shown
    assert value_change(12, 11) == "12 -> 11"


def test_a_delegation_links_its_own_country_page_else_the_home_page():
    at = T0
    tj = SiblingCapture(5, f"{SITE}/countries/republic-of-tajikistan", at, 200)
    ru = SiblingCapture(6, f"{SITE}/countries/russian-federation", at, 200)
    home = SiblingCapture(7, f"{SITE}/", at, 200)
    recorded = CaptureRef(5, tj.url, at, 200)
    assert page_country(ru.url) == "RU" and page_country(home.url) is None
    assert best_capture(recorded, "RU", [tj, home, ru]).id == 6
    assert best_capture(recorded, "RU", [tj, home]).id == 7
    assert best_capture(recorded, "RU", [tj]).id == 5  # nothing better: as recorded
    gone = CaptureRef(9, f"{SITE}/countries/x", at, 404)
    assert best_capture(gone, "RU", [ru]) is gone  # the page that answered "gone" stays


def news_change(change: str) -> ChangeSet:
    content = {"title": "Council met", "url": f"{SITE}/events/x", "published": "2026-01-01"}
    return ChangeSet(
        entity="pacsto/en/news/events/x",
        type="news",
        site="pacsto",
        language="en",
        country=None,
        crawl=1,
        detected_at=T0,
        change=change,
        version=2 if change == "added" else None,
        previous_version=None if change == "added" else 1,
        old=None if change == "added" else content,
        new=content if change == "added" else None,
        old_hash=None,
        new_hash=None,
        fields=[],
    )


def test_publishing_news_is_routine_below_wording():
    for change in ("added", "removed"):
        verdict = judge(news_change(change))
        assert verdict.level == "routine", change
        assert rank("minor") < rank(verdict.level) < rank("wording") < rank("substantive")
