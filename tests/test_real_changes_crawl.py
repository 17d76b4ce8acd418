"""Issue 15, crawls: a fault on one page of the pacsto replica, then a clean recrawl of the
unchanged site, records no change at all, ends in the right status, and stores nothing of
another host.

The replica sits behind a small fault proxy (``real_changes_proxy``); a second replica on
another loopback address (127.0.0.2) is the other host an off-site redirect points to. A clean
baseline archive (two crawls, the second adding nothing) is copied for each scenario.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from real_changes_proxy import (
    FaultProxy,
    as_windows_1251,
    half_block,
    http_error,
    old_table_layout,
    redirect,
    rewritten,
)

from parlwatch.cli import cli
from parlwatch.demo import crawl_subprocess
from replica import ReplicaServer

pytestmark = pytest.mark.e2e

VERSION = "2026-09"
COUNTRY = "/countries/russian-federation"
NEWS = "/events/s-1-yanvarya-rossiya-pristupila-k-predsedatelstvu-v-odkb"
OTHER_NEWS = "/events/sovet-pa-odkb-utverdil-plan-meropriyatiy-na-2025-god"  # only in 2024


@dataclass
class Run:
    """What a scenario's fault crawl and recovery crawl did to its copy of the baseline."""

    fault: dict
    recovery: dict
    changes: list[dict]
    captures: list[tuple[str, str, str | None]]  # (url, outcome, language) of the fault crawl
    fault_hits: int


class Site:
    def __init__(self, workdir: Path, proxy: FaultProxy, other: ReplicaServer) -> None:
        self.workdir, self.proxy, self.other = workdir, proxy, other
        self.baseline = workdir / "baseline.db"
        self.runs: dict[str, Run] = {}

    def crawl(self, db: Path) -> str:
        done = crawl_subprocess(self.proxy.url, f"sqlite:///{db}")
        return done.stdout + done.stderr[-2000:]

    def run(self, name: str, path: str, language: str, fault: Callable) -> Run:
        if name in self.runs:
            return self.runs[name]
        db = self.workdir / f"{name}.db"
        with closing(sqlite3.connect(self.baseline)) as src, closing(sqlite3.connect(db)) as dst:
            src.backup(dst)
        before = len(cli_json("crawls", db))
        self.proxy.faults = {(path, language): fault}
        self.proxy.hits.clear()
        log = self.crawl(db)
        self.proxy.faults = {}
        hits = sum(1 for *_, faulted in self.proxy.hits if faulted)
        assert hits, f"no request hit the fault: {log}"
        log += self.crawl(db)
        fault_crawl, recovery = list(reversed(cli_json("crawls", db)))[before:]
        ids = {fault_crawl["id"], recovery["id"]}
        with closing(sqlite3.connect(db)) as conn:
            captures = conn.execute(
                "SELECT url, outcome, language FROM capture WHERE crawl_id = ?",
                (fault_crawl["id"],),
            ).fetchall()
        changes = [c for c in cli_json("changes", db) if c["crawl"] in ids]
        self.runs[name] = Run(fault_crawl, recovery, changes, captures, hits)
        return self.runs[name]


def cli_json(command: str, db: Path) -> list[dict]:
    args = [command, "--db", f"sqlite:///{db}", "--format", "json"]
    args += ["--last", "100"] if command == "crawls" else []
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("real_changes")
    with (
        ReplicaServer("pacsto", version=VERSION) as replica,
        ReplicaServer("pacsto", version="2024", host="127.0.0.2") as other,
        FaultProxy(replica.url) as proxy,
    ):
        fault_site = Site(workdir, proxy, other)
        for _ in range(2):
            fault_site.crawl(fault_site.baseline)
        crawls = cli_json("crawls", fault_site.baseline)
        assert [c["status"] for c in crawls] == ["finished", "finished"], crawls
        assert crawls[0]["changes"] == 0, "the baseline's second crawl adds nothing"
        yield fault_site


def no_changes(run: Run) -> None:
    assert run.recovery["status"] == "finished", run.recovery
    assert run.changes == [], [f"{c['change']} {c['entity']} {c['field']}" for c in run.changes]


def test_a_failed_country_page_makes_a_partial_crawl_that_names_it_and_removes_nothing(site):
    run = site.run("country-503", COUNTRY, "en", http_error(503))
    assert run.fault["status"] == "partial"
    assert run.fault["failed_pages"] == [
        {
            "url": f"{site.proxy.url}{COUNTRY}",
            "language": "en",
            "role": "country",
            "outcome": "http-error",
            "reason": "HTTP 503",
        }
    ]
    assert "pacsto/en/website" in run.fault["incomplete_sets"]
    assert "pacsto/en/member/RU" in run.fault["incomplete_sets"]
    assert run.fault["new_versions"] > 0 or run.fault["changes"] == 0  # what it saw applied
    no_changes(run)
    text = CliRunner().invoke(
        cli, ["crawls", "--db", f"sqlite:///{site.workdir / 'country-503.db'}"]
    )
    assert f"not whole: country en {site.proxy.url}{COUNTRY}: HTTP 503" in text.output


def test_a_half_rendered_block_on_the_home_page_is_flagged_never_a_mass_removal(site):
    run = site.run("root-half-block", "/", "ru", rewritten(half_block))
    assert run.fault["status"] == "partial"
    assert any("shows 2 of the 5" in page["reason"] for page in run.fault["failed_pages"])
    assert ("shrunk", "ru") in {(outcome, lang) for url, outcome, lang in run.captures}
    no_changes(run)


def test_a_redirect_off_the_site_is_a_failed_page_and_the_other_host_is_never_stored(site):
    other = site.other
    other.clear_requests()
    run = site.run("news-offsite", NEWS, "ru", redirect(lambda path: other.url + OTHER_NEWS))
    assert run.fault["status"] == "partial"
    assert [(p["url"], p["outcome"], p["reason"]) for p in run.fault["failed_pages"]] == [
        (site.proxy.url + NEWS, "off-site", f"redirected off the site to {other.url}{OTHER_NEWS}")
    ]
    assert all(url.startswith(site.proxy.url) for url, _, _ in run.captures)
    assert other.requests == [], "the other host is never even asked"
    no_changes(run)


def test_a_redirect_loop_is_a_failed_page(site):
    back_and_forth = redirect(lambda path: COUNTRY if "?" in path else COUNTRY + "?loop=1")
    run = site.run("country-loop", COUNTRY, "ru", back_and_forth)
    assert run.fault["status"] == "partial"
    assert [p["outcome"] for p in run.fault["failed_pages"]] == ["redirect"], run.fault
    assert "redirect loop" in run.fault["failed_pages"][0]["reason"]
    no_changes(run)


def test_a_mis_encoded_russian_article_is_bad_encoding_and_leaves_the_english_one_alone(site):
    run = site.run("news-cp1251", NEWS, "ru", rewritten(as_windows_1251))
    assert run.fault["status"] == "partial"
    assert ("bad-encoding", "ru") in {(outcome, lang) for url, outcome, lang in run.captures}
    no_changes(run)


def test_bold_names_in_an_old_layouts_sidebar_are_never_the_title(site):
    run = site.run("news-sidebar", NEWS, "en", rewritten(old_table_layout))
    assert run.fault["status"] == "finished"
    no_changes(run)
