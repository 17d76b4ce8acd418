"""One error hierarchy for both parser families: a missing part is a BlockNotFound that names it."""

import pytest

from crawler.parsers import BlockNotFound, ParseError
from crawler.parsers.national import (
    ArticleNotFound,
    MemberListNotFound,
    NewsListNotFound,
    parse_article,
    parse_member_list,
)


def test_an_assembly_part_names_the_block_in_its_message():
    error = BlockNotFound("delegations", "no delegation line")
    assert str(error) == "delegations: block not found (no delegation line)"
    assert str(BlockNotFound("members")) == "members: block not found"
    assert (error.block, error.detail) == ("delegations", "no delegation line")


@pytest.mark.parametrize(
    ("kind", "block"),
    [(MemberListNotFound, "members"), (NewsListNotFound, "news list"), (ArticleNotFound, "news")],
)
def test_a_national_part_is_a_block_not_found_whose_message_names_the_page(kind, block):
    error = kind("https://duma.gov.ru/odkb/", "no list of persons found")
    assert isinstance(error, BlockNotFound) and isinstance(error, ParseError)
    assert str(error) == "https://duma.gov.ru/odkb/: no list of persons found"
    assert (error.block, error.detail, error.url) == (
        block,
        "no list of persons found",
        "https://duma.gov.ru/odkb/",
    )


def test_the_national_parsers_raise_it():
    with pytest.raises(BlockNotFound, match=r"^https://x/: empty page$") as members:
        parse_member_list("", "https://x/", site="s", country="RU", chamber=None, language="ru")
    assert members.value.block == "members"
    with pytest.raises(BlockNotFound) as article:
        parse_article("<p>x</p>", "https://x/a", language="ru")
    assert article.value.block == "news"
