"""A big synthetic assembly site served from memory on 127.0.0.1, with a switch to revise
a share of its articles.

Both editions on the same paths, chosen by ``Accept-Language`` (Russian by default), as the live
CMS and the pacsto replica do: home page, the news list in pages of 20 (``/events/``,
``/events/?page=N``) and every article (``/events/<slug>``). Every page is rendered to bytes
before serving, with its ETag and Last-Modified; a conditional request whose validators match
gets a 304. ``POST /__bigsite__/revise`` (body: a percentage) revises articles from another
process.

    python -m benchmarks.bigsite_server --pages 800 --port 8000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from benchmarks.bigsite_content import (
    LANGUAGES,
    SiteContent,
    articles_for_pages,
    build_content,
    revise,
)
from benchmarks.bigsite_render import PageRenderer, list_path
from replica.negotiate import choose_language, http_date, not_modified

CONTROL_PATH = "/__bigsite__/revise"
ROBOTS = b"User-agent: *\nDisallow: /search\nDisallow: /admin/\n"


@dataclass(frozen=True)
class Page:
    body: bytes
    etag: str
    last_modified: datetime
    last_modified_text: str


def make_page(body: bytes, last_modified: datetime) -> Page:
    etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
    return Page(body, etag, last_modified, http_date(last_modified))


class BigSite:
    """The site's content and its pages, pre-rendered per (language, path and query)."""

    def __init__(self, pages: int = 3992, seed: int = 17) -> None:
        self.renderer = PageRenderer()
        articles = articles_for_pages(pages)
        self.content: SiteContent = build_content(articles, self.renderer.chrome_bytes(), seed)
        self.pages: dict[tuple[str, str], Page] = {}
        when = self.content.built_at
        for lang in LANGUAGES:
            self.pages[(lang, "/")] = make_page(self.renderer.home(self.content, lang), when)
            for number in range(1, self.content.list_pages + 1):
                body = self.renderer.list_page(self.content, lang, number)
                self.pages[(lang, list_path(number))] = make_page(body, when)
            for article in self.content.articles:
                self._render_article(article, lang)

    def _render_article(self, article: Any, lang: str) -> None:
        body = self.renderer.article(article, lang)
        self.pages[(lang, article.path)] = make_page(body, article.modified)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def revise(self, percent: float) -> list[str]:
        """Revise ``percent`` % of the articles in both languages; returns their paths."""
        for article in revise(self.content, percent):
            for lang in LANGUAGES:
                self._render_article(article, lang)
        return list(self.content.revised)

    def article_paths(self) -> list[str]:
        return [a.path for a in self.content.articles]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real server; every response has a length
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """No access log: the server counts responses by status instead."""

    def version_string(self) -> str:
        return "nginx"

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_POST(self) -> None:
        if self.path != CONTROL_PATH:
            self._send(405, {}, b"")
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            percent = float(self.rfile.read(length).decode("ascii").strip())
        except ValueError:
            self._send(400, {"Content-Type": "text/plain"}, b"body: a percentage, e.g. 1\n")
            return
        revised = self.server.site.revise(percent)
        body = json.dumps({"revised": revised}).encode("utf-8")
        self._send(200, {"Content-Type": "application/json"}, body)

    def _answer(self, head: bool) -> None:
        if self.path == "/robots.txt":
            self._send(200, {"Content-Type": "text/plain; charset=utf-8"}, ROBOTS, head)
            return
        lang = choose_language(self.headers.get("Accept-Language"), ["ru", "en"], "ru")
        page = self.server.site.pages.get((lang, self.path))
        if page is None:
            self._send(404, {"Content-Type": "text/html; charset=utf-8"}, b"<h1>404</h1>", head)
            return
        headers = {
            "ETag": page.etag,
            "Last-Modified": page.last_modified_text,
            "Cache-Control": "max-age=0",
            "Vary": "Accept-Language",
            "Content-Language": lang,
        }
        request = {
            name: value
            for name in ("if-none-match", "if-modified-since")
            if (value := self.headers.get(name)) is not None
        }
        if request and not_modified(request, page.etag, page.last_modified):
            self._send(304, headers, b"", head)
            return
        headers["Content-Type"] = "text/html; charset=utf-8"
        self._send(200, headers, page.body, head)

    def _send(self, status: int, headers: dict[str, str], body: bytes, head: bool = False) -> None:
        self.server.count(status)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and not head:
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    site: BigSite

    def __init__(self, address: tuple[str, int], site: BigSite) -> None:
        super().__init__(address, _Handler)
        self.site = site
        self.statuses: Counter[int] = Counter()
        self._lock = threading.Lock()

    def count(self, status: int) -> None:
        with self._lock:
            self.statuses[status] += 1

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client closing a kept-alive connection is normal; anything else is reported."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class BigSiteServer:
    """Serve a ``BigSite`` on 127.0.0.1 in a background thread (port 0 picks a free one).

    >>> with BigSiteServer(BigSite(pages=800)) as server:   # doctest: +SKIP
    ...     server.site.revise(1)
    """

    def __init__(self, site: BigSite, port: int = 0) -> None:
        self.site = site
        self._server = _Server(("127.0.0.1", port), site)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def statuses(self) -> Counter[int]:
        """Responses sent so far, by status (robots.txt included)."""
        return Counter(self._server.statuses)

    def __enter__(self) -> BigSiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the synthetic big assembly site.")
    parser.add_argument("--pages", type=int, default=3992, help="about this many pages")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    site = BigSite(args.pages)
    with BigSiteServer(site, args.port) as server:
        print(f"{site.page_count} pages at {server.url} (POST a percentage to {CONTROL_PATH})")
        threading.Event().wait()


if __name__ == "__main__":
    main()
