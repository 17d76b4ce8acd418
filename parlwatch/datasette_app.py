"""Datasette over a SQLite archive, with ``datasette/metadata.yml`` (``parlwatch serve``).

Secrets (notification targets' URLs) read as NULL in every view, and ``parlwatch_content()``
gives a version's compressed content as JSON text: ``datasette/plugins``. The metadata goes to
a temporary folder that is removed when serving ends, however it ends; SIGTERM and SIGINT are
forwarded to the Datasette child, which is waited for (killed if it lingers).
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

DATASETTE_DIR = Path(__file__).resolve().parents[1] / "datasette"
METADATA_FILE = DATASETTE_DIR / "metadata.yml"
PLUGINS_DIR = DATASETTE_DIR / "plugins"
TEMPLATE_DATABASE = "parlwatch"
STOP_TIMEOUT = 10.0  # seconds Datasette gets to stop before it is killed
START_TIMEOUT = 60.0


def sqlite_file(db_url: str | None) -> Path:
    """The archive's SQLite file; ``ValueError`` for other databases."""
    from store.db import resolve_db_url

    url = resolve_db_url(db_url)
    if not url.startswith("sqlite:///"):
        raise ValueError("parlwatch serve needs a SQLite archive (Datasette reads SQLite files)")
    path = Path(url.removeprefix("sqlite:///"))
    if not path.exists():
        raise ValueError(f"no archive at {path}")
    return path


def metadata_for(path: Path) -> dict:
    """The metadata with its canned queries attached to the database named after ``path``."""
    import yaml

    data = yaml.safe_load(METADATA_FILE.read_text(encoding="utf-8"))
    databases = data.get("databases", {})
    if TEMPLATE_DATABASE in databases:
        databases[path.stem] = databases.pop(TEMPLATE_DATABASE)
    return data


def datasette_command(db_url: str | None, host: str, port: int, folder: Path) -> list[str]:
    """The ``datasette serve`` command line; its metadata is written into ``folder``."""
    path = sqlite_file(db_url)
    metadata = folder / "metadata.json"
    metadata.write_text(json.dumps(metadata_for(path)), encoding="utf-8")
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(path),
        "--metadata",
        str(metadata),
        "--plugins-dir",
        str(PLUGINS_DIR),
        "--host",
        host,
        "--port",
        str(port),
    ]


def datasette_app(db_url: str | None):
    """A Datasette instance (not serving) for tests and embedding."""
    from datasette.app import Datasette

    path = sqlite_file(db_url)
    return Datasette([str(path)], metadata=metadata_for(path), plugins_dir=str(PLUGINS_DIR))


class PortBusy(OSError):
    """Something already listens on the port asked for (or the host is no address here)."""


def free_port(host: str, port: int) -> int:
    """``port`` if nothing listens on it (0: a free one, chosen now); raises ``PortBusy``."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except socket.gaierror as exc:
            raise PortBusy(f"cannot listen on {host!r}: {exc.strerror}") from exc
        except OSError as exc:
            raise PortBusy(f"port {port} on {host} is busy ({exc.strerror})") from exc
        return probe.getsockname()[1]


def _answers(host: str, port: int) -> bool:
    address = "127.0.0.1" if host in ("0.0.0.0", "") else "::1" if host == "::" else host
    try:
        with socket.create_connection((address, port), timeout=0.5):
            return True
    except OSError:
        return False


def serve_archive(db_url: str | None, host: str, port: int, echo: Callable[[str], None]) -> int:
    """Serve the archive until Datasette stops or SIGTERM/SIGINT arrives; the exit code.

    Raises ``ValueError`` (not SQLite, no file) and ``PortBusy`` before anything starts.
    """
    sqlite_file(db_url)
    port = free_port(host, port)
    with tempfile.TemporaryDirectory(prefix="parlwatch-serve-") as folder:
        child = subprocess.Popen(
            datasette_command(db_url, host, port, Path(folder)), stdin=subprocess.DEVNULL
        )
        stopping: list[int] = []

        def forward(signum: int, _frame: object) -> None:
            stopping.append(signum)
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

        previous = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            return _run(child, host, port, stopping, echo)
        finally:
            _stop(child)
            for signum, handler in previous.items():
                signal.signal(signum, handler)


def _run(child, host: str, port: int, stopping: list[int], echo: Callable[[str], None]) -> int:
    deadline = time.monotonic() + START_TIMEOUT
    while not _answers(host, port):
        if child.poll() is not None or stopping:
            code = child.wait()
            if stopping:
                return 0
            echo(f"error: Datasette stopped before it served (exit {code})")
            return code or 1
        if time.monotonic() > deadline:
            echo(f"error: Datasette did not answer on port {port} within {START_TIMEOUT:.0f}s")
            return 1
        time.sleep(0.1)
    shown = f"[{host}]" if ":" in host else host
    echo(f"serving on http://{shown}:{port}/ (Ctrl-C to stop)")
    code = child.wait()
    return 0 if stopping else code


def _stop(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
