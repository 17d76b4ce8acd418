"""The read commands (``captures``, ``snapshot``) query the capture tables in SQLAlchemy Core:
they never import the ORM or the models, whose loading was a quarter of their start-up at a
million captures (issue 17). Each runs in a fresh interpreter, on SQLite and PostgreSQL, and
must both answer correctly and leave ``sqlalchemy.orm`` and ``store.models`` unloaded."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from store.captures import CaptureRecord, record_captures

URL = "http://127.0.0.1:9/events/item"
START = datetime(2026, 1, 1, 12, 0, 0)

# Runs one command in this interpreter, then says which modules it loaded.
PROBE = """
import json, sys
from parlwatch.cli import cli
try:
    cli.main(sys.argv[1:], standalone_mode=False)
finally:
    loaded = [name for name in ("sqlalchemy.orm", "store.models") if name in sys.modules]
    print("\\nLOADED " + json.dumps(loaded))
"""


def _records() -> list[CaptureRecord]:
    def one(day: int, status: int) -> CaptureRecord:
        return CaptureRecord(
            url=URL,
            canonical_url=URL,
            fetched_at=START + timedelta(days=day),
            status=status,
            body=f"page {day}".encode() if status == 200 else None,
            headers={"Content-Type": "text/html", "ETag": f'"{day}"'},
            request_headers={"If-None-Match": '"0"'} if status == 304 else {},
            language="en",
        )

    return [one(0, 200), one(1, 304), one(2, 200)]


def _run(*args: str) -> tuple[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    output, _, loaded = done.stdout.rpartition("\nLOADED ")
    return output, json.loads(loaded)


@pytest.fixture
def captured(archive):
    record_captures(archive.sessions, None, _records())
    return archive.engine.url.render_as_string(hide_password=False)


def test_captures_lists_without_loading_the_orm(captured):
    output, loaded = _run("captures", URL, "--db", captured, "--format", "json")
    rows = json.loads(output)
    assert [(row["status"], row["timestamp"]) for row in rows] == [
        (200, "20260101120000"),
        (304, "20260102120000"),
        (200, "20260103120000"),
    ]
    assert rows[0]["mime"] == "text/html"
    assert loaded == []


def test_a_prefix_match_lists_without_loading_the_orm(captured):
    output, loaded = _run("captures", "http://127.0.0.1:9/events/", "--match", "prefix",
                          "--limit", "-1", "--db", captured, "--format", "json")  # fmt: skip
    assert [row["timestamp"] for row in json.loads(output)] == ["20260103120000"]
    assert loaded == []


def test_a_snapshot_of_a_304_answers_with_the_page_before_it_without_the_orm(captured):
    output, loaded = _run("snapshot", URL, "--at", "20260102235959", "--db", captured, "--headers")
    assert output.endswith("page 0")
    assert 'etag: "1"' in output.lower()  # the 304's own response headers, the earlier page's body
    assert loaded == []
