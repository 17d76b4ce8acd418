"""pywb as a child process: started on a port known to be free, stopped with everything it ran.

pywb runs in a process (and session) of its own: it patches the standard library with gevent
when it starts, which must not happen to the process that reads the archive. Its output goes to
a log file in the replay folder.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

PYWB_MAIN = "from pywb.apps.cli import wayback; wayback()"


class PortBusy(OSError):
    pass


class PywbFailed(RuntimeError):
    """pywb did not start, or stopped on its own; the message ends with its log's last lines."""


def pywb_missing() -> str | None:
    """Why pywb cannot run here, or None when it can."""
    if importlib.util.find_spec("pywb") is None:
        return "pywb is not installed (pip install -e '.[replay]', which pins pywb 2.10.0)"
    return None


def claim_port(host: str, port: int) -> int:
    """``port`` when nothing listens on it (0: a free one, chosen now); raises ``PortBusy``."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise PortBusy(f"port {port} on {host} is busy ({exc.strerror})") from exc
        return probe.getsockname()[1]


def _log_tail(path: Path, lines: int = 12) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.strip().splitlines()[-lines:])


class PywbProcess:
    """``wayback`` serving the collections of ``folder`` on ``host:port``."""

    def __init__(self, folder: Path, host: str, port: int, log: Path | None = None) -> None:
        self.folder = folder
        self.host = host
        self.port = port
        self.log = log or folder / "pywb.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    def start(self, timeout: float = 90, stop: Callable[[], bool] = lambda: False) -> None:
        """Start pywb and wait until it answers; raises ``PywbFailed`` when it does not, and
        ``PortBusy`` when another process took the port first."""
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", PYWB_MAIN, "-p", str(self.port), "-b", self.host],
                cwd=self.folder,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped as a whole
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not stop():
            if not self.alive():
                if "Address already in use" in self.tail():  # taken since it was found free
                    raise PortBusy(f"port {self.port} on {self.host} was taken before pywb started")
                raise PywbFailed(
                    f"pywb exited with code {self.process.returncode}:\n" + self.tail()
                )
            if self._answers():
                return
            time.sleep(0.2)
        self.stop()
        if stop():
            return
        raise PywbFailed(
            f"pywb did not answer on {self.url} within {timeout:.0f} s:\n" + self.tail()
        )

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/", timeout=2) as response:
                return response.status == 200 and self.alive()
        except (urllib.error.URLError, OSError):
            return False

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def tail(self) -> str:
        return _log_tail(self.log)

    def stop(self, timeout: float = 10) -> int | None:
        """SIGTERM to pywb's process group, SIGKILL after ``timeout``; returns its exit code.

        The group is killed once more while pywb is a zombie not yet reaped, so its id still
        names this group and nothing pywb started is left behind.
        """
        if self.process is None:
            return None
        if self.process.returncode is None:
            self._signal(signal.SIGTERM)
            if not self._exited(timeout):
                self._signal(signal.SIGKILL)
                self._exited(None)
            self._signal(signal.SIGKILL)
        return self.process.wait()

    def _exited(self, timeout: float | None) -> bool:
        """Whether pywb exited within ``timeout`` seconds (None: wait); it is not reaped."""
        deadline = None if timeout is None else time.monotonic() + timeout
        flags = os.WEXITED | os.WNOWAIT | os.WNOHANG
        while os.waitid(os.P_PID, self.process.pid, flags) is None:
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def _signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signum)


def start_on_free_port(
    folder: Path, host: str, timeout: float = 90, stop: Callable[[], bool] = lambda: False
) -> PywbProcess:
    """pywb on a port free now; another is tried when one is taken before pywb binds it."""
    attempts = 5
    while True:
        pywb = PywbProcess(folder, host, claim_port(host, 0))
        try:
            pywb.start(timeout, stop)
            return pywb
        except PortBusy:
            pywb.stop()
            attempts -= 1
            if not attempts:
                raise
