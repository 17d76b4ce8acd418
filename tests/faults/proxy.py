"""A fault-injecting reverse proxy on 127.0.0.1, in front of a replica server.

Every request is forwarded to the upstream replica unchanged, except those the current
:class:`Fault` targets (by path and by the language the request asks for): those get the fault
instead. The fault is switched between crawls with :meth:`FaultProxy.inject` and
:meth:`FaultProxy.clear`; the upstream site itself never changes.

Faults that rewrite a body fetch the page from upstream without the crawler's conditional
headers (a site that breaks a page sends a new body, not a 304) and send it with an ETag of the
new body, so the next clean crawl is not answered 304 for the broken version.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import select
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

# Request headers a proxy must not pass on, and response headers it sets itself.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade"}
CONDITIONAL = {"if-none-match", "if-modified-since"}
OWN_RESPONSE_HEADERS = HOP_BY_HOP | {"transfer-encoding", "content-length", "server", "date"}
NOT_A_PAGE = ("/robots.txt",)


def request_language(accept_language: str | None) -> str:
    """The language a request asks for, as the spider sends it (``en``, ``ru``); ``""`` if none."""
    first = (accept_language or "").split(",")[0].split(";")[0].strip().lower()
    return first[:2]


@dataclass(frozen=True)
class Target:
    """Which requests a fault hits: paths (``None``: every page but ``excluded``) in some
    languages."""

    name: str
    paths: frozenset[str] | None
    languages: frozenset[str]
    excluded: frozenset[str] = frozenset()

    def matches(self, path: str, language: str) -> bool:
        bare = path.split("?", 1)[0]
        if bare in NOT_A_PAGE or bare in self.excluded or language not in self.languages:
            return False
        return self.paths is None or bare in self.paths


@dataclass
class Upstream:
    """A response fetched from the upstream replica."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


@dataclass(frozen=True)
class Fault:
    """A fault class applied to the requests ``target`` matches.

    ``action(exchange)`` answers one such request (or refuses to answer it).
    """

    name: str
    target: Target
    action: Callable[[Exchange], None]


@dataclass(frozen=True)
class ProxyLog:
    """One request the proxy received, and the fault it got (``""``: forwarded)."""

    path: str
    language: str
    fault: str


@dataclass
class _State:
    lock: threading.Lock = field(default_factory=threading.Lock)
    fault: Fault | None = None
    log: list[ProxyLog] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)


class Exchange:
    """One request being answered: what fault actions read from and write to."""

    def __init__(self, handler: _Handler, upstream_url: str, stopping: threading.Event) -> None:
        self.handler = handler
        self.path = handler.path
        self.language = request_language(handler.headers.get("Accept-Language"))
        self.upstream_url = upstream_url
        self.stopping = stopping

    def fetch(self, conditional: bool = True, base_url: str | None = None) -> Upstream:
        """The upstream's answer to this request (``conditional=False`` drops If-* headers)."""
        parts = urlsplit(base_url or self.upstream_url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        skip = HOP_BY_HOP | {"host"} | (set() if conditional else CONDITIONAL)
        headers = {k: v for k, v in self.handler.headers.items() if k.lower() not in skip}
        try:
            conn.request(self.handler.command, self.path, headers=headers)
            resp = conn.getresponse()
            return Upstream(resp.status, resp.getheaders(), resp.read())
        finally:
            conn.close()

    def send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        """A whole response with a correct Content-Length (none for a 304)."""
        self.send_head(status, headers, len(body) if status != 304 else None)
        self.write(body)

    def send_head(
        self, status: int, headers: list[tuple[str, str]], length: int | None, close: bool = False
    ) -> None:
        """Status line and headers; ``length`` None sends no Content-Length, so the body ends
        when the connection closes (except for a 304, which has no body)."""
        handler = self.handler
        handler.send_response(status)
        for name, value in headers:
            if name.lower() not in OWN_RESPONSE_HEADERS:
                handler.send_header(name, value)
        if length is not None:
            handler.send_header("Content-Length", str(length))
        if close or (length is None and status != 304):
            handler.close_connection = True
            handler.send_header("Connection", "close")
        handler.end_headers()

    def send_rewritten(self, upstream: Upstream, body: bytes, status: int = 200) -> None:
        """``body`` in place of the upstream's, with an ETag of its own."""
        headers = [(k, v) for k, v in upstream.headers if k.lower() != "etag"]
        headers.append(("ETag", f'"{hashlib.sha256(body).hexdigest()[:16]}"'))
        self.send(status, headers, body)

    def write(self, data: bytes) -> bool:
        """Write to the client; False when it has hung up."""
        try:
            self.handler.wfile.write(data)
            return True
        except OSError:
            self.handler.close_connection = True
            return False

    def hang_up(self, reset: bool = False) -> None:
        """Close the connection now: a FIN, or with ``reset`` a TCP RST."""
        conn = self.handler.connection
        self.handler.close_connection = True
        if reset:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()
            return
        with contextlib.suppress(OSError):
            conn.shutdown(socket.SHUT_RDWR)

    def wait(self, seconds: float) -> bool:
        """Wait without answering until ``seconds`` pass (True), or the client or the proxy
        gives up first (False)."""
        deadline = time.monotonic() + seconds
        conn = self.handler.connection
        while (left := deadline - time.monotonic()) > 0 and not self.stopping.is_set():
            readable, _, _ = select.select([conn], [], [], min(left, 0.1))
            if readable:
                try:
                    if not conn.recv(1, socket.MSG_PEEK):
                        return False  # the client closed the connection
                except OSError:
                    return False
                time.sleep(min(left, 0.1))  # it sent more: not a hang-up, and no busy loop
        return not self.stopping.is_set()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    proxy: FaultProxy

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up (on faults, on kills) are the point here, not errors."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: ``FaultProxy.requests`` records requests."""

    def do_GET(self) -> None:
        self.server.proxy._answer(self)

    def finish(self) -> None:
        with contextlib.suppress(OSError):  # a reset or a hung-up client
            super().finish()


class FaultProxy:
    """Reverse proxy on ``127.0.0.1`` (a free port) in front of ``upstream_url``.

    >>> with FaultProxy(replica.url) as proxy:   # doctest: +SKIP
    ...     proxy.inject(Fault("http-503", ROOT_EN, http_503))
    """

    def __init__(self, upstream_url: str, host: str = "127.0.0.1") -> None:
        self.upstream_url = upstream_url.rstrip("/")
        self.host = host
        self._state = _State()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> FaultProxy:
        self._httpd = _Server((self.host, 0), _Handler)
        self._httpd.proxy = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._state.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("proxy not started")
        return f"http://{self.host}:{self._httpd.server_address[1]}"

    def inject(self, fault: Fault | None) -> None:
        """From now on, answer the requests ``fault`` targets with it (None: forward all)."""
        with self._state.lock:
            self._state.fault = fault

    def clear(self) -> None:
        self.inject(None)

    @property
    def requests(self) -> list[ProxyLog]:
        with self._state.lock:
            return list(self._state.log)

    def clear_requests(self) -> None:
        with self._state.lock:
            self._state.log.clear()

    def _answer(self, handler: _Handler) -> None:
        exchange = Exchange(handler, self.upstream_url, self._state.stopping)
        with self._state.lock:
            fault = self._state.fault
            hit = fault is not None and fault.target.matches(exchange.path, exchange.language)
            self._state.log.append(
                ProxyLog(exchange.path, exchange.language, fault.name if hit and fault else "")
            )
        if hit and fault is not None:
            fault.action(exchange)
            return
        upstream = exchange.fetch()
        exchange.send(upstream.status, upstream.headers, upstream.body)
