"""One table of countries (store/countries.py) for the parsers, the reports and the command line."""

from __future__ import annotations

import pytest

from crawler.parsers.lexicon import COUNTRY_LINK_TEXT, COUNTRY_NAME_ONLY, find_country
from crawler.registry import national_sites
from store.countries import BY_CODE, CODES, COUNTRIES


def test_every_registry_site_is_in_a_known_country():
    assert {site.country for site in national_sites().values()} <= set(CODES)
    assert tuple(sorted(country.code for country in COUNTRIES)) == CODES


@pytest.mark.parametrize("country", COUNTRIES, ids=lambda c: c.code)
def test_the_parsers_recognise_every_name_in_the_table(country):
    names = (country.name_en, country.short_en, country.name_ru, country.short_ru)
    for name in names:
        assert find_country(f"Delegation of {name}") == country.code, name
        assert COUNTRY_LINK_TEXT.fullmatch(name + ":"), name
        assert COUNTRY_NAME_ONLY.fullmatch(f"the {name}"), name


def test_russian_names_are_recognised_in_other_grammatical_cases():
    for phrase, code in (
        ("Кыргызской Республики", "KG"),
        ("Российской Федерации", "RU"),
        ("Республики Таджикистан", "TJ"),
        ("Беларуси", "BY"),
    ):
        assert COUNTRY_NAME_ONLY.fullmatch(phrase), phrase
        assert find_country(phrase) == code, phrase


def test_the_reports_and_the_command_line_use_the_table():
    from parlwatch.cli_options import KNOWN_COUNTRIES
    from reports.describe import country_name

    assert KNOWN_COUNTRIES == CODES
    assert {code: country_name(code) for code in CODES} == {
        code: BY_CODE[code].name_en for code in CODES
    }
    assert country_name("KG") == "Kyrgyz Republic"
