"""The data a page passes through on its one way in (``crawler.ingest``): the page as fetched,
what its site's parser made of it, what it contributes, and the item the spiders yield.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from store.queries import KnownPage

# What a page's fetch came to, from the archive's point of view (decided in crawler.page_reading).
OK = "ok"
HTTP_ERROR = "http-error"
NETWORK_ERROR = "network-error"
LAYOUT_MISSING = "layout-missing"
GONE = "gone"
# the decoded text is mostly replacement characters, mojibake, or not its edition's script
BAD_ENCODING = "bad-encoding"
# a redirect the crawl did not follow: off the site's host, or a loop
OFF_SITE = "off-site"
REDIRECT = "redirect"
# parsed, but a set it carries is sharply smaller than the archive holds (a half-rendered block)
SHRUNK = "shrunk"
# outcomes of a page that did not come back whole (its sets are incomplete in the run)
FAILED_OUTCOMES = (HTTP_ERROR, NETWORK_ERROR, LAYOUT_MISSING, BAD_ENCODING, OFF_SITE, REDIRECT)
NOT_WHOLE = (*FAILED_OUTCOMES, SHRUNK)


@dataclass(frozen=True)
class Listed:
    """How a news list showed an article: its link text and date (ISO), evidence the article
    page's own parse must agree with (``crawler.ingest``)."""

    title: str | None = None
    published: str | None = None


@dataclass
class Page:
    """One fetch of a page, however it reached us: crawled now, stored before, or imported."""

    site: str
    url: str
    language: str | None
    role: str  # root / list / news / delegation / country / page
    fetched_at: datetime
    status: int | None  # None: no HTTP response (network error)
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)  # response headers, lower-case names
    request_headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    # what the archive knew of this page when it was fetched again (a re-check)
    known: KnownPage | None = None
    # the capture already in the archive that this page is (reparse): not recorded again
    capture_id: int | None = None
    # how the news list that linked to this article showed it
    listed: Listed | None = None
    # where the page redirects and the crawl did not follow (off the site, or a loop)
    redirect_to: str | None = None

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


@dataclass
class ParseOutcome:
    """What a site's parser made of one page."""

    records: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # sets the parser read whole on this page: an entity type ("delegation"), or type/country
    # for types published per country ("member/RU"). Necessary, not sufficient: a set is
    # complete only when every page its site declares for it came back whole
    # (crawler.completeness)
    complete_sets: list[str] = field(default_factory=list)


@dataclass
class PageReading(ParseOutcome):
    """What one page contributes to the history: what its parser read (nothing when the page
    was not parsed), the outcome of its fetch, and what it settles without parsing."""

    outcome: str = OK
    # entity keys this fetch re-confirmed without re-parsing (304, or an identical body)
    confirms: list[str] = field(default_factory=list)
    # entity keys whose own page answered a definite "gone" (404/410)
    gone: list[str] = field(default_factory=list)
    # the page's body went through its site's parser
    parsed: bool = False
    # why the page is not whole, in words, when a rule of the ingest path decided so
    problem: str | None = None


@dataclass
class PageItem:
    """The one item the spiders yield: a fetched page and what it contributes."""

    page: Page
    reading: PageReading

    @property
    def outcome(self) -> str:
        return self.reading.outcome
