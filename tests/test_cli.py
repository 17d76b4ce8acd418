"""The command line: every command has help and is documented; parse and changes work."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from parlwatch.cli import cli
from store.archive import Archive

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "pages"


def command_names() -> list[str]:
    return cli.list_commands(click.Context(cli))


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help_and_is_in_the_readme(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert cli.get_command(click.Context(cli), name).help, f"{name} has no docstring"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"`parlwatch {name}\b", readme), f"README does not document {name}"


def test_parse_prints_records_as_a_json_array():
    page = FIXTURES / "en_2025_modern.html"
    result = CliRunner().invoke(
        cli, ["parse", str(page), "--url", "https://pacsto.org/", "--language", "en"]
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    delegations = [r for r in records if r["type"] == "delegation"]
    assert {r["country"] for r in delegations} == {"BY", "KZ", "KG", "RU", "TJ"}


def test_parse_exits_non_zero_when_the_block_is_missing():
    result = CliRunner().invoke(
        cli, ["parse", str(FIXTURES / "maintenance.html"), "--url", "https://pacsto.org/"]
    )
    assert result.exit_code == 1
    assert "delegations" in result.output


def test_changes_on_an_empty_archive(tmp_path):
    db = tmp_path / "empty.db"
    Archive(str(db))  # an archive with no history yet
    text = CliRunner().invoke(cli, ["changes", "--db", str(db)])
    assert text.exit_code == 0 and "no changes" in text.output
    as_json = CliRunner().invoke(cli, ["changes", "--db", str(db), "--format", "json"])
    assert json.loads(as_json.output) == []


def test_unknown_spider_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["crawl", "nosuchsite", "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 2
    assert "unknown site" in result.output


def test_bad_since_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(
        cli, ["changes", "--db", str(tmp_path / "a.db"), "--since", "not a date at all"]
    )
    assert result.exit_code == 2
    assert "not a date" in result.output


@pytest.mark.parametrize(
    ("url", "code", "start"),
    [
        ("foo://bar", 5, "error: cannot use a foo:// archive:"),
        ("postgresql://nobody@127.0.0.1:1/none", 4, "error: cannot use the archive database:"),
    ],
)
def test_an_unusable_archive_is_one_clear_line(url, code, start):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "parlwatch", "changes", "--db", url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == code
    assert done.stderr.startswith(start) and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crawl", "pacsto", "--language", "xx"], "pacsto has no xx edition"),
        (["crawl", "duma_ru", "--language", "en"], "duma_ru has no en edition"),
        (["crawl", "pacsto", "--base-url", "notaurl"], "starts with http:// or https://"),
        (["crawl", "pacsto", "duma_ru", "--base-url", "http://127.0.0.1:1"], "SITE=URL"),
        (["schedule", "add", "pacsto", "--every", "1h", "--language", "xx"], "no xx edition"),
    ],
)
def test_crawl_options_are_checked_before_anything_starts(tmp_path, args, message):
    result = CliRunner().invoke(cli, [*args, "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "a.db").exists() or "schedule" in args


def test_bad_paths_and_files_are_one_line_errors(tmp_path):
    import subprocess
    import sys

    not_a_warc = tmp_path / "notes.warc.gz"
    not_a_warc.write_text("hello")
    for args in (
        ["export", "warc", "-o", str(tmp_path / "missing" / "x.warc.gz")],
        ["import", "warc", str(not_a_warc)],
        ["changes", "--db", str(not_a_warc)],
    ):
        if "--db" not in args:
            args += ["--db", str(tmp_path / "a.db")]
        done = subprocess.run(
            [sys.executable, "-m", "parlwatch", *args], capture_output=True, text=True, timeout=60
        )
        assert done.returncode in (2, 3, 4, 7), args
        assert done.stderr.startswith("error: "), (args, done.stderr)
        assert "Traceback" not in done.stderr


def test_reading_a_mistyped_archive_path_is_an_error_not_an_empty_history(tmp_path):
    missing = tmp_path / "typo.db"
    for command in (["changes"], ["members"], ["check"], ["report"], ["captures", "http://x/"]):
        result = CliRunner().invoke(cli, [*command, "--db", str(missing)])
        assert result.exit_code != 0, command
        assert "no archive at" in str(result.exception or result.output), command
    assert not missing.exists()
    Archive(str(tmp_path / "fresh.db"))  # in-process callers may still create archives


def test_the_command_line_words_a_missing_archive(tmp_path):
    import subprocess
    import sys

    missing = tmp_path / "typo.db"
    done = subprocess.run(
        [sys.executable, "-m", "parlwatch", "crawls", "--db", str(missing)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 3
    assert done.stderr == (
        f"error: no archive at {missing} (check --db / $PARLWATCH_DB, or crawl first)\n"
    )
    assert not missing.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["changes", "--site", "nosuch"], "unknown nosuch"),
        (["members", "--source", "nosuch"], "unknown nosuch"),
        (["members", "--country", "ZZ"], "unknown country ZZ"),
        (["report", "--country", "ZZ"], "unknown country ZZ"),
        (["report", "--since", "2026-01-01", "--until", "2020-01-01"], "must be before"),
        (["export", "warc", "--site", "nosuch", "-o", "x.warc.gz"], "unknown nosuch"),
    ],
)
def test_unknown_sites_countries_and_empty_periods_are_refused(tmp_path, args, message):
    db = tmp_path / "a.db"
    Archive(str(db))
    result = CliRunner().invoke(cli, [*args, "--db", str(db)])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_country_codes_are_accepted_in_any_case(tmp_path):
    db = tmp_path / "a.db"
    Archive(str(db))
    result = CliRunner().invoke(cli, ["members", "--country", "ru", "--db", str(db)])
    assert result.exit_code == 0 and "no members known" in result.output


NATIONAL = Path(__file__).parent / "fixtures" / "national"


def test_parse_reads_a_national_delegation_page_with_that_sites_parser():
    result = CliRunner().invoke(
        cli,
        [
            "parse",
            str(NATIONAL / "members_sovrep_cp1251.html"),
            "--url",
            "https://sovrep.gov.by/ru/pa-odkb/",
            "--site",
            "sovrep_by",
        ],
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert records and {r["type"] for r in records} == {"member"}
    assert {r["source"] for r in records} == {"sovrep_by"}


def test_parse_on_a_national_maintenance_page_says_the_list_is_missing():
    result = CliRunner().invoke(
        cli,
        [
            "parse",
            str(NATIONAL / "maintenance.html"),
            "--url",
            "http://duma.gov.ru/duma/international/odkb/",
            "--site",
            "duma_ru",
        ],
    )
    assert result.exit_code == 1
    assert "expected block(s) missing: members" in result.output


@pytest.mark.parametrize(
    ("args", "wrote"),
    [
        (["export", "popolo"], r"wrote \d+ persons?, \d+ organizations?, \d+ memberships? to "),
        (["export", "warc"], r"wrote 0 captures to .*\(records: warcinfo 1\)\n"),
        (["report", "--format", "md"], r"wrote 0 changes to "),
    ],
)
def test_every_command_writing_a_file_says_what_it_wrote_on_stderr(tmp_path, args, wrote):
    db = tmp_path / "a.db"
    Archive(str(db))
    out = tmp_path / "out.file"
    result = CliRunner().invoke(cli, [*args, "--db", str(db), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0 and result.stdout == ""
    assert re.search(wrote + re.escape(str(out)) if wrote.endswith("to ") else wrote, result.stderr)


def test_an_export_to_stdout_adds_no_line(tmp_path):
    db = tmp_path / "a.db"
    Archive(str(db))
    result = CliRunner().invoke(cli, ["export", "popolo", "--db", str(db)])
    assert result.exit_code == 0 and result.stderr == "", result.output
    assert set(json.loads(result.stdout)) >= {"persons", "organizations", "memberships"}


@pytest.mark.parametrize(
    ("site", "says"),
    [("nosuch", "unknown nosuch; discover reads: "), ("pacsto", "pacsto has a spider of its own")],
)
def test_discover_names_only_the_sites_it_can_read(site, says):
    from crawler.registry import national_sites

    result = CliRunner().invoke(cli, ["discover", site])
    assert result.exit_code == 2, result.output
    assert says in result.output and "Invalid value for 'SITE'" in result.output
    listed = result.output.split("discover reads: ", 1)[1].split()
    readable = [sid for sid, config in national_sites().items() if not config.spider]
    assert [name.rstrip(",") for name in listed] == readable and "pacsto" not in listed
