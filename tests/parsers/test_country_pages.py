"""Country pages (/countries/<slug>): the block and the page's own content, told apart by
``part``, and the delegation's members from the name list and the biography cards.

Fixtures: modern cards (English, two versions), an old table layout (English), windows-1251 with a
``<meta>`` charset only (Russian), HTML5 with the block after the content and without the page's
country (Russian).
"""

import json

import pytest

from crawler.parsers import parse_pacsto_page

TJ_URL = "https://pacsto.org/countries/republic-of-tajikistan"
BY_EN_URL = "http://www.pacsto.org/countries/republic-of-belarus"
BY_RU_URL = "https://paodkb.org/countries/republic-of-belarus"
KG_RU_URL = "https://paodkb.org/countries/kyrgyz-republic"

TJ_NA = "Member of the National Assembly of the Supreme Assembly of the Republic of Tajikistan"
TJ_AR = (
    "Deputy of the Assembly of Representatives of the Supreme Assembly of the Republic of "
    "Tajikistan"
)
BY_HR_RU = "депутат Палаты представителей Национального собрания Республики Беларусь"
KG_DEPUTY = "депутат Жогорку Кенеша Кыргызской Республики"
KG_COMMITTEE = "Комитета по международным делам, обороне и безопасности"


def member(country, language, name, position, post=None, chamber=None, biography=None):
    return {
        "type": "member",
        "country": country,
        "language": language,
        "name": name,
        "position": position,
        "post": post,
        "chamber": chamber,
        "source": "pacsto",
        "biography": biography,
        "part": "country-page",
    }


def parse(page, name, url, **kwargs):
    return parse_pacsto_page(page(name), url, **kwargs)


def of(result, kind, part=None):
    return [r for r in result.records if r["type"] == kind and (part is None or r["part"] == part)]


TJ_2025 = [
    member(
        "TJ", "en", "Farrukh Nazarzoda", 1,
        f"{TJ_NA}, Chairman of the Committee on International Affairs", "National Assembly",
        "Graduated from the Tajik State University with a degree in law.\n\nElected to the "
        "National Assembly in 2020. Head of the delegation of the Supreme Assembly to the CSTO "
        "Parliamentary Assembly.",
    ),
    member(
        "TJ", "en", "Dilshod Rahimov", 2, TJ_AR, "Assembly of Representatives",
        "Worked as an engineer before entering parliament.",
    ),
    member(
        "TJ", "en", "Zarina Saidova", 3,
        f"{TJ_AR}, member of the Committee on Defence and Security", "Assembly of Representatives",
    ),
    member("TJ", "en", "Bakhtiyor Kholov", 4),  # listed, no card
    member("TJ", "en", "Nodir Usmonov", 5),
    member(  # a card, but not in the list: after the list's last
        "TJ", "en", "Anvar Qodirov", 6, TJ_NA, "National Assembly",
        "Former teacher of history.\n\nMember of the National Assembly since 2015.",
    ),
]  # fmt: skip


def test_modern_cards_give_exact_members(page):
    result = parse(page, "en_country_tj_2025.html", TJ_URL, language="en")

    assert result.missing == [] and result.errors == []
    assert of(result, "member") == TJ_2025
    # the list is shorter than the seat count, and that is no error
    (sentence,) = of(result, "delegation", "country-page")
    assert sentence["seats"] == 12 and len(TJ_2025) == 6


def test_a_post_change_between_two_versions_changes_only_that_member(page):
    old = of(parse(page, "en_country_tj_2025.html", TJ_URL), "member")
    new = of(parse(page, "en_country_tj_2026.html", TJ_URL), "member")
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]

    assert len(changed) == 1
    before, after = changed[0]
    assert before["name"] == after["name"] == "Dilshod Rahimov"
    assert before["post"] == TJ_AR
    assert after["post"] == TJ_AR.replace("Deputy of", "Deputy Chairman of")
    assert after["chamber"] == "Assembly of Representatives"


def test_every_record_has_a_part_and_content_follows_the_block(page):
    result = parse(page, "en_country_tj_2025.html", TJ_URL)
    parts = [(r["part"], r["type"], r["country"]) for r in result.records]

    assert parts[:10] == [
        ("block", "delegation", "BY"), ("block", "representative", "BY"),
        ("block", "website", "BY"), ("block", "delegation", "KZ"),
        ("block", "representative", "KZ"), ("block", "delegation", "KG"),
        ("block", "representative", "KG"), ("block", "delegation", "RU"),
        ("block", "representative", "RU"), ("block", "delegation", "TJ"),
    ]  # fmt: skip
    assert parts[10:] == [
        ("country-page", "delegation", "TJ"),
        *[("country-page", "member", "TJ")] * 6,
        ("country-page", "representative", "TJ"),
        ("country-page", "website", "TJ"),
        ("country-page", "website", "TJ"),
    ]
    assert [w["url"] for w in of(result, "website", "country-page")] == [
        "http://www.majlisimilli.tj/",
        None,  # "Website of the Majlisi Namoyandagon ...:" with nothing after the colon
    ]
    assert json.loads(json.dumps(result.records)) == result.records


def test_identical_sentences_in_block_and_content_are_both_kept(page):
    result = parse(page, "en_country_tj_2025.html", TJ_URL)
    block, content = (
        of(result, "delegation", "block")[-1],
        of(result, "delegation", "country-page")[0],
    )

    assert block["part"] == "block" and content["part"] == "country-page"
    assert {**block, "part": None} == {**content, "part": None}


def test_old_table_layout_and_a_sentence_that_differs_from_the_block(page):
    result = parse(page, "en_country_by_table.html", BY_EN_URL, language="en")
    (block,) = [r for r in of(result, "delegation", "block") if r["country"] == "BY"]
    (content,) = of(result, "delegation", "country-page")

    assert result.missing == [] and result.errors == []
    assert [c["count"] for c in block["chambers"]] == [7, 4]
    assert [c["count"] for c in content["chambers"]] == [6, 4]
    assert (block["seats"], content["seats"]) == (11, 10)
    assert of(result, "member") == [
        member(
            "BY", "en", "Pavel YAROSH", 1,
            "Deputy of the House of Representatives, Chairman of the Standing Commission on "
            "International Affairs", "House of Representatives",
            "Graduated from the Belarusian State University, Faculty of International "
            "Relations.\n\nDeputy of the House of Representatives of the seventh and eighth "
            "convocations.",
        ),
        member("BY", "en", "Irina Belskaya", 2, "Deputy of the House of Representatives",
               "House of Representatives"),
        member(
            "BY", "en", "Dmitri Kovalenko", 3,
            "Member of the Council of the Republic of the National Assembly of the Republic of "
            "Belarus", "Council of the Republic",
            "Born in Gomel. Worked in the regional executive committee.",
        ),
        member("BY", "en", "Yuri Sokol", 4),
    ]  # fmt: skip
    reps = [(r["part"], r["name"]) for r in of(result, "representative") if r["country"] == "BY"]
    assert reps == [("block", "Viktor Kogut"), ("country-page", "Viktor Kogut")]


def test_russian_cp1251_page_with_all_caps_surnames_and_i_before_the_last_name(page):
    result = parse(page, "ru_country_by_cp1251.html", BY_RU_URL, content_type="text/html")

    assert result.encoding == "cp1251" and result.language == "ru"
    assert result.missing == [] and result.errors == []
    assert of(result, "member") == [
        member(
            "BY", "ru", "ЯРОШ Павел Николаевич", 1,
            f"{BY_HR_RU}, председатель Постоянной комиссии по международным делам",
            "Палаты представителей",
            "Окончил Белорусский государственный университет по специальности «международные "
            "отношения».\n\nДепутат Палаты представителей седьмого и восьмого созывов.",
        ),
        member("BY", "ru", "Бельская Ирина Владимировна", 2),
        member(
            "BY", "ru", "КОВАЛЕНКО Дмитрий Сергеевич", 3,
            "член Совета Республики Национального собрания Республики Беларусь",
            "Совета Республики", "Родился в Гомеле. Работал в областном исполнительном комитете.",
        ),
        member("BY", "ru", "Иванов Иван Иванович", 4),
        member("BY", "ru", "Петров Пётр Петрович", 5, BY_HR_RU, "Палаты представителей"),
    ]  # fmt: skip


def test_russian_block_and_content_disagree_on_the_representative_name(page):
    result = parse(page, "ru_country_by_cp1251.html", BY_RU_URL)
    reps = [(r["part"], r["name"]) for r in of(result, "representative") if r["country"] == "BY"]
    sites = [(r["part"], r["url"]) for r in of(result, "website")]

    assert reps == [("block", "Когут Виктор"), ("country-page", "Когут Виктор Валентинович")]
    assert sites.count(("block", "http://house.gov.by/")) == 1
    assert sites.count(("country-page", "http://house.gov.by/")) == 1


def test_html5_page_with_the_block_after_the_content_and_without_the_country(page):
    result = parse(page, "ru_country_kg_html5.html", KG_RU_URL, language="ru")
    content = [r for r in result.records if r["part"] == "country-page"]
    block = [r for r in result.records if r["part"] == "block"]

    assert result.missing == [] and result.errors == []
    assert [r["country"] for r in of(result, "delegation", "block")] == ["BY", "KZ", "RU", "TJ"]
    assert result.records.index(content[-1]) < result.records.index(block[0])  # page order
    (sentence,) = of(result, "delegation", "country-page")
    assert (sentence["country"], sentence["seats"]) == ("KG", 7)
    assert of(result, "member") == [
        member(
            "KG", "ru", "АЛИЕВ Нурлан Бакытович", 1,
            f"{KG_DEPUTY}, председатель {KG_COMMITTEE}", "Жогорку Кенеша",
            "Окончил Кыргызский национальный университет имени Жусупа Баласагына.\n\n"
            "Избран депутатом Жогорку Кенеша в 2021 году.",
        ),
        member("KG", "ru", "САДЫКОВА Айгуль Маратовна", 2),
        member(
            "KG", "ru", "Мамытов Марлен уулу", 3, KG_DEPUTY, "Жогорку Кенеша",
            "Работал в Министерстве иностранных дел Кыргызской Республики.",  # "Биография" dropped
        ),
        member("KG", "ru", "ТОКТОГУЛОВ Эрмек Асанович", 4),
        member(
            "KG", "ru", "ОСМОНОВА Бермет Кубанычбековна", 5,
            f"{KG_DEPUTY}, член {KG_COMMITTEE}", "Жогорку Кенеша",
            "Избрана депутатом Жогорку Кенеша в 2021 году.",
        ),
    ]  # fmt: skip
    assert [(r["type"], r.get("name") or r.get("url")) for r in content[-2:]] == [
        ("representative", "Алишев Шабданбек"),
        ("website", "http://www.kenesh.kg/"),
    ]


def test_member_names_inside_the_block_are_not_members(page):
    result = parse(page, "ru_country_kg_html5.html", KG_RU_URL)
    names = {r["name"] for r in of(result, "member")}

    # the block's "Члены делегации: Иванов ..., Петров ..." and "СЕРИКОВ ..., ЖАНОВА ... - члены
    # Совета ..." lines belong to other countries' delegations
    assert not names & {"Иванов Иван Иванович", "СЕРИКОВ Арман Болатович", "ЖАНОВА Асель Ерлановна"}
    assert {r["country"] for r in of(result, "member")} == {"KG"}


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("en_country_tj_2025.html", TJ_URL),
        ("en_country_by_table.html", BY_EN_URL),
        ("ru_country_by_cp1251.html", BY_RU_URL),
        ("ru_country_kg_html5.html", KG_RU_URL),
    ],
)
def test_block_records_match_the_same_block_on_an_ordinary_page(page, name, url):
    """Splitting the page changes no block record: each is what the whole page gives when read
    as an ordinary page (which keeps no parts apart and names no members)."""
    country_page = parse(page, name, url)
    ordinary = parse(page, name, url.replace("/countries/", "/about/"))
    block = [r for r in country_page.records if r["part"] == "block"]

    assert len(block) >= 8
    assert all(r in ordinary.records for r in block)
    assert {r["part"] for r in ordinary.records} == {"block"}
    assert of(ordinary, "member") == [] and ordinary.missing == []
