"""Edge cases of the single-line matchers of the delegations block."""

import pytest

from crawler.parsers.blocklines import (
    looks_like_block_line,
    parse_chambers,
    parse_delegation_sentence,
    parse_representative,
    parse_website,
    split_segments,
)
from crawler.parsers.lexicon import find_country, to_int


def summary(phrase: str) -> list[tuple]:
    return [
        (c["count"], c["member_title"], c["member_role"], c["chamber"])
        for c in parse_chambers(phrase)
    ]


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("6 deputies.", [(6, "deputies", "deputy", None)]),
        ("6 депутатов.", [(6, "депутатов", "deputy", None)]),
        (
            "7 депутатов Палаты представителей и 4 члена Совета Республики",
            [
                (7, "депутатов", "deputy", "Палаты представителей"),
                (4, "члена", "member", "Совета Республики"),
            ],
        ),
        ("12 членов Совета Федерации.", [(12, "членов", "member", "Совета Федерации")]),
        (
            "10 депутатами Государственной Думы и 12 сенаторами Российской Федерации.",
            [
                (10, "депутатами", "deputy", "Государственной Думы"),
                (12, "сенаторами", "senator", None),
            ],
        ),
        ("8 депутатов Мажилиса", [(8, "депутатов", "deputy", "Мажилиса")]),
        ("12 senators of the Russian Federation.", [(12, "senators", "senator", None)]),
        ("12 members of the Federation Council", [(12, "members", "member", "Federation Council")]),
        ("4 deputies from the Council of the Republic",
         [(4, "deputies", "deputy", "Council of the Republic")]),
        (
            "5 deputies of the Chamber of Peace and Accord, 3 members of the Senate and 2 senators "
            "of the Upper House.",
            [
                (5, "deputies", "deputy", "Chamber of Peace and Accord"),
                (3, "members", "member", "Senate"),
                (2, "senators", "senator", "Upper House"),
            ],
        ),
        (
            "twelve members of the Federation Council and ten deputies",
            [(12, "members", "member", "Federation Council"), (10, "deputies", "deputy", None)],
        ),
        ("двенадцатью сенаторами", [(12, "сенаторами", "senator", None)]),
        ("1 deputy of the Mazhilis", [(1, "deputy", "deputy", "Mazhilis")]),
        ("no numbers here", []),
    ],
)  # fmt: skip
def test_parse_chambers(phrase, expected):
    assert summary(phrase) == expected


def test_chamber_names_are_identified_by_body_not_position():
    a = parse_chambers("10 deputies of the State Duma and 12 members of the Federation Council")
    b = parse_chambers("12 members of the Federation Council and 10 deputies of the State Duma")
    assert {c["chamber"]: c["count"] for c in a} == {c["chamber"]: c["count"] for c in b}


def test_delegation_sentence_en():
    record = parse_delegation_sentence(
        "Delegation of the Supreme Council of the Kyrgyz Republic to the CSTO PA consists of "
        "7 deputies."
    )
    assert record["country"] == "KG"
    assert record["parliament"] == "Supreme Council of the Kyrgyz Republic"
    assert record["wording"] == "consists of"
    assert record["seats"] == 7


def test_delegation_sentence_ru_genitive_parliament_kept_as_written():
    record = parse_delegation_sentence(
        "Делегация Федерального Собрания Российской Федерации в ПА ОДКБ состоит из 10 депутатов."
    )
    assert record["language"] == "ru"
    assert record["parliament"] == "Федерального Собрания Российской Федерации"
    assert record["wording"] == "состоит из"


def test_link_text_glued_before_to_the_csto_pa():
    record = parse_delegation_sentence(
        "Delegation of the Parliament of the Republic of Kazakhstanto the CSTO PA consists of "
        "8 deputies from the Mazhilis."
    )
    assert record["parliament"] == "Parliament of the Republic of Kazakhstan"
    assert record["country"] == "KZ"


def test_sentence_ends_at_its_full_stop():
    record = parse_delegation_sentence(
        "Delegation of the Parliament of Kazakhstan to the CSTO PA consists of 8 deputies. "
        "Ivanov I. Petrov P. 12 members"
    )
    assert record["seats"] == 8
    assert record["text"].endswith("8 deputies.")


def test_news_sentence_about_a_delegation_is_not_a_block_line():
    assert (
        parse_delegation_sentence(
            "Delegation of the Parliament of Kazakhstan to the CSTO PA took part in the session."
        )
        is None
    )
    assert parse_delegation_sentence("The Assembly consists of 7 deputies.") is None


def test_garbled_counts_give_a_record_without_seats():
    record = parse_delegation_sentence(
        "Delegation of the Supreme Council of the Kyrgyz Republic to the CSTO PA consists of 1O "
        "deputies."
    )
    assert record["seats"] is None and record["chambers"] == []
    assert record["country"] == "KG"


@pytest.mark.parametrize(
    ("line", "role", "name", "country"),
    [
        (
            "Plenipotentiary Representative of the Parliament of the Republic of Kazakhstan, "
            "deputy Executive Secretary of the CSTO Parliamentary Assembly: Viktor Rogalev",
            "Plenipotentiary Representative of the Parliament of the Republic of Kazakhstan, "
            "deputy Executive Secretary of the CSTO Parliamentary Assembly",
            "Viktor Rogalev",
            "KZ",
        ),
        (
            "Plenipotentiary representative of the Supreme Council of the Kyrgyz "
            "Republic:Shabdanbek Alishev",
            "Plenipotentiary representative of the Supreme Council of the Kyrgyz Republic",
            "Shabdanbek Alishev",
            "KG",
        ),
        (
            "Полномочный представитель Федерального Собрания Российской Федерации – заместитель "
            "Ответственного секретаря ПА ОДКБ: КРОТОВ Михаил",
            "Полномочный представитель Федерального Собрания Российской Федерации – заместитель "
            "Ответственного секретаря ПА ОДКБ",
            "КРОТОВ Михаил",
            "RU",
        ),
        ("Plenipotentiary representative: Viktor Kogut", "Plenipotentiary representative",
         "Viktor Kogut", None),
        ("Plenipotentiary representative of the Republic of Armenia:",
         "Plenipotentiary representative of the Republic of Armenia", None, "AM"),
        ("Полномочный представитель Жогорку Кенеша: Алишев Шабданбек\nИванов Иван",
         "Полномочный представитель Жогорку Кенеша", "Алишев Шабданбек", "KG"),
        ("Plenipotentiary representative of the Kyrgyz Republic: Shabdanbek AlishevRussian "
         "Federation", "Plenipotentiary representative of the Kyrgyz Republic",
         "Shabdanbek Alishev", "KG"),
    ],
)  # fmt: skip
def test_parse_representative(line, role, name, country):
    record = parse_representative(line)
    assert (record["role"], record["name"], record["country"]) == (role, name, country)


@pytest.mark.parametrize(
    ("line", "label", "url"),
    [
        ("Website of the Supreme Council of the Kyrgyz Republic: http://www.kenesh.kg/",
         "Website of the Supreme Council of the Kyrgyz Republic", "http://www.kenesh.kg/"),
        ("Website of the Supreme Council of the Kyrgyz Republic:",
         "Website of the Supreme Council of the Kyrgyz Republic", None),
        ("Website of the Supreme Council of the Kyrgyz Republic: http://www.kenesh.kg/.",
         "Website of the Supreme Council of the Kyrgyz Republic", "http://www.kenesh.kg/"),
        ("Website of the Supreme Council of the Kyrgyz Republic http://www.kenesh.kg/",
         "Website of the Supreme Council of the Kyrgyz Republic", "http://www.kenesh.kg/"),
        ("Сайт Палаты представителей:http://house.gov.by/Республика Казахстан",
         "Сайт Палаты представителей", "http://house.gov.by/"),
        ("Website of the State Duma: duma.gov.ru", "Website of the State Duma", "duma.gov.ru"),
    ],
)  # fmt: skip
def test_parse_website(line, label, url):
    record = parse_website(line)
    assert (record["label"], record["url"]) == (label, url)


def test_website_language_and_country():
    assert parse_website("Сайт Жогорку Кенеша Кыргызской Республики:")["language"] == "ru"
    assert parse_website("Сайт Мажилиса: http://www.parlam.kz/")["country"] == "KZ"
    assert parse_website("Сайт на техническом обслуживании") is None
    assert not looks_like_block_line("Сайт на техническом обслуживании")
    assert looks_like_block_line("Plenipotentiary representative Viktor Kogut")


def test_split_segments_at_glued_line_starts():
    text = (
        "Website of the Supreme Council of the Kyrgyz Republic: http://www.kenesh.kg/Delegation of "
        "the Federal Assembly of the Russian Federation to the CSTO PA consists of 22 members. "
        "Plenipotentiary representative of the Federal Assembly: Mikhail Krotov"
    )
    segments = split_segments(text)
    assert [s.split()[0] for s in segments] == ["Website", "Delegation", "Plenipotentiary"]
    assert parse_website(segments[0])["url"] == "http://www.kenesh.kg/"


def test_split_segments_leaves_lower_case_mentions_alone():
    text = "The delegation of Armenia visited the website of the Assembly."
    assert split_segments(text) == [text]
    assert split_segments("Republic of BelarusDelegation of the") == [
        "Republic of Belarus",
        "Delegation of the",
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Национального собрания Республики Беларусь", "BY"),
        ("Парламента Республики Казахстан", "KZ"),
        ("Жогорку Кенеша Кыргызской Республики", "KG"),
        ("Федерального Собрания Российской Федерации", "RU"),
        ("Маджлиси Оли Республики Таджикистан", "TJ"),
        ("Национального Собрания Республики Армения", "AM"),
        ("Supreme Council of the Kyrgyz Republic", "KG"),
        ("Parliament of Kazakhstan", "KZ"),
        ("Federal Assembly of the Russian Federation", "RU"),
        ("National Assembly of the Republic of Armenia", "AM"),
        ("Supreme Assembly of the Republic of Tajikistan", "TJ"),
        ("the State Duma", "RU"),
        ("the Mazhilis", "KZ"),
        ("Parliament of the Russian Federation and the Republic of Belarus", "RU"),
        ("the CSTO Parliamentary Assembly", None),
    ],
)
def test_find_country(text, code):
    assert find_country(text) == code


@pytest.mark.parametrize(
    ("word", "value"),
    [("12", 12), ("twelve", 12), ("Six", 6), ("twenty-two", 22), ("восьми", 8), ("семью", 7)],
)
def test_number_words(word, value):
    assert to_int(word) == value


def test_a_leading_total_is_not_a_chamber():
    record = parse_delegation_sentence(
        "Delegation of the Parliament of Kazakhstan to the CSTO PA consists of 16 members: "
        "8 deputies of the Mazhilis and 8 senators."
    )
    assert record["seats"] == 16
    assert [(c["count"], c["chamber"]) for c in record["chambers"]] == [
        (8, "Mazhilis"),
        (8, None),
    ]


def test_count_with_number_in_words_in_brackets():
    assert summary("7 (seven) deputies of the Mazhilis") == [(7, "deputies", "deputy", "Mazhilis")]


def test_country_link_text_glued_onto_an_address_is_cut():
    line = "Website of the Council: http://www.sovrep.gov.by/ru/Republic of Kazakhstan"
    assert parse_website(line)["url"] == "http://www.sovrep.gov.by/ru/"
    assert (
        parse_website("Website of X: http://x.by/Default.aspx")["url"] == "http://x.by/Default.aspx"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Viktor Kogut", True),
        ("КРОТОВ Михаил Владимирович", True),
        ("Kyrgyz Republic", False),
        ("Members of the delegation", False),
        ("Ivanov I., Petrov P., Sidorov S., Smirnov A., Popov B., Orlov C., Volkov D.", False),
        ("http://www.kenesh.kg/", False),
        ("Website of the Mazhilis", False),
    ],
)
def test_is_name_like(text, expected):
    from crawler.parsers.blocklines import is_name_like

    assert is_name_like(text) is expected


def test_plural_representatives_label():
    record = parse_representative("Plenipotentiary representatives of the Mazhilis: A. B, C. D")
    assert record["role"] == "Plenipotentiary representatives of the Mazhilis"
    assert record["country"] == "KZ"
