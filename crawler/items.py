"""The one item the spiders yield: a fetched page with what the parsers made of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# What a page's fetch came to, from the archive's point of view.
OK = "ok"
HTTP_ERROR = "http-error"
NETWORK_ERROR = "network-error"
LAYOUT_MISSING = "layout-missing"
GONE = "gone"


@dataclass
class PageItem:
    """One fetch: the capture data plus the parsed records (empty when the fetch failed)."""

    site: str
    url: str
    language: str | None
    role: str  # root / list / news / page
    fetched_at: datetime
    status: int | None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    request_headers: dict[str, str] = field(default_factory=dict)
    canonical_url: str | None = None
    error: str | None = None
    records: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    parse_errors: list[str] = field(default_factory=list)
    # sets this page showed whole: "delegation", or "member/RU" (see ParseOutcome)
    complete_sets: list[str] = field(default_factory=list)
    # entity keys this fetch re-confirmed without re-parsing (304, or an identical body)
    confirms: list[str] = field(default_factory=list)
    # entity keys whose own page answered a definite "gone" (404/410)
    gone: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        if self.status is None:
            return NETWORK_ERROR
        if self.status >= 400:
            return HTTP_ERROR if not self.gone else GONE
        if self.missing:
            return LAYOUT_MISSING
        return OK
