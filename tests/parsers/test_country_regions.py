"""Country pages built inline: where the block ends and the content starts in odd layouts,
what is reported missing, and the shapes a name list and a card can take."""

import pytest

from crawler.parsers import is_country_url, parse_pacsto_page

URL = "https://pacsto.org/countries/republic-of-belarus"
BY = (
    "<p>Delegation of the National Assembly of the Republic of Belarus to the CSTO PA consists of "
    "{n} deputies from the House of Representatives of the National Assembly of the Republic of "
    "Belarus.</p>"
)
KZ = (
    "<p>Delegation of the Parliament of the Republic of Kazakhstan to the CSTO PA consists of 8 "
    "deputies from the Mazhilis of the Parliament of the Republic of Kazakhstan.</p>"
    "<p>Plenipotentiary Representative of the Parliament of the Republic of Kazakhstan: "
    "Viktor Rogalev</p>"
)
REP = (
    "<p>Plenipotentiary representative of the National Assembly of the Republic of Belarus: "
    "Viktor Kogut</p>"
)
NAMES = "<p>Members of the delegation: Pavel Yarosh, Irina Belskaya and Yuri Sokol</p>"
H1 = "<h1>Republic of Belarus</h1>"


def summary(html: str, url: str = URL) -> list[tuple]:
    """(part, type, country, seats / name / position) of every record."""
    out = []
    for r in parse_pacsto_page(html, url).records:
        detail = r.get("seats") or r.get("name")
        out.append((r["part"], r["type"], r["country"], detail, r.get("position")))
    return out


BLOCK_BY7_KZ = [
    ("block", "delegation", "BY", 7, None),
    ("block", "representative", "BY", "Viktor Kogut", None),
    ("block", "delegation", "KZ", 8, None),
    ("block", "representative", "KZ", "Viktor Rogalev", None),
]
CONTENT_BY6 = [
    ("country-page", "delegation", "BY", 6, None),
    ("country-page", "member", "BY", "Pavel Yarosh", 1),
    ("country-page", "member", "BY", "Irina Belskaya", 2),
    ("country-page", "member", "BY", "Yuri Sokol", 3),
]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param(
            "<body>" + BY.format(n=7) + REP + KZ + H1 + BY.format(n=6) + NAMES + "</body>",
            BLOCK_BY7_KZ + CONTENT_BY6,
            id="flat-block-first",
        ),
        pytest.param(
            "<body>" + H1 + BY.format(n=6) + NAMES + BY.format(n=7) + REP + KZ + "</body>",
            CONTENT_BY6 + BLOCK_BY7_KZ,
            id="flat-block-last",
        ),
        pytest.param(
            f"<div><div>{BY.format(n=7)}{REP}</div><div>{KZ}</div></div>"
            f"<div>{H1}{BY.format(n=6)}{NAMES}</div>",
            BLOCK_BY7_KZ + CONTENT_BY6,
            id="one-other-country-in-nested-groups",
        ),
        pytest.param(
            f"<div>{BY.format(n=7)}{REP}</div><div>{H1}{BY.format(n=6)}{NAMES}</div>",
            BLOCK_BY7_KZ[:2] + CONTENT_BY6,
            id="no-other-country-the-sentence-above-the-names-is-the-page's",
        ),
        pytest.param(
            f"<div>{KZ}{BY.format(n=7)}</div><div>{BY.format(n=7)}{NAMES}</div>",
            [
                *BLOCK_BY7_KZ[2:],
                ("block", "delegation", "BY", 7, None),
                ("country-page", "delegation", "BY", 7, None),  # a word-for-word repeat
                *CONTENT_BY6[1:],
            ],
            id="identical-sentence-right-after-the-block",
        ),
        pytest.param(
            "<body>"
            + BY.format(n=7).replace(" consists", "<br>consists")
            + REP
            + KZ
            + H1
            + BY.format(n=6)
            + NAMES
            + "</body>",
            BLOCK_BY7_KZ + CONTENT_BY6,
            id="flat-with-a-wrapped-sentence-at-the-edge-of-the-block",
        ),
    ],
)
def test_block_and_content_are_told_apart(html, expected):
    assert summary(html) == expected


def test_a_page_without_its_name_list_reports_members_missing():
    result = parse_pacsto_page(
        f"<div>{BY.format(n=7)}{KZ}</div><div>{H1}{BY.format(n=6)}{REP}</div>", URL
    )
    assert result.missing == ["members"]
    assert result.errors == ["members: block not found (no name list and no biography cards)"]
    assert [r["type"] for r in result.records if r["part"] == "country-page"] == [
        "delegation",
        "representative",
    ]


def test_a_page_without_its_sentence_reports_country_missing():
    html = (
        f"<div>{KZ}{BY.format(n=7)}</div><div>{H1}{NAMES}"
        "<p>Plenipotentiary representative: Viktor Kogut</p></div>"
    )
    result = parse_pacsto_page(html, URL)
    content = [r for r in result.records if r["part"] == "country-page"]

    assert result.missing == ["country"]
    assert result.errors == ["country: block not found (no delegation sentence for BY)"]
    # a label naming no country belongs to the page's country, not to the block's last one
    assert [(r["type"], r["country"]) for r in content][-1] == ("representative", "BY")
    assert len([r for r in content if r["type"] == "member"]) == 3


def test_a_page_without_the_block_reports_it_missing():
    result = parse_pacsto_page(f"<div>{H1}{BY.format(n=6)}{NAMES}</div>", URL)
    assert result.missing == ["delegations"]
    assert {r["part"] for r in result.records} == {"country-page"}


@pytest.mark.parametrize("body", [b"", b"\x00\x01binary", "<html><body><p>Maintenance</p>"])
def test_junk_at_a_country_url_misses_everything_and_never_raises(body):
    result = parse_pacsto_page(body, URL)
    assert result.records == []
    assert result.missing == ["delegations", "country", "members"]


def test_a_second_name_list_elsewhere_is_reported_not_merged():
    html = (
        f"<div>{BY.format(n=7)}{KZ}</div><div>{BY.format(n=6)}{NAMES}"
        "<p>Photo gallery</p><p>Sergei Ivanov, Petr Sidorov</p></div>"
    )
    result = parse_pacsto_page(html, URL)
    assert [r["name"] for r in result.records if r["type"] == "member"] == [
        "Pavel Yarosh",
        "Irina Belskaya",
        "Yuri Sokol",
    ]
    assert result.errors == ["members: second name list ignored: 'Sergei Ivanov, Petr Sidorov'"]


RU_URL = "https://paodkb.org/countries/republic-of-belarus"
RU_SENTENCE = (
    "<p>Делегация Национального собрания Республики Беларусь в ПА ОДКБ состоит из 7 депутатов "
    "Палаты представителей Национального собрания Республики Беларусь.</p>"
)
RU_KZ = (
    "<p>Делегация Парламента Республики Казахстан в ПА ОДКБ состоит из 8 депутатов Мажилиса "
    "Парламента Республики Казахстан.</p>"
)


def members_of(content: str) -> list[tuple]:
    html = f"<div>{RU_SENTENCE}{RU_KZ}</div><div>{RU_SENTENCE}{content}</div>"
    result = parse_pacsto_page(html, RU_URL)
    assert "members" not in result.missing
    return [
        (r["name"], r["position"], r["post"], r["chamber"], r["biography"])
        for r in result.records
        if r["type"] == "member"
    ]


@pytest.mark.parametrize(
    "content",
    [
        "<p>Члены делегации: КОГУТ Виктор, Иванов Иван Иванович и Петров Пётр</p>",
        "<p>Состав делегации:<br>КОГУТ Виктор,<br>Иванов Иван Иванович,<br>Петров Пётр</p>",
        "<h3>Состав делегации</h3><ul><li>1. КОГУТ Виктор<li>2. Иванов Иван Иванович"
        "<li>3. Петров Пётр</ul>",
        "<p>КОГУТ Виктор, Иванов Иван Иванович, Петров Пётр - члены делегации.</p>",
    ],
    ids=["label-and-i", "br-lines-after-label", "numbered-items", "role-suffix"],
)
def test_name_list_shapes(content):
    assert members_of(content) == [
        ("КОГУТ Виктор", 1, None, None, None),
        ("Иванов Иван Иванович", 2, None, None, None),
        ("Петров Пётр", 3, None, None, None),
    ]


def test_cards_match_list_names_written_differently_and_stop_at_block_lines():
    content = (
        "<p>Члены делегации: Когут Виктор, Иванов Иван</p>"
        "<div><h3>ИВАНОВ Иван Иванович</h3><p>член Совета Республики</p><p>Родился в Минске.</p>"
        "<p>Подробнее</p></div>"
        "<div><h3>КОГУТ Виктор Валентинович</h3><p>Депутат Палаты представителей</p></div>"
        "<p>Сайт Палаты представителей: <a href='http://house.gov.by/'>http://house.gov.by/</a></p>"
    )
    assert members_of(content) == [
        ("Когут Виктор", 1, "Депутат Палаты представителей", "Палаты представителей", None),
        ("Иванов Иван", 2, "член Совета Республики", "Совета Республики", "Родился в Минске."),
    ]


def test_cards_without_a_list_are_numbered_in_page_order():
    content = (
        "<table><tr><td><b>СИДОРОВ Сидор Сидорович</b><br>сенатор, член Сената</td></tr>"
        "<tr><td><b>Петров Пётр Петрович</b><br>депутат Мажилиса</td></tr></table>"
    )
    assert members_of(content) == [
        ("СИДОРОВ Сидор Сидорович", 1, "сенатор, член Сената", "Сената", None),
        ("Петров Пётр Петрович", 2, "депутат Мажилиса", "Мажилиса", None),
    ]


def test_ordinary_pages_mark_block_and_article_parts(page):
    url = "https://pacsto.org/events/since-january-1-russia-begins-its-csto-chairmanship"
    parts = {
        (r["type"], r["part"]) for r in parse_pacsto_page(page("en_2026_table.html"), url).records
    }
    assert parts == {
        ("delegation", "block"),
        ("representative", "block"),
        ("website", "block"),
        ("news", "article"),
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://pacsto.org/countries/republic-of-tajikistan", True),
        ("http://www.paodkb.org/countries/kyrgyz-republic/?print=1", True),
        ("https://pacsto.org/en/countries/russian-federation", True),
        ("https://pacsto.org/countries/", False),
        ("https://pacsto.org/countries", False),
        ("https://pacsto.org/countries/republic-of-belarus/yarosh", False),
        ("https://pacsto.org/events/republic-of-belarus", False),
    ],
)
def test_is_country_url(url, expected):
    assert is_country_url(url) is expected


def test_an_unknown_slug_is_reported():
    result = parse_pacsto_page(
        f"<div>{BY.format(n=7)}{KZ}</div>{NAMES}", "https://pacsto.org/countries/x"
    )
    assert "country-page: no known country in 'x'" in result.errors
