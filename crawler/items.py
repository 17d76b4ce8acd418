"""The data a page passes through on its one way in (``crawler.ingest``): the page as fetched,
what its site's parser made of it, what it contributes, and the item the spiders yield.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from store.queries import KnownPage

# What a page's fetch came to, from the archive's point of view (decided in crawler.ingest).
OK = "ok"
HTTP_ERROR = "http-error"
NETWORK_ERROR = "network-error"
LAYOUT_MISSING = "layout-missing"
GONE = "gone"


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

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


@dataclass
class ParseOutcome:
    """What a site's parser made of one page."""

    records: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # sets this page showed whole (so absent members were removed): an entity type
    # ("delegation"), or type/country for types published per country ("member/RU")
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


@dataclass
class PageItem:
    """The one item the spiders yield: a fetched page and what it contributes."""

    page: Page
    reading: PageReading

    @property
    def outcome(self) -> str:
        return self.reading.outcome
