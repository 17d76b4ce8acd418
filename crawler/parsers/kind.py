"""What kind of page a national site's page is, told by its content when its URL does not say.

The registry's paths are guesses that go stale (a redesign, a new convocation moves the
delegation page). So a page whose URL matches no registry pattern, or a page under the
delegation URL that holds no member list, is judged by what it says: a page naming the CSTO
Parliamentary Assembly (ОДКБ, ПА ОДКБ, CSTO PA, the full name in its inflected forms) and listing
several persons is a delegation page; an article with a heading, a date and paragraphs is a news
item. Pure: decoded HTML and a URL in, a verdict out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ArticleNotFound, MemberListNotFound
from .national.article import _UNAVAILABLE as UNAVAILABLE
from .national.article import parse_article
from .national.members import parse_member_list
from .textlines import NATIONAL, flatten, parse_html

DELEGATION, NEWS = "delegation", "news"
BY_URL, BY_CONTENT = "by URL", "by content"
MIN_PERSONS = 3  # "several persons": fewer is a mention, not a list

# The assembly as the national sites name it: the abbreviations, and the full names in any case
# ("Парламентской Ассамблеи Организации Договора о коллективной безопасности").
ASSEMBLY_NAME = re.compile(
    r"\bПА\s+ОДКБ\b|\bОДКБ\b|\bCSTO(?:\s+PA)?\b|\bPA\s+CSTO\b|"
    r"парламентск\w*\s+ассамбле\w*\s+организаци\w*\s+договора\s+о\s+коллективной\s+безопасности|"
    r"организаци\w*\s+договора\s+о\s+коллективной\s+безопасности|"
    r"parliamentary\s+assembly\s+of\s+the\s+collective\s+security\s+treaty\s+organi[sz]ation|"
    r"collective\s+security\s+treaty\s+organi[sz]ation",
    re.I,
)


@dataclass(frozen=True)
class Verdict:
    """A page's kind (``delegation``, ``news`` or ``""`` for neither) and how it was decided."""

    kind: str
    how: str
    persons: int = 0

    def text(self) -> str:
        return f"{self.kind or 'no news or delegation page'} ({self.how})"


def names_assembly(html: str) -> bool:
    """True when the page's text names the CSTO PA (chrome included: a page title counts)."""
    root = parse_html(html)
    if root is None:
        return False
    return bool(ASSEMBLY_NAME.search(" ".join(line.text for line in flatten(root, NATIONAL))))


def count_persons(html: str, url: str) -> int:
    """How many persons the member-list parser finds on the page (0: no list)."""
    try:
        members = parse_member_list(html, url, site="", country="", chamber=None, language="")
    except MemberListNotFound:
        return 0
    return len(members)


def is_article(html: str, url: str, date_order: str = "DMY") -> bool:
    """An article with a heading, a publication date and paragraphs."""
    try:
        article = parse_article(html, url, language="", date_order=date_order)
    except ArticleNotFound:
        return False
    return bool(article.published and article.body)


def is_unavailable(html: str) -> bool:
    """A short "technical works" / "temporarily unavailable" / "not found" page: the site is
    down or the page gone, which says nothing about where its content moved."""
    root = parse_html(html)
    if root is None:
        return True
    text = " ".join(line.text for line in flatten(root, NATIONAL))
    return len(text) < 1500 and bool(UNAVAILABLE.search(text))


def kind_by_content(html: str, url: str, date_order: str = "DMY") -> Verdict:
    """The page's kind from what it says alone, whatever its URL."""
    if names_assembly(html):
        persons = count_persons(html, url)
        if persons >= MIN_PERSONS:
            return Verdict(DELEGATION, BY_CONTENT, persons)
    if is_article(html, url, date_order):
        return Verdict(NEWS, BY_CONTENT)
    return Verdict("", BY_CONTENT)


def page_kind(html: str, url: str, url_role: str, date_order: str = "DMY") -> Verdict:
    """The kind the URL gives (``url_role``: the spider's role for it), checked by content when
    the URL names no kind or names a delegation page that holds no member list."""
    if url_role == NEWS:
        return Verdict(NEWS, BY_URL)
    if url_role == DELEGATION and count_persons(html, url) > 0:
        return Verdict(DELEGATION, BY_URL)
    return kind_by_content(html, url, date_order)
