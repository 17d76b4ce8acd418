"""Crawl settings a user can set (issue 18, item 7): ``parlwatch crawl -s KEY=VALUE``, the
documented environment variables, and ``--max-list-pages`` / ``--all-news`` for a full first
crawl, over real HTTP against a replica whose news list is cut into one item per page."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from parlwatch.cli import cli
from replica import ReplicaServer

ROOT = Path(__file__).resolve().parents[1]


def list_pages_fetched(tmp_path, *args: str, env: dict | None = None) -> set[int]:
    """Crawl senate_kz (one news item per list page) and say which list pages were asked for."""
    with ReplicaServer("senate_kz", version="2026") as server:
        server.site.versions["2026"].data["per_page"] = 1
        done = subprocess.run(
            [sys.executable, "-m", "parlwatch", "crawl", "senate_kz", "--base-url", server.url]
            + ["--db", str(tmp_path / f"a{len(os.listdir(tmp_path))}.db"), *args],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, **(env or {})},
        )
        paths = [entry.path for entry in server.requests]
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    pages = {int(m[1]) for p in paths if (m := re.search(r"[?&]page=(\d+)", p))}
    return pages | {1}


@pytest.fixture(scope="module")
def every_page(tmp_path_factory) -> set[int]:
    return list_pages_fetched(tmp_path_factory.mktemp("all"), "--all-news")


def test_all_news_follows_every_list_page(every_page):
    assert max(every_page) > 3, "the replica must have more list pages than the default depth"
    assert every_page == set(range(1, max(every_page) + 1))


@pytest.mark.parametrize(
    ("args", "env", "depth"),
    [
        ([], {}, 3),
        (["--max-list-pages", "1"], {}, 1),
        (["--max-list-pages", "5"], {}, 5),
        (["-s", "PARLWATCH_MAX_LIST_PAGES=2"], {}, 2),
        ([], {"PARLWATCH_MAX_LIST_PAGES": "4"}, 4),
        (["--max-list-pages", "2"], {"PARLWATCH_MAX_LIST_PAGES": "4"}, 2),
    ],
)
def test_the_list_depth_is_what_the_user_set(tmp_path, every_page, args, env, depth):
    assert list_pages_fetched(tmp_path, *args, env=env) == set(range(1, depth + 1))


def test_the_contact_from_the_environment_is_in_the_user_agent():
    code = "from crawler.runner import crawl_settings; print(crawl_settings().get('USER_AGENT'))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PARLWATCH_CONTACT": "mailto:me@example.org"},
        cwd=ROOT,
        timeout=60,
    )
    assert "+mailto:me@example.org" in done.stdout, done.stderr


@pytest.mark.parametrize(
    "pair", ["DOWNLOAD_TIMEOUT=2.5", "DNS_TIMEOUT=0.5", "PARLWATCH_HEARTBEAT=1.5", "RETRY_TIMES=3"]
)
def test_a_fraction_is_taken_where_scrapy_reads_a_float(pair):
    from crawler.runner import crawl_settings
    from parlwatch.cli_options import setting_overrides

    key, _, value = pair.partition("=")
    settings = crawl_settings(overrides=setting_overrides((pair,)))
    read = settings.getint(key) if key == "RETRY_TIMES" else settings.getfloat(key)
    assert read == float(value)


def test_a_scrapy_setting_reaches_the_crawl_settings():
    from crawler.runner import crawl_settings
    from parlwatch.cli_options import setting_overrides

    settings = crawl_settings(overrides=setting_overrides(("DOWNLOAD_DELAY=7", "RETRY_TIMES=0")))
    assert settings.getfloat("DOWNLOAD_DELAY") == 7.0
    assert settings.getint("RETRY_TIMES") == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-s", "DOWNLOAD_DELAY"], "write KEY=VALUE"),
        (["-s", "=3"], "write KEY=VALUE"),
        (["-s", "PARLWATCH_MAX_LIST_PAGES=many"], "a number of pages"),
        (["-s", "DOWNLOAD_DELAY=abc"], "DOWNLOAD_DELAY takes a number (default"),
        (["-s", "ROBOTSTXT_OBEY=maybe"], "ROBOTSTXT_OBEY takes true or false"),
        (["-s", "CONCURRENT_REQUESTS=2.5"], "CONCURRENT_REQUESTS takes a whole number (default"),
        (["-s", "RETRY_TIMES=1e2"], "RETRY_TIMES takes a whole number"),
        (["--max-list-pages", "0"], "--max-list-pages"),
        (["--max-list-pages", "2", "--all-news"], "not both"),
    ],
)
def test_bad_settings_are_refused_before_anything_starts(tmp_path, args, message):
    db = tmp_path / "a.db"
    result = CliRunner().invoke(cli, ["crawl", "pacsto", *args, "--db", str(db)])
    assert result.exit_code == 2, result.output
    assert message in result.output


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PARLWATCH_MAX_LIST_PAGES", "lots", "a number of news-list pages (0: all), not 'lots'"),
        ("PARLWATCH_PARSE_WORKERS", "two", "a number of processes (0: none), not 'two'"),
    ],
)
def test_a_bad_number_in_the_environment_is_one_line(tmp_path, name, value, message):
    done = subprocess.run(
        [sys.executable, "-m", "parlwatch", "crawl", "pacsto", "--base-url", "http://127.0.0.1:9"]
        + ["--db", str(tmp_path / "a.db")],
        capture_output=True,
        text=True,
        env={**os.environ, name: value},
        timeout=120,
    )
    assert done.returncode == 7
    assert done.stderr == f"error: {name} must be {message}\n"


def test_every_whole_number_setting_read_as_a_float_takes_a_fraction():
    """FRACTIONAL_SETTINGS is written by hand: every setting with a whole-number default that
    Scrapy or the crawler reads with ``getfloat`` must be in it, or -s would refuse 2.5 for it."""
    import scrapy
    from scrapy.settings import default_settings

    from crawler import settings as project
    from parlwatch.cli_options import FRACTIONAL_SETTINGS

    read = re.compile(r"getfloat\(\s*[\"']([A-Z0-9_]+)[\"']")
    sources = [*Path(scrapy.__file__).parent.rglob("*.py"), *(ROOT / "crawler").rglob("*.py")]
    as_float = {name for path in sources for name in read.findall(path.read_text("utf-8"))}
    assert {"DOWNLOAD_DELAY", "DOWNLOAD_TIMEOUT", "PARLWATCH_HEARTBEAT"} <= as_float
    whole = {
        name
        for name in as_float
        if type(getattr(project, name, getattr(default_settings, name, None))) is int
    }
    assert whole <= FRACTIONAL_SETTINGS, whole - FRACTIONAL_SETTINGS


@pytest.mark.parametrize(("env", "workers"), [(None, 0), ("0", 0), ("1", 1), ("2", 2)])
def test_pages_are_parsed_in_the_crawl_process_unless_workers_are_asked_for(
    monkeypatch, env, workers
):
    from crawler import settings

    if env is None:
        monkeypatch.delenv("PARLWATCH_PARSE_WORKERS", raising=False)
    else:
        monkeypatch.setenv("PARLWATCH_PARSE_WORKERS", env)
    assert settings._parse_workers_from_env() == workers


def test_several_sites_side_by_side_are_parsed_in_the_crawl_process(monkeypatch):
    from crawler import runner
    from crawler import settings as project

    workers = []

    class Process:  # records the settings a crawl process would get; crawls nothing
        def __init__(self, settings) -> None:
            workers.append(settings.getint("PARLWATCH_PARSE_WORKERS"))

        def create_crawler(self, name: str) -> object:
            return object()

        def crawl(self, *args, **kwargs) -> None:
            pass

        def start(self) -> None:
            pass

    monkeypatch.setattr(runner, "CrawlerProcess", Process)
    monkeypatch.setattr(project, "PARLWATCH_PARSE_WORKERS", 1)  # the default on two CPUs
    monkeypatch.delenv("PARLWATCH_PARSE_WORKERS", raising=False)
    runner.run_crawls(["pacsto"])
    runner.run_crawls(["pacsto", "duma_ru"])
    runner.run_crawls(["pacsto", "duma_ru"], overrides={"PARLWATCH_PARSE_WORKERS": 2})
    monkeypatch.setenv("PARLWATCH_PARSE_WORKERS", "1")
    runner.run_crawls(["pacsto", "duma_ru"])
    assert workers == [1, 0, 2, 1]
