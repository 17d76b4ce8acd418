"""``verify`` finds damaged and missing bodies; ``serve`` answers canned queries as JSON."""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
import subprocess
import time
import urllib.request
import zlib

import pytest
from click.testing import CliRunner
from replica_histories import history_copy
from sqlalchemy import select
from test_archive_fixture import CAPTURES_WITH_URLS, archive_cli

from store.archive import Archive
from store.models import Version

pytestmark = pytest.mark.e2e


@pytest.fixture
def history(replica_histories, tmp_path):
    return history_copy(replica_histories.get("archive"), tmp_path)


def verify(history):
    result = CliRunner().invoke(archive_cli(), ["verify", "--format", "json", "--db", history.url])
    return result.exit_code, json.loads(result.output)


def test_verify_passes_an_intact_archive_and_catches_damage(history):
    code, report = verify(history)
    assert code == 0 and report["problems"] == 0 and report["blobs"] == report["ok"] > 0
    with sqlite3.connect(history.db) as conn:
        digest, captures = conn.execute(
            "SELECT digest, count(*) FROM capture WHERE digest IS NOT NULL GROUP BY digest LIMIT 1"
        ).fetchone()
        conn.execute(
            "UPDATE blob SET data = ? WHERE digest = ?", (zlib.compress(b"tampered"), digest)
        )
        other = conn.execute(
            "SELECT id, digest FROM capture WHERE digest IS NOT NULL AND digest != ? LIMIT 1",
            (digest,),
        ).fetchone()
        conn.execute("DELETE FROM blob WHERE digest = ?", (other[1],))  # foreign keys are off
        third = conn.execute(
            "SELECT id FROM capture WHERE status = 200 AND digest NOT IN (?, ?) LIMIT 1",
            (digest, other[1]),
        ).fetchone()[0]
        conn.execute("UPDATE capture SET digest = NULL WHERE id = ?", (third,))
    code, report = verify(history)
    assert code == 1
    (bad,) = report["mismatched"]
    assert bad["digest"] == digest and len(bad["captures"]) == captures
    reasons = {row["reason"] for row in report["missing"]}
    assert "body not in the blob table" in reasons
    assert "HTTP 200 response without a stored body" in reasons


def test_canned_queries_answer_as_json(history):
    pytest.importorskip("datasette", reason="datasette is not installed (pip install datasette)")
    from parlwatch.datasette_app import datasette_app

    app = datasette_app(history.url)
    name = history.db.stem
    with sqlite3.connect(history.db) as conn:
        url, count = conn.execute(
            f"SELECT canonical_url, count(*) FROM {CAPTURES_WITH_URLS} GROUP BY canonical_url "
            "ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()

    async def get(path):
        response = await app.client.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    rows = asyncio.run(get(f"/{name}/captures_of_url.json?_shape=array&url={url}"))
    assert len(rows) == count and rows[0]["fetched_at"] <= rows[-1]["fetched_at"]
    changes = asyncio.run(get(f"/{name}/changes_this_month.json?_shape=array"))
    assert all(row["cause"] == "site" for row in changes)
    key = "pacsto/en/delegation/RU"
    versions = asyncio.run(get(f"/{name}/entity_history.json?_shape=array&key={key}"))
    assert len(versions) == 2
    archive = Archive(history.url)
    with archive.session() as session:  # the content, stored packed, shown as JSON text
        stored = {v.id: v.content for v in session.scalars(select(Version))}
    archive.engine.dispose()
    assert [json.loads(v["content"]) for v in versions] == [stored[v["version"]] for v in versions]
    assert all("seats" in json.loads(v["content"]) for v in versions)
    metadata = asyncio.run(get("/-/metadata.json"))
    assert set(metadata["databases"][name]["queries"]) >= {
        "changes_this_month",
        "captures_of_url",
        "entity_history",
        "failed_fetches",
        "parser_changes",
    }


def test_serve_starts_datasette_on_the_archive(history, tmp_path):
    pytest.importorskip("datasette", reason="datasette is not installed (pip install datasette)")
    from parlwatch.datasette_app import datasette_command

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        datasette_command(history.url, "127.0.0.1", port, tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}/{history.db.stem}/recent_crawls.json?_shape=array"
        for _ in range(100):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    crawls = json.loads(response.read())
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("datasette did not answer: " + process.stderr.read1().decode())
        assert {c["spider"] for c in crawls} == {"pacsto", "sovrep_by", "parlament_tj"}
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_refuses_a_postgresql_archive():
    result = CliRunner().invoke(archive_cli(), ["serve", "--db", "postgresql://x@localhost/db"])
    assert "needs a SQLite archive" in str(result.exception)
