"""Exceptions raised by the page-part parsers."""


class ParseError(Exception):
    """Base class for everything the pacsto parsers raise."""


class BlockNotFound(ParseError):
    """An expected page part (e.g. the delegations block) is absent.

    Raised instead of returning an empty list, so that "the site shows no delegations" can never be
    confused with "the layout changed and we no longer find them".
    """

    def __init__(self, block: str, detail: str = "") -> None:
        self.block = block
        self.detail = detail
        message = f"{block}: block not found"
        super().__init__(f"{message} ({detail})" if detail else message)
