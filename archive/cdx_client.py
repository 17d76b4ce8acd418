"""A polite client of a server speaking the Wayback CDX API, and of its raw replay.

The same code talks to the Wayback Machine (``https://web.archive.org/cdx/search/cdx`` and
``https://web.archive.org/web/``) and to a pywb collection (``http://host:port/COLL/cdx`` and
``http://host:port/COLL/``): the listing is asked for with ``output=json`` and read in both
shapes (the Wayback Machine's array of rows headed by the field names, pywb's one JSON object a
line), with either's field names (``original``/``url``, ``statuscode``/``status``,
``mimetype``/``mime``); a long listing is paged with ``showResumeKey``/``resumeKey``.

Politeness: at most one request every ``delay`` seconds; a 429 or a 5xx (or a dropped
connection) is retried after an exponential backoff, or after the server's ``Retry-After``
when it gives one; a 403, or a server that still refuses after the retries, raises
``ServerRefused`` with one line that says what happened: the caller stops where it stands.
"""

from __future__ import annotations

import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

WAYBACK_CDX = "https://web.archive.org/cdx/search/cdx"
WAYBACK_REPLAY = "https://web.archive.org/web/"
USER_AGENT = "parlwatch-backfill (+https://github.com/parlwatch; change-tracking archiver)"
# The Wayback CDX field names asked for (pywb answers with its own names for some of them).
FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
_ALIASES = {"url": "original", "status": "statuscode", "mime": "mimetype"}
PAGE_SIZE = 5000
RETRY_STATUSES = (429, 500, 502, 503, 504)
LONGEST_WAIT = 600.0  # a Retry-After beyond this is a refusal, not a pause


class ServerRefused(RuntimeError):
    """The archive will not serve us now (403, or 429/5xx past the retries): stop, resumable."""


@dataclass(frozen=True)
class CdxCapture:
    """One row of a CDX listing."""

    url: str
    timestamp: str  # 14 digits, UTC
    status: int | None  # None: the archive does not say (a revisit, "-")
    digest: str | None
    mimetype: str | None = None

    @property
    def when(self) -> datetime:
        """The memento's datetime (naive UTC, as the archive stores times)."""
        return datetime.strptime(self.timestamp.ljust(14, "0")[:14], "%Y%m%d%H%M%S")


@dataclass
class RawMemento:
    """A memento fetched in raw (``id_``) mode: what the site answered when it was captured."""

    status: int | None
    headers: dict[str, str]
    body: bytes | None
    error: str | None = None


@dataclass
class Politeness:
    delay: float = 1.0  # seconds between requests
    retries: int = 5
    backoff: float = 2.0  # first wait after a 429/5xx; doubled each retry
    sleep: Callable[[float], None] = time.sleep


@dataclass
class CdxClient:
    cdx_url: str = WAYBACK_CDX
    replay_prefix: str = WAYBACK_REPLAY
    politeness: Politeness = field(default_factory=Politeness)
    requests: int = 0  # requests sent, retries included
    _last: float = 0.0
    _fields_ok: bool = True

    def __post_init__(self) -> None:
        self.replay_prefix = self.replay_prefix.rstrip("/") + "/"

    # -- listing --------------------------------------------------------------------------

    def captures(
        self, url: str, match: str = "prefix", since: str | None = None, until: str | None = None
    ) -> Iterator[CdxCapture]:
        """Every capture the server lists for ``url`` (``match``: exact, prefix, host, domain),
        between ``since`` and ``until`` (CDX timestamps, any precision), oldest first per URL."""
        params = {"url": url, "matchType": match, "output": "json"}
        params |= {k: v for k, v in (("from", since), ("to", until)) if v}
        resume: str | None = None
        first = True
        while True:
            asked = dict(params, limit=str(PAGE_SIZE), showResumeKey="true")
            if self._fields_ok:
                asked["fl"] = ",".join(FIELDS)
            rows, resume = self._listing(asked, resume)
            if self._fields_ok and rows and not any("original" in r for r in rows):
                self._fields_ok = False  # a server that does not know the names: ask for all
                yield from self.captures(url, match, since, until)
                return
            if first and resume is None and len(rows) >= PAGE_SIZE:
                # a server that ignores showResumeKey: the whole listing in one answer instead
                unpaged = {k: v for k, v in asked.items() if k not in ("limit", "showResumeKey")}
                rows, _ = self._listing(unpaged)
            first = False
            for row in rows:
                yield _capture(row)
            if resume is None:
                return

    def _listing(
        self, params: dict[str, str], resume: str | None = None
    ) -> tuple[list[dict], str | None]:
        query = urllib.parse.urlencode(params)
        if resume:  # given back as the server printed it: URL-encoded already
            key = resume if "%" in resume else urllib.parse.quote_plus(resume)
            query += f"&resumeKey={key}"
        status, _, body = self._get(f"{self.cdx_url}?{query}")
        if status == 404:  # pywb: nothing captured under that URL
            return [], None
        if status != 200:
            raise ServerRefused(f"the CDX server answered HTTP {status} to {self.cdx_url}")
        return parse_listing(body.decode("utf-8", "replace"))

    # -- raw replay -----------------------------------------------------------------------

    def memento_url(self, capture: CdxCapture) -> str:
        """The capture's raw replay URL (``<prefix><timestamp>id_/<url>``)."""
        return f"{self.replay_prefix}{capture.timestamp}id_/{capture.url}"

    def fetch(self, capture: CdxCapture) -> RawMemento:
        """The captured response, unrewritten; a redirect is not followed (its ``Location``
        is given back as the site sent it). An error or a redirect without a
        ``Memento-Datetime`` is the archive's own answer (no such memento, or a redirect to
        another one), not the site's: the capture cannot be replayed."""
        url = self.memento_url(capture)
        status, headers, body = self._get(url)
        if "memento-datetime" not in headers and status >= 300:
            return RawMemento(
                None, {}, None, f"the archive cannot replay it (HTTP {status}, not a memento)"
            )
        captured = _captured_headers(headers)
        if "location" in captured:
            captured["location"] = self.unwrap(captured["location"], url)
        return RawMemento(status, captured, body)

    def unwrap(self, location: str, memento_url: str | None = None) -> str:
        """A replay URL of the archive (``<prefix><ts>id_/<url>``, absolute, or a path on the
        archive's host) -> the URL it replays; any other location as it is."""
        prefix = urllib.parse.urlsplit(self.replay_prefix)
        absolute = urllib.parse.urljoin(memento_url or self.replay_prefix, location)
        parts = urllib.parse.urlsplit(absolute)
        if parts.netloc.lower() != prefix.netloc.lower() or not parts.path.startswith(prefix.path):
            return location
        rest = absolute.split(prefix.path, 1)[1]
        stamp, sep, target = rest.partition("/")
        return target if sep and re.fullmatch(r"\d{1,14}(?:[a-z]{2}_)?", stamp) else location

    # -- HTTP -----------------------------------------------------------------------------

    def _get(self, url: str) -> tuple[int, dict[str, str], bytes]:
        """A polite GET: paced, retried on 429/5xx and dropped connections."""
        manners = self.politeness
        for attempt in range(manners.retries + 1):
            self._pace()
            try:
                status, headers, body = _http_get(url)
            except OSError as exc:
                reason = getattr(exc, "reason", None)
                if attempt == manners.retries or isinstance(reason, socket.gaierror):
                    raise ServerRefused(f"{_host(url)} unreachable: {exc}") from exc
                manners.sleep(manners.backoff * 2**attempt)
                continue
            if status == 403:
                raise ServerRefused(f"{_host(url)} refused access (HTTP 403)")
            if status not in RETRY_STATUSES:
                return status, headers, body
            if attempt == manners.retries:
                break
            wait = retry_after(headers.get("retry-after")) or manners.backoff * 2**attempt
            if wait > LONGEST_WAIT:
                raise ServerRefused(
                    f"{_host(url)} asks to wait {wait:.0f} s (HTTP {status}, Retry-After)"
                )
            manners.sleep(wait)
        raise ServerRefused(
            f"{_host(url)} still answers HTTP {status} after {manners.retries} retries"
        )

    def _pace(self) -> None:
        wait = self._last + self.politeness.delay - time.monotonic()
        if wait > 0:
            self.politeness.sleep(wait)
        self._last = time.monotonic()
        self.requests += 1


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _http_get(url: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with _OPENER.open(request, timeout=60) as response:
            return response.status, _lower(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers.items()), error.read()


def _lower(items) -> dict[str, str]:
    return {name.lower(): value for name, value in items}


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc


# the archive's own headers on a replayed memento, not the site's
_ARCHIVE_HEADERS = {"memento-datetime", "link", "content-location", "date", "server", "via"}


def _captured_headers(headers: dict[str, str]) -> dict[str, str]:
    """The site's headers as captured: ``X-Archive-Orig-*`` get their names back."""
    plain = {k: v for k, v in headers.items() if k not in _ARCHIVE_HEADERS and "archive" not in k}
    original = {
        k.removeprefix("x-archive-orig-"): v
        for k, v in headers.items()
        if k.startswith("x-archive-orig-")
    }
    return {**plain, **original}


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds, or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def parse_listing(text: str) -> tuple[list[dict], str | None]:
    """The rows (as dicts with the Wayback field names) and the resume key of a JSON listing."""
    text = text.strip()
    if not text:
        return [], None
    if text.startswith("["):  # the Wayback Machine: [[names...], [row...], ..., [], [key]]
        table = json.loads(text)
        if not table:
            return [], None
        names, rows, resume = table[0], table[1:], None
        if len(rows) >= 2 and rows[-2] == [] and len(rows[-1]) == 1:
            resume, rows = rows[-1][0], rows[:-2]
        return [dict(zip(names, row, strict=False)) for row in rows if row], resume
    rows = [json.loads(line) for line in text.splitlines() if line.strip().startswith("{")]
    return [{_ALIASES.get(k, k): v for k, v in row.items()} for row in rows], None


def _capture(row: dict) -> CdxCapture:
    status = str(row.get("statuscode") or "")
    digest = row.get("digest")
    return CdxCapture(
        url=row["original"],
        timestamp=str(row["timestamp"]),
        status=int(status) if status.isdigit() else None,
        digest=digest if digest and digest != "-" else None,
        mimetype=row.get("mimetype"),
    )
