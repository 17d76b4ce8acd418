"""Whole-page entry point: decode, run the part parsers, report what is missing."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

from .delegations import DelegationBlockParser
from .errors import BlockNotFound
from .news import NewsArticleParser
from .textlines import Document, cyrillic_ratio

# "/events/<slug>" (optionally under a language prefix or with a trailing slash), not "/events/".
_ARTICLE_PATH = re.compile(r"/(?:events|news)/[^/]+/?$")


def is_article_url(url: str) -> bool:
    """True when the URL path looks like a single news item, ``/events/<slug>``."""
    return bool(_ARTICLE_PATH.search(urlsplit(url).path))


@dataclass
class PageResult:
    """What one page yielded. ``records`` are plain JSON-serialisable dicts in page order."""

    records: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    language: str = "en"
    errors: list[str] = field(default_factory=list)
    encoding: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def _language(doc: Document, requested: str | None, errors: list[str]) -> str:
    ratio = cyrillic_ratio(doc.text(skip_chrome=True))
    detected = "ru" if ratio > 0.5 else "en"
    if requested is None:
        return detected
    requested = requested.strip().lower()[:2]
    # Only a clear-cut disagreement is reported: the CMS picks the language by Accept-Language
    # and may silently serve the other edition.
    if (requested == "en" and ratio > 0.7) or (requested == "ru" and 0 < ratio < 0.3):
        errors.append(f"language: requested {requested!r} but the page text looks {detected!r}")
    return requested


def parse_pacsto_page(
    body: bytes | str,
    url: str,
    *,
    language: str | None = None,
    content_type: str | None = None,
) -> PageResult:
    """Parse one pacsto.org / paodkb.org page into records.

    ``body`` is the raw response body (bytes are decoded from the ``content_type`` header,
    BOM or ``<meta>`` charset). Never raises for a missing block: absent parts are listed in
    ``missing`` with a message in ``errors``. The delegations block is expected on every page, a
    news article only on ``/events/<slug>`` pages. Each record's ``language`` is the language its
    text is written in; ``PageResult.language`` is the requested one (detected when ``None``).
    """
    doc = Document.from_html(body, url, content_type)
    result = PageResult(encoding=doc.encoding)
    result.language = _language(doc, language, result.errors)
    positioned: list[tuple[int, dict]] = []

    delegations = DelegationBlockParser()
    try:
        positioned += delegations.parse_positions(doc)
    except BlockNotFound as exc:
        result.missing.append(exc.block)
        result.errors.append(str(exc))
    result.errors += delegations.errors

    if is_article_url(url):
        news = NewsArticleParser()
        try:
            positioned.append(news.parse_position(doc))
        except BlockNotFound as exc:
            result.missing.append(exc.block)
            result.errors.append(str(exc))
        result.errors += news.errors

    positioned.sort(key=lambda item: item[0])  # stable: same-line records keep their order
    result.records = [record for _, record in positioned]
    return result
