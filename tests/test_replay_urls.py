"""Replay URLs: the address of one capture, and what ``timemap`` does without a replay server."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from test_archive_fixture import archive_cli

from archive.replay import ReplayAddress, configured_address, replay_url, wb_manager_address


@pytest.fixture(scope="module")
def history(replica_histories):
    return replica_histories.get("archive")


def test_replay_urls():
    assert (
        replay_url("http://127.0.0.1:8080/", "pw-en", "20250601090000", "https://pacsto.org/")
        == "http://127.0.0.1:8080/pw-en/20250601090000/https://pacsto.org/"
    )
    assert replay_url("http://h", "c", "20250601090000", "http://x/", raw=True).endswith(
        "/c/20250601090000id_/http://x/"
    )
    with pytest.raises(ValueError):
        replay_url("http://h", "c", "2025", "http://x/")
    address = ReplayAddress("http://h:1", "pw")
    assert (
        address.memento("20250601090000", "http://x/", "ru")
        == "http://h:1/pw-ru/20250601090000/http://x/"
    )
    assert address.memento("20250601090000", "http://x/", None).startswith("http://h:1/pw/")
    assert address.timemap("http://x/") == "http://h:1/pw/timemap/link/http://x/"


def test_a_wb_manager_collection_has_no_language_collections():
    address = wb_manager_address("http://localhost:8080/parlwatch/")
    assert address.memento("20250601090000", "http://x/", "en") == (
        "http://localhost:8080/parlwatch/20250601090000/http://x/"
    )


def test_no_replay_url_means_none(monkeypatch):
    monkeypatch.delenv("PARLWATCH_REPLAY_URL", raising=False)
    assert configured_address() is None
    monkeypatch.setenv("PARLWATCH_REPLAY_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("PARLWATCH_REPLAY_COLLECTION", "other")
    assert configured_address() == ReplayAddress("http://127.0.0.1:9", "other")
    with pytest.raises(ValueError):
        configured_address("127.0.0.1:9")


@pytest.mark.e2e
def test_timemap_says_plainly_when_no_replay_server_is_configured(history, monkeypatch):
    monkeypatch.delenv("PARLWATCH_REPLAY_URL", raising=False)
    url = history.base("pacsto") + "/"
    result = CliRunner().invoke(archive_cli(), ["timemap", url, "--db", history.url])
    assert result.exit_code == 1
    assert "no replay server is configured" in result.output
    assert "localhost:8080" not in result.output
