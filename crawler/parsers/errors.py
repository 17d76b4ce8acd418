"""Exceptions raised by the parsers of both families.

A parser raises instead of returning an empty result, so that "the page shows nothing" can never
be confused with "the layout changed and we no longer find it" downstream in the diff stage.
"""

from __future__ import annotations


class ParseError(Exception):
    """Base class for everything the parsers raise."""


class BlockNotFound(ParseError):
    """An expected page part (the delegations block, a member list, an article) is absent.

    ``block`` names the part; ``detail`` says what was looked for.
    """

    def __init__(self, block: str, detail: str = "", *, message: str | None = None) -> None:
        self.block = block
        self.detail = detail
        if message is None:
            message = f"{block}: block not found" + (f" ({detail})" if detail else "")
        super().__init__(message)


class PageBlockNotFound(BlockNotFound):
    """A national page without its expected part; the message names the page: ``"<url>: <why>"``."""

    part = ""

    def __init__(self, url: str, why: str) -> None:
        self.url = url
        super().__init__(self.part, why, message=f"{url}: {why}")


class MemberListNotFound(PageBlockNotFound):
    """No plausible list of delegation members on the page."""

    part = "members"


class NewsListNotFound(PageBlockNotFound):
    """No link matching the site's article pattern on a news list page."""

    part = "news list"


class ArticleNotFound(PageBlockNotFound):
    """No article heading with a body (maintenance page, a 404 served with status 200, ...)."""

    part = "news"
