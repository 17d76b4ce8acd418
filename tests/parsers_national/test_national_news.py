"""parse_news_list on saved news list pages: items, dates, pagination, chrome left out."""

from datetime import datetime

import pytest

from crawler.parsers.national import NewsList, NewsListNotFound, parse_news_list

HOUSE_RU = r"/ru/news/view/[\w-]+-\d+/?"
HOUSE_URL = "https://house.gov.by/ru/news/"
HOUSE_ITEMS = [
    ("https://house.gov.by/ru/news/view/vstrecha-s-delegatsiej-pa-odkb-1203/",
     "Встреча с делегацией Парламентской Ассамблеи ОДКБ", "2026-03-12"),
    ("https://house.gov.by/ru/news/view/zasedanie-komissii-1202/",
     "Заседание Постоянной комиссии по международным делам", "2026-03-11"),
    ("https://house.gov.by/ru/news/view/priem-grazhdan-1201",
     "Прием граждан в Гродненской области", "2026-03-10"),
    ("https://house.gov.by/ru/news/view/pozdravlenie-s-8-marta-1200/",
     "Поздравление с Международным женским днем", "2026-03-06"),
]  # fmt: skip
HOUSE_PAGES = ["https://house.gov.by/ru/news/?page=2", "https://house.gov.by/ru/news/?page=3"]


def triples(result):
    return [(i["url"], i["title"], i["published"]) for i in result.items]


def test_list_items_with_dd_mm_yyyy_dates(page, fetched_at):
    result = parse_news_list(
        page("news_house_ru_list.html"), HOUSE_URL, article_pattern=HOUSE_RU, fetched_at=fetched_at
    )
    assert result.items[0] == {
        "url": "https://house.gov.by/ru/news/view/vstrecha-s-delegatsiej-pa-odkb-1203/",
        "title": "Встреча с делегацией Парламентской Ассамблеи ОДКБ",
        "published": "2026-03-12",
        "date_text": "12.03.2026",
    }
    assert triples(result) == HOUSE_ITEMS
    assert result.next_pages == HOUSE_PAGES


def test_popular_news_block_is_not_the_list(page):
    result = parse_news_list(page("news_house_ru_list.html"), HOUSE_URL, article_pattern=HOUSE_RU)
    urls = [i["url"] for i in result.items]
    assert not any("itogi-sessii-1150" in u for u in urls)
    assert len(urls) == len(set(urls)) == 4  # the sidebar repeats an item: listed once


def test_redesign_to_cards_yields_the_same_items_and_pages(page, fetched_at):
    old = parse_news_list(page("news_house_ru_list.html"), HOUSE_URL, article_pattern=HOUSE_RU)
    new = parse_news_list(page("news_house_ru_cards.html"), HOUSE_URL, article_pattern=HOUSE_RU)
    assert triples(new) == triples(old) == HOUSE_ITEMS
    assert new.next_pages == old.next_pages
    # date_text stays raw: each markup's own wording
    assert [i["date_text"] for i in new.items][:2] == ["12 марта 2026", "11 марта 2026"]


def test_windows_1251_table_with_more_links_and_page_paths(page):
    result = parse_news_list(
        page("news_sovrep_cp1251.html"),
        "https://sovrep.gov.by/ru/novosti/",
        article_pattern=r"/ru/novosti/\d+\.html",
    )
    assert [(i["url"], i["title"], i["published"], i["date_text"]) for i in result] == [
        ("https://sovrep.gov.by/ru/novosti/5512.html",
         "Председатель Совета Республики принял участие в заседании Совета ПА ОДКБ",
         "2026-03-12", "12 марта 2026 г."),
        ("https://sovrep.gov.by/ru/novosti/5511.html", "Сенаторы посетили Витебскую область",
         "2026-03-11", "11 марта 2026 г."),
        ("https://sovrep.gov.by/ru/novosti/5509.html", "Заседание Президиума Совета Республики",
         "2026-03-05", "5 марта 2026 г."),
    ]  # fmt: skip
    assert result.next_pages == [
        "https://sovrep.gov.by/ru/novosti/page/2/",
        "https://sovrep.gov.by/ru/novosti/page/3/",
        "https://sovrep.gov.by/ru/novosti/page/12/",
    ]


def test_relative_dates_in_time_elements_and_page_path_pagination(page, fetched_at):
    result = parse_news_list(
        page("news_duma_relative.html"),
        "http://duma.gov.ru/news/",
        article_pattern=r"/news/\d+/",
        fetched_at=fetched_at,
    )
    assert [(i["url"], i["published"], i["date_text"]) for i in result] == [
        ("http://duma.gov.ru/news/59010/", "2026-03-12", "сегодня, 09:30"),
        ("http://duma.gov.ru/news/59004/", "2026-03-11", "вчера, 16:45"),
        ("http://duma.gov.ru/news/59001/", "2026-03-10", "2 дня назад"),
        ("http://duma.gov.ru/news/58999/", "2026-03-09", "9 марта 2026 года"),
    ]
    assert result[0]["title"] == "Делегация Государственной Думы примет участие в заседании ПА ОДКБ"
    # the <aside> "Популярное" links and the footer link match the pattern but are chrome
    assert not {"http://duma.gov.ru/news/58990/", "http://duma.gov.ru/news/58980/"} & {
        i["url"] for i in result
    }
    assert result.next_pages == [
        "http://duma.gov.ru/news/page/2/",
        "http://duma.gov.ru/news/page/3/",
    ]


def test_relative_dates_follow_fetched_at(page):
    result = parse_news_list(
        page("news_duma_relative.html"),
        "http://duma.gov.ru/news/",
        article_pattern=r"/news/\d+/",
        fetched_at=datetime(2026, 4, 1, 8, 0),
    )
    assert result[0]["published"] == "2026-04-01"


def test_flat_list_dates_before_headings_and_iso_timestamps(page):
    result = parse_news_list(
        page("news_kz_flat.html"),
        "https://parlam.kz/ru/mazhilis/news",
        article_pattern=r"/ru/mazhilis/news/details/\d+",
    )
    assert [(i["url"], i["published"], i["date_text"]) for i in result] == [
        ("https://parlam.kz/ru/mazhilis/news/details/8812", "2026-03-12", "2026-03-12 14:30"),
        ("https://parlam.kz/ru/mazhilis/news/details/8809", "2026-03-11", "2026-03-11 10:05"),
        ("https://parlam.kz/ru/mazhilis/news/details/8801?lang=ru", "2026-03-09",
         "2026-03-09 17:00"),
    ]  # fmt: skip
    assert result[1]["title"] == "Состоялось пленарное заседание Мажилиса"
    assert result.next_pages == [
        "https://parlam.kz/ru/mazhilis/news?page=2",
        "https://parlam.kz/ru/mazhilis/news?page=3",
    ]


def test_english_month_day_year(page):
    result = parse_news_list(
        page("news_house_en.html"),
        "https://house.gov.by/en/news/",
        article_pattern=r"/en/news/view/[\w-]+-\d+/?",
    )
    assert [(i["title"], i["published"], i["date_text"]) for i in result] == [
        ("Meeting with the delegation of the CSTO Parliamentary Assembly", "2026-03-12",
         "March 12, 2026"),
        ("International Affairs Commission holds a meeting", "2026-03-11", "March 11, 2026"),
    ]  # fmt: skip
    assert result.next_pages == ["https://house.gov.by/en/news/?page=2"]


def test_title_from_the_heading_when_the_link_says_more(page):
    result = parse_news_list(
        page("news_tj.html"), "http://parlament.tj/ru/news", article_pattern=r"/ru/news/\d+"
    )
    assert triples(result) == [
        ("http://parlament.tj/ru/news/3321",
         "Председатель Маджлиси намояндагон встретился с Генеральным секретарем ОДКБ",
         "2026-03-12"),
        ("http://parlament.tj/ru/news/3320", "Заседание Комитета по международным делам",
         "2026-03-11"),
    ]  # fmt: skip
    assert result.next_pages == ["http://parlament.tj/ru/news?page=2"]


def test_news_list_behaves_as_its_items(page):
    result = parse_news_list(page("news_house_ru_list.html"), HOUSE_URL, article_pattern=HOUSE_RU)
    assert isinstance(result, NewsList)
    assert len(result) == 4
    assert list(result) == result.items
    assert result[-1]["title"] == "Поздравление с Международным женским днем"


def test_maintenance_page_raises(page):
    html = page("maintenance.html")
    assert "/ru/news/" in html  # only a menu link, which is not an article
    with pytest.raises(NewsListNotFound):
        parse_news_list(html, HOUSE_URL, article_pattern=HOUSE_RU)


def test_links_only_in_navigation_are_not_a_list():
    html = (
        "<html><body><nav><a href='/ru/news/view/a-1/'>Новость один</a></nav>"
        "<main><h1>Новости</h1><p>Новостей пока нет.</p></main>"
        "<footer><a href='/ru/news/view/b-2/'>Новость два</a></footer></body></html>"
    )
    with pytest.raises(NewsListNotFound):
        parse_news_list(html, HOUSE_URL, article_pattern=HOUSE_RU)
