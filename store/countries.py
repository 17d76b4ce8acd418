"""The assembly's member states: ISO code, names in English and Russian, and the words that name
them. The one table of countries: the parsers build their regular expressions from it
(crawler/parsers/lexicon.py), the reports take their names from it (reports/describe.py) and the
command line its codes (parlwatch/cli_options.py).

A new spelling seen on a site is a change to one row here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    """One member state. The ``*_cases`` and ``cue`` fields are regular expressions, matched
    case-insensitively; the names are plain text, as the sites write them."""

    code: str  # ISO 3166-1 alpha-2
    name_en: str  # the official name, as reports write it: "Kyrgyz Republic"
    short_en: str  # "Kyrgyzstan"
    name_ru: str  # "Кыргызская Республика"
    short_ru: str  # "Кыргызстан"
    # the official and short Russian names in every grammatical case ("Кыргызской Республики")
    name_ru_cases: str
    short_ru_cases: str
    # any word that shows a text is about the country, in either language: names, adjectives
    # ("Kyrgyz", "Российской"), older spellings ("Kirghiz", "Byelorussia")
    cue: str


COUNTRIES: tuple[Country, ...] = (
    Country(
        "BY",
        "Republic of Belarus",
        "Belarus",
        "Республика Беларусь",
        "Беларусь",
        r"республик\w*\s+беларусь",
        r"беларус\w*",
        r"belarus|byelorussia|беларус|белорус",
    ),
    Country(
        "KZ",
        "Republic of Kazakhstan",
        "Kazakhstan",
        "Республика Казахстан",
        "Казахстан",
        r"республик\w*\s+казахстан",
        r"казахстан\w*",
        r"kazakh|qazaq|казахстан",
    ),
    Country(
        "KG",
        "Kyrgyz Republic",
        "Kyrgyzstan",
        "Кыргызская Республика",
        "Кыргызстан",
        r"кыргызск\w*\s+республик\w*",
        r"кыргызстан\w*",
        r"kyrgyz|kirghiz|kirgiz|кыргыз|киргиз",
    ),
    Country(
        "RU",
        "Russian Federation",
        "Russia",
        "Российская Федерация",
        "Россия",
        r"российск\w*\s+федераци\w*",
        r"росси\w*",
        r"russian\s+federation|\brussia\b|российск\w*\s+федераци|\bросси(?:я|и|ю|ей)\b",
    ),
    Country(
        "TJ",
        "Republic of Tajikistan",
        "Tajikistan",
        "Республика Таджикистан",
        "Таджикистан",
        r"республик\w*\s+таджикистан",
        r"таджикистан\w*",
        r"tajik|tadzhik|таджик",
    ),
    # Armenia appears in some of the assembly's captures
    Country(
        "AM",
        "Republic of Armenia",
        "Armenia",
        "Республика Армения",
        "Армения",
        r"республик\w*\s+армения",
        r"армени\w*",
        r"armenia|армени",
    ),
)
BY_CODE: dict[str, Country] = {country.code: country for country in COUNTRIES}
CODES: tuple[str, ...] = tuple(sorted(BY_CODE))  # "AM", "BY", ...
