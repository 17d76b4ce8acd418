"""Pure parsers for the national parliament sites (delegation pages, news lists, articles).

Nothing here fetches or reads files: each function takes decoded HTML and the page URL. They find
things by content and structure, never by class names or ids, so that a redesign of a site yields
the same records. A page whose expected block is absent raises a
:class:`~crawler.parsers.errors.BlockNotFound` (the decoder, the flattener and the errors are
shared with the assembly's parsers, one package up).
"""

from ..errors import ArticleNotFound, MemberListNotFound, NewsListNotFound, ParseError
from ..text import decode_html
from .article import parse_article
from .dates import find_date, parse_date
from .members import parse_member_list
from .news import NewsList, parse_news_list

__all__ = [
    "ArticleNotFound",
    "MemberListNotFound",
    "NewsList",
    "NewsListNotFound",
    "ParseError",
    "decode_html",
    "find_date",
    "parse_article",
    "parse_date",
    "parse_member_list",
    "parse_news_list",
]
