"""parse_member_list on saved delegation pages in different markups."""

import pytest

from crawler.parsers.national import MemberListNotFound, ParseError, parse_member_list

HOUSE = {"site": "house_by", "country": "BY", "chamber": "House of Representatives"}
HOUSE_URL = "https://house.gov.by/ru/odkb/"


def members(html, url=HOUSE_URL, language="ru", **site):
    return parse_member_list(html, url, language=language, **(site or HOUSE))


def brief(records):
    return [(r["position"], r["name"], r["role"], r["role_text"]) for r in records]


HOUSE_MEMBERS = [
    (1, "Коваленко Андрей Петрович", "head", "Руководитель делегации"),
    (2, "Лисовская Ольга Викторовна", "deputy_head", "Заместитель руководителя делегации"),
    (3, "Гуринович Сергей Николаевич", "member", "Член делегации"),
    (4, "Ядевич Ирина Ивановна", "member", "Член делегации"),
]


def test_table_with_header_row_and_photo_column(page):
    records = members(page("members_house_ru_table.html"))
    assert records[0] == {
        "type": "member",
        "country": "BY",
        "chamber": "House of Representatives",
        "name": "Коваленко Андрей Петрович",
        "role": "head",
        "role_text": "Руководитель делегации",
        "source": "house_by",
        "language": "ru",
        "profile_url": "https://house.gov.by/ru/deputies/kovalenko-123/",
        "position": 1,
    }
    assert brief(records) == HOUSE_MEMBERS
    assert [r["profile_url"] for r in records][1:] == [
        "https://house.gov.by/ru/deputies/lisovskaya-124/",
        "https://house.gov.by/ru/deputies/gurinovich-125/",
        None,
    ]


def test_sidebar_headline_that_looks_like_a_name_is_not_a_member(page):
    html = page("members_house_ru_table.html")
    assert "Дмитрий Сергеевич Ковалев" in html
    assert "Дмитрий Сергеевич Ковалев" not in [r["name"] for r in members(html)]


@pytest.mark.parametrize("name", ["members_house_ru_cards.html", "members_house_ru_list.html"])
def test_redesign_yields_the_same_records(page, name):
    """Cards (photo link + "Подробнее") and "Name — role" list items give the table's records."""
    assert members(page(name)) == members(page("members_house_ru_table.html"))


def test_list_items_normalise_whitespace_in_names(page):
    html = page("members_house_ru_list.html")
    assert "Коваленко  Андрей&nbsp;Петрович" in html
    assert members(html)[0]["name"] == "Коваленко Андрей Петрович"


def test_english_cards(page):
    records = members(page("members_house_en.html"), "https://house.gov.by/en/odkb/", "en")
    assert brief(records) == [
        (1, "Andrei Kovalenko", "head", "Head of the delegation"),
        (2, "Olga Lisovskaya", "deputy_head", "Deputy Head"),
        (3, "Sergei Gurinovich", "member", "Member"),
        (4, "Irina Yadevich", "member", "Member"),
    ]
    assert records[0]["profile_url"] == "https://house.gov.by/en/deputies/andrei-kovalenko-123/"
    assert records[3]["profile_url"] is None
    assert {r["language"] for r in records} == {"en"}


def test_windows_1251_page_with_section_labels_and_caps_surnames(page):
    site = {"site": "sovrep_by", "country": "BY", "chamber": "Council of the Republic"}
    records = members(
        page("members_sovrep_cp1251.html"), "https://sovrep.gov.by/ru/pa-odkb/", **site
    )
    assert brief(records) == [
        (1, "ПЕТРОВСКИЙ Виктор Степанович", "head", "Руководитель делегации"),
        (2, "КОНОНЕНКО Галина Федоровна", "deputy_head", "Заместитель руководителя делегации"),
        (3, "ЖУРАВСКИЙ Олег Иосифович", "member", "Члены делегации"),
        (4, "ШЕВЧУК Тамара Николаевна", "member", "Члены делегации"),
    ]
    assert {r["chamber"] for r in records} == {"Council of the Republic"}
    assert {r["source"] for r in records} == {"sovrep_by"}


TJ = {"site": "parlament_tj", "country": "TJ", "chamber": "Majlisi Oli"}
TJ_MEMBERS = [
    ("Рахимзода Шерали Давлат", "head", "Majlisi Milli", "http://parlament.tj/ru/persons/101"),
    ("Сафарова Гулнора Каримовна", "member", "Majlisi Milli", None),
    ("Назаров Фаридун Олимович", "deputy_head", "Majlisi Namoyandagon",
     "http://parlament.tj/ru/persons/205"),
    ("Муродов Далер Саидович", "member", "Majlisi Namoyandagon", None),
    ("Холова Мехринисо Абдуллоевна", "member", "Majlisi Namoyandagon", None),
]  # fmt: skip


@pytest.mark.parametrize("name", ["members_tj_sections.html", "members_tj_table.html"])
def test_two_chambers_named_by_section_headings_or_by_a_column(page, name):
    records = members(page(name), "http://parlament.tj/ru/odkb", **TJ)
    got = [(r["name"], r["role"], r["chamber"], r["profile_url"]) for r in records]
    assert got == TJ_MEMBERS
    assert [r["position"] for r in records] == [1, 2, 3, 4, 5]


def test_role_text_is_verbatim_from_each_markup(page):
    sections = members(page("members_tj_sections.html"), **TJ)
    table = members(page("members_tj_table.html"), **TJ)
    # the role the name sits under ("Члены делегации:") vs its own cell ("Член делегации")
    assert [r["role_text"] for r in sections] == [
        "Руководитель делегации", "Члены делегации", "Заместитель руководителя делегации",
        "Члены делегации", "Члены делегации",
    ]  # fmt: skip
    assert table[1]["role_text"] == "Член делегации"


def test_national_position_is_not_a_delegation_role(page):
    """ "заместитель Председателя Маджлиси милли" is the head's post at home, not deputy head."""
    first = members(page("members_tj_sections.html"), **TJ)[0]
    assert (first["name"], first["role"]) == ("Рахимзода Шерали Давлат", "head")


def test_paragraphs_with_inline_labels_and_a_comma_list(page):
    site = {"site": "duma_ru", "country": "RU", "chamber": "State Duma"}
    records = members(page("members_duma_text.html"), "http://duma.gov.ru/duma/international/odkb/",
                      **site)  # fmt: skip
    assert brief(records) == [
        (1, "Воронцов Михаил Андреевич", "head", "Руководитель делегации"),
        (2, "Белова Наталья Сергеевна", "deputy_head", "Заместитель руководителя делегации"),
        (3, "Гришин П.А.", "member", "Члены делегации"),
        (4, "Дорохов К.В.", "member", "Члены делегации"),
        (5, "Ефимова Л.М.", "member", "Члены делегации"),
    ]
    assert records[0]["profile_url"] == "http://duma.gov.ru/duma/persons/99100001/"
    # the "Руководство Государственной Думы" sidebar lists other people: none of them is a member
    assert not {"Жуков Александр Дмитриевич", "Зубов Игорь Николаевич"} & {
        r["name"] for r in records
    }


def test_name_and_role_spans_without_separator(page):
    site = {"site": "kenesh_kg", "country": "KG", "chamber": "Jogorku Kenesh"}
    records = members(page("members_kenesh_spans.html"), "https://kenesh.kg/ru/pages/odkb", **site)
    assert [(r["name"], r["role"], r["role_text"], r["profile_url"]) for r in records] == [
        ("МАМЫТОВ Эрлан Токтосунович", "head", "Глава делегации", "https://kenesh.kg/ru/deputies/417"),
        ("Абдыкадырова Айгуль Жумабековна", "member", "член делегации",
         "https://kenesh.kg/ru/deputies/418"),
        ("Токтогулов Нурлан Асанович", "member", "член делегации",
         "https://kenesh.kg/ru/deputies/419"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "name", ["maintenance.html", "news_house_ru_list.html", "article_house_ru_2025.html"]
)
def test_pages_without_a_member_list_raise(page, name):
    with pytest.raises(MemberListNotFound):
        members(page(name))


def test_empty_page_raises_a_parse_error():
    with pytest.raises(ParseError):
        members("")
    assert issubclass(MemberListNotFound, ParseError)
