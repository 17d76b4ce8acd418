"""parse_member_list on small markups: each way of writing a name and its role, inside the same
chrome (a menu, a news sidebar with a name-like headline, a footer)."""

import pytest

from crawler.parsers.national import MemberListNotFound, parse_member_list

TOP = """<html><head><meta charset="utf-8"><title>ПА ОДКБ</title></head><body>
<div class="hdr"><a href="/">Палата представителей</a><ul><li><a href="/ru/">Главная</a></li>
<li><a href="/ru/news/">Новости</a></li><li><a href="/ru/contacts/">Контакты</a></li></ul></div>
<div class="c"><h1>Делегация в ПА ОДКБ</h1>"""
BOTTOM = """</div><div class="side"><h3>Новости</h3><ul>
<li><a href="/ru/news/1">Президент подписал закон</a></li>
<li><a href="/ru/news/2">Сергей Петров провел встречу с избирателями</a></li></ul></div>
<div class="f">© 2026 Палата представителей</div></body></html>"""
HEAD_AND_MEMBER = [
    ("Иванов Иван Иванович", "head", "Руководитель делегации"),
    ("Петров Петр Петрович", "member", "Член делегации"),
]


def parse(body):
    return parse_member_list(
        TOP + body + BOTTOM,
        "https://house.gov.by/ru/odkb/",
        site="house_by",
        country="BY",
        chamber="House of Representatives",
        language="ru",
    )


def roles(records):
    return [(r["name"], r["role"], r["role_text"]) for r in records]


@pytest.mark.parametrize(
    "body",
    [
        "<dl><dt>Иванов Иван Иванович</dt><dd>Руководитель делегации</dd>"
        "<dt>Петров Петр Петрович</dt><dd>Член делегации</dd></dl>",
        "<h2>Состав</h2><h3>Иванов Иван Иванович</h3><p>Руководитель делегации</p>"
        "<h3>Петров Петр Петрович</h3><p>Член делегации</p>",
        "<p>Иванов Иван Иванович<br>Руководитель делегации</p>"
        "<p>Петров Петр Петрович<br>Член делегации</p>",
        "<table><tr><th>Должность</th><th>ФИО</th></tr>"
        "<tr><td>Руководитель делегации</td><td>Иванов Иван Иванович</td></tr>"
        "<tr><td>Член делегации</td><td>Петров Петр Петрович</td></tr></table>",
        "<p>1. Иванов Иван Иванович – Руководитель делегации;</p>"
        "<p>2. Петров Петр Петрович – Член делегации.</p>",
        "<p><b>Руководитель делегации:</b> Иванов Иван Иванович</p>"
        "<p><b>Член делегации:</b> Петров Петр Петрович</p>",
    ],
    ids=["dl", "flat-h3-p", "br", "role-column-first", "numbered", "label-colon"],
)
def test_name_role_pairs(body):
    assert roles(parse(body)) == HEAD_AND_MEMBER


def test_caps_surname_split_by_br_is_one_name():
    records = parse(
        "<div><div><h4>ИВАНОВ<br>Иван Иванович</h4><span>руководитель делегации</span></div>"
        "<div><h4>ПЕТРОВ<br>Петр Петрович</h4><span>член делегации</span></div></div>"
    )
    assert roles(records) == [
        ("ИВАНОВ Иван Иванович", "head", "руководитель делегации"),
        ("ПЕТРОВ Петр Петрович", "member", "член делегации"),
    ]


def test_initials_and_parenthesised_roles():
    records = parse(
        "<ul><li>И.И. Иванов (заместитель руководителя делегации)</li>"
        "<li>Петров П.П. (член делегации)</li></ul>"
    )
    assert roles(records) == [
        ("И.И. Иванов", "deputy_head", "заместитель руководителя делегации"),
        ("Петров П.П.", "member", "член делегации"),
    ]


def test_flat_cards_take_the_more_link_that_follows_each_name():
    records = parse(
        '<h3>Иванов Иван Иванович</h3><p>Руководитель делегации</p><a href="/ru/d/1">Подробнее</a>'
        '<h3>Петров Петр Петрович</h3><p>Член делегации</p><a href="/ru/d/2">Подробнее</a>'
    )
    assert [r["profile_url"] for r in records] == [
        "https://house.gov.by/ru/d/1",
        "https://house.gov.by/ru/d/2",
    ]


def test_whole_card_is_a_link_with_glued_spans():
    records = parse(
        '<div><a href="/structure/persons/1/"><img src="1.jpg"><span>Иванов Иван Иванович</span>'
        '<span>Руководитель делегации</span></a><a href="/structure/persons/2/"><img src="2.jpg">'
        "<span>Петров Петр Петрович</span><span>сенатор Российской Федерации</span></a></div>"
    )
    assert [(r["name"], r["role"], r["role_text"], r["profile_url"]) for r in records] == [
        ("Иванов Иван Иванович", "head", "Руководитель делегации",
         "https://house.gov.by/structure/persons/1/"),
        ("Петров Петр Петрович", "member", "сенатор Российской Федерации",
         "https://house.gov.by/structure/persons/2/"),
    ]  # fmt: skip


def test_role_given_in_a_sentence_above_a_plain_list():
    records = parse(
        "<p>В состав делегации входят два депутата. Руководитель делегации — Председатель Палаты "
        "представителей Иванов Иван Иванович.</p>"
        "<ul><li>Иванов Иван Иванович</li><li>Петров Петр Петрович</li></ul>"
    )
    assert roles(records) == [
        ("Иванов Иван Иванович", "head", "Руководитель делегации"),
        ("Петров Петр Петрович", "member", None),
    ]


def test_names_without_any_role_under_a_delegation_heading():
    records = parse("<ul><li>Иванов Иван Иванович</li><li>Петров Петр Петрович</li></ul>")
    assert roles(records) == [
        ("Иванов Иван Иванович", "member", None),
        ("Петров Петр Петрович", "member", None),
    ]


def test_english_surname_first_in_capitals():
    records = parse(
        "<ul><li><b>KOVALENKO Andrei</b> – Head of Delegation</li>"
        "<li><b>LISOVSKAYA Olga</b> – Deputy Head of Delegation</li></ul>"
    )
    assert roles(records) == [
        ("KOVALENKO Andrei", "head", "Head of Delegation"),
        ("LISOVSKAYA Olga", "deputy_head", "Deputy Head of Delegation"),
    ]


def test_delegation_staff_is_not_a_member():
    records = parse(
        "<p>Руководитель делегации — Иванов Иван Иванович</p>"
        "<p>Член делегации — Петров Петр Петрович</p>"
        "<p>Ответственный секретарь делегации — Сидорова Анна Павловна</p>"
    )
    assert roles(records) == HEAD_AND_MEMBER


def test_kazakh_letters_in_names():
    records = parse(
        "<table><tr><td>Әшімбаев Мәулен Сағатханұлы</td><td>Руководитель делегации</td></tr>"
        "<tr><td>Қошанов Ерлан Жақанұлы</td><td>Член делегации</td></tr></table>"
    )
    assert [r["name"] for r in records] == ["Әшімбаев Мәулен Сағатханұлы", "Қошанов Ерлан Жақанұлы"]


@pytest.mark.parametrize(
    "body",
    [
        "<p>Страница находится в разработке.</p>",
        "<ul><li><a href='/ru/1'>Жогорку Кенеш</a></li><li><a href='/ru/2'>Совет Республики</a>"
        "</li><li><a href='/ru/3'>Республика Беларусь</a></li><li>Пресс Центр</li></ul>",
    ],
    ids=["no-names", "institutions-are-not-people"],
)
def test_no_people(body):
    with pytest.raises(MemberListNotFound):
        parse(body)
