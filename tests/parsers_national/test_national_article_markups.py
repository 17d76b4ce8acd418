"""parse_article on small markups: where titles, dates and body text can sit, in one chrome."""

from datetime import datetime

import pytest

from crawler.parsers.national import parse_article

TOP = """<html><head><meta charset="utf-8"><title>Заседание комиссии | Палата представителей</title>
</head><body><div class="hdr"><div class="logo">Палата представителей Национального собрания</div>
<ul><li><a href="/ru/">Главная</a></li><li><a href="/ru/news/">Новости</a></li>
<li><a href="/ru/odkb/">ПА ОДКБ</a></li></ul></div>"""
BOTTOM = """<div class="f"><p>© 2026 Палата представителей</p><p>Адрес: 220010, г. Минск,
ул. Советская, 11. Обращения принимаются в письменной форме.</p></div></body></html>"""
P1 = "Состоялось заседание Постоянной комиссии по международным делам и национальной безопасности."
P2 = "Депутаты рассмотрели два законопроекта и одобрили их во втором чтении."
NOW = datetime(2026, 3, 12, 12, 0)


def parse(body):
    return parse_article(TOP + body + BOTTOM, "https://house.gov.by/ru/news/view/x-1/",
                         language="ru", fetched_at=NOW)  # fmt: skip


@pytest.mark.parametrize(
    ("body", "date_text"),
    [
        (f"<div><h1>Заседание комиссии</h1><p>{P1}</p><p>{P2}</p>"
         "<p>Дата публикации: 12.03.2026</p></div>", "12.03.2026"),
        (f"<div><div>Сегодня, 10:00</div><h1>Заседание комиссии</h1><div><p>{P1}</p>"
         f"<p>{P2}</p></div></div>", "Сегодня, 10:00"),
        (f"<div><div><b>Заседание комиссии</b></div><div>12 марта 2026 года</div><p>{P1}</p>"
         f"<p>{P2}</p></div>", "12 марта 2026 года"),
        (f"<div><h1>Заседание комиссии</h1><p>{P1}</p><p>{P2}</p></div>"
         '<meta itemprop="datePublished" content="2026-03-12">', "2026-03-12"),
        (f"<table><tr><td><h1>Заседание комиссии</h1><p>12.03.2026</p><p>{P1}</p><p>{P2}</p></td>"
         "<td><h3>О Палате</h3><p>Палата представителей является нижней палатой парламента и "
         "состоит из 110 депутатов, избираемых на четыре года.</p><p>Депутаты работают на "
         "профессиональной основе в постоянных комиссиях Палаты.</p></td></tr></table>",
         "12.03.2026"),
    ],
    ids=["date-after-body", "date-above-title", "bold-div-title", "meta-date", "prose-sidebar"],
)  # fmt: skip
def test_title_date_and_body_wherever_they_sit(body, date_text):
    record = parse(body)
    assert record["title"] == "Заседание комиссии"
    assert (record["published"], record["published_text"]) == ("2026-03-12", date_text)
    assert record["body"] == f"{P1}\n\n{P2}"


def test_lead_in_its_own_block_and_related_links_after_the_text():
    record = parse(
        f"<div><h2>Заседание комиссии</h2><span>12 марта 2026 года</span>"
        f"<div><p><b>Короткий лид новости.</b></p></div><div><p>{P1}</p><p>{P2}</p></div>"
        "<div><b>Читайте также:</b><br><a href='/ru/news/view/a-1/'>Другая новость один</a><br>"
        "<a href='/ru/news/view/b-2/'>Другая новость два</a></div></div>"
    )
    assert record["body"] == f"Короткий лид новости.\n\n{P1}\n\n{P2}"


def test_list_items_inside_the_text_are_paragraphs():
    record = parse(
        f"<div><h1>Заседание комиссии</h1><p>12.03.2026</p><p>{P1}</p>"
        f"<ul><li>первый законопроект;</li><li>второй законопроект.</li></ul><p>{P2}</p></div>"
    )
    assert record["body"].split("\n\n") == [P1, "первый законопроект;", "второй законопроект.", P2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Депутаты приняли участие в заседании ПА ОДКБ.", True),
        ("Делегация примет участие в сессии Парламентской Ассамблеи ОДКБ в Москве.", True),
        ("Обсуждены вопросы взаимодействия с Организацией Договора о коллективной безопасности.",
         True),
        ("Депутаты встретились с представителями одкб на полях форума в Минске.", True),
        ("Delegates met the Parliamentary Assembly of the CSTO in Moscow on Tuesday.", True),
        ("The Collective Security Treaty Organization held a meeting in Minsk today.", True),
        ("Депутаты приняли участие в заседании Межпарламентской Ассамблеи СНГ.", False),
        ("Состоялась сессия Парламентского Собрания Союза Беларуси и России в Минске.", False),
    ],
)  # fmt: skip
def test_about_assembly(text, expected):
    record = parse(
        f"<div><h1>Заседание комиссии</h1><p>12.03.2026</p><p>{P1}</p><p>{text}</p></div>"
    )
    assert record["about_assembly"] is expected


def test_about_assembly_from_the_title_alone():
    record = parse(f"<div><h1>Заседание ПА ОДКБ</h1><p>12.03.2026</p><p>{P1}</p></div>")
    assert record["title"] == "Заседание ПА ОДКБ" and record["about_assembly"] is True


def test_a_one_sentence_article():
    record = parse(
        "<div><h1>Заседание комиссии</h1><p>12.03.2026</p><p>Прошло заседание.</p></div>"
    )
    assert (record["title"], record["body"]) == ("Заседание комиссии", "Прошло заседание.")
