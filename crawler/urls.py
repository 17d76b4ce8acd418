"""URL canonicalisation: one page seen under several spellings is one URL in the archive."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def canonical_url(url: str) -> str:
    """``http://www.pacsto.org/events/x/`` -> ``https://pacsto.org/events/x``.

    Drops ``www.``, the fragment and a trailing slash (except the root's), sorts the query, and
    treats http and https as one (except on loopback replicas, which only speak http).
    """
    parts = urlsplit(canonicalize_url(url))
    host = parts.netloc.lower().removeprefix("www.")
    scheme = "http" if is_loopback(url) else "https"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return urlunsplit((scheme, host, path, parts.query, ""))


def page_path(url: str) -> str:
    """The path (and query) of a URL, which identifies a page independently of its host."""
    parts = urlsplit(canonical_url(url))
    return parts.path + (f"?{parts.query}" if parts.query else "")
