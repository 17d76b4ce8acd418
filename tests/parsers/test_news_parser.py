"""The news article parser on small hand-written pages."""

import pytest

from crawler.parsers import BlockNotFound, Document, parse_pacsto_page, read_article
from crawler.parsers.news import date_of_line, parse_date
from crawler.parsers.textlines import Line

URL = "https://pacsto.org/events/some-item"
PARA_1 = "The Council of the CSTO Parliamentary Assembly met in St. Petersburg on Thursday."
PARA_2 = "Delegations discussed the harmonisation of national legislation in the security sphere."
BLOCK = (
    "<p>Delegation of the Supreme Council of the Kyrgyz Republic to the CSTO PA consists of "
    "6 deputies.</p><p>Plenipotentiary Representative of the Supreme Council of the Kyrgyz "
    "Republic: Shabdanbek Alishev</p><p>Members: Ivanov I., Petrov P.</p>"
)


def parse(html: str) -> dict:
    return read_article(Document.from_html(html, URL)).record


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("05.03.2026", "2026-03-05"),
        ("28 May 2025", "2025-05-28"),
        ("1 января 2026", "2026-01-01"),
        ("28 мая 2025 г.", "2025-05-28"),
        ("May 28, 2025", "2025-05-28"),
        ("2025-05-28T10:15:00+03:00", "2025-05-28"),
        ("Published: 05/03/2026 14:30", "2026-03-05"),
        ("28 deputies 2025", None),
        ("no date", None),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("28 May 2025", "2025-05-28"),
        ("28.05.2025 | 14:30", "2025-05-28"),
        ("On November 27, 2025, at the CSTO summit in Bishkek, President Putin spoke.", None),
    ],
)
def test_date_of_line_needs_a_line_that_is_mostly_a_date(text, iso):
    assert date_of_line(Line(0, text, None)) == iso


def test_heading_date_paragraphs_and_chrome_excluded():
    record = parse(
        "<nav><a href=/>Home</a><a href=/events/>News</a></nav>"
        f"<div class=wrap><h1>Council met in St. Petersburg</h1><span>05.03.2026</span>"
        f"<p>{PARA_1}</p><p>{PARA_2}</p><p><a href=/events/>Back to news</a></p>"
        "<h2>Other news</h2><h3><a href=/events/y>Another item title</a></h3>"
        "<span>04.03.2026</span></div>"
        "<footer><p>© 2026 CSTO PA, all rights reserved and reproduced by permission.</p></footer>"
    )
    assert record == {
        "type": "news",
        "url": URL,
        "language": "en",
        "title": "Council met in St. Petersburg",
        "published": "2026-03-05",
        "body": f"{PARA_1}\n\n{PARA_2}",
    }


def test_delegations_block_inside_the_article_container_is_not_body():
    record = parse(
        f"<div><h2>Council met in St. Petersburg</h2><div>28 May 2025</div><p>{PARA_1}</p>"
        f"<p>{PARA_2}</p>{BLOCK}"
        "<p>Unrelated trailing text that belongs to the page footer.</p></div>"
    )
    assert record["body"] == f"{PARA_1}\n\n{PARA_2}"


def test_teaser_without_heading_ends_the_body():
    record = parse(
        f"<div><h1>Council met in St. Petersburg</h1><div>28 May 2025</div><p>{PARA_1}</p>"
        "<div>Another item title</div><div>27 May 2025</div><p>Its teaser text, long enough.</p>"
        "</div>"
    )
    assert record["body"] == PARA_1


def test_undated_article_with_enough_text_has_null_date():
    record = parse(
        f"<h1>Council met in St. Petersburg</h1><p>{PARA_1}</p><p>{PARA_2}</p><p>{PARA_1}</p>"
    )
    assert record["published"] is None
    assert record["body"].startswith(PARA_1)


def test_undated_short_page_is_not_an_article():
    with pytest.raises(BlockNotFound):
        parse("<h1>Page not found</h1><p>Sorry, nothing here.</p>")


def test_title_without_heading_tag_next_to_a_date():
    record = parse(
        "<table><tr><td><b>Council met in St. Petersburg</b></td></tr>"
        f"<tr><td>28.05.2025</td></tr><tr><td>{PARA_1}<br>{PARA_2}</td></tr></table>"
    )
    assert (record["title"], record["published"]) == ("Council met in St. Petersburg", "2025-05-28")
    assert record["body"].split("\n\n") == [PARA_1, PARA_2]


def test_news_text_mentioning_a_delegation_stays_in_the_body():
    mention = (
        "Delegation of the Parliament of the Republic of Kazakhstan to the CSTO PA took part in "
        "the session."
    )
    result = parse_pacsto_page(
        f"<aside>{BLOCK}</aside><main><h1>Council met in St. Petersburg</h1><p>28 May 2025</p>"
        f"<p>{PARA_1}</p><p>{mention}</p></main>",
        URL,
    )
    assert result.missing == []
    assert [r["type"] for r in result.records] == ["delegation", "representative", "news"]
    assert result.records[-1]["body"] == f"{PARA_1}\n\n{mention}"


def test_news_language_follows_the_article_text():
    record = parse(
        "<h1>Заседание Совета Ассамблеи</h1><div>28.05.2025</div>"
        "<p>Совет Парламентской Ассамблеи ОДКБ провел заседание в Санкт-Петербурге.</p>"
    )
    assert record["language"] == "ru"
    assert record["published"] == "2025-05-28"
