"""Words the parsers recognise: countries, counted nouns, number words (English and Russian).

Kept apart from the regexes that use them so that a new spelling seen on the site is a one-line
change here.
"""

from __future__ import annotations

import re

from store.countries import COUNTRIES

# Country cues, matched case-insensitively: each country's ``cue`` in store/countries.py. Russian
# stems cover the grammatical cases ("Республики Казахстан", "Кыргызской Республики", ...).
COUNTRY_CUES = {country.code: re.compile(country.cue, re.I) for country in COUNTRIES}
# Parliament / chamber names that identify a country on their own. Used only when no country
# name is present, e.g. "Website of the Mazhilis: ...".
_CHAMBER_CUES: dict[str, str] = {
    "KZ": r"ma[jz]h?ilis|мажилис",
    "KG": r"jogorku|zhogorku|жогорку",
    "TJ": r"majlisi|маджлиси",
    "RU": r"state\s+duma|federation\s+council|государственн\w+\s+дум|совет\w*\s+федерации",
}
CHAMBER_CUES = {code: re.compile(rx, re.I) for code, rx in _CHAMBER_CUES.items()}


def _spaced(name: str) -> str:
    """A name as a regular expression, any run of whitespace between its words."""
    return r"\s+".join(map(re.escape, name.split()))


# A phrase that is only a country name ("the Russian Federation", "Российской Федерации"). A
# chamber tail like this names no chamber: "12 senators of the Russian Federation". Official
# names come before short ones, so "Russian Federation" is read whole, not as "Russia".
COUNTRY_NAME_ONLY = re.compile(
    r"(?:the\s+)?(?:"
    + "|".join(
        [
            *(_spaced(c.name_en) for c in COUNTRIES),
            *(_spaced(c.short_en) for c in COUNTRIES),
            *(c.name_ru_cases for c in COUNTRIES),
            *(c.short_ru_cases for c in COUNTRIES),
        ]
    )
    + ")",
    re.I,
)

# A country's own name as a link or heading text ("Кыргызская Республика", "Republic of Belarus").
_COUNTRY_LINK_TEXT = "|".join(
    _spaced(getattr(c, name))
    for name in ("name_en", "short_en", "name_ru", "short_ru")
    for c in COUNTRIES
)
COUNTRY_LINK_TEXT = re.compile(rf"(?:{_COUNTRY_LINK_TEXT})[.:]?")
# The same at the end of a value, after a space or glued to a lower-case letter: the next
# country's heading, not part of a representative's name.
TRAILING_COUNTRY_NAME = re.compile(rf"(?:(?<=\s)|(?<=[a-zа-яё]))(?:{_COUNTRY_LINK_TEXT})\s*$")


def find_country(text: str) -> str | None:
    """ISO alpha-2 code of the country named earliest in ``text``; chamber names as fallback."""
    for table in (COUNTRY_CUES, CHAMBER_CUES):
        hits = [(m.start(), code) for code, rx in table.items() if (m := rx.search(text))]
        if hits:
            return min(hits)[1]
    return None


# Nouns that follow a seat count. Canonical roles: deputy | member | senator.
COUNTED_NOUN = (
    r"deput(?:y|ies)|members?|senators?|parliamentarians?|representatives?|MPs?"
    r"|депутат\w*|член\w*|сенатор\w*|парламентари\w*|представител\w*"
)


def member_role(noun: str) -> str:
    """Canonical role for a counted noun; anything unknown counts as a plain member."""
    noun = noun.lower()
    if noun.startswith(("deput", "депутат")):
        return "deputy"
    if noun.startswith(("senator", "сенатор")):
        return "senator"
    return "member"


# fmt: off
_EN_NUMBERS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
]
# fmt: on
# Russian cardinals in the cases a delegation sentence can use (nominative, genitive,
# instrumental): "двенадцать", "двенадцати", "двенадцатью".
_RU_NUMBERS: dict[int, tuple[str, ...]] = {
    1: ("один", "одна", "одного", "одной", "одним", "одной"),
    2: ("два", "две", "двух", "двумя"),
    3: ("три", "трех", "трёх", "тремя"),
    4: ("четыре", "четырех", "четырёх", "четырьмя"),
    8: ("восемь", "восьми", "восемью", "восьмью"),
}
# fmt: off
_RU_SOFT = [  # 5..20 (8 above): nominative ends in -ь; genitive -и, instrumental -ью
    "пять", "шесть", "семь", "", "девять", "десять", "одиннадцать", "двенадцать", "тринадцать",
    "четырнадцать", "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать",
    "двадцать",
]
# fmt: on
for _n, _word in enumerate(_RU_SOFT, start=5):
    if _word:
        _RU_NUMBERS[_n] = (_word, _word[:-1] + "и", _word[:-1] + "ью")

NUMBER_WORDS: dict[str, int] = {w: n for n, w in enumerate(_EN_NUMBERS)}
NUMBER_WORDS |= {"twenty-" + w: 20 + n for n, w in enumerate(_EN_NUMBERS[1:10], start=1)}
NUMBER_WORDS |= {form: n for n, forms in _RU_NUMBERS.items() for form in forms}
NUMBER_WORD = "|".join(sorted(map(re.escape, NUMBER_WORDS), key=len, reverse=True))


def to_int(count: str) -> int:
    """``"12"`` or ``"twelve"`` / ``"двенадцати"`` -> 12."""
    return int(count) if count.isdigit() else NUMBER_WORDS[count.lower()]


# -- country pages -------------------------------------------------------------------------------

# Chambers a member's post can name, matched verbatim ("House of Representatives", "Палаты
# представителей", "Маджлиси милли"). The earliest match in a post wins, so "Deputy of the House of
# Representatives of the National Assembly" names the House, not the National Assembly.
CHAMBER_PHRASE = re.compile(
    r"(?<!\w)(?:House\s+of\s+Representatives|Council\s+of\s+the\s+Republic|State\s+Duma"
    r"|Federation\s+Council|Council\s+of\s+the\s+Federation|Ma[jz]h?ilis|Senate"
    r"|Majlisi\s+Milli|Majlisi\s+Namoyandagon|Assembly\s+of\s+Representatives"
    r"|National\s+Assembly|Supreme\s+Council|Jogorku\s+Kenesh"
    r"|Палат\w*\s+представителей|Совет\w*\s+Республики|Государственн\w*\s+Дум\w*"
    r"|Совет\w*\s+Федерации|Мажилис\w*|Сенат(?:а|е|ом|у)?|Маджлиси\s+милл[иӣ]|Маджлиси\s+намояндагон"
    r"|Национальн\w*\s+собрани\w*|Жогорку\s+Кенеш\w*)(?!\w)",
    re.I,
)
# A member's post starts with an office ("Deputy of ...", "депутат ...", "Chairman of ...").
POST_START = re.compile(
    r"(?:first\s+|deputy\s+|vice[\s-]+)?(?:deput(?:y|ies)|members?|senators?|chair(?:man|woman|person)?"
    r"|speaker|head|president|secretary)\b"
    r"|(?:перв\w+\s+)?(?:депутат|член|сенатор|председател|заместител|руководител|секретар|спикер"
    r"|вице-)\w*",
    re.I,
)
# The label of a country page's name list: "Members of the delegation:", "Состав делегации:".
LIST_LABEL = re.compile(
    r"(?:the\s+)?(?:members?|composition|list)(?:\s+of)?(?:\s+the)?(?:\s+\w+)?\s+delegation"
    r"|(?:the\s+)?(?:\w+\s+)?delegation\s+members?|members?"
    r"|(?:состав|член\w*|списо?к\w*)(?:\s+член\w*)?(?:\s+\w+)?\s+делегаци\w*|состав|члены"
    r"|в\s+состав\s+делегации\s+вход\w*|(?:the\s+)?delegation\s+(?:consists\s+of|includes)",
    re.I,
)


# -- links ---------------------------------------------------------------------------------------

# The text of a "read more" / profile link ("Подробнее", "Биография", "Read more", "»"): page
# furniture next to a name or a headline, never one itself.
MORE = re.compile(
    r"(?:подробн\w*|читать(?:\s+\w+)?|далее|ещё|еще|биография|профиль|страница\s+\w+|"
    r"персональная\s+страница|перейти|more|read\s+more|details|profile|biography|"
    r"view\s+profile|continue\s+reading|cv)\W*|[»→>.…]+",
    re.I,
)
