"""Downloader middleware: a crawl stays on the site, redirects included.

``SiteBoundRedirects`` sees every response before Scrapy's ``RedirectMiddleware`` does. A
redirect to another host than the site's base URL for the request's language (http and https,
and ``www.``, of one host are the same site), or back to a URL the redirect chain already
visited, is not followed: the redirect response itself reaches the spider, marked with where it
pointed and why it was not followed, and ``crawler.page_reading.read_page`` makes it a failed page
(``off-site`` or ``redirect``). The other host is never contacted, and nothing of it is stored.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from scrapy.http import Request, Response
from w3lib.url import safe_url_string

from crawler.page_reading import same_site

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def redirect_target(request: Request, response: Response) -> str | None:
    """Where a redirect response points, as an absolute URL; None for any other response."""
    location = response.headers.get(b"Location")
    if response.status not in REDIRECT_STATUSES or not location:
        return None
    target = safe_url_string(location.decode("latin-1").strip())
    if target.startswith("//"):
        target = request.url.split(":", 1)[0] + ":" + target
    return urljoin(request.url, target).split("#")[0]


class SiteBoundRedirects:
    """Refuse redirects off the site and redirect loops (see the module docstring)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> SiteBoundRedirects:
        return cls(crawler)

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        target = redirect_target(request, response)
        base = getattr(self.crawler.spider, "base_urls", {}).get(request.meta.get("language"))
        if target is None or base is None or request.meta.get("dont_redirect"):
            return response
        visited = [*request.meta.get("redirect_urls", []), request.url]
        if not same_site(target, base):
            why = f"redirected off the site to {target}"
        elif target in visited:
            why = "redirect loop: " + " -> ".join([*visited, target])
        else:
            return response
        request.meta["dont_redirect"] = True  # RedirectMiddleware passes the response on
        request.meta["redirect_refused"] = (target, why)
        return response
