"""The pywb test harness itself: a web archive of pacsto's history, dated at spread-out steps,
on the live hosts, with a gap, served by a real pywb as a CDX server with raw replay."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest
from pywb_harness import STEPS, get, web_archive

pytestmark = pytest.mark.e2e

HOME_EN = "https://pacsto.org/"
HOME_RU = "https://paodkb.org/"


def without_russian_home_in_2025(step: int, url: str, language: str | None) -> bool:
    return step == 1 and url == HOME_RU


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web-archive")
    with web_archive(folder, drop=without_russian_home_in_2025) as served:
        yield served


def test_each_version_is_captured_at_its_own_date(archive):
    stamps = [c["timestamp"] for c in archive.cdx(HOME_EN)]
    assert stamps == sorted(stamps)
    assert [s[:8] for s in stamps] == [step.at.strftime("%Y%m%d") for step in STEPS]
    assert len({c["digest"] for c in archive.cdx(HOME_EN)}) > 1, "the page changed"


def test_a_gap_leaves_a_period_without_the_page(archive):
    years = [c["timestamp"][:4] for c in archive.cdx(HOME_RU)]
    assert years == ["2024", "2026", "2026"]


def test_the_cdx_api_pages_and_filters_like_the_wayback_machine(archive):
    everything = archive.cdx("pacsto.org", matchType="host")
    assert {c["url"].split("/")[2] for c in everything} == {"pacsto.org"}
    assert len(archive.cdx("pacsto.org", matchType="host", limit="3")) == 3
    since_2026 = archive.cdx(HOME_EN, **{"from": "2026"})
    assert [c["timestamp"][:4] for c in since_2026] == ["2026", "2026"]


def test_raw_mode_gives_the_captured_bytes(archive):
    first = archive.cdx(HOME_EN)[0]
    status, headers, body = get(
        f"{archive.url}/{archive.collection}/{first['timestamp']}id_/{HOME_EN}"
    )
    assert status == 200
    assert "sha256:" + hashlib.sha256(body).hexdigest() == first["digest"]
    stamp = datetime.strptime(first["timestamp"], "%Y%m%d%H%M%S")
    assert headers["Memento-Datetime"] == stamp.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert stamp.date() == STEPS[0].at.date()
