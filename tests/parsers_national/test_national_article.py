"""parse_article on saved article pages: title, date, body without chrome, about_assembly."""

from datetime import datetime

import pytest

from crawler.parsers.national import ArticleNotFound, ParseError, parse_article

HOUSE_URL = "https://house.gov.by/ru/news/view/vstrecha-s-delegatsiej-pa-odkb-1203/"
HOUSE_BODY = (
    "12 марта в Палате представителей состоялась встреча с делегацией Парламентской Ассамблеи "
    "Организации Договора о коллективной безопасности.\n\n"
    "Стороны обсудили подготовку к очередному пленарному заседанию Ассамблеи и ход гармонизации "
    "национального законодательства.\n\n"
    "Руководитель делегации Палаты представителей отметил, что сотрудничество в рамках ПА ОДКБ "
    "остается приоритетом."
)


def article(html, url=HOUSE_URL, language="ru", **kw):
    return parse_article(html, url, language=language, **kw)


def paragraphs(record):
    return record["body"].split("\n\n")


def test_old_layout_site_name_h1_title_h2_and_chrome(page, fetched_at):
    record = article(page("article_house_ru_2025.html"), fetched_at=fetched_at)
    assert record == {
        "type": "news",
        "url": HOUSE_URL,
        "language": "ru",
        "title": "Встреча с делегацией Парламентской Ассамблеи ОДКБ",
        "published": "2026-03-12",
        "published_text": "12.03.2026",
        "body": HOUSE_BODY,
        "about_assembly": True,
    }


def test_redesign_yields_the_same_record(page, fetched_at):
    old = article(page("article_house_ru_2025.html"), fetched_at=fetched_at)
    new = article(page("article_house_ru_2026.html"), fetched_at=fetched_at)
    assert new["published_text"] == "12 марта 2026 г., 15:20"  # raw, as each markup prints it
    assert {**new, "published_text": None} == {**old, "published_text": None}


@pytest.mark.parametrize("name", ["article_house_ru_2025.html", "article_house_ru_2026.html"])
def test_chrome_is_not_body(page, name):
    body = article(page(name))["body"]
    for chrome in ("Просмотров", "Поделиться", "Читайте также", "Другие новости", "Популярн",
                   "Итоги весенней сессии", "©", "Фото", "Главная", "Прием граждан"):  # fmt: skip
        assert chrome not in body


def test_windows_1251_table_layout_with_br_paragraphs(page):
    record = article(
        page("article_sovrep_cp1251.html"), "https://sovrep.gov.by/ru/novosti/5512.html"
    )
    assert record["title"] == (
        "Председатель Совета Республики принял участие в заседании Совета ПА ОДКБ"
    )
    assert (record["published"], record["published_text"]) == ("2026-03-12", "12 марта 2026 г.")
    body = paragraphs(record)
    assert len(body) == 3
    assert body[0].startswith("В Санкт-Петербурге состоялось заседание Совета")
    assert body[-1] == "По итогам заседания принято решение о проведении осенней сессии в Минске."
    assert record["about_assembly"] is True


def test_html5_article_relative_time_lead_subheading_and_quote(page, fetched_at):
    record = article(
        page("article_duma_relative.html"), "http://duma.gov.ru/news/59004/", fetched_at=fetched_at
    )
    assert record["title"] == "Комитет по международным делам рассмотрел соглашение"
    assert (record["published"], record["published_text"]) == ("2026-03-11", "вчера, 16:45")
    body = paragraphs(record)
    assert body[0].startswith("Документ касается взаимодействия государств")
    assert "Что предусматривает документ" in body  # a subheading inside the text is kept
    assert body[-1].startswith("«Мы рассчитываем рассмотреть документ на пленарном заседании")
    assert body[-1].endswith("в марте», — сказал депутат.")
    assert "Теги" not in record["body"] and "Совет Думы" not in record["body"]
    # "Организации Договора о коллективной безопасности", without the acronym
    assert "ОДКБ" not in record["body"] and record["about_assembly"] is True


def test_time_datetime_wins_over_relative_text_whatever_the_fetch_time(page):
    record = article(page("article_duma_relative.html"), fetched_at=datetime(2026, 5, 1))
    assert record["published"] == "2026-03-11"


def test_english_article(page):
    record = article(
        page("article_house_en.html"), "https://house.gov.by/en/news/view/x-1203/", "en"
    )
    assert record["title"] == "Meeting with the delegation of the CSTO Parliamentary Assembly"
    assert (record["published"], record["published_text"]) == ("2026-03-12", "March 12, 2026")
    assert paragraphs(record) == [
        "On 12 March the House of Representatives hosted a delegation of the Parliamentary "
        "Assembly of the Collective Security Treaty Organization.",
        "The parties discussed preparations for the next plenary session of the Assembly.",
    ]
    assert record["language"] == "en" and record["about_assembly"] is True


def test_site_name_h1_linking_home_is_not_the_title(page):
    record = article(page("article_kz.html"), "https://parlam.kz/ru/mazhilis/news/details/8812")
    assert record["title"] == "Мажилис одобрил поправки в республиканский бюджет"
    assert (record["published"], record["published_text"]) == ("2026-03-12", "2026-03-12 14:30")
    body = paragraphs(record)
    assert body[0].startswith("Депутаты Мажилиса на пленарном заседании одобрили поправки")
    assert (
        body[1]
        == "Изменения направлены на финансирование социальных программ и строительство школ."
    )
    assert body[-1] == "Закон направлен на рассмотрение в Сенат."
    # the sidebar mentions ОДКБ; the article does not
    assert record["about_assembly"] is False


def test_relative_date_in_plain_text(page, fetched_at):
    record = article(page("article_tj_relative.html"), "http://parlament.tj/ru/news/3320",
                     fetched_at=fetched_at)  # fmt: skip
    assert (record["published"], record["published_text"]) == ("2026-03-10", "2 дня назад")
    assert record["title"] == "Заседание Комитета по международным делам"
    assert len(paragraphs(record)) == 2
    assert record["about_assembly"] is False


@pytest.mark.parametrize(
    "name", ["not_found.html", "maintenance.html", "members_house_ru_list.html"]
)
def test_pages_without_an_article_raise(page, name):
    with pytest.raises(ArticleNotFound):
        article(page(name))


def test_empty_page_raises():
    with pytest.raises(ParseError):
        article("   ")
