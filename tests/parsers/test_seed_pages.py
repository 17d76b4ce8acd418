"""The seed pages (pacsto.org English, 2025 and 2026 captures) in two unrelated markups."""

import json

import pytest

from crawler.parsers import PageResult, parse_pacsto_page

URL_2025 = (
    "https://pacsto.org/events/"
    "importance-of-the-csto-s-parliamentary-diplomacy-stressed-at-the-security-forum-in-moscow"
)
URL_2026 = "http://www.pacsto.org/events/since-january-1-russia-begins-its-csto-chairmanship"

# Everything in the 2025 seed's delegations block, as records.
EN_2025 = [
    {
        "type": "delegation",
        "country": "BY",
        "language": "en",
        "parliament": "National Assembly of the Republic of Belarus",
        "wording": "consists of",
        "seats": 11,
        "chambers": [
            {
                "count": 7,
                "member_title": "deputies",
                "member_role": "deputy",
                "chamber": "House of Representatives of the National Assembly of "
                "the Republic of Belarus",
                "phrase": "7 deputies from the House of Representatives of the National Assembly "
                "of the Republic of Belarus",
            },
            {
                "count": 4,
                "member_title": "deputies",
                "member_role": "deputy",
                "chamber": "Council of the Republic of the National Assembly of "
                "the Republic of Belarus",
                "phrase": "4 deputies from the Council of the Republic of the National Assembly "
                "of the Republic of Belarus",
            },
        ],
        "text": "Delegation of the National Assembly of the Republic of Belarus to the "
        "CSTO PA consists of 7 deputies from the House of Representatives of the "
        "National Assembly of the Republic of Belarus and 4 deputies from the "
        "Council of the Republic of the National Assembly of the Republic of "
        "Belarus.",
        "part": "block",
    },
    {
        "type": "representative",
        "country": "BY",
        "language": "en",
        "name": "Viktor Kogut",
        "role": "Plenipotentiary representative of the National Assembly of the Republic "
        "of Belarus",
        "part": "block",
    },
    {
        "type": "website",
        "country": "BY",
        "language": "en",
        "label": "Website of the House of Representatives of the National Assembly of "
        "the Republic of Belarus",
        "url": "http://house.gov.by/en/",
        "part": "block",
    },
    {
        "type": "website",
        "country": "BY",
        "language": "en",
        "label": "Website of the Council of the Republic of the National Assembly of the "
        "Republic of Belarus",
        "url": "http://www.sovrep.gov.by/ru/",
        "part": "block",
    },
    {
        "type": "delegation",
        "country": "KZ",
        "language": "en",
        "parliament": "Parliament of the Republic of Kazakhstan",
        "wording": "consists of",
        "seats": 16,
        "chambers": [
            {
                "count": 8,
                "member_title": "deputies",
                "member_role": "deputy",
                "chamber": "Mazhilis of the Parliament of the Republic of Kazakhstan",
                "phrase": "8 deputies from the Mazhilis of the Parliament of the Republic of "
                "Kazakhstan",
            },
            {
                "count": 8,
                "member_title": "members",
                "member_role": "member",
                "chamber": "Senate of the Parliament of Kazakhstan",
                "phrase": "8 members of the Senate of the Parliament of Kazakhstan",
            },
        ],
        "text": "Delegation of the Parliament of the Republic of Kazakhstan to the CSTO "
        "PA consists of 8 deputies from the Mazhilis of the Parliament of the "
        "Republic of Kazakhstan and 8 members of the Senate of the Parliament of "
        "Kazakhstan.",
        "part": "block",
    },
    {
        "type": "representative",
        "country": "KZ",
        "language": "en",
        "name": "Viktor Rogalev",
        "role": "Plenipotentiary Representative of the Parliament of the Republic of "
        "Kazakhstan, deputy Executive Secretary of the CSTO Parliamentary "
        "Assembly",
        "part": "block",
    },
    {
        "type": "delegation",
        "country": "KG",
        "language": "en",
        "parliament": "Supreme Council of the Kyrgyz Republic",
        "wording": "consists of",
        "seats": 6,
        "chambers": [
            {
                "count": 6,
                "member_title": "deputies",
                "member_role": "deputy",
                "chamber": None,
                "phrase": "6 deputies",
            }
        ],
        "text": "Delegation of the Supreme Council of the Kyrgyz Republic to the CSTO PA "
        "consists of 6 deputies.",
        "part": "block",
    },
    {
        "type": "representative",
        "country": "KG",
        "language": "en",
        "name": "Shabdanbek Alishev",
        "role": "Plenipotentiary Representative of the Supreme Council of the Kyrgyz Republic",
        "part": "block",
    },
    {
        "type": "website",
        "country": "KG",
        "language": "en",
        "label": "Website of the Supreme Council of the Kyrgyz Republic",
        "url": "http://www.kenesh.kg/",
        "part": "block",
    },
    {
        "type": "delegation",
        "country": "RU",
        "language": "en",
        "parliament": "Federal Assembly of the Russian Federation",
        "wording": "consists of",
        "seats": 22,
        "chambers": [
            {
                "count": 10,
                "member_title": "deputies",
                "member_role": "deputy",
                "chamber": "State Duma of the Russian Federation",
                "phrase": "10 deputies of the State Duma of the Russian Federation",
            },
            {
                "count": 12,
                "member_title": "members",
                "member_role": "member",
                "chamber": "Federation Council of the Russian Federation",
                "phrase": "12 members of the Federation Council of the Russian Federation",
            },
        ],
        "text": "Delegation of the Federal Assembly of the Russian Federation to the "
        "CSTO PA consists of 10 deputies of the State Duma of the Russian "
        "Federation and 12 members of the Federation Council of the Russian "
        "Federation.",
        "part": "block",
    },
    {
        "type": "representative",
        "country": "RU",
        "language": "en",
        "name": "Mikhail Krotov",
        "role": "Plenipotentiary representative of the Federal Assembly of the Russian "
        "Federation - deputy Executive Secretary of the CSTO Parliamentary "
        "Assembly",
        "part": "block",
    },
    {
        "type": "delegation",
        "country": "TJ",
        "language": "en",
        "parliament": "Supreme Assembly of the Republic of Tajikistan",
        "wording": "consists of",
        "seats": 12,
        "chambers": [
            {
                "count": 6,
                "member_title": "deputies",
                "member_role": "deputy",
                "chamber": "National Assembly of the Supreme Assembly of the "
                "Republic of Tajikistan",
                "phrase": "6 deputies of the National Assembly of the Supreme Assembly of the "
                "Republic of Tajikistan",
            },
            {
                "count": 6,
                "member_title": "deputies",
                "member_role": "deputy",
                "chamber": "Assembly of Representatives of the Supreme Assembly of "
                "the Republic of Tajikistan",
                "phrase": "6 deputies of the Assembly of Representatives of the Supreme Assembly "
                "of the Republic of Tajikistan",
            },
        ],
        "text": "Delegation of the Supreme Assembly of the Republic of Tajikistan to the "
        "CSTO PA consists of 6 deputies of the National Assembly of the Supreme "
        "Assembly of the Republic of Tajikistan and 6 deputies of the Assembly "
        "of Representatives of the Supreme Assembly of the Republic of "
        "Tajikistan.",
        "part": "block",
    },
]

RU_DELEGATION_2026 = {
    "type": "delegation",
    "country": "RU",
    "language": "en",
    "parliament": "Federal Assembly of the Russian Federation",
    "wording": "is represented by",
    "seats": 22,
    "chambers": [
        {
            "count": 10,
            "member_title": "deputies",
            "member_role": "deputy",
            "chamber": "State Duma of the Russian Federation",
            "phrase": "10 deputies of the State Duma of the Russian Federation",
        },
        {
            "count": 12,
            "member_title": "senators",
            "member_role": "senator",
            "chamber": None,
            "phrase": "12 senators of the Russian Federation",
        },
    ],
    "text": "Delegation of the Federal Assembly of the Russian Federation to the CSTO PA is "
    "represented by 10 deputies of the State Duma of the Russian Federation and 12 senators of "
    "the Russian Federation.",
    "part": "block",
}
# Between the captures only the Russian delegation's sentence changed (seeds/README.md).
EN_2026 = [
    RU_DELEGATION_2026 if r["type"] == "delegation" and r["country"] == "RU" else r for r in EN_2025
]


def news_of(result: PageResult) -> dict:
    (news,) = [r for r in result.records if r["type"] == "news"]
    return news


def block_of(result: PageResult) -> list[dict]:
    return [r for r in result.records if r["type"] != "news"]


@pytest.mark.parametrize(
    ("fixture", "url", "expected_block", "seed_name", "published"),
    [
        ("en_2025_modern.html", URL_2025, EN_2025, "000_4514039d58d35e4e.txt", "2025-05-28"),
        ("en_2026_table.html", URL_2026, EN_2026, "004_d4874e3d9276681c.txt", "2026-01-01"),
    ],
)
def test_seed_page_gives_exact_records(
    page, seed, fixture, url, expected_block, seed_name, published
):
    result = parse_pacsto_page(page(fixture), url, language="en")
    captured = seed(seed_name)

    assert result.missing == []
    assert result.errors == []
    assert result.language == "en"
    assert block_of(result) == expected_block
    assert news_of(result) == {
        "type": "news",
        "url": url,
        "language": "en",
        "title": captured["title"],
        "published": published,
        "body": "\n\n".join(captured["body"]),
        "part": "article",
    }


def test_seed_news_first_and_last_paragraphs(page):
    news_2025 = news_of(parse_pacsto_page(page("en_2025_modern.html"), URL_2025))
    news_2026 = news_of(parse_pacsto_page(page("en_2026_table.html"), URL_2026))
    paragraphs_2025 = news_2025["body"].split("\n\n")
    paragraphs_2026 = news_2026["body"].split("\n\n")

    assert news_2025["title"] == (
        "Importance of the CSTO's Parliamentary Diplomacy Stressed at the Security Forum in Moscow"
    )
    assert len(paragraphs_2025) == 9
    assert paragraphs_2025[0].startswith(
        "Sergei Pospelov, Executive Secretary of the CSTO PA, spoke"
    )
    assert paragraphs_2025[-1].endswith("strengthen collective security in the Eurasian space.")
    assert news_2026["title"] == "Since January 1 Russia Begins its CSTO Chairmanship"
    assert len(paragraphs_2026) == 8
    assert paragraphs_2026[0].startswith(
        "On January 1, Russian Federation assumed the chairmanship"
    )
    assert paragraphs_2026[-1].endswith("the Assembly will celebrate its 20th anniversary.")


def test_curly_quotes_are_straightened_in_title_and_body(page):
    news = news_of(parse_pacsto_page(page("en_2025_modern.html"), URL_2025))
    assert "CSTO's" in news["title"]
    assert 'the "security umbrella" of' in news["body"]
    assert "\u2019" not in news["body"] and "\u201c" not in news["body"]


def test_block_records_are_in_page_order_with_contract_key_order(page):
    result = parse_pacsto_page(page("en_2026_table.html"), URL_2026)
    kinds = [(r["type"], r["country"]) for r in result.records if r["type"] != "news"]

    assert kinds[0] == ("delegation", "BY") and kinds[-1] == ("delegation", "TJ")
    assert [c for t, c in kinds if t == "delegation"] == ["BY", "KZ", "KG", "RU", "TJ"]
    assert list(result.records[0]) == [
        "type", "country", "language", "parliament", "wording", "seats", "chambers", "text", "part",
    ]  # fmt: skip
    assert list(result.records[1]) == ["type", "country", "language", "name", "role", "part"]
    assert list(result.records[2]) == ["type", "country", "language", "label", "url", "part"]
    assert list(news_of(result)) == [
        "type", "url", "language", "title", "published", "body", "part",
    ]  # fmt: skip
    assert json.loads(json.dumps(result.records)) == result.records


def test_the_two_markups_differ_only_in_the_russian_sentence_and_the_news(page):
    block_2025 = block_of(parse_pacsto_page(page("en_2025_modern.html"), URL_2025))
    block_2026 = block_of(parse_pacsto_page(page("en_2026_table.html"), URL_2026))
    changed = [(a, b) for a, b in zip(block_2025, block_2026, strict=True) if a != b]

    assert len(changed) == 1
    old, new = changed[0]
    assert (old["wording"], new["wording"]) == ("consists of", "is represented by")
    assert [c["member_title"] for c in old["chambers"]] == ["deputies", "members"]
    assert [c["member_title"] for c in new["chambers"]] == ["deputies", "senators"]
    assert old["seats"] == new["seats"] == 22


def test_language_is_detected_when_not_given(page):
    assert parse_pacsto_page(page("en_2026_table.html"), URL_2026).language == "en"


def test_text_body_is_accepted_as_well_as_bytes(page):
    text = page("en_2025_modern.html").decode("utf-8")
    assert block_of(parse_pacsto_page(text, URL_2025)) == EN_2025


@pytest.mark.parametrize(
    ("fixture", "url", "seed_name"),
    [
        ("en_2025_modern.html", URL_2025, "000_4514039d58d35e4e.txt"),
        ("en_2026_table.html", URL_2026, "004_d4874e3d9276681c.txt"),
    ],
)
def test_block_records_reproduce_the_seed_lines(page, seed, fixture, url, seed_name):
    """Independent of the expected dicts above: every captured line comes back verbatim."""
    rebuilt = []
    for r in block_of(parse_pacsto_page(page(fixture), url)):
        if r["type"] == "delegation":
            rebuilt.append(r["text"])
        elif r["type"] == "representative":
            rebuilt.append(f"{r['role']}: {r['name']}")
        else:
            rebuilt.append(f"{r['label']}: {r['url']}")
    assert rebuilt == seed(seed_name)["block"]
