"""No traceback reaches a user (issue 18, item 2): every command, run with bad inputs, answers
with one line on stderr and an exit code that says what kind of trouble it was."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import click
import pytest
from cli_commands import leaf_commands

from parlwatch import cli as cli_module
from parlwatch import exit_codes
from store.archive import Archive

LONG_RUNNING = {"serve", "replay", "scheduler", "replica", "demo"}  # they serve when all is well
BAD = "@@bad@@"
CHECKED_TYPES = {"integer", "float", "integer range", "float range", "choice", "date"}
LAST_OUTPUT: list[str] = []  # stdout of the last run_main


class Hung(BaseException):
    """A command ran on instead of refusing its input (not an Exception: main must not eat it)."""


COMMANDS = list(leaf_commands())


def _path_of(command: click.Command) -> tuple[str, ...]:
    return next(path for path, c in COMMANDS if c is command)


def newer_archive(folder: Path) -> Path:
    path = folder / "newer.db"
    Archive(str(path)).engine.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0999'")
    return path


@pytest.fixture(scope="module")
def places(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("bad")
    (folder / "a-directory").mkdir()
    (folder / "notes.txt").write_text("not a database\n")
    empty = folder / "empty.db"
    Archive(str(empty)).engine.dispose()
    return {
        "warc": str(_warc(folder / "good.warc.gz", "2026-01-01T00:00:00Z")),
        "missing folder": str(folder / "no-such-folder" / "a.db"),
        "directory": str(folder / "a-directory"),
        "not a database": str(folder / "notes.txt"),
        "mysql": "mysql://user@127.0.0.1/parlwatch",
        "newer schema": str(newer_archive(folder)),
        "file": str(folder / "notes.txt"),
        "empty": str(empty),
    }


# what some commands need beyond their required parameters to get as far as the archive
EXTRA = {
    ("crawl",): ["pacsto"],
    ("backfill",): ["--cdx", "http://127.0.0.1:9/coll/cdx", "--retries", "0", "--delay", "0"],
    ("schedule", "add"): ["pacsto", "--every", "6h"],
}


def required_args(command: click.Command, places: dict[str, str], skip=None) -> list[str]:
    args: list[str] = list(EXTRA.get(_path_of(command), []))
    for param in command.params:
        if param is skip or not param.required:
            continue
        value = places["file"] if isinstance(param.type, click.Path | click.File) else "1"
        if param.name == "files":  # import warc: a WARC that is fine, so the archive is opened
            value = places["warc"]
        if param.name == "site":  # a known site, so the archive is what is wrong
            value = "pacsto"
        if param.name == "url" and _path_of(command) == ("notify", "add"):
            value = "json://127.0.0.1:9/hook"
        if isinstance(param.type, click.Path) and not param.type.exists:
            value = str(Path(places["file"]).with_name("out.warc.gz"))
        args += [value] if isinstance(param, click.Argument) else [param.opts[0], value]
    return args


def run_main(args: list[str], capfd, timeout: int = 60) -> tuple[int, str]:
    """``parlwatch ARGS`` through the console entry point, in this process."""

    def hang(*_):
        raise Hung(args)

    old_argv, old_alarm = sys.argv, signal.signal(signal.SIGALRM, hang)
    sys.argv = ["parlwatch", *args]
    signal.alarm(timeout)
    try:
        cli_module.main()
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old_alarm)
        sys.argv = old_argv
    captured = capfd.readouterr()
    LAST_OUTPUT[:] = [captured.out]
    return code, captured.err


def _has_db(command: click.Command) -> bool:
    return any(p.name in ("db_url", "db_path") for p in command.params)


DB_CASES = ["missing folder", "directory", "not a database", "mysql", "newer schema"]
EXPECTED = {"missing folder": 3, "directory": 3, "not a database": 4, "mysql": 5, "newer schema": 6}


@pytest.mark.parametrize("case", DB_CASES)
@pytest.mark.parametrize(
    ("path", "command"),
    [pytest.param(p, c, id=" ".join(p)) for p, c in COMMANDS if _has_db(c)],
)
def test_every_command_refuses_a_bad_archive_in_one_line(
    path, command, case, places, capfd, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    args = [*path, *required_args(command, places), "--db", places[case]]
    code, err = run_main(args, capfd)
    assert "Traceback" not in err, err
    assert code != 0, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines and lines[-1].startswith(("error: ", "Error: ")), err
    expected = EXPECTED[case]
    if path == ("demo",):  # its --db is a file path, not a URL: click refuses a directory
        expected = {"directory": 2, "mysql": 3}.get(case, expected)
    assert code == expected, (code, err)
    if code != 2:  # click's usage errors have their usage line and hint above the error
        assert len(lines) == 1, err


def _value_options(command: click.Command):
    for param in command.params:
        if isinstance(param, click.Option) and not param.is_flag and param.name != "db_url":
            yield param


def _bad_value_runs(path, command, places) -> list[list[str]]:
    """The command with nothing, then each option and each argument given a bad value in turn.
    Commands that serve when all is well get bad values only where their type refuses them."""
    base = ["--db", places["empty"]] if _has_db(command) else []
    runs = [] if path[-1] in LONG_RUNNING else [[*path, *base]]
    for option in _value_options(command):
        refuses = option.type.name in CHECKED_TYPES or option.name == "host"
        if path[-1] in LONG_RUNNING and not refuses:
            continue
        runs.append([*path, *required_args(command, places, option), option.opts[0], BAD, *base])
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    for argument in arguments:
        values = required_args(command, places, argument)
        runs.append([*path, BAD, *values, *base])
    return runs


@pytest.mark.parametrize(
    ("path", "command"), [pytest.param(p, c, id=" ".join(p)) for p, c in COMMANDS]
)
def test_every_command_answers_bad_values_without_a_traceback(
    path, command, places, capfd, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # where a bad -o or --db value lands
    for args in _bad_value_runs(path, command, places):
        code, err = run_main(args, capfd)
        assert "Traceback" not in err, (args, err)
        assert code in (0, 1, 2, 3, 4, 5, 6, 7, 9), (args, code, err)
        if code >= 2:  # 1 is a command's own verdict (a parse that misses a block, say)
            assert err.strip().splitlines()[-1].startswith(("error: ", "Error: ")), (args, err)


def test_the_exit_codes_are_documented():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for name, code in vars(exit_codes).items():
        if name.startswith("EXIT_") and isinstance(code, int):
            assert f"| {code} |" in readme, name


def test_crawl_on_a_bad_archive_stops_before_scrapy_starts(places):
    """The case of the issue: the message, then 229 lines from Twisted. Now: the message."""
    done = subprocess.run(
        [sys.executable, "-m", "parlwatch", "crawl", "pacsto", "--db", places["not a database"]],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 4
    assert done.stderr == "error: cannot use the archive database: file is not a database\n"


def test_a_newer_archive_says_which_revision_and_release_wrote_it(tmp_path, capfd):
    from store.release import RELEASE

    path = tmp_path / "newer.db"
    Archive(str(path)).engine.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO crawl (spider, started, status, params, stats) "
            "VALUES ('pacsto', '2027-01-01', 'finished', '{\"parlwatch\": \"9.9.0\"}', '{}')"
        )
        connection.execute("UPDATE alembic_version SET version_num = '0999'")
    code, err = run_main(["changes", "--db", str(path)], capfd)
    assert code == 6
    from alembic.script import ScriptDirectory

    from store.db import MIGRATIONS

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert err == (
        "error: this archive was written by parlwatch 9.9.0 (schema revision 0999); this "
        f"parlwatch ({RELEASE}) knows schema revisions up to {head}: upgrade parlwatch to open it\n"
    )
    with sqlite3.connect(path) as connection:  # nothing was touched
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            ("0999",)
        ]


def test_schedule_add_with_a_cron_that_never_fires_is_one_line(tmp_path, capfd):
    code, err = run_main(
        ["schedule", "add", "pacsto", "--cron", "0 6 30 2 *", "--db", str(tmp_path / "a.db")],
        capfd,
    )
    assert code == 2 and 'cron "0 6 30 2 *" never fires' in err and "Traceback" not in err


def _warc(path: Path, date: str) -> Path:
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "https://pacsto.org/",
                "response",
                payload=io.BytesIO(b"<html></html>"),
                http_headers=http,
                warc_headers_dict={"WARC-Date": date},
            )
        )
    return path


@pytest.mark.parametrize("date", ["yesterday", "2026-13-45T99:00:00Z", "20x6-01-01T00:00:00Z"])
def test_an_import_with_a_bad_warc_date_is_refused_in_one_line(tmp_path, capfd, date):
    warc = _warc(tmp_path / "bad.warc.gz", date)
    db = tmp_path / "a.db"
    code, err = run_main(["import", "warc", str(warc), "--db", str(db)], capfd)
    assert code == 2
    assert err == (
        f"error: bad.warc.gz: the response record of https://pacsto.org/ at byte 0 has a bad "
        f"WARC-Date {date!r} (a UTC time such as 2026-01-31T12:00:00Z is needed); "
        "nothing was imported\n"
    )


def _corrupt_an_index_page(db: Path) -> None:
    from store.schedules import add_schedule

    archive = Archive(str(db))
    for i in range(300):
        add_schedule(
            archive,
            sites=["pacsto"],
            every_seconds=3600 + i,
            timezone="UTC",
            jitter_seconds=0,
            base_urls={},
            next_run_at=datetime(2026, 1, 1, i % 24),
        )
    archive.engine.dispose()
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'ix_schedule_next_run_at'"
        ).fetchone()[0]
        size = connection.execute("PRAGMA page_size").fetchone()[0]
    with open(db, "r+b") as handle:
        handle.seek((page - 1) * size + 8)
        handle.write(b"\xff" * 64)


def test_verify_reports_a_corrupted_page(tmp_path, capfd):
    db = tmp_path / "a.db"
    Archive(str(db)).engine.dispose()
    code, _err = run_main(["verify", "--db", str(db)], capfd)
    assert code == 0 and "database check (SQLite integrity_check): 0 problems" in LAST_OUTPUT[0]
    _corrupt_an_index_page(db)
    code, err = run_main(["verify", "--db", str(db)], capfd)
    assert code == 1, err
    assert "Traceback" not in err
    out = LAST_OUTPUT[0]
    assert "database check (SQLite integrity_check)" in out or "database check (failed)" in out
    assert "DATABASE " in out


def test_verify_json_names_the_database_problem(tmp_path):
    from store.verify import verify_archive

    db = tmp_path / "a.db"
    _corrupt_an_index_page(db)
    report = verify_archive(Archive(str(db)))
    assert report.database and report.problems >= 1
    assert "malformed" in " ".join(report.database) or "index" in " ".join(report.database)
