"""Pure parsers for CSTO Parliamentary Assembly pages (pacsto.org / paodkb.org).

No network, no file I/O: bytes or text in, plain dict records out. The flattener
(:mod:`.textlines`), the errors and the text helpers are shared with the national parsers
(:mod:`.national`); person names and keys live in :mod:`crawler.names`.
"""

from .delegations import DelegationLines, read_delegations
from .errors import BlockNotFound, ParseError
from .members import Members, read_members
from .news import NewsArticle, read_article
from .page import PageResult, is_article_url, parse_pacsto_page
from .regions import is_country_url
from .text import decode_body
from .textlines import ASSEMBLY, NATIONAL, Document, flatten

__all__ = [
    "ASSEMBLY",
    "BlockNotFound",
    "DelegationLines",
    "Document",
    "Members",
    "NewsArticle",
    "NATIONAL",
    "PageResult",
    "ParseError",
    "decode_body",
    "flatten",
    "is_article_url",
    "is_country_url",
    "parse_pacsto_page",
    "read_article",
    "read_delegations",
    "read_members",
]
