"""HTTP negotiation helpers: Accept-Language, conditional requests (ETag / Last-Modified)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime


def parse_accept_language(header: str | None) -> list[tuple[str, float]]:
    """Language ranges of an ``Accept-Language`` header, best first.

    ``"en-US,en;q=0.9,ru;q=0.8"`` -> ``[("en-us", 1.0), ("en", 0.9), ("ru", 0.8)]``. Entries with
    ``q=0`` or a malformed q-value are dropped; equal q-values keep the header's order.
    """
    ranges: list[tuple[str, float]] = []
    for part in (header or "").split(","):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        if not tag:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = -1.0
        if 0 < q <= 1:
            ranges.append((tag, q))
    ranges.sort(key=lambda r: -r[1])  # stable: ties keep header order
    return ranges


def choose_language(header: str | None, languages: list[str], default: str) -> str:
    """The site language the client prefers most, else ``default``.

    A range matches a site language by its primary subtag (``en-GB`` -> ``en``); ``*`` picks the
    default. Languages the site does not have are skipped, as a real server would.
    """
    for tag, _q in parse_accept_language(header):
        if tag == "*":
            return default
        primary = tag.split("-", 1)[0]
        if primary in languages:
            return primary
    return default


def http_date(moment: datetime | None = None) -> str:
    """RFC 1123 date, e.g. ``Mon, 02 Jun 2025 07:15:00 GMT``."""
    moment = moment or datetime.now(UTC)
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def parse_http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison of an ``If-None-Match`` list against our (strong) ETag."""
    if if_none_match.strip() == "*":
        return True
    ours = etag.removeprefix("W/")
    return any(c.strip().removeprefix("W/") == ours for c in if_none_match.split(","))


def not_modified(headers: dict[str, str], etag: str | None, last_modified: datetime | None) -> bool:
    """Whether a GET/HEAD with these request headers gets a 304 (RFC 9110 section 13.2.2).

    ``If-None-Match`` wins over ``If-Modified-Since`` when both are sent, so a cache revalidating
    a page of another version (other ETag, possibly older date) always gets the new page.
    """
    inm = headers.get("if-none-match")
    if inm is not None:
        return etag is not None and etag_matches(inm, etag)
    since = parse_http_date(headers.get("if-modified-since"))
    if since is None or last_modified is None:
        return False
    return last_modified.replace(microsecond=0) <= since
