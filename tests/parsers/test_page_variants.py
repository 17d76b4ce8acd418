"""Pages that differ from the seeds: maintenance, a block without Kyrgyzstan, a country page."""

import pytest

from crawler.parsers import (
    BlockNotFound,
    Document,
    ParseError,
    is_article_url,
    parse_pacsto_page,
    read_article,
    read_delegations,
    read_members,
)


def by_type(records: list[dict], kind: str) -> list[dict]:
    return [r for r in records if r["type"] == kind]


def test_maintenance_page_reports_the_missing_block(page):
    result = parse_pacsto_page(page("maintenance.html"), "https://pacsto.org/", language="en")

    assert result.records == []
    assert result.missing == ["delegations"]
    assert result.errors and result.errors[0].startswith("delegations: block not found")


def test_maintenance_page_at_a_news_url_misses_the_article_too(page):
    result = parse_pacsto_page(page("maintenance.html"), "https://pacsto.org/events/some-item")
    assert result.records == []
    assert result.missing == ["delegations", "news"]


def test_part_parsers_report_a_missing_part_instead_of_returning_nothing(page):
    doc = Document.from_html(page("maintenance.html"), "https://pacsto.org/events/x")
    delegations = read_delegations(doc.lines)
    assert delegations.records == []
    assert isinstance(delegations.missing(), BlockNotFound)
    assert delegations.missing().block == "delegations"
    with pytest.raises(ParseError):
        read_article(doc)


@pytest.mark.parametrize("body", [b"", b"   ", "<html><body></body></html>", b"\x00\x01binary"])
def test_empty_or_junk_bodies_never_raise(body):
    result = parse_pacsto_page(body, "https://pacsto.org/events/x")
    assert result.records == []
    assert result.missing == ["delegations", "news"]


LIST_URL = "https://paodkb.org/events/"


def test_block_without_kyrgyzstan(page):
    result = parse_pacsto_page(page("ru_no_kyrgyz_list.html"), LIST_URL)
    delegations = by_type(result.records, "delegation")

    assert [d["country"] for d in delegations] == ["BY", "KZ", "RU", "TJ"]
    assert not [r for r in result.records if r["country"] == "KG"]
    assert result.missing == [] and result.errors == []


def test_website_with_nothing_after_the_colon_has_null_url(page):
    sites = by_type(parse_pacsto_page(page("ru_no_kyrgyz_list.html"), LIST_URL).records, "website")
    assert sites == [
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
            "url": None,
            "part": "block",
        },
    ]


def test_representatives_without_space_after_colon_and_member_lines_ignored(page):
    records = parse_pacsto_page(page("ru_no_kyrgyz_list.html"), LIST_URL).records
    reps = by_type(records, "representative")

    assert [(r["country"], r["name"]) for r in reps] == [
        ("BY", "Когут Виктор"),
        ("KZ", "Рогалев Виктор"),
        ("RU", "КРОТОВ Михаил"),
    ]
    assert reps[0]["role"] == "Полномочный представитель Национального собрания Республики Беларусь"
    assert reps[1]["role"].endswith(", заместитель Ответственного секретаря ПА ОДКБ")
    # the member-name lines between the Belarus sentence and its representative give nothing
    assert [r["type"] for r in records[:3]] == ["delegation", "representative", "website"]
    assert len(records) == 9


def test_list_page_expects_no_article(page):
    result = parse_pacsto_page(page("ru_no_kyrgyz_list.html"), LIST_URL)
    assert by_type(result.records, "news") == []
    assert "news" not in result.missing


COUNTRY_URL = "https://pacsto.org/countries/russian-federation"


def test_swapped_chambers_keep_page_order_and_are_named(page):
    result = parse_pacsto_page(page("en_country_swapped.html"), COUNTRY_URL)
    block, content = [r for r in by_type(result.records, "delegation") if r["country"] == "RU"]
    assert (block["part"], content["part"]) == ("block", "country-page")
    assert {**block, "part": ""} == {**content, "part": ""}  # a word-for-word repeat
    russia = block

    assert russia["wording"] == "is represented by"
    assert russia["seats"] == 22
    assert russia["chambers"] == [
        {
            "count": 12,
            "member_title": "senators",
            "member_role": "senator",
            "chamber": None,
            "phrase": "12 senators of the Russian Federation",
        },
        {
            "count": 10,
            "member_title": "deputies",
            "member_role": "deputy",
            "chamber": "State Duma of the Russian Federation",
            "phrase": "10 deputies of the State Duma of the Russian Federation",
        },
    ]


def test_country_page_repeats_are_kept_apart_by_part(page):
    records = parse_pacsto_page(page("en_country_swapped.html"), COUNTRY_URL).records
    keys = [(r["part"], r["type"], r["country"]) for r in records]

    assert keys == [
        ("block", "delegation", "AM"),
        ("block", "website", "AM"),
        ("block", "delegation", "BY"),
        ("block", "representative", "BY"),
        ("block", "website", "BY"),
        ("block", "delegation", "RU"),
        ("block", "representative", "RU"),
        ("country-page", "delegation", "RU"),
        ("country-page", "member", "RU"),
        ("country-page", "member", "RU"),
        ("country-page", "member", "RU"),
        ("country-page", "representative", "RU"),
        ("country-page", "website", "RU"),
    ]
    assert records[6] == {**records[11], "part": "block"}  # the repeated representative line
    assert records[-1]["url"] == "duma.gov.ru"  # a line naming no country joins the page's
    # an <ol> of one name per item after a "Members of the delegation" heading is the list
    assert [(r["name"], r["position"], r["post"]) for r in by_type(records, "member")] == [
        ("Ivanov Ivan", 1, None),
        ("Petrov Petr", 2, None),
        ("Sidorov Sidor", 3, None),
    ]


def test_armenia_and_number_words(page):
    records = parse_pacsto_page(page("en_country_swapped.html"), COUNTRY_URL).records
    armenia = records[0]

    assert armenia["parliament"] == "National Assembly of the Republic of Armenia"
    assert armenia["seats"] == 6
    assert armenia["chambers"] == [
        {
            "count": 6,
            "member_title": "deputies",
            "member_role": "deputy",
            "chamber": None,
            "phrase": "six deputies",
        }
    ]
    assert records[1]["url"] is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://pacsto.org/events/since-january-1-russia-begins", True),
        ("https://paodkb.org/events/slug-3f2b6c1e-8d4a-4b7e-9c1a-2d3e4f5a6b7c/", True),
        ("http://www.pacsto.org/en/events/item?utm_source=x", True),
        ("https://pacsto.org/events/", False),
        ("https://pacsto.org/events", False),
        ("https://pacsto.org/events/?page=2", False),
        ("https://pacsto.org/countries/republic-of-tajikistan", False),
        ("https://pacsto.org/", False),
    ],
)
def test_is_article_url(url, expected):
    assert is_article_url(url) is expected


CELLS_URL = "https://pacsto.org/events/since-january-1-russia-begins-its-csto-chairmanship"


def test_labels_and_values_in_separate_cells_and_wrapped_lines(page):
    result = parse_pacsto_page(page("en_2026_cells.html"), CELLS_URL)
    records = result.records
    belarus = by_type(records, "delegation")[0]

    assert result.missing == [] and result.errors == []
    # the sentence is broken by <br> and its chambers are list items
    assert belarus["seats"] == 11
    assert [(c["count"], c["chamber"]) for c in belarus["chambers"]] == [
        (7, "House of Representatives of the National Assembly of the Republic of Belarus"),
        (4, "Council of the Republic of the National Assembly of the Republic of Belarus"),
    ]
    reps = {r["country"]: r["name"] for r in by_type(records, "representative")}
    assert reps == {
        "BY": "Viktor Kogut",  # label without colon, name in the next cell
        "KZ": "Viktor Rogalev",
        "KG": "Shabdanbek Alishev",
        "RU": "Mikhail Krotov",
    }
    assert [(r["country"], r["label"], r["url"]) for r in by_type(records, "website")] == [
        (
            "BY",
            "Website of the House of Representatives of the National Assembly of the Republic of "
            "Belarus",
            "http://house.gov.by/en/",
        ),
        (
            "BY",
            "Website of the Council of the Republic of the National Assembly of the Republic of "
            "Belarus",  # label wrapped by <br>
            "http://www.sovrep.gov.by/ru/",
        ),
        ("KG", "Website of the Supreme Council of the Kyrgyz Republic", None),  # empty cell
    ]
    kyrgyz = by_type(records, "delegation")[2]
    assert (kyrgyz["country"], kyrgyz["seats"]) == ("KG", 7)


def test_article_heading_inside_a_non_article_header(page):
    news = by_type(parse_pacsto_page(page("en_2026_cells.html"), CELLS_URL).records, "news")[0]
    assert news["title"] == "Since January 1 Russia Begins its CSTO Chairmanship"
    assert news["published"] == "2026-01-01"  # "Published: Thursday, 1 January 2026, 09:00"
    paragraphs = news["body"].split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[-1].endswith("celebrate its 20th anniversary.")


def test_site_words_outside_the_block_make_no_website_records():
    html = (
        "<p>Делегация Жогорку Кенеша Кыргызской Республики в ПА ОДКБ состоит из 6 депутатов.</p>"
        "<p>Сайт на техническом обслуживании</p><p>Сайт разработан студией</p>"
        "<p>Website of the Supreme Council of the Kyrgyz Republic</p><p>http://www.kenesh.kg/</p>"
    )
    records = parse_pacsto_page(html, "https://paodkb.org/").records
    assert [(r["type"], r.get("url")) for r in records] == [
        ("delegation", None),
        ("website", "http://www.kenesh.kg/"),
    ]


def test_part_readers_return_what_they_found_with_its_lines_and_problems():
    doc = Document.from_html(
        "<p>Delegation of the Majlisi Oli of the Republic of Tajikistan to the CSTO PA consists"
        " of<br>4 deputies of the Majlisi Namoyandagon and 4 members of the Majlisi Milli.</p>"
        "<p>Plenipotentiary representative of the Majlisi Oli of the Republic of Tajikistan:</p>"
        "<p>Members of the delegation: Ivan Petrov, Anna Sidorova</p>"
    )
    delegations = read_delegations(doc.lines)
    assert delegations.missing() is None
    assert delegations.ends == {0: 1}  # the sentence is wrapped over lines 0 and 1
    assert [(i, r["type"]) for i, r in delegations.records] == [
        (0, "delegation"),
        (2, "representative"),
    ]
    assert delegations.errors == [
        "delegations: no name in 'Plenipotentiary representative of the Majlisi Oli of the "
        "Republic of Tajikistan:'"
    ]
    members = read_members(doc.lines[3:], "TJ")
    assert [(i, r["name"]) for i, r in members.records] == [
        (3, "Ivan Petrov"),
        (3, "Anna Sidorova"),
    ]
    assert members.errors == []
    assert read_members(doc.lines[:1], "TJ").records == []
