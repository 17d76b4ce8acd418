"""Whole-page entry point: decode, run the part parsers, report what is missing."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

from store.entities import Record, record_of

from .delegations import read_delegations
from .errors import BlockNotFound
from .members import is_member_line, read_members
from .news import read_article
from .regions import block_lines, country_of_page, country_slug, is_country_url
from .text import cyrillic_ratio
from .textlines import Document, Line

BLOCK, CONTENT, ARTICLE = "block", "country-page", "article"  # values of a record's "part"

# "/events/<slug>" (optionally under a language prefix or with a trailing slash), not "/events/".
_ARTICLE_PATH = re.compile(r"/(?:events|news)/[^/]+/?$")


def is_article_url(url: str) -> bool:
    """True when the URL path looks like a single news item, ``/events/<slug>``."""
    return bool(_ARTICLE_PATH.search(urlsplit(url).path))


@dataclass
class PageResult:
    """What one page yielded. ``records`` are typed records (``store.entities``) in page order,
    each key for key the JSON object it was parsed as."""

    records: list[Record] = field(default_factory=list)
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
    news article only on ``/events/<slug>`` pages, the country's own sentence and its members only
    on ``/countries/<slug>`` pages. Each record's ``language`` is the language its text is written
    in; ``PageResult.language`` is the requested one (detected when ``None``). Each record's
    ``part`` says where it was read: ``"block"`` (the site-wide delegations block),
    ``"country-page"`` (a country page's own content) or ``"article"`` (the news item).
    """
    doc = Document.from_html(body, url, content_type)
    result = PageResult(encoding=doc.encoding)
    result.language = _language(doc, language, result.errors)
    positioned: list[tuple[int, dict]] = []

    if is_country_url(url):
        positioned += _country_page(doc, url, result)
    else:
        positioned += _part(_block(doc.lines, result), BLOCK)

    if is_article_url(url):
        try:
            article = read_article(doc)
        except BlockNotFound as exc:
            _missing(result, exc)
        else:
            positioned += _part([(article.index, article.record)], ARTICLE)
            result.errors += article.errors

    positioned.sort(key=lambda item: item[0])  # stable: same-line records keep their order
    result.records = [record_of(record) for _, record in positioned]
    return result


def _missing(result: PageResult, exc: BlockNotFound) -> None:
    result.missing.append(exc.block)
    result.errors.append(str(exc))


def _part(positioned: list[tuple[int, dict]], part: str) -> list[tuple[int, dict]]:
    for _, record in positioned:
        record["part"] = part
    return positioned


def _block(lines: list[Line], result: PageResult) -> list[tuple[int, dict]]:
    delegations = read_delegations(lines)
    missing = delegations.missing()
    if missing is not None:
        _missing(result, missing)
    result.errors += delegations.errors
    return [] if missing is not None else delegations.records


def _runs(lines: list[Line]) -> list[list[Line]]:
    """Split lines into runs of consecutive indexes (the content before and after the block)."""
    runs: list[list[Line]] = []
    for line in lines:
        if runs and runs[-1][-1].index == line.index - 1:
            runs[-1].append(line)
        else:
            runs.append([line])
    return runs


def _country_page(doc: Document, url: str, result: PageResult) -> list[tuple[int, dict]]:
    """The block, the country's own sentence and lines, and its members."""
    country = country_of_page(url, doc)
    if country is None:
        result.errors.append(f"country-page: no known country in {country_slug(url)!r}")
    survey = read_delegations(doc.lines, dedupe=False)
    sentences = [(i, r) for i, r in survey.records if r["type"] == "delegation"]
    in_block = block_lines(doc, country, sentences, survey.ends, is_member_line)
    content = [ln for ln in doc.lines if ln.index not in in_block]
    out: list[tuple[int, dict]] = []
    if in_block:
        out += _part(_block([ln for ln in doc.lines if ln.index in in_block], result), BLOCK)
    else:
        detail = "only the country page's own sentence" if sentences else "no delegation line"
        _missing(result, BlockNotFound("delegations", detail))

    for run in _runs(content):
        own = read_delegations(run, country=country)
        out += _part(own.records, CONTENT)
        result.errors += own.errors
    if not any(
        r["type"] == "delegation" and r["country"] == country
        for _, r in out
        if r["part"] == CONTENT
    ):
        _missing(result, BlockNotFound("country", f"no delegation sentence for {country}"))

    members = read_members([ln for ln in content if not ln.chrome], country)
    out += _part(members.records, CONTENT)
    result.errors += members.errors
    if not members.records:
        _missing(result, BlockNotFound("members", "no name list and no biography cards"))
    return out
