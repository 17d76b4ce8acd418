"""Pure parsers for CSTO Parliamentary Assembly pages (pacsto.org / paodkb.org).

No network, no file I/O: bytes or text in, plain dict records out.
"""

from .delegations import DelegationBlockParser
from .errors import BlockNotFound, ParseError
from .members import MemberParser
from .news import NewsArticleParser
from .page import PageResult, is_article_url, parse_pacsto_page
from .regions import is_country_url
from .textlines import Document, decode_body, html_to_lines

__all__ = [
    "BlockNotFound",
    "DelegationBlockParser",
    "Document",
    "MemberParser",
    "NewsArticleParser",
    "PageResult",
    "ParseError",
    "decode_body",
    "html_to_lines",
    "is_article_url",
    "is_country_url",
    "parse_pacsto_page",
]
