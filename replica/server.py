"""Serve a replica site over real HTTP in a background thread, with a switchable version.

Control endpoint (never recorded in the request log), for switching from another process:

- ``GET  /__replica__``          -> ``{"site": ..., "version": ..., "versions": [...]}``
- ``POST /__replica__/version``  body ``2026`` (plain text) -> same JSON; 400 on unknown name
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from replica.render import Renderer, Response
from replica.site import load_site

CONTROL_PATH = "/__replica__"


@dataclass(frozen=True)
class RequestLog:
    """One request served to a client (control requests excluded)."""

    method: str
    path: str  # as requested, query string included
    accept_language: str | None
    status: int


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    replica: ReplicaServer

    def handle_error(self, request, client_address) -> None:
        """A client hanging up on a kept-alive connection is normal, not worth a traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real sites; every response has a length
    timeout = 30  # idle keep-alive connections give up their thread
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.replica._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.replica._track(self.connection, add=False)

    def version_string(self) -> str:
        return "nginx"

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log; ``ReplicaServer.requests`` records requests."""

    def do_GET(self) -> None:
        self._dispatch(head=False)

    def do_HEAD(self) -> None:
        self._dispatch(head=True)

    def do_POST(self) -> None:
        if self._is_control():
            self._control()
            return
        self._log(405)
        self._send(Response(405, {"Allow": "GET, HEAD"}), head=False)

    def _is_control(self) -> bool:
        return self.path == CONTROL_PATH or self.path.startswith(CONTROL_PATH + "/")

    def _dispatch(self, head: bool) -> None:
        if self._is_control():
            self._control()
            return
        replica = self.server.replica
        headers = {k.lower(): v for k, v in self.headers.items()}
        resp = replica._renderer.render(replica.version, self.path, headers)
        self._log(resp.status)  # before sending: a client that got its answer finds it logged
        self._send(resp, head=head)

    def _control(self) -> None:
        replica = self.server.replica
        path = self.path.split("?", 1)[0].rstrip("/")
        status = 200
        if self.command == "POST" and path == CONTROL_PATH + "/version":
            length = int(self.headers.get("Content-Length") or 0)
            wanted = self.rfile.read(length).decode("utf-8", "replace").strip()
            try:
                replica.set_version(wanted)
            except ValueError:
                status = 400
        elif path != CONTROL_PATH or self.command == "POST":
            status = 404
        state = {"site": replica.site.id, "version": replica.version, "versions": replica.versions}
        if status != 200:
            state["error"] = f"bad control request {self.command} {self.path}"
        body = json.dumps(state, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        self._send(Response(status, headers, body), head=self.command == "HEAD")

    def _send(self, resp: Response, head: bool) -> None:
        if self.server.replica._stopping:
            self.close_connection = True
        if resp.status != 304 and "Content-Length" not in resp.headers:
            resp.headers["Content-Length"] = str(len(resp.body))  # keep-alive needs a length
        self.send_response(resp.status)  # adds Server and Date
        for name, value in resp.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head and resp.body:
            self.wfile.write(resp.body)

    def _log(self, status: int) -> None:
        entry = RequestLog(self.command, self.path, self.headers.get("Accept-Language"), status)
        self.server.replica._record(entry)


class ReplicaServer:
    """A replica site served on ``host:port`` (port 0 picks a free one).

    >>> with ReplicaServer("pacsto", version="2025") as srv:   # doctest: +SKIP
    ...     srv.set_version("2026")
    """

    def __init__(
        self, site: str, version: str | None = None, port: int = 0, host: str = "127.0.0.1"
    ) -> None:
        self.site = load_site(site)
        self._renderer = Renderer(self.site)
        self.host = host
        self._port = port
        self._lock = threading.Lock()
        self._log: list[RequestLog] = []
        self._connections: set[socket.socket] = set()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._version = self.versions[0]
        if version is not None:
            self.set_version(version)

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> ReplicaServer:
        if self._httpd is not None:
            raise RuntimeError("replica server already started")
        self._stopping = False
        self._httpd = _HTTPServer((self.host, self._port), _Handler)
        self._httpd.replica = self
        self._port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"replica-{self.site.id}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and drop open keep-alive connections, so nothing is served after."""
        if self._httpd is None:
            return
        self._stopping = True
        self._httpd.shutdown()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                conn.shutdown(socket.SHUT_RDWR)
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- state -------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("replica server not started")
        return f"http://{self.host}:{self._port}"

    @property
    def port(self) -> int:
        return self._port

    @property
    def versions(self) -> list[str]:
        return self.site.version_names

    @property
    def version(self) -> str:
        with self._lock:
            return self._version

    def set_version(self, name: str) -> None:
        if name not in self.site.versions:
            raise ValueError(f"unknown version {name!r} of {self.site.id}; have {self.versions}")
        with self._lock:
            self._version = name

    @property
    def requests(self) -> list[RequestLog]:
        with self._lock:
            return list(self._log)

    def clear_requests(self) -> None:
        with self._lock:
            self._log.clear()

    def _record(self, entry: RequestLog) -> None:
        with self._lock:
            self._log.append(entry)

    def _track(self, conn: socket.socket, add: bool) -> None:
        with self._lock:
            (self._connections.add if add else self._connections.discard)(conn)


def serve_forever(site: str, port: int, version: str | None, host: str = "127.0.0.1") -> None:
    """Serve until interrupted (Ctrl-C); for the ``parlwatch replica`` command."""
    srv = ReplicaServer(site, version=version, port=port, host=host).start()
    print(f"Replica of {site!r} serving at {srv.url}", flush=True)
    print(f"Version: {srv.version}   available: {', '.join(srv.versions)}", flush=True)
    print(f"Switch: curl -X POST --data 2026 {srv.url}{CONTROL_PATH}/version", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()
