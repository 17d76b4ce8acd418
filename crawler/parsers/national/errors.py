"""Exceptions raised by the national-parliament parsers.

A parser raises instead of returning an empty result, so that "the page shows nothing" can never
be confused with "the layout changed and we no longer find it" downstream in the diff stage.
"""


class NationalParseError(Exception):
    """Base class for everything the national parsers raise."""


class MemberListNotFound(NationalParseError):
    """No plausible list of delegation members on the page."""


class NewsListNotFound(NationalParseError):
    """No link matching the site's article pattern on a news list page."""


class ArticleNotFound(NationalParseError):
    """No article heading with a body (maintenance page, a 404 served with status 200, ...)."""
