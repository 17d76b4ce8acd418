"""Sending: JSON to http(s) webhooks, text to anything Apprise knows; bounded retries.

A target URL starting with ``http://`` or ``https://`` is a webhook and receives the typed
changes as JSON. Any other URL is handed to Apprise (``mailto://``, ``tgram://``, ``slack://``,
``json://`` … see its documentation), which receives a text message.

A failed send is retried ``attempts`` times in all, waiting ``backoff`` seconds, then twice as
long, and so on. Client errors (HTTP 4xx other than 408 and 429) are not retried: they will not
get better. Nothing here raises to the caller; the outcome says what happened.
"""

from __future__ import annotations

import html
import json
import logging
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from parlwatch import __version__

log = logging.getLogger("parlwatch.notify")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    backoff: float = 2.0
    timeout: float = 10.0

    @classmethod
    def from_env(cls) -> RetryPolicy:
        """``PARLWATCH_NOTIFY_ATTEMPTS``, ``_BACKOFF`` and ``_TIMEOUT`` override the defaults."""
        env = os.environ
        return cls(
            attempts=max(1, int(env.get("PARLWATCH_NOTIFY_ATTEMPTS", cls.attempts))),
            backoff=float(env.get("PARLWATCH_NOTIFY_BACKOFF", cls.backoff)),
            timeout=float(env.get("PARLWATCH_NOTIFY_TIMEOUT", cls.timeout)),
        )


class SendError(Exception):
    def __init__(self, message: str, retry: bool = True) -> None:
        super().__init__(message)
        self.retry = retry


def is_webhook(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def post_json(url: str, payload: dict[str, Any], timeout: float) -> None:
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"parlwatch/{__version__}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        retry = exc.code >= 500 or exc.code in (408, 429)
        raise SendError(f"HTTP {exc.code} {exc.reason}", retry=retry) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise SendError(f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}") from exc


def apprise_accepts(url: str) -> bool:
    import apprise

    return apprise.Apprise().add(url)


EMAIL_SCHEMES = ("mailto", "mailtos")


def text_as_html(body: str) -> str:
    """The text message as HTML: every line escaped whole (scraped titles may hold markup, which
    must arrive as text), joined by ``<br>``; no element spans a line, so none is left open."""
    lines = "<br>\n".join(html.escape(line, quote=False) for line in body.splitlines())
    return f"<html><body><p>{lines}</p></body></html>"


def send_apprise(url: str, title: str, body: str) -> None:
    """Send the text message; e-mail gets an HTML part built by ``text_as_html``, every other
    service the text marked as text, so Apprise escapes it wherever it makes HTML of it."""
    import apprise

    notifier = apprise.Apprise()
    if not notifier.add(url):
        raise SendError("Apprise does not understand this URL", retry=False)
    if url.split(":", 1)[0].lower() in EMAIL_SCHEMES:
        sent = notifier.notify(
            title=title, body=text_as_html(body), body_format=apprise.NotifyFormat.HTML
        )
    else:
        sent = notifier.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT)
    if not sent:
        raise SendError("Apprise could not deliver (see its log above)")


@dataclass(frozen=True)
class SendResult:
    ok: bool
    attempts: int
    error: str | None = None


def with_retries(
    send: Callable[[], None],
    policy: RetryPolicy,
    what: str,
    sleep: Callable[[float], None] = time.sleep,
) -> SendResult:
    """Call ``send`` until it succeeds, fails for good, or ``policy.attempts`` are spent."""
    error = None
    for attempt in range(1, policy.attempts + 1):
        try:
            send()
            return SendResult(True, attempt)
        except Exception as exc:  # any sender failure is the target's, never the crawl's
            error = str(exc) or type(exc).__name__
            retry = getattr(exc, "retry", True)
            if not retry or attempt == policy.attempts:
                return SendResult(False, attempt, error)
            delay = policy.backoff * 2 ** (attempt - 1)
            log.warning(
                "%s: attempt %d failed (%s); retrying in %.1fs", what, attempt, error, delay
            )
            sleep(delay)
    return SendResult(False, policy.attempts, error)
