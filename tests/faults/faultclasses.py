"""The fault classes: how the proxy answers a targeted request instead of the site.

Each factory returns an action for :class:`proxy.Fault`. Transport faults never reach the
replica; content faults fetch the real page and send a broken version of it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from . import rewrite
from .proxy import Exchange, Upstream

Action = Callable[[Exchange], None]

NGINX_503 = (
    b"<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n"
    b"<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n"
    b"<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
HTML = [("Content-Type", "text/html")]


def http_503() -> Action:
    def act(ex: Exchange) -> None:
        ex.send(503, [*HTML, ("Retry-After", "3600")], NGINX_503)

    return act


def connection_reset() -> Action:
    """The request is read, then the connection is reset (TCP RST) without an answer."""

    def act(ex: Exchange) -> None:
        ex.hang_up(reset=True)

    return act


def truncated_body(fraction: float = 0.5) -> Action:
    """The real page's headers and Content-Length, then only part of the body, then close."""

    def act(ex: Exchange) -> None:
        page = ex.fetch(conditional=False)
        ex.send_head(page.status, page.headers, len(page.body), close=True)
        ex.write(page.body[: int(len(page.body) * fraction)])
        ex.hang_up()

    return act


def no_answer(seconds: float) -> Action:
    """Nothing at all for ``seconds`` (past the crawl's DOWNLOAD_TIMEOUT), then close."""

    def act(ex: Exchange) -> None:
        ex.wait(seconds)
        ex.hang_up()

    return act


def slow_body(seconds: float, chunks: int = 10) -> Action:
    """The whole real page, dribbled out in ``chunks`` over about ``seconds``."""

    def act(ex: Exchange) -> None:
        page = ex.fetch(conditional=False)
        ex.send_head(page.status, page.headers, len(page.body))
        step = -(-len(page.body) // chunks)
        for start in range(0, len(page.body), step):
            time.sleep(seconds / chunks)
            if not ex.write(page.body[start : start + step]):
                return

    return act


def oversize_declared(size: int) -> Action:
    """The real page padded to ``size`` bytes, its Content-Length saying so."""

    def act(ex: Exchange) -> None:
        page = ex.fetch(conditional=False)
        html = rewrite.padded(page.body.decode("utf-8"), size)
        ex.send_rewritten(page, html.encode("utf-8"))

    return act


def oversize_streamed(size: int, chunk: int = 1 << 20) -> Action:
    """The real page then ``size`` bytes of padding, with no Content-Length (the end of the body
    is the end of the connection): the downloader must count bytes to stop it."""

    def act(ex: Exchange) -> None:
        page = ex.fetch(conditional=False)
        ex.send_head(200, page.headers, None)
        head, _, tail = page.body.partition(b"</body>")
        if not ex.write(head + b"<!-- "):
            return
        filler = b"x" * chunk
        for _ in range(size // chunk):
            if not ex.write(filler):
                return
        ex.write(b" --></body>" + tail)
        ex.hang_up()

    return act


def redirect_loop() -> Action:
    """302 from the page to itself with ``?loop=1`` and from there back to the page."""

    def act(ex: Exchange) -> None:
        bare, _, query = ex.path.partition("?")
        location = bare if query else f"{bare}?loop=1"
        ex.send(302, [*HTML, ("Location", location)], b"")

    return act


def redirect_to(base_url: str, path_for: Callable[[str], str]) -> Action:
    """302 to ``base_url`` + ``path_for(path)``: another host serving another page."""

    def act(ex: Exchange) -> None:
        location = base_url.rstrip("/") + path_for(ex.path.split("?", 1)[0])
        ex.send(302, [*HTML, ("Location", location)], b"")

    return act


def served_by(base_url: str) -> Action:
    """The same request answered by another server (e.g. a replica in maintenance), as 200."""

    def act(ex: Exchange) -> None:
        other = ex.fetch(conditional=False, base_url=base_url)
        ex.send_rewritten(other, other.body, status=200)

    return act


def rewritten(edit: Callable[[str, str], str]) -> Action:
    """The real page with ``edit(html, language)`` applied to its text."""

    def act(ex: Exchange) -> None:
        page = ex.fetch(conditional=False)
        html = edit(page.body.decode("utf-8"), ex.language)
        ex.send_rewritten(page, html.encode("utf-8"))

    return act


def mis_encoded() -> Action:
    """The page's text as windows-1251 bytes, while header and ``<meta>`` still say utf-8."""

    def act(ex: Exchange) -> None:
        page = ex.fetch(conditional=False)
        ex.send_rewritten(page, rewrite.as_windows_1251(page.body))

    return act


def held(release: Callable[[], bool], seconds: float = 60) -> Action:
    """No answer until ``release()`` turns true (polled), then the real page: a crawl paused."""

    def act(ex: Exchange) -> None:
        deadline = time.monotonic() + seconds
        while not release() and time.monotonic() < deadline:
            if not ex.wait(0.1):
                return
        if not ex.stopping.is_set():
            page: Upstream = ex.fetch()
            ex.send(page.status, page.headers, page.body)

    return act
