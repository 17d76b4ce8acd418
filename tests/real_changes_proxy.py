"""A small fault-injecting proxy for the issue-15 crawl tests (``test_real_changes_crawl``).

Every request is passed to the replica behind it, headers and all, unless a fault is set for
its (path, language): then the fault answers instead, or rewrites the replica's real answer.
The faults suite of ``tests/faults`` covers every fault class; these are the few the crawl
tests of the ingest rules need.
"""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PASSED_HEADERS = ("accept-language", "if-none-match", "if-modified-since", "user-agent")
DROPPED_HEADERS = {"etag", "last-modified", "content-length", "connection", "transfer-encoding"}


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


Fault = Callable[["_Handler"], Answer]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    proxy: FaultProxy


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    @property
    def language(self) -> str:
        return (self.headers.get("Accept-Language") or "ru")[:2].lower()

    def upstream(self, conditional: bool = True) -> Answer:
        """The replica's own answer to this request."""
        names = PASSED_HEADERS if conditional else ("accept-language", "user-agent")
        headers = {n: self.headers[n] for n in names if self.headers.get(n)}
        request = urllib.request.Request(self.server.proxy.upstream + self.path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Answer(response.status, list(response.headers.items()), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, list(error.headers.items()), error.read())

    def do_GET(self) -> None:
        proxy = self.server.proxy
        fault = proxy.faults.get((self.path.split("?")[0], self.language))
        proxy.hits.append((self.path, self.language, fault is not None))
        answer = fault(self) if fault is not None else self.upstream()
        self.send_response(answer.status)
        for name, value in answer.headers:
            if name.lower() not in DROPPED_HEADERS:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)


class FaultProxy:
    """Serve on 127.0.0.1 (a free port) in front of ``upstream``; use as a context manager."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.faults: dict[tuple[str, str], Fault] = {}
        self.hits: list[tuple[str, str, bool]] = []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.proxy = self

    def __enter__(self) -> FaultProxy:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"


# -- faults


def http_error(status: int) -> Fault:
    return lambda h: Answer(status, [("Content-Type", "text/html")], b"<h1>Unavailable</h1>")


def redirect(to: Callable[[str], str]) -> Fault:
    """302 to ``to(path)``."""
    return lambda h: Answer(302, [("Location", to(h.path))], b"")


def rewritten(edit: Callable[[bytes, str], bytes]) -> Fault:
    """The replica's real page (fetched unconditionally) with ``edit(body, language)``."""

    def answer(h: _Handler) -> Answer:
        real = h.upstream(conditional=False)
        return Answer(real.status, real.headers, edit(real.body, h.language))

    return answer


# -- rewrites of the pacsto replica's markup

_DELEGATION = re.compile(rb'\s*<div class="delegation delegation--[^"]*"[^>]*>.*?</div>', re.S)


def half_block(body: bytes, _language: str) -> bytes:
    """The delegations block with only its first two delegations (a half-rendered template)."""
    found = list(_DELEGATION.finditer(body))
    assert len(found) > 2, "the replica's block markup changed"
    return body[: found[2].start()] + body[found[-1].end() :]


def as_windows_1251(body: bytes, _language: str) -> bytes:
    """The text as windows-1251 bytes while the headers and ``<meta>`` still say utf-8."""
    return body.decode("utf-8").encode("cp1251", "xmlcharrefreplace")


_PART = {
    name: re.compile(rb'<(?:div|h2) class="news-detail__' + name + rb'">(.*?)</(?:div|h2)>', re.S)
    for name in (b"date", b"title", b"text")
}
SIDEBAR = {"en": b"<p><b>Vyacheslav Volodin</b><br>Chairman of the CSTO PA Council</p>"}
SIDEBAR["ru"] = "<p><b>Вячеслав Володин</b><br>Председатель Совета ПА ОДКБ</p>".encode()


def old_table_layout(body: bytes, language: str) -> bytes:
    """The article in an older table layout: a left cell with the delegations block and bold
    names before it, the title in bold after the date in the right cell."""
    date, title, text = (_PART[name].search(body) for name in (b"date", b"title", b"text"))
    block = re.search(rb'<div class="delegations">.*?(?=<div class="main-content">)', body, re.S)
    assert date and title and text and block, "the replica's article markup changed"
    return b"".join(
        [
            b'<html><head><meta charset="utf-8"><title>CSTO PA</title></head><body>',
            b'<table><tr><td width="240">',
            block.group(0),
            SIDEBAR[language] * 2,
            b"</td><td>",
            b'<div class="date">' + date.group(1).strip() + b"</div>",
            b"<p><b>" + title.group(1).strip() + b"</b></p>",
            text.group(1),
            b"</td></tr></table></body></html>",
        ]
    )
