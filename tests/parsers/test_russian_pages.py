"""Russian pages (paodkb.org): a windows-1251 page with the block as bare text nodes in one
<div>, and a UTF-8 page with a <br>-separated block after the article."""

import pytest

from crawler.parsers import PageResult, parse_pacsto_page

URL_2025 = (
    "https://paodkb.org/events/"
    "importance-of-the-csto-s-parliamentary-diplomacy-stressed-at-the-security-forum-in-moscow"
)
URL_2026 = "https://paodkb.org/events/since-january-1-russia-begins-its-csto-chairmanship"

RU_2025 = [
    {
        "type": "delegation",
        "country": "BY",
        "language": "ru",
        "parliament": "Национального собрания Республики Беларусь",
        "wording": "состоит из",
        "seats": 11,
        "chambers": [
            {
                "count": 7,
                "member_title": "депутатов",
                "member_role": "deputy",
                "chamber": "Палаты представителей Национального собрания Республики Беларусь",
                "phrase": "7 депутатов Палаты представителей Национального собрания Республики "
                "Беларусь",
            },
            {
                "count": 4,
                "member_title": "членов",
                "member_role": "member",
                "chamber": "Совета Республики Национального собрания Республики Беларусь",
                "phrase": "4 членов Совета Республики Национального собрания Республики Беларусь",
            },
        ],
        "text": "Делегация Национального собрания Республики Беларусь в ПА ОДКБ состоит "
        "из 7 депутатов Палаты представителей Национального собрания Республики "
        "Беларусь и 4 членов Совета Республики Национального собрания Республики "
        "Беларусь.",
        "part": "block",
    },
    {
        "type": "representative",
        "country": "BY",
        "language": "ru",
        "name": "Когут Виктор",
        "role": "Полномочный представитель Национального собрания Республики Беларусь",
        "part": "block",
    },
    {
        "type": "website",
        "country": "BY",
        "language": "ru",
        "label": "Сайт Палаты представителей Национального собрания Республики Беларусь",
        "url": "http://house.gov.by/",
        "part": "block",
    },
    {
        "type": "website",
        "country": "BY",
        "language": "ru",
        "label": "Сайт Совета Республики Национального собрания Республики Беларусь",
        "url": "http://www.sovrep.gov.by/ru/",
        "part": "block",
    },
    {
        "type": "delegation",
        "country": "KZ",
        "language": "ru",
        "parliament": "Парламента Республики Казахстан",
        "wording": "состоит из",
        "seats": 16,
        "chambers": [
            {
                "count": 8,
                "member_title": "депутатов",
                "member_role": "deputy",
                "chamber": "Мажилиса Парламента Республики Казахстан",
                "phrase": "8 депутатов Мажилиса Парламента Республики Казахстан",
            },
            {
                "count": 8,
                "member_title": "депутатов",
                "member_role": "deputy",
                "chamber": "Сената Парламента Республики Казахстан",
                "phrase": "8 депутатов Сената Парламента Республики Казахстан",
            },
        ],
        "text": "Делегация Парламента Республики Казахстан в ПА ОДКБ состоит из 8 "
        "депутатов Мажилиса Парламента Республики Казахстан и 8 депутатов Сената "
        "Парламента Республики Казахстан.",
        "part": "block",
    },
    {
        "type": "representative",
        "country": "KZ",
        "language": "ru",
        "name": "Рогалев Виктор",
        "role": "Полномочный представитель Парламента Республики Казахстан, заместитель "
        "Ответственного секретаря ПА ОДКБ",
        "part": "block",
    },
    {
        "type": "delegation",
        "country": "KG",
        "language": "ru",
        "parliament": "Жогорку Кенеша Кыргызской Республики",
        "wording": "состоит из",
        "seats": 6,
        "chambers": [
            {
                "count": 6,
                "member_title": "депутатов",
                "member_role": "deputy",
                "chamber": None,
                "phrase": "6 депутатов",
            }
        ],
        "text": "Делегация Жогорку Кенеша Кыргызской Республики в ПА ОДКБ состоит из 6 депутатов.",
        "part": "block",
    },
    {
        "type": "representative",
        "country": "KG",
        "language": "ru",
        "name": "Алишев Шабданбек",
        "role": "Полномочный представитель Жогорку Кенеша Кыргызской Республики",
        "part": "block",
    },
    {
        "type": "website",
        "country": "KG",
        "language": "ru",
        "label": "Сайт Жогорку Кенеша Кыргызской Республики",
        "url": "http://www.kenesh.kg/",
        "part": "block",
    },
    {
        "type": "delegation",
        "country": "RU",
        "language": "ru",
        "parliament": "Федерального Собрания Российской Федерации",
        "wording": "состоит из",
        "seats": 22,
        "chambers": [
            {
                "count": 10,
                "member_title": "депутатов",
                "member_role": "deputy",
                "chamber": "Государственной Думы Федерального Собрания Российской Федерации",
                "phrase": "10 депутатов Государственной Думы Федерального Собрания Российской "
                "Федерации",
            },
            {
                "count": 12,
                "member_title": "членов",
                "member_role": "member",
                "chamber": "Совета Федерации Федерального Собрания Российской Федерации",
                "phrase": "12 членов Совета Федерации Федерального Собрания Российской Федерации",
            },
        ],
        "text": "Делегация Федерального Собрания Российской Федерации в ПА ОДКБ состоит "
        "из 10 депутатов Государственной Думы Федерального Собрания Российской "
        "Федерации и 12 членов Совета Федерации Федерального Собрания Российской "
        "Федерации.",
        "part": "block",
    },
    {
        "type": "representative",
        "country": "RU",
        "language": "ru",
        "name": "Кротов Михаил",
        "role": "Полномочный представитель Федерального Собрания Российской Федерации – "
        "заместитель Ответственного секретаря ПА ОДКБ",
        "part": "block",
    },
    {
        "type": "delegation",
        "country": "TJ",
        "language": "ru",
        "parliament": "Маджлиси Оли Республики Таджикистан",
        "wording": "состоит из",
        "seats": 12,
        "chambers": [
            {
                "count": 6,
                "member_title": "депутатов",
                "member_role": "deputy",
                "chamber": "Маджлиси милли Маджлиси Оли Республики Таджикистан",
                "phrase": "6 депутатов Маджлиси милли Маджлиси Оли Республики Таджикистан",
            },
            {
                "count": 6,
                "member_title": "депутатов",
                "member_role": "deputy",
                "chamber": "Маджлиси намояндагон Маджлиси Оли Республики Таджикистан",
                "phrase": "6 депутатов Маджлиси намояндагон Маджлиси Оли Республики Таджикистан",
            },
        ],
        "text": "Делегация Маджлиси Оли Республики Таджикистан в ПА ОДКБ состоит из 6 "
        "депутатов Маджлиси милли Маджлиси Оли Республики Таджикистан и 6 "
        "депутатов Маджлиси намояндагон Маджлиси Оли Республики Таджикистан.",
        "part": "block",
    },
]

RU_DELEGATION_2026 = {
    "type": "delegation",
    "country": "RU",
    "language": "ru",
    "parliament": "Федерального Собрания Российской Федерации",
    "wording": "представлена",
    "seats": 22,
    "chambers": [
        {
            "count": 10,
            "member_title": "депутатами",
            "member_role": "deputy",
            "chamber": "Государственной Думы Федерального Собрания Российской Федерации",
            "phrase": "10 депутатами Государственной Думы Федерального Собрания Российской "
            "Федерации",
        },
        {
            "count": 12,
            "member_title": "сенаторами",
            "member_role": "senator",
            "chamber": None,
            "phrase": "12 сенаторами Российской Федерации",
        },
    ],
    "text": "Делегация Федерального Собрания Российской Федерации в ПА ОДКБ представлена "
    "10 депутатами Государственной Думы Федерального Собрания Российской Федерации и "
    "12 сенаторами Российской Федерации.",
    "part": "block",
}
RU_2026 = [
    RU_DELEGATION_2026 if r["type"] == "delegation" and r["country"] == "RU" else r for r in RU_2025
]


def news_of(result: PageResult) -> dict:
    (news,) = [r for r in result.records if r["type"] == "news"]
    return news


def block_of(result: PageResult) -> list[dict]:
    return [r for r in result.records if r["type"] != "news"]


def test_cp1251_page_with_meta_charset_only(page):
    body = page("ru_2025_cp1251.html")
    assert b"\xc4\xe5\xeb\xe5\xe3\xe0\xf6\xe8\xff" in body  # "Делегация" in windows-1251

    result = parse_pacsto_page(body, URL_2025, language="ru", content_type="text/html")

    assert result.encoding == "cp1251"
    assert result.missing == [] and result.errors == []
    assert block_of(result) == RU_2025
    news = news_of(result)
    paragraphs = news["body"].split("\n\n")
    assert news["title"] == (
        "Важность парламентской дипломатии ОДКБ подчеркнута на форуме по безопасности в Москве"
    )
    assert news["published"] == "2025-05-28"  # "28.05.2025": day first
    assert news["language"] == "ru"
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("Ответственный секретарь ПА ОДКБ Сергей Поспелов выступил")
    assert paragraphs[-1].endswith(
        "укрепления коллективной безопасности на евразийском пространстве."
    )
    assert "«зонтиком безопасности»" in paragraphs[1]  # Russian quotes are kept


def test_cp1251_page_survives_a_wrong_utf8_header(page):
    result = parse_pacsto_page(
        page("ru_2025_cp1251.html"), URL_2025, content_type="text/html; charset=utf-8"
    )
    assert block_of(result) == RU_2025
    assert result.language == "ru"


def test_text_nodes_block_keeps_names_apart_from_the_next_country_link(page):
    result = parse_pacsto_page(page("ru_2025_cp1251.html"), URL_2025)
    names = [r["name"] for r in result.records if r["type"] == "representative"]
    assert names == ["Когут Виктор", "Рогалев Виктор", "Алишев Шабданбек", "Кротов Михаил"]


def test_br_block_after_the_article(page):
    result = parse_pacsto_page(page("ru_2026_br.html"), URL_2026, language="ru")

    assert result.missing == [] and result.errors == []
    assert result.records[0]["type"] == "news"  # page order: the article comes first here
    assert block_of(result) == RU_2026
    news = news_of(result)
    assert news["title"] == "С 1 января Россия приступила к председательству в ОДКБ"
    assert news["published"] == "2026-01-01"  # the date stands before the heading
    paragraphs = news["body"].split("\n\n")
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("С 1 января Российская Федерация приняла председательство")
    assert paragraphs[-1] == (
        "Напомним, 2026 год является юбилейным для Парламентской Ассамблеи ОДКБ. "
        "16 ноября Ассамблея отметит 20-летие."
    )
    assert "Теги" not in news["body"] and "Делегация" not in news["body"]


@pytest.mark.parametrize("fixture", ["ru_2025_cp1251.html", "ru_2026_br.html"])
def test_russian_language_is_detected(page, fixture):
    result = parse_pacsto_page(page(fixture), URL_2026)
    assert result.language == "ru"
    assert {r["language"] for r in result.records} == {"ru"}


def test_russian_2026_sentence_names_no_chamber_for_senators(page):
    (russia,) = [
        r
        for r in parse_pacsto_page(page("ru_2026_br.html"), URL_2026).records
        if r["type"] == "delegation" and r["country"] == "RU"
    ]
    assert [(c["count"], c["member_role"], c["chamber"]) for c in russia["chambers"]] == [
        (10, "deputy", "Государственной Думы Федерального Собрания Российской Федерации"),
        (12, "senator", None),
    ]


def test_requested_language_is_kept_but_a_mismatch_is_reported(page):
    result = parse_pacsto_page(page("ru_2026_br.html"), URL_2026, language="en")
    assert result.language == "en"
    assert any("requested 'en'" in e for e in result.errors)
    assert block_of(result) == RU_2026  # records say what language their text is in
