"""The delegations block recurs on every page of a crawl and is read once: a page parsed again
gives exactly what it gave the first time, however its first result was changed since."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from crawler.parsers import parse_pacsto_page

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"


@pytest.mark.parametrize(
    ("name", "url", "language"),
    [
        ("en_2025_modern.html", "https://pacsto.org/", "en"),
        ("en_2026_cells.html", "https://pacsto.org/", "en"),
        ("ru_2026_br.html", "https://paodkb.org/", "ru"),
        ("ru_country_by_cp1251.html", "https://paodkb.org/countries/respublika-belarus", "ru"),
    ],
)
def test_a_page_parsed_again_reads_the_same_records(name, url, language):
    body = (PAGES / name).read_bytes()
    first = parse_pacsto_page(body, url, language=language)
    kept = copy.deepcopy(first.to_dict())
    assert first.records, "the fixture has records"
    for record in first.records:  # a caller changing what it got must not change later reads
        record["country"] = "XX"
        for chamber in record.get("chambers") or []:
            chamber["count"] = -1
    again = parse_pacsto_page(body, url, language=language)
    assert again.to_dict() == kept


def test_a_line_read_before_takes_the_country_of_the_sentence_above_it_on_this_page():
    from crawler.parsers.delegations import read_delegations
    from crawler.parsers.textlines import Line

    website = "Website of the Parliament: http://parliament.example/"
    sentences = {
        "BY": "Delegation of the National Assembly of the Republic of Belarus to the CSTO PA "
        "consists of 7 deputies.",
        "KZ": "Delegation of the Parliament of the Republic of Kazakhstan to the CSTO PA "
        "consists of 8 deputies.",
    }
    for country, sentence in [*sentences.items(), *sentences.items()]:
        lines = [Line(0, sentence, None), Line(1, website, None)]
        records = dict(read_delegations(lines).records)
        assert (records[0]["country"], records[1]["country"]) == (country, country)


@pytest.mark.parametrize(
    "text",
    ["28 May 2025", "May 28, 2025", "28 мая 2025", "1 Ноября 2026", "05.03.2026", "25/12/2024"],
)
def test_dates_written_out_read_as_dateparser_reads_them(text):
    import dateparser

    from crawler.parsers.news import DATE_SETTINGS, _plain_date

    expected = dateparser.parse(text, languages=["en", "ru"], settings=DATE_SETTINGS)
    assert _plain_date(text) == expected.date()


def test_other_date_forms_are_left_to_dateparser():
    from crawler.parsers.news import _plain_date, parse_date

    assert _plain_date("03.25.2026") is None and _plain_date("Nov. 5, 2026") is None
    assert parse_date("Nov. 5, 2026") == "2026-11-05"
