"""Pure parsers for CSTO Parliamentary Assembly pages (pacsto.org / paodkb.org).

No network, no file I/O: bytes or text in, plain dict records out.
"""

from .delegations import DelegationBlockParser
from .errors import BlockNotFound, ParseError
from .news import NewsArticleParser
from .page import PageResult, is_article_url, parse_pacsto_page
from .textlines import Document, decode_body, html_to_lines

__all__ = [
    "BlockNotFound",
    "DelegationBlockParser",
    "Document",
    "NewsArticleParser",
    "PageResult",
    "ParseError",
    "decode_body",
    "html_to_lines",
    "is_article_url",
    "parse_pacsto_page",
]
