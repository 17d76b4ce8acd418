"""Options that name a site, a country, a language, a status or a version are checked up
front: a typo is a usage error naming the option (exit 2), never a silent empty answer, a
filter that can never match, or a Python error message."""

from __future__ import annotations

import click
import pytest
from cli_commands import leaf_commands
from click.testing import CliRunner

from parlwatch.cli import cli
from store.archive import Archive


@pytest.fixture
def db(tmp_path) -> str:
    path = tmp_path / "archive.db"
    Archive(str(path)).engine.dispose()
    return str(path)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["search", "x", "--site", "nosuch"], "unknown nosuch"),
        (["search", "x", "--lang", "de"], "'de' is not one of"),
        (["reparse", "--site", "nosuch"], "unknown nosuch"),
        (["captures", "http://x/", "--status", "abc"], "neither an HTTP status"),
        (["captures", "http://x/", "--status", "99"], "neither an HTTP status"),
        (["crawls", "--last", "0"], "0 is not in the range"),
        (["notify", "add", "t", "https://example.org/h", "--site", "nosuch"], "unknown nosuch"),
        (["notify", "add", "t", "https://example.org/h", "--country", "ZZ"], "unknown country"),
        (["notify", "add", " ", "https://example.org/h"], "a target needs a name"),
    ],
)
def test_a_bad_value_is_a_usage_error_naming_it(db, args, says):
    done = CliRunner().invoke(cli, [*args, "--db", db])
    assert done.exit_code == 2, done.output
    assert says in done.output and "Traceback" not in done.output


def test_captures_status_none_and_codes_still_work(db):
    for status in ("none", "200", "404"):
        done = CliRunner().invoke(cli, ["captures", "http://x/", "--status", status, "--db", db])
        assert done.exit_code == 0 and "no captures" in done.output, done.output


def test_notify_country_is_upper_cased_so_it_matches_the_changes(db):
    done = CliRunner().invoke(
        cli, ["notify", "add", "t", "https://example.org/h", "--country", "ru", "--db", db]
    )
    assert done.exit_code == 0, done.output
    assert "(countries RU)" in done.output


def test_import_warc_site_is_checked(db, tmp_path):
    warc = tmp_path / "x.warc"
    warc.write_bytes(b"")
    done = CliRunner().invoke(cli, ["import", "warc", str(warc), "--site", "nosuch", "--db", db])
    assert done.exit_code == 2 and "unknown nosuch" in done.output, done.output


def test_replica_with_an_unknown_version_lists_the_versions():
    done = CliRunner().invoke(cli, ["replica", "--site", "duma_ru", "--version", "1999"])
    assert done.exit_code == 2, done.output
    assert "unknown version '1999' of duma_ru; have: 2025, 2026" in done.output
    assert "[" not in done.output.splitlines()[-1]


def test_crawl_says_each_site_url_needs_its_own_base_url(db):
    args = ["crawl", "duma_ru", "council_ru", "--base-url", "duma_ru=http://127.0.0.1:9"]
    done = CliRunner().invoke(cli, [*args, "council_ru=http://127.0.0.1:9", "--db", db])
    assert done.exit_code == 2, done.output
    assert "each SITE=URL needs its own --base-url" in done.output


def test_discover_checks_its_base_url():
    done = CliRunner().invoke(cli, ["discover", "duma_ru", "--base-url", "notaurl"])
    assert done.exit_code == 2 and "a base URL starts with http://" in done.output, done.output


def test_every_option_has_help_text_but_the_output_format():
    silent = [
        (" ".join(path), param.opts[0])
        for path, command in leaf_commands()
        for param in command.params
        if isinstance(param, click.Option) and not param.help and not param.hidden
        if param.name != "fmt"
    ]
    assert silent == []


def test_replica_on_a_busy_port_says_so_as_replay_and_serve_do():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = CliRunner().invoke(cli, ["replica", "--site", "duma_ru", "--port", str(port)])
    assert done.exit_code == 1, done.output
    assert f"port {port} on 127.0.0.1 is busy" in done.output and "choose --port" in done.output


def test_notify_log_says_tests_are_not_logged(db):
    done = CliRunner().invoke(cli, ["notify", "log", "--db", db])
    assert done.exit_code == 0 and "`notify test` sends is not logged" in done.output


def test_captures_refuses_a_period_that_ends_before_it_starts(db):
    args = ["captures", "http://x/", "--from", "2027", "--to", "2026", "--db", db]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 2 and "must be before --to" in done.output, done.output
    same_day = ["captures", "http://x/", "--from", "2026-01-01", "--to", "2026-01-01"]
    assert CliRunner().invoke(cli, [*same_day, "--db", db]).exit_code == 0


def test_crawls_columns_stay_aligned_for_long_site_names(db):
    from store.archive import FINISHED
    from store.observations import ObservationBatch

    archive = Archive(db)
    for spider in ("pacsto", "reparse:duma_ru"):
        archive.finish_crawl(archive.start_crawl(spider), FINISHED, ObservationBatch(), {})
    lines = CliRunner().invoke(cli, ["crawls", "--db", db]).output.splitlines()
    column = lines[0].index("status")
    assert [line[column:].split()[0] for line in lines[1:3]] == ["finished", "finished"], lines


@pytest.mark.parametrize(
    "args", [["--poll", "0"], ["--max-parallel", "0"], ["--stop-timeout", "-1"]]
)
def test_the_scheduler_refuses_values_that_would_spin_or_never_crawl(tmp_path, args):
    nowhere = str(tmp_path / "no-such-folder" / "a.db")  # were it accepted: exit 3, not a run
    done = CliRunner().invoke(cli, ["scheduler", *args, "--db", nowhere])
    assert done.exit_code == 2 and "is not in the range" in done.output, done.output


@pytest.mark.parametrize("text", ["", "   "])
def test_search_refuses_an_empty_query(text, tmp_path):
    done = CliRunner().invoke(cli, ["search", text, "--db", str(tmp_path / "none.db")])
    assert done.exit_code == 2, done.output
    assert "give a word" in done.output and "no matches" not in done.output
