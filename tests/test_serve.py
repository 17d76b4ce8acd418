"""``parlwatch serve`` (issue 18, item 3): secrets read as NULL in every view, SIGTERM/SIGINT stop
the Datasette child too and leave no temporary file, a busy port is said before "serving on"."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from processes import child_pids

from parlwatch.commands_notify import notify
from store.archive import Archive

pytest.importorskip("datasette", reason="datasette is not installed (pip install -e '.[serve]')")

TOKEN = "123456:SECRETTOKEN"


@pytest.fixture
def archive_with_a_target(tmp_path) -> Path:
    db = tmp_path / "served.db"
    Archive(str(db)).engine.dispose()
    added = CliRunner().invoke(notify, ["add", "team", f"tgram://{TOKEN}/987", "--db", str(db)])
    assert added.exit_code == 0, added.output
    return db


def test_notify_target_tokens_are_in_no_served_view(archive_with_a_target):
    from parlwatch.datasette_app import datasette_app

    app = datasette_app(str(archive_with_a_target))
    name = archive_with_a_target.stem

    async def get(path: str):
        response = await app.client.get(path)
        assert response.status_code == 200, (path, response.text)
        return response.text

    views = [
        f"/{name}/notify_target.json?_shape=array",
        f"/{name}/notify_target",
        f"/{name}/notify_target/1.json",
        f"/{name}.json?sql=select+*+from+notify_target&_shape=array",
        f"/{name}.json?sql=select+url+||+''+as+u,+substr(url,1,40)+as+s+from+notify_target",
        f"/{name}.json?sql=select+name+from+notify_target+where+url+like+'%25SECRET%25'",
    ]
    for path in views:
        body = asyncio.run(get(path))
        assert TOKEN not in body and "SECRETTOKEN" not in body, path
    names = asyncio.run(get(f"/{name}.json?sql=select+name+from+notify_target&_shape=array"))
    assert '"team"' in names  # the table is served, only its secret column is not


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _serve(db: Path, port: int, tmp: Path) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(tmp)}
    return subprocess.Popen(
        [sys.executable, "-m", "parlwatch", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_datasette_too_and_leaves_no_temporary_file(
    archive_with_a_target, tmp_path, signum
):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    serving = _serve(archive_with_a_target, _free_port(), tmp)
    lines = []
    for line in serving.stderr:
        lines.append(line)
        if line.startswith("serving on"):
            break
    assert any(line.startswith("serving on") for line in lines), "".join(lines)
    children = child_pids(serving.pid)
    assert children, "no Datasette child"
    assert list(tmp.iterdir()), "the metadata file is written while serving"
    serving.send_signal(signum)
    assert serving.wait(timeout=30) == 0, serving.stderr.read()
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in children if _alive(pid)], "a Datasette child was left running"
    assert list(tmp.iterdir()) == []
    assert "Traceback" not in serving.stderr.read()


def test_a_busy_port_is_said_before_serving(archive_with_a_target, tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        serving = _serve(archive_with_a_target, taken.getsockname()[1], tmp)
        _out, err = serving.communicate(timeout=60)
    assert serving.returncode == 1
    assert "is busy" in err and "serving on" not in err
    assert err.count("\n") == 1
    assert list(tmp.iterdir()) == []
