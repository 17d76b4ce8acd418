"""parse_news_list on small markups: where a list item keeps its title, date and link."""

from datetime import datetime

import pytest

from crawler.parsers.national import parse_news_list

TOP = """<html><head><meta charset="utf-8"></head><body><nav><a href="/ru/">Главная</a>
<a href="/ru/news/">Новости</a></nav><div class="main"><h1>Новости</h1>"""
BOTTOM = "</div><footer>© 2026</footer></body></html>"
PATTERN = r"/ru/news/view/[\w-]+-\d+/?"
NOW = datetime(2026, 3, 12, 12)
TWO = [("Первая новость", "2026-03-12"), ("Вторая новость", "2026-03-11")]


def parse(body):
    url = "https://house.gov.by/ru/news/"
    return parse_news_list(TOP + body + BOTTOM, url, article_pattern=PATTERN, fetched_at=NOW)


@pytest.mark.parametrize(
    "body",
    [
        '<div><a href="/ru/news/view/a-1/"><div><h3>Первая новость</h3><p>Описание первой.</p>'
        '<span>12.03.2026</span></div></a><a href="/ru/news/view/b-2/"><div><h3>Вторая новость'
        "</h3><p>Описание второй.</p><span>11.03.2026</span></div></a></div>",
        '<ul><li><time datetime="2026-03-12"></time><a href="/ru/news/view/a-1/">Первая новость'
        '</a></li><li><time datetime="2026-03-11T10:00"></time><a href="/ru/news/view/b-2/">'
        "Вторая новость</a></li></ul>",
        '<div><h3><a href="/ru/news/view/a-1/">Первая новость</a></h3><p>12.03.2026</p>'
        '<h3><a href="/ru/news/view/b-2/">Вторая новость</a></h3><p>11.03.2026</p></div>',
        '<table><tr><td><a href="/ru/news/view/a-1/">Первая новость</a></td><td>сегодня</td></tr>'
        '<tr><td><a href="/ru/news/view/b-2/">Вторая новость</a></td><td>вчера</td></tr></table>',
    ],
    ids=["whole-card-link", "time-without-text", "flat-date-after-title", "table-relative"],
)
def test_title_and_date_per_item(body):
    assert [(i["title"], i["published"]) for i in parse(body)] == TWO


def test_image_links_take_title_attribute_or_alt():
    result = parse(
        '<div><a href="/ru/news/view/a-1/" title="Первая новость"><img src="1.jpg"></a>'
        '<a href="/ru/news/view/b-2/"><img src="2.jpg" alt="Вторая новость"></a></div>'
    )
    assert [(i["title"], i["published"], i["date_text"]) for i in result] == [
        ("Первая новость", None, None),
        ("Вторая новость", None, None),
    ]


def test_a_single_item_does_not_take_the_page_heading():
    result = parse(
        '<div><div><h2>Важное</h2><p>Текст</p></div><div><a href="/ru/news/view/a-1/">'
        "Единственная новость</a> <span>12.03.2026</span></div></div>"
    )
    assert [(i["title"], i["published"]) for i in result] == [
        ("Единственная новость", "2026-03-12")
    ]


def test_percent_encoded_cyrillic_slug_matches_the_pattern():
    href = "/ru/news/view/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D1%8C-1/"
    result = parse(f'<ul><li>12.03.2026 <a href="{href}">Новость</a></li></ul>')
    assert [i["url"] for i in result] == ["https://house.gov.by" + href]


def test_only_page_links_of_this_list_are_pagination():
    result = parse(
        '<ul><li>12.03.2026 <a href="/ru/news/view/a-1/">Первая</a></li></ul><div>'
        '<a href="/ru/news/?PAGEN_1=1">1</a><a href="/ru/news/?PAGEN_1=2">2</a>'
        '<a href="/ru/news/?year=2025">2025</a><a href="/ru/news/archive/">Архив</a>'
        '<a href="/ru/docs/?page=2">2</a><a href="https://other.example/ru/news/?page=2">2</a></div>'
    )
    assert result.next_pages == ["https://house.gov.by/ru/news/?PAGEN_1=2"]


def test_on_a_later_page_the_first_page_is_another_page():
    html = (
        TOP + '<ul><li>01.03.2026 <a href="/ru/news/view/a-1/">Старая</a></li></ul>'
        '<p><a href="/ru/news/">«</a> <a href="/ru/news/page/1/">1</a> <b>2</b> '
        '<a href="/ru/news/page/3/">3</a></p>' + BOTTOM
    )
    result = parse_news_list(html, "https://house.gov.by/ru/news/page/2/", article_pattern=PATTERN)
    assert result.next_pages == [
        "https://house.gov.by/ru/news/",
        "https://house.gov.by/ru/news/page/1/",
        "https://house.gov.by/ru/news/page/3/",
    ]
